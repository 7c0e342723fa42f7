"""Numba's thread count in the driver and in spawned worker processes.

Numba reads ``NUMBA_NUM_THREADS`` into its configuration again whenever a new
function compiles, and raises ``RuntimeError`` ("Cannot set NUMBA_NUM_THREADS to a
different value once the threads have been launched") if the variable then differs
from the size of the thread pool it has already launched. So the variable is never
changed here in a process whose Numba threads may already run: the driver lowers its
own count with :func:`numba.set_num_threads` (thread-local, in the thread that runs
the kernels), and worker processes get their count from the pool's initializer
(:func:`init_worker_threads`), which runs in the child before any task.
See https://numba.readthedocs.io/en/stable/user/threading-layer.html
("Setting the Number of Threads").
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator

_worker_threads: int | None = None


def worker_threads() -> int | None:
    """The Numba thread count worker pools started now give their processes (None: default)."""
    return _worker_threads


def init_worker_threads(n: int | None) -> None:
    """Give this (freshly spawned worker) process ``n`` Numba threads; ``None`` leaves it.

    Before Numba has launched its threads the variable is still free, so it is set
    (the pool then has ``n`` threads, not one per core); in any case the calling
    thread's count is set with :func:`numba.set_num_threads`.
    """
    if n is None:
        return
    launched = False
    if "numba" in sys.modules:
        try:
            from numba.np.ufunc import parallel

            launched = bool(getattr(parallel, "_is_initialized", False))
        except ImportError:  # pragma: no cover - numba is a core dependency
            launched = True
    import numba

    if not launched:
        # Numba may be imported (config read) but has no threads yet: set the variable
        # and reload the config now, so the pool is launched with n threads and a later
        # compile (which reloads the config) finds the same value.
        os.environ["NUMBA_NUM_THREADS"] = str(n)
        numba.core.config.reload_config()

    numba.set_num_threads(max(1, min(int(n), int(getattr(numba.config, "NUMBA_NUM_THREADS", n)))))


@contextlib.contextmanager
def one_numba_thread() -> Iterator[None]:
    """One Numba thread per worker process (and in this thread) while the sweeps run.

    The world's kernels are parallel over worlds; with one process per core, Numba's
    own threads only oversubscribe the cores (measured: a chunk of 100 worlds of
    5 states for 100 steps took 0.19 s on one thread and 3.7 s on two, on a busy
    two-core machine). Worker pools started inside the block pass 1 to
    :func:`init_worker_threads`; this process's environment is left alone.
    """
    global _worker_threads
    import numba

    old_workers = _worker_threads
    prev = numba.get_num_threads()
    _worker_threads = 1
    numba.set_num_threads(1)
    try:
        yield
    finally:
        _worker_threads = old_workers
        numba.set_num_threads(prev)
