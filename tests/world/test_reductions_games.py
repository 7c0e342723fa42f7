"""Reduction 2: the one-shot arm / restrain game (Jervis); reduction 3, the costly signal
(Kydd's separating interval as the limit of homogeneous costs), is in test_signals.py.

Expected values come from herz.models.jervis and herz.models.kydd, which are
validated against the closed forms of MODELS.md sections 2.3, 3.3 and 3.4.
"""

import numpy as np
import pytest

from herz.models import jervis
from herz.models.games import GameClass
from herz.world import Mechanisms, WorldParams, initial_state, step
from herz.world.economy import offense_shares
from herz.world.noise import world_keys
from herz.world.offense_defense import classify_game, one_shot_game
from herz.world.perception import observe

CLASS = {"prisoners_dilemma": GameClass.PRISONERS_DILEMMA, "stag_hunt": GameClass.STAG_HUNT,
         "harmony": GameClass.HARMONY, "chicken": GameClass.CHICKEN}


@pytest.mark.parametrize("delta", [0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 9.0])
@pytest.mark.parametrize(("omega", "tau", "k"), [(0.5, 0.2, 0.04), (1 / 3, 0.3, 0.02),
                                                 (0.8, 0.25, 0.05)])
def test_one_shot_game_is_jervis(delta, omega, tau, k):
    # the world's payoffs: gain v = omega tau (the transfer as the attacker values it),
    # loss L = tau (the transfer), arming cost k, no war cost
    p = WorldParams(offense_defense_balance=delta, war_transfer=tau, war_cost_share=0.0,
                    first_strike_advantage=0.0)
    world = one_shot_game(p, arms_cost=k, valuation=omega)
    v, loss = omega * tau, tau
    # d = 0 in herz.models.jervis is "indistinguishable", the world's p = 1/(1+delta)
    r, s, t, pp = jervis.security_game(delta, 0.0, war_gain=v, war_loss=loss, arms_cost=k).rstp()
    assert world["CC"] == pytest.approx(r, abs=1e-12)
    assert world["CD"] == pytest.approx(s, abs=1e-12)
    assert world["DC"] == pytest.approx(t, abs=1e-12)
    assert world["DD"] == pytest.approx(pp, abs=1e-12)
    expected = jervis.game_class(delta, 0.0, war_gain=v, war_loss=loss, arms_cost=k)
    if expected is not GameClass.BOUNDARY:
        assert CLASS[classify_game(world)] is expected


def test_one_shot_game_sweeps_pd_stag_hunt_harmony():
    # MODELS.md 2.3: boundaries at delta = v/k - 1 and L/k - 1
    # (v = 0.5 * 0.2 = 0.1, L = 0.2, k = 0.04: 1.5 and 4)
    classes = [classify_game(one_shot_game(WorldParams(
        offense_defense_balance=d, war_cost_share=0.0, war_transfer=0.2), arms_cost=0.04,
        valuation=0.5)) for d in (1.0, 2.0, 5.0)]
    assert classes == ["prisoners_dilemma", "stag_hunt", "harmony"]


def test_world_update_is_bayes_with_gaussian_likelihoods():
    """Kydd's update with a continuous observation: the log-odds move by the log-likelihood
    ratio of the perceived purchases under the two types' predicted policies (DESIGN 2.2).

    The belief kernel perceives by itself (no observation array is kept); what it
    perceived is :func:`herz.world.perception.observe` of the same step (same keys,
    step ``t`` and arithmetic: bit-identical). ``motive_turnover = 0``: no Markov
    prediction step before the update, so this is the one-step likelihood alone."""
    p = WorldParams(n_states=2, p_greedy=0.3, spending_shock=0.0, perception_noise=0.2,
                    distinguishability=0.4, motive_turnover=0.0,
                    mechanisms=Mechanisms(war=False))
    state = initial_state(p, world_keys(4, 3))
    l0 = state.logodds.copy()
    m0 = state.spending.copy()
    o, dd = state.offense.copy(), state.defense.copy()
    step(state, p)
    state.t -= 1  # what was perceived at the step just taken (added, output and keys at t)
    obs = observe(state, p)
    state.t += 1
    q_s, q_g = offense_shares(p)
    d, k, g, gb = p.distinguishability, p.reaction, p.grievance, p.greed_build
    alpha = p.spending_inertia
    for w in range(3):
        for i, j in ((0, 1), (1, 0)):
            mu_ji = 1 / (1 + np.exp(-l0[w, j, i]))
            fear = p.fear_floor + (1 - p.fear_floor) * mu_ji
            size = state.output[w, j] / p.initial_output  # baseline grows with output
            target = k * fear * (o[w, i] + (1 - d) * dd[w, i]) + g * size
            sd = p.perception_noise * size
            ll = []
            for q, extra in ((q_s, 0.0), (q_g, gb * size)):
                m = m0[w, j] + alpha * (target + extra - m0[w, j])
                mean = m * np.array([1 - d * (1 - q), d * (1 - q)])
                ll.append(-((obs[w, i, j] - mean) ** 2).sum() / (2 * sd**2))
            assert state.logodds[w, i, j] - l0[w, i, j] == pytest.approx(ll[1] - ll[0],
                                                                          rel=1e-9, abs=1e-12)
