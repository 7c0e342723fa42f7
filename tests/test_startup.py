"""The command line starts fast and its tables of commands agree with its modules.

``herz --version`` and ``herz --help`` must not wait for statsmodels, nashpy or SciPy's
statistics (about 2 s before the command modules were imported lazily); measured
0.08 s on the development machine, guarded here with a generous bound for a busy CI.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import time

import typer

import herz.cli as cli

HEAVY = ("statsmodels", "nashpy", "scipy.stats", "numba", "pandas", "herz.world", "herz.models")


def _run(*args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "herz", *args], capture_output=True, text=True,
                          timeout=60, check=False)
    return time.perf_counter() - start, proc


def test_version_and_help_start_in_under_two_seconds() -> None:
    for args in (("--version",), ("--help",)):
        _run(*args)  # warm the file cache
        seconds, proc = _run(*args)
        assert proc.returncode == 0, proc.stderr
        assert seconds < 2.0, f"herz {' '.join(args)} took {seconds:.2f} s"
    assert "escape" in proc.stdout and "explore" in proc.stdout


def test_importing_the_cli_imports_no_heavy_library() -> None:
    code = ("import sys, json, herz.cli; "
            f"print(json.dumps([m for m in {list(HEAVY)!r} if m in sys.modules]))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=True)
    assert json.loads(proc.stdout) == []


def test_help_lists_commands_without_importing_them() -> None:
    code = ("import sys, json\nfrom herz.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            f"print(json.dumps([m for m in {list(HEAVY)!r} if m in sys.modules]))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=True)
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == []


def _registered(module: str) -> set[str]:
    holder = typer.Typer()
    importlib.import_module(f"herz.cli.{module}").register(holder)
    return set(typer.main.get_group(holder).commands)


def test_the_tables_name_every_command_each_module_registers() -> None:
    for table in (cli.COMMANDS, cli.MODELS):
        modules = {mod for mod, _ in table.values() if mod}
        for module in modules:
            listed = {name for name, (mod, _) in table.items() if mod == module}
            assert _registered(module) == listed, module
        assert all(summary[-1] in ".?" and len(summary) <= 66 for _, summary in table.values())


def test_every_listed_command_runs_its_help() -> None:
    from typer.testing import CliRunner

    runner = CliRunner()
    for name in cli.COMMANDS:
        res = runner.invoke(cli.app, [name, "--help"])
        assert res.exit_code == 0, (name, res.output)
        assert f"herz {name}" in res.output
    for name in cli.MODELS:
        res = runner.invoke(cli.app, ["models", name, "--help"])
        assert res.exit_code == 0, (name, res.output)


def test_import_sets_a_passive_openmp_wait_policy_only_if_unset() -> None:
    """``import herz`` sets OMP_WAIT_POLICY=PASSIVE before Numba loads, and keeps a user's value."""
    import os

    code = "import os, herz; print(os.environ['OMP_WAIT_POLICY'])"
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "PASSIVE"
    out = subprocess.run([sys.executable, "-c", code], env={**env, "OMP_WAIT_POLICY": "ACTIVE"},
                         capture_output=True, text=True, check=True).stdout.strip()
    assert out == "ACTIVE"
