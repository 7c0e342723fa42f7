"""Calibrate the domestic shock on a spending base (``shock_base``, issue 17 behaviour 1).

For each value of ``spending_shock`` (sigma_m) at ``shock_base`` b (default 1: the
shock a share of last year's spending, Davis, Dempster and Wildavsky 1966), the
default world in every other respect (5 states, 130 steps, the 100 years after the
30-year burn-in, living states, as docs/world-calibration.md and
tests/world/test_calibration.py) gives:

- ``share8``: the share of state-years with real spending growth >= 8% (the
  calibration target of sigma_m; SIPRI record 0.299, 906 consecutive years);
- ``burden``: the median military burden, % of output (the target of ``grievance``;
  record 4.02);
- ``sd_growth``: the sd of yearly spending growth (record 0.27, 0.25 clipped);
- ``entries``: dilemma entries per seeker pair-year (the target of ``reaction``,
  2.2e-4 at calibration), with a Poisson 95% interval.

    PYTHONPATH=src nice python scripts/shock_base.py --worlds 600 --sigma 0.1,0.15,0.2
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

import numpy as np
from scipy.stats import chi2

from herz.analysis.escalation import BUILDUP_GROWTH
from herz.world import WorldParams, simulate


def measure(p: WorldParams, worlds: int, steps: int, seed: int) -> dict[str, Any]:
    """The calibration statistics of one parameter record (see the module docstring)."""
    ds, spells = simulate(p, worlds=worlds, steps=steps, seed=seed, trajectories=True,
                          pairs=True)
    b = p.burn_in
    spend, out = ds["spending"].values, ds["output"].values
    alive = ds["alive"].values.astype(bool)
    burden = 100 * spend / np.maximum(out, 1e-12)
    both = alive[:, b + 1:] & alive[:, b:-1]
    g = (spend[:, b + 1:] / np.maximum(spend[:, b:-1], 1e-12) - 1.0)[both]
    n_alive = alive[:, b + 1:, :].sum(axis=-1)
    seekers = n_alive - ds["n_greedy_path"].values[:, b + 1:]
    pair_years = float((seekers * (seekers - 1) / 2).sum())
    fresh = spells[spells.entry_year.notna() & ~spells.at_start.astype(bool)]
    k = len(fresh)
    lo = chi2.ppf(0.025, 2 * k) / 2 if k else 0.0
    hi = chi2.ppf(0.975, 2 * k + 2) / 2
    return {"share8": float((g >= BUILDUP_GROWTH).mean()),
            "burden": float(np.median(burden[:, b:][alive[:, b:]])),
            "burden_mean": float(burden[:, b:][alive[:, b:]].mean()),
            "sd_growth": float(g.std()), "entries": k, "pair_years": pair_years,
            "entry_rate": k / pair_years, "entry_rate_lo": lo / pair_years,
            "entry_rate_hi": hi / pair_years}


def main(argv: list[str] | None = None) -> int:
    """Print one line per sigma_m and the default world first (shock_base 1, sigma_m 0.08)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--worlds", type=int, default=600)
    ap.add_argument("--steps", type=int, default=130)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--base", type=float, default=1.0, help="shock_base of the runs")
    ap.add_argument("--sigma", default="0.1,0.15,0.2", help="comma list of spending_shock")
    ap.add_argument("--no-default", action="store_true", help="skip the default world's line")
    ap.add_argument("--params", default="{}", help="JSON dict of further world parameters")
    ap.add_argument("--json", default="")
    a = ap.parse_args(argv)
    extra = {"n_states": 5, **json.loads(a.params)}
    runs: list[dict[str, Any]] = [] if a.no_default else [dict(extra)]
    runs += [dict(extra, shock_base=a.base, spending_shock=float(s)) for s in a.sigma.split(",")]
    rows = []
    for kw in runs:
        t0 = time.time()
        r = measure(WorldParams(**kw), a.worlds, a.steps, a.seed)
        rows.append({"params": kw, **r})
        print(f"{json.dumps(kw):60s} share>=8% {r['share8']:.3f}  median burden "
              f"{r['burden']:.2f}% (mean {r['burden_mean']:.2f})  sd growth {r['sd_growth']:.3f}"
              f"  entries {r['entries']} = {1e4 * r['entry_rate']:.2f}e-4 "
              f"[{1e4 * r['entry_rate_lo']:.2f}, {1e4 * r['entry_rate_hi']:.2f}] per seeker "
              f"pair-year ({time.time() - t0:.0f}s)", flush=True)
    if a.json:
        with open(a.json, "w") as fh:
            json.dump({"worlds": a.worlds, "steps": a.steps, "seed": a.seed, "rows": rows}, fh,
                      indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
