"""Multi-step wars: geometric duration, costs per step, the record, Nilsson's independence."""

import numpy as np
import pytest

from herz.errors import ParameterError
from herz.world import Mechanisms, WorldParams, initial_state, simulate, step
from herz.world.noise import Stream, fill_uniform_at, world_keys
from herz.world.war import decide_war, engaged

WORLDS = 300


def only(**on):
    return Mechanisms(**{**{k: False for k in Mechanisms().__dict__}, **on})


def _duel(quiet, make_state, worlds=1, **kw):
    """State 0 greedy with offence, state 1 a security seeker with a little defence."""
    p = quiet.replace(n_states=2, mechanisms=only(war=True), war_gain=1.0, war_loss=2.0,
                      war_cost=0.1, war_destruction=0.2, defeat_loss=0.5, **kw)
    s = make_state(p, worlds=worlds, offense=[[2.0, 0.0]], defense=[[0.0, 1.0]],
                   greedy=[[True, False]])
    return p, s


def test_duration_is_at_least_one_step():
    with pytest.raises(ParameterError, match="war_duration"):
        WorldParams(war_duration=0.5)
    assert WorldParams().war_duration == 1.0 and WorldParams().war_cost_accrues is False


def test_one_step_war_is_recorded_as_lasting_one_step(quiet, make_state):
    p, s = _duel(quiet, make_state)
    step(s, p)
    assert s.n_wars[0] == 1 and s.war_steps[0] == 1
    assert s.wars_ended[0] == 1 and s.war_steps_ended[0] == 1
    assert (s.war_target == -1).all()


def test_a_war_that_never_ends_destroys_arms_every_step(quiet, make_state):
    p, s = _duel(quiet, make_state, war_duration=1e6)  # ends with probability 1e-6 a step
    off0, def0 = s.offense.copy(), s.defense.copy()
    for _ in range(5):
        step(s, p)
    assert s.n_wars[0] == 1  # a state at war starts no new war
    assert s.war_target[0].tolist() == [1, -1] and s.war_start[0, 0] == 0
    assert s.war_steps[0] == 5 and s.wars_ended[0] == 0
    expect_o, expect_d = off0.copy(), def0.copy()
    for _ in range(5):
        expect_o, expect_d = expect_o * 0.8, expect_d * 0.8
    np.testing.assert_array_equal(s.offense, expect_o)
    np.testing.assert_array_equal(s.defense, expect_d)
    assert engaged(s)[0].tolist() == [True, True]


def test_a_war_ends_when_the_duration_draw_says_so(quiet, make_state):
    """Predict the end step and the winner from the streams, then check the world."""
    worlds = 40
    p, s = _duel(quiet, make_state, worlds=worlds, war_duration=3.0)
    keys, label = s.keys, s.label
    p_win = 2.0 / 3.0  # contest: O = 2 against delta * D = 1
    end = np.full(worlds, -1)
    u = np.empty((worlds, 2))
    for t in range(60):
        fill_uniform_at(keys, Stream.WAR_DURATION, t, label, u)
        new = (end < 0) & (u[:, 0] < 1.0 / 3.0)
        end[new] = t
    assert (end >= 0).all() and len(set(end.tolist())) > 3
    won = np.empty(worlds, dtype=bool)
    for k in range(worlds):
        fill_uniform_at(keys[k:k + 1], Stream.WAR_OUTCOME, int(end[k]), label[k:k + 1],
                        u[k:k + 1])
        won[k] = u[k, 0] < p_win
    steps = int(end.max()) + 1
    for _ in range(steps):
        step(s, p)
    # each world fought one war from step 0 to its end step, then (maybe) another
    first_len = end + 1
    assert (s.war_steps_ended >= first_len).all()
    one = s.n_wars == 1  # worlds whose first war was still the only one
    assert one.any()
    np.testing.assert_array_equal(s.war_steps_ended[one], first_len[one])
    # a world whose only war ended at the last step: losses by hand
    k = int(np.nonzero(one & (end == end.max()))[0][0])
    keep = 0.8 ** (end[k] + 1)
    loser = 1 if won[k] else 0
    o = np.array([2.0, 0.0]) * keep
    d = np.array([0.0, 1.0]) * keep
    o[loser] *= 0.5
    d[loser] *= 0.5
    np.testing.assert_allclose(s.offense[k], o, rtol=1e-12)
    np.testing.assert_allclose(s.defense[k], d, rtol=1e-12)


def test_foreseen_costs_per_step_deter_long_wars(quiet, make_state):
    """p v - T c: 0.5 - 0.2 > 0 attacks; with T = 3 and accruing costs 0.5 - 0.6 < 0."""
    p = quiet.replace(n_states=2, mechanisms=only(war=True), war_cost=0.2,
                      offense_defense_balance=1.0)
    s = make_state(p, offense=[[1.0, 0.0]], defense=[[0.0, 1.0]], greedy=[[True, False]])
    assert decide_war(s, p, s.mistrust, s.identity).target[0, 0] == 1
    long = p.replace(war_duration=3.0)
    assert decide_war(s, long, s.mistrust, s.identity).target[0, 0] == 1  # short-war view
    foresee = long.replace(war_cost_accrues=True)
    assert decide_war(s, foresee, s.mistrust, s.identity).target[0, 0] == -1
    # at T = 1 the switch changes nothing
    assert decide_war(s, p.replace(war_cost_accrues=True), s.mistrust,
                      s.identity).target[0, 0] == 1


def test_record_columns_for_one_step_wars():
    df = simulate(WorldParams(n_states=5, p_greedy=0.4), worlds=30, steps=40, seed=2)
    fought = df["n_wars"] > 0
    assert fought.any()
    np.testing.assert_array_equal(df["war_years"], df["n_wars"] * 1.0)
    assert (df.loc[fought, "mean_war_duration"] == 1.0).all()
    assert df.loc[~fought, "mean_war_duration"].isna().all()
    assert (df["wars_ongoing"] == 0).all()


# ---------------------------------------------------------------- statistics and the literature
def test_mean_duration_matches_the_parameter():
    """Geometric durations with mean T; wars cut off by the end of the run are not counted,
    which biases the mean down slightly (measured 3.92 for T = 4 over 200 steps).
    Tolerance: within 0.3 of T.
    """
    p = WorldParams(n_states=6, p_greedy=0.3, offense_defense_balance=0.5, war_cost=0.3,
                    war_duration=4.0)
    df = simulate(p, worlds=WORLDS, steps=200, seed=10)
    ended = df["mean_war_duration"].notna()
    assert ended.sum() > 200
    weights = df.loc[ended, "n_wars"] - df.loc[ended, "wars_ongoing"]
    mean = np.average(df.loc[ended, "mean_war_duration"], weights=weights)
    assert abs(mean - 4.0) < 0.3
    assert (df["war_years"] >= df["n_wars"]).all()


def test_long_wars_start_less_often_but_last_longer():
    """Wars that last T steps lock belligerents in: fewer wars start (measured 545 -> 155
    per world for T = 1 -> 4) but the years of war do not fall (545 -> 607).
    Tolerances: at most half the wars, at least 90 % of the war-years.
    """
    p = WorldParams(n_states=6, p_greedy=0.3, offense_defense_balance=0.5, war_cost=0.3)
    short = simulate(p, worlds=WORLDS, steps=200, seed=10)
    long = simulate(p.replace(war_duration=4.0), worlds=WORLDS, steps=200, seed=10)
    assert long["n_wars"].mean() < 0.5 * short["n_wars"].mean()
    assert long["war_years"].mean() > 0.9 * short["war_years"].mean()


def test_foreseen_long_wars_deter():
    """Nilsson (2012): if wars are long and costly, and states know it, they fight less.
    With costs weighed per expected step (T = 2), wars started fall (measured 304 -> 166).
    Tolerance: at least a quarter fewer.
    """
    p = WorldParams(n_states=6, p_greedy=0.3, offense_defense_balance=0.5, war_cost=0.3,
                    war_duration=2.0)
    naive = simulate(p, worlds=WORLDS, steps=200, seed=10)
    foresee = simulate(p.replace(war_cost_accrues=True), worlds=WORLDS, steps=200, seed=10)
    assert foresee["n_wars"].mean() < 0.75 * naive["n_wars"].mean()


def test_duration_does_not_depend_on_the_offense_defense_balance():
    """Nilsson (2012): war duration is independent of the balance (here by construction).

    Tolerance: mean durations at delta = 0.5 and 2 within 0.4 of each other.
    """
    out = []
    for delta in (0.5, 2.0):
        p = WorldParams(n_states=6, p_greedy=0.5, offense_defense_balance=delta,
                        war_cost=0.2, war_duration=3.0)
        df = simulate(p, worlds=WORLDS, steps=150, seed=11)
        ended = df["mean_war_duration"].notna()
        assert ended.sum() > 100
        w = df.loc[ended, "n_wars"] - df.loc[ended, "wars_ongoing"]
        out.append(np.average(df.loc[ended, "mean_war_duration"], weights=w))
    assert abs(out[0] - out[1]) < 0.4


def test_initial_state_has_no_war():
    s = initial_state(WorldParams(n_states=4, war_duration=3.0), world_keys(0, 2))
    assert (s.war_target == -1).all() and (s.war_start == -1).all()
    assert s.war_steps.tolist() == [0, 0] and not engaged(s).any()
