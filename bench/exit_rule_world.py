"""Measure the exit rule in the world: P(exit within H | entered), competing ends, routes, spells.

The escape study's calibrated world (``herz.studies.escape_routes``: the
world's defaults plus ``STUDY_WORLD``; ``--world defaults`` for the bare
defaults) runs ``worlds`` worlds for burn-in + ``window`` + ``follow`` years
with the spell table (``simulate(..., pairs=True)``: the online detector, which
ends every spell as the escape study's ``PairFollow`` control does,
tests/world/test_exit_rule.py). Entries are the spells that begin in the
``window`` years after the burn-in, so each has at least ``follow`` years of
follow-up and P(exit within H) is never censored for H + m <= follow.

Printed (and written as JSON with ``--out``):

- P(exit within H | entered), per entry, with a Wilson interval and a
  bootstrap interval clustered on worlds; the share of entered worlds whose
  first entry exits within H;
- the median time to exit (entry to the exit's first calm year);
- how spells end within H: exit, war between the two by cause, predation on a
  member, death, ``left`` (a member's type turnover), still in at H;
- route shares of the exits (mitigated / transcended) and the pair's
  institutions at the exit's confirmation cannot be read here (the spell table
  keeps the route only);
- the Kaplan-Meier median spell length (any end an event, or ``left`` censored too;
  open spells censored at the horizon)
  against the record's rivalries (:func:`herz.analysis.patterns.rivalry_duration`);
- the turnover decision: P(exit within H) with ``left`` as a competing end
  (the rule), as censoring (Aalen-Johansen, ``left`` spells censored when they
  end) and as an exit;
- with ``--readings``: P(exit within H) under each reading of the rule (same
  worlds and seeds: the rule only reads the world).

Usage::

    NUMBA_NUM_THREADS=1 python bench/exit_rule_world.py [--worlds 1000] [--seed 2]
        [--window 25] [--follow 60] [--horizon 25] [--world study|defaults] [--readings]
        [--set name=value ...] [--out result.json]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from typing import Any

import numpy as np
import pandas as pd

from herz.analysis.estimands import aalen_johansen
from herz.analysis.intervals import wilson_interval
from herz.analysis.patterns import km_median, rivalry_duration
from herz.world import WorldParams, simulate

#: The readings of the exit rule compared (name, world parameters).
READINGS: tuple[tuple[str, dict[str, str]], ...] = (
    ("shipped (trend, window_min, pre_entry)", {}),
    ("window-mean trust", {"exit_trust_reading": "window_mean"}),
    ("final-year trust", {"exit_trust_reading": "final"}),
    ("trust >= exit_trust only (fixed floor)", {"exit_trust_floor": "fixed"}),
    ("yearly growth (the old reading)", {"exit_growth_reading": "yearly"}),
)


def world(kind: str, sets: dict[str, Any]) -> WorldParams:
    """The study's calibrated world (or the bare defaults) with ``sets`` applied."""
    if kind == "study":
        from herz.studies.escape_routes import Variant, _world
        p = _world({"point": 0}, Variant("primary", ""))
    else:
        p = WorldParams()
    return p.replace(**sets) if sets else p


def entries(p: WorldParams, worlds: int, seed: int, window: int, follow: int
            ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The spells that begin in the window after the burn-in, and the world frame."""
    steps = p.burn_in + window + follow
    df, sp = simulate(p, worlds, steps, seed=seed, pairs=True)
    burn = p.burn_in
    f = sp[(~sp["at_start"]) & (sp["entry_year"] > burn) & (sp["entry_year"] <= burn + window)]
    return f.reset_index(drop=True), df


def clustered_ci(x: np.ndarray, world: np.ndarray, reps: int = 2000, seed: int = 0
                 ) -> tuple[float, float]:
    """Percentile interval of the mean of ``x``, worlds resampled with replacement."""
    rng = np.random.default_rng(seed)
    ws, inv = np.unique(world, return_inverse=True)
    s = np.bincount(inv, weights=x, minlength=ws.size)
    n = np.bincount(inv, minlength=ws.size).astype(float)
    pick = rng.integers(0, ws.size, (reps, ws.size))
    boot = s[pick].sum(axis=1) / n[pick].sum(axis=1)
    lo, hi = np.quantile(boot, [0.025, 0.975])
    return float(lo), float(hi)


def p_exit(f: pd.DataFrame, horizon: int) -> dict[str, Any]:
    """P(exit within ``horizon`` | entered), per entry (first calm year within H)."""
    tx = (f["exit_year"] - f["entry_year"]).to_numpy(float)
    ex = ((f["end"] == "exit").to_numpy() & (tx <= horizon)).astype(float)
    k, n = int(ex.sum()), len(f)
    lo, hi = wilson_interval(k, n) if n else (math.nan, math.nan)
    clo, chi = clustered_ci(ex, f["world"].to_numpy()) if n else (math.nan, math.nan)
    return {"exits": k, "entries": n, "p": k / n if n else math.nan, "wilson": [lo, hi],
            "clustered": [clo, chi]}


def summary(p: WorldParams, f: pd.DataFrame, df: pd.DataFrame, horizon: int) -> dict[str, Any]:
    """Every number of the module docstring for one run."""
    out: dict[str, Any] = {"entries": len(f), "entered_worlds": int(f["world"].nunique()),
                           "worlds": len(df)}
    out["p_exit"] = p_exit(f, horizon)
    first = f.sort_values(["world", "entry_year", "i", "j"]).drop_duplicates("world")
    out["p_exit_first_entry"] = p_exit(first, horizon)
    ex = f[f["end"] == "exit"]
    tx = (ex["exit_year"] - ex["entry_year"]).to_numpy(float)
    out["median_time_to_exit"] = float(np.median(tx)) if tx.size else math.nan
    out["median_time_to_exit_within_h"] = (float(np.median(tx[tx <= horizon]))
                                           if (tx <= horizon).any() else math.nan)
    # how spells end within H
    dur = np.where(f["end"] == "exit", f["exit_year"] - f["entry_year"],
                   f["end_year"] - f["entry_year"]).astype(float)
    label = np.where(f["end"] == "war", "war:" + f["war_cause"].astype(str),
                     f["end"].astype(str))
    label = np.where((label == "censored") | (dur > horizon), "still in", label)
    ends = pd.Series(label).value_counts()
    out["ends_within_h"] = {k: {"n": int(v), "share": v / len(f)} for k, v in ends.items()}
    out["routes"] = ex["route"].value_counts().to_dict()
    # Kaplan-Meier spell length (any end is an event; censored spells at the horizon)
    obs = (f["end"] != "censored").to_numpy(int)
    med, lo, hi = km_median(dur, obs)
    rec = rivalry_duration()
    obs_nl = ((f["end"] != "censored") & (f["end"] != "left")).to_numpy(int)
    med_nl, lo_nl, hi_nl = km_median(dur, obs_nl)
    out["km_spell_length"] = {"median": med, "ci": [lo, hi], "median_left_censored": med_nl,
                              "ci_left_censored": [lo_nl, hi_nl], "record_rivalries": rec.value,
                              "record_ci": [rec.low, rec.high], "record_n": rec.n}
    # the turnover decision
    tx_all = (f["exit_year"] - f["entry_year"]).to_numpy(float)
    is_exit = (f["end"] == "exit").to_numpy()
    left = (f["end"] == "left").to_numpy()
    left_h = left & (dur <= horizon)
    exit_h = is_exit & (tx_all <= horizon)
    ev = np.where(f["end"] == "censored", "open", f["end"].astype(str))
    ev_cens = np.where(left, "open", ev)
    causes = sorted(set(ev_cens) - {"open"})
    aj = aalen_johansen(dur, ev_cens, causes=causes) if len(f) else pd.DataFrame()
    at_h = aj.loc[aj.index <= horizon].iloc[-1] if len(aj) else pd.Series(dtype=float)
    out["turnover"] = {
        "left_within_h": int(left_h.sum()),
        "p_exit_left_competing": float(exit_h.mean()) if len(f) else math.nan,
        "p_exit_left_censored_aj": float(at_h.get("exit", math.nan)),
        "p_exit_left_as_exit": float((exit_h | left_h).mean()) if len(f) else math.nan,
    }
    return out


def main() -> None:
    """Run and print the measurements."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--worlds", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=2)
    ap.add_argument("--window", type=int, default=25)
    ap.add_argument("--follow", type=int, default=60)
    ap.add_argument("--horizon", type=int, default=25)
    ap.add_argument("--world", choices=("study", "defaults"), default="study")
    ap.add_argument("--readings", action="store_true")
    ap.add_argument("--set", nargs="*", default=[], help="name=value (JSON values)")
    ap.add_argument("--out", default=None)
    a = ap.parse_args()
    sets = {}
    for kv in a.set:
        k, v = kv.split("=", 1)
        try:
            sets[k] = json.loads(v)
        except json.JSONDecodeError:
            sets[k] = v
    p = world(a.world, sets)
    t0 = time.perf_counter()
    f, df = entries(p, a.worlds, a.seed, a.window, a.follow)
    res: dict[str, Any] = {"world": a.world, "sets": sets, "worlds": a.worlds, "seed": a.seed,
                           "window": a.window, "follow": a.follow, "horizon": a.horizon,
                           "params": {k: v for k, v in p.to_dict().items() if k in (
                               "n_states", "p_greedy", "race_growth", "entry_trust_fall",
                               "exit_years", "exit_growth_band", "exit_trust", "burn_in",
                               "motive_turnover")}}
    res["shipped"] = summary(p, f, df, a.horizon)
    res["seconds"] = time.perf_counter() - t0
    if a.readings:
        res["readings"] = {}
        for name, kw in READINGS:
            fr, _ = entries(p.replace(**kw), a.worlds, a.seed, a.window, a.follow)
            res["readings"][name] = p_exit(fr, a.horizon)
    text = json.dumps(res, indent=1, default=float)
    print(text)
    if a.out:
        with open(a.out, "w") as fh:
            fh.write(text)
    print(f"{time.perf_counter() - t0:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
