"""Hypothesis invariants with the later mechanisms on: schedules, buffers, drift, wars."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from herz.world import Mechanisms, WorldParams, initial_state, step
from herz.world.noise import world_keys
from tests.world.invariant_checks import assert_batch_equals_single_worlds, assert_permuted, permuted

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
    war_cost_share=st.floats(0.0, 0.5),
    culture=st.sampled_from(["hobbesian", "lockean", "kantian"]),
    geography=st.sampled_from(["none", "plane"]),
    update_order=st.sampled_from(["simultaneous", "sequential"]),
    mechanisms=st.builds(dict, **{k: st.booleans() for k in Mechanisms().__dict__}),
    buffer_asymmetry=st.sampled_from([0.0, 0.5, 3.0]),
    motive_drift_to_seeker=st.floats(0.0, 0.3),
    motive_drift_to_greedy=st.floats(0.0, 0.3),
    motive_drift_identity=st.floats(0.0, 1.0),
    war_end_base=st.sampled_from([0.1, 0.4, 1.0]),
    growth_spread=st.floats(0.0, 0.05),
    regime_change=st.floats(0.0, 1.0),
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
        # wars in progress are symmetric, between living states, started by one side
        assert np.array_equal(state.at_war, np.swapaxes(state.at_war, 1, 2))
        assert not (state.at_war & ~state.alive[:, :, None]).any()
        assert np.array_equal(state.at_war, state.war_attacker | np.swapaxes(
            state.war_attacker, 1, 2))
        assert np.all((state.war_start >= 0) == state.war_attacker)
        assert np.all(state.output[~state.alive] == 0)


@SETTINGS
@given(params_st, st.integers(0, 2**32), st.data())
def test_relabelling_states_permutes_the_results(kw, seed, data):
    """Buffers are relabelled with the states; drift and war-duration draws follow labels."""
    p = WorldParams(**kw)
    n = p.n_states
    perm = np.array(data.draw(st.permutations(range(n))))
    a = initial_state(p, world_keys(seed, 2))
    b = permuted(a, perm)
    for _ in range(25):
        step(a, p)
        step(b, p)
    assert_permuted(a, b, perm)


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
    b = permuted(a, perm)  # the same states in another order: its shield is q's matrix
    for _ in range(30):
        step(a, p)
        step(b, q)
    assert_permuted(a, b, perm)


@settings(max_examples=6, deadline=None)
@given(params_st, st.integers(0, 2**32))
def test_a_batch_equals_single_worlds_with_the_same_seeds(kw, seed):
    assert_batch_equals_single_worlds(WorldParams(**kw), seed)
