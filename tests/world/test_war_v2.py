"""The war in the integrated world (DESIGN.md 2.5-2.6): war_step, step and simulate.

Paired seeds: each comparison runs the same world keys under both settings.
Tolerances are stated per test (binomial or sample standard errors).
"""

from __future__ import annotations

import numpy as np
import pytest

from herz.world import WorldParams, initial_state, simulate
from herz.world.noise import world_keys
from herz.world.step import step
from herz.world.war import Cause, war_step
from tests.world.pre_calibration import PRE_CALIBRATION

#: A war-prone world: greedy states common, offence dominant, large stakes.
WARLIKE = dict(p_greedy=0.5, war_transfer=0.5, offense_defense_balance=0.5,
               first_strike_advantage=0.5, greedy_value=3.0)


def _state(params: WorldParams, worlds: int, seed: int = 0):
    return initial_state(params, world_keys(seed, worlds))


def test_war_step_conquest_moves_output_through_the_state():
    """A war forced to end this year: the loser pays tau of its output to the winner."""
    p = WorldParams(n_states=3, war_end_base=1.0, war_output_destruction=0.1,
                    war_transfer=0.25, balancing_intercept=-50.0, war_intercept=-50.0,
                    dispute_cutpoint=0.0, death_threshold=0.0, regime_change=0.0)
    st = _state(p, 50, seed=3)
    st.war_attacker[:, 0, 1] = True
    st.at_war[:, 0, 1] = st.at_war[:, 1, 0] = True
    st.war_start[:, 0, 1] = 0
    y0 = st.output.copy()
    res = war_step(st, p)
    assert res.ended[:, 0, 1].all() and not st.war_attacker.any() and not st.at_war.any()
    y1 = y0[:, :2] * 0.9
    won = res.attacker_won[:, 0, 1]
    assert 5 < won.sum() < 45   # both outcomes occur in 50 worlds
    want0 = np.where(won, y1[:, 0] + 0.25 * y1[:, 1], 0.75 * y1[:, 0])
    want1 = np.where(won, 0.75 * y1[:, 1], y1[:, 1] + 0.25 * y1[:, 0])
    np.testing.assert_allclose(st.output[:, 0], want0, rtol=1e-12)
    np.testing.assert_allclose(st.output[:, 1], want1, rtol=1e-12)
    np.testing.assert_allclose(st.output[:, 2], y0[:, 2])  # the bystander
    assert (res.lost[:, 0] == ~won).all() and (res.lost[:, 1] == won).all()


def test_dead_states_stay_dead_and_are_masked_in_every_step():
    p = WorldParams(n_states=6, **WARLIKE)
    st = _state(p, 40, seed=5)
    alive_before = st.alive.copy()
    ever_dead = 0
    for _ in range(80):
        step(st, p)
        assert not (st.alive & ~alive_before).any()          # nobody comes back
        dead = ~st.alive
        assert (st.output[dead] == 0).all() and (st.offense[dead] == 0).all()
        assert (st.defense[dead] == 0).all() and (st.spending[dead] == 0).all()
        assert (st.spending <= p.budget_share * st.output + 1e-12).all()
        for pair in (st.at_war, st.war_attacker):   # wars in progress: the living only
            assert not (pair & (dead[:, :, None] | dead[:, None, :])).any()
        was_dead = ~alive_before                      # events: among states alive at t
        for pair in (st.attacks, st.disputes):
            assert not (pair & (was_dead[:, :, None] | was_dead[:, None, :])).any()
        alive_before = st.alive.copy()
        ever_dead = int(dead.sum())
    assert ever_dead > 10   # the check met dead states


def test_war_causes_are_recorded_and_counted():
    p = WorldParams(n_states=5, **WARLIKE)
    st = _state(p, 60, seed=7)
    totals = dict.fromkeys(Cause, 0)
    short = 0
    for _ in range(40):
        before = {k: v.copy() for k, v in st.counts.items()}
        step(st, p)
        cause = st.war_cause
        started = st.attacks
        for c in (Cause.PREDATION, Cause.PREEMPTION, Cause.PREVENTION, Cause.INADVERTENT):
            name = f"n_wars_{c.name.lower()}"
            totals[c] += int((st.counts[name] - before[name]).sum())
        # disputes and calendar years of war are counted as they happen
        grew = st.counts["n_disputes"] - before["n_disputes"]
        np.testing.assert_array_equal(grew, st.disputes.sum(axis=(1, 2)))
        years = st.counts["war_years"] - before["war_years"]
        assert ((years == 1) >= st.war_attacker.any(axis=(1, 2))).all() and (years <= 1).all()
        # a war in progress has a cause and a start; a cause without a war in progress
        # only on a war started this step (one that ended within its first year)
        assert (st.war_attacker <= (cause > 0)).all()
        assert ((cause > 0) <= (st.war_attacker | started)).all()
        short += int(((cause > 0) & ~st.war_attacker).sum())
        assert ((st.war_start >= 0) == st.war_attacker).all()
        assert (started.sum(axis=2) <= 1).all()
    assert totals[Cause.PREDATION] > 0 and totals[Cause.PREEMPTION] > 0
    assert short > 0  # wars that end within their first year keep their cause for the tracker


def _dead_share(n: int, worlds: int, balancing: bool, seed: int = 11) -> tuple[float, float]:
    # balancing, measured on the pre-calibration economy (issue 17): pinned to it
    p = WorldParams(n_states=n, balancing_intercept=-4.0 if balancing else -50.0,
                    **{**PRE_CALIBRATION, **WARLIKE})
    df = simulate(p, worlds=worlds, steps=100, seed=seed)
    share = df["n_states_dead"].to_numpy() / n
    return float(share.mean()), float(share.std(ddof=1) / np.sqrt(worlds))


@pytest.mark.slow
def test_balancing_keeps_the_dead_share_from_growing_with_n():
    """With balancing the share of states dead by year 100 does not grow from N = 5 to 20
    to 50 (tolerance: 3 combined standard errors); switching balancing off (the control)
    raises it at N = 50 by more than 3 standard errors: the mechanism, not the setting,
    holds conquest back."""
    sizes = ((5, 200), (20, 100), (50, 40))
    on = {n: _dead_share(n, w, True) for n, w in sizes}
    off = {n: _dead_share(n, w, False) for n, w in sizes}
    for n in (20, 50):
        tol = 3 * np.hypot(on[5][1], on[n][1])
        assert on[n][0] <= on[5][0] + tol, (on, off)
    assert off[50][0] > on[50][0] + 3 * np.hypot(on[50][1], off[50][1]), (on, off)


def _seeker_preemption(worlds: int = 2500, **kw) -> tuple[int, int]:
    """Preemptive wars in worlds without a greedy state (none drawn, none made by regime
    change): (wars, worlds). Types are hard to read (domestic spending shocks 0.3)."""
    # pre-calibration economy and threat, types fixed (no turnover makes a greedy state)
    p = WorldParams(n_states=5, p_greedy=0.2, regime_change=0.0,
                    **{**PRE_CALIBRATION, "spending_shock": 0.3, **kw})
    df = simulate(p, worlds=worlds, steps=100, seed=2)
    seekers = df[df["n_greedy"] == 0]
    assert (seekers["n_wars_predation"] == 0).all()   # no greedy state ever
    return int(seekers["n_wars_preemption"].sum()), len(seekers)


@pytest.mark.slow
def test_seekers_alone_fight_preemptive_wars_under_offence_and_not_under_defence():
    """With no greedy state at all, preemptive wars happen under offence dominance, low
    distinguishability and a first-strike advantage (at least 10 in about 800 worlds), and
    at most a quarter as many when distinguishability is high or defence dominates
    (paired seeds). Rare even so: beliefs are correct, and seekers who know each other do
    not fear each other."""
    offence, n_off = _seeker_preemption(offense_defense_balance=0.25, distinguishability=0.1,
                                        first_strike_advantage=3.0)
    distinct, n_d = _seeker_preemption(offense_defense_balance=0.25, distinguishability=0.9,
                                       first_strike_advantage=3.0)
    defence, n_def = _seeker_preemption(offense_defense_balance=2.0, distinguishability=0.1,
                                        first_strike_advantage=3.0)
    assert n_off == n_d == n_def > 700
    assert offence >= 10, (offence, distinct, defence)
    assert distinct <= offence / 4 and defence <= offence / 4, (offence, distinct, defence)


def test_relabelling_permutes_wars_even_between_identical_states():
    """Ties between targets of equal index go to the lowest label, not position: in a world
    of identical states (no spreads) a permutation of the states permutes the wars."""
    from tests.world.invariant_checks import assert_permuted, permuted

    p = WorldParams(n_states=5, initial_arms_spread=0.0, output_spread=0.0, growth_spread=0.0,
                    p_greedy=1.0, spending_shock=0.0, perception_noise=0.0, **{
                        k: v for k, v in WARLIKE.items() if k != "p_greedy"})
    perm = np.array([3, 0, 4, 1, 2])
    a = initial_state(p, world_keys(4, 6))
    b = permuted(a, perm)
    wars = 0
    for _ in range(20):
        step(a, p)
        step(b, p)
        wars += int(a.attacks.sum())
    assert wars > 5
    assert_permuted(a, b, perm)


def test_a_world_at_war_alone_equals_the_same_world_in_a_batch():
    """Batch independence with wars, deaths and balancing on: world 3 of a batch of 12
    equals world 3 run alone, bit for bit, after 60 years."""
    p = WorldParams(n_states=6, **WARLIKE)
    batch = initial_state(p, world_keys(21, 12))
    alone = initial_state(p, world_keys(21, 1, world_offset=3))
    for _ in range(60):
        step(batch, p)
        step(alone, p)
    assert int(batch.counts["n_states_dead"].sum()) > 0
    for name in ("output", "offense", "defense", "alive", "greedy", "status_quo", "war_attacker",
                 "war_weariness", "war_cause", "spending"):
        np.testing.assert_array_equal(getattr(batch, name)[3], getattr(alone, name)[0], err_msg=name)
    for name, v in batch.counts.items():
        assert v[3] == alone.counts[name][0], name
