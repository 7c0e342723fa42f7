"""Costly signals as an equilibrium (DESIGN.md 2.7; issue 18).

A signal is a chosen, binding cut of offence. The sender scraps offence worth
C_j = ``signal_cost`` B Y_j (a share of its budget cap, in output units: the
signal is paid in real capability) and for ``signal_interval`` = T_s years
holds offence at the post-cut level, buying offence only to replace what
depreciates (:func:`herz.world.arms_control.purchase_shares`); rebuilding
early would be observable reneging, so the cut binds
(both types keep it: a state that reneged would reveal itself greedy and lose
what it paid for). The cut is real: the war's contests see the lower offence
(a lower first-strike chance and bargaining power: the status quo moves
against the signaller) for the whole window. A state cannot scrap more than
``signal_offense_cut`` of the offence it has, and signals again only after its
window.

**Value of trust, from the world's payoffs.** Observer i's mistrust of j makes
i aim arms at j: by the arms policy (:mod:`herz.world.economy`) i's target
spending rises by R_ij = kappa_i (f_ij(mu = 1) - f_ij(mu = 0)) w_ij T_j /
norm_i per unit of mu_ij (arms units a year; spending is paid out of output,
so output units); and it makes i fear j, so i is likelier to strike j first:
by the war policy (:mod:`herz.world.bargaining`) j's expected yearly loss from
that rises by W_ij per unit of mu_ij (:func:`war_unit`, from last year's war
policy). R + W is the unit of Kydd's cooperation payoff: trust that ends this
is worth, to each type of sender j, per unit of mu_ij removed,

    V^S_ij = (R + W)_ij max(pi_ji / (1 - delta) - (1 - pi_ji) c, pi_ji t_T)   (a lasting peace)
    V^G_ij = (R + W)_ij pi_ji t_U                                            (exploited once)

with pi_ji = 1 - mu_ji the sender's trust in the receiver, delta
``shadow_of_future``, c ``exploitation_cost``, t_T ``seeker_temptation`` and
t_U ``greedy_temptation``: the corrected reassurance model of MODELS.md 3.4
(committed exploiter, r_U = 0; :func:`herz.models.kydd.reassurance`) with the
world's R + W as its unit. The benefit of a signal is the trust it buys:
B_theta(mu') = sum_i (mu_ij - mu'_ij) V^theta_ij.

**Equilibrium.** Costs vary (domestic politics): a state of type theta pays
C_j e^z, z = s xi, xi ~ N(0, 1) (``signal_cost_spread`` s; draw label_j of
``Stream.SIGNAL_COST`` each step), and sends iff C_j e^z < B_theta(mu'). So
greedy states mimic at the rate m = Phi(log(B_G(mu') / C) / s) and seekers
send at p_S = Phi(log(B_S(mu') / C) / s), where the receivers' posterior after
a signal is mu' = mu m / (mu m + (1 - mu) p_S). For given p_S the mimicry m is
the unique root of m = Phi(log(B_G(mu'(m)) / C) / s) (B_G falls as m rises),
found by bisection; p_S then follows by a few fixed-point iterations started
at p_S = 1 (the equilibrium in which seekers signal whenever it pays).
Receivers update by Bayes with the equilibrium rates: a signal multiplies the
odds of greed by m / p_S, silence by (1 - m) / (1 - p_S), so a signal moves
beliefs partly, and the belief stays a martingale (silence is evidence too).

**Kydd's limit.** As s -> 0 the rates become steps: for a cost inside Kydd's
separating interval [V_U, V_T] (per unit of the trust bought) seekers send
and greedy states do not (m -> 0, mu' -> 0); below it greedy states mimic at
the rate that makes them indifferent (semi-separation, pooling as C -> 0);
above it nobody sends (tests/world/test_signals.py).

Limits: the sender does not price the window's effects into its cost (the
war module plays them out: the signaller's status quo share falls, and it is
attacked less, since an offence cut leaves the defence that meets a first
strike whole and lowers the others' fear); the war part of the value of trust
is last year's policy, linearised in mu.

References
----------
Kydd, A. (2000). Trust, reassurance, and cooperation. *International
Organization* 54(2): 325-357. doi:10.1162/002081800551190.

Kydd, A. H. (2005). *Trust and Mistrust in International Relations*, ch. 7
(Gorbachev's unilateral cuts). Princeton University Press.

Montgomery, E. B. (2006). Breaking out of the security dilemma: realism,
reassurance, and the problem of uncertainty. *International Security* 31(2):
151-185. doi:10.1162/isec.2006.31.2.151.

Fearon, J. D. (1997). Signaling foreign policy interests: tying hands versus
sinking costs. *Journal of Conflict Resolution* 41(1): 68-90.
doi:10.1177/0022002797041001004.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba as nb
import numpy as np
from numpy.typing import NDArray

from herz.world._dual import dual
from herz.world.bargaining import pair_contests, pair_mask
from herz.world.beliefs import SIGNAL_SEPARATING, add_pair_evidence, belief_limit
from herz.world.economy import Pressure, fear, public_threat
from herz.world.noise import Stream, fill_normal
from herz.world.params import WorldParams
from herz.world.state import WorldState

__all__ = [
    "SIGNAL_ELIGIBLE",
    "SIGNAL_MIMICRY",
    "SIGNAL_SENDERS",
    "SIGNAL_SENT",
    "SIGNAL_WINDOW",
    "SignalStep",
    "posterior",
    "remember_war_policy",
    "sender_benefit",
    "signal_equilibrium",
    "signal_evidence",
    "signal_step",
    "trust_unit",
    "trust_values",
    "war_unit",
    "window_open",
]

F8 = NDArray[np.float64]
B1 = NDArray[np.bool_]

#: Keys of last year's war policy kept for the value of trust: P(i attacks j), a^G_ji - a^S_ji.
WAR_ATTACK, WAR_GAP = "signals.war_p_attack", "signals.war_fear_gap"
#: Key of the (W, N) array of years left in each state's signal window in ``state.mech``.
SIGNAL_WINDOW = "signals.window"
#: Keys of this step's signals: sent (W, N) bool, mimicry and seeker rates (W, N).
SIGNAL_SENT, SIGNAL_MIMICRY, SIGNAL_SEEKER = "signals.sent", "signals.mimicry", "signals.seeker"
#: Key of this step's eligible senders (W, N) bool: could signal (no window, no war, a cost
#: within the offence it may scrap).
SIGNAL_ELIGIBLE = "signals.eligible"
#: Optional (W, N) bool mask in ``state.mech``: the states that may signal (a route of one pair,
#: :mod:`herz.studies.branching`). Absent: every state may (the system-wide mechanism).
SIGNAL_SENDERS = "signals.senders"

_EPS = 1e-12


def trust_unit(state: WorldState, params: WorldParams, press: Pressure) -> F8:
    """R[w, i, j]: the arms a year i aims at j per unit of its mistrust mu_ij (module docstring).

    kappa_i (f_ij(mu = 1) - f_ij(mu = 0)) w_ij shield_ij T_j / norm_i from the
    arms policy's own target, with T_j the world's one threat
    (:func:`herz.world.economy.public_threat`: (O_j + (1 - d) D_j) ((1 + f)/delta)^eta_T);
    0 for dead states, the diagonal and under offensive realism (fear does not depend on mu).
    """
    w, n = state.worlds, state.n_states
    ones = np.ones((w, n, n))
    f1 = fear(ones, state.identity, params)
    f0 = fear(np.zeros((w, n, n)), state.identity, params)
    threat = public_threat(state, params)
    r = (f1 - f0) * threat[:, None, :]
    if state.shield is not None:
        r = r * state.shield
    if state.weight is not None:
        r = r * state.weight
    kappa = np.asarray(params.per_state("reaction"))[None, :, None]
    norm = press.norm[:, :, None]
    r = np.divide(kappa * r, norm, out=np.zeros_like(r), where=norm > 0)
    live = state.alive[:, :, None] & state.alive[:, None, :] & ~np.eye(n, dtype=bool)
    return np.asarray(np.where(live, np.maximum(r, 0.0), 0.0))


def remember_war_policy(state: WorldState, p_attack: F8, a_greedy: F8, a_seeker: F8) -> None:
    """Keep this year's war policy for next year's value of trust (``state.mech``).

    ``p_attack`` [i, j]: P(i attacks j); ``a_greedy``, ``a_seeker`` [j, i]: P(j attacks i | j's
    type) as i predicts it (:class:`herz.world.war.WarStep`). Stored: P(i attacks j) and
    a^G_ji - a^S_ji as [i, j].
    """
    state.mech[WAR_ATTACK] = np.array(p_attack, dtype=float)
    state.mech[WAR_GAP] = np.swapaxes(np.asarray(a_greedy) - np.asarray(a_seeker), 1, 2).copy()


def war_unit(state: WorldState, params: WorldParams) -> F8:
    """W[w, i, j]: j's expected yearly war loss from i per unit of i's mistrust mu_ij.

    i's mistrust of j is fear of j (:mod:`herz.world.bargaining`): with fear
    h_ij = mu_ij a^G_ji + (1 - mu_ij) a^S_ji in i's war index, dP(i attacks
    j)/dmu_ij = P (1 - P) lambda l_ij (a^G_ji - a^S_ji), l_ij = (1 - p^s_ij) tau + c,
    and a strike costs j L_j = (p^f_ij tau + c) Y_j. From last year's policy
    (public, lagged; :func:`remember_war_policy`) and this year's contests; 0
    before the first war decision and where the derivative is negative.
    """
    pa = state.mech.get(WAR_ATTACK)
    gap = state.mech.get(WAR_GAP)
    w, n = state.worlds, state.n_states
    if pa is None or gap is None or pa.shape != (w, n, n):
        return np.zeros((w, n, n))
    mask = pair_mask(state.alive, state.relevant)
    ct = pair_contests(state.offense, state.defense, mask,
                       balance=params.world_value("offense_defense_balance", 2),
                       first_strike=float(params.first_strike_advantage),
                       exponent=float(params.contest_exponent))
    tau, c = float(params.war_transfer), params.world_value("war_cost_share", 2)
    slope = pa * (1.0 - pa) * float(params.war_rationality) * ((1.0 - ct.p_second) * tau + c)
    loss = (ct.p_first * tau + c) * state.output[:, None, :]
    return np.asarray(np.where(mask, np.maximum(slope * gap * loss, 0.0), 0.0))


def trust_values(unit: F8, trust_in_receiver: F8, params: WorldParams) -> tuple[F8, F8]:
    """(V^S, V^G)[w, i, j]: what receiver i's trust (per unit of mu_ij) is worth to sender j.

    ``unit`` is R + W (:func:`trust_unit`, :func:`war_unit`); ``trust_in_receiver``[w, i, j] =
    1 - mu_ji, the sender's trust in the receiver. Kydd's values of being
    trusted (MODELS.md 3.4, corrected, committed exploiter) in units of R + W.
    """
    pi = np.asarray(trust_in_receiver, dtype=float)
    d, c = params.shadow_of_future, params.exploitation_cost
    v_t = np.maximum(pi / (1.0 - d) - (1.0 - pi) * c, pi * params.seeker_temptation)
    v_u = pi * params.greedy_temptation
    return np.asarray(unit * v_t), np.asarray(unit * v_u)


def posterior(mu: F8, mimicry: F8, seeker: F8) -> F8:
    """Mu' = mu m / (mu m + (1 - mu) p_S): mistrust after a signal (mu where nobody sends).

    ``mu`` is (W, N, N) [i, j]; ``mimicry`` and ``seeker`` are the sender j's
    rates, (W, N).
    """
    m = mimicry[:, None, :]
    p = seeker[:, None, :]
    num = mu * m
    den = num + (1.0 - mu) * p
    return np.asarray(np.divide(num, den, out=np.array(mu, dtype=float, copy=True),
                                where=den > 0))


@dataclass(frozen=True)
class Equilibrium:
    """The signalling equilibrium of every sender: rates (W, N) and the posterior (W, N, N)."""

    mimicry: F8
    seeker: F8
    posterior: F8


@nb.njit(inline="always")
def _rate1(b, c, s):  # pragma: no cover - compiled
    """Scalar :func:`_rate`: Phi(log(b / c) / s), a step at s = 0, 0 for b <= 0."""
    if b <= 0.0:
        return 0.0
    if c <= 0.0:
        return 1.0
    if s <= 0.0:
        return 1.0 if b > c else 0.0
    return 0.5 * math.erfc(-(math.log(b) - math.log(c)) / (s * math.sqrt(2.0)))


@nb.njit(inline="always")
def _benefit1(mu, v, w, j, m, p, order):  # pragma: no cover - compiled
    """Scalar :func:`_benefit` of sender j in world w, summed over receivers in label order."""
    n = mu.shape[1]
    tot = 0.0
    for k in range(n):
        i = order[w, k]
        x = mu[w, i, j]
        den = x * m + (1.0 - x) * p
        post = x * m / den if den > 0.0 else x
        tot += (x - post) * v[w, i, j]
    return tot


_LOGIT_SPAN = 60.0


def _order(shape: tuple[int, ...], labels: NDArray[np.int64] | None) -> NDArray[np.int64]:
    """Positions of the states in label order, (W, N)."""
    if labels is None:
        return np.ascontiguousarray(np.broadcast_to(np.arange(shape[1]), shape), dtype=np.int64)
    return np.ascontiguousarray(np.argsort(labels, axis=1, kind="stable"), dtype=np.int64)


@dual
def _benefit_kernel(mu, v, m, p, order, out):  # pragma: no cover - compiled
    n_worlds, n = m.shape
    for w in nb.prange(n_worlds):
        for j in range(n):
            out[w, j] = _benefit1(mu, v, w, j, m[w, j], p[w, j], order)


def sender_benefit(mu: F8, value: F8, mimicry: F8, seeker: F8,
                   labels: NDArray[np.int64] | None = None) -> F8:
    """B(mu') = sum_i (mu_ij - mu'_ij) V_ij of every sender j, (W, N), summed in label order."""
    out = np.empty(mimicry.shape)
    _benefit_kernel(np.ascontiguousarray(mu, dtype=float), np.ascontiguousarray(value, dtype=float),
                    np.ascontiguousarray(mimicry, dtype=float),
                    np.ascontiguousarray(seeker, dtype=float), _order(mimicry.shape, labels), out)
    return out


@dual
def _equilibrium_kernel(mu, vs, vg, cost, spread, ok, order, iterations, bisection, m_out,
                        p_out):  # pragma: no cover - compiled
    n_worlds, n = cost.shape
    for w in nb.prange(n_worlds):
        for j in range(n):
            if not ok[w, j]:
                m_out[w, j] = 0.0
                p_out[w, j] = 0.0
                continue
            c = cost[w, j]
            p = 1.0
            m = 0.0
            for _ in range(iterations):
                # bisection on the log-odds of m: small rates keep their relative precision
                lo = -_LOGIT_SPAN
                hi = _LOGIT_SPAN
                for _ in range(bisection):
                    mid = 0.5 * (lo + hi)
                    mm = 1.0 / (1.0 + math.exp(-mid))
                    g = mm - _rate1(_benefit1(mu, vg, w, j, mm, p, order), c, spread)
                    if g > 0.0:
                        hi = mid
                    else:
                        lo = mid
                if lo <= -_LOGIT_SPAN:
                    m = 0.0  # nobody mimics even when nobody else does
                elif hi >= _LOGIT_SPAN:
                    m = 1.0
                else:
                    m = 1.0 / (1.0 + math.exp(-0.5 * (lo + hi)))
                new = _rate1(_benefit1(mu, vs, w, j, m, p, order), c, spread)
                done = abs(new - p) <= 1e-10
                p = new
                if done:
                    break
            m_out[w, j] = m
            p_out[w, j] = p


def signal_equilibrium(mu: F8, value_seeker: F8, value_greedy: F8, cost: F8, spread: float, *,
                       eligible: B1 | None = None, labels: NDArray[np.int64] | None = None,
                       iterations: int = 12, bisection: int = 60) -> Equilibrium:
    """Mimicry rate m and seekers' rate p_S of every sender j (module docstring).

    ``mu`` [w, i, j]: receiver i's mistrust of sender j (pairs that do not
    count: value 0); ``value_*`` [w, i, j]: V^S, V^G; ``cost`` (W, N): C_j;
    ``spread``: s. For given p_S, m is the root of m = Phi(log(B_G / C) / s)
    by ``bisection`` halvings of its log-odds in [-60, 60]; p_S = Phi(log(B_S
    / C) / s) is iterated from 1 at most ``iterations`` times. Senders that
    are not ``eligible`` get m = p_S = 0. The sums over receivers run in the
    order of the states' ``labels`` (W, N), so relabelling the states
    permutes the results exactly.
    """
    mu = np.ascontiguousarray(mu, dtype=float)
    cost = np.ascontiguousarray(cost, dtype=float)
    ok = (np.ones(cost.shape, dtype=bool) if eligible is None
          else np.ascontiguousarray(eligible, dtype=bool))
    order = _order(cost.shape, labels)
    mimicry, seeker = np.empty(cost.shape), np.empty(cost.shape)
    _equilibrium_kernel(mu, np.ascontiguousarray(value_seeker, dtype=float),
                        np.ascontiguousarray(value_greedy, dtype=float), cost, float(spread), ok,
                        order, int(iterations), int(bisection), mimicry, seeker)
    return Equilibrium(mimicry=mimicry, seeker=seeker,
                       posterior=posterior(mu, mimicry, seeker))


@dataclass(frozen=True)
class SignalStep:
    """Signals of the step: who could signal, who did, at which equilibrium rates (W, N)."""

    eligible: B1
    sent: B1
    mimicry: F8
    seeker: F8
    cost: F8


def signal_step(state: WorldState, params: WorldParams, press: Pressure) -> SignalStep:
    """Decide this year's signals and pay them: cut offence, open windows (in place).

    Reads beliefs and stocks at the start of the step. One normal draw per
    state (``Stream.SIGNAL_COST``, draw label_j) every step, used or not.
    Writes ``state.offense`` (the cut), ``state.signals`` ([j, i] = 1: j
    signalled i) and ``state.mech`` keys ``signals.*``. With the optional mask
    ``state.mech["signals.senders"]`` (:data:`SIGNAL_SENDERS`) only the states it
    marks may signal; absent, every state may (the same draws either way).
    """
    w, n = state.worlds, state.n_states
    window = state.mech.get(SIGNAL_WINDOW)
    if window is None or window.shape != (w, n):
        window = np.zeros((w, n), dtype=np.int64)
    window = np.maximum(window - 1, 0)  # a year of every window has passed
    xi = np.empty((w, n))
    full = np.empty((w, n))
    fill_normal(state.keys, Stream.SIGNAL_COST, state.t, full)
    xi[...] = np.take_along_axis(full, state.label, axis=1)
    cost = params.signal_cost * params.world_value("budget_share", 1) * state.output
    fighting = state.at_war.any(axis=2)
    eligible = (state.alive & (window <= 0) & ~fighting & (cost > 0)
                & (cost <= params.signal_offense_cut * state.offense))
    senders = state.mech.get(SIGNAL_SENDERS)
    if senders is not None:  # a route open to some states only
        eligible = eligible & senders
    mu = state.mistrust
    live = state.alive[:, :, None] & state.alive[:, None, :] & ~np.eye(n, dtype=bool)
    mu = np.where(live, mu, 0.0)
    unit = trust_unit(state, params, press) + war_unit(state, params)
    v_s, v_g = trust_values(unit, 1.0 - np.swapaxes(mu, 1, 2), params)
    eq = signal_equilibrium(mu, v_s, v_g, cost, params.signal_cost_spread, eligible=eligible,
                            labels=state.label)
    benefit = np.where(state.greedy,
                       sender_benefit(mu, v_g, eq.mimicry, eq.seeker, state.label),
                       sender_benefit(mu, v_s, eq.mimicry, eq.seeker, state.label))
    paid = cost * np.exp(params.signal_cost_spread * xi)
    sent = eligible & (benefit > paid)
    state.offense = np.where(sent, state.offense - cost, state.offense)
    window = np.where(sent, int(params.signal_interval), window)
    state.mech[SIGNAL_WINDOW] = window
    state.mech[SIGNAL_SENT] = sent
    state.mech[SIGNAL_ELIGIBLE] = eligible
    state.mech[SIGNAL_MIMICRY] = eq.mimicry
    state.mech[SIGNAL_SEEKER] = eq.seeker
    codes = np.where(sent[:, :, None] & live, SIGNAL_SEPARATING, 0).astype(np.int8)
    state.signals = codes
    return SignalStep(eligible=eligible, sent=sent, mimicry=eq.mimicry, seeker=eq.seeker,
                      cost=cost)


def signal_evidence(state: WorldState, params: WorldParams, sig: SignalStep) -> None:
    """Bayes' rule with the equilibrium rates: l_ij += log(m_j / p_j) or log((1-m_j)/(1-p_j)).

    Every living observer updates about every eligible sender (senders in a
    window or at war could not signal: no evidence). Also the shadow belief
    and the second-order beliefs (nu_ij gets the evidence about i).
    """
    m = np.clip(sig.mimicry, _EPS, 1.0 - _EPS)
    p = np.clip(sig.seeker, _EPS, 1.0 - _EPS)
    ev = np.where(sig.sent, np.log(m) - np.log(p), np.log1p(-m) - np.log1p(-p))
    ev = np.where(sig.eligible, ev, 0.0)  # (W, N): evidence about each sender
    n = state.n_states
    live = state.alive[:, :, None] & state.alive[:, None, :] & ~np.eye(n, dtype=bool)
    lim = belief_limit(params)
    add_pair_evidence(state, np.where(live, ev[:, None, :], 0.0), lim)  # [i, j]: about sender j


def window_open(state: WorldState) -> B1:
    """States whose signal binds this year (window opened this step or earlier), (W, N)."""
    window = state.mech.get(SIGNAL_WINDOW)
    if window is None:
        return np.zeros(state.alive.shape, dtype=bool)
    return np.asarray(window > 0)
