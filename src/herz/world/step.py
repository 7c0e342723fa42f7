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

from herz.world.arms import update_arms
from herz.world.beliefs import update_beliefs
from herz.world.community import update_community
from herz.world.identity import update_identity
from herz.world.params import UpdateOrder, WorldParams
from herz.world.perception import institution_strength, perceive
from herz.world.signalling import arms_control, decide_signals
from herz.world.state import WorldState
from herz.world.war import decide_war, resolve_war

__all__ = ["ORDER", "step"]

#: The order in which mechanisms run within a step (recorded with every result).
ORDER: tuple[str, ...] = (
    "perception", "belief_update", "signalling", "arms_policy", "war", "identity", "community",
)


def step(state: WorldState, params: WorldParams) -> WorldState:
    """Advance every world of ``state`` by one step, in place; return it.

    Reads ``state.t`` for the random streams and increments it.
    """
    mech = params.mechanisms
    seq = params.update_order is UpdateOrder.SEQUENTIAL
    noise = state.extra.get("noise")
    if noise is None or noise.shape != state.mistrust.shape:
        noise = state.extra["noise"] = np.empty_like(state.mistrust)
    inst = institution_strength(state, params)

    # 1. perception (always: off means exact)
    perc = perceive(state, params, inst, noise)

    # 2. belief update: this step's build-ups, last step's signals and attacks
    mu_old = state.mistrust
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
                                       inst, capped)
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
    state.t += 1
    return state
