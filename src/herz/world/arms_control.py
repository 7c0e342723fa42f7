"""Arms control with verification (DESIGN.md 2.8; issue 18).

A treaty between i and j caps both parties' offence at its level: a party that
keeps it buys offence only to replace depreciation (the rest of its spending
goes to defence; :func:`purchase_shares`). Verification v (``verification``)
substitutes for trust in three ways.

**Cheating.** A greedy party may cheat: buy offence as if there were no treaty
(the excess is its yearly offence purchase, dt q_G m_j). Monitoring detects it
with probability pi_d = 1 - exp(-v excess / sigma_j), sigma_j = sigma Y_j / Y_ref
the perception noise of one component of j's purchases. Cheating pays a greedy
state (one year's gain t_U - 1 over keeping the treaty, in Kydd's units: 1 a
year of cooperation, ``greedy_temptation`` t_U for exploiting it) iff the gain
exceeds pi_d L, with L = delta / (1 - delta) the discounted treaty a detected
cheater loses (cheat until caught vs keep it forever: t_U / (1 - delta (1 -
pi_d)) > 1 / (1 - delta)). Whether a greedy j would cheat is public (it follows
from public quantities).

**Signing.** Under current beliefs i gains from a treaty with j, per year and in
the same units,

    G_ij = (1 - mu_ij) + mu_ij [cheats_j ? -(1 - pi_d) c : 1] - k,

(cooperation with a seeker or a greedy state that keeps the treaty is worth 1;
an undetected cheater exploits i, -c with ``exploitation_cost`` c; a detected
one ends the treaty, 0; ``treaty_cost`` k). A pair signs, and a treaty stays in
force, while both gain (G_ij > 0 and G_ji > 0), both are alive, politically
relevant and not at war with each other, and no alarm sounded in the last
``treaty_cooldown`` years. At mu = 1/2 a greedy j cheats without
verification, G < 0 for k > 0, and signing needs v: verification substitutes
for trust. Signing itself is the same rule for both types (it reveals nothing).

**Alarms.** Each year each party monitors the other: an alarm sounds with
probability pi_d + (1 - pi_d) alpha(v) for a cheater and alpha(v) = alpha_0
(1 - v) (``false_alarm``) for a party that keeps the treaty (uniform draw
label_i N + label_j of ``Stream.TREATY_ALARM``, every step). An alarm ends the
treaty (a source of re-entry into the dilemma when it is false) and i updates
by Bayes with the same probabilities: mistrust rises after an alarm about a
state that would cheat if greedy (detected cheating lowers trust), and falls a
little every year without one. Verification also cuts the pair's perception
noise to (1 - v) sigma (:func:`herz.world.perception.noise_scale`).

References
----------
Schelling, T. C. and Halperin, M. H. (1961). *Strategy and Arms Control*.
Twentieth Century Fund.

Kydd, A. H. (2005). *Trust and Mistrust in International Relations*, ch. 7.
Princeton University Press.

Downs, G. W. and Rocke, D. M. (1990). *Tacit Bargaining, Arms Races, and Arms
Control*. University of Michigan Press (imperfect monitoring, false alarms).

Koremenos, B. (2016). *The Continent of International Law*, ch. 7
(monitoring provisions). Cambridge University Press.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from herz.world.beliefs import add_pair_evidence, belief_limit
from herz.world.economy import (
    has_world_shares,
    offense_shares,
    offense_shares_worlds,
    reference_output,
)
from herz.world.noise import Stream, fill_uniform_pairs
from herz.world.params import WorldParams
from herz.world.perception import MIN_NOISE
from herz.world.state import WorldState

__all__ = [
    "TREATY_ALARMS",
    "TREATY_COOLDOWN",
    "TREATY_FORCED",
    "TREATY_PAIRS",
    "TreatyStep",
    "cheating_pays",
    "detection_probability",
    "false_alarm_rate",
    "monitor",
    "purchase_shares",
    "treaty_gain",
    "treaty_step",
]

F8 = NDArray[np.float64]
B1 = NDArray[np.bool_]

#: Keys in ``state.mech``: years before a pair may sign again (W, N, N); this step's alarms
#: [i, j] (i alarmed about j) and whether each was true (j cheated); cumulative counts (W,).
TREATY_COOLDOWN = "treaty.cooldown"
TREATY_ALARMS = "treaty.alarms"
TREATY_TRUE_ALARMS = "treaty.true_alarms"
TREATY_CHEATING = "treaty.cheating"
TREATY_FALSE_ENDS = "treaty.n_false_alarm_ends"
TREATY_DETECTED = "treaty.n_detected"
#: Optional (W, N, N) bool masks in ``state.mech`` (routes of one pair,
#: :mod:`herz.studies.branching`): the pairs that may sign (absent: every pair), and the pairs
#: whose treaty is imposed whatever their gains and cooldown (absent: none).
TREATY_PAIRS = "treaty.pairs"
TREATY_FORCED = "treaty.forced"


def detection_probability(verification: ArrayLike, excess: ArrayLike, sigma: ArrayLike) -> F8:
    """pi_d = 1 - exp(-v excess / sigma): chance that a year's cheating is detected.

    Where ``sigma`` is 0 (a dead state: no output, no purchases) it is 0.
    """
    v = np.asarray(verification, dtype=float)
    x = np.asarray(excess, dtype=float)
    s = np.asarray(sigma, dtype=float)
    ratio = np.divide(x, s, out=np.zeros(np.broadcast_shapes(x.shape, s.shape)), where=s > 0)
    return np.asarray(-np.expm1(-v * ratio))


def false_alarm_rate(params: WorldParams) -> float:
    """alpha(v) = alpha_0 (1 - v): yearly chance of an alarm about a party that keeps the treaty."""
    return float(params.false_alarm * (1.0 - params.verification))


def cheating_pays(detect: ArrayLike, params: WorldParams) -> B1:
    """Whether a greedy party cheats: gain t_U - 1 > pi_d L, L = delta / (1 - delta)."""
    d = params.shadow_of_future
    loss = d / (1.0 - d)
    return np.asarray((params.greedy_temptation - 1.0) > np.asarray(detect) * loss)


def treaty_gain(mistrust: ArrayLike, detect: ArrayLike, cheats: ArrayLike,
                params: WorldParams) -> F8:
    """G_ij = (1 - mu) + mu [cheats ? -(1 - pi_d) c : 1] - k: i's yearly gain from a treaty.

    ``mistrust`` [w, i, j] = mu_ij; ``detect`` and ``cheats`` are j's pi_d and
    whether a greedy j would cheat, broadcast over observers i.
    """
    mu = np.asarray(mistrust, dtype=float)
    pd = np.asarray(detect, dtype=float)
    greedy_value = np.where(cheats, -(1.0 - pd) * params.exploitation_cost, 1.0)
    return np.asarray((1.0 - mu) + mu * greedy_value - params.treaty_cost)


@dataclass(frozen=True)
class TreatyStep:
    """Treaties of the year: in force (W, N, N), each party's pi_d and cheating rule (W, N)."""

    treaty: B1
    detect: F8
    would_cheat: B1
    cheating: B1


def _sigma(state: WorldState, params: WorldParams) -> F8:
    if params.mechanisms.perception:
        sigma = np.maximum(params.world_value("perception_noise", 1), MIN_NOISE)
    else:
        sigma = MIN_NOISE
    return np.asarray(sigma * state.output / reference_output(params))


def treaty_step(state: WorldState, params: WorldParams) -> TreatyStep:
    """Sign, keep or leave treaties under beliefs at t; decide who cheats (in place).

    Writes ``state.arms_control`` (symmetric) and the cooldown. Optional masks in
    ``state.mech``: ``treaty.pairs`` (:data:`TREATY_PAIRS`) limits signing to the pairs it
    marks; ``treaty.forced`` (:data:`TREATY_FORCED`) imposes the treaty on the pairs it marks
    (an action forced, not an option: gains and the cooldown do not matter; alarms still end
    it for the rest of the year and teach as usual). Absent: every pair may sign, none is
    forced.
    """
    w, n = state.worlds, state.n_states
    cool = state.mech.get(TREATY_COOLDOWN)
    if cool is None or cool.shape != (w, n, n):
        cool = np.zeros((w, n, n), dtype=np.int64)
    cool = np.maximum(cool - 1, 0)
    _, q_g = (offense_shares_worlds(params, w) if has_world_shares(params)
              else offense_shares(params))
    excess = params.dt * q_g * state.spending  # a cheater's yearly offence purchase
    detect = detection_probability(params.verification, excess, _sigma(state, params))
    detect = np.where(state.alive, detect, 0.0)
    would = cheating_pays(detect, params) & state.alive
    gain = treaty_gain(state.mistrust, detect[:, None, :], would[:, None, :], params)
    live = (state.alive[:, :, None] & state.alive[:, None, :] & ~np.eye(n, dtype=bool)
            & state.relevant & np.swapaxes(state.relevant, 1, 2))
    ok = live & ~state.at_war & (cool == 0)
    pairs = state.mech.get(TREATY_PAIRS)
    if pairs is not None:  # a route open to some pairs only
        ok = ok & (pairs | np.swapaxes(pairs, 1, 2))
    treaty = ok & (gain > 0) & (np.swapaxes(gain, 1, 2) > 0)
    forced = state.mech.get(TREATY_FORCED)
    if forced is not None:  # imposed: in force while both live, are relevant and at peace
        treaty = treaty | (live & ~state.at_war & (forced | np.swapaxes(forced, 1, 2)))
    state.arms_control = treaty
    state.mech[TREATY_COOLDOWN] = cool
    member = treaty.any(axis=2)
    cheating = member & state.greedy & would
    state.mech[TREATY_CHEATING] = cheating
    return TreatyStep(treaty=treaty, detect=detect, would_cheat=would, cheating=cheating)


def monitor(state: WorldState, params: WorldParams, tr: TreatyStep, *, learn: bool) -> None:
    """Sound the year's alarms: end treaties, start cooldowns and (``learn``) update trust, in place.

    One uniform per ordered pair (``Stream.TREATY_ALARM``) every step.
    """
    w, n = state.worlds, state.n_states
    u = fill_uniform_pairs(state.keys, Stream.TREATY_ALARM, state.t, state.label,
                           np.empty((w, n, n)))
    alpha = false_alarm_rate(params)
    pd = tr.detect[:, None, :]
    p_true = 1.0 - (1.0 - pd) * (1.0 - alpha)  # alarm about a cheater
    cheat = tr.cheating[:, None, :]
    treaty = tr.treaty & state.alive[:, :, None] & state.alive[:, None, :]
    alarm = treaty & (u < np.where(cheat, p_true, alpha))
    ended = alarm | np.swapaxes(alarm, 1, 2)
    state.arms_control = treaty & ~ended
    cool = state.mech.get(TREATY_COOLDOWN, np.zeros((w, n, n), dtype=np.int64))
    state.mech[TREATY_COOLDOWN] = np.where(ended, int(params.treaty_cooldown), cool)
    state.mech[TREATY_ALARMS] = alarm
    state.mech[TREATY_TRUE_ALARMS] = alarm & cheat
    upper = np.triu(np.ones((n, n), dtype=bool), 1)
    false_end = ended & ~((alarm & cheat) | np.swapaxes(alarm & cheat, 1, 2)) & upper
    true_end = ended & ((alarm & cheat) | np.swapaxes(alarm & cheat, 1, 2)) & upper
    for key, new in ((TREATY_FALSE_ENDS, false_end), (TREATY_DETECTED, true_end)):
        state.mech[key] = state.mech.get(key, np.zeros(w, dtype=np.int64)) + new.sum(axis=(1, 2))
    if not learn:
        return
    # Bayes: P(alarm | greedy) uses the public cheating rule, P(alarm | seeker) = alpha
    would = tr.would_cheat[:, None, :]
    pg = np.where(would, p_true, alpha)
    with np.errstate(divide="ignore"):
        ev = np.where(alarm, np.log(np.maximum(pg, 1e-300)) - np.log(max(alpha, 1e-300)),
                      np.log1p(-np.minimum(pg, 1.0 - 1e-16)) - np.log1p(-min(alpha, 1.0 - 1e-16)))
    ev = np.where(treaty, ev, 0.0)  # [i, j]: what i learns about j
    add_pair_evidence(state, ev, belief_limit(params))


def purchase_shares(state: WorldState, params: WorldParams, window: B1,
                    tr: TreatyStep | None) -> tuple[F8, F8]:
    """(q_S, q_G), (W, N) each: the public offence share of each state's purchases by type.

    A cap holds offence at its level: a state in a signal window (at its
    post-cut level) or a treaty member may buy offence only to replace what
    depreciates, a share at most q_cap = a O_j / m_j of its spending (public:
    stocks and last year's spending). A greedy member for whom cheating pays
    buys q_G (and observers know that a greedy member would). Call it before
    the arms update (``state.spending`` is last year's).
    """
    q_s0, q_g0 = (offense_shares_worlds(params, state.worlds) if has_world_shares(params)
                  else offense_shares(params))
    member = np.zeros(window.shape, dtype=bool) if tr is None else tr.treaty.any(axis=2)
    would = np.zeros(window.shape, dtype=bool) if tr is None else tr.would_cheat
    fatigue = np.asarray(params.per_state("fatigue"))
    m = state.spending
    q_cap = np.divide(fatigue * state.offense, m, out=np.zeros_like(m), where=m > 0)
    capped_s = window | member
    capped_g = window | (member & ~would)
    q_s = np.where(capped_s, np.minimum(q_s0, q_cap), q_s0)
    q_g = np.where(capped_g, np.minimum(q_g0, q_cap), q_g0)
    return np.asarray(q_s), np.asarray(q_g)
