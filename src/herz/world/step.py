"""One step of the world (version 2): the mechanisms in a written order.

:data:`ORDER` names them in the order they run. Every prediction and decision
of a step is made on the public state at its start (stocks, output, last
year's spending, beliefs at t); what the step produces is observed within it:

1. ``economy``: output grows (:mod:`herz.world.economy`).
2. ``signalling`` and ``arms_control`` (issue 18, off by default): costly
   signals (a binding cut of offence, :mod:`herz.world.signalling`) and
   treaties (:mod:`herz.world.arms_control`), decided on the state at t.
3. ``arms_policy``: spending moves toward its target; purchases and stocks.
4. ``perception``: every state perceives every other's purchases with noise.
5. ``belief_update``: the prediction step of the hidden-Markov filter (types
   turn over, :func:`herz.world.beliefs.predict_types`), then the correctly
   specified update of l, l*, nu and I (:mod:`herz.world.beliefs`), then the evidence of this year's signals and
   silences and of the treaties' alarms (which also end treaties).
6. ``war``: the war decision with bargaining and its consequences
   (:func:`herz.world.war.war_step`), then the attack and restraint evidence
   of the same policy added to the beliefs.
7. ``identity`` and ``community`` (issue 19, off by default): this year's
   events move identities (:mod:`herz.world.identity`) and the pairs'
   institution stocks (:mod:`herz.world.community`), then communities are
   relabelled; motive drift (reading this step's identities in
   ``sequential`` order, the step's start in ``simultaneous``); then the
   turnover of types (``motive_turnover``, :func:`herz.world.identity.turn_over_types`),
   which acts from the next step.

Identity reads a build-up from the year's *perceived* rise of l_ij: the
updated belief minus the predicted prior, so the prediction step's drift
toward p_greedy (a move of the prior, not something j did) is no event.

The two halves of the dilemma (Booth and Wheeler) map onto the step: the
dilemma of interpretation is perception plus belief update, the dilemma of
response is the arms policy and war.

References
----------
Booth, K. and Wheeler, N. J. (2008). *The Security Dilemma: Fear, Cooperation
and Trust in World Politics*. Palgrave Macmillan.
"""

from __future__ import annotations

import numpy as np

from herz.world import arms_control as _treaties
from herz.world import signalling as _signals
from herz.world import war as _war
from herz.world.beliefs import predict_types, reset_beliefs_about, update_beliefs, war_evidence
from herz.world.community import (
    INSTITUTIONS,
    bloc_pressure,
    building_pairs,
    community_labels,
    cooperation,
    defections,
    ensure_institutions,
    institution_events,
    linked,
    update_institutions,
)
from herz.world.economy import fear, grow_output, pressure, public_threat, update_arms
from herz.world.identity import (
    drift_motives,
    drifting,
    identity_events,
    turn_over_types,
    update_identity,
    update_routine,
)
from herz.world.params import UpdateOrder, WorldParams
from herz.world.perception import institution_strength, noise_scale
from herz.world.state import WorldState

__all__ = ["ORDER", "step"]

#: The order in which mechanisms run within a step (recorded with every result).
ORDER: tuple[str, ...] = (
    "economy", "signalling", "arms_control", "arms_policy", "perception", "belief_update", "war",
    "identity", "community",
)


def step(state: WorldState, params: WorldParams) -> WorldState:
    """Advance every world of ``state`` by one step, in place; return it.

    Reads ``state.t`` for the random streams and the schedules and increments
    it: scheduled parameters take their value at ``state.t``
    (:meth:`WorldParams.at`) for the whole step. Belief arrays are written into
    alternating buffers: copy ``state.logodds`` (or ``state.mistrust``, a new
    array) if you keep it across steps.
    """
    params = params.at(state.t)
    mech = params.mechanisms
    seq = params.update_order is UpdateOrder.SEQUENTIAL
    if mech.community:
        ensure_institutions(state, params)
    inst = institution_strength(state, params)
    # the public state at t on which predictions and decisions are made
    threat = public_threat(state, params)
    press = pressure(state, params, threat, inst)
    if mech.community:  # outsiders see a bloc's offence summed
        press.value += bloc_pressure(state, params, fear(state.mistrust, state.identity, params,
                                                         inst), press.norm)
    spending_prev = state.spending.copy()
    offense_old = state.offense
    l_old = state.logodds

    # 1. economy
    grow_output(state, params)

    # 2. signals and arms control (issue 18), on the state at t
    shares = sig = tr = None
    if mech.signalling:
        sig = _signals.signal_step(state, params, press)
    if mech.arms_control:
        tr = _treaties.treaty_step(state, params)
    if sig is not None or tr is not None:
        shares = _treaties.purchase_shares(state, params, _signals.window_open(state), tr)
    signals = state.signals

    # 3. arms policy
    if mech.arms_policy:
        update_arms(state, params, press, shares=shares)
    else:  # no policy: spending stays, but never above the budget of this year's output
        np.minimum(state.spending, params.world_value("budget_share", 1) * state.output,
                   out=state.spending)
        state.added[...] = 0.0

    # 4.-5. perception and the correctly specified belief update
    if mech.belief_update:
        predict_types(state, params)
        l_old = state.logodds  # identity's rise excludes the prediction step
    if mech.belief_update and mech.arms_policy:
        scale = noise_scale(state, params, inst)
        # the kernel perceives as it updates (observe()'s draws and arithmetic, no array)
        update_beliefs(state, params, None, spending_prev, press, threat, offense_old, inst, scale,
                       shares)
    rise = state.logodds - l_old if mech.identity or mech.community else None
    if sig is not None and mech.belief_update:
        _signals.signal_evidence(state, params, sig)
    if tr is not None:
        _treaties.monitor(state, params, tr, learn=mech.belief_update)

    # 6. war: decision with bargaining, consequences, then its evidence
    state.attacks = np.zeros_like(state.attacks)
    state.disputes = np.zeros_like(state.disputes)
    state.died = np.zeros_like(state.died)
    p_attack = None
    if mech.war:
        result = _war.war_step(state, params)
        p_attack = result.p_attack
        if mech.belief_update:
            war_evidence(state, params, result.a_greedy, result.a_seeker, result.attacks)
        if result.regime_changed.any():
            # a new regime's type was redrawn: what others believed of it starts again
            reset_beliefs_about(state, params, result.regime_changed)
        if mech.signalling:
            _signals.remember_war_policy(state, result.p_attack, result.a_greedy,
                                         result.a_seeker)

    # 7. identity and communities: this year's events (issue 19)
    s_new = state.identity
    if mech.identity or mech.community:
        defector, seen = np.zeros(state.alive.shape, dtype=bool), None
        if mech.community:
            defector, seen = defections(state.attacks, state.community, params)
        events, happened = identity_events(state, params, perceived_rise=rise,
                                           p_attack=p_attack, signals=signals,
                                           treaty=state.arms_control,  # in force after monitoring
                                           defection=seen)
        cooperative = happened & (events > 0)
        if mech.community:  # institutions are kept agreements
            kept = institution_events(state, params)
            events = events + kept
            happened = happened | (kept > 0)
        if mech.identity:
            s_new = update_identity(state, params, events, happened)
            state.routine_age = update_routine(state.routine_age, state.identity, s_new,
                                               state.alive, params)
        if mech.community:
            hostile = state.attacks | state.disputes | state.at_war
            coop = building_pairs(state, cooperation(s_new, cooperative, hostile))
            new_inst = update_institutions(state.mech[INSTITUTIONS], coop, defector,
                                           state.community, state.alive, params)
            state.mech[INSTITUTIONS] = new_inst
            state.community = community_labels(linked(new_inst, state.alive, params))
    if drifting(params):
        state.greedy = drift_motives(state, params, s_new if seq else state.identity)
    state.identity = s_new
    if np.any(params.world_value("motive_turnover") > 0.0):
        state.greedy = turn_over_types(state, params)

    reached = ((state.offense >= params.runaway_level)
               | (state.defense >= params.runaway_level)).any(axis=1)
    state.runaway_step[reached & (state.runaway_step < 0)] = state.t + 1
    state.t += 1
    return state
