"""One step of the world: the switched-on mechanisms, composed in a written order.

:data:`ORDER` names the mechanisms in the order they run. Perception always
comes first: it is the observation every other mechanism reads. In the
default ``simultaneous`` update every mechanism reads the state at the start of
the step (arms, beliefs, identities and communities at t), signals and
attacks of a step become observable in the next, and all write t + 1
together: no state moves first (Mesa's "simultaneous activation"). In
``sequential`` update each mechanism sees what the earlier ones wrote: beliefs
are updated before the arms decision, the war decision sees the new arms, and
identities and communities react to this step's signals and attacks.

The two halves of the dilemma (Booth and Wheeler) map onto the step: the
dilemma of interpretation is perception plus belief update, the dilemma of
response is signalling, arms and war.

References
----------
Booth, K. and Wheeler, N. J. (2008). *The Security Dilemma: Fear, Cooperation
and Trust in World Politics*. Palgrave Macmillan.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from herz.world._kernels import fused_kernel
from herz.world.arms import update_arms
from herz.world.beliefs import update_beliefs
from herz.world.community import update_community
from herz.world.identity import drift_motives, drifting, update_identity
from herz.world.params import ThreatAggregation, UpdateOrder, WorldParams
from herz.world.perception import (
    Perception,
    institution_strength,
    noise_factor,
    noise_modifiers,
    perceive,
    true_threat,
)
from herz.world.signalling import arms_control, decide_signals
from herz.world.state import WorldState
from herz.world.war import decide_war, resolve_war

__all__ = ["ORDER", "step"]

#: The order in which mechanisms run within a step (recorded with every result).
ORDER: tuple[str, ...] = (
    "perception", "belief_update", "signalling", "arms_policy", "war", "identity", "community",
)


def _interpret(state: WorldState, params: WorldParams, inst: NDArray[np.float64] | None
               ) -> tuple[Perception, NDArray[np.float64], NDArray[np.float64]]:
    w, n = state.worlds, state.n_states
    mech = params.mechanisms
    sigma, scale, mult = noise_modifiers(state, params, inst)
    bu, bt = params.build_prob_greedy, params.build_prob_seeker
    has_sig = bool(mech.belief_update and state.signals.any())
    has_att = bool(mech.belief_update and state.attacks.any())
    attacker = np.asarray(state.attacks.any(axis=2)) if has_att else _NO_ATTACKER
    want_built = bool(mech.identity)
    threat = _scratch(state, "threat", state.last_threat)
    built = np.empty((w, n, n), dtype=np.bool_) if want_built else _NO_BUILT
    mu_out = _scratch(state, "mistrust", state.mistrust) if mech.belief_update else _ONE
    pressure = np.empty((w, n))
    seen = np.ascontiguousarray(true_threat(state.offense, state.defense,
                                            params.distinguishability))
    factor = noise_factor(state, sigma, scale)
    fused_kernel(
        seen, _ONE if factor is None else factor, factor is not None,
        _ONE if mult is None else mult, mult is not None,
        state.last_threat, 1.0 + float(params.build_threshold), want_built, state.t == 0,
        state.mistrust, bool(mech.belief_update), state.signals if has_sig else _NO_SIGNAL,
        has_sig, attacker, has_att, bu / bt, (1.0 - bu) / (1.0 - bt),
        float(params.attack_evidence), float(params.belief_floor),
        params.update_order is UpdateOrder.SEQUENTIAL, state.identity,
        _ONE if inst is None else inst, inst is not None,
        _ONE if state.weight is None else state.weight, state.weight is not None,
        _ONE if state.shield is None else state.shield, state.shield is not None,
        float(params.fear_floor), bool(params.offensive_realism),
        float(params.identity_threat_weight), float(params.community_threat_cut),
        params.threat_aggregation is ThreatAggregation.MEAN,
        threat, built, mu_out, pressure)
    mu_new = mu_out if mech.belief_update else state.mistrust
    return Perception(threat=threat, built=built), mu_new, pressure


def _scratch(state: WorldState, name: str, avoid: NDArray[np.float64]) -> NDArray[np.float64]:
    """One of two buffers kept for ``name``: the one that is not ``avoid`` (double buffering)."""
    pair = state.extra.get(name)
    if pair is None or pair[0].shape != avoid.shape:
        pair = state.extra[name] = np.empty((2, *avoid.shape))
    return pair[1] if np.shares_memory(pair[0], avoid) else pair[0]


_ONE = np.ones((1, 1, 1))
_NO_BUILT = np.zeros((1, 1, 1), dtype=np.bool_)
_NO_SIGNAL = np.zeros((1, 1, 1), dtype=np.int8)
_NO_ATTACKER = np.zeros((1, 1), dtype=np.bool_)


def step(state: WorldState, params: WorldParams, fused: bool = True) -> WorldState:
    """Advance every world of ``state`` by one step, in place; return it.

    Reads ``state.t`` for the random streams and the schedules and increments
    it: scheduled parameters take their value at ``state.t``
    (:meth:`WorldParams.at`) for the whole step. ``fused=False``
    runs perception, belief update and the arms policy's threat sum as three
    separate functions instead of one compiled pass (same results; for tests).
    The fused pass writes beliefs and perceived threats into two alternating
    buffers: copy ``state.mistrust`` if you keep it across steps.
    """
    params = params.at(state.t)  # schedules: this step's values (itself without any)
    mech = params.mechanisms
    seq = params.update_order is UpdateOrder.SEQUENTIAL
    inst = institution_strength(state, params)
    mu_old = state.mistrust
    pressure = None
    if mech.arms_policy and fused:
        # 1.-2. perception, belief update and the arms policy's perceived pressure in
        # one compiled pass (the same arithmetic as the three functions in turn)
        perc, mu_new, pressure = _interpret(state, params, inst)
    else:
        # 1. perception (always: off means exact)
        perc = perceive(state, params, inst)
        # 2. belief update: this step's build-ups, last step's signals and attacks
        mu_new = (update_beliefs(mu_old, perc.built, state.signals, state.attacks, params)
                  if mech.belief_update else mu_old)
    mu_dec = mu_new if seq else mu_old

    # 3. signalling and arms control
    offense, defense = state.offense, state.defense
    if mech.signalling:
        signals, sent = decide_signals(state, params, mu_dec)
        treaty = arms_control(mu_dec, params)
        if sent.any():
            offense = offense * np.where(sent, 1.0 - params.signal_offense_cut, 1.0)
            if seq:
                state.offense = offense
        capped: np.ndarray | None = np.asarray(treaty.any(axis=2))
    else:
        signals = np.zeros_like(state.signals)
        treaty = state.arms_control
        capped = None

    # 4. arms policy
    if mech.arms_policy:
        offense, defense = update_arms(state, params, perc.threat, mu_dec, state.identity,
                                       inst, capped, pressure)
        if not seq:
            # a signal's cut applies on top of the simultaneous update
            if mech.signalling and signals.any():
                offense = offense * np.where(signals.any(axis=2), 1.0 - params.signal_offense_cut,
                                             1.0)
    start_offense, start_defense = state.offense, state.defense

    # 5. war: decided on the arms at the start of the step (simultaneous) or new arms
    attacks = np.zeros_like(state.attacks)
    if mech.war:
        if seq:
            state.offense, state.defense = offense, defense
        decision = decide_war(state, params, mu_dec, state.identity)
        state.offense, state.defense = start_offense, start_defense
        offense, defense, attacks = resolve_war(state, params, decision, offense, defense)

    # 6. identity: this step's observations; signals and attacks of the last step
    # (simultaneous) or of this step (sequential)
    s_new = state.identity
    if mech.identity:
        ev_sig = signals if seq else state.signals
        ev_att = attacks if seq else state.attacks
        ev_ac = treaty if seq else state.arms_control
        s_new = update_identity(state.identity, state.ontological_security, perc.built, ev_sig,
                                ev_ac, ev_att, params)

    # 7. security communities
    if mech.community:
        labels, age, penalty = update_community(
            state.community, state.community_age, s_new if seq else state.identity,
            mu_new if seq else mu_old, attacks if seq else state.attacks, params)
        if penalty is not None:
            s_new = np.clip(s_new - penalty, -1.0, 1.0)
            idx = np.arange(state.n_states)
            s_new[:, idx, idx] = 1.0
        state.community, state.community_age = labels, age

    # 7b. motive drift (a labelled stand-in for endogenous preferences), acting from t + 1
    new_greedy = drift_motives(state, params, s_new if seq else state.identity) \
        if drifting(params) else None

    # write t + 1
    reached = ((offense >= params.runaway_level) | (defense >= params.runaway_level)).any(axis=1)
    new_runaway = reached & (state.runaway_step < 0)
    state.runaway_step[new_runaway] = state.t + 1
    state.offense, state.defense = offense, defense
    state.mistrust = mu_new
    state.identity = s_new
    state.last_threat = perc.threat
    state.signals = signals
    state.attacks = attacks
    state.arms_control = treaty if mech.signalling else state.arms_control
    if new_greedy is not None:
        state.greedy = new_greedy
    state.t += 1
    return state
