"""Unit tests of each mechanism of the lead's part on hand-computed cases.

Economy and arms policy (DESIGN 2.4), perception of yearly changes (2.1), the
attack and restraint evidence (2.2), and the v1 signalling, identity and
community functions kept on the v2 state.
"""

import numpy as np
import pytest

from herz.world import Mechanisms, WorldParams, initial_state, step
from herz.world.beliefs import (
    SIGNAL_POOLING,
    SIGNAL_SEPARATING,
    bayes,
    prior_logodds,
    reset_beliefs_about,
    war_evidence,
)
from herz.world.community import community_labels, linked, update_community
from herz.world.economy import (
    fear,
    grow_output,
    offense_shares,
    perceived_pressure,
    pressure,
    public_threat,
    update_arms,
)
from herz.world.identity import update_identity
from herz.world.noise import Stream, draw_generator, world_keys
from herz.world.params import ThreatAggregation
from herz.world.perception import observe, perceived_mean
from herz.world.signalling import arms_control, decide_signals, signal_values
from herz.world.state import logit


def only(**on):
    return Mechanisms(**{**{k: False for k in Mechanisms().__dict__}, **on})


# ---------------------------------------------------------------- start
def test_prior_is_p_greedy_unless_a_bias_is_set():
    s = initial_state(WorldParams(n_states=4, p_greedy=0.25), world_keys(0, 2))
    off = ~np.eye(4, dtype=bool)
    np.testing.assert_allclose(s.mistrust[:, off], 0.25, rtol=1e-12)
    np.testing.assert_array_equal(s.second_order, s.logodds)
    biased = WorldParams(n_states=4, p_greedy=0.25, prior_bias=1.0)
    s2 = initial_state(biased, world_keys(0, 2))
    np.testing.assert_allclose(s2.logodds[:, off], logit(0.25) + 1.0, rtol=1e-12)
    assert prior_logodds(biased) == pytest.approx(logit(0.25) + 1.0)


def test_output_growth_rates_are_drawn_per_state():
    p = WorldParams(n_states=50, growth_rate=0.02, growth_spread=0.01, output_spread=0.2)
    s = initial_state(p, world_keys(1, 20))
    assert s.growth.min() >= 0.01 and s.growth.max() <= 0.03
    assert s.growth.std() > 0.004  # uniform on +-0.01: sd 0.0058
    assert s.output.min() >= 8.0 and s.output.max() <= 12.0
    y0 = s.output.copy()
    grow_output(s, p)
    np.testing.assert_allclose(s.output, y0 * (1 + s.growth), rtol=1e-14)
    # spending starts where the arsenal is stationary: fatigue times arsenal
    np.testing.assert_allclose(s.spending, 0.1 * s.arms(), rtol=1e-12)


def test_politically_relevant_pairs_lie_within_reach():
    p = WorldParams(n_states=12, geography="plane", reach=0.3)
    s = initial_state(p, world_keys(2, 5))
    d = np.sqrt(((s.positions[:, :, None] - s.positions[:, None]) ** 2).sum(-1))
    off = ~np.eye(12, dtype=bool)
    assert np.array_equal(s.relevant, (d <= 0.3) & off)
    assert np.all(s.weight[~s.relevant] == 0.0)
    assert 0.1 < s.relevant[:, off].mean() < 0.5
    everyone = initial_state(p.replace(reach=1.5), world_keys(2, 5))
    assert everyone.relevant[:, off].all()


# ---------------------------------------------------------------- arms policy
def test_offence_share_follows_design():
    p = WorldParams(distinguishability=0.6, offense_defense_balance=2.0,
                    offense_share_distinguishability=0.5, offense_share_elasticity=2.0,
                    greedy_offense_premium=0.3)
    q_s, q_g = offense_shares(p)
    assert q_s == pytest.approx((1 - 0.5 * 0.6) / (1 + 2.0**2))
    assert q_g == pytest.approx(q_s + 0.3)
    # zeta = 0, eta = 1: v1's marginal worth of offence 1 / (1 + delta)
    v1 = p.replace(offense_share_distinguishability=0.0, offense_share_elasticity=1.0)
    assert offense_shares(v1)[0] == pytest.approx(1 / 3)
    assert offense_shares(p.replace(greedy_offense_premium=1.0))[1] == 1.0
    off = p.replace(mechanisms=Mechanisms(offense_defense=False), initial_offense_share=0.4)
    assert offense_shares(off) == pytest.approx((0.4, 0.7))


def test_arms_policy_one_step_by_hand(quiet, make_state):
    p = quiet.replace(n_states=2, mechanisms=only(arms_policy=True), reaction=0.2, fatigue=0.1,
                      grievance=0.05, greed_build=0.1, fear_floor=0.5, distinguishability=0.5,
                      p_greedy=0.5, spending_inertia=0.5, spending_shock=0.1, budget_share=0.1,
                      identity_threat_weight=0.0, offense_defense_balance=1.0)
    s = make_state(p, offense=[[1.0, 2.0]], defense=[[1.0, 0.0]], greedy=[[False, True]],
                   spending=[[0.2, 0.3]], output=[[10.0, 10.0]], growth=[[0.0, 0.0]])
    threat = public_threat(s, p)
    np.testing.assert_allclose(threat, [[1.5, 2.0]])
    press = pressure(s, p, threat)
    # fear = 0.5 + 0.5 * 0.5 = 0.75; one other state
    np.testing.assert_allclose(press.value, [[0.75 * 2.0, 0.75 * 1.5]])
    xi = [draw_generator(s.keys[0], Stream.SPENDING_SHOCK, 0, i).standard_normal()
          for i in range(2)]
    update_arms(s, p, press)
    target = np.array([0.2 * 1.5 + 0.05, 0.2 * 1.125 + 0.05 + 0.1])
    m = np.array([0.2, 0.3]) + 0.5 * (target - [0.2, 0.3]) + 0.1 * np.array(xi)  # Y = Y_ref
    m = np.clip(m, 0.0, 1.0)
    np.testing.assert_allclose(s.spending[0], m, rtol=1e-12)
    q_s, q_g = offense_shares(p)
    q = np.array([q_s, q_g])
    np.testing.assert_allclose(s.added[0, :, 0], q * m, rtol=1e-12)
    np.testing.assert_allclose(s.added[0, :, 1], (1 - q) * m, rtol=1e-12)
    np.testing.assert_allclose(s.offense[0], 0.9 * np.array([1.0, 2.0]) + q * m, rtol=1e-12)
    np.testing.assert_allclose(s.defense[0], 0.9 * np.array([1.0, 0.0]) + (1 - q) * m,
                               rtol=1e-12)


def test_budget_caps_spending_and_dead_states_spend_nothing(quiet, make_state):
    p = quiet.replace(n_states=3, mechanisms=only(arms_policy=True), grievance=5.0,
                      spending_inertia=1.0, spending_shock=0.0, budget_share=0.1)
    s = make_state(p, output=[[10.0, 20.0, 30.0]], alive=[[True, True, False]])
    update_arms(s, p, pressure(s, p, public_threat(s, p)))
    np.testing.assert_allclose(s.spending[0], [1.0, 2.0, 0.0])


def test_offensive_realism_fears_everyone():
    p = WorldParams(offensive_realism=True)
    f = fear(np.zeros((1, 2, 2)), np.zeros((1, 2, 2)), p)
    assert np.all(f == 1.0)


def test_compiled_pressure_is_the_numpy_definition(make_state):
    rng = np.random.default_rng(0)
    w, n = 3, 7
    for agg in (ThreatAggregation.MEAN, ThreatAggregation.SUM):
        for geo in ("none", "plane"):
            p = WorldParams(n_states=n, fear_floor=0.3, identity_threat_weight=0.7,
                            threat_aggregation=agg, geography=geo, buffer_asymmetry=1.0,
                            mechanisms=Mechanisms(identity=True))
            s = make_state(p, worlds=w, offense=rng.uniform(0, 2, (w, n)),
                           logodds=rng.normal(0, 2, (w, n, n)),
                           identity=rng.uniform(-1, 1, (w, n, n)),
                           alive=rng.uniform(size=(w, n)) < 0.8)
            t = public_threat(s, p)
            got = pressure(s, p, t).value
            ref = perceived_pressure(t, fear(s.mistrust, s.identity, p), s.weight, agg,
                                     s.shield, s.alive)
            np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-14)


# ---------------------------------------------------------------- perception
def test_perceived_mean_reads_a_share_of_defence_as_offence():
    u = np.array([[[0.3, 0.5]]])
    np.testing.assert_allclose(perceived_mean(u, 0.2), [[[0.3 + 0.8 * 0.5, 0.2 * 0.5]]])
    np.testing.assert_allclose(perceived_mean(u, 1.0), u)
    np.testing.assert_allclose(perceived_mean(u, 0.0), [[[0.8, 0.0]]])


def test_yearly_changes_are_seen_with_independent_noise(make_state):
    """u~ = A_d u + sigma (Y/Y_ref) eps: mean A_d u, sd sigma Y_j/Y_ref, no correlation in time.

    v1 compared two noisy levels (successive readings correlated at -0.5).
    """
    p = WorldParams(n_states=20, perception_noise=0.2, budget_share=0.1, distinguishability=0.5)
    s = make_state(p, worlds=200)
    s.added[...] = np.array([0.3, 0.5])
    first = observe(s, p).copy()
    s.t = 1
    second = observe(s, p).copy()
    off = ~np.eye(20, dtype=bool)
    sd = 0.2 * s.output[:, None, :] / 10.0  # sigma times the size Y_j / Y_ref
    z1 = ((first[..., 0] - (0.3 + 0.25)) / sd)[:, off]
    z2 = ((second[..., 0] - (0.3 + 0.25)) / sd)[:, off]
    zd = ((first[..., 1] - 0.25) / sd)[:, off]
    for z in (z1, z2, zd):
        assert abs(z.mean()) < 0.02 and abs(z.std() - 1) < 0.02  # 76,000 draws
    assert abs(np.corrcoef(z1.ravel(), z2.ravel())[0, 1]) < 0.02
    assert abs(np.corrcoef(z1.ravel(), zd.ravel())[0, 1]) < 0.02
    exact = observe(s, p.replace(mechanisms=Mechanisms(perception=False)))
    np.testing.assert_allclose(exact[:, off], np.broadcast_to([0.55, 0.25], exact[:, off].shape))


# ---------------------------------------------------------------- evidence of war and peace
def test_attack_and_restraint_evidence_by_hand(make_state):
    p = WorldParams(n_states=3, p_greedy=0.2)
    s = make_state(p)
    l0 = s.logodds.copy()
    ag = np.full((1, 3, 3), 0.3)
    as_ = np.full((1, 3, 3), 0.05)
    att = np.zeros((1, 3, 3), bool)
    att[0, 1, 0] = True  # 1 attacked 0
    war_evidence(s, p, ag, as_, att)
    assert s.logodds[0, 0, 1] - l0[0, 0, 1] == pytest.approx(np.log(0.3 / 0.05))
    assert s.logodds[0, 2, 1] - l0[0, 2, 1] == pytest.approx(np.log(0.7 / 0.95))
    assert s.logodds[0, 1, 0] - l0[0, 1, 0] == pytest.approx(np.log(0.7 / 0.95))
    # second order: 1 expects 0 to read its attack as evidence of greed
    assert s.second_order[0, 1, 0] - l0[0, 1, 0] == pytest.approx(np.log(0.3 / 0.05))
    np.testing.assert_array_equal(s.logodds_shadow, s.logodds)  # no bias: shadow = belief
    # an attack a seeker never makes is decisive, within the belief limit
    s2 = make_state(p)
    war_evidence(s2, p, ag, np.zeros((1, 3, 3)), att)
    assert s2.mistrust[0, 0, 1] == pytest.approx(1 - p.belief_floor, abs=1e-12)
    reset_beliefs_about(s2, p, np.array([[False, True, False]]))
    assert s2.mistrust[0, 0, 1] == pytest.approx(0.2)


def test_bayes_helper():
    assert bayes(0.5, 3.0) == pytest.approx(0.75)
    assert bayes(0.2, np.inf) == 1.0 and bayes(0.2, 0.0) == 0.0


def test_beliefs_do_not_move_about_or_for_the_dead(make_state):
    p = WorldParams(n_states=3, mechanisms=Mechanisms(war=False))
    s = make_state(p, worlds=2, alive=[[True, True, False]])
    before = s.logodds.copy()
    step(s, p)
    np.testing.assert_array_equal(s.logodds[:, :, 2], before[:, :, 2])
    np.testing.assert_array_equal(s.logodds[:, 2, :], before[:, 2, :])
    assert not np.array_equal(s.logodds[:, 0, 1], before[:, 0, 1])


# ---------------------------------------------------------------- signalling (v1 form)
def test_signal_values_and_decisions(quiet, make_state):
    p = quiet.replace(n_states=3, shadow_of_future=0.5, exploitation_cost=1.0,
                      greedy_temptation=2.0, signal_cost=1.0, signal_interval=5)
    g_t, g_u = signal_values(0.5, p)
    assert g_t == pytest.approx(0.5 / 0.5 - 0.5)  # 0.5
    assert g_u == pytest.approx(1.0)
    s = make_state(p, greedy=[[False, True, False]])
    mu = np.array([[[0, 0.1, 0.5], [0.1, 0, 0.1], [0.5, 0.5, 0]]])
    # trust 0.9: G_T = 1.8 - 0.1 = 1.7, G_U = 1.8: m = 1 < G_U -> pooling (greedy mimics)
    # trust 0.5: G_T = 0.5 < m -> nobody sends
    s.t = 5
    codes, _sent = decide_signals(s, p, mu)
    assert codes[0, 0, 1] == SIGNAL_POOLING and codes[0, 1, 0] == SIGNAL_POOLING
    assert codes[0, 0, 2] == 0 and codes[0, 2, 0] == 0
    p3 = p.replace(signal_cost=1.5, greedy_temptation=1.5)  # 1.35 <= 1.5 <= 1.7: separating
    codes3, sent3 = decide_signals(s, p3, mu)
    assert codes3[0, 0, 1] == SIGNAL_SEPARATING and codes3[0, 1, 0] == 0  # greedy 1 silent
    assert sent3[0].tolist() == [True, False, False]
    s.t = 6
    assert not decide_signals(s, p3, mu)[0].any()  # not a signalling round


def test_arms_control_needs_mutual_trust():
    p = WorldParams(arms_control_trust=0.8)
    mu = np.array([[[0, 0.1, 0.1], [0.15, 0, 0.5], [0.1, 0.1, 0]]])
    ac = arms_control(mu, p)
    assert ac[0, 0, 1] and ac[0, 1, 0] and ac[0, 0, 2] and not ac[0, 1, 2]


# ---------------------------------------------------------------- identity and community (v1 form)
def test_identity_moves_with_acts_slowed_by_ontological_security():
    p = WorldParams(identity_plasticity=0.1, war_enmity=0.5)
    s = np.zeros((1, 3, 3))
    rho = np.array([[0.0, 0.5, 1.0]])
    built = np.zeros((1, 3, 3), bool)
    built[0, 0, 1] = True
    sig = np.zeros((1, 3, 3), np.int8)
    sig[0, 2, 0] = SIGNAL_SEPARATING  # 2 signals 0
    att = np.zeros((1, 3, 3), bool)
    att[0, 1, 2] = True
    new = update_identity(s, rho, built, sig, np.zeros((1, 3, 3), bool), att, p)
    assert new[0, 0, 1] == pytest.approx(-0.1)  # build seen
    assert new[0, 0, 2] == pytest.approx(0.2)  # restraint + signal
    assert new[0, 1, 0] == pytest.approx(0.05)  # restraint, halved by rho = 0.5
    assert new[0, 1, 2] == pytest.approx(0.05 - 0.5)  # war
    assert new[0, 2, 1] == pytest.approx(-0.5)  # war; rho = 1 freezes the rest
    assert np.all(np.diag(new[0]) == 1.0)


def test_community_labels_are_connected_groups():
    adj = np.zeros((1, 6, 6), bool)
    for i, j in [(0, 2), (2, 4), (1, 5)]:
        adj[0, i, j] = adj[0, j, i] = True
    assert community_labels(adj)[0].tolist() == [0, 1, 0, -1, 0, 1]


def test_links_need_both_thresholds_both_ways():
    p = WorldParams(community_identity=0.5, community_trust=0.8)
    ident = np.array([[[1, 0.6, 0.6], [0.6, 1, 0.6], [0.4, 0.6, 1]]])
    mu = np.array([[[0, 0.1, 0.1], [0.1, 0, 0.3], [0.1, 0.1, 0]]])
    adj = linked(ident, mu, p)
    assert adj[0, 0, 1] and not adj[0, 0, 2] and not adj[0, 1, 2]


def test_defector_loses_membership():
    p = WorldParams(community_identity=0.5, community_trust=0.8, defection_penalty=1.0)
    ident = np.full((1, 3, 3), 0.9)
    mu = np.full((1, 3, 3), 0.05)
    labels = np.array([[0, 0, 0]])
    age = np.full((1, 3, 3), 5.0)
    att = np.zeros((1, 3, 3), bool)
    att[0, 2, 0] = True
    new_labels, new_age, pen = update_community(labels, age, ident, mu, att, p)
    assert new_labels[0].tolist() == [0, 0, -1]
    assert pen[0, 0, 2] == 1.0 and pen[0, 1, 2] == 1.0 and pen[0, 2, 0] == 0.0
    assert new_age[0, 0, 1] == 6.0 and new_age[0, 0, 2] == 0.0
