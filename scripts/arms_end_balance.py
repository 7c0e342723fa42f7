"""Why arms at the end are lower under offence dominance in the default world (the catalogue's row).

For the offense-defense balance delta in (0.5, 1, 2), on the same worlds (paired keys),
the mean per living state at the end of the run of: arms O + D, offence, defence,
spending, output, the military burden (spending / output), the share at the budget
cap; and per world the attacks over the run. Four worlds: the default, war off,
``threat_balance_elasticity`` 0, and security seekers alone (``greedy_draw_scale`` 0).
Paired differences delta 2 minus delta 0.5 with 95% intervals over worlds.

    PYTHONPATH=src nice python scripts/arms_end_balance.py --worlds 600
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import numpy as np

from herz.world import Mechanisms, WorldParams, initial_state, step
from herz.world.noise import world_keys

WORLDS: dict[str, dict[str, Any]] = {
    "default": {},
    "war off": {"mechanisms": Mechanisms(war=False)},
    "eta_T 0": {"threat_balance_elasticity": 0.0},
    "seekers alone": {"greedy_draw_scale": 0.0},
}


def run(params: WorldParams, worlds: int, steps: int, seed: int) -> dict[str, np.ndarray]:
    """Per-world means over living states at the end, and attacks over the run."""
    st = initial_state(params, world_keys(seed, worlds))
    attacks = np.zeros(worlds)
    for _ in range(steps):
        step(st, params)
        attacks += st.attacks.sum(axis=(1, 2))
    a = st.alive
    n = a.sum(axis=1)

    def m(x: np.ndarray) -> np.ndarray:
        return (x * a).sum(axis=1) / n

    cap = st.spending >= params.budget_share * st.output * (1 - 1e-9)
    burden = np.divide(st.spending, st.output, out=np.zeros_like(st.spending), where=a)
    return {"arms": m(st.offense + st.defense), "offence": m(st.offense),
            "defence": m(st.defense), "spending": m(st.spending), "output": m(st.output),
            "burden": m(burden), "cap": m(cap), "attacks": attacks}


def main(argv: list[str] | None = None) -> int:
    """Print one line per world and balance, and the paired differences."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--worlds", type=int, default=600)
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--states", type=int, default=5)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--only", nargs="*", default=None, help="world labels to run")
    a = ap.parse_args(argv)
    for label, extra in WORLDS.items():
        if a.only and label not in a.only:
            continue
        res = {}
        for delta in (0.5, 1.0, 2.0):
            p = WorldParams(n_states=a.states, offense_defense_balance=delta, **extra)
            res[delta] = r = run(p, a.worlds, a.steps, a.seed)
            print(f"{label:14s} delta {delta:3.1f} " + " ".join(
                f"{k} {v.mean():7.3f}" for k, v in r.items()), flush=True)
        diffs = []
        for k in ("arms", "output", "burden", "attacks"):
            d = res[2.0][k] - res[0.5][k]
            half = 1.96 * d.std(ddof=1) / np.sqrt(len(d))
            diffs.append(f"{k} {d.mean():+.3f} +-{half:.3f}")
        print(f"{'':14s} delta 2 - 0.5, paired: " + ", ".join(diffs), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
