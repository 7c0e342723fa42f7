"""Garver's asymmetric buffer zones: depths, threat, war, and what the literature predicts."""

import math

import numpy as np
import pytest

from herz.errors import ParameterError
from herz.world import Mechanisms, WorldParams, initial_state, simulate, step
from herz.world.arms import fear, perceived_pressure
from herz.world.noise import Stream, fill_uniform, world_keys
from herz.world.params import ThreatAggregation
from herz.world.state import buffer_depths
from herz.world.war import decide_war

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
                      distinguishability=0.0, buffer_depth=[[0, math.log(2)], [0, 0]])
    s = make_state(p, offense=[[0.5, 0.5]], defense=[[0.5, 0.5]])
    step(s, p)
    # pressure on 0: 1 * exp(-ln 2) = 0.5 -> build 0.05; on 1: 1 -> build 0.1
    np.testing.assert_allclose(s.offense + s.defense, [[1.05, 1.1]], rtol=1e-12)


def test_shield_is_not_normalised_away_by_the_mean():
    """With the mean over others, a uniform weight cancels; a uniform shield does not."""
    threat = np.array([[[0.0, 2.0, 4.0], [1.0, 0.0, 1.0], [1.0, 1.0, 0.0]]])
    f = np.ones_like(threat)
    weight = 0.3 * (1.0 - np.eye(3))[None]  # no weight on oneself
    shield = np.full_like(threat, 0.5)
    plain = perceived_pressure(threat, f, None, ThreatAggregation.MEAN)
    np.testing.assert_allclose(perceived_pressure(threat, f, weight, ThreatAggregation.MEAN),
                               plain)
    np.testing.assert_allclose(perceived_pressure(threat, f, None, ThreatAggregation.MEAN,
                                                  shield), 0.5 * plain)


def test_compiled_threat_sum_with_shield_is_the_numpy_definition():
    from herz.world._kernels import pressure_kernel

    rng = np.random.default_rng(1)
    w, n = 3, 6
    threat = rng.uniform(0, 2, (w, n, n))
    mu = rng.uniform(0, 1, (w, n, n))
    ident = rng.uniform(-1, 1, (w, n, n))
    inst = rng.uniform(0, 1, (w, n, n))
    weight = rng.uniform(0, 1, (w, n, n))
    shield = np.exp(-rng.uniform(0, 2, (w, n, n)))
    for i in range(n):
        threat[:, i, i] = 0.0
        weight[:, i, i] = 0.0
    for agg in (ThreatAggregation.MEAN, ThreatAggregation.SUM):
        for wt in (None, weight):
            p = WorldParams(fear_floor=0.3, identity_threat_weight=0.7, community_threat_cut=0.5,
                            threat_aggregation=agg)
            ref = perceived_pressure(threat, fear(mu, ident, p, inst), wt, agg, shield)
            got = np.empty((w, n))
            pressure_kernel(threat, mu, ident, inst, True, weight if wt is not None else
                            np.ones((1, 1, 1)), wt is not None, 0.3, False, 0.7, 0.5,
                            agg is ThreatAggregation.MEAN, got, shield, True)
            np.testing.assert_allclose(got, ref, rtol=1e-12)


# ---------------------------------------------------------------- war by hand
def test_buffer_lowers_the_attackers_chance_by_hand(quiet, make_state):
    """p = O e^-b / (O e^-b + delta D): 1/2 without the buffer, 1/3 behind e^-b = 1/2."""
    p = quiet.replace(n_states=2, mechanisms=only(war=True), war_gain=1.0, war_loss=2.0,
                      war_cost=0.1, offense_defense_balance=1.0)
    arms = {"offense": [[1.0, 0.0]], "defense": [[0.0, 1.0]], "greedy": [[True, False]]}
    open_ = make_state(p, **arms)
    d = decide_war(open_, p, open_.mistrust, open_.identity)
    assert d.target[0, 0] == 1 and d.p_win[0, 0] == pytest.approx(0.5)
    pb = p.replace(buffer_depth=[[0, 0], [math.log(2), 0]])  # 1 shielded from 0
    shielded = make_state(pb, **arms)
    d = decide_war(shielded, pb, shielded.mistrust, shielded.identity)
    assert d.target[0, 0] == 1 and d.p_win[0, 0] == pytest.approx(1 / 3)
    # at a cost of 0.4 the open target is worth attacking (0.5 > 0.4), the shielded not
    pc, pbc = p.replace(war_cost=0.4), pb.replace(war_cost=0.4)
    assert decide_war(open_, pc, open_.mistrust, open_.identity).target[0, 0] == 1
    assert decide_war(shielded, pbc, shielded.mistrust, shielded.identity).target[0, 0] == -1
    # a buffer the other way (0 shielded from 1) does not protect the target
    pw = p.replace(buffer_depth=[[0, math.log(2)], [0, 0]])
    other = make_state(pw, **arms)
    assert decide_war(other, pw, other.mistrust, other.identity).p_win[0, 0] == pytest.approx(0.5)


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
    of worlds in which 0 and 1 ever fight: measured 0.12 without, 0.04 with;
    tolerance: a fall of at least 0.04 (binomial sd at n = 300 <= 0.02, paired).
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

    Without a buffer 0 and 1 attack each other about equally often (measured
    7.5 and 7.7 attacks per world); with a buffer shielding 0 from 1, 1's
    attacks on 0 fall below 0.7 times 0's attacks on 1 (measured 3.1 against 6.1).
    """
    p = WorldParams(n_states=4, p_greedy=0.3)
    a01, a10 = _dyad_attacks(p, seed=8)
    assert abs(a10.mean() - a01.mean()) < 0.2 * a01.mean()
    m = np.zeros((4, 4))
    m[0, 1] = 1.5
    b01, b10 = _dyad_attacks(p.replace(buffer_depth=m.tolist()), seed=8)
    assert b10.mean() < 0.7 * b01.mean()
    assert (a10 > 0).mean() - (b10 > 0).mean() > 0.02


def test_random_buffers_turn_attacks_onto_exposed_states():
    """Garver (2001): a buffer protects the side that holds it, not the pair.

    With random one-sided buffers (depth up to 4) in twelve-state worlds, half of
    all ordered pairs have the target shielded from the attacker, but greedy
    states choose exposed targets: measured 32 % of attacks hit a shielded
    state; tolerance: below 40 % (about 36,000 attacks in 200 worlds).
    """
    p = WorldParams(n_states=12, p_greedy=0.3, buffer_asymmetry=4.0)
    keys = world_keys(4, 200)
    st = initial_state(p, keys)
    depth = buffer_depths(p, keys)
    assert depth is not None
    shielded = total = 0
    for _ in range(60):
        step(st, p)
        w, i, j = np.nonzero(st.attacks)
        shielded += int((depth[w, j, i] > 0).sum())
        total += len(w)
    assert total > 10_000
    assert shielded / total < 0.4
