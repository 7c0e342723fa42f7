"""The war decision with bargaining (DESIGN.md 2.5): exact limits on grids, causes by hand.

Deterministic limits use lambda = 1e7 (the logit is then 0 or 1 within 1e-12
wherever the margin is at least 1e-5 away from indifference); grid points
closer than that to a tie are left out and counted.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from herz.models import preemption as fearon
from herz.world.bargaining import (
    Cause,
    Contests,
    WarPolicy,
    bargaining_point,
    choose_wars,
    chosen_probability,
    classify_causes,
    contest_success,
    fearon_war,
    logistic,
    pair_contests,
    pair_mask,
    prevention_term,
    projected_power,
    seeker_threshold,
    update_status_quo,
    war_margin,
    war_policy,
)

LIMIT = 1e7


def _pairs(o, d, y, alive=None):
    """Stack two-state worlds: arrays (W, 2) from lists of (value_i, value_j)."""
    o = np.asarray(o, dtype=float)
    d = np.asarray(d, dtype=float)
    y = np.asarray(y, dtype=float)
    alive = np.ones(o.shape, dtype=bool) if alive is None else alive
    return o, d, y, alive


def test_contest_is_the_models_contest_batched():
    rng = np.random.default_rng(1)
    o = rng.uniform(0.01, 5.0, 200)
    d = rng.uniform(0.01, 5.0, 200)
    for delta in (0.3, 1.0, 2.5):
        for f in (0.0, 0.5):
            got = contest_success(o, d, delta, f)
            want = [fearon.contest_success((1 + f) * a, b, delta) for a, b in zip(o, d, strict=True)]
            np.testing.assert_allclose(got, want, rtol=1e-14)
    # decisiveness g: (phi O)^g / ((phi O)^g + (delta D)^g)
    g = 2.5
    want = (1.5 * o) ** g / ((1.5 * o) ** g + (0.7 * d) ** g)
    np.testing.assert_allclose(contest_success(o, d, 0.7, 0.5, g), want, rtol=1e-12)
    assert contest_success(0.0, 0.0, 1.0)[()] == 0.0
    assert contest_success(1.0, 0.0, 1.0, 0.0, 3.0)[()] == 1.0


def test_first_strike_gap_is_the_same_both_ways_and_matches_fearon():
    rng = np.random.default_rng(2)
    w = 300
    o, d = rng.uniform(0.1, 3, (w, 2)), rng.uniform(0.1, 3, (w, 2))
    mask = pair_mask(np.ones((w, 2), dtype=bool))
    c = pair_contests(o, d, mask, balance=0.6, first_strike=0.0, exponent=1.0)
    gap = c.p_first - c.p_second
    np.testing.assert_allclose(gap[:, 0, 1], gap[:, 1, 0], atol=1e-14)
    # equal forces: p_first = 1/(1 + delta), p_second = delta/(1 + delta) (MODELS.md 5)
    eq = pair_contests(np.ones((1, 2)), np.ones((1, 2)), pair_mask(np.ones((1, 2), bool)),
                       balance=0.6, first_strike=0.0, exponent=1.0)
    pf, ps = fearon.first_strike_probabilities(0.6)
    assert eq.p_first[0, 0, 1] == pytest.approx(pf, abs=1e-15)
    assert eq.p_second[0, 0, 1] == pytest.approx(ps, abs=1e-15)


def test_dead_states_are_masked_in_the_policy():
    w, n = 4, 3
    alive = np.ones((w, n), dtype=bool)
    alive[:, 2] = False
    mask = pair_mask(alive)
    c = pair_contests(np.ones((w, n)), np.ones((w, n)), mask, balance=0.2, first_strike=1.0,
                      exponent=1.0)
    assert (c.p_first[:, 2, :] == 0).all() and (c.p_first[:, :, 2] == 0).all()
    pol = war_policy(c, np.ones((w, n)), np.full((w, n, n), 0.5), np.full((w, n, n), 0.9),
                     np.full((w, n, n), 0.9), np.zeros((w, n, n)), np.ones((w, n), dtype=bool),
                     mask, greedy_value=5.0, seeker_value=0.0, transfer=0.3, cost=0.01,
                     rationality=30.0, intercept=10.0, dispute_cutpoint=2.0, fear_depth=2)
    for a in (pol.p_war, pol.p_dispute_or_war, pol.a_greedy, pol.a_seeker, pol.fear):
        assert (a[:, 2, :] == 0).all() and (a[:, :, 2] == 0).all()
    assert (pol.p_war[:, 0, 1] > 0.9).all()  # the live pair would fight
    attacks, _, _, _ = choose_wars(pol, np.zeros((w, n, n)))
    assert not attacks[:, 2, :].any() and not attacks[:, :, 2].any()


def _grid():
    forces = (0.5, 1.0, 2.0)
    yield from itertools.product(forces, forces, forces, forces, (0.25, 0.5, 1.0, 2.0),
                                 (0.0, 0.5, 2.0))


def test_deterministic_seeker_decision_is_the_threshold_on_a_grid():
    """lambda -> inf, Pi = 0, omega_S = 0: a seeker strikes iff h > [(1-pf)tau+c]/[(1-ps)tau+c]."""
    cells = list(_grid())
    hs = np.linspace(0.0, 1.0, 21)
    checked = ties = 0
    for tau, c in ((0.2, 0.05), (0.5, 0.01), (0.1, 0.2)):
        o = np.array([[a[0], a[1]] for a in cells])
        d = np.array([[a[2], a[3]] for a in cells])
        for delta in (0.25, 0.5, 1.0, 2.0):
            for f in (0.0, 0.5, 2.0):
                mask = pair_mask(np.ones(o.shape, dtype=bool))
                con = pair_contests(o, d, mask, balance=delta, first_strike=f, exponent=1.0)
                thr = seeker_threshold(con.p_first, con.p_second, tau, c)[:, 0, 1]
                for h in hs:
                    fear = np.full(mask.shape, h)
                    margin = war_margin(con, np.ones(mask.shape), np.full(mask.shape, 0.5), fear,
                                        np.zeros(mask.shape), 0.0, transfer=tau, cost=c)[0]
                    p = logistic(LIMIT * margin[:, 0, 1])
                    far = np.abs(h - thr) > 1e-5
                    ties += int((~far).sum())
                    checked += int(far.sum())
                    np.testing.assert_array_equal(p[far] > 0.5, (h > thr)[far])
                    assert np.all((p[far] < 1e-12) | (p[far] > 1 - 1e-12))
    assert checked > 20000 and ties < checked / 50


def test_seeker_threshold_through_the_policy_with_fear_from_beliefs():
    """The same limit through war_policy: fear h = mu when a greedy j surely strikes."""
    rng = np.random.default_rng(3)
    w = 2000
    o, d = rng.uniform(0.3, 3, (w, 2)), rng.uniform(0.3, 3, (w, 2))
    y = np.ones((w, 2))
    mu = rng.uniform(0, 1, w)
    mistrust = np.zeros((w, 2, 2))
    mistrust[:, 0, 1] = mu
    greedy = np.zeros((w, 2), dtype=bool)
    greedy[:, 1] = True
    tau, c = 0.3, 0.02
    for delta, f in ((0.3, 1.0), (0.6, 0.5), (1.0, 1.0)):
        mask = pair_mask(np.ones((w, 2), dtype=bool))
        con = pair_contests(o, d, mask, balance=delta, first_strike=f, exponent=1.0)
        pol = war_policy(con, y, np.full((w, 2, 2), 0.5), mistrust, np.zeros((w, 2, 2)),
                         np.zeros((w, 2, 2)), greedy, mask, greedy_value=1e4, seeker_value=0.0,
                         transfer=tau, cost=c, rationality=LIMIT, intercept=0.0,
                         dispute_cutpoint=1.0, fear_depth=1)
        # a greedy j with these spoils strikes for sure; a seeker j fearing nobody never does
        np.testing.assert_allclose(pol.a_greedy[:, 1, 0], 1.0)
        np.testing.assert_allclose(pol.a_seeker[:, 1, 0], 0.0, atol=1e-12)
        np.testing.assert_allclose(pol.fear[:, 0, 1], mu, atol=1e-12)
        thr = seeker_threshold(con.p_first, con.p_second, tau, c)[:, 0, 1]
        far = np.abs(mu - thr) > 1e-5
        np.testing.assert_array_equal((pol.p_war[:, 0, 1] > 0.5)[far], (mu > thr)[far])


def test_threshold_falls_with_offence_dominance_and_first_strike_advantage():
    alive = np.ones((1, 2), dtype=bool)
    mask = pair_mask(alive)
    for o, d in (((1.0, 1.0), (1.0, 1.0)), ((2.0, 0.5), (1.0, 3.0))):
        oo, dd = np.array([o]), np.array([d])

        def thr(delta, f, oo=oo, dd=dd):
            con = pair_contests(oo, dd, mask, balance=delta, first_strike=f, exponent=1.0)
            return float(seeker_threshold(con.p_first, con.p_second, 0.2, 0.05)[0, 0, 1])

        by_delta = [thr(delta, 0.5) for delta in (3.0, 2.0, 1.0, 0.5, 0.25, 0.1)]
        assert np.all(np.diff(by_delta) < 0), by_delta   # toward offence dominance
        by_f = [thr(1.0, f) for f in (0.0, 0.5, 1.0, 2.0, 4.0)]
        assert np.all(np.diff(by_f) < 0), by_f           # larger first-strike advantage
        if o == d:
            # equal forces, no first-strike advantage, neutral balance: never below 1
            assert thr(1.0, 0.0) == pytest.approx(1.0)


def test_fearon_condition_is_the_limit_with_bargaining():
    """Two risk-neutral states (omega = 1, types known) with the status quo at the bargaining
    point (r = 1) fight in the limit iff p^f - p^s > c_A + c_B (Fearon 1995)."""
    cells = list(_grid())
    o = np.array([[a[0], a[1]] for a in cells])
    d = np.array([[a[2], a[3]] for a in cells])
    w = len(cells)
    checked = ties = wars = 0
    for yi, yj in ((1.0, 1.0), (1.0, 3.0), (2.0, 0.7)):
        y = np.tile([yi, yj], (w, 1))
        for delta, f, tau, c in itertools.product((0.25, 0.5, 1.0, 2.0), (0.0, 0.5, 2.0),
                                                  (0.2, 0.5), (0.01, 0.05, 0.2)):
            mask = pair_mask(np.ones((w, 2), dtype=bool))
            con = pair_contests(o, d, mask, balance=delta, first_strike=f, exponent=1.0)
            target = bargaining_point(con, y, mask, transfer=tau, cost=c)
            x = update_status_quo(np.full((w, 2, 2), 0.5), target, mask, 1.0)
            np.testing.assert_allclose(x + x.transpose(0, 2, 1), np.where(mask, 1.0, 1.0))
            cost_a = c * yi / (tau * (yi + yj))
            cost_b = c * yj / (tau * (yi + yj))
            gap = (con.p_first - con.p_second)[:, 0, 1]
            want = fearon_war(con.p_first[:, 0, 1], con.p_second[:, 0, 1], cost_a, cost_b)
            far = np.abs(gap - (cost_a + cost_b)) > 1e-5
            for depth in (0, 1, 2):
                pol = war_policy(con, y, x, np.ones((w, 2, 2)), np.ones((w, 2, 2)),
                                 np.zeros((w, 2, 2)), np.ones((w, 2), dtype=bool), mask,
                                 greedy_value=1.0, seeker_value=0.0, transfer=tau, cost=c,
                                 rationality=LIMIT, intercept=0.0, dispute_cutpoint=1.0,
                                 fear_depth=depth)
                war = (pol.p_war[:, 0, 1] > 0.5) | (pol.p_war[:, 1, 0] > 0.5)
                np.testing.assert_array_equal(war[far], want[far])
            checked += int(far.sum())
            ties += int((~far).sum())
            wars += int(want[far].sum())
    assert checked > 10000 and 0.1 < wars / checked < 0.9 and ties < checked / 50
    # the scalar model agrees where the costs are symmetric
    for delta in (0.2, 0.5, 0.9):
        v = fearon.preemption_from_balance(delta, 0.1, 0.1)
        assert (not v.peace) == bool(fearon_war(v.p_first, v.p_second, 0.1, 0.1))


def test_status_quo_drifts_to_the_bargaining_point_at_rate_r():
    w = 5
    mask = pair_mask(np.ones((w, 2), dtype=bool))
    con = Contests(p_first=np.where(mask, 0.7, 0.0), p_second=np.where(mask, 0.3, 0.0))
    target = bargaining_point(con, np.ones((w, 2)), mask, transfer=0.2, cost=0.05)
    np.testing.assert_allclose(target[:, 0, 1], 0.5)
    x = np.full((w, 2, 2), 0.5)
    x[:, 0, 1], x[:, 1, 0] = 0.1, 0.9
    for k in range(1, 6):
        x = update_status_quo(x, target, mask, 0.2)
        np.testing.assert_allclose(x[:, 0, 1], 0.5 - 0.4 * 0.8 ** k, rtol=1e-12)
        np.testing.assert_allclose(x[:, 0, 1] + x[:, 1, 0], 1.0, rtol=1e-12)


def test_prevention_term_is_the_discounted_fall_of_power():
    w = 1
    alive = np.ones((w, 2), dtype=bool)
    mask = pair_mask(alive)
    o = np.ones((w, 2))
    growth = np.array([[0.0, 0.1]])  # j grows, i does not: i's power falls
    fut = projected_power(o, o, growth, mask, 3, balance=1.0, first_strike=0.0, exponent=1.0)
    now = pair_contests(o, o, mask, balance=1.0, first_strike=0.0, exponent=1.0).power
    pi = prevention_term(now, fut, 0.9)
    want = sum(0.9 ** h * (0.5 - 1 / (1 + 1.1 ** h)) for h in (1, 2, 3))
    # p = (pf + ps)/2 with pf = 1/(1 + 1.1^h), ps = 1 - 1.1^h/(1.1^h + 1) = pf
    assert pi[0, 0, 1] == pytest.approx(want, rel=1e-12)
    assert pi[0, 1, 0] == 0.0  # the rising state fears no decline


def _hand_policy(greedy_i: bool, mu: float, prevention: float, depth: int, intercept: float = -4.0,
                 lam: float = 30.0) -> WarPolicy:
    """Two states, i = 0 against j = 1 (j greedy), offence-dominant world."""
    w = 1
    mask = pair_mask(np.ones((w, 2), dtype=bool))
    con = pair_contests(np.array([[1.0, 1.0]]), np.array([[1.0, 1.0]]), mask, balance=0.4,
                        first_strike=1.0, exponent=1.0)
    mistrust = np.zeros((w, 2, 2))
    mistrust[0, 0, 1] = mu
    prev = np.zeros((w, 2, 2))
    prev[0, 0, 1] = prevention
    greedy = np.array([[greedy_i, True]])
    return war_policy(con, np.ones((w, 2)), np.full((w, 2, 2), 0.5), mistrust, np.zeros((w, 2, 2)),
                      prev, greedy, mask, greedy_value=2.0, seeker_value=0.0, transfer=0.3,
                      cost=0.05, rationality=lam, intercept=intercept, dispute_cutpoint=2.0,
                      fear_depth=depth)


def test_causes_on_hand_cases():
    # a greedy state that profits without fear: predation
    pol = _hand_policy(True, mu=0.0, prevention=0.0, depth=0)
    assert pol.p_war[0, 0, 1] > 0.5
    assert classify_causes(pol)[0, 0, 1] == Cause.PREDATION
    # a seeker sure that j is greedy, in an offence-dominant world: preemption
    pol = _hand_policy(False, mu=1.0, prevention=0.0, depth=1)
    assert pol.base[0, 0, 1] < 0 < pol.margin[0, 0, 1]
    assert classify_causes(pol)[0, 0, 1] == Cause.PREEMPTION
    # the same seeker without fear but facing a steep decline: prevention
    pol = _hand_policy(False, mu=0.0, prevention=2.0, depth=0)
    assert pol.fear_term[0, 0, 1] == 0 and pol.margin[0, 0, 1] > 0
    assert classify_causes(pol)[0, 0, 1] == Cause.PREVENTION
    # a seeker with neither: any war is inadvertent, and a war happens when u is small
    pol = _hand_policy(False, mu=0.0, prevention=0.0, depth=0)
    assert pol.margin[0, 0, 1] < 0
    u = np.zeros((1, 2, 2))
    u[0, 1, 0] = 1.0  # j does not strike
    attacks, _, _, cause = choose_wars(pol, u)
    assert attacks[0, 0, 1] and cause[0, 0, 1] == Cause.INADVERTENT
    # the tremble vanishes as lambda grows
    trembles = [_hand_policy(False, 0.0, 0.0, 0, intercept=-1.0, lam=lam).p_war[0, 0, 1]
                for lam in (1.0, 10.0, 100.0, 1000.0)]
    assert np.all(np.diff(trembles) < 0) and trembles[-1] < 1e-30
    # fear and prevention each too small alone but enough together: the larger one
    one = np.ones((1, 1, 2))
    pol = WarPolicy(index=10.0 * one, margin=0.1 * one, p_war=0 * one, p_dispute_or_war=0 * one,
                    p_attack=0 * one, fear=0 * one, fear_term=0.6 * one, prevention=0.5 * one,
                    base=-1.0 * one, a_greedy=0 * one, a_seeker=0 * one, rationality=100.0)
    assert classify_causes(pol)[0, 0, 1] == Cause.PREEMPTION
    pol.fear_term, pol.prevention = 0.5 * one, 0.6 * one
    assert classify_causes(pol)[0, 0, 1] == Cause.PREVENTION
    # a war whose index is negative but whose value is positive is predation
    pol.margin, pol.base, pol.index = 0.1 * one, 0.1 * one, -3.0 * one
    assert classify_causes(pol)[0, 0, 1] == Cause.PREDATION
    # at finite lambda: war does not pay (m < 0), but fear made it 16 times likelier
    pol = WarPolicy(index=-5.0 * one, margin=-0.02 * one, p_war=0 * one,
                    p_dispute_or_war=0 * one, p_attack=0 * one, fear=0 * one,
                    fear_term=0.056 * one, prevention=0 * one, base=-0.076 * one,
                    a_greedy=0 * one, a_seeker=0 * one, rationality=50.0)
    assert classify_causes(pol)[0, 0, 1] == Cause.PREEMPTION
    # ... while a fear that adds a tenth to the odds leaves the war a tremble
    pol.fear_term = 0.1 / 50.0 * one
    pol.margin = pol.base + pol.fear_term
    assert classify_causes(pol)[0, 0, 1] == Cause.INADVERTENT


def test_causes_in_the_limit_are_the_deterministic_decomposition():
    """As lambda grows, the attribution of a war that still happens is the sign
    decomposition of the value of war: the only term that makes war pay, or the larger
    one when both or neither alone do."""
    rng = np.random.default_rng(8)
    shape = (1, 1, 4000)
    base = rng.uniform(-0.3, 0.3, shape)
    fear = rng.uniform(0, 0.3, shape)
    prev = rng.uniform(0, 0.3, shape) * (rng.uniform(size=shape) < 0.5)
    margin = base + fear + prev
    lam = 1e6
    zero = np.zeros(shape)
    pol = WarPolicy(index=lam * margin - 4.0, margin=margin, p_war=zero, p_dispute_or_war=zero,
                    p_attack=zero, fear=zero, fear_term=fear, prevention=prev, base=base,
                    a_greedy=zero, a_seeker=zero, rationality=lam)
    got = classify_causes(pol)[0, 0]
    only_fear = (base + fear > 0) & (base + prev <= 0)
    only_prev = (base + prev > 0) & (base + fear <= 0)
    want = np.select([base > 0, only_fear, only_prev, margin > 0],
                     [Cause.PREDATION, Cause.PREEMPTION, Cause.PREVENTION,
                      np.where(fear >= prev, Cause.PREEMPTION, Cause.PREVENTION)],
                     default=Cause.INADVERTENT)[0, 0]
    clear = (np.abs(np.stack([base, base + fear, base + prev, margin, fear - prev])) > 1e-4).all(axis=0)[0, 0]
    happens = (margin > 0)[0, 0]
    sel = clear & happens
    assert sel.sum() > 1000
    np.testing.assert_array_equal(got[sel], want[sel])


def _random_policy(rng, w, n):
    z = rng.normal(-1, 2, (w, n, n))
    idx = np.arange(n)
    z[:, idx, idx] = -np.inf
    fin = np.isfinite(z)
    p = np.where(fin, logistic(np.where(fin, z, 0)), 0.0)
    pdw = np.where(fin, logistic(np.where(fin, z + 2, 0)), 0.0)
    zero = np.zeros((w, n, n))
    return WarPolicy(index=z, margin=z, p_war=p, p_dispute_or_war=pdw,
                     p_attack=chosen_probability(p, z), fear=zero, fear_term=zero,
                     prevention=zero, base=z, a_greedy=zero, a_seeker=zero, rationality=1.0)


def test_choose_wars_one_target_a_year_and_one_war_per_pair():
    rng = np.random.default_rng(5)
    w, n = 200, 4
    pol = _random_policy(rng, w, n)
    z, p, pdw = pol.index, pol.p_war, pol.p_dispute_or_war
    u = rng.uniform(size=(w, n, n))
    attacks, starts, disputes, cause = choose_wars(pol, u)
    assert (attacks.sum(axis=2) <= 1).all()
    assert (starts <= attacks).all() and not (starts & starts.transpose(0, 2, 1)).any()
    mutual = attacks & attacks.transpose(0, 2, 1)
    assert mutual.any() and (starts | starts.transpose(0, 2, 1))[mutual].all()
    assert not (attacks & disputes).any()
    assert (attacks <= (u < p)).all() and (disputes == ((u >= p) & (u < pdw))).all()
    assert ((cause > 0) == starts).all()
    # the chosen target is the triggered one with the highest index
    trig = u < p
    for ww, ii in zip(*np.nonzero(trig.any(axis=2)), strict=True):
        best = np.argmax(np.where(trig[ww, ii], z[ww, ii], -np.inf))
        assert attacks[ww, ii, best]


def test_attack_probability_after_the_choice_matches_the_draws():
    """P(i attacks j) = p_j prod_{k above j} (1 - p_k): the likelihood beliefs use is the
    frequency of the draws (20,000 draws per pair; 4 binomial standard errors)."""
    rng = np.random.default_rng(6)
    n, draws = 5, 20000
    pol = _random_policy(rng, 3, n)
    w = pol.index.shape[0]
    freq = np.zeros((w, n, n))
    for _ in range(draws // 1000):
        u = rng.uniform(size=(1000, w, n, n))
        for k in range(1000):
            freq += choose_wars(pol, u[k])[0]
    freq /= draws
    q = pol.p_attack
    se = np.sqrt(q * (1 - q) / draws) + 1e-12
    assert (np.abs(freq - q) < 4 * se + 1e-9).all()
    assert (q <= pol.p_war + 1e-15).all() and (q.sum(axis=2) <= 1 + 1e-12).all()
    # with one target the choice changes nothing
    np.testing.assert_allclose(chosen_probability(pol.p_war[:, :, :1], pol.index[:, :, :1]),
                               pol.p_war[:, :, :1])


def test_level_two_fear_spirals_between_seekers():
    """Two seekers: i's fear of j rises with nu (what i thinks j believes about i)."""
    w = 1
    mask = pair_mask(np.ones((w, 2), dtype=bool))
    con = pair_contests(np.ones((w, 2)), np.ones((w, 2)), mask, balance=0.4, first_strike=1.0,
                        exponent=1.0)
    fears = []
    for nu in (0.0, 0.5, 0.9, 0.99):
        pol = war_policy(con, np.ones((w, 2)), np.full((w, 2, 2), 0.5), np.full((w, 2, 2), 0.2),
                         np.full((w, 2, 2), nu), np.zeros((w, 2, 2)), np.zeros((w, 2), bool), mask,
                         greedy_value=2.0, seeker_value=0.0, transfer=0.3, cost=0.05,
                         rationality=30.0, intercept=-4.0, dispute_cutpoint=2.0, fear_depth=2)
        fears.append(pol.fear[0, 0, 1])
    assert np.all(np.diff(fears) > 0), fears


def test_war_when_power_shifts_outrun_peaceful_change():
    """Powell (2006): i's power falls by s a year while the status quo follows the
    bargaining point at rate r. With equal outputs the status quo then lags the point by
    e_t = s (1 - (1 - r)^t) / r, and the rising j (omega = 1, lambda -> inf) attacks once
    the lag exceeds half the bargaining range, (c_A + c_B - gap) / 2. War within T years
    iff e_T exceeds it: checked on a grid of shift speeds and rates of change."""
    steps, tau, c = 60, 0.5, 0.05
    cost_share = c / (2 * tau)                 # c_A = c_B with equal outputs
    mask = pair_mask(np.ones((1, 2), dtype=bool))
    y = np.ones((1, 2))
    checked = wars = 0
    for s in (0.001, 0.002, 0.004, 0.008):
        for r in (0.02, 0.05, 0.1, 0.2, 0.5, 1.0):
            gap = 0.06
            half = (2 * cost_share - gap) / 2
            lag_t = s * (1 - (1 - r) ** np.arange(steps)) / r
            if np.min(np.abs(lag_t - half)) < 1e-4:
                continue                       # too close to the boundary to call
            expect = bool((lag_t > half).any())
            x = None
            war_year = -1
            for t in range(steps):
                pf = 0.75 - s * t
                con = Contests(p_first=np.where(mask, [[[0.0, pf], [1 - (pf - gap), 0.0]]], 0.0),
                               p_second=np.where(mask, [[[0.0, pf - gap], [1 - pf, 0.0]]], 0.0))
                target = bargaining_point(con, y, mask, transfer=tau, cost=c)
                if x is None:
                    x = target.copy()
                pol = war_policy(con, y, x, np.ones((1, 2, 2)), np.ones((1, 2, 2)),
                                 np.zeros((1, 2, 2)), np.ones((1, 2), bool), mask,
                                 greedy_value=1.0, seeker_value=0.0, transfer=tau, cost=c,
                                 rationality=LIMIT, intercept=0.0, dispute_cutpoint=1.0,
                                 fear_depth=0)
                if (pol.p_war > 0.5).any():
                    war_year = t
                    assert pol.p_war[0, 1, 0] > 0.5 and pol.p_war[0, 0, 1] < 0.5  # the riser
                    break
                x = update_status_quo(x, target, mask, r)
            assert (war_year >= 0) == expect, (s, r, war_year, lag_t[-1], half)
            checked += 1
            wars += expect
    assert checked >= 20 and 0 < wars < checked


def test_chosen_probability_ties_go_to_the_lower_target_as_in_the_draw():
    z = np.array([[[-np.inf, 0.5, 0.5, 2.0, -40.0]]])
    p = np.where(np.isfinite(z), logistic(np.where(np.isfinite(z), z, 0.0)), 0.0)
    q = chosen_probability(p, z)[0, 0]
    p = p[0, 0]
    assert q[0] == 0.0
    assert q[3] == pytest.approx(p[3], rel=1e-15)
    assert q[1] == pytest.approx(p[1] * (1 - p[3]), rel=1e-15)
    assert q[2] == pytest.approx(p[2] * (1 - p[3]) * (1 - p[1]), rel=1e-15)
    # a negligible trigger (p < 1e-12) ranks last: its factor is the product of the others
    assert q[4] == pytest.approx(p[4] * (1 - p[3]) * (1 - p[1]) * (1 - p[2]), rel=1e-12)
    # the draw agrees on the tie: with both triggered, target 1 is attacked
    zz = np.full((1, 5, 5), -np.inf)
    zz[0, 0] = z[0, 0]
    pp = np.zeros((1, 5, 5))
    pp[0, 0] = p
    zero = np.zeros((1, 5, 5))
    pol = WarPolicy(index=zz, margin=zz, p_war=pp, p_dispute_or_war=pp, p_attack=zero,
                    fear=zero, fear_term=zero, prevention=zero, base=zero, a_greedy=zero,
                    a_seeker=zero, rationality=1.0)
    u = np.ones((1, 5, 5))
    u[0, 0, 1] = u[0, 0, 2] = 0.0
    assert choose_wars(pol, u)[0][0, 0].tolist() == [False, True, False, False, False]


def _tied_policy_inputs(seed: int, w: int = 5, n: int = 40):
    """Random worlds whose stocks take few values (many tied indices), labels permuted."""
    rng = np.random.default_rng(seed)
    alive = rng.random((w, n)) > 0.1
    mask = pair_mask(alive)
    o = rng.choice([0.5, 1.0, 2.0], size=(w, n))
    d = rng.choice([0.5, 1.0, 2.0], size=(w, n))
    con = pair_contests(o, d, mask, balance=0.7, first_strike=0.3, exponent=1.0)
    y = rng.choice([1.0, 2.0], size=(w, n))
    mu = rng.choice([0.1, 0.5, 0.9], size=(w, n, n))
    label = np.ascontiguousarray(np.array([rng.permutation(n) for _ in range(w)]))
    return con, y, mu, alive, mask, label


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_guided_rankings_give_the_merge_sort_bit_for_bit(seed):
    # level 1 and the chosen target are ranked from an earlier ranking (insertion sort):
    # the probabilities must equal those of the fresh merge sort exactly, ties included
    from herz.world.bargaining import _labels, _typed_kernel

    con, y, mu, _alive, mask, label = _tied_policy_inputs(seed)
    w, n = y.shape
    greedy = np.random.default_rng(seed).random((w, n)) < 0.3
    pol = war_policy(con, y, np.full((w, n, n), 0.5), mu, mu.transpose(0, 2, 1),
                     np.zeros((w, n, n)), greedy, mask, greedy_value=1.5, seeker_value=0.0,
                     transfer=0.2, cost=0.05, rationality=20.0, intercept=-1.0,
                     dispute_cutpoint=2.0, fear_depth=2, label=label)
    ref = chosen_probability(pol.p_war, pol.index, label)
    assert np.array_equal(pol.p_attack.view(np.uint64), ref.view(np.uint64))
    assert (pol.p_attack > 0).sum() > n  # the case is not empty
    # the typed kernel: a reversed guess (worst case: the fallback) and a good one
    rng = np.random.default_rng(seed + 10)
    args = [np.ascontiguousarray(rng.choice([-0.2, 0.0, 0.3], size=(w, n, n))) for _ in range(5)]
    gain_g, gain_s, rest, loss, fear = args
    act = np.ascontiguousarray(mask)
    lab = _labels(label, mask.shape)
    outs = []
    first_orders: tuple = ()
    for guess in (None, "reversed", "same"):
        a_g, a_s = np.empty((w, n, n)), np.empty((w, n, n))
        if guess is None:
            o_g, o_s = np.empty((w, n, n), dtype=np.int64), np.empty((w, n, n), dtype=np.int64)
            m_g, m_s = np.empty((w, n), dtype=np.int64), np.empty((w, n), dtype=np.int64)
        elif guess == "reversed":
            o_g = np.ascontiguousarray(np.broadcast_to(np.arange(n)[::-1], (w, n, n)))
            o_s = o_g.copy()
            m_g, m_s = np.full((w, n), n), np.full((w, n), n)
        else:
            o_g, o_s, m_g, m_s = first_orders
        _typed_kernel(gain_g, gain_s, rest, loss, fear, 1.5, 0.0, 20.0, np.full(w, -1.0),
                      np.zeros((w, n, n)), act, lab, a_g, a_s, guess is not None, o_g, m_g,
                      o_s, m_s)
        if guess is None:
            first_orders = (o_g.copy(), o_s.copy(), m_g.copy(), m_s.copy())
        outs.append((a_g.view(np.uint64), a_s.view(np.uint64)))
    for a_g, a_s in outs[1:]:
        assert np.array_equal(a_g, outs[0][0]) and np.array_equal(a_s, outs[0][1])
