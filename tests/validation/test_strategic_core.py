"""Validation of the strategic core (issue 3) against MODELS.md and derived closed forms.

Table-driven: every case of MODELS.md section 0 for these models (JERV-1, KYDD-1,
KYDD-2, FEAR-1, FEAR-2, EVO-1) with the inputs and expected outputs exactly as
tabulated there; then results that follow from MODELS.md's formulas but are not
tabulated, each derived by hand in a comment; then the References rule.
"""

from __future__ import annotations

import inspect
from fractions import Fraction

import pytest

from herz.models import games, identity, jervis, kydd, preemption, replicator
from herz.models.games import GameClass

# --------------------------------------------------------------------------- JERV-1
# Stag-hunt cooperation threshold: CC=4, DC=3, DD=2, CD=1 -> q* = 1/2 (exact).
JERV_1 = [
    # (CC, DC, DD, CD, q*)
    (4.0, 3.0, 2.0, 1.0, 0.5),
]


@pytest.mark.parametrize(("cc", "dc", "dd", "cd", "q_star"), JERV_1)
def test_jerv_1_stag_hunt_threshold(cc, dc, dd, cd, q_star):
    g = games.from_jervis(cc=cc, dc=dc, dd=dd, cd=cd)
    assert games.classify_game(g).game_class is GameClass.STAG_HUNT
    assert games.cooperation_threshold(*g.rstp()) == q_star
    # the mixed equilibrium of the stag hunt puts exactly q* on C
    mixed = [e for e in games.equilibria(g).equilibria if not e.pure]
    assert len(mixed) == 1 and mixed[0].row[0] == pytest.approx(q_star, abs=1e-12)


# --------------------------------------------------------------------------- KYDD-1
# Minimum trust threshold: c=1, t=0.5 -> pi* = 2/3; at pi=0.6 trustworthy types
# defect, at pi=0.7 they cooperate.
KYDD_1 = [
    # (c, t_trustworthy, pi*, trust, cooperates)
    (1.0, 0.5, 2 / 3, 0.6, False),
    (1.0, 0.5, 2 / 3, 0.7, True),
]


@pytest.mark.parametrize(("c", "t", "pi_star", "trust", "coop"), KYDD_1)
def test_kydd_1_trust_threshold(c, t, pi_star, trust, coop):
    assert kydd.trust_threshold(c, t) == pytest.approx(pi_star, abs=1e-15)
    assert kydd.cooperates(trust, c, t) is coop
    eq = kydd.two_type_equilibrium(trust, c, t)
    assert eq.trustworthy_cooperate is coop
    assert eq.p_mutual_cooperation == pytest.approx(trust**2 if coop else 0.0)


# --------------------------------------------------------------------------- KYDD-2
# Bayesian spiral: prior (trust) 0.8; greedy always builds (beta_U = 1), the
# security seeker builds with 0.5; after 1..4 builds trust = 0.6667, 0.5, 0.3333, 0.2.
KYDD_2 = [
    # (prior trust, beta_U, beta_T, builds, trust after)
    (0.8, 1.0, 0.5, 1, 0.6667),
    (0.8, 1.0, 0.5, 2, 0.5),
    (0.8, 1.0, 0.5, 3, 0.3333),
    (0.8, 1.0, 0.5, 4, 0.2),
]


@pytest.mark.parametrize(("prior", "beta_u", "beta_t", "builds", "expected"), KYDD_2)
def test_kydd_2_bayesian_spiral(prior, beta_u, beta_t, builds, expected):
    post_greedy = kydd.posterior_greedy(1 - prior, builds, beta_greedy=beta_u, beta_seeker=beta_t)
    assert 1 - post_greedy == pytest.approx(expected, abs=1e-4)
    path = kydd.spiral(prior, [True] * builds, beta_greedy=beta_u, beta_seeker=beta_t)
    assert path.trust[-1] == pytest.approx(expected, abs=1e-4)


def test_kydd_2_falls_below_kydd_1_threshold_after_first_build():
    # MODELS.md 3.3: "the belief falls below the 2/3 threshold of KYDD-1 after the first build"
    thr = kydd.trust_threshold(1.0, 0.5)
    path = kydd.spiral(0.8, [True] * 4, threshold=thr + 1e-12)
    assert path.below_threshold_at == 1


# --------------------------------------------------------------------------- FEAR-1
# Bargaining range x in [p - c_A, p + c_B] (exact). MODELS.md gives the formula;
# the rows instantiate it at chosen p, c_A, c_B.
FEAR_1 = [
    # (p, c_A, c_B, low, high)
    (0.5, 0.1, 0.1, 0.4, 0.6),
    (0.7, 0.25, 0.05, 0.45, 0.75),
    (0.3, 0.2, 0.3, 0.1, 0.6),
]


@pytest.mark.parametrize(("p", "ca", "cb", "low", "high"), FEAR_1)
def test_fear_1_bargaining_range(p, ca, cb, low, high):
    br = preemption.bargaining_range(p, ca, cb)
    assert br.low == pytest.approx(low, abs=1e-15)
    assert br.high == pytest.approx(high, abs=1e-15)
    assert br.width == pytest.approx(ca + cb, abs=1e-15)


# --------------------------------------------------------------------------- FEAR-2
# Preemption: p_f = 0.7, p_s = 0.3, c_A = c_B = 0.1 -> no peaceful deal (0.6 > 0.4);
# c_A = c_B = 0.25 -> range [0.45, 0.55].
FEAR_2 = [
    # (p_f, p_s, c_A, c_B, peace, lower bound, upper bound)
    (0.7, 0.3, 0.1, 0.1, False, 0.6, 0.4),
    (0.7, 0.3, 0.25, 0.25, True, 0.45, 0.55),
]


@pytest.mark.parametrize(("pf", "ps", "ca", "cb", "peace", "lo", "hi"), FEAR_2)
def test_fear_2_preemption(pf, ps, ca, cb, peace, lo, hi):
    res = preemption.preemption(pf, ps, ca, cb)
    assert res.peace is peace
    assert res.lower == pytest.approx(lo, abs=1e-15)
    assert res.upper == pytest.approx(hi, abs=1e-15)
    if peace:
        assert res.range == pytest.approx((lo, hi), abs=1e-15)
    else:
        assert res.range is None


# --------------------------------------------------------------------------- EVO-1
# Replicator, stag hunt R=1, S=-1/4, T=1/2, P=0: dx/dt = 1/4 x(1-x)(3x-1); x* = 1/3.
EVO_1 = [(1.0, -0.25, 0.5, 0.0, Fraction(1, 3))]


@pytest.mark.parametrize(("r", "s", "t", "p", "x_star"), EVO_1)
def test_evo_1_replicator_stag_hunt(r, s, t, p, x_star):
    for x in (0.0, 0.1, 0.25, 1 / 3, 0.5, 0.8, 1.0):
        assert replicator.rhs_2x2(x, r, s, t, p) == pytest.approx(
            0.25 * x * (1 - x) * (3 * x - 1), abs=1e-15)
        assert replicator.rhs([x, 1 - x], [[r, s], [t, p]])[0] == pytest.approx(
            0.25 * x * (1 - x) * (3 * x - 1), abs=1e-15)
    points, _ = replicator.rest_points([[r, s], [t, p]])
    interior = [pt for pt in points if len(pt.support) == 2]
    assert len(interior) == 1
    assert interior[0].x[0] == pytest.approx(float(x_star), abs=1e-12)
    assert not interior[0].stable
    basins = replicator.basins_2x2(r, s, t, p)
    stag = next(b for b in basins.basins if b.attractor[0] == 1.0)
    assert stag.size == pytest.approx(1 - float(x_star), abs=1e-12)


# --------------------------------------------------------------------------- derived


def test_derived_identity_thresholds_standard_payoffs():
    # R, S, T, P = 3, 0, 5, 1 (MODELS.md 7.5):
    #   R' >= T'  iff lambda >= (T - R)/(R - S) = (5 - 3)/(3 - 0) = 2/3
    #   S' >= P'  iff lambda >= (P - S)/(T - P) = (1 - 0)/(5 - 1) = 1/4
    # 1/4 < 2/3, so on [1/4, 2/3] we have T' > R' and S' > P': chicken.
    # Check at lambda = 1/2: R' = 4.5, S' = 0 + 2.5 = 2.5, T' = 5 + 0 = 5, P' = 1.5,
    # so T' > R' > S' > P' (chicken); at lambda = 0: the PD; at lambda = 0.9:
    # R' = 5.7 > T' = 5, S' = 4.5 > P' = 1.9: harmony.
    rt, sp = identity.identity_thresholds(3, 0, 5, 1)
    assert rt == pytest.approx(2 / 3, abs=1e-15)
    assert sp == pytest.approx(1 / 4, abs=1e-15)
    bands = identity.identity_bands(3, 0, 5, 1)
    assert [b.game_class for b in bands] == [
        GameClass.PRISONERS_DILEMMA, GameClass.CHICKEN, GameClass.HARMONY]
    assert [b.low for b in bands] == pytest.approx([-1.0, 0.25, 2 / 3], abs=1e-15)
    assert bands[-1].high == 1.0
    assert identity.transform(3, 0, 5, 1, 0.5) == pytest.approx((4.5, 2.5, 5.0, 1.5))


def test_derived_identity_stag_hunt_band():
    # R, S, T, P = 4, 0, 5, 2: (T - R)/(R - S) = 1/4 and (P - S)/(T - P) = 2/3. Now the
    # R'-T' threshold is the lower one, so on [1/4, 2/3] R' > T' and P' > S': a stag hunt
    # (MODELS.md 7.5). At lambda = 1/2: R' = 6, T' = 5, S' = 2.5, P' = 3: R>T>P>S.
    bands = identity.identity_bands(4, 0, 5, 2)
    assert [b.game_class for b in bands] == [
        GameClass.PRISONERS_DILEMMA, GameClass.STAG_HUNT, GameClass.HARMONY]
    assert [b.low for b in bands[1:]] == pytest.approx([0.25, 2 / 3], abs=1e-15)


def test_derived_tft_alld_rest_point_w09():
    # MODELS.md 4.3 and 8, R, S, T, P = 3, 0, 5, 1, w = 0.9:
    #   V(TFT,TFT) = R/(1-w) = 30;  V(TFT,ALLD) = S + w P/(1-w) = 0 + 9 = 9
    #   V(ALLD,TFT) = T + w P/(1-w) = 5 + 9 = 14;  V(ALLD,ALLD) = P/(1-w) = 10
    # A stag hunt (30 > 14, 10 > 9) with interior rest point
    #   x* = (P - S)/[(R - T) + (P - S)] = (10 - 9)/[(30 - 14) + (10 - 9)] = 1/17,
    # unstable, so TFT takes over from any population share above 1/17.
    a = replicator.tft_alld_payoffs(3, 0, 5, 1, 0.9)
    assert a.ravel().tolist() == pytest.approx([30, 9, 14, 10], abs=1e-12)
    points, _ = replicator.rest_points(a)
    interior = [pt for pt in points if len(pt.support) == 2]
    assert len(interior) == 1
    assert interior[0].x[0] == pytest.approx(1 / 17, abs=1e-12)
    assert not interior[0].stable
    # eigenvalue at x*: d/dx [x(1-x) g(x)] = x*(1-x*) g'(x*) with
    # g(x) = (S-P) + x[(R-T)-(S-P)] = -1 + 17x, so g' = 17: 1/17 * 16/17 * 17 = 16/17.
    assert interior[0].eigenvalues[0].real == pytest.approx(16 / 17, abs=1e-10)
    tft = next(b for b in replicator.basins_2x2(*a.ravel()).basins if b.attractor[0] == 1.0)
    assert tft.size == pytest.approx(16 / 17, abs=1e-12)


PREEMPTION_BALANCE = [
    # C = c_A + c_B; critical delta = (1 - C)/(1 + C) (MODELS.md 5):
    # C = 0.2 -> 0.8/1.2 = 2/3;  C = 0.5 -> 0.5/1.5 = 1/3;  C = 1/3 -> (2/3)/(4/3) = 1/2
    (0.1, 0.1, 2 / 3),
    (0.25, 0.25, 1 / 3),
    (1 / 6, 1 / 6, 1 / 2),
]


@pytest.mark.parametrize(("ca", "cb", "critical"), PREEMPTION_BALANCE)
def test_derived_preemption_threshold_on_balance(ca, cb, critical):
    # With equal forces p_f = 1/(1+delta), p_s = delta/(1+delta), so the first-strike
    # gap is (1 - delta)/(1 + delta); war iff gap > C iff delta < (1 - C)/(1 + C).
    assert preemption.critical_balance(ca, cb) == pytest.approx(critical, abs=1e-15)
    for delta in (critical * 0.9, critical * 0.99):
        assert not preemption.preemption_from_balance(delta, ca, cb).peace
    for delta in (critical * 1.01, critical * 1.5, 1.0, 3.0):
        assert preemption.preemption_from_balance(delta, ca, cb).peace
    pf, ps = preemption.first_strike_probabilities(0.5)
    assert (pf, ps) == pytest.approx((2 / 3, 1 / 3), abs=1e-15)  # 1/1.5 and 0.5/1.5


def test_derived_critical_balance_none_when_costs_exceed_one():
    # C >= 1 exceeds any gap (1 - delta)/(1 + delta) < 1: no delta > 0 brings preemption.
    assert preemption.critical_balance(0.5, 0.5) is None
    assert preemption.preemption_from_balance(1e-6, 0.5, 0.5).peace


JERVIS_REGIMES = [
    # v = 1, L = 2, k = 0.4, d = 0 (rho = 1/2, MODELS.md 2.3): boundaries delta = v/k - 1 = 1.5
    # and L/k - 1 = 4; q* = [L - k(1+delta)]/(L - v) = 2 - 0.4(1 + delta).
    (0.5, GameClass.PRISONERS_DILEMMA, None),
    (1.5, GameClass.BOUNDARY, 1.0),     # p v = k: DC = CC; q* = 2 - 1 = 1
    (2.0, GameClass.STAG_HUNT, 0.8),    # 2 - 1.2
    (3.0, GameClass.STAG_HUNT, 0.4),    # 2 - 1.6
    (4.0, GameClass.BOUNDARY, 0.0),     # p L = k: CD = DD; q* = 2 - 2 = 0
    (9.0, GameClass.HARMONY, 0.0),
]


@pytest.mark.parametrize(("delta", "cls", "q_star"), JERVIS_REGIMES)
def test_derived_jervis_regimes_at_chosen_delta(delta, cls, q_star):
    assert jervis.game_class(delta, 0.0, war_gain=1, war_loss=2, arms_cost=0.4) is cls
    q = jervis.trust_threshold(delta, 0.0, war_gain=1, war_loss=2, arms_cost=0.4)
    if q_star is None:
        assert q is None
    else:
        assert q == pytest.approx(q_star, abs=1e-12)


def test_derived_jervis_replicator_share_equals_q_star():
    # MODELS.md 8: applied to the security game, the replicator's interior rest point is the
    # least share of restrained states from which restraint spreads, and equals
    # q* = [L - k(1 + delta)]/(L - v); at delta = 2.5, v = 1, L = 2, k = 0.4: 2 - 1.4 = 0.6
    g = jervis.security_game(2.5, 0.0, war_gain=1, war_loss=2, arms_cost=0.4)
    points, _ = replicator.rest_points(g.row)
    interior = next(pt for pt in points if len(pt.support) == 2)
    assert interior.x[0] == pytest.approx(0.6, abs=1e-12)
    assert jervis.trust_threshold(2.5, 0.0, war_gain=1, war_loss=2, arms_cost=0.4) == pytest.approx(0.6)


def test_derived_jervis_boundary_neighbours():
    # at delta = v/k - 1 the PD meets the stag hunt; at delta = L/k - 1 the stag hunt meets harmony
    lo = jervis.classification(1.5, 0.0, war_gain=1, war_loss=2, arms_cost=0.4)
    hi = jervis.classification(4.0, 0.0, war_gain=1, war_loss=2, arms_cost=0.4)
    assert set(lo.neighbours) == {GameClass.PRISONERS_DILEMMA, GameClass.STAG_HUNT}
    assert set(hi.neighbours) == {GameClass.STAG_HUNT, GameClass.HARMONY}


def test_derived_reassurance_case():
    # MODELS.md 3.4 with delta = 0.9, c = 1, t_U = 1.5, t_T = 0.5, pi_R = 0.5:
    #   G_T = 0.5/(1 - 0.9) - 0.5*1 = 5 - 0.5 = 4.5;  G_U = 0.5*1.5 = 0.75
    #   separation (0.75 <= 4.5), interval [0.75, 4.5], least cost 0.75;
    #   threshold c/(1/(1-delta) - t_U + c) = 1/(10 - 1.5 + 1) = 1/9.5 = 2/19;
    #   trustworthy still cooperates: 4.5 >= 0.5*0.5.
    res = kydd.reassurance(0.9, 1.0, 1.5, 0.5, 0.5)
    assert res.value_trustworthy == pytest.approx(4.5, abs=1e-12)
    assert res.value_untrustworthy == pytest.approx(0.75, abs=1e-15)
    assert res.separating and res.reassures
    assert res.interval == pytest.approx((0.75, 4.5), abs=1e-12)
    assert res.min_trust == pytest.approx(2 / 19, abs=1e-15)
    # one-shot (delta = 0) with t_U - c = 2.5 - 1 = 1.5 >= 1/(1-0) = 1: never feasible
    assert kydd.minimum_trust(0.0, 1.0, 2.5) is None
    assert kydd.separating_interval(0.0, 1.0, 2.5, 1.0) is None


def test_derived_prevention_case():
    # MODELS.md 5 with delta = 0.9, c_A = 0.1, p_t = 0.6, p_{t+1} = 0.3:
    #   war value   = 0.6/0.1 - 0.1 = 5.9
    #   peace value = 1 + 0.9*(0.3/0.1 - 0.1) = 1 + 0.9*2.9 = 3.61  -> war
    #   condition: (0.6 - 0.27)/0.1 - 0.1*0.1 = 3.3 - 0.01 = 3.29 > 1  (agrees)
    #   critical p_{t+1} = [0.6 - 0.1*(1 + 0.1*0.1)]/0.9 = (0.6 - 0.101)/0.9 = 0.499/0.9
    res = preemption.preventive_war(0.6, 0.3, 0.9, 0.1)
    assert res.value_war == pytest.approx(5.9, abs=1e-12)
    assert res.value_peace == pytest.approx(3.61, abs=1e-12)
    assert res.war
    assert res.critical_p_next == pytest.approx(0.499 / 0.9, abs=1e-12)
    # no shift (p_next = p_now = 0.5): war value 4.9 < peace 1 + 0.9*4.9 = 5.41 -> peace
    assert not preemption.preventive_war(0.5, 0.5, 0.9, 0.1).war


# --------------------------------------------------------------------------- References

MODULES = [games, jervis, kydd, preemption, identity, replicator]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_every_public_function_has_references(module):
    assert "References" in (module.__doc__ or "")
    missing = []
    for name in module.__all__:
        obj = getattr(module, name)
        if inspect.isfunction(obj) and "References\n    ----------" not in (obj.__doc__ or ""):
            missing.append(name)
    assert not missing, f"{module.__name__}: no References section in {missing}"
