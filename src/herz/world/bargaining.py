"""The war decision with bargaining (DESIGN.md 2.5): contest, fear, prevention, status quo.

Every function is pure and batched: pair arrays are (W, N, N) with [w, i, j]
read "i against j"; pairs with a dead state and the diagonal are masked (their
probabilities are 0).

**Contest.** i striking first wins against j with
p^f_ij = (phi O_i)^g / ((phi O_i)^g + (delta D_j)^g), phi = 1 + f the
first-strike advantage, delta the offense-defense balance (delta < 1 offence
dominance) and g the contest's decisiveness (Hirshleifer 1989; g = 1 is the
ratio form of MODELS.md 2.3 and 5). Struck first, i wins with
p^s_ij = 1 - p^f_ji. The first-strike gap p^f - p^s is the same in both
directions of a pair.

**Values** (per unit of i's output Y_i). War:
U^W = omega p^f tau Y_j - (1 - p^f) tau Y_i - c Y_i, with tau the share of the
loser's output the winner takes and c the cost of fighting as a share of one's
own output. Peace: U^P = omega gain(x) - h [(1 - p^s) tau Y_i + c Y_i] - Pi. The
type's value of gains omega is ``seeker_value`` (about 0: a security seeker
values only not losing) or ``greedy_value`` (> 1). The pair's stake is
S = tau (Y_i + Y_j); without a bargain each keeps its own (share
Y_i / (Y_i + Y_j)); in the status quo i holds the share x_ij of the stake, so
gain(x) = tau [x_ij (Y_i + Y_j) - Y_i], on the same scale as the war's
expected gain tau [p^f (Y_i + Y_j) - Y_i].

**Fear** of being attacked first (Schelling 1960, "the reciprocal fear of
surprise attack"): h_ij = mu_ij a^G_ji + (1 - mu_ij) a^S_ji, the chance j
strikes this year under the world's own policy for a greedy and a seeker j.
Level k (``fear_depth``, k <= 2): at level 0 nobody fears (h = 0); at level 1
i predicts j's attack with j fearing nobody; at level 2 i predicts j's attack
with j fearing i at h_ji = nu_ij a^G_ij + (1 - nu_ij) a^S_ij (level 0), nu_ij
what i thinks j believes about i.

**Prevention** (Fearon 1995; Powell 2006): Pi_ij = sum_{h=1..H} b^h
max(0, p_t - p_{t+h}) tau Y_i, the discounted fall of i's bargaining power
p = (p^f + p^s) / 2 projected from the states' growth rates.

**Peaceful change** (Powell 2006): the status quo moves each year a share r of
the way to the Nash bargaining point of the war's expected outcome, the
midpoint of Fearon's range [p^f - c_A, p^s + c_B], with c_A = c Y_i / S and
c_B = c Y_j / S; with equal outputs that point is p = (p^f + p^s) / 2. Power
that shifts faster than r leaves the rising state's share behind its power.

**Decision.** The war index is
z = lambda (U^W - U^P) / Y_i + alpha_0 - psi W_i + shift; P(attack) = Lambda(z)
and, with a lower cutpoint kappa > 0, P(dispute or attack) = Lambda(z + kappa)
(an ordered logit: a dispute is a display of force short of war). In the
deterministic limit lambda -> infinity with Pi = 0 a seeker (omega = 0) attacks
iff h > [(1 - p^f) tau + c] / [(1 - p^s) tau + c] (:func:`seeker_threshold`),
and two risk-neutral states (omega = 1) at the bargaining point fight iff
p^f - p^s > c_A + c_B (Fearon 1995).

**Cause** of each war, from the decomposition of the value of war over peace
m = (U^W - U^P) / Y_i = base + fear term + prevention term. *Predation* if war
pays without fear and prevention (base > 0). Otherwise a motive is *pivotal*
when taking it out of the index would more than halve the probability of the
attack (the probability of necessity exceeds 1/2; Pearl 2009, ch. 9):
*inadvertent* if fear and prevention together are not pivotal (the attack is a
tremble of the logit, as likely without them); else *preemption* if fear alone
is pivotal, *prevention* if prevention alone is, and the larger of the two terms
when both or neither are (over-determined or jointly caused). As
lambda -> infinity this is the deterministic decomposition (only fear makes
war pay: preemption; only prevention: prevention; war does not pay: no war, so
the tremble vanishes); at finite lambda a war that fear made twenty times
likelier is preemptive even if its expected value was negative.

References
----------
Fearon, J. D. (1995). Rationalist explanations for war. *International
Organization* 49(3): 379-414. doi:10.1017/S0020818300033324.

Powell, R. (2006). War as a commitment problem. *International Organization*
60(1): 169-203. doi:10.1017/S0020818306060061.

Schelling, T. C. (1960). *The Strategy of Conflict*, ch. 9 ("The reciprocal fear
of surprise attack"). Harvard University Press.

Van Evera, S. (1998). Offense, defense, and the causes of war. *International
Security* 22(4): 5-43. doi:10.1162/isec.22.4.5.

Hirshleifer, J. (1989). Conflict and rent-seeking success functions: ratio vs.
difference models of relative success. *Public Choice* 63(2): 101-112.
doi:10.1007/BF00153394.

Pearl, J. (2009). *Causality*, 2nd ed., ch. 9 (probability of necessity).
Cambridge University Press.

Nash, J. F. (1950). The bargaining problem. *Econometrica* 18(2): 155-162.

McKelvey, R. D. and Palfrey, T. R. (1995). Quantal response equilibria for
normal form games. *Games and Economic Behavior* 10(1): 6-38 (the logit's
rationality parameter lambda).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

import numba as nb
import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import expit

from herz.world._dual import dual
from herz.world.noise import Stream, _uniform, _words

__all__ = [
    "Cause",
    "Contests",
    "WarPolicy",
    "bargaining_point",
    "choose_wars",
    "chosen_probability",
    "classify_causes",
    "contest_success",
    "fearon_war",
    "logistic",
    "pair_contests",
    "pair_mask",
    "prevention_term",
    "projected_power",
    "seeker_threshold",
    "update_status_quo",
    "war_decision",
    "war_margin",
    "war_policy",
]

F8 = NDArray[np.float64]
B1 = NDArray[np.bool_]


class Cause(enum.IntEnum):
    """Why a war started (the decomposition of the war index; module docstring)."""

    NONE = 0
    PREDATION = 1
    PREEMPTION = 2
    PREVENTION = 3
    INADVERTENT = 4


def logistic(z: ArrayLike) -> F8:
    """Lambda(z) = 1 / (1 + exp(-z)), accurate in both tails.

    Small attack probabilities are likelihoods of the belief update: they must not round to 0.
    """
    return np.asarray(expit(np.asarray(z, dtype=float)), dtype=float)


def contest_success(attack_offense: ArrayLike, target_defense: ArrayLike, balance: float,
                    first_strike: float = 0.0, exponent: float = 1.0) -> F8:
    """Probability that the attacker wins: (phi O)^g / ((phi O)^g + (delta D)^g), phi = 1 + f.

    The world's one contest success function (Hirshleifer 1989). At g = 1 and
    f = 0 it is ``herz.models.preemption.contest_success`` (a / (a + delta d)),
    batched. An attacker without offence never wins; one facing no defence
    always does (both zero: 0, as in version 1).
    """
    a, d = _contest_powers(attack_offense, target_defense, balance, first_strike, exponent)
    den = a + d
    out = np.zeros(np.broadcast_shapes(a.shape, d.shape))
    np.divide(a, den, out=out, where=den > 0.0)
    return out


def _contest_powers(attack_offense: ArrayLike, target_defense: ArrayLike, balance: Any,
                    first_strike: float, exponent: float) -> tuple[F8, F8]:
    """The two sides of :func:`contest_success`: (phi O)^g and (delta D)^g, as NumPy computes them.

    The powers stay in NumPy (its ``power`` may round differently from a compiled
    loop's); the fused war kernel reads them and only adds and divides.
    """
    a = (1.0 + first_strike) * np.asarray(attack_offense, dtype=float)
    d = balance * np.asarray(target_defense, dtype=float)
    if exponent != 1.0:
        a = a ** exponent
        d = d ** exponent
    return a, d


def _pair_powers(offense: F8, defense: F8, *, balance: Any, first_strike: float,
                 exponent: float, defense_extra: F8 | None = None,
                 reach: F8 | None = None) -> tuple[F8, F8]:
    """:func:`_contest_powers` of every pair [i, j] as :func:`pair_contests` forms them.

    Per state ((W, N, 1) and (W, 1, N)) unless buffers or pooled defence make them per pair.
    """
    o, d = _pair_stocks(offense, defense, defense_extra, reach)
    return _contest_powers(o, d, balance, first_strike, exponent)


def _pair_stocks(offense: F8, defense: F8, defense_extra: F8 | None,
                 reach: F8 | None) -> tuple[F8, F8]:
    """The offence of i that reaches j and the defence of j against i, as every contest reads them."""
    o = offense[:, :, None]
    if reach is not None:
        o = o * reach
    d = defense[:, None, :]
    if defense_extra is not None:
        d = d + defense_extra
    return o, d


def pair_mask(alive: B1, relevant: B1 | None = None) -> B1:
    """Pairs that can act on each other: both alive, i != j (and politically relevant)."""
    n = alive.shape[1]
    mask = alive[:, :, None] & alive[:, None, :] & ~np.eye(n, dtype=bool)[None]
    if relevant is not None:
        mask &= relevant
    return mask


@dataclass
class Contests:
    """First-strike contests of every pair: p_first [i, j] (i strikes j), p_second [i, j]."""

    p_first: F8
    p_second: F8

    @property
    def power(self) -> F8:
        """Bargaining power p = (p^f + p^s) / 2: the expected outcome when either may strike."""
        return 0.5 * (self.p_first + self.p_second)


def pair_contests(offense: F8, defense: F8, mask: B1, *, balance: float, first_strike: float,
                  exponent: float, defense_extra: F8 | None = None,
                  reach: F8 | None = None) -> Contests:
    """p^f_ij and p^s_ij = 1 - p^f_ji for all pairs (masked pairs 0).

    ``defense_extra`` (W, N, N): defence j gets from others against i (pooled
    community defence, allies); ``reach`` (W, N, N): share of i's offence that
    reaches j (buffer zones: exp(-b[j, i]) of :mod:`herz.world.state`).
    """
    o, d = _pair_stocks(offense, defense, defense_extra, reach)
    pf = contest_success(o, d, balance, first_strike, exponent)
    pf = np.where(mask, pf, 0.0)
    ps = np.where(mask, 1.0 - pf.transpose(0, 2, 1), 0.0)
    return Contests(p_first=pf, p_second=ps)


def _ratio(output: F8, mask: B1) -> F8:
    """Y_j / Y_i on live pairs (0 elsewhere)."""
    yi = output[:, :, None]
    yj = output[:, None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(mask & (yi > 0), yj / np.where(yi > 0, yi, 1.0), 0.0)
    return r


def bargaining_point(contests: Contests, output: F8, mask: B1, *, transfer: float,
                     cost: float) -> F8:
    """Nash bargaining point x* = midpoint of [p^f - c_A, p^s + c_B], clipped to [0, 1].

    c_A = c Y_i / (tau (Y_i + Y_j)) and c_B = c Y_j / (tau (Y_i + Y_j)) are the
    costs of war as shares of the stake (Fearon 1995). x*_ji = 1 - x*_ij, so a
    status quo that starts antisymmetric stays so. Masked pairs: 0.5.
    """
    p = contests.power
    if transfer <= 0.0:
        return np.where(mask, p, 0.5)
    yi = output[:, :, None]
    yj = output[:, None, :]
    tot = yi + yj
    with np.errstate(divide="ignore", invalid="ignore"):
        shift = np.where(tot > 0, cost * (yj - yi) / (2.0 * transfer * np.where(tot > 0, tot, 1.0)),
                         0.0)
    return np.where(mask, np.clip(p + shift, 0.0, 1.0), 0.5)


def update_status_quo(status_quo: F8, target: F8, mask: B1, rate: float) -> F8:
    """Peaceful change: x <- x + r (x* - x) on live pairs (Powell 2006)."""
    return np.where(mask, status_quo + rate * (target - status_quo), status_quo)


def projected_power(offense: F8, defense: F8, growth: F8, mask: B1, horizon: int, *,
                    balance: float, first_strike: float, exponent: float,
                    defense_extra: F8 | None = None, reach: F8 | None = None) -> F8:
    """Bargaining power p_{t+h}, h = 1..H, with stocks growing with output: (H, W, N, N).

    Arms follow output (spending is a budget share of it), so power shifts
    with growth differences (Organski and Kugler 1980): O_{t+h} = O_t (1 + g)^h.
    """
    out = np.empty((horizon, *mask.shape))
    for h in range(1, horizon + 1):
        f = (1.0 + growth) ** h
        out[h - 1] = pair_contests(offense * f, defense * f, mask, balance=balance,
                                   first_strike=first_strike, exponent=exponent,
                                   defense_extra=defense_extra, reach=reach).power
    return out


def prevention_term(power_now: F8, power_future: F8, discount: float) -> F8:
    """Pi_ij / (tau Y_i) = sum_h b^h max(0, p_t - p_{t+h}): the discounted loss of power.

    ``power_future`` is (H, W, N, N) from :func:`projected_power`. Multiply by
    tau to get Pi per unit of i's output (:func:`war_margin` does).
    """
    total = np.zeros_like(power_now)
    for h in range(power_future.shape[0]):
        total += discount ** (h + 1) * np.maximum(0.0, power_now - power_future[h])
    return total


def war_margin(contests: Contests, ratio: F8, status_quo: F8, fear: F8, prevention: F8,
               omega: ArrayLike, *, transfer: float, cost: float) -> tuple[F8, F8, F8, F8]:
    """(U^W - U^P) / Y_i and its parts: (margin, fear term, prevention term, base).

    ``ratio`` is Y_j / Y_i; ``prevention`` the output of
    :func:`prevention_term` (loss of power); ``omega`` the type's value of gains
    (scalar or (W, N, 1)). base = margin without fear and prevention.
    """
    pf, ps = contests.p_first, contests.p_second
    tau, c = transfer, cost
    omega = np.asarray(omega, dtype=float)
    war = omega * pf * tau * ratio - (1.0 - pf) * tau - c
    gain = tau * (status_quo * (1.0 + ratio) - 1.0)
    base = war - omega * gain
    fear_term = fear * ((1.0 - ps) * tau + c)
    prev_term = tau * prevention
    return base + fear_term + prev_term, fear_term, prev_term, base


def seeker_threshold(p_first: ArrayLike, p_second: ArrayLike, transfer: float,
                     cost: float) -> F8:
    """The fear above which a seeker strikes first: [(1 - p^f) tau + c] / [(1 - p^s) tau + c].

    The deterministic limit of the decision (lambda -> infinity, Pi = 0,
    omega_S = 0): war iff h exceeds this. It falls as p^f rises and p^s falls,
    i.e. with offence dominance and the first-strike advantage.
    """
    pf = np.asarray(p_first, dtype=float)
    ps = np.asarray(p_second, dtype=float)
    return ((1.0 - pf) * transfer + cost) / ((1.0 - ps) * transfer + cost)


def fearon_war(p_first: ArrayLike, p_second: ArrayLike, cost_a: ArrayLike,
               cost_b: ArrayLike) -> B1:
    """Fearon's condition that no peaceful division is self-enforcing: p^f - p^s > c_A + c_B."""
    return np.asarray(np.asarray(p_first) - np.asarray(p_second)
                      > np.asarray(cost_a) + np.asarray(cost_b))


@dataclass
class WarPolicy:
    """The war policy of every pair this year.

    index : (W, N, N) z_ij, the war index of i against j (masked pairs: -inf).
    margin : (W, N, N) (U^W - U^P) / Y_i = base + fear_term + prevention.
    p_war, p_dispute_or_war : Lambda(z), Lambda(z + kappa): the per-target trigger
        probabilities of the ordered draw (masked pairs: 0).
    p_attack : P(i attacks j this year) after the choice of one target a year
        (:func:`chosen_probability`).
    fear : h_ij, i's fear of being attacked first by j.
    fear_term, prevention, base : the parts of (U^W - U^P) / Y_i.
    a_greedy, a_seeker : [j, i] = P(j attacks i this year | j greedy / seeker),
        as i predicts it (level k - 1), after the choice of one target a year:
        the likelihoods of the belief update.
    rationality : lambda, kept to classify causes.
    label : (W, N) state labels breaking ties between targets of equal index (lowest
        label first), or None (lowest position first).
    """

    index: F8
    margin: F8
    p_war: F8
    p_dispute_or_war: F8
    p_attack: F8
    fear: F8
    fear_term: F8
    prevention: F8
    base: F8
    a_greedy: F8
    a_seeker: F8
    rationality: float
    label: NDArray[np.int64] | None = None


#: Trigger probabilities at or below this count as negligible in the choice product: every
#: such target ranks below all others (p rises with the index), and leaving their factors
#: (1 - p) out changes no probability by more than a relative N * 1e-12.
_NEGLIGIBLE = 1e-12


@nb.njit(inline="always")
def _expit(z):  # pragma: no cover - compiled
    if z >= 0.0:
        return 1.0 / (1.0 + np.exp(-z))
    e = np.exp(z)
    return e / (1.0 + e)


@nb.njit
def _rank_desc(z, lab, idx, m, order, buf):  # pragma: no cover - compiled
    """Merge sort of idx[:m] by z descending, ties by the lower label ``lab``."""
    for k in range(m):
        order[k] = idx[k]
    width = 1
    src, dst = order, buf
    while width < m:
        lo = 0
        while lo < m:
            mid = min(lo + width, m)
            hi = min(lo + 2 * width, m)
            a, b, k = lo, mid, lo
            while a < mid and b < hi:
                zb, za = z[src[b]], z[src[a]]
                if zb > za or (zb == za and lab[src[b]] < lab[src[a]]):
                    dst[k] = src[b]
                    b += 1
                else:
                    dst[k] = src[a]
                    a += 1
                k += 1
            while a < mid:
                dst[k] = src[a]
                a += 1
                k += 1
            while b < hi:
                dst[k] = src[b]
                b += 1
                k += 1
            lo = hi
        src, dst = dst, src
        width *= 2
    if src is not order:
        for k in range(m):
            order[k] = src[k]


@nb.njit
def _rank_guided(z, lab, p, guess, gm, order, idx, buf, seen):  # pragma: no cover - compiled
    """Rank the targets with p > _NEGLIGIBLE as :func:`_rank_desc`, starting from a guess.

    ``guess[:gm]`` is an order of targets (an earlier ranking of a nearby index: the
    level-0 order for level 1, the actor's type's order for the chosen target). The
    ranked targets are put in that order (others appended by position) and insertion
    sorted with the same comparator (z descending, ties by the lower label), a strict
    total order on the ranked targets (their z are never NaN: p would be NaN), so the
    result equals :func:`_rank_desc`'s whatever the guess; a guess far from the ranking
    falls back to the merge sort. ``order`` may be ``guess`` (read before written).
    Returns the number ranked; ``order[:m]`` holds the ranking.
    """
    n = z.shape[0]
    for j in range(n):
        seen[j] = False
    m = 0
    for k in range(gm):
        j = guess[k]
        if p[j] > _NEGLIGIBLE:
            order[m] = j
            seen[j] = True
            m += 1
    for j in range(n):
        if p[j] > _NEGLIGIBLE and not seen[j]:
            order[m] = j
            m += 1
    budget = 8 * m + 64
    moves = 0
    for k in range(1, m):
        j = order[k]
        zj = z[j]
        lj = lab[j]
        q = k - 1
        while q >= 0:
            o = order[q]
            zo = z[o]
            if zj > zo or (zj == zo and lj < lab[o]):
                order[q + 1] = o
                q -= 1
                moves += 1
            else:
                break
        order[q + 1] = j
        if moves > budget:
            for r in range(m):
                idx[r] = order[r]
            _rank_desc(z, lab, idx, m, order, buf)
            return m
    return m


@nb.njit
def _rank_fresh(z, lab, p, order, idx, buf):  # pragma: no cover - compiled
    """Rank the targets with p > _NEGLIGIBLE (merge sort, :func:`_rank_desc`); return their number."""
    n = z.shape[0]
    m = 0
    for j in range(n):
        if p[j] > _NEGLIGIBLE:
            idx[m] = j
            m += 1
    _rank_desc(z, lab, idx, m, order, buf)
    return m


#: Bytes of the order key sorted by the radix passes of :func:`_rank_radix` (the top ones).
_RADIX_BYTES = 3
_SIGN = np.uint64(1 << 63)
_LOW63 = np.uint64((1 << 63) - 1)
_BYTE = np.uint64(255)


@nb.njit
def _label_positions(lab, pos):  # pragma: no cover - compiled
    """pos[l] = the position j with lab[j] = l; False unless ``lab`` is a permutation of 0..n-1."""
    n = lab.shape[0]
    for q in range(n):
        pos[q] = -1
    for j in range(n):
        q = lab[j]
        if q < 0 or q >= n or pos[q] >= 0:
            return False
        pos[q] = j
    return True


@nb.njit
def _rank_radix(z, pos, p, order, idx, buf, keys, kf, kbuf, cnt):  # pragma: no cover - compiled
    """:func:`_rank_fresh` by a radix sort: the same ranking, about three times faster.

    The targets with p > _NEGLIGIBLE are taken in label order (``pos`` from
    :func:`_label_positions`), each with a 64-bit key whose ascending order is the
    descending order of z (the IEEE bits, negatives reversed; -0.0 read as +0.0, which
    z's comparison does not tell apart). A stable LSD radix sort on the key's top
    ``_RADIX_BYTES`` bytes, then a stable insertion sort on the whole key (few targets
    share their top bytes), ranks by z descending with ties in label order: the strict
    total order of :func:`_rank_desc`, so the same ranking. ``kf`` is ``keys`` viewed as
    float64; ``cnt`` (_RADIX_BYTES, 256) int64 scratch. Returns the number ranked.
    """
    n = z.shape[0]
    m = 0
    for q in range(n):
        j = pos[q]
        if p[j] > _NEGLIGIBLE:
            idx[m] = j
            kf[m] = z[j] + 0.0
            m += 1
    if m == 0:
        return 0
    for k in range(m):
        u = keys[k]
        keys[k] = u if (u & _SIGN) else u ^ _LOW63
    top = 8 - _RADIX_BYTES
    for d in range(_RADIX_BYTES):
        for b in range(256):
            cnt[d, b] = 0
    for k in range(m):
        x = keys[k]
        for d in range(_RADIX_BYTES):
            cnt[d, (x >> np.uint64(8 * (top + d))) & _BYTE] += 1
    src_k, dst_k, src_i, dst_i = keys, kbuf, idx, buf
    for d in range(_RADIX_BYTES):
        sh = np.uint64(8 * (top + d))
        if cnt[d, (src_k[0] >> sh) & _BYTE] == m:  # every key has this byte: nothing to do
            continue
        tot = 0
        for b in range(256):
            c = cnt[d, b]
            cnt[d, b] = tot
            tot += c
        for k in range(m):
            x = src_k[k]
            b = (x >> sh) & _BYTE
            q = cnt[d, b]
            cnt[d, b] = q + 1
            dst_k[q] = x
            dst_i[q] = src_i[k]
        src_k, dst_k = dst_k, src_k
        src_i, dst_i = dst_i, src_i
    for k in range(1, m):
        x = src_k[k]
        xi = src_i[k]
        q = k - 1
        while q >= 0 and src_k[q] > x:
            src_k[q + 1] = src_k[q]
            src_i[q + 1] = src_i[q]
            q -= 1
        src_k[q + 1] = x
        src_i[q + 1] = xi
    for k in range(m):
        order[k] = src_i[k]
    return m


@nb.njit(inline="always")
def _radix_scratch(n):  # pragma: no cover - compiled
    """Scratch of :func:`_rank_radix`: positions, keys, keys as float64, key buffer, counts."""
    keys = np.empty(n, dtype=np.uint64)
    return (np.empty(n, dtype=np.int64), keys, keys.view(np.float64),
            np.empty(n, dtype=np.uint64), np.empty((_RADIX_BYTES, 256), dtype=np.int64))


@nb.njit(inline="always")
def _chosen_product(p, order, m, out):  # pragma: no cover - compiled
    """out[j] = p[j] prod over the targets ranked above j of (1 - p), in rank order."""
    survive = 1.0
    for k in range(m):
        j = order[k]
        out[j] = p[j] * survive
        survive *= 1.0 - p[j]
    for j in range(p.shape[0]):
        if not p[j] > _NEGLIGIBLE:
            out[j] = p[j] * survive


@nb.njit
def _choose_row(z, lab, p, out, idx, order, buf):  # pragma: no cover - compiled
    """out[j] = p[j] prod_{k ranked above j} (1 - p[k]); rank by z descending, ties lowest label.

    Only the targets with p > _NEGLIGIBLE are ranked (:func:`_rank_fresh`); the others rank
    below them all (p rises with z) and get p[j] times the product over the ranked ones.
    """
    m = _rank_fresh(z, lab, p, order, idx, buf)
    _chosen_product(p, order, m, out)


@nb.njit
def _choose_row_radix(z, pos, p, out, idx, order, buf, keys, kf, kbuf,
                      cnt):  # pragma: no cover - compiled
    """:func:`_choose_row` ranking by :func:`_rank_radix` (labels a permutation, ``pos``)."""
    m = _rank_radix(z, pos, p, order, idx, buf, keys, kf, kbuf, cnt)
    _chosen_product(p, order, m, out)


@dual
def _typed_kernel(gain_g, gain_s, rest, loss, fear, omega_g, omega_s, lam, intercept_w, shift,
                  act, label, out_g, out_s, guided, ord_g, m_g, ord_s,
                  m_s):  # pragma: no cover - compiled
    """P(a attacks b | a's type) after the choice rule, both types, one row of targets at a time.

    The margin is omega gain + rest + fear loss (:func:`war_margin` regrouped), with
    (omega_g, gain_g) for a greedy actor and (omega_s, gain_s) for a seeker;
    ``intercept_w`` (W,) is each world's alpha_0. The rankings are written to
    ``ord_g``/``ord_s`` (W, N, N) with their lengths ``m_g``/``m_s`` (W, N); with
    ``guided`` the rankings found there are the starting guesses (:func:`_rank_guided`).
    """
    n_worlds, n, _ = gain_g.shape
    for w in nb.prange(n_worlds):
        intercept = intercept_w[w]
        z = np.empty(n)
        p = np.empty(n)
        idx = np.empty(n, dtype=np.int64)
        buf = np.empty(n, dtype=np.int64)
        seen = np.empty(n, dtype=np.bool_)
        pos, keys, kf, kbuf, cnt = _radix_scratch(n)
        perm = _label_positions(label[w], pos)
        for t in range(2):
            omega = omega_g if t == 0 else omega_s
            gain = gain_g if t == 0 else gain_s
            out = out_g if t == 0 else out_s
            ords = ord_g if t == 0 else ord_s
            ms = m_g if t == 0 else m_s
            for i in range(n):
                for j in range(n):
                    if act[w, i, j]:
                        m = omega * gain[w, i, j] + rest[w, i, j] + fear[w, i, j] * loss[w, i, j]
                        z[j] = lam * m + intercept + shift[w, i, j]
                        p[j] = _expit(z[j])
                    else:
                        z[j] = -np.inf
                        p[j] = 0.0
                if guided:
                    k = _rank_guided(z, label[w], p, ords[w, i], ms[w, i], ords[w, i], idx, buf,
                                     seen)
                elif perm:
                    k = _rank_radix(z, pos, p, ords[w, i], idx, buf, keys, kf, kbuf, cnt)
                else:
                    k = _rank_fresh(z, label[w], p, ords[w, i], idx, buf)
                ms[w, i] = k
                _chosen_product(p, ords[w, i], k, out[w, i])


def _labels(label: NDArray[np.int64] | None, shape: tuple[int, ...]) -> NDArray[np.int64]:
    """Tie-breaking labels (W, M): the states' labels, or positions 0..M-1."""
    if label is None:
        return np.ascontiguousarray(np.broadcast_to(np.arange(shape[-1]), (shape[0], shape[-1])))
    return np.ascontiguousarray(label, dtype=np.int64)


def chosen_probability(p_trigger: F8, index: F8, label: NDArray[np.int64] | None = None) -> F8:
    """P(i attacks j this year) under the choice rule of :func:`choose_wars`.

    Each target triggers with its own probability and a state attacks the
    triggered target of the highest index (ties: the lowest label), so
    P(j chosen) = p_j prod_{k ranked above j} (1 - p_k). This, not the trigger
    probability, is the likelihood of an attack or a restraint that an
    observer can use: with many attractive targets a greedy state leaves most
    of them alone in any year. ``p_trigger`` must rise with ``index`` within a
    row (it is Lambda(index)); factors of triggers below 1e-12 are left out
    (relative error at most N * 1e-12).
    """
    if p_trigger.shape != index.shape or p_trigger.ndim != 3:
        raise ValueError(f"p_trigger {p_trigger.shape} and index {index.shape} must be one 3-d shape")
    out = np.empty(p_trigger.shape)
    _chosen_kernel(np.ascontiguousarray(p_trigger, dtype=float),
                   np.ascontiguousarray(index, dtype=float), _labels(label, p_trigger.shape), out)
    return out


@dual
def _chosen_kernel(p, z, label, out):  # pragma: no cover - compiled
    n_worlds, n, m = p.shape
    for w in nb.prange(n_worlds):
        idx = np.empty(m, dtype=np.int64)
        order = np.empty(m, dtype=np.int64)
        buf = np.empty(m, dtype=np.int64)
        pos, keys, kf, kbuf, cnt = _radix_scratch(m)
        perm = _label_positions(label[w], pos)
        for i in range(n):
            if perm:
                _choose_row_radix(z[w, i], pos, p[w, i], out[w, i], idx, order, buf, keys, kf,
                                  kbuf, cnt)
            else:
                _choose_row(z[w, i], label[w], p[w, i], out[w, i], idx, order, buf)


@dual
def _chosen_guided_kernel(p, z, label, out, greedy, ord_g, m_g, ord_s,
                          m_s):  # pragma: no cover - compiled
    """:func:`_chosen_kernel` ranking each row from the actor's type's ranking (a guess)."""
    n_worlds, n, m = p.shape
    for w in nb.prange(n_worlds):
        order = np.empty(m, dtype=np.int64)
        idx = np.empty(m, dtype=np.int64)
        buf = np.empty(m, dtype=np.int64)
        seen = np.empty(m, dtype=np.bool_)
        for i in range(n):
            if greedy[w, i]:
                k = _rank_guided(z[w, i], label[w], p[w, i], ord_g[w, i], m_g[w, i], order, idx,
                                 buf, seen)
            else:
                k = _rank_guided(z[w, i], label[w], p[w, i], ord_s[w, i], m_s[w, i], order, idx,
                                 buf, seen)
            _chosen_product(p[w, i], order, k, out[w, i])


@nb.njit(inline="always")
def _expit_exact(z):  # pragma: no cover - compiled
    """1 / (1 + exp(-z)): SciPy's ``expit`` bit for bit (the same formula and libm ``exp``)."""
    return 1.0 / (1.0 + np.exp(-z))


@nb.njit(inline="always")
def _share(a, d):  # pragma: no cover - compiled
    """The share a / (a + d), 0 where a + d is not positive (:func:`contest_success`)."""
    den = a + d
    if den > 0.0:
        return a / den
    return 0.0


@nb.njit(inline="always")
def _terms(pf, ps, prev, msk, yi, yj, sq, tau, c):  # pragma: no cover - compiled
    """(gain, rest, loss, tau prevention) of :func:`war_policy`: (U^W - U^P) / Y_i regrouped."""
    r = yj / yi if (msk and yi > 0.0) else 0.0
    gain = pf * tau * r - tau * (sq * (1.0 + r) - 1.0)
    pt = tau * prev
    rest = -(1.0 - pf) * tau - c + pt
    loss = (1.0 - ps) * tau + c
    return gain, rest, loss, pt


@dual
def _terms_kernel(pf, ps, prev, mask, y, sq, gs, use_gs, tau, c_w, gain_o, gain_g_o, rest_o,
                  loss_o, prev_o):  # pragma: no cover - compiled
    """:func:`_terms` of every pair from given contests and prevention (:func:`war_policy`)."""
    n_worlds, n, _ = pf.shape
    for w in nb.prange(n_worlds):
        c = c_w[w]
        for i in range(n):
            for j in range(n):
                g, r, lo, pt = _terms(pf[w, i, j], ps[w, i, j], prev[w, i, j], mask[w, i, j],
                                      y[w, i], y[w, j], sq[w, i, j], tau, c)
                gain_o[w, i, j] = g
                gain_g_o[w, i, j] = g * gs[w, i, j] if use_gs else g
                rest_o[w, i, j] = r
                loss_o[w, i, j] = lo
                prev_o[w, i, j] = pt


@dual
def _contest_terms_kernel(a, d, ah, dh, disc, mask, y, sq, gs, use_gs, tau, c_w, rate, pf_o,
                          gain_o, gain_g_o, rest_o, loss_o, prev_o,
                          sq_o):  # pragma: no cover - compiled
    """Contests, prevention, :func:`_terms` and peaceful change of every pair in one pass.

    ``a``, ``d`` (W, N, N) and ``ah``, ``dh`` (H, W, N, N) are the powers of
    :func:`_pair_powers` now and h = 1..H years ahead (broadcast views);
    ``disc[h - 1]`` = b^h. Per pair: :func:`pair_contests` (p^s_ij from the share of
    [j, i]), :func:`prevention_term`, the war terms, :func:`bargaining_point` and
    :func:`update_status_quo` (into ``sq_o``), each with NumPy's operations in NumPy's
    order.
    """
    n_worlds, n, _ = mask.shape
    horizon = ah.shape[0]
    for w in nb.prange(n_worlds):
        c = c_w[w]
        pf_w = pf_o[w]
        prev_w = prev_o[w]  # the prevention sum until the last pass writes tau times it
        raw = np.empty((n, n))
        # every contest share is computed once and read for [i, j] and, transposed, [j, i]
        for i in range(n):
            for j in range(n):
                pf_w[i, j] = _share(a[w, i, j], d[w, i, j]) if mask[w, i, j] else 0.0
                prev_w[i, j] = 0.0
        for h in range(horizon):
            for i in range(n):
                for j in range(n):
                    raw[i, j] = _share(ah[h, w, i, j], dh[h, w, i, j]) if mask[w, i, j] else 0.0
            for i in range(n):
                for j in range(n):
                    if mask[w, i, j]:
                        power = 0.5 * (pf_w[i, j] + (1.0 - pf_w[j, i]))
                        x = power - 0.5 * (raw[i, j] + (1.0 - raw[j, i]))
                        if not (x > 0.0 or x != x):  # np.maximum(0, x), NaN kept
                            x = 0.0
                        prev_w[i, j] += disc[h] * x
        for i in range(n):
            yi = y[w, i]
            for j in range(n):
                msk = mask[w, i, j]
                pf = pf_w[i, j]
                ps = 1.0 - pf_w[j, i] if msk else 0.0
                power = 0.5 * (pf + ps)
                yj = y[w, j]
                s0 = sq[w, i, j]
                g, r, lo, pt = _terms(pf, ps, prev_w[i, j], msk, yi, yj, s0, tau, c)
                gain_o[w, i, j] = g
                gain_g_o[w, i, j] = g * gs[w, i, j] if use_gs else g
                rest_o[w, i, j] = r
                loss_o[w, i, j] = lo
                prev_w[i, j] = pt
                if msk:
                    if tau <= 0.0:
                        target = power
                    else:
                        tot = yi + yj
                        shift = c * (yj - yi) / (2.0 * tau * tot) if tot > 0.0 else 0.0
                        target = power + shift
                        if target == target:  # np.clip(., 0, 1), NaN kept
                            if not target > 0.0:
                                target = 0.0
                            if not target < 1.0:
                                target = 1.0
                    sq_o[w, i, j] = s0 + rate * (target - s0)
                else:
                    sq_o[w, i, j] = s0


@dual
def _level1_fear_kernel(belief, logit, a_g, a_s, mask, out):  # pragma: no cover - compiled
    """out[i, j] = nu_ji a^G_ji + (1 - nu_ji) a^S_ji on live pairs, nu = Lambda(belief) if ``logit``."""
    n_worlds, n, _ = mask.shape
    for w in nb.prange(n_worlds):
        for i in range(n):
            for j in range(n):
                if mask[w, i, j]:
                    nu = _expit_exact(belief[w, j, i]) if logit else belief[w, j, i]
                    out[w, i, j] = nu * a_g[w, j, i] + (1.0 - nu) * a_s[w, j, i]
                else:
                    out[w, i, j] = 0.0


@dual
def _decide_kernel(gain, gain_g, pf, loss, prev_t, a_g, a_s, mistrust, mask, act, greedy, gv, sv,
                   tau, c_w, lam, a0_w, kappa_w, shift, has_fear, label, ord_g, m_g, ord_s, m_s,
                   fear_o, fear_term_o, base_o, margin_o, z_o, p_war_o, p_dw_o,
                   p_attack_o):  # pragma: no cover - compiled
    """The policy of the actual types, one row of targets at a time.

    Fear, the parts of the margin, z, Lambda(z), Lambda(z + kappa) and the
    chosen-target probability (ranked from the actor's type's ranking,
    :func:`_rank_guided`), with :func:`war_policy`'s operations in its order.
    """
    n_worlds, n, _ = mask.shape
    for w in nb.prange(n_worlds):
        c = c_w[w]
        a0 = a0_w[w]
        kappa = kappa_w[w]
        order = np.empty(n, dtype=np.int64)
        idx = np.empty(n, dtype=np.int64)
        buf = np.empty(n, dtype=np.int64)
        seen = np.empty(n, dtype=np.bool_)
        for i in range(n):
            g_actor = greedy[w, i]
            for j in range(n):
                if has_fear and mask[w, i, j]:
                    mu = mistrust[w, i, j]
                    fear = mu * a_g[w, j, i] + (1.0 - mu) * a_s[w, j, i]
                else:
                    fear = 0.0
                b = gv * gain_g[w, i, j] if g_actor else sv * gain[w, i, j]
                base = b - (1.0 - pf[w, i, j]) * tau - c
                ft = fear * loss[w, i, j]
                margin = base + ft + prev_t[w, i, j]
                fear_o[w, i, j] = fear
                fear_term_o[w, i, j] = ft
                base_o[w, i, j] = base
                margin_o[w, i, j] = margin
                if act[w, i, j]:
                    z = lam * margin + a0 + shift[w, i, j]
                    z_o[w, i, j] = z
                    p_war_o[w, i, j] = _expit_exact(z)
                    p_dw_o[w, i, j] = _expit_exact(z + kappa)
                else:
                    z_o[w, i, j] = -np.inf
                    p_war_o[w, i, j] = 0.0
                    p_dw_o[w, i, j] = 0.0
            if g_actor:
                k = _rank_guided(z_o[w, i], label[w], p_war_o[w, i], ord_g[w, i], m_g[w, i],
                                 order, idx, buf, seen)
            else:
                k = _rank_guided(z_o[w, i], label[w], p_war_o[w, i], ord_s[w, i], m_s[w, i],
                                 order, idx, buf, seen)
            _chosen_product(p_war_o[w, i], order, k, p_attack_o[w, i])


def _per_world(value: Any, worlds: int) -> F8:
    """A float or a (W, 1, ..., 1) per-world value as a contiguous (W,) array."""
    return np.ascontiguousarray(np.broadcast_to(np.asarray(value, float).reshape(-1), (worlds,)))


@dataclass
class _Terms:
    """The pair arrays the policy reads (:func:`_terms`), C-contiguous (W, N, N)."""

    pf: F8
    gain: F8
    gain_g: F8
    rest: F8
    loss: F8
    prev_term: F8


def _empty_terms(shape: tuple[int, ...], greed: bool, pf: F8 | None = None) -> _Terms:
    gain = np.empty(shape)
    return _Terms(pf=np.empty(shape) if pf is None else pf, gain=gain, gain_g=np.empty(shape) if greed else gain,
                  rest=np.empty(shape), loss=np.empty(shape), prev_term=np.empty(shape))


def _greed_args(greed_scale: F8 | None, shape: tuple[int, ...]) -> tuple[F8, bool]:
    if greed_scale is None:
        return np.zeros((1, 1, 1)), False
    return np.ascontiguousarray(np.broadcast_to(greed_scale, shape), dtype=float), True


def war_policy(contests: Contests, output: F8, status_quo: F8, mistrust: F8, second_order: F8,
               prevention: F8, greedy: B1, mask: B1, *, greedy_value: float,
               seeker_value: float, transfer: float, cost: float | F8, rationality: float,
               intercept: float | F8, dispute_cutpoint: float | F8, fear_depth: int,
               shift: F8 | None = None, can_act: B1 | None = None,
               label: NDArray[np.int64] | None = None,
               greed_scale: F8 | None = None) -> WarPolicy:
    """Every pair's war index and probabilities, with the level-k fear (module docstring).

    ``mistrust`` mu_ij and ``second_order`` nu_ij (what i thinks j believes
    about i) are probabilities. ``shift`` (W, N, N) adds to the index of the
    actor (war-weariness -psi W_i, identity -lambda_w s_ij, ...), in every
    level of the prediction too. ``can_act`` (W, N): states free to start a war
    this year (not already fighting); the others' probabilities are 0 and
    nobody fears them. ``label`` (W, N): state labels that break ties between targets
    (lowest label first), so relabelling the states permutes the choice with them.
    ``greed_scale`` (W, N, N): factor on a greedy actor's value of gains,
    omega_G (1 - lambda_g s+) (identity, issue 19). ``intercept``,
    ``dispute_cutpoint`` and ``cost`` are floats or (W, 1, 1) arrays (one value per world).
    """
    if fear_depth not in (0, 1, 2):
        raise ValueError(f"fear_depth must be 0, 1 or 2, not {fear_depth}")
    shape = mask.shape
    c_w = _per_world(cost, shape[0])
    gs, use_gs = _greed_args(greed_scale, shape)
    c = np.ascontiguousarray
    terms = _empty_terms(shape, use_gs, c(np.broadcast_to(contests.p_first, shape), dtype=float))
    _terms_kernel(terms.pf, c(np.broadcast_to(contests.p_second, shape), dtype=float),
                  c(np.broadcast_to(prevention, shape), dtype=float), c(mask),
                  c(output, dtype=float), c(np.broadcast_to(status_quo, shape), dtype=float),
                  gs, use_gs, float(transfer), c_w, terms.gain, terms.gain_g, terms.rest,
                  terms.loss, terms.prev_term)
    return _policy(terms, mistrust, second_order, False, greedy, mask,
                   greedy_value=greedy_value, seeker_value=seeker_value, transfer=transfer,
                   cost=c_w, rationality=rationality, intercept=intercept,
                   dispute_cutpoint=dispute_cutpoint, fear_depth=fear_depth, shift=shift,
                   can_act=can_act, label=label)


def war_decision(offense: F8, defense: F8, growth: F8, output: F8, status_quo: F8,
                 mistrust: F8, second_order_logit: F8, greedy: B1, mask: B1, *,
                 balance: float | F8, first_strike: float, exponent: float,
                 defense_extra: F8 | None, reach: F8 | None, prevention_horizon: int,
                 prevention_discount: float, peaceful_change: float, greedy_value: float,
                 seeker_value: float, transfer: float, cost: float | F8, rationality: float,
                 intercept: float | F8, dispute_cutpoint: float | F8, fear_depth: int,
                 shift: F8 | None = None, can_act: B1 | None = None,
                 label: NDArray[np.int64] | None = None,
                 greed_scale: F8 | None = None) -> tuple[WarPolicy, F8]:
    """The war's decision of a step from the stocks: (policy, the status quo after peaceful change).

    One compiled pass gives, bit for bit, what :func:`pair_contests`,
    :func:`projected_power` and :func:`prevention_term` (``prevention_horizon`` H,
    discount b), :func:`war_policy`, :func:`bargaining_point` and
    :func:`update_status_quo` (rate ``peaceful_change``) give in turn; the powers of
    the contests stay in NumPy (:func:`_pair_powers`). ``second_order_logit`` is
    what i thinks j believes about i on the logit scale (Lambda is applied here);
    ``balance`` and ``cost`` may be per world ((W, 1, 1) arrays).
    """
    if fear_depth not in (0, 1, 2):
        raise ValueError(f"fear_depth must be 0, 1 or 2, not {fear_depth}")
    shape = mask.shape
    cs: dict[str, Any] = dict(balance=balance, first_strike=first_strike, exponent=exponent,
                              defense_extra=defense_extra, reach=reach)
    a, d = _pair_powers(offense, defense, **cs)
    horizon = int(prevention_horizon)
    ahs, dhs = [], []
    for h in range(1, horizon + 1):
        f = (1.0 + growth) ** h
        a_h, d_h = _pair_powers(offense * f, defense * f, **cs)
        ahs.append(a_h)
        dhs.append(d_h)
    # (H, W, N, 1) and (H, W, 1, N) per state, seen as (H, W, N, N)
    ah = np.broadcast_to(np.stack(ahs), (horizon, *shape)) if ahs else np.zeros((0, *shape))
    dh = np.broadcast_to(np.stack(dhs), (horizon, *shape)) if dhs else np.zeros((0, *shape))
    disc = np.array([prevention_discount ** (h + 1) for h in range(horizon)], dtype=float)
    c_w = _per_world(cost, shape[0])
    gs, use_gs = _greed_args(greed_scale, shape)
    terms = _empty_terms(shape, use_gs)
    new_sq = np.empty(shape)
    _contest_terms_kernel(np.broadcast_to(a, shape), np.broadcast_to(d, shape), ah, dh, disc,
                          np.ascontiguousarray(mask), np.ascontiguousarray(output, dtype=float),
                          np.ascontiguousarray(status_quo, dtype=float), gs, use_gs,
                          float(transfer), c_w, float(peaceful_change), terms.pf, terms.gain,
                          terms.gain_g, terms.rest, terms.loss, terms.prev_term, new_sq)
    policy = _policy(terms, mistrust, second_order_logit, True, greedy, mask,
                     greedy_value=greedy_value, seeker_value=seeker_value, transfer=transfer,
                     cost=c_w, rationality=rationality, intercept=intercept,
                     dispute_cutpoint=dispute_cutpoint, fear_depth=fear_depth, shift=shift,
                     can_act=can_act, label=label)
    return policy, new_sq


def _policy(terms: _Terms, mistrust: F8, second_order: F8, logit: bool, greedy: B1, mask: B1, *,
            greedy_value: float, seeker_value: float, transfer: float, cost: F8,
            rationality: float, intercept: float | F8, dispute_cutpoint: float | F8,
            fear_depth: int, shift: F8 | None, can_act: B1 | None,
            label: NDArray[np.int64] | None) -> WarPolicy:
    """The level-k policy from the pair terms (:func:`war_policy`); ``cost`` is (W,)."""
    shape = mask.shape
    msk = np.ascontiguousarray(mask)
    act = np.ascontiguousarray(mask if can_act is None else mask & can_act[:, :, None])
    sh = np.zeros(shape) if shift is None else np.ascontiguousarray(shift, dtype=float)
    lam, tau = float(rationality), float(transfer)
    a0_w = _per_world(intercept, shape[0])
    kappa_w = _per_world(dispute_cutpoint, shape[0])
    lab = _labels(label, shape)
    gv, sv = float(greedy_value), float(seeker_value)

    ord_g, ord_s = np.empty(shape, dtype=np.int64), np.empty(shape, dtype=np.int64)
    m_g, m_s = np.empty(shape[:2], dtype=np.int64), np.empty(shape[:2], dtype=np.int64)

    def typed(fear: F8, guided: bool) -> tuple[F8, F8]:
        a_g, a_s = np.empty(shape), np.empty(shape)
        _typed_kernel(terms.gain_g, terms.gain, terms.rest, terms.loss, fear, gv, sv, lam, a0_w,
                      sh, act, lab, a_g, a_s, guided, ord_g, m_g, ord_s, m_s)
        return a_g, a_s

    # level 0: attack probabilities of each type, fearing nobody ([a, b]: a against b)
    a_g, a_s = typed(np.zeros(shape), False)
    if fear_depth == 2:
        # j's fear of i as i predicts it: j's belief about i is nu_ij (transposed); level 1
        # ranks its targets starting from level 0's ranking (the fear moves few of them)
        h1 = np.empty(shape)
        _level1_fear_kernel(np.ascontiguousarray(second_order, dtype=float), logit, a_g, a_s,
                            msk, h1)
        a_g, a_s = typed(h1, True)
    out = [np.empty(shape) for _ in range(8)]
    fear, fear_term, base, margin, z, p_war, p_dw, p_attack = out
    _decide_kernel(terms.gain, terms.gain_g, terms.pf, terms.loss, terms.prev_term, a_g, a_s,
                   np.ascontiguousarray(mistrust, dtype=float), msk, act,
                   np.ascontiguousarray(greedy), gv, sv, tau, cost, lam, a0_w, kappa_w, sh,
                   fear_depth > 0, lab, ord_g, m_g, ord_s, m_s, *out)
    return WarPolicy(index=z, margin=margin, p_war=p_war, p_dispute_or_war=p_dw,
                     p_attack=p_attack, fear=fear, fear_term=fear_term,
                     prevention=terms.prev_term, base=base, a_greedy=a_g, a_seeker=a_s,
                     rationality=lam, label=label)


def classify_causes(policy: WarPolicy, where: B1 | None = None) -> NDArray[np.int8]:
    """Cause of a war of i against j, for every pair (:class:`Cause` values; module docstring).

    Predation if base > 0; inadvertent if P(attack) without the fear and
    prevention terms is at least half of P(attack); otherwise the term whose
    removal alone would more than halve P(attack), or the larger term when both
    or neither would. Masked pairs: 0. With ``where`` only those pairs are
    classified (the others are 0).
    """
    out = np.zeros(policy.index.shape, dtype=np.int8)
    sel = np.isfinite(policy.index) if where is None else where & np.isfinite(policy.index)
    z = policy.index[sel]
    lam = policy.rationality
    fear_term, prev_term, base = policy.fear_term[sel], policy.prevention[sel], policy.base[sel]
    fear, prev = lam * fear_term, lam * prev_term
    p_full = logistic(z)
    p_base = logistic(z - fear - prev)
    fear_needed = logistic(z - fear) < 0.5 * p_full
    prev_needed = logistic(z - prev) < 0.5 * p_full
    larger = fear_term >= prev_term
    preempt = (fear_needed & ~prev_needed) | ((fear_needed == prev_needed) & larger)
    out[sel] = np.select(
        [base > 0, p_base >= 0.5 * p_full, preempt],
        [Cause.PREDATION, Cause.INADVERTENT, Cause.PREEMPTION],
        default=Cause.PREVENTION)
    return out


@dual
def _choose_kernel(u, draw, keys, step, stream, pos_label, p_war, p_dw, z, label, attacks,
                   starts, disputes):  # pragma: no cover - compiled
    """:func:`choose_wars`'s draw, one row of targets at a time.

    The uniforms are ``u`` or, with ``draw``, those of
    :func:`herz.world.noise.fill_uniform_pairs` drawn here (``keys``, ``step``,
    ``stream``, labels ``pos_label``: the same numbers).
    """
    n_worlds, n, _ = p_war.shape
    for w in nb.prange(n_worlds):
        best = np.empty(n, dtype=np.int64)
        for i in range(n):
            row = pos_label[w, i] * n
            b = -1
            zb = 0.0
            for j in range(n):
                if draw:
                    x = _uniform(keys[w, 0], keys[w, 1], np.uint64(row + pos_label[w, j]),
                                 step, stream)
                else:
                    x = u[w, i, j]
                trig = x < p_war[w, i, j]
                disputes[w, i, j] = (not trig) and x < p_dw[w, i, j]
                attacks[w, i, j] = False
                starts[w, i, j] = False
                if trig:
                    zj = z[w, i, j]
                    if b < 0 or zj > zb or (zj == zb and label[w, j] < label[w, b]):
                        b = j
                        zb = zj
            best[i] = b
            if b >= 0:
                attacks[w, i, b] = True
                starts[w, i, b] = True
        # two states attacking each other start one war: the attack of the higher index
        for i in range(n):
            j = best[i]
            if j >= 0 and best[j] == i:
                zi, zj = z[w, i, j], z[w, j, i]
                starts[w, i, j] = zi > zj or (zi == zj and label[w, i] < label[w, j])


def choose_wars(policy: WarPolicy, u: F8 | None = None, *, keys: NDArray[np.uint64] | None = None,
                step: int = 0, labels: NDArray[np.int64] | None = None,
                ) -> tuple[B1, B1, B1, NDArray[np.int8]]:
    """Attacks, new wars, disputes and causes this year from one uniform ``u`` per pair.

    The ordered draw: u < P(war) triggers an attack, P(war) <= u <
    P(dispute or war) a dispute. A state attacks at most one target a year:
    among its triggered targets, the one with the highest index (ties: the
    lowest label); so P(i attacks j) is :func:`chosen_probability`, and that is what
    ``attacks`` holds. When two states attack each other in the same year, both
    attacks are observed but one war starts, recorded as the attack of the
    higher index (ties: the lower label). Returns (attacks, starts, disputes,
    cause), cause 0 where no war starts.

    Without ``u``, the uniforms are those of ``Stream.WAR_DECISION`` at ``step``
    for the world ``keys`` and state ``labels`` (draw label_i N + label_j of
    :func:`herz.world.noise.fill_uniform_pairs`), drawn in the loop.
    """
    shape = policy.p_war.shape
    lab = _labels(policy.label, shape)
    attacks = np.empty(shape, dtype=bool)
    starts = np.empty(shape, dtype=bool)
    disputes = np.empty(shape, dtype=bool)
    c = np.ascontiguousarray
    if u is None:
        if keys is None or labels is None:
            raise ValueError("choose_wars needs u, or keys and labels to draw it")
        step_word, stream_word = _words(Stream.WAR_DECISION, step)
        _choose_kernel(np.zeros((1, 1, 1)), True, c(keys), step_word, stream_word,
                       c(labels, dtype=np.int64), c(policy.p_war), c(policy.p_dispute_or_war),
                       c(policy.index), lab, attacks, starts, disputes)
    else:
        if u.shape != shape:
            raise ValueError(f"u {u.shape} must have the policy's shape {shape}")
        _choose_kernel(c(u, dtype=float), False, np.zeros((1, 2), dtype=np.uint64), np.uint64(0),
                       np.uint64(0), lab, c(policy.p_war), c(policy.p_dispute_or_war),
                       c(policy.index), lab, attacks, starts, disputes)
    return attacks, starts, disputes, classify_causes(policy, starts)
