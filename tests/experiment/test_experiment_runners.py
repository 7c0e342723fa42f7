"""The same sweep in process, on 2 local processes and on a real Dask cluster over TCP."""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from experiment_helpers import all_rows, chunk_digests, toy_text, world_text

from herz.experiment import ModelSpec, parse_scenario, sweep
from herz.experiment.runners import DaskRunner, ProcessRunner, make_runner

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    """A LocalCluster: a scheduler and 2 single-threaded worker processes on TCP localhost."""
    from distributed import LocalCluster

    lc = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, protocol="tcp",
                      host="127.0.0.1", dashboard_address=None, worker_dashboard_address=None)
    try:
        yield lc
    finally:
        lc.close()


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ref") / "r"
    sweep(parse_scenario(toy_text()), output=out, runner="inprocess")
    return out


def test_processes_and_dask_give_identical_parquet(tmp_path: Path, cluster: Any,
                                                   reference: Path) -> None:
    sc = parse_scenario(toy_text())
    assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
    procs = sweep(sc, output=tmp_path / "p", runner=ProcessRunner(2))
    dask = sweep(sc, output=tmp_path / "d", scheduler=cluster.scheduler_address)
    assert procs.ok and dask.ok and dask.runner == "dask" and dask.workers == 2
    ref = chunk_digests(reference)
    assert len(ref) == 12
    assert chunk_digests(procs.path) == ref
    assert chunk_digests(dask.path) == ref
    pd.testing.assert_frame_equal(all_rows(dask.path), all_rows(reference))
    workers = {c["worker"] for c in
               json.loads((dask.path / "manifest.json").read_text())["chunks"].values()}
    assert len(workers) >= 1


def test_dask_worker_killed_mid_task(tmp_path: Path, cluster: Any, reference: Path) -> None:
    from distributed import Client

    # Slow chunks (0.1 s per replicate) so a worker is surely busy when it is killed.
    sc = parse_scenario(toy_text(sleep=0.1))
    ref = sweep(sc, output=tmp_path / "ref", runner="inprocess")
    client = Client(cluster.scheduler_address)
    killed: list[int] = []

    def kill_a_busy_worker(task: Any, result: Any) -> None:
        if killed:
            return
        deadline = time.time() + 10
        while time.time() < deadline:
            busy = {addr: keys for addr, keys in client.processing().items() if keys}
            if busy:
                pids = client.run(os.getpid, workers=list(busy)[:1])
                pid = next(iter(pids.values()))
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
                return
            time.sleep(0.02)

    try:
        res = sweep(sc, output=tmp_path / "d", runner=DaskRunner(client),
                    on_chunk=kill_a_busy_worker)
        assert killed, "no worker was killed"
        assert res.ok and res.failed == 0
        assert chunk_digests(res.path) == chunk_digests(ref.path)
        # the cluster replaced the worker
        deadline = time.time() + 30
        while len(client.scheduler_info()["workers"]) < 2 and time.time() < deadline:
            time.sleep(0.2)
        assert killed[0] not in client.run(os.getpid).values()
    finally:
        client.close()


def _dies(params: Mapping[str, Any], steps: int, seed: np.random.SeedSequence,
          replicates: range, mechanisms: Mapping[str, bool]) -> pd.DataFrame:
    if params["x"] == 1.0:
        os._exit(3)  # a worker process dies (segfault, OOM kill)
    return pd.DataFrame({"y": np.full(len(replicates), params["x"])})


DIES = ModelSpec(name="dies", run=_dies, defaults={"x": 0.0})


def test_a_dying_pool_worker_is_recorded_and_the_sweep_goes_on(tmp_path: Path) -> None:
    text = (f"[experiment]\nname = \"d\"\nmodel = \"{__name__}:DIES\"\nseed = 1\n"
            "replicates = 2\n"
            "chunk_size = 1\n[design]\nmethod = \"grid\"\n[design.factors]\n"
            "x = [0.0, 1.0, 2.0]\n")
    res = sweep(parse_scenario(text), output=tmp_path / "r", runner=ProcessRunner(2))
    assert res.status == "incomplete" and res.failed >= 2 and res.done + res.failed == 6
    man = json.loads((tmp_path / "r" / "manifest.json").read_text())
    failed = [c for c in man["chunks"].values() if c["status"] == "failed"]
    assert all("worker process died" in c["error"] for c in failed)
    assert {c["point"] for c in failed} >= {1}


def test_make_runner() -> None:
    assert make_runner(workers=1).name == "inprocess"
    assert make_runner(workers=2).name == "processes"
    assert make_runner(scheduler="tcp://127.0.0.1:1").name == "dask"
    with pytest.raises(ValueError, match="runner"):
        make_runner("slurm")


WORLD = world_text(name="w", seed=11, steps=6, replicates=4)


def test_world_model_identical_in_process_and_on_dask(tmp_path: Path, cluster: Any) -> None:
    pytest.importorskip("herz.world")
    sc = parse_scenario(WORLD)
    a = sweep(sc, output=tmp_path / "a", runner="inprocess")
    b = sweep(sc, output=tmp_path / "b", scheduler=cluster.scheduler_address)
    assert a.ok and b.ok
    assert chunk_digests(a.path) == chunk_digests(b.path)
