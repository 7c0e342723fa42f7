"""Hypothesis invariants with the later mechanisms on: schedules, buffers, drift, long wars."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from herz.world import Mechanisms, WorldParams, initial_state, step
from herz.world.noise import world_keys
from tests.world.invariant_checks import assert_batch_equals_single_worlds, assert_fused_equals_in_turn

SETTINGS = settings(max_examples=15, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

schedule_st = st.one_of(
    st.just({}),
    st.builds(lambda at, to: {"offense_defense_balance": {"at": at, "to": to}},
              st.integers(0, 20), st.floats(0.2, 5.0)),
    st.builds(lambda a, b, to: {"distinguishability": {"start": a, "end": a + b, "to": to},
                                "perception_noise": [{"at": a, "to": 0.3}]},
              st.integers(0, 10), st.integers(1, 15), st.floats(0.0, 1.0)),
)

params_st = st.builds(
    dict,
    n_states=st.integers(2, 6),
    p_greedy=st.floats(0.0, 1.0),
    perception_noise=st.floats(0.0, 1.0),
    offense_defense_balance=st.floats(0.2, 5.0),
    first_strike_advantage=st.floats(0.0, 1.0),
    war_cost=st.floats(0.0, 1.5),
    culture=st.sampled_from(["hobbesian", "lockean", "kantian"]),
    geography=st.sampled_from(["none", "plane"]),
    update_order=st.sampled_from(["simultaneous", "sequential"]),
    mechanisms=st.builds(dict, **{k: st.booleans() for k in Mechanisms().__dict__}),
    buffer_asymmetry=st.sampled_from([0.0, 0.5, 3.0]),
    motive_drift_to_seeker=st.floats(0.0, 0.3),
    motive_drift_to_greedy=st.floats(0.0, 0.3),
    motive_drift_identity=st.floats(0.0, 1.0),
    war_duration=st.sampled_from([1.0, 2.0, 5.0]),
    war_cost_accrues=st.booleans(),
    schedules=schedule_st,
)


@SETTINGS
@given(params_st, st.integers(0, 2**32))
def test_stocks_beliefs_identities_and_wars_stay_consistent(kw, seed):
    p = WorldParams(runaway_level=1e8, **kw)
    state = initial_state(p, world_keys(seed, 4))
    for _ in range(30):
        step(state, p)
        assert np.all(state.offense >= 0) and np.all(state.defense >= 0)
        assert np.all(np.isfinite(state.offense)) and np.all(state.offense <= 1e8)
        assert np.all((state.mistrust >= 0) & (state.mistrust <= 1))
        assert np.all((state.identity >= -1) & (state.identity <= 1))
        ongoing = (state.war_target >= 0).sum(axis=1)
        assert np.all(state.n_wars == state.wars_ended + ongoing)
        assert np.all(state.war_steps >= state.war_steps_ended)
        if p.war_duration == 1.0:
            assert not ongoing.any()


def _permuted(a, perm):
    b = a.copy()
    for name in ("offense", "defense", "greedy", "ontological_security", "label"):
        setattr(b, name, getattr(a, name)[:, perm].copy())
    for name in ("mistrust", "identity", "last_threat", "community_age", "weight", "shield"):
        if getattr(a, name) is None:
            continue
        setattr(b, name, getattr(a, name)[:, perm][:, :, perm].copy())
    return b


@SETTINGS
@given(params_st, st.integers(0, 2**32), st.data())
def test_relabelling_states_permutes_the_results(kw, seed, data):
    """Buffers are relabelled with the states; drift and war-duration draws follow labels."""
    p = WorldParams(**kw)
    n = p.n_states
    perm = np.array(data.draw(st.permutations(range(n))))
    a = initial_state(p, world_keys(seed, 2))
    b = _permuted(a, perm)
    for _ in range(25):
        step(a, p)
        step(b, p)
    assert np.array_equal(b.n_wars, a.n_wars)
    assert np.array_equal(b.war_steps, a.war_steps)
    assert np.array_equal(b.wars_ended, a.wars_ended)
    assert np.array_equal(b.motive_changes, a.motive_changes)
    assert np.array_equal(b.greedy, a.greedy[:, perm])
    np.testing.assert_allclose(b.offense, a.offense[:, perm], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(b.defense, a.defense[:, perm], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(b.mistrust, a.mistrust[:, perm][:, :, perm], rtol=1e-9,
                               atol=1e-12)
    # who fights whom: war_target holds array positions, so map them through the permutation
    inv = np.argsort(perm)
    ta = a.war_target[:, perm]
    expect = np.where(ta >= 0, inv[np.maximum(ta, 0)], -1)
    assert np.array_equal(b.war_target, expect)


def test_a_user_buffer_matrix_relabels_with_the_states():
    """Permuting the rows and columns of buffer_depth is relabelling the states."""
    rng = np.random.default_rng(3)
    n = 5
    m = rng.uniform(0, 2, (n, n)) * (rng.uniform(size=(n, n)) < 0.5)
    np.fill_diagonal(m, 0.0)
    perm = np.array([3, 0, 4, 1, 2])
    p = WorldParams(n_states=n, p_greedy=0.4, buffer_depth=m.tolist())
    q = p.replace(buffer_depth=m[perm][:, perm].tolist())
    a = initial_state(p, world_keys(1, 3))
    b = initial_state(q, world_keys(1, 3))
    np.testing.assert_array_equal(b.shield, a.shield[:, perm][:, :, perm])
    b = _permuted(a, perm)  # the same states in another order: its shield is q's matrix
    for _ in range(30):
        step(a, p)
        step(b, q)
    np.testing.assert_allclose(b.offense, a.offense[:, perm], rtol=1e-9, atol=1e-12)
    assert np.array_equal(b.n_wars, a.n_wars)


@settings(max_examples=6, deadline=None)
@given(params_st, st.integers(0, 2**32))
def test_a_batch_equals_single_worlds_with_the_same_seeds(kw, seed):
    assert_batch_equals_single_worlds(WorldParams(**kw), seed)


@settings(max_examples=8, deadline=None)
@given(params_st, st.integers(0, 2**32))
def test_fused_pass_equals_the_mechanisms_in_turn(kw, seed):
    assert_fused_equals_in_turn(WorldParams(**kw), seed,
                                ("offense", "defense", "mistrust", "identity", "greedy", "war_target"))
