"""The cost of switching war on in herz's step: dyad-steps per second, war off and on.

The world of ``bench/world_vs_mesa.py`` (its ``bench_params``: perception, belief
update, arms policy, offense-defense; p_greedy 0.2, perception noise 0.15, types
fixed), timed with war off and on side by side in one process at N = 20, 100 and
193 states. Each figure is the best of ``--repeat`` runs (timeit's convention),
after a warm-up run that compiles the kernels for the batch size. On a shared
machine quote the ratios (war off / war on), with the load average printed.

Run: ``PYTHONPATH=src python bench/war_step.py [--quick] [--repeat 3]``; prints one
JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import time

from herz.world import Mechanisms, WorldParams, initial_state, run_batch
from herz.world.noise import world_keys

MECH = Mechanisms(perception=True, belief_update=True, arms_policy=True, offense_defense=True,
                  signalling=False, war=False, identity=False, community=False)


def params(n: int, war: bool) -> WorldParams:
    """``bench/world_vs_mesa.py``'s parameters, with war switched as asked."""
    mech = Mechanisms(**{**MECH.__dict__, "war": war})
    return WorldParams(n_states=n, mechanisms=mech, p_greedy=0.2, perception_noise=0.15,
                       motive_turnover=0.0)


def dyad_steps_per_s(n: int, worlds: int, steps: int, war: bool) -> float:
    """Throughput of ``run_batch`` (W worlds, ``steps`` steps) after a compiling warm-up."""
    p = params(n, war)
    run_batch(p, initial_state(p, world_keys(1, worlds)), 2)
    state = initial_state(p, world_keys(1, worlds))
    t0 = time.perf_counter()
    run_batch(p, state, steps)
    return worlds * n * (n - 1) * steps / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer worlds and steps")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    plan = {20: (100, 20), 100: (10, 20), 193: (4, 10)} if args.quick else \
        {20: (1000, 100), 100: (10, 20), 193: (15, 20)}
    fig: dict = {"load_average_1_5_15min_before": [round(x, 2) for x in os.getloadavg()],
                 "numba_threads": os.environ.get("NUMBA_NUM_THREADS")}
    for n, (worlds, steps) in plan.items():
        best = {False: 0.0, True: 0.0}
        for _ in range(args.repeat):
            for war in (False, True):
                best[war] = max(best[war], dyad_steps_per_s(n, worlds, steps, war))
        fig[f"N{n}"] = {"worlds": worlds, "steps": steps, "war_off": round(best[False]),
                        "war_on": round(best[True]),
                        "off_over_on": round(best[False] / best[True], 2),
                        "load_average_1min": round(os.getloadavg()[0], 2)}
    print(json.dumps(fig))


if __name__ == "__main__":
    main()
