"""Outcome rates, Booth and Wheeler's logics and Kaplan-Meier curves on data with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from herz.analysis.outcomes import logic_shares, outcome_rates
from herz.analysis.survival import kaplan_meier, time_to_escape, time_to_war


def frame():
    outcomes = (["war"] * 2 + ["mitigated"] * 5 + ["transcended"] * 1 + ["spiral"] * 2
                + ["unresolved"] * 0 + ["mitigated"] * 3 + ["unresolved"] * 1)
    point = [0] * 10 + [1] * 4
    return pd.DataFrame({"point": point, "replicate": list(range(10)) + list(range(4)),
                         "outcome": outcomes, "distinguishability": [0.0] * 10 + [1.0] * 4})


def test_rates_counts_and_intervals():
    r = outcome_rates(frame()).set_index("point")
    assert r.loc[0, "n"] == 10 and r.loc[1, "n"] == 4
    assert r.loc[0, "escape_count"] == 6 and r.loc[0, "p_escape"] == 0.6
    assert r.loc[0, "war_count"] == 2 and r.loc[0, "spiral_count"] == 2
    assert r.loc[1, "p_escape"] == 0.75 and r.loc[1, "p_unresolved"] == 0.25
    assert (r["escape_low"] <= r["p_escape"]).all() and (r["p_escape"] <= r["escape_high"]).all()
    assert r.loc[1, "distinguishability"] == 1.0  # factors are carried along


def test_logic_shares():
    t = logic_shares(frame()).set_index("logic")
    assert t.loc["fatalist", "count"] == 4  # spiral or war
    assert t.loc["mitigator", "count"] == 8
    assert t.loc["transcender", "count"] == 1
    assert t.loc["unresolved", "count"] == 1
    assert t["count"].sum() == 14


def test_kaplan_meier_small_example_by_hand():
    # events at 0, 0, 1; censored at 2 and 5: S = 3/5 after 0, then 3/5 * 2/3 = 0.4
    k = kaplan_meier([0, 0, 1, 2, 5], [True, True, True, False, False], horizon=10)
    s = k.table.set_index("time")["survival"]
    assert s.iloc[1] == pytest.approx(0.6) and s.loc[1.0] == pytest.approx(0.4)
    assert s.loc[10.0] == pytest.approx(0.4)  # carried to the horizon
    assert k.median == 1.0 and k.events == 3 and k.share_at_zero == pytest.approx(0.4)


def test_kaplan_meier_recovers_an_exponential_with_censoring():
    rng = np.random.default_rng(2024)
    t = rng.exponential(10.0, 3000)
    c = rng.uniform(0, 30, 3000)  # random censoring
    obs = t <= c
    k = kaplan_meier(np.minimum(t, c), obs)
    tb = k.table
    for when in (2.0, 5.0, 10.0):
        row = tb[tb["time"] <= when].iloc[-1]
        true = np.exp(-when / 10.0)
        assert row["low"] <= true <= row["high"], (when, row.to_dict())
        assert abs(row["survival"] - true) < 0.03
    assert k.median == pytest.approx(10 * np.log(2), abs=0.6)


def test_time_to_escape_and_war_censor_at_the_horizon():
    df = pd.DataFrame({"escaped": [True, True, False, False],
                       "time_to_escape": [3.0, 7.0, np.nan, np.nan],
                       "first_war_step": [-1, -1, 4, -1]})
    esc = time_to_escape(df, steps=20)
    assert esc.events == 2 and esc.table["survival"].iloc[-1] == pytest.approx(0.5)
    war = time_to_war(df, steps=20)
    assert war.events == 1 and war.table["time"].iloc[-1] == 20.0
    assert war.table["survival"].iloc[-1] == pytest.approx(0.75)
