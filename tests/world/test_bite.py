"""The bite-test harness on a stand-in runner whose answer is known exactly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from herz.errors import ParameterError
from herz.world.bite import BiteResult, apply_change, bite_test, early_shares, spell_early_shares
from herz.world.params import WorldParams


def fake_runner(params: WorldParams, worlds: int, steps: int, seed: int) -> pd.DataFrame:
    """World w enters iff u_w < p_greedy, exits iff v_w < 0.5 (u, v: common random numbers)."""
    g = np.random.default_rng(seed)
    u, v = g.random(worlds), g.random(worlds)
    entered = u < params.p_greedy
    exited = entered & (v < 0.5)
    return pd.DataFrame({
        "world": np.arange(worlds), "entered": entered,
        "time_to_entry": np.where(entered, 3.0 + 40.0 * v, np.nan), "exited": exited,
        "time_to_exit": np.where(exited, 10.0, np.nan), "n_disputes": np.where(entered, 2, 0),
    })


def test_paired_difference_and_its_interval_cover_the_known_effect():
    res = bite_test(None, {"p_greedy": 0.5}, {"p_greedy": 0.2}, "entered", worlds=400, seed=3,
                    runner=fake_runner, name="greed")
    u = np.random.default_rng(3).random(400)
    exact = float(np.mean((u >= 0.2) & (u < 0.5)))  # paired worlds: only these change
    assert res.difference == pytest.approx(exact)
    assert res.low < exact < res.high and res.significant
    assert res.high - res.low < 0.12  # n = 400, a share near 0.3: +-0.045 per side
    assert res.name == "greed" and res.n_on == res.n_off == 400
    assert res.early_ok  # entries at t >= 3 by construction


def test_conditional_outcome_is_a_ratio_of_means_in_each_arm():
    res = bite_test(None, {"p_greedy": 0.6}, {"p_greedy": 0.3}, "exited", given="entered",
                    worlds=600, seed=1, runner=fake_runner, rng=5)
    f1 = fake_runner(WorldParams(p_greedy=0.6), 600, 1, 1)
    assert res.value_on == pytest.approx(f1["exited"].sum() / f1["entered"].sum())
    assert res.n_on == f1["entered"].sum()
    assert res.value_off == pytest.approx(
        fake_runner(WorldParams(p_greedy=0.3), 600, 1, 1).query("entered")["exited"].mean())
    # the difference is n1 / (n0 + n1) (p1 - p0) over the 184 added worlds: sd about
    # 0.5 * sqrt(0.25 / 184 + 0.25 / 182) = 0.026, so a 95% interval about 0.10 wide
    assert res.low < res.difference < res.high
    assert 0.06 < res.high - res.low < 0.15


def test_early_shares_count_first_entries_and_exits_after_burn_in():
    f = pd.DataFrame({"entered": [True, True, True, False], "time_to_entry": [0.0, 2.0, 9.0, np.nan],
                      "exited": [True, False, True, False],
                      "time_to_exit": [1.0, np.nan, 10.0, np.nan]})
    e, x = early_shares(f)
    assert e == pytest.approx(2 / 3) and x == pytest.approx(1 / 2)
    res = bite_test(None, {"p_greedy": 0.5}, {"p_greedy": 0.5}, "entered", worlds=50,
                    runner=lambda p, **kw: f.iloc[np.arange(kw["worlds"]) % 4].reset_index(
                        drop=True))
    assert not res.early_ok and res.difference == 0.0


def test_apply_change_merges_mechanisms_and_refuses_unknown_names():
    p = apply_change(WorldParams(), {"mechanisms.war": False, "p_greedy": 0.0})
    assert p.mechanisms.war is False and p.p_greedy == 0.0
    assert p.mechanisms.identity == WorldParams().mechanisms.identity
    q = apply_change(WorldParams(), {"mechanisms": {"identity": False}})
    assert q.mechanisms.identity is False
    with pytest.raises(ParameterError, match="not_a_field"):
        apply_change(WorldParams(), {"not_a_field": 1})
    res = bite_test(None, {"p_greedy": 0.5}, {"p_greedy": 0.2}, "n_disputes=2", worlds=100,
                    runner=fake_runner)
    plain = bite_test(None, {"p_greedy": 0.5}, {"p_greedy": 0.2}, "entered", worlds=100,
                      runner=fake_runner)
    assert res.difference == pytest.approx(plain.difference)  # 2 disputes iff entered
    with pytest.raises(ParameterError, match="outcome"):
        bite_test(None, {}, {}, "nope", worlds=10, runner=fake_runner)
    with pytest.raises(ParameterError, match="worlds"):
        bite_test(None, {}, {}, "entered", worlds=1, runner=fake_runner)


def test_spell_early_shares_count_every_spell_after_burn_in():
    from herz.world.bite import spell_early_shares
    spells = pd.DataFrame({"at_start": [False, False, False, True],
                           "time_to_entry": [1.0, 5.0, 40.0, -3.0],
                           "exit_year": [np.nan, 31.0, 80.0, 31.0]})
    e, x = spell_early_shares(spells, WorldParams(burn_in=30))
    assert e == pytest.approx(1 / 3) and x == pytest.approx(1 / 2)  # the spell at start apart


def _spells(entry_times, exit_times, burn_in=30):
    return pd.DataFrame({"at_start": [False] * len(entry_times),
                         "time_to_entry": entry_times,
                         "exit_year": [burn_in + x for x in exit_times]})


def _result(e, x):
    return BiteResult("r", "entered", None, 10, 0.0, 0.0, 0.0, 0.0, 0.0, 0.95, 10, 10,
                      e, 0.0, x, 0.0)


def test_rule_two_counts_t_equal_2_as_early_and_allows_exactly_one_in_twenty():
    """The boundaries of DESIGN rule 2: t <= 2 is early (2.0 counts, 2.5 does not), and a
    share of exactly 5% passes while one more early spell in twenty fails."""
    p = WorldParams(burn_in=30)
    late = [10.0] * 18
    e, x = spell_early_shares(_spells([2.0, 2.5, *late], [2.0, 2.5, *late]), p)
    assert e == 1 / 20 and x == 1 / 20
    assert _result(e, x).early_ok  # exactly 5%: allowed
    e2, x2 = spell_early_shares(_spells([2.0, 1.0, *late], [0.0, 2.5, *late]), p)
    assert e2 == 2 / 20 and x2 == 1 / 20
    assert not _result(e2, x2).early_ok and not _result(x2, e2).early_ok
    assert not _result(0.05, 0.0500001).early_ok and _result(float("nan"), 0.05).early_ok
