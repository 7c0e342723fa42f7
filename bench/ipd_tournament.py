"""herz vs the axelrod library: the same tournament, timed in one process run.

The shared field (12 strategies defined identically in both libraries), a round
robin with self-play, 200 turns, 10 repetitions, implementation noise 0.05: 78
pairings x 10 x 200 = 156,000 turns. herz runs on one core (one compiler thread) and
its time includes building the result table (summary with confidence intervals);
the axelrod library runs serially (``processes=None``) with its result set. Imports
and herz's one-off compilation are timed separately and left out of the ratio.
Prints one JSON line of figures.

Run: .venv/bin/python bench/ipd_tournament.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import numba
import numpy as np


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5, help="herz timings (median reported)")
    ap.add_argument("--axelrod-repeats", type=int, default=1)
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args()

    t0 = time.perf_counter()
    from herz.models.ipd import Noise, tournament
    from herz.models.ipd.interop import (
        SHARED_FIELD,
        axelrod_tournament,
        compare,
        rank_disagreements,
    )

    herz_import = time.perf_counter() - t0
    names = list(SHARED_FIELD)
    turns, reps, noise = 200, 10, 0.05
    n = len(names)
    total_turns = n * (n + 1) // 2 * reps * turns
    numba.set_num_threads(1)

    t0 = time.perf_counter()
    tournament(
        names, turns=turns, repetitions=reps, noise=Noise(noise), rng=0, threads=1
    ).summary()
    herz_warmup = time.perf_counter() - t0

    herz_times = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        res = tournament(
            names, turns=turns, repetitions=reps, noise=Noise(noise), rng=args.seed, threads=1
        )
        ours = res.summary()
        herz_times.append(time.perf_counter() - t0)
    herz_time = statistics.median(herz_times)

    t0 = time.perf_counter()
    import axelrod

    axelrod_import = time.perf_counter() - t0
    axl_times = []
    for _ in range(args.axelrod_repeats):
        t0 = time.perf_counter()
        theirs = axelrod_tournament(
            names, turns=turns, repetitions=reps, noise=noise, rng=args.seed
        )
        axl_times.append(time.perf_counter() - t0)
    axl_time = statistics.median(axl_times)

    table = compare(ours, theirs, confidence=0.99, repetitions=(reps, reps))
    figures = {
        "benchmark": "ipd_tournament",
        "field": n,
        "turns": turns,
        "repetitions": reps,
        "noise": noise,
        "total_turns": total_turns,
        "herz_seconds": round(herz_time, 5),
        "herz_seconds_min": round(min(herz_times), 5),
        "axelrod_seconds": round(axl_time, 4),
        "ratio": round(axl_time / herz_time, 1),
        "herz_turns_per_second": round(total_turns / herz_time),
        "axelrod_turns_per_second": round(total_turns / axl_time),
        "herz_threads": 1,
        "herz_import_seconds": round(herz_import, 3),
        "herz_warmup_seconds": round(herz_warmup, 3),
        "axelrod_import_seconds": round(axelrod_import, 2),
        "scores_agree_99": bool(table["agree"].all()),
        "strategies_outside_99": int((~table["agree"]).sum()),
        "max_abs_z": round(
            float(
                (
                    table["difference"].abs()
                    / np.sqrt(table["se_herz"] ** 2 + table["se_axelrod"] ** 2)
                ).max()
            ),
            2,
        ),
        "max_abs_difference": round(float(table["difference"].abs().max()), 5),
        "rank_disagreements_99": len(rank_disagreements(ours, theirs, confidence=0.99)),
        "axelrod_version": axelrod.__version__,
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
