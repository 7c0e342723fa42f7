"""Behaviour 1 among security seekers alone with the shock on output and on spending (issue 17).

Runs :mod:`seekers_alone`'s counts (entries, race pair-years, wars started by seekers
and their causes, read before the fight) for the offense-defense balance delta 0.5 /
1 / 2 / 4, distinguishability 0.2 / 0.5 / 0.9 and first-strike advantage 0 / 0.5
(the others at their defaults; d 0.5 and f 0 are the delta 1 column), once with the
domestic shock on output (``shock_base`` 0, ``spending_shock`` 0.03: the world v2.0)
and once on last year's spending (``shock_base`` 1, ``spending_shock`` = ``--sigma``,
0.08 by default as in the default world, recalibrated to the share of >= 8% growth
years, ``scripts/shock_base.py``). Every run uses the same
world keys (paired seeds), so differences between settings and between the two
bases are paired by world; intervals are 95% (delta method over worlds).

Beside the counts, a ``simulate`` run of the same settings (``--econ-worlds``)
gives the economy that explains the races: the median and mean military burden
and the sd of yearly spending growth among living states after the burn-in.

    PYTHONPATH=src nice python scripts/shock_base_seekers.py --worlds 4000 --states 5,10
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from herz.world import WorldParams, simulate

_spec = importlib.util.spec_from_file_location("seekers_alone",
                                               Path(__file__).with_name("seekers_alone.py"))
assert _spec is not None and _spec.loader is not None
sa = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sa)

SETTINGS: dict[str, dict[str, float]] = {
    "delta0.5": {"offense_defense_balance": 0.5},
    "delta1": {},
    "delta2": {"offense_defense_balance": 2.0},
    "delta4": {"offense_defense_balance": 4.0},
    "d0.2": {"distinguishability": 0.2},
    "d0.9": {"distinguishability": 0.9},
    "f0.5": {"first_strike_advantage": 0.5},
    "delta0.5f0.5": {"offense_defense_balance": 0.5, "first_strike_advantage": 0.5},
}
#: paired contrasts (later minus earlier): the direction behaviour 1 predicts is a fall
CONTRASTS = (("delta1", "delta0.5"), ("delta2", "delta1"), ("delta4", "delta2"),
             ("delta4", "delta0.5"), ("delta1", "d0.2"), ("d0.9", "delta1"),
             ("delta1", "f0.5"), ("delta0.5", "delta0.5f0.5"))
COUNTS = ("entries", "race_years", "seeker_wars", "seeker_preempt", "preemption",
          "inadvertent", "prevention", "predation")


def economy(p: WorldParams, worlds: int, steps: int, seed: int) -> dict[str, float]:
    """Median and mean burden (% of output) and sd of yearly spending growth after the burn-in."""
    ds = simulate(p, worlds=worlds, steps=steps, seed=seed, trajectories=True)
    b = p.burn_in
    spend, out = ds["spending"].values, ds["output"].values
    alive = ds["alive"].values.astype(bool)
    burden = (100 * spend / np.maximum(out, 1e-12))[:, b:][alive[:, b:]]
    both = alive[:, b + 1:] & alive[:, b:-1]
    g = (spend[:, b + 1:] / np.maximum(spend[:, b:-1], 1e-12) - 1.0)[both]
    return {"burden_median": float(np.median(burden)), "burden_mean": float(burden.mean()),
            "sd_growth": float(g.std()), "share8": float((g >= 0.08).mean())}


def _ci(z: np.ndarray) -> tuple[float, float]:
    return float(z.mean()), float(1.96 * z.std(ddof=1) / np.sqrt(len(z)))


def main(argv: list[str] | None = None) -> int:
    """Run both bases at every setting and number of states; print rates and paired contrasts."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--worlds", type=int, default=2000)
    ap.add_argument("--econ-worlds", type=int, default=1000)
    ap.add_argument("--steps", type=int, default=130)
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--states", default="5,10")
    ap.add_argument("--sigma", type=float, default=0.08)
    ap.add_argument("--settings", default=",".join(list(SETTINGS)[:-1]))
    ap.add_argument("--json", default="")
    a = ap.parse_args(argv)
    bases = {"output": {"shock_base": 0.0, "spending_shock": 0.03},
             "spending": {"shock_base": 1.0, "spending_shock": a.sigma}}
    report: dict[str, Any] = {"worlds": a.worlds, "steps": a.steps, "seed": a.seed,
                              "sigma": a.sigma, "rows": [], "contrasts": []}
    for n in (int(x) for x in a.states.split(",")):
        z: dict[tuple[str, str], dict[str, Any]] = {}
        for setting in a.settings.split(","):  # (the default omits delta0.5f0.5)
            for base, bkw in bases.items():
                kw = {"n_states": n, "greedy_draw_scale": 0.0, **SETTINGS[setting], **bkw}
                t0 = time.time()
                p = WorldParams(**kw)
                s = sa.summarise(sa.run(p, a.worlds, a.steps, a.seed))
                s.update(economy(p, a.econ_worlds, a.steps, a.seed))
                z[(setting, base)] = s
                row = {"n": n, "setting": setting, "base": base,
                       **{k: v for k, v in s.items() if not k.startswith("_")}}
                report["rows"].append(row)
                print(f"N={n:2d} {setting:8s} {base:8s} entries {s['entries']:6.2f} "
                      f"+-{1.96 * s['entries_se']:5.2f}  race% {s['race_years']:.3f} "
                      f"+-{1.96 * s['race_years_se']:.3f}  seeker wars {s['seeker_wars']:6.2f} "
                      f"+-{1.96 * s['seeker_wars_se']:5.2f} (preempt {s['preemption']:.2f} "
                      f"+-{1.96 * s['preemption_se']:.2f}, inadv {s['inadvertent']:.2f}, "
                      f"prev {s['prevention']:.2f}, pred {s['predation']:.2f})  cap "
                      f"{s['cap']:.3f}  mistrust {s['mistrust']:.4f}  burden "
                      f"{s['burden_median']:.2f}/{s['burden_mean']:.2f}%  sd growth "
                      f"{s['sd_growth']:.3f}  share8 {s['share8']:.3f}  "
                      f"({time.time() - t0:.0f}s)", flush=True)
            if (setting, "output") in z and (setting, "spending") in z:
                parts = []
                for c in ("entries", "race_years", "seeker_wars"):
                    m, h = _ci(z[(setting, "spending")]["_" + c] - z[(setting, "output")]["_" + c])
                    parts.append(f"{c} {m:+.3f} +-{h:.3f}")
                print(f"{'':14s}spending - output: " + "; ".join(parts), flush=True)
        for base in bases:
            for late, early in CONTRASTS:
                if (late, base) not in z or (early, base) not in z:
                    continue
                rec: dict[str, Any] = {"n": n, "base": base, "contrast": f"{late} - {early}"}
                parts = []
                for c in COUNTS:
                    m, h = _ci(z[(late, base)]["_" + c] - z[(early, base)]["_" + c])
                    rec[c] = [m, h]
                    if c in ("entries", "race_years", "seeker_wars", "seeker_preempt"):
                        parts.append(f"{c} {m:+.3f} +-{h:.3f}")
                report["contrasts"].append(rec)
                print(f"N={n:2d} {base:8s} {late} - {early}: " + "; ".join(parts), flush=True)
    if a.json:
        with open(a.json, "w") as fh:
            json.dump(report, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
