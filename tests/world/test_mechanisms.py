"""Unit tests of each mechanism of the lead's part on hand-computed cases.

Economy and arms policy (DESIGN 2.4), perception of yearly changes (2.1), the
attack and restraint evidence (2.2). Signals and arms control: test_signals*.py,
test_arms_control*.py; identity and communities: test_identity*.py, test_communit*.py.
"""

import numpy as np
import pytest

from herz.world import Mechanisms, WorldParams, initial_state, step
from herz.world.beliefs import (
    bayes,
    prior_logodds,
    reset_beliefs_about,
    war_evidence,
)
from herz.world.economy import (
    fear,
    grow_output,
    offense_shares,
    perceived_pressure,
    pressure,
    public_threat,
    update_arms,
)
from herz.world.noise import Stream, draw_generator, world_keys
from herz.world.params import ThreatAggregation
from herz.world.perception import observe, perceived_mean
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
    prev = np.array([0.2, 0.3])
    threat = public_threat(s, p)
    np.testing.assert_allclose(threat, [[1.5, 2.0]])
    press = pressure(s, p, threat)
    # fear = 0.5 + 0.5 * 0.5 = 0.75; one other state
    np.testing.assert_allclose(press.value, [[0.75 * 2.0, 0.75 * 1.5]])
    xi = [draw_generator(s.keys[0], Stream.SPENDING_SHOCK, 0, i).standard_normal()
          for i in range(2)]
    update_arms(s, p, press)
    target = np.array([0.2 * 1.5 + 0.05, 0.2 * 1.125 + 0.05 + 0.1])
    # the shock is a share (0.1) of last year's spending (shock_base 1, the default)
    m = prev + 0.5 * (target - prev) + 0.1 * prev * np.array(xi)
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


