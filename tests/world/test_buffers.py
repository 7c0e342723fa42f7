"""Garver's asymmetric buffer zones: depths, threat, war, and what the literature predicts."""

import math

import numpy as np
import pytest

from herz.errors import ParameterError
from herz.world import Mechanisms, WorldParams, initial_state, simulate, step
from herz.world.economy import fear, perceived_pressure, pressure, public_threat
from herz.world.noise import Stream, fill_uniform, world_keys
from herz.world.params import ThreatAggregation
from herz.world.state import buffer_depths

WORLDS = 300


def only(**on):
    return Mechanisms(**{**{k: False for k in Mechanisms().__dict__}, **on})


# ---------------------------------------------------------------- parameters and depths
def test_buffer_matrix_is_validated_and_round_trips():
    p = WorldParams(n_states=3, buffer_depth=[[9, 1, 0], [0, 0, 2.5], [0, 0, 0]])
    assert p.buffer_depth == ((0.0, 1.0, 0.0), (0.0, 0.0, 2.5), (0.0, 0.0, 0.0))  # diagonal 0
    assert p.to_dict()["buffer_depth"] == [[0.0, 1.0, 0.0], [0.0, 0.0, 2.5], [0.0, 0.0, 0.0]]
    assert WorldParams.from_dict(p.to_dict()) == p
    assert WorldParams().buffer_depth == 0.0 and WorldParams().to_dict()["buffer_depth"] == 0.0
    assert WorldParams(buffer_depth=[]).buffer_depth == 0.0  # an empty matrix is no buffer
    assert WorldParams(buffer_depth=2).buffer_depth == 2.0
    assert WorldParams(n_states=3, buffer_depth=np.asarray(p.buffer_depth)) == p  # an array
    assert WorldParams(buffer_depth=np.int64(1)).buffer_depth == 1.0
    with pytest.raises(ParameterError, match="buffer_depth"):
        WorldParams(buffer_depth=-1.0)
    with pytest.raises(ParameterError, match="3 rows of 3 numbers"):
        WorldParams(n_states=3, buffer_depth=[[0, 1], [1, 0]])
    with pytest.raises(ParameterError, match=r"buffer_depth\[0\]\[1\]"):
        WorldParams(n_states=2, buffer_depth=[[0, -1], [0, 0]])
    with pytest.raises(ParameterError, match=r"buffer_depth\[1\]\[0\]"):
        WorldParams(n_states=2, buffer_depth=[[0, 1], ["x", 0]])
    with pytest.raises(ParameterError, match="buffer_asymmetry"):
        WorldParams(buffer_asymmetry=-0.1)


def test_user_matrix_is_the_depth_in_every_world():
    p = WorldParams(n_states=3, buffer_depth=[[0, 1, 0], [0, 0, 2.5], [0.5, 0, 0]])
    keys = world_keys(3, 4)
    depth = buffer_depths(p, keys)
    assert depth is not None and depth.shape == (4, 3, 3)
    np.testing.assert_array_equal(depth, np.broadcast_to(np.asarray(p.buffer_depth), (4, 3, 3)))
    s = initial_state(p, keys)
    np.testing.assert_allclose(s.shield[0], np.exp(-np.asarray(p.buffer_depth)))
    assert initial_state(WorldParams(n_states=3), keys).shield is None
    # one number: the same depth on every pair, none on the diagonal
    uniform = buffer_depths(WorldParams(n_states=3, buffer_depth=0.5), keys)
    np.testing.assert_array_equal(uniform[2], 0.5 * (1.0 - np.eye(3)))


def test_random_asymmetric_buffers_shield_one_side_of_each_pair():
    a, n = 2.0, 30
    p = WorldParams(n_states=n, buffer_asymmetry=a)
    keys = world_keys(5, 20)
    depth = buffer_depths(p, keys)
    assert depth is not None
    iu = np.triu_indices(n, 1)
    up, low = depth[:, iu[0], iu[1]], depth[:, iu[1], iu[0]]
    assert np.all((up == 0) | (low == 0))  # one side only
    assert np.all((up > 0) | (low > 0))  # and one side always (u > 0 almost surely)
    assert np.all((depth >= 0) & (depth <= a))
    # by hand from the draws: depth a * u[i, j] on i's side if u[j, i] < 0.5
    u = np.empty((20, n, n))
    fill_uniform(keys, Stream.INIT_POSITIONS, 1, u)
    lower = u[:, iu[1], iu[0]] < 0.5
    np.testing.assert_array_equal(up, np.where(lower, a * u[:, iu[0], iu[1]], 0.0))
    # each side holds the buffer about half the time; depths are uniform on [0, a]
    assert abs(lower.mean() - 0.5) < 0.03  # sd 0.004 over 8700 pairs
    held = np.maximum(up, low)
    assert abs(held.mean() - a / 2) < 0.05
    # a world's buffers do not depend on the batch
    alone = buffer_depths(p, world_keys(5, 1, world_offset=7))
    np.testing.assert_array_equal(alone[0], depth[7])


# ---------------------------------------------------------------- threat by hand
def test_a_buffered_state_feels_less_threat_by_hand(quiet, make_state):
    """Two states, threat 1 each way; a buffer of depth ln 2 shields 0 from 1."""
    p = quiet.replace(n_states=2, mechanisms=only(arms_policy=True), fear_floor=1.0,
                      identity_threat_weight=0.0, reaction=0.1, fatigue=0.0, grievance=0.0,
                      distinguishability=0.0, buffer_depth=[[0, math.log(2)], [0, 0]],
                      spending_inertia=1.0, spending_shock=0.0)
    s = make_state(p, offense=[[0.5, 0.5]], defense=[[0.5, 0.5]])
    step(s, p)
    # pressure on 0: 1 * exp(-ln 2) = 0.5 -> spending 0.05; on 1: 1 -> spending 0.1
    np.testing.assert_allclose(s.offense + s.defense, [[1.05, 1.1]], rtol=1e-12)


def test_shield_is_not_normalised_away_by_the_mean():
    """With the mean over others, a uniform weight cancels; a uniform shield does not."""
    threat = np.array([[0.0, 2.0, 4.0]])
    f = np.ones((1, 3, 3))
    weight = 0.3 * (1.0 - np.eye(3))[None]  # no weight on oneself
    shield = np.full((1, 3, 3), 0.5)
    plain = perceived_pressure(threat, f, None, ThreatAggregation.MEAN)
    np.testing.assert_allclose(perceived_pressure(threat, f, weight, ThreatAggregation.MEAN),
                               plain)
    np.testing.assert_allclose(perceived_pressure(threat, f, None, ThreatAggregation.MEAN,
                                                  shield), 0.5 * plain)


def test_compiled_threat_sum_with_shield_is_the_numpy_definition(make_state):
    rng = np.random.default_rng(1)
    w, n = 3, 6
    for agg in (ThreatAggregation.MEAN, ThreatAggregation.SUM):
        p = WorldParams(n_states=n, fear_floor=0.3, threat_aggregation=agg,
                        buffer_asymmetry=2.0, geography="plane")
        s = make_state(p, worlds=w, defense=rng.uniform(0, 2, (w, n)),
                       logodds=rng.normal(0, 2, (w, n, n)))
        t = public_threat(s, p)
        ref = perceived_pressure(t, fear(s.mistrust, s.identity, p), s.weight, agg, s.shield)
        np.testing.assert_allclose(pressure(s, p, t).value, ref, rtol=1e-12)


def test_zero_buffers_change_nothing_bit_for_bit():
    p = WorldParams(n_states=5, p_greedy=0.3, geography="plane")
    zero = p.replace(buffer_depth=[[0.0] * 5 for _ in range(5)])
    assert initial_state(zero, world_keys(6, 1)).shield is not None  # the shielded code path
    a = simulate(p, worlds=20, steps=40, seed=6)
    b = simulate(zero, worlds=20, steps=40, seed=6)
    assert a.equals(b)


# ---------------------------------------------------------------- what the literature predicts
def _dyad_attacks(p: WorldParams, seed: int, steps: int = 100):
    st = initial_state(p, world_keys(seed, WORLDS))
    a01 = np.zeros(WORLDS)
    a10 = np.zeros(WORLDS)
    for _ in range(steps):
        step(st, p)
        a01 += st.attacks[:, 0, 1]
        a10 += st.attacks[:, 1, 0]
    return a01, a10


def test_a_buffer_lowers_war_between_the_buffered_pair():
    """Garver (2001): Tibet as a buffer damped the China-India rivalry.

    Four states, a buffer of depth 1 between states 0 and 1 (both ways). Share
    of worlds in which 0 and 1 ever fight: measured 0.40 without, 0.07 with (v1:
    0.12 and 0.04); tolerance: a fall of at least 0.04 (binomial sd at n = 300
    <= 0.03, paired).
    """
    p = WorldParams(n_states=4, p_greedy=0.3)
    m = np.zeros((4, 4))
    m[0, 1] = m[1, 0] = 1.0
    a01, a10 = _dyad_attacks(p, seed=8)
    b01, b10 = _dyad_attacks(p.replace(buffer_depth=m.tolist()), seed=8)
    assert ((a01 + a10) > 0).mean() - ((b01 + b10) > 0).mean() > 0.04
    assert (b01 + b10).mean() < 0.6 * (a01 + a10).mean()


def test_a_one_sided_buffer_protects_the_side_that_holds_it():
    """Garver (2001): buffers are asymmetric; the side behind one is attacked less.

    Four states; a buffer of depth 1.5 shields 0 from 1. Measured (300 worlds,
    100 years, paired seeds): 1 attacks 0 0.63 times per world without it and
    0.13 with it; the share of worlds in which 1 ever attacks 0 falls from 0.27
    to 0.10. Tolerance: attacks on the shielded side fall below half, the share
    by more than 0.08. (In v2 the shielded side also attacks less, 0.54 ->
    0.09: its fear of being struck first, a motive of its own wars, is gone.)
    """
    p = WorldParams(n_states=4, p_greedy=0.3)
    _, a10 = _dyad_attacks(p, seed=8)
    m = np.zeros((4, 4))
    m[0, 1] = 1.5
    _, b10 = _dyad_attacks(p.replace(buffer_depth=m.tolist()), seed=8)
    assert b10.mean() < 0.5 * a10.mean()
    assert (a10 > 0).mean() - (b10 > 0).mean() > 0.08
