"""herz explore: binding, warnings and errors, without starting a server."""

from typer.testing import CliRunner

from herz.cli import app
from herz.cli.explore import host_warning, streamlit_command

runner = CliRunner()


def test_binds_to_localhost_by_default():
    res = runner.invoke(app, ["explore", "--dry-run"])
    assert res.exit_code == 0
    assert "--server.address 127.0.0.1" in res.stdout
    assert "--server.headless true" in res.stdout
    assert "warning" not in res.output


def test_other_address_warns():
    res = runner.invoke(app, ["explore", "--dry-run", "--host", "0.0.0.0", "--port", "9000"])
    assert res.exit_code == 0
    assert "--server.address 0.0.0.0 --server.port 9000" in res.stdout
    assert "warning: binding to 0.0.0.0" in res.stderr
    assert host_warning("localhost") is None and host_warning("::1") is None


def test_bad_port_is_one_line_and_status_2():
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "herz", "explore", "--port", "70000"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "herz: error: --port = 70000: must be between 1 and 65535"]


def test_command_runs_the_app_module():
    cmd = streamlit_command("127.0.0.1", 8501)
    assert cmd[1:4] == ["-m", "streamlit", "run"]
    assert cmd[4].endswith("herz/explorer/app.py")
    assert "--browser.gatherUsageStats" in cmd


def test_missing_extra_is_a_clear_error(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "streamlit" else real(name, *a))
    res = runner.invoke(app, ["explore"])
    assert res.exit_code != 0
    assert "pip install 'herz[explorer]'" in str(res.exception)


def test_chromium_is_required_not_optional():
    from tests.explorer.conftest import CHROMIUM_FLAGS, chromium_path

    assert "--headless" in CHROMIUM_FLAGS and "--no-sandbox" in CHROMIUM_FLAGS
    assert chromium_path().endswith("chromium")
