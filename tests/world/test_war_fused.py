"""The fused war decision and the sparse war draws equal their NumPy definitions bit for bit.

:func:`herz.world.bargaining.war_decision` replaces, in the war step, the chain
pair_contests -> projected_power -> prevention_term -> war_policy ->
bargaining_point -> update_status_quo, and :func:`war_policy` computes its
glue (the margin's parts, z, Lambda(z), Lambda(z + kappa)) in compiled loops.
Here the chain and the glue are written out in NumPy as they stood before the
fusion (SciPy's ``expit`` for the logistic) and compared as uint64, on random
worlds with ties, per-world parameters, a contest exponent, buffers and pooled
defence. The sparse streams (:class:`herz.world.noise.PairDraws`) are checked
against the full fills they replace.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import expit

from herz.world.bargaining import (
    _labels,
    _typed_kernel,
    bargaining_point,
    chosen_probability,
    pair_contests,
    pair_mask,
    prevention_term,
    projected_power,
    update_status_quo,
    war_decision,
    war_policy,
)
from herz.world.consequences import fight_year, join_balancers
from herz.world.noise import PairDraws, Stream, fill_uniform_pairs, uniform_pairs_at, world_keys


def _bits(x: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(x, dtype=float).view(np.uint64)


def _inputs(seed: int, w: int = 4, n: int = 30):
    rng = np.random.default_rng(seed)
    alive = rng.random((w, n)) > 0.1
    relevant = rng.random((w, n, n)) > 0.1
    mask = pair_mask(alive, relevant)  # not symmetric: p^s reads the masked transpose
    return dict(
        offense=rng.choice([0.5, 1.0, 2.0, 0.0], size=(w, n)) * rng.uniform(0.5, 2.0, (w, 1)),
        defense=rng.choice([0.5, 1.0, 2.0], size=(w, n)),
        growth=rng.normal(0.02, 0.03, (w, n)),
        output=rng.choice([0.0, 1.0, 2.0, 3.5], size=(w, n), p=[0.05, 0.4, 0.4, 0.15]),
        status_quo=rng.uniform(0.0, 1.0, (w, n, n)),
        mistrust=rng.choice([0.1, 0.5, 0.9], size=(w, n, n)),
        second_order_logit=rng.normal(0.0, 2.0, (w, n, n)),
        greedy=rng.random((w, n)) < 0.3,
        mask=mask,
        can_act=rng.random((w, n)) > 0.2,
        shift=-0.3 * rng.choice([0.0, 1.0, 2.0], size=(w, n))[:, :, None]
        + rng.normal(0.0, 0.1, (w, n, n)),
        label=np.ascontiguousarray(np.array([rng.permutation(n) for _ in range(w)])),
    ), rng


def _reference(x, rng, *, balance, first_strike, exponent, extra, reach, horizon, discount,
               rate, gv, sv, tau, cost, lam, a0, kappa, fear_depth, greed_scale):
    """The war decision as the war step computed it before the fusion (NumPy, SciPy's expit)."""
    mask = x["mask"]
    cs = dict(balance=balance, first_strike=first_strike, exponent=exponent,
              defense_extra=extra, reach=reach)
    con = pair_contests(x["offense"], x["defense"], mask, **cs)
    if horizon > 0:
        future = projected_power(x["offense"], x["defense"], x["growth"], mask, horizon, **cs)
        prev = prevention_term(con.power, future, discount)
    else:
        prev = np.zeros(mask.shape)
    act = np.ascontiguousarray(mask & x["can_act"][:, :, None])
    y = x["output"]
    yi, yj = y[:, :, None], y[:, None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(mask & (yi > 0), yj / np.where(yi > 0, yi, 1.0), 0.0)
    pf, ps = con.p_first, con.p_second
    sq = x["status_quo"]
    gain = pf * tau * ratio - tau * (sq * (1.0 + ratio) - 1.0)
    prev_term = tau * prev
    rest = -(1.0 - pf) * tau - cost + prev_term
    loss = (1.0 - ps) * tau + cost
    gain_g = gain if greed_scale is None else gain * greed_scale
    sh = x["shift"]
    a0_w = np.broadcast_to(np.asarray(a0, float).reshape(-1), (mask.shape[0],))
    lab = _labels(x["label"], mask.shape)

    def typed(fear):
        # the typed kernel as the war policy called it before (fresh rankings)
        a_g, a_s = np.empty(mask.shape), np.empty(mask.shape)
        orders = [np.empty(mask.shape, dtype=np.int64), np.empty(mask.shape[:2], dtype=np.int64)]
        _typed_kernel(np.ascontiguousarray(gain_g), gain, rest, loss, np.ascontiguousarray(fear),
                      gv, sv, lam, np.ascontiguousarray(a0_w), np.ascontiguousarray(sh), act,
                      lab, a_g, a_s, False, *orders, *[o.copy() for o in orders])
        return a_g, a_s

    a_g, a_s = typed(np.zeros(mask.shape))
    if fear_depth == 2:
        nu_t = expit(x["second_order_logit"]).transpose(0, 2, 1)
        h1 = nu_t * a_g.transpose(0, 2, 1) + (1.0 - nu_t) * a_s.transpose(0, 2, 1)
        a_g, a_s = typed(np.where(mask, h1, 0.0))
    mu = x["mistrust"]
    fear = np.zeros(mask.shape) if fear_depth == 0 else \
        np.where(mask, mu * a_g.transpose(0, 2, 1) + (1.0 - mu) * a_s.transpose(0, 2, 1), 0.0)
    base = np.where(x["greedy"][:, :, None], gv * gain_g, sv * gain) - (1.0 - pf) * tau - cost
    fear_term = fear * loss
    margin = base + fear_term + prev_term
    z = np.where(act, lam * margin + a0 + sh, -np.inf)
    p_war = np.where(act, expit(np.where(act, z, 0.0)), 0.0)
    p_dw = np.where(act, expit(np.where(act, z + kappa, 0.0)), 0.0)
    p_attack = chosen_probability(p_war, z, lab)
    target = bargaining_point(con, y, mask, transfer=tau, cost=cost)
    new_sq = update_status_quo(sq, target, mask, rate)
    return dict(index=z, margin=margin, p_war=p_war, p_dispute_or_war=p_dw, p_attack=p_attack,
                fear=fear, fear_term=fear_term, prevention=prev_term, base=base, a_greedy=a_g,
                a_seeker=a_s), new_sq


CASES = {
    "default": dict(),
    "exponent_first_strike": dict(exponent=1.7, first_strike=0.5),
    "per_world": dict(per_world=True),
    "buffers_pooling_greed": dict(extra=True, reach=True, greed=True, exponent=1.3),
    "fear1_no_prevention": dict(fear_depth=1, horizon=0),
    "fear0_no_transfer": dict(fear_depth=0, tau=0.0),
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("seed", [0, 1])
def test_war_decision_equals_the_numpy_chain_bit_for_bit(case, seed):
    x, rng = _inputs(seed)
    w, n = x["output"].shape
    spec = CASES[case]
    per_world = spec.get("per_world", False)

    def pw(value, spread):
        return (value + spread * rng.uniform(-1, 1, w)).reshape(w, 1, 1) if per_world else value

    kw = dict(balance=pw(0.8, 0.5), first_strike=spec.get("first_strike", 0.2),
              exponent=spec.get("exponent", 1.0),
              extra=rng.uniform(0, 1, (w, n, n)) if spec.get("extra") else None,
              reach=np.exp(-rng.uniform(0, 1, (w, n, n))) if spec.get("reach") else None,
              horizon=spec.get("horizon", 3), discount=0.9, rate=0.25, gv=1.5, sv=0.0,
              tau=spec.get("tau", 0.2), cost=pw(0.05, 0.04), lam=20.0, a0=pw(-2.0, 1.0),
              kappa=pw(2.0, 1.0), fear_depth=spec.get("fear_depth", 2),
              greed_scale=rng.uniform(0.5, 1.0, (w, n, n)) if spec.get("greed") else None)
    ref, ref_sq = _reference(x, rng, **kw)
    pol, new_sq = war_decision(
        x["offense"], x["defense"], x["growth"], x["output"], x["status_quo"], x["mistrust"],
        x["second_order_logit"], x["greedy"], x["mask"], balance=kw["balance"],
        first_strike=kw["first_strike"], exponent=kw["exponent"], defense_extra=kw["extra"],
        reach=kw["reach"], prevention_horizon=kw["horizon"], prevention_discount=kw["discount"],
        peaceful_change=kw["rate"], greedy_value=kw["gv"], seeker_value=kw["sv"],
        transfer=kw["tau"], cost=kw["cost"], rationality=kw["lam"], intercept=kw["a0"],
        dispute_cutpoint=kw["kappa"], fear_depth=kw["fear_depth"], shift=x["shift"],
        can_act=x["can_act"], label=x["label"], greed_scale=kw["greed_scale"])
    for name, value in ref.items():
        assert np.array_equal(_bits(getattr(pol, name)), _bits(value)), name
    assert np.array_equal(_bits(new_sq), _bits(ref_sq))
    assert (pol.p_attack > 1e-6).sum() > n  # the case is not empty
    # war_policy from the contests (the public entry) gives the same policy
    cs = dict(balance=kw["balance"], first_strike=kw["first_strike"], exponent=kw["exponent"],
              defense_extra=kw["extra"], reach=kw["reach"])
    con = pair_contests(x["offense"], x["defense"], x["mask"], **cs)
    prev = prevention_term(con.power, projected_power(x["offense"], x["defense"], x["growth"],
                                                      x["mask"], kw["horizon"], **cs),
                           kw["discount"]) if kw["horizon"] else np.zeros(x["mask"].shape)
    again = war_policy(con, x["output"], x["status_quo"], x["mistrust"],
                       expit(x["second_order_logit"]), prev, x["greedy"], x["mask"],
                       greedy_value=kw["gv"], seeker_value=kw["sv"], transfer=kw["tau"],
                       cost=kw["cost"], rationality=kw["lam"], intercept=kw["a0"],
                       dispute_cutpoint=kw["kappa"], fear_depth=kw["fear_depth"],
                       shift=x["shift"], can_act=x["can_act"], label=x["label"],
                       greed_scale=kw["greed_scale"])
    for name in ref:
        assert np.array_equal(_bits(getattr(again, name)), _bits(getattr(pol, name))), name


def test_compiled_logistic_is_scipys_expit_bit_for_bit():
    from herz.world.bargaining import _level1_fear_kernel

    rng = np.random.default_rng(5)
    z = np.concatenate([rng.normal(0, s, 20000) for s in (0.1, 1.0, 10.0, 300.0)]
                       + [np.array([0.0, -0.0, 1e-300, -745.0, 710.0, -710.0, 40.0, -40.0])])
    w = z.size  # one world per value: nu_10 = Lambda(z_w) is read at pair (0, 1)
    belief = np.zeros((w, 2, 2))
    belief[:, 1, 0] = z
    a_g = np.zeros((w, 2, 2))
    a_g[:, 1, 0] = 1.0
    mask = np.zeros((w, 2, 2), dtype=bool)
    mask[:, 0, 1] = True
    out = np.empty((w, 2, 2))
    _level1_fear_kernel(belief, True, a_g, np.zeros((w, 2, 2)), mask, out)
    assert np.array_equal(_bits(out[:, 0, 1]), _bits(expit(z)))


def test_sparse_draws_are_the_full_fill_at_those_pairs():
    w, n = 3, 17
    keys = world_keys(4, w)
    rng = np.random.default_rng(2)
    labels = np.ascontiguousarray(np.array([rng.permutation(n) for _ in range(w)]))
    full = fill_uniform_pairs(keys, Stream.WAR_END, 9, labels, np.empty((w, n, n)))
    ww, ii, jj = np.nonzero(rng.random((w, n, n)) < 0.2)
    got = uniform_pairs_at(keys, Stream.WAR_END, 9, labels, ww, ii, jj)
    assert np.array_equal(_bits(got), _bits(full[ww, ii, jj]))
    draws = PairDraws(keys, Stream.WAR_END, 9, labels)
    assert np.array_equal(_bits(draws.full()), _bits(full))
    assert uniform_pairs_at(keys, Stream.WAR_END, 9, labels, ww[:0], ii[:0], jj[:0]).size == 0


def test_balancing_and_fighting_give_the_same_with_sparse_draws():
    w, n = 6, 12
    rng = np.random.default_rng(8)
    keys = world_keys(3, w)
    labels = np.ascontiguousarray(np.array([rng.permutation(n) for _ in range(w)]))
    war = np.zeros((w, n, n), dtype=bool)
    war[:, 0, 1] = True
    war[:3, 4, 2] = True
    alive = rng.random((w, n)) > 0.1
    alive[:, :2] = True
    y = rng.uniform(1, 3, (w, n))
    mu = rng.uniform(0, 1, (w, n, n))
    kw = dict(rationality=3.0, intercept=-1.0)
    full_b = fill_uniform_pairs(keys, Stream.BALANCING, 5, labels, np.empty((w, n, n)))
    ally = join_balancers(war, np.zeros_like(war), alive, mu, y, full_b, **kw)
    sparse = join_balancers(war, np.zeros_like(war), alive, mu, y,
                            PairDraws(keys, Stream.BALANCING, 5, labels), **kw)
    assert np.array_equal(ally, sparse) and ally.any() and not ally.all()
    args = (war, ally, rng.uniform(0.5, 2, (w, n)), rng.uniform(0.5, 2, (w, n)), y, alive,
            rng.random((w, n)) < 0.5, np.zeros((w, n)))
    fk = dict(u_regime=rng.random((w, n)), u_type=rng.random((w, n)),
              balance=np.full((w, 1, 1), 0.8), first_strike=0.2, exponent=1.5, end_base=0.3,
              end_slope=1.0, output_destruction=0.05, arms_destruction=0.2, transfer=0.2,
              death_threshold=0.3, regime_change=0.5, p_greedy=0.5, weariness_decay=0.8)
    full = fight_year(*args, u_end=fill_uniform_pairs(keys, Stream.WAR_END, 5, labels,
                                                      np.empty((w, n, n))),
                      u_win=fill_uniform_pairs(keys, Stream.WAR_WINNER, 5, labels,
                                               np.empty((w, n, n))), **fk)
    part = fight_year(*args, u_end=PairDraws(keys, Stream.WAR_END, 5, labels),
                      u_win=PairDraws(keys, Stream.WAR_WINNER, 5, labels), **fk)
    for name in vars(full):
        a, b = getattr(full, name), getattr(part, name)
        assert np.array_equal(a.view(np.uint8), b.view(np.uint8)), name
    assert full.ended.any() and not full.ended.all()


def _rank_rows(z, p, lab, radix):
    """Rankings of each row of z by the merge sort or the radix sort (order, m) per row."""
    import numba as nb

    from herz.world.bargaining import _label_positions, _radix_scratch, _rank_fresh, _rank_radix

    @nb.njit
    def run(z, p, lab, radix, out, ms):  # pragma: no cover - compiled
        rows, n = z.shape
        idx = np.empty(n, dtype=np.int64)
        buf = np.empty(n, dtype=np.int64)
        pos, keys, kf, kbuf, cnt = _radix_scratch(n)
        perm = _label_positions(lab, pos)
        for r in range(rows):
            if radix and perm:
                ms[r] = _rank_radix(z[r], pos, p[r], out[r], idx, buf, keys, kf, kbuf, cnt)
            else:
                ms[r] = _rank_fresh(z[r], lab, p[r], out[r], idx, buf)
        return perm

    out = np.full(z.shape, -1, dtype=np.int64)
    ms = np.zeros(z.shape[0], dtype=np.int64)
    perm = run(z, p, lab, radix, out, ms)
    return out, ms, perm


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_radix_ranking_is_the_merge_sort_ranking(seed):
    rng = np.random.default_rng(seed)
    rows, n = 400, 150
    z = rng.normal(-6.0, 2.0, (rows, n))
    z[:, ::5] = np.round(z[:, ::5], 1)  # exact ties
    z[:50] = -6.0 + rng.integers(0, 3, (50, n)) * 1e-13  # keys sharing their top bytes
    z[50:100] = rng.choice([-0.0, 0.0, 1.0, -1.0, np.inf, 5e-324, -5e-324], size=(50, n))
    z[100:150] = rng.normal(0.0, 1e3, (50, n))  # signs and binades mixed
    p = expit(z)
    p[:, ::7] = 0.0  # left out of the ranking
    p[:, 3::11] = 1e-13
    z[:, ::7] = -np.inf
    p[150:160] = 0.0  # rows with nothing to rank
    lab = rng.permutation(n)
    ref, m_ref, _ = _rank_rows(z, p, lab, False)
    got, m_got, perm = _rank_rows(z, p, lab, True)
    assert perm and np.array_equal(m_ref, m_got) and m_ref.max() > 100
    for r in range(rows):
        assert np.array_equal(ref[r, :m_ref[r]], got[r, :m_got[r]]), r
    # labels that are not a permutation: the merge sort is kept
    lab2 = lab.copy()
    lab2[0] = lab2[1]
    assert not _rank_rows(z, p, lab2, True)[2]


@pytest.mark.parametrize("seed", [0, 1])
def test_choice_drawing_its_uniforms_equals_the_filled_draw(seed):
    from herz.world.bargaining import choose_wars

    x, _ = _inputs(seed, w=6, n=25)
    w, n = x["output"].shape
    pol, _ = war_decision(
        x["offense"], x["defense"], x["growth"], x["output"], x["status_quo"], x["mistrust"],
        x["second_order_logit"], x["greedy"], x["mask"], balance=0.5, first_strike=0.5,
        exponent=1.0, defense_extra=None, reach=None, prevention_horizon=2,
        prevention_discount=0.9, peaceful_change=0.2, greedy_value=1.5, seeker_value=0.0,
        transfer=0.2, cost=0.02, rationality=10.0, intercept=1.0, dispute_cutpoint=2.0,
        fear_depth=2, shift=x["shift"], can_act=x["can_act"], label=x["label"])
    pol.index[0, 0, :] = 3.0  # tied indices
    pol.p_war[0, 0, :] = np.where(pol.p_war[0, 0] > 0, 0.9, 0.0)
    keys = world_keys(seed, w)
    u = fill_uniform_pairs(keys, Stream.WAR_DECISION, 11, x["label"], np.empty((w, n, n)))
    full = choose_wars(pol, u)
    drawn = choose_wars(pol, keys=keys, step=11, labels=x["label"])
    for a, b in zip(full, drawn, strict=True):
        assert np.array_equal(a, b)
    attacks, starts, disputes, _ = full
    mutual = attacks & attacks.transpose(0, 2, 1)
    assert attacks.sum() > w and disputes.any() and mutual.any()
    assert (starts & starts.transpose(0, 2, 1)).sum() == 0 and starts.sum() < attacks.sum()
