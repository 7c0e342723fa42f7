"""Unit tests of each mechanism on hand-computed cases."""

import numpy as np
import pytest

from herz.world import Mechanisms, WorldParams
from herz.world.arms import fear, perceived_pressure, update_arms
from herz.world.beliefs import SIGNAL_POOLING, SIGNAL_SEPARATING, bayes, update_beliefs
from herz.world.community import community_labels, linked, update_community
from herz.world.identity import update_identity
from herz.world.offense_defense import contest_success, offense_share
from herz.world.params import ThreatAggregation
from herz.world.perception import perceive
from herz.world.signalling import arms_control, decide_signals, signal_values
from herz.world.war import decide_war, effective_defense, resolve_war


def only(**on):
    return Mechanisms(**{**{k: False for k in Mechanisms().__dict__}, **on})



# ---------------------------------------------------------------- perception
def test_perceived_threat_is_offense_plus_undistinguished_defense(quiet, make_state):
    p = quiet.replace(n_states=3, distinguishability=0.25)
    s = make_state(p, offense=[[1.0, 2.0, 0.0]], defense=[[4.0, 0.0, 8.0]])
    perc = perceive(s, p)
    # O_j + 0.75 D_j = 4, 2, 6 seen by every other state; 0 on the diagonal
    np.testing.assert_allclose(perc.threat[0], [[0, 2, 6], [4, 0, 6], [4, 2, 0]])


def test_build_up_is_growth_above_threshold(quiet, make_state):
    p = quiet.replace(n_states=2, distinguishability=0.0, build_threshold=0.1)
    s = make_state(p, offense=[[1.0, 1.0]], defense=[[0.0, 0.0]])
    s.t = 1
    s.last_threat = np.array([[[0.0, 1.0], [0.95, 0.0]]])  # last step's view
    s.offense = np.array([[1.0, 1.0]])
    s.offense[0, 1] = 1.05  # state 1 grew 5% (< 10%)
    assert not perceive(s, p).built[0, 0, 1]
    s.offense[0, 1] = 1.2  # 20% growth: a build-up
    assert perceive(s, p).built[0, 0, 1]
    # state 1 sees state 0 at 1.0 after 0.95: +5.3%, below the threshold
    assert not perceive(s, p).built[0, 1, 0]


def test_noise_is_lognormal_with_mean_one(quiet, make_state):
    p = quiet.replace(n_states=50, perception_noise=0.3,
                      mechanisms=only(perception=True))
    s = make_state(p, worlds=40, offense=1.0, defense=0.0)
    perc = perceive(s, p)
    off = ~np.eye(50, dtype=bool)
    logs = np.log(perc.threat[:, off])
    assert abs(logs.std() - 0.3) < 0.01
    assert abs(perc.threat[:, off].mean() - 1.0) < 0.01  # mean-preserving


def test_perspective_taking_cuts_noise_when_secure_and_backfires_when_threatened(quiet, make_state):
    mech = only(perception=True)
    p = quiet.replace(n_states=40, perception_noise=0.3, perspective_taking=0.5,
                      mechanisms=mech, identity_threat_threshold=-0.25)
    secure = make_state(p, worlds=20, offense=1.0, defense=0.0, identity=0.0)
    threatened = make_state(p, worlds=20, offense=1.0, defense=0.0, identity=-0.5)
    off = ~np.eye(40, dtype=bool)
    a = perceive(secure, p).threat[:, off]
    b = perceive(threatened, p).threat[:, off]
    assert abs(np.log(a).std() - 0.15) < 0.01  # half the noise
    assert abs(b.mean() - 1.5) < 0.02  # threat scaled up by 1 + 0.5


# ---------------------------------------------------------------- beliefs
def test_kydd_2_bayesian_spiral_by_hand(quiet):
    # prior trust 0.8, beta_U = 1, beta_T = 0.5: trust 0.6667, 0.5, 0.3333, 0.2 (MODELS KYDD-2)
    p = quiet.replace(build_prob_greedy=1.0 - 1e-12, build_prob_seeker=0.5, belief_floor=0.0)
    mu = np.array([[[0.0, 0.2], [0.2, 0.0]]])
    built = np.array([[[False, True], [True, False]]])
    none = np.zeros((1, 2, 2), dtype=np.int8)
    att = np.zeros((1, 2, 2), dtype=bool)
    trust = []
    for _ in range(4):
        mu = update_beliefs(mu, built, none, att, p)
        trust.append(1 - mu[0, 0, 1])
    np.testing.assert_allclose(trust, [2 / 3, 1 / 2, 1 / 3, 1 / 5], atol=1e-9)


def test_restraint_lowers_mistrust_and_bayes_helper():
    assert bayes(0.5, 3.0) == pytest.approx(0.75)
    assert bayes(0.5, 0.0) == 0.0
    assert bayes(0.5, np.inf) == 1.0
    p = WorldParams(build_prob_greedy=0.6, build_prob_seeker=0.2)
    mu = np.array([[[0.0, 0.5], [0.5, 0.0]]])
    post = update_beliefs(mu, np.zeros((1, 2, 2), bool), np.zeros((1, 2, 2), np.int8),
                          np.zeros((1, 2, 2), bool), p)
    # LR of restraint = 0.4 / 0.8 = 0.5 -> 1/3
    assert post[0, 0, 1] == pytest.approx(1 / 3)


def test_separating_signal_convinces_pooling_does_not():
    p = WorldParams(belief_floor=1e-3)
    mu = np.array([[[0.0, 0.5, 0.5], [0.5, 0.0, 0.5], [0.5, 0.5, 0.0]]])
    sig = np.zeros((1, 3, 3), np.int8)
    sig[0, 1, 0] = SIGNAL_SEPARATING  # 1 signals 0
    sig[0, 2, 0] = SIGNAL_POOLING  # 2 signals 0
    built = np.ones((1, 3, 3), bool)  # everybody seen building
    post = update_beliefs(mu, built, sig, np.zeros((1, 3, 3), bool), p)
    assert post[0, 0, 1] == pytest.approx(1e-3)
    lr = p.build_prob_greedy / p.build_prob_seeker
    assert post[0, 0, 2] == pytest.approx(0.5 * lr / (0.5 * lr + 0.5))


def test_attack_is_evidence_of_greed_for_everyone():
    p = WorldParams(attack_evidence=9.0, build_prob_greedy=0.5, build_prob_seeker=0.5 - 1e-15)
    mu = np.full((1, 3, 3), 0.1)
    att = np.zeros((1, 3, 3), bool)
    att[0, 2, 0] = True
    post = update_beliefs(mu, np.ones((1, 3, 3), bool), np.zeros((1, 3, 3), np.int8), att, p)
    assert post[0, 1, 2] == pytest.approx(0.5, rel=1e-9)  # odds 1/9 * 9 = 1
    assert post[0, 0, 2] == pytest.approx(0.5, rel=1e-9)
    assert post[0, 0, 1] == pytest.approx(0.1, rel=1e-9)


# ---------------------------------------------------------------- arms policy
def test_arms_policy_one_step_by_hand(quiet, make_state):
    p = quiet.replace(n_states=3, reaction=0.2, fatigue=0.1, grievance=0.05, greed_build=0.3,
                      fear_floor=0.5, identity_threat_weight=1.0, offense_defense_balance=3.0,
                      mechanisms=only(arms_policy=True, offense_defense=True))
    s = make_state(p, offense=[[1.0, 2.0, 0.0]], defense=[[1.0, 0.0, 2.0]],
                   greedy=[[False, True, False]])
    mu = np.array([[[0, 0.2, 0.6], [0.5, 0, 0.5], [1.0, 0.0, 0]]])
    ident = np.array([[[1, 0.5, 0], [0, 1, 0], [-0.5, 0, 1]]])
    threat = np.array([[[0, 2.0, 1.0], [3.0, 0, 4.0], [1.0, 1.0, 0]]])
    f = fear(mu, ident, p)
    # fear = (0.5 + 0.5 mu) (1 - s)
    assert f[0, 0, 1] == pytest.approx(0.6 * 0.5)
    assert f[0, 2, 0] == pytest.approx(1.0 * 1.5)
    pres = perceived_pressure(threat, f, None, ThreatAggregation.MEAN)
    assert pres[0, 0] == pytest.approx((0.3 * 2 + 0.8 * 1) / 2)
    o, d = update_arms(s, p, threat, mu, ident)
    b0 = 0.2 * pres[0, 0] + 0.05
    q = 1 / (1 + 3.0)
    assert o[0, 0] == pytest.approx(0.9 * 1.0 + q * b0)
    assert d[0, 0] == pytest.approx(0.9 * 1.0 + (1 - q) * b0)
    b1 = 0.2 * pres[0, 1] + 0.05 + 0.3  # greedy: all offense
    assert o[0, 1] == pytest.approx(0.9 * 2.0 + b1)
    assert d[0, 1] == pytest.approx(0.0)


def test_goodwill_disarms_in_proportion_and_never_below_zero(quiet, make_state):
    p = quiet.replace(n_states=2, reaction=0.0, fatigue=0.0, grievance=-0.5,
                      mechanisms=only(arms_policy=True))
    s = make_state(p, offense=[[0.3, 2.0]], defense=[[0.1, 2.0]])
    o, d = update_arms(s, p, np.zeros((1, 2, 2)), np.zeros((1, 2, 2)), np.zeros((1, 2, 2)))
    assert o[0, 0] == 0.0 and d[0, 0] == 0.0
    assert o[0, 1] == pytest.approx(1.75) and d[0, 1] == pytest.approx(1.75)


def test_offensive_realism_fears_everyone(quiet):
    p = quiet.replace(offensive_realism=True, identity_threat_weight=0.0)
    assert np.all(fear(np.zeros((1, 2, 2)), np.zeros((1, 2, 2)), p) == 1.0)


def test_budget_caps_the_build(quiet, make_state):
    p = quiet.replace(n_states=2, reaction=10.0, fatigue=0.0, grievance=0.0, arms_budget=0.5,
                      initial_offense_share=1.0, mechanisms=only(arms_policy=True))
    s = make_state(p, offense=[[1.0, 1.0]], defense=[[0.0, 0.0]])
    threat = np.array([[[0.0, 1.0], [1.0, 0.0]]])
    o, _ = update_arms(s, p, threat, np.ones((1, 2, 2)), np.zeros((1, 2, 2)))
    np.testing.assert_allclose(o, [[1.5, 1.5]])


# ---------------------------------------------------------------- offense-defense
def test_contest_success_function():
    assert contest_success(1.0, 1.0, 1.0) == pytest.approx(0.5)
    assert contest_success(1.0, 1.0, 3.0) == pytest.approx(0.25)  # 1 / (1 + delta)
    assert contest_success(2.0, 1.0, 1.0, first_strike=0.5) == pytest.approx(3 / 4)
    assert contest_success(0.0, 0.0, 1.0) == 0.0
    assert contest_success(1.0, 0.0, 1.0) == 1.0
    assert offense_share(3.0) == pytest.approx(0.25)


# ---------------------------------------------------------------- signalling
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
    p2 = p.replace(signal_cost=1.75, greedy_temptation=1.5)  # G_U = 1.35 <= 1.75 <= G_T = 1.7? no
    codes2, _ = decide_signals(s, p2, mu)
    assert not codes2.any()
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


# ---------------------------------------------------------------- war
def test_greedy_attacks_when_war_pays_and_not_at_parity(quiet, make_state):
    p = quiet.replace(n_states=2, war_gain=1.0, war_cost=0.6, offense_defense_balance=1.0,
                      mechanisms=only(war=True))
    s = make_state(p, offense=[[1.0, 1.0]], defense=[[1.0, 1.0]], greedy=[[True, False]])
    dec = decide_war(s, p, s.mistrust, s.identity)
    assert dec.target[0].tolist() == [-1, -1]  # p = 0.5: 0.5 - 0.6 < 0
    s.offense = np.array([[4.0, 1.0]])  # p = 0.8: 0.8 - 0.6 > 0
    dec = decide_war(s, p, s.mistrust, s.identity)
    assert dec.target[0].tolist() == [1, -1]
    assert dec.p_win[0, 0] == pytest.approx(0.8)


def test_friendship_deters_and_enmity_invites_attack(quiet, make_state):
    p = quiet.replace(n_states=2, war_cost=0.6, identity_war_weight=1.0,
                      mechanisms=only(war=True, identity=True))
    s = make_state(p, offense=[[4.0, 1.0]], defense=[[1.0, 1.0]], greedy=[[True, False]],
                   identity=[[[1.0, 0.5], [0.5, 1.0]]])
    # EV = 0.8 - 0.6 + 0.5 (-0.8 * 2 - 0.6) < 0
    assert decide_war(s, p, s.mistrust, s.identity).target[0, 0] == -1
    s.offense = np.array([[1.0, 1.0]])
    s.identity = np.array([[[1.0, -0.5], [-0.5, 1.0]]])
    # p = 0.5: EV = -0.1 + 0.5 (1 + 0.6) > 0
    assert decide_war(s, p, s.mistrust, s.identity).target[0, 0] == 1


def test_preemption_needs_fear_and_a_first_strike_gap(quiet, make_state):
    # Fearon: p_f - p_s > 2c. Equal forces, delta = 0.2, f = 0: p_f = 1/1.2, p_s = 1 - p_f
    p = quiet.replace(n_states=2, offense_defense_balance=0.2, war_cost=0.2,
                      preemption_mistrust=0.9, mechanisms=only(war=True))
    s = make_state(p, offense=[[1.0, 1.0]], defense=[[1.0, 1.0]], greedy=[[False, False]])
    gap = 1 / 1.2 - (1 - 1 / 1.2)
    assert gap > 0.4
    calm = np.array([[[0, 0.5], [0.5, 0]]])
    afraid = np.array([[[0, 0.95], [0.5, 0]]])
    assert decide_war(s, p, calm, s.identity).target[0].tolist() == [-1, -1]
    assert decide_war(s, p, afraid, s.identity).target[0].tolist() == [1, -1]
    p2 = p.replace(war_cost=0.4)  # 2c = 0.8 > gap = 0.667: a peaceful deal holds
    assert decide_war(s, p2, afraid, s.identity).target[0].tolist() == [-1, -1]


def test_war_losses(quiet, make_state):
    p = quiet.replace(n_states=3, war_destruction=0.2, defeat_loss=0.5,
                      mechanisms=only(war=True))
    s = make_state(p, offense=[[2.0, 1.0, 1.0]], defense=[[1.0, 0.0, 1.0]])
    from herz.world.war import WarDecision

    dec = WarDecision(target=np.array([[1, -1, -1]]), p_win=np.array([[1.0, 0.0, 0.0]]))
    o, _d, att = resolve_war(s, p, dec, s.offense.copy(), s.defense.copy())
    np.testing.assert_allclose(o, [[1.6, 0.4, 1.0]])  # winner 0.8, loser 0.8 * 0.5
    assert att[0, 0, 1] and att.sum() == 1
    assert s.n_wars[0] == 1 and s.first_war_attacker[0] == 0 and s.first_war_target[0] == 1


def test_pooled_defense_protects_members_against_outsiders(quiet, make_state):
    p = quiet.replace(n_states=3, defense_pooling=0.5, mechanisms=only(community=True))
    s = make_state(p, defense=[[1.0, 2.0, 4.0]], community=[[1, 1, -1]])
    eff = effective_defense(s, p)
    assert eff[0, 2, 0] == pytest.approx(1.0 + 0.5 * 2.0)  # outsider 2 attacking member 0
    assert eff[0, 1, 0] == pytest.approx(1.0)  # fellow member: no pooling
    assert eff[0, 0, 2] == pytest.approx(4.0)


# ---------------------------------------------------------------- identity
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


# ---------------------------------------------------------------- community
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


def test_compiled_threat_sum_is_the_numpy_definition():
    from herz.world._kernels import pressure_kernel

    rng = np.random.default_rng(0)
    w, n = 3, 7
    threat = rng.uniform(0, 2, (w, n, n))
    mu = rng.uniform(0, 1, (w, n, n))
    ident = rng.uniform(-1, 1, (w, n, n))
    inst = rng.uniform(0, 1, (w, n, n))
    weight = rng.uniform(0, 1, (w, n, n))
    for i in range(n):
        threat[:, i, i] = 0.0
        weight[:, i, i] = 0.0
    for agg in (ThreatAggregation.MEAN, ThreatAggregation.SUM):
        for wt in (None, weight):
            p = WorldParams(fear_floor=0.3, identity_threat_weight=0.7, community_threat_cut=0.5,
                            threat_aggregation=agg)
            ref = perceived_pressure(threat, fear(mu, ident, p, inst), wt, agg)
            got = np.empty((w, n))
            pressure_kernel(threat, mu, ident, inst, True, weight if wt is not None else
                            np.ones((1, 1, 1)), wt is not None, 0.3, False, 0.7, 0.5,
                            agg is ThreatAggregation.MEAN, got)
            np.testing.assert_allclose(got, ref, rtol=1e-12)
