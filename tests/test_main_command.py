"""The README's main command, run on the tiny escape study, completes and writes the report.

The README names ``bash scripts/main.sh``; that script builds ``.venv`` and then runs
one herz command (its last line). The test checks that chain and runs that command,
with this interpreter's herz, at the tiny size (``HERZ_ESCAPE_SIZE=tiny``) in a
temporary folder.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main_command() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- main-command -->(.*?)<!-- /main-command -->", readme, re.S)
    assert block, "README.md has no main-command block"
    cmds = [ln.strip() for ln in block.group(1).splitlines() if ln.strip().startswith("bash ")]
    assert cmds == ["bash scripts/main.sh"], cmds
    lines = [ln for ln in (ROOT / "scripts" / "main.sh").read_text().splitlines()
             if ln.strip() and not ln.startswith("#")]
    last = shlex.split(lines[-1])
    assert last[0] == ".venv/bin/herz", lines[-1]
    assert last[-1] == "$@"
    return last[1:-1]


def test_readme_main_command_runs_the_escape_study(tmp_path):
    args = main_command()
    assert args[0] == "escape"
    env = {**os.environ, "HERZ_ESCAPE_SIZE": "tiny", "COLUMNS": "120"}
    t0 = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "herz", *args, "--workers", "1", "--json"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    seconds = time.monotonic() - t0
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout)
    report = tmp_path / "herz-output" / "escape_report.html"
    assert Path(out["report"]).resolve() == report.resolve()
    assert report.stat().st_size > 50_000
    text = report.read_text()
    assert "How often do states in the dilemma get out?" in text
    stored = json.loads((tmp_path / "herz-output" / "escape_report.json").read_text())
    assert stored["verdict"] == out["verdict"]
    assert stored["verdict"]["primarily_escapable"] in (True, False, None)
    assert 0 < stored["worlds"] and 0.0 <= stored["entered_share"]["value"] <= 1.0
    assert seconds < 300, f"the tiny escape study took {seconds:.0f} s"


def test_bad_size_is_one_line_and_status_2(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "herz", "escape", "--size", "huge"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "herz: error: size = 'huge': must be one of default, tiny"]
