"""One step of the world (version 2): the mechanisms in a written order.

:data:`ORDER` names them in the order they run. Every prediction and decision
of a step is made on the public state at its start (stocks, output, last
year's spending, beliefs at t); what the step produces is observed within it:

1. ``economy``: output grows (:mod:`herz.world.economy`).
2. ``signalling`` (v1 form, off by default): costly signals and arms control.
3. ``arms_policy``: spending moves toward its target; purchases and stocks.
4. ``perception``: every state perceives every other's purchases with noise.
5. ``belief_update``: the correctly specified update of l, l*, nu and I
   (:mod:`herz.world.beliefs`).
6. ``war``: the war decision with bargaining and its consequences
   (:func:`herz.world.war.war_step`), then the attack and restraint evidence
   of the same policy added to the beliefs.
7. ``identity``, ``community`` and motive drift (v1 forms, off by default),
   reading this step's events (``sequential``) or the last step's
   (``simultaneous``, the default).

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

from herz.world import war as _war
from herz.world.beliefs import belief_limit, reset_beliefs_about, update_beliefs, war_evidence
from herz.world.community import update_community
from herz.world.economy import grow_output, pressure, public_threat, update_arms
from herz.world.identity import drift_motives, drifting, update_identity
from herz.world.params import UpdateOrder, WorldParams
from herz.world.perception import institution_strength, noise_scale, observe
from herz.world.signalling import arms_control, decide_signals
from herz.world.state import WorldState

__all__ = ["ORDER", "step"]

#: The order in which mechanisms run within a step (recorded with every result).
ORDER: tuple[str, ...] = (
    "economy", "signalling", "arms_policy", "perception", "belief_update", "war", "identity",
    "community",
)


def _observed_buffer(state: WorldState) -> np.ndarray:
    shape = (state.worlds, state.n_states, state.n_states, 2)
    buf = state.extra.get("observed")
    if buf is None or buf.shape != shape:
        buf = state.extra["observed"] = np.empty(shape)
    return buf


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
    inst = institution_strength(state, params)
    # the public state at t on which predictions and decisions are made
    threat = public_threat(state, params)
    press = pressure(state, params, threat, inst)
    spending_prev = state.spending.copy()
    offense_old = state.offense
    l_old = state.logodds
    signals_old, attacks_old, treaty_old = state.signals, state.attacks, state.arms_control

    # 1. economy
    grow_output(state, params)

    # 2. signalling and arms control (v1 form)
    capped = None
    if mech.signalling:
        mu = state.mistrust
        signals, sent = decide_signals(state, params, mu)
        treaty = arms_control(mu, params)
        if sent.any():
            state.offense = state.offense * np.where(sent, 1.0 - params.signal_offense_cut, 1.0)
        capped = np.asarray(treaty.any(axis=2))
    else:
        signals = np.zeros_like(state.signals)
        treaty = state.arms_control

    # 3. arms policy
    if mech.arms_policy:
        update_arms(state, params, press, capped)
    else:
        state.added[...] = 0.0

    # 4.-5. perception and the correctly specified belief update
    if mech.belief_update and mech.arms_policy:
        scale = noise_scale(state, params, inst)
        obs = observe(state, params, scale, out=_observed_buffer(state))
        update_beliefs(state, params, obs, spending_prev, press, threat, offense_old, inst, scale)
    if mech.belief_update and signals.any():
        # a separating signal is sent by seekers only: Bayes' rule takes mistrust to its floor
        sep = np.swapaxes(signals == 1, 1, 2)  # [i, j]: j sent i a separating signal
        lim = belief_limit(params)
        state.logodds = np.where(sep, -lim, state.logodds)
        state.logodds_shadow = np.where(sep, -lim, state.logodds_shadow)

    # 6. war: decision with bargaining, consequences, then its evidence
    state.attacks = np.zeros_like(state.attacks)
    state.disputes = np.zeros_like(state.disputes)
    state.died = np.zeros_like(state.died)
    if mech.war:
        result = _war.war_step(state, params)
        if mech.belief_update:
            war_evidence(state, params, result.a_greedy, result.a_seeker, result.attacks)
        if result.regime_changed.any():
            # a new regime's type was redrawn: what others believed of it starts again
            reset_beliefs_about(state, params, result.regime_changed)

    # 7. identity, communities and motive drift (v1 forms)
    s_new = state.identity
    if mech.identity:
        # a build-up is evidence of greed beyond rounding (sums run in label-dependent order)
        built = state.logodds > l_old + 1e-9
        s_new = update_identity(state.identity, state.ontological_security, built,
                                signals if seq else signals_old,
                                treaty if seq else treaty_old,
                                state.attacks if seq else attacks_old, params)
    if mech.community:
        labels, age, penalty = update_community(
            state.community, state.routine_age, s_new if seq else state.identity,
            state.mistrust, state.attacks if seq else attacks_old, params)
        if penalty is not None:
            s_new = np.clip(s_new - penalty, -1.0, 1.0)
            idx = np.arange(state.n_states)
            s_new[:, idx, idx] = 1.0
        state.community, state.routine_age = labels, age
    if drifting(params):
        state.greedy = drift_motives(state, params, s_new if seq else state.identity)
    state.identity = s_new
    state.signals = signals
    state.arms_control = treaty if mech.signalling else state.arms_control

    reached = ((state.offense >= params.runaway_level)
               | (state.defense >= params.runaway_level)).any(axis=1)
    state.runaway_step[reached & (state.runaway_step < 0)] = state.t + 1
    state.t += 1
    return state
