"""Suite-wide rules.

Under CI (CI=true) a skipped test fails the run: every dependency a test needs is
installed by the test command, so a skip there means a missing install step, not a
reason to go green.

Under pytest-xdist (scripts/test.sh runs one worker per core) each worker's Numba kernels
run on one thread: the workers already fill the cores, and Numba's own threads on top only
oversubscribe them. ``NUMBA_NUM_THREADS`` is left alone, so a test that asks for more
threads explicitly (``numba.set_num_threads``, ``threads=2``) still gets them.
"""

from __future__ import annotations

import os

import pytest


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("PYTEST_XDIST_WORKER"):
        # A worker starts with COLUMNS=80 (LINES too) in its environment, which a serial run
        # does not have; herz's rich consoles, made at import, would then keep 80 columns and
        # ignore the COLUMNS a test gives the command (tests/test_cli_output.py).
        for name in ("COLUMNS", "LINES"):
            os.environ.pop(name, None)
        import numba

        numba.set_num_threads(1)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter is not None else []
    if skipped and os.environ.get("CI", "").lower() == "true" and exitstatus == 0:
        for rep in skipped:
            reporter.write_line(f"CI: skipped test is an error: {rep.nodeid} {rep.longrepr}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
