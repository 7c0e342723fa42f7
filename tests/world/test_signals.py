"""Costly signals as an equilibrium (DESIGN.md 2.7, issue 18): the equilibrium on explicit arrays.

Kydd's separating interval is the limit of homogeneous costs (s -> 0), checked
against herz.models.kydd; mimicry falls as the signal gets dearer; the
receiver's Bayes update with the equilibrium rates is the share of greedy
senders among those who actually send (Monte Carlo, fixed seed).
"""

from __future__ import annotations

import numpy as np
import pytest

from herz.models import kydd
from herz.world import WorldParams
from herz.world.signalling import posterior, signal_equilibrium, trust_values


def _one_receiver(mu: float, trust: float, params: WorldParams, unit: float = 1.0):
    """A world of two states: receiver 0, sender 1; mu = 0's mistrust of 1."""
    mistrust = np.array([[[0.0, mu], [0.0, 0.0]]])
    r = np.array([[[0.0, unit], [0.0, 0.0]]])
    pi = np.array([[[0.0, trust], [0.0, 0.0]]])
    v_s, v_g = trust_values(r, pi, params)
    return mistrust, v_s, v_g


def _eq(mistrust, v_s, v_g, cost: float, spread: float):
    c = np.array([[0.0, cost]])
    ok = np.array([[False, True]])
    return signal_equilibrium(mistrust, v_s, v_g, c, spread, eligible=ok)


CASES = [(0.9, 1.0, 1.5, 0.8), (0.8, 0.5, 2.0, 0.6), (0.6, 2.0, 1.2, 1.0), (0.5, 1.0, 1.5, 0.6),
         (0.95, 3.0, 4.0, 0.9)]


@pytest.mark.parametrize(("disc", "c", "tu", "trust"), CASES)
def test_kydds_separating_interval_is_the_limit_of_homogeneous_costs(disc, c, tu, trust):
    p = WorldParams(shadow_of_future=disc, exploitation_cost=c, greedy_temptation=tu)
    mu = 0.4
    mistrust, v_s, v_g = _one_receiver(mu, trust, p)
    interval = kydd.separating_interval(disc, c, tu, trust)
    s = 1e-4
    if interval is None:
        # nothing separates: at every cost either greedy senders mimic or nobody sends
        for cost in np.linspace(0.01, 5.0, 40):
            eq = _eq(mistrust, v_s, v_g, cost * mu, s)
            assert eq.mimicry[0, 1] > 1e-3 or eq.seeker[0, 1] < 1e-6, cost
        return
    lo, hi = interval
    # inside the interval (per unit of the trust bought, mu): seekers send, greedy do not
    for x in np.linspace(lo, hi, 7)[1:-1]:
        eq = _eq(mistrust, v_s, v_g, x * mu, s)
        assert eq.mimicry[0, 1] < 1e-9 and eq.seeker[0, 1] > 1 - 1e-9, x
        assert eq.posterior[0, 0, 1] < 1e-8  # a signal is believed
    # above it nobody sends
    eq = _eq(mistrust, v_s, v_g, hi * 1.02 * mu, s)
    assert eq.seeker[0, 1] < 1e-9
    # below it greedy senders mimic just enough to be indifferent: B_G(mu') = C
    for x in (0.2 * lo, 0.5 * lo, 0.9 * lo):
        eq = _eq(mistrust, v_s, v_g, x * mu, s)
        post = mu - x * mu / (trust * tu)  # (mu - mu') V_U = C
        m_ref = post * (1 - mu) / (mu * (1 - post))
        assert eq.seeker[0, 1] > 1 - 1e-9
        assert eq.mimicry[0, 1] == pytest.approx(m_ref, rel=2e-3), x
        assert eq.posterior[0, 0, 1] == pytest.approx(post, rel=2e-3)


def test_pooling_as_the_signal_gets_cheap_and_mimicry_falls_with_cost():
    p = WorldParams()
    mistrust, v_s, v_g = _one_receiver(0.4, 0.8, p)
    costs = np.geomspace(1e-4, 100.0, 70)
    rows = [_eq(mistrust, v_s, v_g, c, 0.5) for c in costs]
    m = np.array([r.mimicry[0, 1] for r in rows])
    ps = np.array([r.seeker[0, 1] for r in rows])
    post = np.array([r.posterior[0, 0, 1] for r in rows])
    assert np.all(np.diff(m) <= 0)  # mimicry falls as the signal gets dearer,
    assert np.all(np.diff(m)[m[1:] > 1e-12] < 0)  # strictly while anyone mimics
    assert m[0] > 0.9 and post[0] > 0.38  # nearly free: pooling, a signal teaches little
    assert m[-1] < 1e-4 and ps[-1] < 1e-3  # too dear: nobody sends
    sent = ps > 0.05  # where signals are sent at all, they move beliefs, but only partly
    assert np.all(post[sent] > 0.0) and post[sent].min() < 0.01
    assert np.all(post <= 0.4 + 1e-12)


def test_with_heterogeneous_costs_both_rates_are_interior():
    p = WorldParams()
    mistrust, v_s, v_g = _one_receiver(0.4, 0.8, p)
    eq = _eq(mistrust, v_s, v_g, 1.0, 0.5)
    assert 0.01 < eq.mimicry[0, 1] < eq.seeker[0, 1] < 0.99


@pytest.mark.parametrize("cost", [0.3, 1.0, 2.0])
def test_receivers_posterior_is_the_greedy_share_among_actual_senders(cost):
    """Bayes with the equilibrium rates: among states that send, the greedy share is mu'."""
    p = WorldParams(signal_cost_spread=0.7)
    mu = 0.4
    mistrust, v_s, v_g = _one_receiver(mu, 0.8, p)
    eq = _eq(mistrust, v_s, v_g, cost, p.signal_cost_spread)
    # the senders' benefits at the equilibrium posterior, and their own cost draws
    b_s = float((mu - eq.posterior[0, 0, 1]) * v_s[0, 0, 1])
    b_g = float((mu - eq.posterior[0, 0, 1]) * v_g[0, 0, 1])
    rng = np.random.default_rng(18)
    k = 400_000
    greedy = rng.random(k) < mu
    paid = cost * np.exp(p.signal_cost_spread * rng.standard_normal(k))
    sends = np.where(greedy, b_g, b_s) > paid
    assert sends.mean() == pytest.approx(mu * eq.mimicry[0, 1] + (1 - mu) * eq.seeker[0, 1],
                                         abs=0.003)
    assert greedy[sends].mean() == pytest.approx(eq.posterior[0, 0, 1], abs=0.006)
    assert greedy[~sends].mean() == pytest.approx(
        mu * (1 - eq.mimicry[0, 1]) / (mu * (1 - eq.mimicry[0, 1])
                                       + (1 - mu) * (1 - eq.seeker[0, 1])), abs=0.006)


def test_nothing_to_gain_nothing_sent():
    p = WorldParams()
    for mu, unit in ((0.0, 1.0), (0.4, 0.0)):  # no mistrust, or trust worth nothing
        mistrust, v_s, v_g = _one_receiver(mu, 0.8, p, unit=unit)
        eq = _eq(mistrust, v_s, v_g, 0.01, 0.5)
        assert eq.seeker[0, 1] == 0.0 and eq.mimicry[0, 1] == 0.0


def test_posterior_is_bayes_rule():
    mu = np.array([[[0.0, 0.3, 0.6], [0.2, 0.0, 0.5], [0.9, 0.1, 0.0]]])
    m = np.array([[0.1, 0.5, 0.0]])
    ps = np.array([[0.8, 0.5, 0.0]])
    post = posterior(mu, m, ps)
    assert post[0, 0, 1] == pytest.approx(0.3 * 0.5 / (0.3 * 0.5 + 0.7 * 0.5))
    assert post[0, 1, 0] == pytest.approx(0.2 * 0.1 / (0.2 * 0.1 + 0.8 * 0.8))
    assert post[0, 0, 2] == 0.6  # nobody sends: no update
