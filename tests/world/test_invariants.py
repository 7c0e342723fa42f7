"""Hypothesis invariants: bounds, relabelling, and batch independence."""

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from herz.world import Mechanisms, WorldParams, initial_state, simulate, step
from herz.world.noise import Stream, fill_normal, world_keys
from tests.world.invariant_checks import assert_batch_equals_single_worlds, assert_permuted, permuted

SETTINGS = settings(max_examples=15, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

params_st = st.builds(
    dict,
    n_states=st.integers(2, 6),
    p_greedy=st.floats(0.0, 1.0),
    perception_noise=st.floats(0.0, 1.0),
    distinguishability=st.floats(0.0, 1.0),
    offense_defense_balance=st.floats(0.2, 5.0),
    first_strike_advantage=st.floats(0.0, 1.0),
    reaction=st.floats(0.0, 0.5),
    fatigue=st.floats(0.0, 0.5),
    grievance=st.floats(-0.5, 0.5),
    war_cost_share=st.floats(0.0, 0.5),
    prior_bias=st.floats(-3.0, 3.0),
    spending_shock=st.floats(0.0, 0.3),
    misperception_bias=st.floats(0.0, 1.0),
    growth_spread=st.floats(0.0, 0.05),
    signal_cost=st.floats(0.0, 3.0),
    identity_plasticity=st.floats(0.0, 0.3),
    ontological_security=st.floats(0.0, 1.0),
    perspective_taking=st.floats(0.0, 1.0),
    culture=st.sampled_from(["hobbesian", "lockean", "kantian"]),
    geography=st.sampled_from(["none", "plane"]),
    update_order=st.sampled_from(["simultaneous", "sequential"]),
    mechanisms=st.builds(dict, **{k: st.booleans() for k in Mechanisms().__dict__}),
)


@SETTINGS
@given(params_st, st.integers(0, 2**32))
def test_stocks_beliefs_identities_stay_in_range(kw, seed):
    p = WorldParams(runaway_level=1e8, **kw)
    state = initial_state(p, world_keys(seed, 4))
    for _ in range(30):
        step(state, p)
        assert np.all(state.offense >= 0) and np.all(state.defense >= 0)
        assert np.all(state.offense <= 1e8) and np.all(np.isfinite(state.offense))
        assert np.all((state.mistrust >= 0) & (state.mistrust <= 1))
        assert np.all(np.isfinite(state.logodds)) and np.all(np.isfinite(state.second_order))
        assert np.all(state.spending >= 0)
        assert np.all(state.spending <= p.budget_share * state.output + 1e-12)
        assert np.all(state.output[~state.alive] == 0) and np.all(state.output >= 0)
        assert np.all((state.identity >= -1) & (state.identity <= 1))


@SETTINGS
@given(params_st, st.integers(0, 2**32), st.data())
def test_relabelling_states_permutes_the_results(kw, seed, data):
    """A permutation of the states commutes with the step, noise and war included.

    Random draws belong to pairs of state labels, not to array positions, so
    relabelling permutes them with the states.
    """
    p = WorldParams(**kw)
    n = p.n_states
    perm = np.array(data.draw(st.permutations(range(n))))
    a = initial_state(p, world_keys(seed, 2))
    b = permuted(a, perm)
    for _ in range(25):
        step(a, p)
        step(b, p)
    assert_permuted(a, b, perm)


@settings(max_examples=6, deadline=None)
@given(params_st, st.integers(0, 2**32))
def test_a_batch_equals_single_worlds_with_the_same_seeds(kw, seed):
    assert_batch_equals_single_worlds(WorldParams(**kw), seed)


def test_world_indices_pick_the_same_worlds():
    p = WorldParams(n_states=5)
    full = simulate(p, worlds=8, steps=30, seed=np.random.SeedSequence(42, spawn_key=(3,)))
    part = simulate(p, steps=30, seed=np.random.SeedSequence(42, spawn_key=(3,)),
                    world_indices=[6, 2])
    pd.testing.assert_frame_equal(part, full.iloc[[6, 2]].reset_index(drop=True),
                                  check_exact=True)


def test_noise_rows_do_not_depend_on_the_batch():
    keys = world_keys(9, 6)
    big = np.empty((6, 7, 7))
    fill_normal(keys, Stream.PERCEPTION, 12, big)
    small = np.empty((2, 7, 7))
    fill_normal(world_keys(9, 2, world_offset=3), Stream.PERCEPTION, 12, small)
    assert np.array_equal(small, big[3:5])
    other = np.empty((6, 7, 7))
    fill_normal(keys, Stream.PERCEPTION, 13, other)
    assert not np.array_equal(other, big)


def test_noise_is_standard_normal():
    from scipy import stats

    out = np.empty((20, 200, 200))
    fill_normal(world_keys(1, 20), Stream.PERCEPTION, 0, out)
    x = out.ravel()
    assert abs(x.mean()) < 0.005 and abs(x.std() - 1) < 0.005
    assert stats.kstest(x[:200_000], "norm").pvalue > 1e-3
    tail = (np.abs(x) > 3.5).mean()  # the ziggurat's slow path: tails are right
    assert abs(tail - 2 * stats.norm.sf(3.5)) < 1.5e-4
