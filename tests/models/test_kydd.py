"""herz.models.kydd: trust threshold, spiral, reassurance (issue 3)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from herz.errors import ParameterError
from herz.models import games as gm
from herz.models import kydd as km

FAST = settings(max_examples=50, deadline=None)
prob = st.floats(0.01, 0.99)


def test_threshold_rejects_untrustworthy_and_bad_cost():
    with pytest.raises(ParameterError, match="temptation"):
        km.trust_threshold(1.0, 1.2)
    with pytest.raises(ParameterError, match="exploitation_cost"):
        km.trust_threshold(0.0, 0.5)


@FAST
@given(r=st.floats(1, 10), gap_t=st.floats(0.01, 5), gap_p=st.floats(0.01, 5),
       gap_s=st.floats(0.01, 5))
def test_normalised_threshold_equals_jervis_q_star(r, gap_t, gap_p, gap_s):
    # stag hunt R > T > P > S in arbitrary units: Kydd's c/(1 - t + c) after the affine
    # normalisation must equal Jervis's q* = (P - S)/[(R - T) + (P - S)]
    t = r - gap_t
    p = t - gap_p
    s = p - gap_s
    tk, ck = km.normalise(r, s, t, p)
    assert tk < 1
    assert km.trust_threshold(ck, tk) == pytest.approx(gm.cooperation_threshold(r, s, t, p),
                                                       rel=1e-9)


@FAST
@given(trust=prob, builds=st.integers(0, 6), restraints=st.integers(0, 6),
       bu=st.floats(0.5, 1.0), bt=st.floats(0.01, 0.49))
def test_posterior_is_odds_times_likelihood_ratio(trust, builds, restraints, bu, bt):
    # odds(greedy) after = odds before * (bu/bt)^builds * ((1-bu)/(1-bt))^restraints
    mu0 = 1 - trust
    post = km.posterior_greedy(mu0, builds, restraints, beta_greedy=bu, beta_seeker=bt)
    assert 0.0 <= post <= 1.0
    if bu < 1 or restraints == 0:
        odds = mu0 / (1 - mu0) * (bu / bt) ** builds * ((1 - bu) / (1 - bt)) ** restraints
        assert post == pytest.approx(odds / (1 + odds), rel=1e-9, abs=1e-12)


@FAST
@given(obs=st.lists(st.booleans(), max_size=8), trust=prob, d=st.floats(0.0, 1.0))
def test_spiral_order_does_not_matter(obs, trust, d):
    a = km.spiral(trust, obs, distinguishability=d)
    b = km.spiral(trust, sorted(obs), distinguishability=d)
    assert a.trust[-1] == pytest.approx(b.trust[-1], abs=1e-12)
    assert all(0 <= x <= 1 for x in a.trust)


def test_indistinguishable_observations_teach_nothing():
    path = km.spiral(0.8, [True] * 5, distinguishability=0.0)
    assert path.trust == pytest.approx([0.8] * 6)
    # d is the world's and Jervis's d in [0, 1] (issue 14); rho = (1 + d)/2 is derived
    with pytest.raises(ParameterError, match="distinguishability"):
        km.spiral(0.8, [True], distinguishability=-0.1)


def test_noisy_reading_slows_the_spiral():
    # d = 0.8 (rho = 0.9), beta_U = 1, beta_T = 0.5: P(seen build | greedy) = 0.9,
    # P(seen build | seeker) = 0.9*0.5 + 0.1*0.5 = 0.5: odds of greedy x 1.8 per build
    path = km.spiral(0.8, [True], distinguishability=0.8)
    odds = 0.25 * 1.8
    assert 1 - path.trust[1] == pytest.approx(odds / (1 + odds), abs=1e-12)


def test_restraint_rebuilds_trust():
    path = km.spiral(0.5, [False], beta_greedy=0.9, beta_seeker=0.3)
    # trust' = 0.5*0.7/(0.5*0.7 + 0.5*0.1) = 0.875
    assert path.trust[1] == pytest.approx(0.875)


@FAST
@given(d1=st.floats(0.0, 0.95), d2=st.floats(0.0, 0.95), c=st.floats(0.1, 5),
       tu=st.floats(1.01, 5))
def test_reassurance_threshold_falls_with_discount(d1, d2, c, tu):
    # MODELS.md 3.4 property (i): G_T rises with delta, G_U does not
    lo, hi = sorted((d1, d2))
    m_lo, m_hi = km.minimum_trust(lo, c, tu), km.minimum_trust(hi, c, tu)
    if m_lo is not None:
        assert m_hi is not None and m_hi <= m_lo + 1e-12


@FAST
@given(d=st.floats(0.0, 0.95), c=st.floats(0.1, 5), tu=st.floats(1.01, 5), pi=prob)
def test_reassurance_verdict_matches_threshold(d, c, tu, pi):
    res = km.reassurance(d, c, tu, 0.5, pi)
    thr = km.minimum_trust(d, c, tu)
    g_t, g_u = pi / (1 - d) - (1 - pi) * c, pi * tu
    if abs(g_t - g_u) > 1e-9:
        assert res.separating == (g_u < g_t)
        assert res.separating == (thr is not None and pi > thr)
    if res.separating:
        assert res.interval == pytest.approx((g_u, g_t))
        assert res.least_cost == pytest.approx(g_u)
        assert km.separating_interval(d, c, tu, pi) == pytest.approx((g_u, g_t))


def test_reassurance_does_not_depend_on_receivers_prior_but_on_senders_trust():
    # property (iii): no argument for the receiver's belief about the sender exists, and
    # raising the sender's trust in the receiver can turn failure into separation
    low = km.reassurance(0.5, 1.0, 1.5, 0.5, 0.2)
    high = km.reassurance(0.5, 1.0, 1.5, 0.5, 0.9)
    # threshold 1/(2 - 1.5 + 1) = 2/3
    assert km.minimum_trust(0.5, 1.0, 1.5) == pytest.approx(2 / 3)
    assert not low.separating and high.separating


def test_reassurance_at_a_given_signal_cost():
    # G_U = 0.75, G_T = 4.5 (delta 0.9, c 1, t_U 1.5, t_T 0.5, pi_R 0.5): only m in [0.75, 4.5]
    # separates; a cheap signal (m = 0.5) the untrustworthy type would mimic, a dear one
    # (m = 5) the trustworthy type would not pay
    for m, ok in ((0.5, False), (0.75, True), (2.0, True), (4.5, True), (5.0, False)):
        res = km.reassurance(0.9, 1.0, 1.5, 0.5, 0.5, signal_cost=m)
        assert res.separates_at_signal_cost is ok
    assert km.reassurance(0.9, 1.0, 1.5, 0.5, 0.5).separates_at_signal_cost is None
    with pytest.raises(ParameterError, match="signal_cost"):
        km.reassurance(0.9, 1.0, 1.5, 0.5, 0.5, signal_cost=-1)


def test_cutoff_equilibria_uniform_types():
    # t ~ U[0, 2]: F(t) = t/2, so t = 1 + c - 2c/t, i.e. t^2 - (1 + c) t + 2c = 0 and
    # t = [(1 + c) +- sqrt((1 + c)^2 - 8c)]/2. For c = 0.1: (1.1 +- sqrt(0.41))/2.
    roots = km.cutoff_equilibria(0.1, lambda t: min(max(t / 2, 0.0), 1.0), 0.0, 2.0)
    expected = [(1.1 - 0.41**0.5) / 2, (1.1 + 0.41**0.5) / 2]
    assert roots == pytest.approx(expected, abs=1e-10)
    # c = 0.5: (1.5)^2 - 4 < 0: no cooperative cut-off, only the all-defect equilibrium
    assert km.cutoff_equilibria(0.5, lambda t: min(max(t / 2, 0.0), 1.0), 0.0, 2.0) == ()


def test_reassurance_bad_inputs():
    with pytest.raises(ParameterError, match="temptation_untrustworthy"):
        km.reassurance(0.5, 1.0, 0.9, 0.5, 0.5)
    with pytest.raises(ParameterError, match="discount"):
        km.reassurance(1.0, 1.0, 1.5, 0.5, 0.5)
    with pytest.raises(ParameterError, match="beta_seeker"):
        km.spiral(0.5, [True], beta_greedy=0.5, beta_seeker=0.6)


# --------------------------------------------------------------------------- reassurance (issue 15)
# An independent check of the corrected model: the repeated game is played out period by
# period for explicit plans ("cooperate k periods, then defect"; k = infinity: cooperate while
# the other does), with grim trigger, and each type's best plan is found by brute force.

PLANS = (0, 1, 2, 3, 5, 8, 13, None)  # None: never defect first


def _play(k_self, k_other, reward, temptation, c, d, horizon=400):
    """Discounted payoff of a player who cooperates k_self periods against one who does k_other."""
    total, weight, grim = 0.0, 1.0, False
    for t in range(horizon):
        if grim:
            break  # mutual defection forever: 0 per period
        me = k_self is None or t < k_self
        other = k_other is None or t < k_other
        total += weight * (reward if me and other else temptation if not me and other
                           else -c if me else 0.0)
        grim = not (me and other)
        weight *= d
    return total


def _brute_force(d, c, tu, tt, pi, ru):
    """Each sender type's best value of being trusted, and whether untrustworthy receivers
    exploit (they best-respond to a sender they believe cooperates while they do)."""
    u_receiver_plan = max(PLANS, key=lambda k: _play(k, None, ru, tu, c, d))
    values = {}
    for name, reward, temptation in (("T", 1.0, tt), ("U", ru, tu)):
        values[name] = max(pi * _play(k, None, reward, temptation, c, d)
                           + (1 - pi) * _play(k, u_receiver_plan, reward, temptation, c, d)
                           for k in PLANS)
    return values["T"], values["U"]


def _random_cases(n, seed):
    gen = np.random.default_rng(seed)
    cases = []
    for _ in range(n):
        d = float(gen.uniform(0.0, 0.9))
        tu = float(gen.uniform(1.01, 4.0))
        ru = float(gen.choice([0.0, gen.uniform(-1.0, 1.0), gen.uniform(0.5, 1.5), 1.0]))
        ru = min(ru, tu - 0.01)
        cases.append((d, float(gen.uniform(0.05, 3.0)), tu, float(gen.uniform(-1.0, 0.99)),
                      float(gen.uniform(0.0, 1.0)), ru))
    return cases


GRID = [(d, c, tu, tt, pi, ru)
        for d in (0.0, 0.5, 0.9) for c in (0.5, 2.0) for tu in (1.5, 3.0) for tt in (0.0, 0.5)
        for pi in (0.2, 0.6, 0.95) for ru in (0.0, 0.5, 0.8, 1.0)]


@pytest.mark.parametrize("case", GRID + _random_cases(150, 15))
def test_each_type_best_responds_at_every_cost(case):
    d, c, tu, tt, pi, ru = case
    res = km.reassurance(d, c, tu, tt, pi, reward_untrustworthy=ru)
    v_t, v_u = _brute_force(d, c, tu, tt, pi, ru)
    assert res.value_trustworthy == pytest.approx(v_t, abs=1e-9)
    assert res.value_untrustworthy == pytest.approx(v_u, abs=1e-9)
    assert res.separating == (v_u < v_t - 1e-9) or abs(v_u - v_t) <= 1e-9
    top = max(v_t, v_u)
    costs = [0.0, v_u, v_t, 0.5 * (v_u + v_t), top + 0.1, top * 2 + 1,
             *np.linspace(0.0, top + 1.0, 25)]
    for m in costs:
        if m < 0:
            continue
        pays_t, pays_u = res.signals(m)
        # the receiver trusts exactly those who pay: paying is worth V - m, not paying 0
        for pays, value in ((pays_t, v_t), (pays_u, v_u)):
            chosen = value - m if pays else 0.0
            other = 0.0 if pays else value - m
            assert chosen >= other - 1e-9, (case, m)
        inside = bool(res.interval is not None and res.interval[0] <= m <= res.interval[1])
        assert inside == (pays_t and not pays_u), (case, m)
        assert km.reassurance(d, c, tu, tt, pi, m, reward_untrustworthy=ru
                              ).separates_at_signal_cost is inside


def test_issue_15_reproducer_and_how_the_interval_changed():
    # the issue: reassurance(0.5, 0.5, 1.5, 0.5, 0.9) reported [1.35, 1.75], and an
    # untrustworthy sender that values mutual cooperation like a trustworthy one (r_U = 1)
    # paying 1.5 and cooperating forever nets 1.75 - 1.5 = +0.25 > 0: it mimics.
    same = km.reassurance(0.5, 0.5, 1.5, 0.5, 0.9, reward_untrustworthy=1.0)
    assert same.regime is km.SignalRegime.POOLING and same.interval is None
    assert not same.separating and not same.reassures
    # r_U/(1 - delta) = 2 >= t_U: the untrustworthy type cooperates once trusted, and so does
    # an untrustworthy receiver: both types value being trusted at 1/(1 - delta) = 2
    assert same.value_untrustworthy == pytest.approx(2.0) == same.value_trustworthy
    assert same.plan_untrustworthy == "cooperate"
    assert same.signals(1.5) == (True, True)
    assert km.minimum_trust(0.5, 0.5, 1.5, reward_untrustworthy=1.0) is None
    # the default assumption (r_U = 0: a committed exploiter) keeps [1.35, 1.75], now derived
    committed = km.reassurance(0.5, 0.5, 1.5, 0.5, 0.9)
    assert committed.interval == pytest.approx((1.35, 1.75))
    assert committed.plan_untrustworthy == "defect first"
    assert committed.signals(1.5) == (True, False)
    # in between, r_U = 0.8: 1.6 >= 1.5, so every receiver cooperates: [1.6, 2.0]
    mid = km.reassurance(0.5, 0.5, 1.5, 0.5, 0.9, reward_untrustworthy=0.8)
    assert mid.interval == pytest.approx((1.6, 2.0))
    assert km.separating_interval(0.5, 0.5, 1.5, 0.9, reward_untrustworthy=0.8) == \
        pytest.approx((1.6, 2.0))


@FAST
@given(d=st.floats(0.0, 0.95), c=st.floats(0.1, 5), tu=st.floats(1.01, 5), pi=prob,
       ru=st.floats(-2.0, 1.5))
def test_separation_iff_trustworthy_types_value_cooperation_more(d, c, tu, pi, ru):
    # Kydd (2000): separation needs r_U < 1 (= the trustworthy type's reward), and, when
    # the untrustworthy type does not sustain cooperation, pi_R above the threshold
    assume(ru < tu)
    res = km.reassurance(d, c, tu, 0.5, pi, reward_untrustworthy=ru)
    thr = km.minimum_trust(d, c, tu, reward_untrustworthy=ru)
    if ru >= 1.0:
        assert not res.separating and thr is None
    gap = res.value_trustworthy - res.value_untrustworthy
    if abs(gap) > 1e-9 and (thr is None or abs(pi - thr) > 1e-9):
        assert res.separating == (gap > 0)
        assert res.separating == (thr is not None and (pi > thr or thr == 0.0))


def test_sustains_cooperation_and_bad_reward():
    assert km.sustains_cooperation(0.5, 1.0, 1.5)       # 2 >= 1.5
    assert not km.sustains_cooperation(0.2, 1.0, 1.5)   # 1.25 < 1.5
    with pytest.raises(ParameterError, match="reward_untrustworthy"):
        km.reassurance(0.5, 1.0, 1.5, 0.5, 0.5, reward_untrustworthy=2.0)
    with pytest.raises(ParameterError, match="cost"):
        km.reassurance(0.5, 1.0, 1.5, 0.5, 0.5).signals(-1.0)
    with pytest.raises(ParameterError, match="exploitation_cost"):
        km.reassurance(0.5, 0.0, 1.5, 0.5, 0.5)
