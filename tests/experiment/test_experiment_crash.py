"""Crash safety: kill -9 a real sweep part-way, resume it; Ctrl-C stops it cleanly."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from experiment_helpers import all_rows, chunk_digests, no_temporary_files, toy_text

from herz.experiment import parse_scenario, resume, sweep

CLI = "import sys; from herz.cli import main; main(sys.argv[1:])"
# The kill tests start the sweep through the Python API (importing all of herz.cli
# costs seconds that the kill tests do not need); the Ctrl-C test uses the real CLI.
API = ("import sys; from herz.experiment import sweep; "
       "sweep(sys.argv[1], output=sys.argv[2], runner=sys.argv[3], workers=int(sys.argv[4]))")
TEXT = toy_text(sleep=0.05)  # 12 chunks of 3 replicates, 0.15 s each
# The Ctrl-C test's sweep: 24 chunks, so that after the third about 3 s of work remain on
# two workers, room for the signal to arrive on a loaded machine (with 12 chunks, 0.7 s
# were left and a sweep once finished before the signal at load 5).
TEXT_LONG = toy_text(sleep=0.05, replicates=12)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ref") / "r"
    sweep(parse_scenario(TEXT), output=out, runner="inprocess")
    return out


@pytest.fixture(scope="module")
def reference_long(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ref_long") / "r"
    sweep(parse_scenario(TEXT_LONG), output=out, runner="processes", workers=2)
    return out


def _start(tmp_path: Path, out: Path, *args: str, api: bool = False, text: str = TEXT
           ) -> subprocess.Popen[bytes]:
    path = tmp_path / "s.toml"
    path.write_text(text)
    if api:
        cmd = [sys.executable, "-c", API, str(path), str(out), *args]
    else:
        cmd = [sys.executable, "-c", CLI, "sweep", str(path), "-o", str(out), "--no-progress",
               *args]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _wait_for_chunks(proc: subprocess.Popen[bytes], out: Path, n: int,
                     timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if len(list((out / "chunks").glob("*.parquet"))) >= n if (out / "chunks").is_dir() \
                else False:
            return
        if proc.poll() is not None:
            raise AssertionError(f"sweep ended early: {proc.communicate()}")
        time.sleep(0.005)
    proc.kill()
    raise AssertionError("sweep made no progress")


def _check_complete(out: Path, reference: Path) -> None:
    assert chunk_digests(out) == chunk_digests(reference)  # no lost chunk, none different
    rows = all_rows(out)
    assert not rows.duplicated(["point", "replicate"]).any()  # no duplicate
    pd.testing.assert_frame_equal(rows, all_rows(reference))
    assert no_temporary_files(out)  # no partial file
    man = json.loads((out / "manifest.json").read_text())
    assert man["status"] == "complete"
    assert all(c["status"] == "done" for c in man["chunks"].values())


@pytest.mark.parametrize(("kill_after", "runner"),
                         [(1, "inprocess"), (5, "inprocess"), (9, "inprocess"),
                          (4, "processes")])
def test_kill_9_then_resume(tmp_path: Path, reference: Path, kill_after: int,
                            runner: str) -> None:
    out = tmp_path / "r"
    proc = _start(tmp_path, out, runner, "2" if runner == "processes" else "1", api=True)
    _wait_for_chunks(proc, out, kill_after)
    children = []
    if runner == "processes":
        psutil = pytest.importorskip("psutil")
        children = psutil.Process(proc.pid).children(recursive=True)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    done = len(chunk_digests(out))
    assert kill_after <= done < 12, "the kill came too late to test anything"
    res = resume(out, runner="inprocess")
    assert res.ok and res.ran + res.skipped == 12 and res.skipped >= kill_after
    _check_complete(out, reference)
    for child in children:  # orphaned pool workers notice and exit
        child.wait(timeout=10)


def test_ctrl_c_stops_cleanly_and_keeps_finished_chunks(tmp_path: Path,
                                                        reference_long: Path) -> None:
    out = tmp_path / "r"
    proc = _start(tmp_path, out, "--runner", "processes", "--workers", "2", text=TEXT_LONG)
    _wait_for_chunks(proc, out, 3)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert b"interrupted" in err and b"herz resume" in err
    man = json.loads((out / "manifest.json").read_text())
    assert man["status"] == "interrupted"
    kept = chunk_digests(out)
    assert 3 <= len(kept) < 24
    ref = chunk_digests(reference_long)
    assert all(ref[k] == v for k, v in kept.items())
    res = resume(out, runner="processes", workers=2)
    assert res.ok and res.skipped == len(kept)
    _check_complete(out, reference_long)
