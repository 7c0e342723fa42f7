"""Runners: where the tasks of a sweep run.

A task is one chunk: a contiguous range of replicates of one design point
(:class:`Task`). :func:`execute` runs it anywhere: it calls the model, checks its
rows, adds the ``point``, ``replicate`` and factor columns, and encodes the chunk
as Parquet bytes, so the driver only writes bytes to disk. It never raises: a
model error comes back as a failed :class:`TaskResult` carrying the error text.

Every runner has the same small interface: it is a context manager, and
:meth:`Runner.run` takes an iterable of tasks and yields ``(task, result)`` pairs
as they finish, in any order. :meth:`Runner.cancel` stops what has not started.

- :class:`InProcessRunner`: one task after another in this process (notebooks,
  debugging).
- :class:`ProcessRunner`: a pool of local processes (default: all cores), started
  with the ``spawn`` method (no fork of a threaded parent, no global start method).
- :class:`DaskRunner`: a ``dask.distributed`` cluster, given by its scheduler
  address (``tcp://HOST:PORT``), a ``Client``, or started as a ``LocalCluster``.

Random streams come from the task's own key (``child_seed(seed, 1, point)`` and
the replicate indices), never from a worker's state, so every runner and every
worker count gives bit-identical chunks.
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import os
import socket
import threading
import time
import traceback as tb
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import pandas as pd
import pyarrow as pa

from herz.errors import ParameterError
from herz.experiment.design import POINT_KEY
from herz.experiment.models import ModelSpec
from herz.experiment.store import encode_chunk
from herz.rng import child_seed

__all__ = [
    "DaskRunner",
    "InProcessRunner",
    "ProcessRunner",
    "Runner",
    "Task",
    "TaskResult",
    "execute",
    "make_runner",
]

RESERVED = ("point", "replicate")


@dataclass(frozen=True)
class Task:
    """One chunk of work: replicates ``start..stop-1`` of design point ``point``."""

    chunk: str
    point: int
    start: int
    stop: int
    model: ModelSpec
    params: Mapping[str, Any]
    factors: Mapping[str, Any]
    mechanisms: Mapping[str, bool]
    steps: int
    seed: int
    scenario_hash: str


@dataclass
class TaskResult:
    """What came back from a task: Parquet bytes, or the error that stopped it."""

    chunk: str
    ok: bool
    data: bytes | None = None
    sha256: str | None = None
    rows: int = 0
    seconds: float = 0.0
    encode_seconds: float = 0.0
    worker: str = ""
    error: str | None = None
    traceback: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _to_table(task: Task, df: pd.DataFrame) -> pa.Table:
    n = task.stop - task.start
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"model {task.model.name!r} returned {type(df).__name__}, "
                        "not a pandas DataFrame")
    if len(df) != n:
        raise ValueError(f"model {task.model.name!r} returned {len(df)} rows for "
                         f"{n} replicates")
    clash = [c for c in df.columns if c in RESERVED or c in task.factors]
    if clash:
        raise ValueError(f"model {task.model.name!r} returned reserved columns {clash}")
    cols: dict[str, Any] = {
        "point": np.full(n, task.point, dtype=np.int64),
        "replicate": np.arange(task.start, task.stop, dtype=np.int64),
    }
    for name, value in task.factors.items():
        cols[name] = [value] * n
    for name in df.columns:
        cols[str(name)] = pa.Array.from_pandas(df[name])
    return pa.table(cols)


def execute(task: Task) -> TaskResult:
    """Run one task; never raises (errors come back in the result)."""
    t0 = time.perf_counter()
    try:
        seed = child_seed(task.seed, POINT_KEY, task.point)
        df = task.model.run(task.params, task.steps, seed, range(task.start, task.stop),
                            task.mechanisms)
        t1 = time.perf_counter()
        table = _to_table(task, df)
        data = encode_chunk(table, task.chunk, task.scenario_hash)
        t2 = time.perf_counter()
    except Exception as exc:
        return TaskResult(task.chunk, ok=False, seconds=time.perf_counter() - t0,
                          worker=_worker_name(), error=f"{type(exc).__name__}: {exc}",
                          traceback=tb.format_exc())
    return TaskResult(task.chunk, ok=True, data=data, sha256=hashlib.sha256(data).hexdigest(),
                      rows=table.num_rows, seconds=t1 - t0, encode_seconds=t2 - t1,
                      worker=_worker_name())


def execute_many(tasks: list[Task]) -> list[TaskResult]:
    """Run several tasks in turn (a batch of small chunks sent as one Dask task)."""
    return [execute(task) for task in tasks]


def _lost(task: Task, why: str) -> TaskResult:
    return TaskResult(task.chunk, ok=False, worker="", error=why, traceback="")


class Runner(Protocol):
    """Where tasks run (see the module docstring)."""

    name: str
    workers: int | None

    def __enter__(self) -> Runner: ...

    def __exit__(self, *exc: object) -> None: ...

    def run(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, TaskResult]]:
        """Yield ``(task, result)`` as tasks finish, in any order."""
        ...

    def cancel(self) -> None:
        """Stop: drop tasks not started and stop the workers promptly."""
        ...


class InProcessRunner:
    """Run tasks one after another in this process."""

    name = "inprocess"

    def __init__(self) -> None:
        self.workers: int | None = 1
        self._cancelled = False

    def __enter__(self) -> InProcessRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def run(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, TaskResult]]:
        """Run each task in turn."""
        for task in tasks:
            if self._cancelled:
                return
            yield task, execute(task)

    def cancel(self) -> None:
        """Stop before the next task."""
        self._cancelled = True


def _watch_parent(parent: int) -> None:
    # A pool worker whose parent died (kill -9) would wait for work forever: exit.
    while True:
        time.sleep(0.25)
        if os.getppid() != parent:
            os._exit(1)


def _init_worker(parent: int, numba_threads: int | None = None) -> None:
    import signal

    from herz.experiment.threads import init_worker_threads

    init_worker_threads(numba_threads)

    # Ctrl-C goes to the whole process group; only the driver handles it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


class ProcessRunner:
    """Run tasks on a pool of local worker processes (default: all cores)."""

    name = "processes"

    def __init__(self, workers: int | None = None, window: int | None = None) -> None:
        n = workers if workers is not None else (os.cpu_count() or 1)
        if n < 1:
            raise ParameterError("workers", workers, "must be at least 1")
        self.workers: int | None = n
        self.window = window if window is not None else 4 * n
        self._pool: cf.ProcessPoolExecutor | None = None
        self._cancelled = False

    def _start(self) -> cf.ProcessPoolExecutor:
        import multiprocessing as mp

        from herz.experiment.threads import worker_threads

        return cf.ProcessPoolExecutor(
            max_workers=self.workers, mp_context=mp.get_context("spawn"),
            initializer=_init_worker, initargs=(os.getpid(), worker_threads()),
        )

    def __enter__(self) -> ProcessRunner:
        self._pool = self._start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            if self._cancelled:
                self._kill()
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _kill(self) -> None:
        pool = self._pool
        if pool is None:
            return
        procs = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for p in procs:
            if p.is_alive():
                p.terminate()
        for p in procs:
            p.join(timeout=5)

    def run(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, TaskResult]]:
        """Keep up to ``window`` tasks in flight; yield each as it finishes."""
        if self._pool is None:
            raise RuntimeError("use the runner as a context manager")
        it = iter(tasks)
        inflight: dict[cf.Future[TaskResult], Task] = {}

        def fill() -> None:
            while len(inflight) < self.window and not self._cancelled:
                task = next(it, None)
                if task is None:
                    return
                assert self._pool is not None
                inflight[self._pool.submit(execute, task)] = task

        fill()
        while inflight:
            done, _ = cf.wait(list(inflight), return_when=cf.FIRST_COMPLETED)
            broken = False
            for fut in done:
                task = inflight.pop(fut)
                try:
                    yield task, fut.result()
                except cf.process.BrokenProcessPool as exc:
                    broken = True
                    yield task, _lost(task, f"worker process died: {exc}")
                except cf.CancelledError:
                    continue
            if broken:  # every task in flight is lost with the pool: start a new one
                for task in list(inflight.values()):
                    yield task, _lost(task, "worker process died (pool broken)")
                inflight.clear()
                assert self._pool is not None
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = self._start()
            if self._cancelled:
                return
            fill()

    def cancel(self) -> None:
        """Drop queued tasks and terminate the workers."""
        self._cancelled = True
        self._kill()


class DaskRunner:
    """Run tasks on a ``dask.distributed`` cluster.

    ``scheduler`` is an address (``tcp://HOST:PORT``, or ``tls://HOST:PORT`` with
    ``security``, a ``distributed.security.Security``; without it Dask's own
    ``distributed.comm.tls`` configuration applies), a ``distributed.Client``, or
    None to start a ``LocalCluster`` of ``workers`` single-threaded worker processes
    (closed again on exit). ``batch`` chunks go to one Dask task (default: adaptive,
    aiming at ``target_seconds`` per Dask task). A worker that dies mid-task is
    replaced and the task runs again elsewhere (Dask's own rescheduling); its result
    is the same because it depends only on the task.
    """

    name = "dask"

    def __init__(self, scheduler: Any = None, workers: int | None = None,
                 window: int | None = None, batch: int | None = None,
                 target_seconds: float = 0.1, max_batch: int = 64, security: Any = None) -> None:
        self.scheduler = scheduler
        self.security = security
        self.workers: int | None = workers
        self.window = window
        self.batch = batch
        self.target_seconds = target_seconds
        self.max_batch = max_batch
        self._client: Any = None
        self._cluster: Any = None
        self._owns_client = False
        self._inflight: dict[Any, list[Task]] = {}
        self._cancelled = False

    def __enter__(self) -> DaskRunner:
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise ParameterError("runner", "dask", "needs dask.distributed: "
                                 "pip install 'herz[dask]'") from exc
        if self.scheduler is None:
            n = self.workers or os.cpu_count() or 1
            # closed by default: scheduler and workers listen on loopback only, no dashboard
            self._cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                         host="127.0.0.1", dashboard_address=None)
            self._client = Client(self._cluster)
            self._owns_client = True
        elif isinstance(self.scheduler, str):
            try:
                kw = {} if self.security is None else {"security": self.security}
                self._client = Client(self.scheduler, timeout="30s", **kw)
            except (OSError, TypeError, ValueError) as exc:  # unreachable, or TLS not set up
                raise ParameterError("scheduler", self.scheduler,
                                     f"cannot reach the Dask scheduler ({exc})") from None
            self._owns_client = True
        else:
            self._client = self.scheduler
        if self.workers is None:
            info = self._client.scheduler_info()
            self.workers = sum(int(w.get("nthreads", 1)) for w in info["workers"].values()) or None
        return self

    def __exit__(self, *exc: object) -> None:
        if self._inflight and self._client is not None:
            self._client.cancel(list(self._inflight))
            self._inflight.clear()
        if self._owns_client and self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        self._client = self._cluster = None

    def run(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, TaskResult]]:
        """Submit up to ``window`` Dask tasks at a time; yield each chunk as it finishes.

        Chunks that take less than ``target_seconds`` are sent several to a Dask task
        (the batch grows from 1 as durations are measured), so that Dask's own cost of
        a few milliseconds per task is spread over many small chunks. Batching never
        changes results: each chunk is computed on its own.
        """
        from distributed import as_completed

        client = self._client
        if client is None:
            raise RuntimeError("use the runner as a context manager")
        window = self.window or 16 * max(self.workers or 1, 1)
        nonce = os.urandom(4).hex()
        it = iter(tasks)
        # with_results: results are gathered in batches, not one round trip per task
        ac = as_completed(with_results=True, raise_errors=False)
        batch = 1 if self.batch is None else self.batch
        mean = 0.0
        n_seen = 0

        def submit_one() -> bool:
            group = [t for t in (next(it, None) for _ in range(batch)) if t is not None]
            if not group:
                return False
            fut = client.submit(execute_many, group, key=f"herz-{nonce}-{group[0].chunk}",
                                pure=False)
            self._inflight[fut] = group
            ac.add(fut)
            return True

        for _ in range(window):
            if not submit_one():
                break
        for fut, value in ac:
            group = self._inflight.pop(fut, None)
            if group is None:
                continue
            if isinstance(value, list):
                results = value
            else:  # KilledWorker and the like: record, do not stop
                why = value if isinstance(value, BaseException) else fut.exception()
                results = [_lost(t, f"Dask task failed: {type(why).__name__}: {why}")
                           for t in group]
            fut.release()
            for task, result in zip(group, results, strict=True):
                n_seen += 1
                mean += (result.seconds + result.encode_seconds - mean) / n_seen
                yield task, result
            if self._cancelled:
                return
            if self.batch is None and mean > 0:
                batch = max(1, min(self.max_batch, int(self.target_seconds / mean)))
            submit_one()

    def cancel(self) -> None:
        """Cancel everything in flight."""
        self._cancelled = True
        if self._client is not None and self._inflight:
            self._client.cancel(list(self._inflight))
            self._inflight.clear()


def make_runner(kind: str | None = None, workers: int | None = None,
                scheduler: Any = None) -> Runner:
    """Build a runner: ``inprocess``, ``processes`` (default) or ``dask``.

    A ``scheduler`` implies ``dask``. ``workers=1`` without a scheduler runs in
    process.
    """
    if scheduler is not None and kind in (None, "dask"):
        return DaskRunner(scheduler, workers=workers)
    if kind is None:
        kind = "inprocess" if workers == 1 else "processes"
    if kind == "inprocess":
        return InProcessRunner()
    if kind == "processes":
        return ProcessRunner(workers)
    if kind == "dask":
        return DaskRunner(None, workers=workers)
    raise ParameterError("runner", kind, "must be one of inprocess, processes, dask")
