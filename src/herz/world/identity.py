"""Identity that moves both ways (DESIGN.md 2.9), and motive drift.

s[i, j] in [-1, 1] runs from enmity to friendship: i's identity toward j. It
moves only when j does something (Wendt 1992: identities are made and unmade
in interaction; v1 counted every quiet year as cooperation, so identity rose
on a clock):

    ds_ij = eta / (1 + A_ij / tau_o) sum_k w_k e_k  +  sigma_s eps_ij 1[event],

with the events e_k by j that i sees this year and their weights w_k
(:data:`EVENT_WEIGHTS`): a costly signal +1, a treaty kept +0.2 a year,
restraint while attacking i was attractive to j +0.5 (j's probability of
attacking i under the war policy, after its one-target-a-year choice, was at
least 1/2: the index was positive for the target it would pick), a dispute
-0.5, an attack or detected cheating -1, a build-up above a seeker's -z (the
year's perceived purchases raised i's log-odds of greed by dl > c =
``buildup_evidence``; z = min(1, dl / 2c); c = z_{1-alpha}^2 / 2 = 2.109 bounds
a seeker's false alarms by alpha = 0.02 a pair-year at any noise level,
:data:`herz.world.params.BUILDUP_FALSE_ALARM`), and the defection of a fellow
community member (-``defection_penalty``, :mod:`herz.world.community`). eta
is ``identity_plasticity``; eps_ij is the pair draw label_i N + label_j of
``Stream.IDENTITY`` (drawn every step, used only in a year with an event), so
without events identity does not move and E[ds | events summing to 0] = 0.
Identity is clipped to [-1, 1].

Ontological security (Mitzen 2006): states are attached to routinised
relationships, conflictual ones included, and resist change in either
direction. A_ij (``routine_age``) is the age of the pair's routine: the years
since the relationship last changed kind (friend s >= b, enemy s <= -b,
neither; b = ``routine_band``); tau_o = ``routine_time`` (1 - rho) / rho with
rho = ``ontological_security`` (rho = 0: never slowed; rho -> 1: an old
routine is frozen). The noise is not slowed.

Effects (where they act):
- fear: the fear weight of the arms policy is multiplied by (1 - lambda_f s+)
  (``identity_threat_weight``; :func:`herz.world.economy.fear_weight`);
- war: -lambda_w s_ij in i's war index against j (``identity_war_weight``)
  and greed tamed, omega_G (1 - lambda_g s+) (``identity_greed_weight``):
  :func:`war_shift` and :func:`greed_scale`, which :func:`herz.world.war.war_step` calls;
- perspective-taking (Kertzer, Brutger and Quek 2024): the misperception bias
  of the belief update is beta (1 - PT) toward a pair with s >= s_thr and
  beta (1 + PT) otherwise (:func:`biased_share`, called by
  :mod:`herz.world.beliefs`): taking a friend's perspective corrects the
  blindness to one's own threat, taking an enemy's confirms its hostility.

Event inputs of other mechanisms are read when they exist and are 0 otherwise:
``state.mech["signals.sent"]`` (W, N) bool (j sent a costly signal this
year; else the v1 ``signals`` array [j, i] != 0), ``state.mech["treaty.kept"]``
(W, N, N) bool [i, j] (a treaty between i and j kept this year; else the v1
``arms_control`` array while signalling is on) and
``state.mech["treaty.cheating_detected"]`` (W, N, N) bool [i, j] (i detected
j cheating).

Motive drift (:func:`drift_motives`). Preferences themselves may change with
experience: Yoder and Haynes (2024) make them endogenous to the security
dilemma. Their model has not been available to herz, so this is a **labelled
stand-in** [D, a herz design after MODELS.md section 6, not Yoder and Haynes's
model]: each step a greedy state becomes a security seeker with probability
``motive_drift_to_seeker`` and a security seeker becomes greedy with
probability ``motive_drift_to_greedy`` (a two-state Markov chain; without
identity its long-run share of greedy states is g / (g + s)). With
``motive_drift_identity`` = kappa > 0 the rates follow practice: with i's mean
identity toward the others s_i (in [-1, 1]),

    P(greedy -> seeker) = min(1, motive_drift_to_seeker * (1 + kappa * s_i))
    P(seeker -> greedy) = min(1, motive_drift_to_greedy * (1 - kappa * s_i))

so friendship (a record of mutual cooperation) tames greed and enmity breeds
it, as MODELS.md's drift of temptation (down with mutual cooperation, up when
exploited) would. Draws are ``Stream.MOTIVE_DRIFT`` keyed by the state's
label; motives change at the end of a step and act from the next. Both rates 0
(the default) leave motives fixed, as in Glaser's and Kydd's models.

References
----------
Kertzer, J. D., Brutger, R. and Quek, K. (2024). Perspective-taking and security
dilemma thinking. *World Politics* 76(2). doi:10.1353/wp.2024.a924509.

Wendt, A. (1992). Anarchy is what states make of it: the social construction of
power politics. *International Organization* 46(2): 391-425.
doi:10.1017/S0020818300027764.

Wendt, A. (1999). *Social Theory of International Politics*. Cambridge UP.

Mitzen, J. (2006). Ontological security in world politics: state identity and
the security dilemma. *European Journal of International Relations* 12(3):
341-370. doi:10.1177/1354066106067346. [R]

Yoder, B. K. and Haynes, K. (2024). Endogenous preferences, credible signaling,
and the security dilemma. *American Journal of Political Science*. (Not
available to herz; see MODELS.md sections 6 and 11.)
"""

from __future__ import annotations

import numba as nb
import numpy as np
from numpy.typing import NDArray

from herz.world.noise import Stream, fill_normal_pairs, fill_uniform_at
from herz.world.params import WorldParams
from herz.world.state import WorldState

__all__ = [
    "EVENT_WEIGHTS",
    "SIGNALS_SENT",
    "TREATY_CHEATING",
    "TREATY_KEPT",
    "biased_share",
    "drift_motives",
    "drift_rates",
    "drifting",
    "greed_scale",
    "identity_events",
    "relationship_kind",
    "slowdown",
    "turn_over_types",
    "update_identity",
    "update_routine",
    "war_shift",
]

F8 = NDArray[np.float64]
B1 = NDArray[np.bool_]

#: Weights w_k of the events by j that move s[i, j] (DESIGN.md 2.9); treaty: per year kept.
EVENT_WEIGHTS: dict[str, float] = {
    "signal": 1.0, "treaty_kept": 0.2, "restraint": 0.5, "dispute": -0.5, "attack": -1.0,
    "cheating": -1.0,
}
#: Keys of the signals and arms-control mechanisms' events in ``state.mech`` (issue 18).
#: ``treaty.true_alarms`` [i, j]: i's alarm about j, who cheated (detected cheating by j).
SIGNALS_SENT, TREATY_KEPT, TREATY_CHEATING = ("signals.sent", "treaty.kept",
                                              "treaty.true_alarms")


def drifting(params: WorldParams) -> bool:
    """Whether motives can drift (either rate above 0)."""
    return params.motive_drift_to_seeker > 0.0 or params.motive_drift_to_greedy > 0.0


def drift_rates(identity: NDArray[np.float64] | None, params: WorldParams, n: int
                ) -> tuple[NDArray[np.float64] | float, NDArray[np.float64] | float]:
    """Per-step probabilities (to seeker, to greedy), (W, N) each or floats.

    ``identity`` is s[i, j] (W, N, N) with 1 on the diagonal; it is read only
    when ``motive_drift_identity`` > 0.
    """
    to_s, to_g = params.motive_drift_to_seeker, params.motive_drift_to_greedy
    kappa = params.motive_drift_identity
    if kappa <= 0.0 or identity is None:
        return to_s, to_g
    idx = np.arange(n)
    mean_s = (identity.sum(axis=2) - identity[:, idx, idx]) / max(n - 1, 1)
    return (np.clip(to_s * (1.0 + kappa * mean_s), 0.0, 1.0),
            np.clip(to_g * (1.0 - kappa * mean_s), 0.0, 1.0))


def drift_motives(state: WorldState, params: WorldParams, identity: NDArray[np.float64]
                  ) -> NDArray[np.bool_]:
    """Motives after this step's drift, (W, N); counts changes in ``state.counts["motive_changes"]``.

    See the module docstring. ``identity`` is the identity the drift reads
    (the step's start in simultaneous update, its result in sequential).
    """
    to_s, to_g = drift_rates(identity, params, state.n_states)
    u = np.empty((state.worlds, state.n_states))
    fill_uniform_at(state.keys, Stream.MOTIVE_DRIFT, state.t, state.label, u)
    flip = np.where(state.greedy, u < to_s, u < to_g)
    state.counts["motive_changes"] += flip.sum(axis=1)
    return state.greedy ^ flip


def turn_over_types(state: WorldState, params: WorldParams) -> NDArray[np.bool_]:
    """Types after this step's turnover, (W, N): each state's type redrawn with prob. tau.

    Regime and leader change (Copeland 2000; Rosato 2015: intentions change
    with those who hold power): with probability tau = ``motive_turnover`` a
    living state's type is redrawn, greedy with probability ``p_greedy`` (times
    ``greedy_draw_scale``, 1 by default: :meth:`~herz.world.params.WorldParams.drawn_p_greedy`; so it
    may stay what it was). The type is a two-state Markov chain with
    stationary share p_greedy, P(greedy next) = (1 - tau) 1[greedy] + tau
    p_greedy, which is the prediction step of the beliefs
    (:func:`herz.world.beliefs.predict_types`). Draws: ``Stream.MOTIVE_TURNOVER``
    (whether) and ``Stream.MOTIVE_TURNOVER_TYPE`` (the new type), keyed by the
    state's label and the step, so batch-independent. The value 0.1 a year is a
    design choice [D] (docs/world-calibration.md). Changes are counted in
    ``state.counts["motive_changes"]``; types change at the end of a step.
    """
    w, n = state.worlds, state.n_states
    u = fill_uniform_at(state.keys, Stream.MOTIVE_TURNOVER, state.t, state.label,
                        np.empty((w, n)))
    v = fill_uniform_at(state.keys, Stream.MOTIVE_TURNOVER_TYPE, state.t, state.label,
                        np.empty((w, n)))
    redraw = (u < params.world_value("motive_turnover", 1)) & state.alive
    new = np.where(redraw, v < params.drawn_p_greedy(1), state.greedy)
    state.counts["motive_changes"] += (new != state.greedy).sum(axis=1)
    return new


def _mech_bool(state: WorldState, key: str, shape: tuple[int, ...]) -> B1 | None:
    a = state.mech.get(key)
    if a is None:
        return None
    a = np.asarray(a).astype(bool)
    if a.shape != shape:
        raise ValueError(f"state.mech[{key!r}] has shape {a.shape}, expected {shape}")
    return a


def identity_events(state: WorldState, params: WorldParams, *,
                    perceived_rise: F8 | None = None, p_attack: F8 | None = None,
                    signals: NDArray[np.int8] | None = None, treaty: B1 | None = None,
                    defection: F8 | None = None) -> tuple[F8, B1]:
    """Events by j that i sees this year: (sum_k w_k e_k [i, j], any event [i, j]).

    Reads the state's ``attacks`` and ``disputes`` ([attacker, target], this
    step's) and the issue-18 events in ``state.mech`` (module docstring).
    ``perceived_rise`` [i, j]: the change of l_ij the year's perceived
    purchases caused (build-ups above a seeker's); ``p_attack`` [j, i]: the
    war policy's P(j attacks i) (restraint); ``signals`` [j, i] and
    ``treaty`` [i, j]: the v1 signalling arrays, used when the mech keys are
    absent; ``defection`` [k, i]: weight of the defections k saw (already
    negative). Pairs with a dead member and the diagonal have no events.
    """
    w, n = state.worlds, state.n_states
    shape = (w, n, n)
    total = np.zeros(shape)
    happened = np.zeros(shape, dtype=bool)

    def add(mask: B1, weight: float | F8) -> None:
        nonlocal total, happened
        total = total + np.where(mask, weight, 0.0)
        happened |= mask

    sent = _mech_bool(state, SIGNALS_SENT, (w, n))
    if sent is not None:
        add(np.broadcast_to(sent[:, None, :], shape), EVENT_WEIGHTS["signal"])
    elif signals is not None and signals.any():
        add(np.swapaxes(signals != 0, 1, 2), EVENT_WEIGHTS["signal"])
    kept = _mech_bool(state, TREATY_KEPT, shape)
    if kept is None and treaty is not None and params.mechanisms.arms_control:
        kept = np.asarray(treaty, dtype=bool)
    if kept is not None:
        add(kept, EVENT_WEIGHTS["treaty_kept"] * params.dt)
    cheat = _mech_bool(state, TREATY_CHEATING, shape)
    if cheat is not None:
        add(cheat, EVENT_WEIGHTS["cheating"])
    by_j_attack = np.swapaxes(state.attacks, 1, 2)  # [i, j]: j attacked i
    add(by_j_attack, EVENT_WEIGHTS["attack"])
    add(np.swapaxes(state.disputes, 1, 2), EVENT_WEIGHTS["dispute"])
    if p_attack is not None:
        tempted = np.swapaxes(p_attack, 1, 2) >= 0.5
        add(tempted & ~by_j_attack, EVENT_WEIGHTS["restraint"])
    if perceived_rise is not None:
        c = float(params.buildup_evidence)
        built = perceived_rise > c
        add(built, -np.minimum(1.0, perceived_rise / (2.0 * c)))
    if defection is not None:
        add(defection != 0.0, defection)
    both = state.alive[:, :, None] & state.alive[:, None, :] & ~np.eye(n, dtype=bool)
    return np.where(both, total, 0.0), happened & both


def slowdown(routine_age: F8, ontological_security: F8, params: WorldParams) -> F8:
    """1 / (1 + A_ij / tau_o), tau_o = routine_time (1 - rho_i) / rho_i: (W, N, N).

    ``ontological_security`` is rho per state, (W, N) (row i: i's attachment).
    """
    rho = np.clip(np.asarray(ontological_security, dtype=float), 0.0, 1.0)[:, :, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        per_year = np.where(rho >= 1.0, np.inf, rho / ((1.0 - rho) * params.routine_time))
        x = np.where(routine_age > 0.0, routine_age * per_year, 0.0)
    return np.asarray(1.0 / (1.0 + x))


def update_identity(state: WorldState, params: WorldParams, events: F8, happened: B1) -> F8:
    """The new identities s[i, j] (module docstring); the diagonal stays 1.

    Draws ``Stream.IDENTITY`` (pair label_i N + label_j at this step) whether
    or not a pair has an event.
    """
    eps = np.empty(events.shape)
    fill_normal_pairs(state.keys, Stream.IDENTITY, state.t, state.label, eps)
    rate = params.identity_plasticity * slowdown(state.routine_age, state.ontological_security,
                                                 params)
    ds = rate * events + params.identity_noise * eps * happened
    s = np.clip(state.identity + ds, -1.0, 1.0)
    idx = np.arange(state.n_states)
    s[:, idx, idx] = 1.0
    return np.asarray(s)


def relationship_kind(identity: F8, band: float) -> NDArray[np.int8]:
    """Kind of each relationship: 1 friend (s >= band), -1 enemy (s <= -band), 0 neither."""
    return np.asarray((identity >= band).astype(np.int8) - (identity <= -band).astype(np.int8))


def update_routine(routine_age: F8, old: F8, new: F8, alive: B1, params: WorldParams) -> F8:
    """A_ij + dt while the relationship keeps its kind, 0 when it changes (or a member is dead)."""
    band = float(params.routine_band)
    same = relationship_kind(old, band) == relationship_kind(new, band)
    both = alive[:, :, None] & alive[:, None, :]
    return np.asarray(np.where(same & both, routine_age + params.dt, 0.0))


def war_shift(state: WorldState, params: WorldParams) -> F8 | None:
    """Shift of i's war index against j: -lambda_w s_ij - a_w I_ij, (W, N, N), or None.

    Identity with ``mechanisms.identity`` (``identity_war_weight``), the
    pair's institutions with ``mechanisms.community`` (``community_war_weight``,
    ``state.mech["community.institutions"]``).
    """
    mech = params.mechanisms
    out: F8 | None = None
    if mech.identity and params.identity_war_weight != 0.0:
        out = -float(params.identity_war_weight) * state.identity
    inst = state.mech.get("community.institutions") if mech.community else None
    if inst is not None and params.community_war_weight != 0.0:
        cut = -float(params.community_war_weight) * inst
        out = cut if out is None else out + cut
    return out


def greed_scale(state: WorldState, params: WorldParams) -> F8 | None:
    """Factor 1 - lambda_g max(s_ij, 0) on a greedy state's value of gains against j, or None."""
    if not params.mechanisms.identity or params.identity_greed_weight <= 0.0:
        return None
    return np.asarray(1.0 - params.identity_greed_weight * np.maximum(state.identity, 0.0))


@nb.njit(inline="always")
def biased_share(beta, pt, s, s_thr):  # pragma: no cover - compiled
    """Perspective-taking through the bias: beta (1 - PT) if s >= s_thr, else beta (1 + PT), at most 1."""
    b = beta * (1.0 - pt) if s >= s_thr else beta * (1.0 + pt)
    return min(b, 1.0)
