"""Reference table of the fit: one batched run per chunk of draws against one run per draw.

The fit of issue 22 (:mod:`herz.analysis.validation`) simulates one history at
each parameter draw. Its fitted parameters are per-world fields of the world,
so :func:`herz.analysis.validation.reference_table` runs many draws in one batch
(``batched=True``); the per-draw path (``batched=False``) runs one small batch
per draw. Both give the same table bit for bit (checked here too).

Prints one JSON line: the wall time of each path (best of ``--repeat``), the
speed-up and whether the tables agree; a readable line on stderr. Two sizes:
``small`` (histories of 4 worlds x 6 states, where the per-draw overhead
dominates) and ``default`` (the sizes of ``herz validate``: 40 worlds x 10
states x 192 years, where the statistics of each history take most of the
time and batching saves less). The first call of each path compiles nothing
new (a warm-up run precedes the timings).

Run: ``NUMBA_NUM_THREADS=1 nice python bench/reference_table.py [--draws 24] [--size small]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

import numpy as np

from herz.analysis import validation as V

SIZES: dict[str, dict[str, int]] = {
    "small": {"worlds": 4, "n_states": 6, "years": 60, "burn_in": 20},
    "default": {"worlds": 40, "n_states": 10, "years": V.RECORD_YEARS, "burn_in": 30},
}


def measure(draws: int, size: str, repeat: int) -> dict[str, Any]:
    """Wall time of the batched and the per-draw reference table at one size."""
    kw = SIZES[size]
    V.reference_table(2, rng=0, batched=True, **kw)   # warm the compiled kernels
    V.reference_table(2, rng=0, batched=False, **kw)
    times: dict[str, float] = {}
    tables = {}
    for batched in (True, False):
        best = float("inf")
        for _ in range(repeat):
            t0 = time.perf_counter()
            tables[batched] = V.reference_table(draws, rng=1, batched=batched, **kw)
            best = min(best, time.perf_counter() - t0)
        times["batched" if batched else "per_draw"] = best
    same = bool(np.array_equal(tables[True].stats, tables[False].stats, equal_nan=True))
    return {"size": size, **kw, "draws": draws, "seconds_batched": times["batched"],
            "seconds_per_draw": times["per_draw"],
            "speedup": times["per_draw"] / times["batched"], "identical": same}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=24)
    ap.add_argument("--size", choices=[*SIZES, "both"], default="both")
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args(argv)
    sizes = list(SIZES) if args.size == "both" else [args.size]
    rows = [measure(args.draws, s, args.repeat) for s in sizes]
    for r in rows:
        print(f"{r['size']:>8}: {r['draws']} draws of {r['worlds']} worlds x {r['n_states']} "
              f"states x {r['years']} years: batched {r['seconds_batched']:.2f} s, per draw "
              f"{r['seconds_per_draw']:.2f} s, speed-up {r['speedup']:.2f}x, identical "
              f"{r['identical']}", file=sys.stderr)
    print(json.dumps({"reference_table": rows}))
    return 0 if all(r["identical"] for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
