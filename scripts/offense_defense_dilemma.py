"""Measure the security dilemma among seekers against the offense-defense variables (issue 17).

Entries into the dilemma and seeker preemptive wars per 1e5 seeker pair-years
after the burn-in (and race pair-years in per cent: both seekers' spending grew by
``race_growth`` a year for ``race_years`` years, the race half of an entry),
over the offense-defense balance delta, distinguishability d
and the first-strike advantage f, in the default world and in worlds with no
greedy state (p_greedy = 0, and motive_turnover = 0 where the parameter
exists). Every setting runs the same world keys (paired seeds). Intervals:
95% from the ratio estimator's delta-method standard error over worlds; paired
differences from the per-world linearised rates.

    PYTHONPATH=src python scripts/offense_defense_dilemma.py --worlds 2000 --steps 130

``preempt`` counts every preemptive war (any attacker), ``seeker-preempt`` those a
security seeker started (its type before the step). A seeker pair-year is an
unordered pair of living security seekers in a year after the burn-in (types in
force that year); ``cap`` is the share of living state-years after the burn-in
spent at the budget cap B Y.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

import numpy as np

from herz.world import WorldParams
from herz.world.bargaining import Cause
from herz.world.episodes import race_year
from herz.world.noise import world_keys
from herz.world.outcomes import TrajectoryTracker
from herz.world.state import initial_state
from herz.world.step import step


def run(params: WorldParams, worlds: int, steps: int, seed: int, batch: int = 250,
        seekers_only: bool = False) -> dict[str, np.ndarray]:
    """Per-world counts: entries, preemptive wars, seeker pair-years, cap years, state-years.

    ``seekers_only``: every drawn type is set to seeker after the start draw
    (types come from their own random stream, so this is the world conditioned
    on drawing no greedy state, while beliefs keep the prior p_greedy).
    """
    out: dict[str, list[np.ndarray]] = {k: [] for k in (
        "entries", "preempt", "seeker_preempt", "pair_years", "race_years", "cap_years",
        "state_years", "greedy0")}
    for start in range(0, worlds, batch):
        idx = np.arange(start, min(worlds, start + batch), dtype=np.int64)
        keys = np.concatenate([world_keys(seed, 1, int(i)) for i in idx])
        state = initial_state(params, keys, idx)
        if seekers_only:
            state.greedy[...] = False
        tracker = TrajectoryTracker(params, state)
        w = len(idx)
        py = np.zeros(w)
        cap = np.zeros(w)
        sy = np.zeros(w)
        race = np.zeros(w)
        sp = np.zeros(w)
        streak = np.zeros(state.alive.shape, dtype=np.int64)
        greedy0 = state.greedy.sum(axis=1)
        for t in range(1, steps + 1):
            before = state.spending.copy()
            seeker_before = ~state.greedy
            step(state, params)
            tracker.update(state)
            seek = (~state.greedy) & state.alive
            streak, racing = race_year(streak, before, state.spending, params.race_growth,
                                       params.race_years, seek)
            if t > params.burn_in:
                s = seek.sum(axis=1)
                py += s * (s - 1) / 2
                race += racing
                pre = state.attacks & (state.war_cause == Cause.PREEMPTION)
                sp += (pre & seeker_before[:, :, None]).sum(axis=(1, 2))
                at_cap = state.spending >= params.budget_share * state.output * (1 - 1e-9)
                cap += (at_cap & state.alive).sum(axis=1)
                sy += state.alive.sum(axis=1)
        df = tracker.world_frame()
        out["entries"].append(df["n_entries"].to_numpy(float))
        out["preempt"].append(df["n_wars_preemption"].to_numpy(float))
        out["pair_years"].append(py)
        out["race_years"].append(race)
        out["seeker_preempt"].append(sp)
        out["cap_years"].append(cap)
        out["state_years"].append(sy)
        out["greedy0"].append(greedy0)
    return {k: np.concatenate(v) for k, v in out.items()}


def rate(num: np.ndarray, den: np.ndarray, per: float = 1e5) -> tuple[float, float, np.ndarray]:
    """Ratio estimate per ``per``, its standard error, and each world's linearised value."""
    r = num.sum() / den.sum()
    z = (num - r * den) / den.mean()
    se = z.std(ddof=1) / np.sqrt(len(z))
    return per * r, per * se, per * (r + z)


def summarise(res: dict[str, np.ndarray]) -> dict[str, Any]:
    """Rates per 1e5 seeker pair-years (race pair-years in per cent) with standard errors."""
    e, se_e, ze = rate(res["entries"], res["pair_years"])
    p, se_p, zp = rate(res["preempt"], res["pair_years"])
    r, se_r, _ = rate(res["race_years"], res["pair_years"], per=1e2)
    q, se_q, zq = rate(res["seeker_preempt"], res["pair_years"])
    return {"entries": e, "entries_se": se_e, "preempt": p, "preempt_se": se_p,
            "seeker_preempt": q, "seeker_preempt_se": se_q, "n_seeker_preempt":
            int(res["seeker_preempt"].sum()), "_zq": zq,
            "race_pct": r, "race_pct_se": se_r,
            "cap": float(res["cap_years"].sum() / res["state_years"].sum()),
            "pair_years": float(res["pair_years"].sum()), "n_entries": int(res["entries"].sum()),
            "n_preempt": int(res["preempt"].sum()), "_ze": ze, "_zp": zp}


def no_greedy(base: dict[str, Any]) -> dict[str, Any]:
    """Parameters of a world with no greedy state, ever.

    Types all seekers (``run(seekers_only=True)``), no regime change (which would redraw a
    type) and no motive turnover; beliefs keep the prior p_greedy (with p_greedy = 0 beliefs
    would sit at the floor and trust could never fall).
    """
    kw = dict(base, regime_change=0.0)
    if "motive_turnover" in {f for f in WorldParams.__dataclass_fields__}:
        kw["motive_turnover"] = 0.0
    return kw


def main(argv: list[str] | None = None) -> int:
    """Run the blocks asked for and print one line per setting."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--worlds", type=int, default=2000)
    ap.add_argument("--steps", type=int, default=130)
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--eta", type=float, default=None, help="threat_balance_elasticity")
    ap.add_argument("--only", default="", help="comma list of blocks: delta,nogreedy,d,f")
    ap.add_argument("--json", default="")
    ap.add_argument("--base", default="{}", help="JSON dict of world parameters of every run")
    a = ap.parse_args(argv)
    base: dict[str, Any] = json.loads(a.base)
    if a.eta is not None:
        base["threat_balance_elasticity"] = a.eta
    blocks = {
        "delta": [("all", dict(base, offense_defense_balance=x)) for x in (0.5, 1.0, 2.0, 4.0)],
        "nogreedy": [("no_greedy", no_greedy(dict(base, offense_defense_balance=x)))
                     for x in (0.5, 1.0, 2.0, 4.0)],
        "d": [("no_greedy", no_greedy(dict(base, distinguishability=x))) for x in (0.2, 0.5, 0.9)],
        "f": [("no_greedy", no_greedy(dict(base, first_strike_advantage=x))) for x in (0.0, 0.5)],
        "d_all": [("all", dict(base, distinguishability=x)) for x in (0.2, 0.5, 0.9)],
        "f_all": [("all", dict(base, first_strike_advantage=x)) for x in (0.0, 0.5)],
    }
    want = [b for b in blocks if not a.only or b in a.only.split(",")]
    report: dict[str, Any] = {"worlds": a.worlds, "steps": a.steps, "seed": a.seed,
                              "base": base, "rows": []}
    for b in want:
        prev = None
        for label, kw in blocks[b]:
            t0 = time.time()
            s = summarise(run(WorldParams(**kw), a.worlds, a.steps, a.seed,
                              seekers_only=label == "no_greedy"))
            shown = {k: v for k, v in kw.items() if k not in base}
            line = (f"{b:8s} {label:9s} {json.dumps(shown):60s} entries {s['entries']:6.2f} "
                    f"+-{1.96 * s['entries_se']:5.2f}  preempt {s['preempt']:6.2f} "
                    f"+-{1.96 * s['preempt_se']:5.2f}  seeker-preempt {s['seeker_preempt']:5.2f} "
                    f"+-{1.96 * s['seeker_preempt_se']:5.2f}  race% {s['race_pct']:5.2f}  "
                    f"cap {s['cap']:.3f}  "
                    f"(n_e {s['n_entries']}, n_p {s['n_preempt']}, py {s['pair_years']:.3g}, "
                    f"{time.time() - t0:.0f}s)")
            if prev is not None:
                de = s["_ze"] - prev["_ze"]
                dp = s["_zq"] - prev["_zq"]
                se = 1.96 * de.std(ddof=1) / np.sqrt(len(de))
                sp = 1.96 * dp.std(ddof=1) / np.sqrt(len(dp))
                line += f"\n{'':19s}paired diff vs previous: entries {de.mean():+.2f} +-{se:.2f}"
                line += f", seeker-preempt {dp.mean():+.2f} +-{sp:.2f}"
            print(line, flush=True)
            report["rows"].append({"block": b, "label": label, "params": shown,
                                   **{k: v for k, v in s.items() if not k.startswith("_")}})
            prev = s
    if a.json:
        with open(a.json, "w") as fh:
            json.dump(report, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
