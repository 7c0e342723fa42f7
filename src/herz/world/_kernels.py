"""Compiled loops (Numba) behind the mechanisms: one pass over (world, i, j) each.

Each kernel is the loop form of the NumPy expression documented in its
mechanism's module, parallel over worlds (``prange``): the rows of one world
never read another's, so results do not depend on the batch. Tests check them
against hand-computed cases and against the NumPy definitions.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from herz.world._dual import dual
from herz.world.noise import _FI, _KI, _WI

__all__ = [
    "ZIG",
    "beliefs_kernel",
    "decide_war_kernel",
    "perceive_kernel",
    "pressure_kernel",
    "seeker_trust_kernel",
]

ZIG = (_KI, _WI, _FI)


@dual
def perceive_kernel(offense, defense, d, factor, has_noise, mult, has_mult, prev, growth, first,
                    threat, built):  # pragma: no cover - compiled
    n_worlds, n = offense.shape
    for w in nb.prange(n_worlds):
        for i in range(n):
            for j in range(n):
                if i == j:
                    threat[w, i, j] = 0.0
                    built[w, i, j] = False
                    continue
                t = offense[w, j] + (1.0 - d) * defense[w, j]
                if has_noise:
                    t = t * factor[w, i, j]
                if has_mult:
                    t = t * mult[w, i, j]
                threat[w, i, j] = t
                built[w, i, j] = (not first) and (t > prev[w, i, j] * growth)


@dual
def beliefs_kernel(mu, built, signals, has_signals, attacker, has_attacks, seen, restrained,
                   attack_evidence, floor, out):  # pragma: no cover - compiled
    n_worlds, n, _ = mu.shape
    for w in nb.prange(n_worlds):
        for i in range(n):
            for j in range(n):
                if i == j:
                    out[w, i, j] = 0.0
                    continue
                lr = seen if built[w, i, j] else restrained
                if has_signals and signals[w, j, i] == 1:
                    lr = 0.0
                if has_attacks and attacker[w, j]:
                    lr = lr * attack_evidence
                m = mu[w, i, j]
                post = m * lr
                post = post / (post + (1.0 - m))
                out[w, i, j] = min(max(post, floor), 1.0 - floor)


def pressure_kernel(threat, mu, identity, inst, has_inst, weight, has_weight, fear_floor,
                    realism, identity_weight, threat_cut, mean, out, shield=None,
                    has_shield=False):
    """Perceived pressure per state (see :func:`herz.world.arms.perceived_pressure`).

    ``shield`` (buffer zones) is optional: without it the sum is the one of the
    world before buffers, operation for operation.
    """
    _pressure(threat, mu, identity, inst, has_inst, weight, has_weight,
              _ONE3 if shield is None else shield, bool(has_shield and shield is not None),
              fear_floor, realism, identity_weight, threat_cut, mean, out)


_ONE3 = np.ones((1, 1, 1))


@nb.njit(inline="always")
def _pressure_term(w, i, j, m, t, identity, inst, has_inst, weight, has_weight, shield, has_shield,
                   fear_floor, realism, identity_weight, threat_cut):  # pragma: no cover - compiled
    """One pair's share of state i's perceived pressure, and its geography weight (0 if none)."""
    f = 1.0 if realism else fear_floor + (1.0 - fear_floor) * m
    if identity_weight > 0.0:
        f = f * (1.0 - identity_weight * identity[w, i, j])
    if has_inst:
        f = f * (1.0 - threat_cut * inst[w, i, j])
    x = f * t
    wgt = 0.0
    if has_weight:
        x = x * weight[w, i, j]
        wgt = weight[w, i, j]
    if has_shield:
        x = x * shield[w, i, j]
    return x, wgt


@nb.njit(inline="always")
def _pressure_total(tot, norm, mean, has_weight, n):  # pragma: no cover - compiled
    """The row's pressure: the sum, or its (weighted) mean over the other states."""
    if mean:
        if has_weight:
            return tot / norm if norm > 0.0 else 0.0
        return tot / (n - 1)
    return tot


@dual
def _pressure(threat, mu, identity, inst, has_inst, weight, has_weight, shield, has_shield,
              fear_floor, realism, identity_weight, threat_cut, mean,
              out):  # pragma: no cover
    n_worlds, n, _ = mu.shape
    for w in nb.prange(n_worlds):
        for i in range(n):
            tot = 0.0
            norm = 0.0
            for j in range(n):
                if i == j:
                    continue
                x, wgt = _pressure_term(w, i, j, mu[w, i, j], threat[w, i, j], identity, inst, has_inst,
                                        weight, has_weight, shield, has_shield, fear_floor, realism,
                                        identity_weight, threat_cut)
                tot += x
                norm += wgt
            out[w, i] = _pressure_total(tot, norm, mean, has_weight, n)


@nb.njit(inline="always")
def _contest(o, d):  # pragma: no cover - compiled
    total = o + d
    return o / total if total > 0.0 else 0.0


@dual
def decide_war_kernel(offense, defense, greedy, mu, identity, use_identity, labels, extra,
                      has_pool, shield, has_shield, delta, first_strike, gain, cost, loss,
                      identity_weight, preempt_mistrust, label, target,
                      p_win):  # pragma: no cover - compiled
    n_worlds, n = offense.shape
    for w in nb.prange(n_worlds):
        for i in range(n):
            best = -np.inf
            best_j = -1
            best_p = 0.0
            oi = (1.0 + first_strike) * offense[w, i]
            gi = greedy[w, i]
            for j in range(n):
                if i == j or (not gi and mu[w, i, j] < preempt_mistrust):
                    continue  # a security seeker that does not fear j never strikes it
                dj = defense[w, j]
                if has_pool and labels[w, j] >= 0 and labels[w, j] != labels[w, i]:
                    dj = dj + extra[w, j]
                # j's buffer against i shields j from i's offence (Garver; Boulding)
                pf = _contest(oi * shield[w, j, i] if has_shield else oi, delta * dj)
                if gi:
                    score = pf * gain - cost
                    if use_identity:
                        score = score + identity_weight * identity[w, i, j] * (-pf * loss - cost)
                else:
                    di = defense[w, i]
                    if has_pool and labels[w, i] >= 0 and labels[w, i] != labels[w, j]:
                        di = di + extra[w, i]
                    oj = (1.0 + first_strike) * offense[w, j]
                    if has_shield:
                        oj = oj * shield[w, i, j]
                    pji = _contest(oj, delta * di)
                    gap = pf - (1.0 - pji) - 2.0 * cost
                    score = gap if gap > 0.0 else -np.inf
                # ties go to the lowest label, so relabelling states permutes the choice
                if score > best or (score == best and best_j >= 0
                                    and label[w, j] < label[w, best_j]):
                    best = score
                    best_j = j
                    best_p = pf
            if best > 0.0:
                target[w, i] = best_j
                p_win[w, i] = best_p
            else:
                target[w, i] = -1
                p_win[w, i] = 0.0


@dual
def seeker_trust_kernel(mu, greedy, out):  # pragma: no cover - compiled
    n_worlds, n, _ = mu.shape
    for w in nb.prange(n_worlds):
        tot = 0.0
        cnt = 0
        tot_all = 0.0
        for i in range(n):
            for j in range(n):
                if i == j:
                    continue
                t = 1.0 - mu[w, i, j]
                tot_all += t
                if not greedy[w, i] and not greedy[w, j]:
                    tot += t
                    cnt += 1
        out[w] = tot / cnt if cnt > 0 else tot_all / (n * (n - 1))


@dual
def identity_kernel(identity, rate, built, signals, has_signals, treaty, has_treaty, attacks,
                    has_attacks, war_enmity, out):  # pragma: no cover - compiled
    n_worlds, n, _ = identity.shape
    for w in nb.prange(n_worlds):
        for i in range(n):
            r = rate[w, i]
            for j in range(n):
                if i == j:
                    out[w, i, j] = 1.0
                    continue
                acts = -1.0 if built[w, i, j] else 1.0
                if has_signals and signals[w, j, i] != 0:
                    acts += 1.0
                if has_treaty and treaty[w, i, j]:
                    acts += 1.0
                s = identity[w, i, j] + r * acts
                if has_attacks and (attacks[w, i, j] or attacks[w, j, i]):
                    s -= war_enmity
                out[w, i, j] = min(max(s, -1.0), 1.0)


@dual
def fused_kernel(seen_threat, factor, has_noise, mult, has_mult, prev, growth, want_built,
                 first, mu, do_beliefs, signals, has_signals, attacker, has_attacks, seen,
                 restrained, attack_evidence, floor, use_new, identity, inst, has_inst, weight,
                 has_weight, shield, has_shield, fear_floor, realism, identity_weight, threat_cut,
                 mean, threat, built, mu_out, pressure):  # pragma: no cover - compiled
    """Perception, belief update and perceived pressure in one pass over each row (w, i).

    The same arithmetic, in the same order, as ``perceive_kernel``,
    ``beliefs_kernel`` and ``pressure_kernel`` run one after the other.
    """
    n_worlds, n = seen_threat.shape
    for w in nb.prange(n_worlds):
        for i in range(n):
            tot = 0.0
            norm = 0.0
            for j in range(n):
                if i == j:
                    threat[w, i, j] = 0.0
                    if want_built:
                        built[w, i, j] = False
                    if do_beliefs:
                        mu_out[w, i, j] = 0.0
                    continue
                # perception
                t = seen_threat[w, j]
                if has_noise:
                    t = t * factor[w, i, j]
                if has_mult:
                    t = t * mult[w, i, j]
                threat[w, i, j] = t
                b = (not first) and (t > prev[w, i, j] * growth)
                if want_built:
                    built[w, i, j] = b
                # belief update
                m = mu[w, i, j]
                m_dec = m
                if do_beliefs:
                    lr = seen if b else restrained
                    if has_signals and signals[w, j, i] == 1:
                        lr = 0.0
                    if has_attacks and attacker[w, j]:
                        lr = lr * attack_evidence
                    post = m * lr
                    post = post / (post + (1.0 - m))
                    post = min(max(post, floor), 1.0 - floor)
                    mu_out[w, i, j] = post
                    if use_new:
                        m_dec = post
                # pressure
                x, wgt = _pressure_term(w, i, j, m_dec, t, identity, inst, has_inst, weight, has_weight,
                                        shield, has_shield, fear_floor, realism, identity_weight,
                                        threat_cut)
                tot += x
                norm += wgt
            pressure[w, i] = _pressure_total(tot, norm, mean, has_weight, n)
