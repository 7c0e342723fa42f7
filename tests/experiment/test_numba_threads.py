"""one_numba_thread must not break Numba once its threads run (regression, 2026-12-03).

It used to set ``NUMBA_NUM_THREADS=1`` in the driver's environment; Numba re-reads
the variable when a new function compiles and raised "Cannot set NUMBA_NUM_THREADS
to a different value once the threads have been launched".
"""

import subprocess
import sys
import textwrap
from pathlib import Path

SRC = str(Path(__file__).resolve().parents[2] / "src")

SCRIPT = textwrap.dedent(
    """
    import os
    import numba
    import numpy as np
    from herz.experiment.threads import one_numba_thread, worker_threads

    @numba.njit(parallel=True)
    def total(x):
        s = 0.0
        for i in numba.prange(x.shape[0]):
            s += x[i]
        return s

    assert total(np.ones(100)) == 100.0          # Numba's threads now run (2 of them)
    before = os.environ.get("NUMBA_NUM_THREADS")
    with one_numba_thread():
        assert numba.get_num_threads() == 1
        assert worker_threads() == 1
        assert os.environ.get("NUMBA_NUM_THREADS") == before

        @numba.njit
        def inside(a):
            return a + 1

        assert inside(1) == 2                     # compiles inside: raised before the fix
    assert worker_threads() is None
    assert numba.get_num_threads() == 2

    @numba.njit
    def after(a):
        return a * 2

    assert after(2) == 4                          # and after the block
    print("ok")
    """
)


def test_one_numba_thread_survives_compiling_after_threads_launched() -> None:
    env = {k: v for k, v in __import__("os").environ.items() if k != "NUMBA_NUM_THREADS"}
    env["NUMBA_NUM_THREADS"] = "2"
    env["PYTHONPATH"] = SRC
    out = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_workers_get_one_thread_from_the_initializer() -> None:
    from herz.experiment.runners import _init_worker  # noqa: F401  (the pool's initializer)

    script = textwrap.dedent(
        """
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor
        import numba
        from herz.experiment.threads import init_worker_threads

        def count():
            return numba.get_num_threads(), numba.config.NUMBA_NUM_THREADS

        if __name__ == "__main__":
            with ProcessPoolExecutor(1, mp_context=mp.get_context("spawn"),
                                     initializer=init_worker_threads, initargs=(1,)) as p:
                print(p.submit(count).result())
        """
    )
    import os
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        f = Path(d) / "w.py"
        f.write_text(script)
        env = {k: v for k, v in os.environ.items() if k != "NUMBA_NUM_THREADS"}
        env["NUMBA_NUM_THREADS"] = "2"
        env["PYTHONPATH"] = SRC
        out = subprocess.run([sys.executable, str(f)], env=env, capture_output=True,
                             text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "(1, 1)"
