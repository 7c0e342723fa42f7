"""Sweep scaling: the same sweep in process, on 1 and 2 local workers, on a 2-worker Dask cluster.

Prints one JSON line of figures (and a readable table on stderr):

- ``tasks_per_s``: chunks per second of a CPU-bound toy sweep for each runner, over the
  whole sweep (``total``, including starting the pool) and in the steady state
  (``steady``: from the first finished chunk to the last, so pool start-up is excluded);
- ``speedup_2_workers`` and ``speedup_dask_2``: against 1 local worker, same measure;
- ``overhead_ms_per_task``: wall time per task of a sweep of the *empty* model (runner,
  transport, Parquet encoding, the store's writes and the manifest; no model work);
- ``store_share``: share of an in-process sweep's time spent encoding and writing chunks
  and the manifest;
- ``anchor_speedup_2``: the anchor, measured in the same run: the bare model on a plain
  ``ProcessPoolExecutor`` with 1 and 2 processes (no herz runner, no store). On a shared
  machine it shows how much parallelism was free; ``speedup_2_workers_over_anchor`` is
  herz's speed-up as a share of it.

Targets (issue 6): speed-up >= 1.8 with 2 workers on 2 cores, overhead < 5 ms per task,
store share < 5 %. Run: ``python bench/sweep_scaling.py [--tasks 96] [--quick]``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from herz.experiment import parse_scenario, sweep
from herz.experiment.runners import DaskRunner, InProcessRunner, ProcessRunner


def toy_scenario(tasks: int, steps: int, reps: int = 8) -> Any:
    text = f"""
[experiment]
name = "bench"
model = "toy"
seed = 1
steps = {steps}
replicates = {tasks * reps}
chunk_size = {reps}
"""
    return parse_scenario(text, source="bench")


def empty_scenario(tasks: int) -> Any:
    text = f"""
[experiment]
name = "bench-empty"
model = "empty"
seed = 1
steps = 1
replicates = {tasks}
chunk_size = 1
"""
    return parse_scenario(text, source="bench-empty")


def timed(scenario: Any, runner: Any, root: Path, label: str) -> dict[str, float]:
    stamps: list[float] = []
    t0 = time.perf_counter()
    res = sweep(scenario, output=root / label, runner=runner,
                on_chunk=lambda task, result: stamps.append(time.perf_counter()))
    total = time.perf_counter() - t0
    assert res.ok, res
    n = res.ran
    steady = (stamps[-1] - stamps[0]) / (n - 1) if n > 1 else total
    return {"tasks": n, "total_s": total, "total_rate": n / total, "steady_rate": 1.0 / steady,
            "per_task_ms": 1000 * total / n, "steady_per_task_ms": 1000 * steady,
            "store_s": res.store_seconds, "encode_s": res.encode_seconds,
            "model_s": res.model_seconds}


def _anchor_chunk(args: tuple[int, int, int]) -> float:
    import numpy as np

    from herz.experiment.models import TOY
    from herz.rng import child_seed

    i, steps, reps = args
    done = TOY.run(dict(TOY.defaults), steps, child_seed(1, 1, 0), range(i * reps,
                                                                      (i + 1) * reps),
                   dict(TOY.mechanisms))
    assert len(done) == reps and np.isfinite(done["final_arms"]).all()
    return time.perf_counter()


def anchor(workers: int, tasks: int, steps: int, reps: int = 8) -> float:
    """Steady-state chunks per second of the bare model on a plain process pool.

    No herz runner, no store: what this machine's free cores allow right now. The
    herz speed-ups are read against this one.
    """
    import concurrent.futures as cf
    import multiprocessing as mp

    with cf.ProcessPoolExecutor(workers, mp_context=mp.get_context("spawn")) as pool:
        list(pool.map(_anchor_chunk, [(i, 10, 1) for i in range(workers * 2)]))  # warm up
        stamps = sorted(pool.map(_anchor_chunk, [(i, steps, reps) for i in range(tasks)]))
    return (len(stamps) - 1) / (stamps[-1] - stamps[0])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tasks", type=int, default=48, help="chunks in the CPU-bound sweep")
    ap.add_argument("--reps", type=int, default=16, help="toy replicates per chunk")
    ap.add_argument("--steps", type=int, default=1000, help="toy steps (cost per chunk)")
    ap.add_argument("--empty-tasks", type=int, default=600)
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds (best kept)")
    ap.add_argument("--quick", action="store_true", help="a small run (smoke test)")
    args = ap.parse_args()
    if args.quick:
        args.tasks, args.steps, args.empty_tasks, args.rounds = 16, 300, 100, 1
    from distributed import Client, LocalCluster

    out: dict[str, Any] = {"cpus": os.cpu_count(), "python": sys.version.split()[0],
                           "tasks": args.tasks, "reps_per_chunk": args.reps,
                           "rounds": args.rounds,
                           "load_avg_1min_start": round(os.getloadavg()[0], 2)}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        work = toy_scenario(args.tasks, args.steps, args.reps)
        empty = empty_scenario(args.empty_tasks)
        r: dict[str, dict[str, float]] = {}
        e: dict[str, dict[str, float]] = {}
        anchors: dict[int, float] = {1: 0.0, 2: 0.0}
        t0 = time.perf_counter()
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
        dask_start = time.perf_counter() - t0

        def keep_best(store: dict[str, dict[str, float]], key: str, v: dict[str, float]
                      ) -> None:
            if key not in store or v["steady_rate"] > store[key]["steady_rate"]:
                store[key] = v

        try:
            client.run(lambda: __import__("herz.experiment.runners"))  # warm the workers
            # Interleaved rounds, best of each: the machine's load drifts, so every
            # configuration gets a turn in every round and keeps its best round.
            for i in range(args.rounds):
                for w in (1, 2):
                    anchors[w] = max(anchors[w], anchor(w, args.tasks, args.steps, args.reps))
                keep_best(r, "inprocess", timed(work, InProcessRunner(), root, f"in{i}"))
                keep_best(r, "processes_1", timed(work, ProcessRunner(1), root, f"p1{i}"))
                keep_best(r, "processes_2", timed(work, ProcessRunner(2), root, f"p2{i}"))
                keep_best(r, "dask_2", timed(work, DaskRunner(client), root, f"d2{i}"))
                keep_best(e, "inprocess", timed(empty, InProcessRunner(), root, f"ei{i}"))
                keep_best(e, "processes_2", timed(empty, ProcessRunner(2), root, f"ep{i}"))
                keep_best(e, "dask_2", timed(empty, DaskRunner(client), root, f"ed{i}"))
        finally:
            client.close()
            cluster.close()
        anchor_1, anchor_2 = anchors[1], anchors[2]
    base = r["processes_1"]
    out["chunk_ms_inprocess"] = round(1000 / r["inprocess"]["total_rate"], 2)
    out["tasks_per_s"] = {k: {"total": round(v["total_rate"], 2),
                              "steady": round(v["steady_rate"], 2)} for k, v in r.items()}
    out["speedup_2_workers"] = {
        "total": round(r["processes_2"]["total_rate"] / base["total_rate"], 3),
        "steady": round(r["processes_2"]["steady_rate"] / base["steady_rate"], 3)}
    out["speedup_dask_2"] = {
        "total": round(r["dask_2"]["total_rate"] / base["total_rate"], 3),
        "steady": round(r["dask_2"]["steady_rate"] / base["steady_rate"], 3)}
    out["anchor_plain_pool_tasks_per_s"] = {"1": round(anchor_1, 2), "2": round(anchor_2, 2)}
    out["anchor_speedup_2"] = round(anchor_2 / anchor_1, 3)
    out["speedup_2_workers_over_anchor"] = round(
        out["speedup_2_workers"]["steady"] / out["anchor_speedup_2"], 3)
    out["speedup_2_workers_vs_inprocess"] = round(
        r["processes_2"]["steady_rate"] / r["inprocess"]["total_rate"], 3)
    out["dask_cluster_start_s"] = round(dask_start, 2)
    out["overhead_ms_per_task"] = {k: {"total": round(v["per_task_ms"], 3),
                                       "steady": round(v["steady_per_task_ms"], 3)}
                                   for k, v in e.items()}
    ip = r["inprocess"]
    out["store_share"] = round((ip["store_s"] + ip["encode_s"]) / ip["total_s"], 4)
    out["store_share_driver_only"] = round(ip["store_s"] / ip["total_s"], 4)
    out["store_ms_per_chunk"] = round(1000 * (ip["store_s"] + ip["encode_s"]) / ip["tasks"], 3)
    out["targets"] = {
        "speedup_2_workers_ge_1.8": out["speedup_2_workers"]["steady"] >= 1.8,
        "overhead_lt_5ms": all(v["steady_per_task_ms"] < 5 for v in e.values()),
        "store_share_lt_5pct": out["store_share"] < 0.05,
    }
    print(f"anchor (plain pool, bare model): speed-up {out['anchor_speedup_2']:.2f} "
          "with 2 processes", file=sys.stderr)
    out["load_avg_1min_end"] = round(os.getloadavg()[0], 2)
    for k, v in r.items():
        print(f"{k:12s} {v['total_rate']:8.2f} tasks/s total  {v['steady_rate']:8.2f} steady",
              file=sys.stderr)
    for k, v in e.items():
        print(f"empty {k:12s} {v['per_task_ms']:7.3f} ms/task total "
              f"{v['steady_per_task_ms']:7.3f} steady", file=sys.stderr)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
