"""Estimands (clustered bootstrap, Aalen-Johansen) and the verdict rule of DESIGN 4.6."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from herz.analysis.estimands import (
    aalen_johansen,
    arm_estimates,
    clustered_bootstrap,
    entry_indicators,
    median_time,
)
from herz.analysis.verdict import primarily_escapable, specification


def test_aalen_johansen_without_censoring_is_the_share_by_each_year():
    times = np.array([1, 2, 2, 3, 5, 5, 5, 8])
    events = np.array(["exit", "war", "exit", "predation", "exit", "exit", "war", "exit"])
    cif = aalen_johansen(times, events)
    for t in (1, 2, 3, 5, 8):
        at = cif[cif.index <= t].iloc[-1]
        for cause in ("exit", "war", "predation"):
            assert at[cause] == pytest.approx(np.mean((times <= t) & (events == cause)))
    assert median_time(cif) == 5.0


def test_aalen_johansen_with_censoring_matches_the_hand_computation():
    # n = 4: exit at 1; censored at 2; war at 3; exit at 4.
    cif = aalen_johansen([1, 2, 3, 4], ["exit", "open", "war", "exit"])
    # t=1: 1/4 exit, S = 3/4; t=3: 2 at risk, war 3/4 * 1/2 = 3/8, S = 3/8;
    # t=4: 1 at risk, exit += 3/8
    assert cif.loc[1.0, "exit"] == pytest.approx(0.25)
    assert cif.loc[3.0, "war"] == pytest.approx(0.375)
    assert cif.loc[4.0, "exit"] == pytest.approx(0.625)
    assert cif.loc[4.0, ["exit", "war"]].sum() == pytest.approx(1.0)


def test_clustered_bootstrap_keeps_a_worlds_entries_together():
    # 20 worlds with 10 identical entries each: the interval must reflect 20 clusters,
    # not 200 independent entries
    rng = np.random.default_rng(0)
    per_world = rng.random(20) < 0.5
    df = pd.DataFrame({"point": 0, "world": np.repeat(np.arange(20), 10),
                       "x": np.repeat(per_world, 10).astype(float)})
    res = clustered_bootstrap(df, ["x"], replicates=2000, rng=1)
    p = per_world.mean()
    half = (res.loc["x", "high"] - res.loc["x", "low"]) / 2
    assert res.loc["x", "estimate"] == pytest.approx(p)
    assert half == pytest.approx(1.96 * np.sqrt(p * (1 - p) / 20), rel=0.25)
    assert res.loc["x", "clusters"] == 20 and res.loc["x", "n"] == 200


def test_bootstrap_mean_of_draws_weighs_draws_alike():
    df = pd.DataFrame({"point": [0] * 4 + [1] * 2, "world": [0, 1, 2, 3, 0, 1],
                       "x": [1.0, 1.0, 1.0, 1.0, 0.0, 0.0]})
    res = clustered_bootstrap(df, ["x"], replicates=500, rng=2, pool="draws")
    assert res.loc["x", "estimate"] == pytest.approx(0.5)  # draws weigh alike
    assert res.loc["x", "low"] == 0.0 and res.loc["x", "high"] == 1.0
    fixed = clustered_bootstrap(df, ["x"], replicates=500, rng=2, resample_points=False,
                                pool="draws")
    assert fixed.loc["x", "low"] == fixed.loc["x", "high"] == 0.5  # no simulation noise here


def test_bootstrap_pools_entries_over_draws():
    # the same data pooled: 4 of 6 entries, the draws weigh by their entries
    df = pd.DataFrame({"point": [0] * 4 + [1] * 2, "world": [0, 1, 2, 3, 0, 1],
                       "x": [1.0, 1.0, 1.0, 1.0, 0.0, 0.0]})
    res = clustered_bootstrap(df, ["x"], replicates=500, rng=2)
    assert res.loc["x", "estimate"] == pytest.approx(4 / 6)
    assert res.loc["x", "low"] == pytest.approx(0.0) and res.loc["x", "high"] == 1.0
    fixed = clustered_bootstrap(df, ["x"], replicates=500, rng=2, resample_points=False)
    # worlds resampled within fixed draws: every world is alike within its draw
    assert fixed.loc["x", "low"] == fixed.loc["x", "high"] == pytest.approx(4 / 6)


def test_pooled_estimate_is_sum_over_sum_and_mean_of_draws_is_mean_of_ratios():
    # known per-draw counts: draw k has n_k entries (one per world) and e_k of them exit
    n = [3, 80, 10, 25, 1]
    e = [3, 8, 5, 0, 1]
    rows = [{"point": k, "world": w, "x": float(w < ek)}
            for k, (nk, ek) in enumerate(zip(n, e, strict=True)) for w in range(nk)]
    df = pd.DataFrame(rows)
    pooled = clustered_bootstrap(df, ["x"], replicates=50, rng=0)
    assert pooled.loc["x", "estimate"] == pytest.approx(sum(e) / sum(n))
    assert pooled.loc["x", "n"] == sum(n)
    mean = clustered_bootstrap(df, ["x"], replicates=50, rng=0, pool="draws")
    assert mean.loc["x", "estimate"] == pytest.approx(np.mean(np.divide(e, n)))
    # here the two differ by much: the 3-entry and 1-entry draws (all exits) pull the mean up
    assert mean.loc["x", "estimate"] - pooled.loc["x", "estimate"] > 0.3
    with pytest.raises(Exception, match="pool"):
        clustered_bootstrap(df, ["x"], pool="worlds")  # type: ignore[arg-type]


def test_pooled_simulation_interval_matches_the_binomial_and_draws_widen_it():
    # 60 draws of 1-12 worlds (one entry each), every draw with the same p = 0.3: the
    # simulation-only interval is the binomial one on all entries; resampling the draws
    # too can only add (here: about the within-draw noise once more)
    rng = np.random.default_rng(5)
    sizes = rng.integers(1, 13, size=60)
    df = pd.DataFrame([{"point": k, "world": w, "x": float(rng.random() < 0.3)}
                       for k, m in enumerate(sizes) for w in range(m)])
    p, n = df["x"].mean(), len(df)
    sim = clustered_bootstrap(df, ["x"], replicates=4000, rng=1, resample_points=False)
    full = clustered_bootstrap(df, ["x"], replicates=4000, rng=1)
    half_sim = (sim.loc["x", "high"] - sim.loc["x", "low"]) / 2
    half_full = (full.loc["x", "high"] - full.loc["x", "low"]) / 2
    assert half_sim == pytest.approx(1.96 * np.sqrt(p * (1 - p) / n), rel=0.15)
    assert half_full == pytest.approx(np.sqrt(2) * half_sim, rel=0.2)


def _table(control_exit, route_exit):
    rows = []
    for k, (c, r) in enumerate(zip(control_exit, route_exit, strict=True)):
        for arm, x, kind, dose in (("control", c, "control", 0.0), ("route@1", r, "route", 1.0)):
            rows.append({"point": 0, "world": k, "t_entry": 40, "i": 0, "j": 1, "arm": arm,
                         "kind": kind, "dose": dose, "end": "exit" if x else "open",
                         "end_year": 20 if x else 50, "exit_year": 11 if x else -1,
                         "war_cause": "", "informativeness": 0.1, "n_greedy": 0,
                         "follow": 50})
    return pd.DataFrame(rows)


def test_paired_effect_is_route_minus_control_on_the_same_entries():
    c = [True] * 30 + [False] * 70
    r = [True] * 50 + [False] * 50
    est = {a.name: a for a in arm_estimates(_table(c, r), 25, replicates=500, rng=0)}
    assert est["control"].p_exit == pytest.approx(0.3)
    assert est["route@1"].effect == pytest.approx(0.2)
    lo, hi = est["route@1"].effect_ci
    assert 0.1 < lo < 0.2 < hi < 0.3  # paired: only the 20 switched entries vary
    assert est["control"].effect is None
    ind = entry_indicators(_table(c, r), 10)  # exits at year 11 are outside H = 10
    assert ind["exit_h"].sum() == 0


def test_horizon_longer_than_follow_up_is_refused():
    from herz.errors import ParameterError

    with pytest.raises(ParameterError, match="follow-up"):
        entry_indicators(_table([True], [True]), 60)


@pytest.mark.parametrize(("e_ci", "a_ci", "verdict"), [
    ((0.55, 0.7), (0.12, 0.3), True),
    ((0.45, 0.7), (0.12, 0.3), None),
    ((0.2, 0.45), (0.12, 0.3), False),
    ((0.55, 0.7), (-0.1, 0.05), False),
    ((0.55, 0.7), (0.05, 0.2), None),
])
def test_verdict_rule_of_one_specification(e_ci, a_ci, verdict):
    s = specification("x", "", 100, sum(e_ci) / 2, e_ci, sum(a_ci) / 2, a_ci)
    assert s.verdict is verdict


def test_primarily_escapable_needs_every_variant_and_the_primary_can_refute():
    yes = specification("a", "", 100, 0.6, (0.55, 0.7), 0.2, (0.12, 0.3))
    no = specification("b", "", 100, 0.3, (0.2, 0.4), 0.0, (-0.1, 0.05))
    empty = specification("c", "", 0, float("nan"), (float("nan"),) * 2, float("nan"),
                          (float("nan"),) * 2)
    assert primarily_escapable([yes, yes]) is True
    assert primarily_escapable([no, no]) is False
    assert primarily_escapable([yes, no]) is None  # a variant refutes: not robustly true
    assert primarily_escapable([no, yes]) is False  # the primary refutes
    assert primarily_escapable([yes, empty]) is None
    assert primarily_escapable([empty, yes]) is None
    assert primarily_escapable([]) is None
