"""Mechanism: war, version 2 (DESIGN.md 2.5-2.6): bargaining, fear, real wars, balancing.

:func:`war_step` is the war's one call in a step. It reads the state as it is
when called (stocks, output, beliefs mu = Lambda(l) and nu = Lambda(second
order), status quo, wars in progress) and, in this order:

1. contests p^f, p^s of every live pair (:mod:`herz.world.bargaining`), with j's
   pooled community defence against outsiders (``defense_pooling``) and buffer
   zones (``shield``: exp(-b[j, i]) of i's offence reaches j);
2. the prevention term from power projected ``prevention_horizon`` years ahead
   with the states' growth rates;
3. the war policy: the level-k fear, the war index with war-weariness
   -psi W_i, identity -``identity_war_weight`` s_ij and institutions
   -``community_war_weight`` I_ij, greed tamed by identity
   (:func:`herz.world.identity.war_shift`, :func:`~herz.world.identity.greed_scale`), P(attack) and
   P(dispute or attack); states already fighting start nothing;
4. one uniform per pair (``Stream.WAR_DECISION``, draw label_i N + label_j):
   attacks (at most one a state a year; two states attacking each other start
   one war) and disputes; each war's cause;
5. balancing: third parties join the defence (``Stream.BALANCING``, pair [k, i]);
6. a year of every war in progress, new ones included
   (:mod:`herz.world.consequences`; ``Stream.WAR_END`` and ``Stream.WAR_WINNER``
   per pair [attacker, defender], ``Stream.REGIME`` and ``Stream.REGIME_TYPE``
   per state): destruction, ends, transfers, regime change, deaths, weariness;
7. peaceful change: the status quo moves toward the bargaining point;
8. spending is capped at ``budget_share`` times the output the war left (0 for
   the dead).

A draw is a pure function of world key, stream, step and labels, so switching a
mechanism never shifts another's numbers, and a stream can be drawn only where
it is read: the decision's uniforms in the choice's loop (none when war is
off), balancing's at the eligible pairs, the ends' and winners' at the wars
(:class:`~herz.world.noise.PairDraws`): the numbers a full fill would give.

The returned ``a_greedy`` and ``a_seeker`` ([j, i] = P(j attacks i | j's
type), as i predicts it) are the likelihoods of the belief update after an
attack or a restraint: the update comes from the same policy that drew the
attacks. A state that is fighting cannot start a war, so for it both are 0 and
a restraint carries no evidence.

References
----------
Fearon, J. D. (1995). Rationalist explanations for war. *International
Organization* 49(3): 379-414. doi:10.1017/S0020818300033324.

Powell, R. (2006). War as a commitment problem. *International Organization*
60(1): 169-203. doi:10.1017/S0020818306060061.

Schelling, T. C. (1960). *The Strategy of Conflict*. Harvard University Press.

Van Evera, S. (1998). Offense, defense, and the causes of war. *International
Security* 22(4): 5-43. doi:10.1162/isec.22.4.5.

Walt, S. M. (1987). *The Origins of Alliances*. Cornell University Press.

Garver, J. W. (2001). *Protracted Contest: Sino-Indian Rivalry in the Twentieth
Century*. University of Washington Press (buffer zones).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from herz.world.bargaining import Cause, choose_wars, pair_mask, war_decision
from herz.world.consequences import any_row, fight_year, join_balancers
from herz.world.identity import greed_scale, war_shift
from herz.world.noise import PairDraws, Stream, fill_uniform_at
from herz.world.params import WorldParams
from herz.world.state import WorldState

__all__ = ["ALLY_KEY", "Cause", "WarStep", "pooled_defense", "war_step"]

#: Key of the alliance array ally[w, k, i] (k defends against attacker i) in ``state.mech``.
ALLY_KEY = "war.ally"

F8 = NDArray[np.float64]
B1 = NDArray[np.bool_]




@dataclass
class WarStep:
    """What the war did this step.

    a_greedy, a_seeker : (W, N, N) [j, i] = P(j attacks i | j greedy / seeker), as i predicts.
    attacks, disputes : (W, N, N) attacks and disputes this step, [attacker, target]
        (two states that attack each other both appear; one war starts).
    starts : (W, N, N) wars started this step, [attacker, target].
    cause : (W, N, N) int8 :class:`Cause` of each war started (0 where none).
    p_attack : (W, N, N) P(i attacks j) under the policy used for the draw.
    fear : (W, N, N) h_ij, i's fear of being attacked first by j.
    ended, attacker_won : (W, N, N) wars that ended this step.
    died, lost, regime_changed, fighting : (W, N) this step's events per state.
    """

    a_greedy: F8
    a_seeker: F8
    attacks: B1
    disputes: B1
    starts: B1
    cause: NDArray[np.int8]
    p_attack: F8
    fear: F8
    ended: B1
    attacker_won: B1
    died: B1
    lost: B1
    regime_changed: B1
    fighting: B1


def pooled_defense(state: WorldState, params: WorldParams) -> F8 | None:
    """Extra defence j gets against outsider i from its community: (W, N, N) or None.

    ``defense_pooling`` times the defence of j's fellow community members when
    i is not one of them (Adler and Barnett 1998: pooled security).
    """
    lab = state.community
    if not params.mechanisms.community or params.defense_pooling == 0.0 or not (lab >= 0).any():
        return None
    d = np.where(state.alive, state.defense, 0.0)
    same = (lab[:, :, None] == lab[:, None, :]) & (lab[:, :, None] >= 0)
    pool = np.einsum("wjk,wk->wj", same.astype(float), d)
    extra = params.defense_pooling * np.where(lab >= 0, pool - d, 0.0)
    return extra[:, None, :] * ~same


def _reach(state: WorldState) -> F8 | None:
    """Share of i's offence that reaches j: shield[j, i] (buffer zones), as [i, j]."""
    return None if state.shield is None else state.shield.transpose(0, 2, 1)


def war_step(state: WorldState, params: WorldParams) -> WarStep:
    """The war's part of a step (module docstring); writes the war fields of ``state``."""
    w, n = state.worlds, state.n_states
    t = state.t
    alive = state.alive
    mask = pair_mask(alive, state.relevant)
    extra = pooled_defense(state, params)
    reach = _reach(state)
    cs = dict(balance=params.world_value("offense_defense_balance", 2),
              first_strike=float(params.first_strike_advantage),
              exponent=float(params.contest_exponent))
    tau, cost = float(params.war_transfer), params.world_value("war_cost_share", 2)
    # the actor's shift of the war index: weariness and identity
    shift = np.broadcast_to(-float(params.war_weariness) * state.war_weariness[:, :, None],
                            mask.shape).copy()
    extra_shift = war_shift(state, params)  # -lambda_w s - a_w I (issue 19)
    if extra_shift is not None:
        shift += extra_shift
    ally = state.mech.get(ALLY_KEY)
    if ally is None or ally.shape != mask.shape:
        ally = np.zeros(mask.shape, dtype=bool)
    busy = any_row(state.at_war) | any_row(ally & any_row(state.war_attacker)[:, None, :])
    mistrust = state.mistrust  # Lambda(l) once: the decision and balancing read the same l
    # contests, prevention (power projected ``prevention_horizon`` years ahead), the
    # level-k policy and the peaceful change of the status quo, in one compiled pass
    policy, new_status_quo = war_decision(
        state.offense, state.defense, state.growth, state.output, state.status_quo,
        mistrust, state.second_order, state.greedy, mask, **cs, defense_extra=extra,
        reach=reach, prevention_horizon=int(params.prevention_horizon),
        prevention_discount=float(params.prevention_discount),
        peaceful_change=float(params.peaceful_change), greedy_value=float(params.greedy_value),
        seeker_value=float(params.seeker_value), transfer=tau, cost=cost,
        rationality=float(params.war_rationality), intercept=params.world_value("war_intercept", 2),
        dispute_cutpoint=params.world_value("dispute_cutpoint", 2), fear_depth=int(params.fear_depth),
        shift=shift, can_act=alive & ~busy, label=state.label,
        greed_scale=greed_scale(state, params))

    # the decision's uniforms (Stream.WAR_DECISION) are drawn in the choice's loop
    if params.mechanisms.war:
        attacks, starts, disputes, cause = choose_wars(policy, keys=state.keys, step=t,
                                                       labels=state.label)
    else:
        attacks = np.zeros(mask.shape, dtype=bool)
        starts = attacks
        disputes = np.zeros(mask.shape, dtype=bool)
        cause = np.zeros(mask.shape, dtype=np.int8)
    war_attacker = state.war_attacker | starts
    state.war_start = np.where(starts, t, state.war_start)
    state.war_cause = np.where(starts, cause, state.war_cause).astype(np.int8)
    # the sparse streams are drawn only at the pairs that read them (the same numbers)
    ally = join_balancers(war_attacker, ally, alive, mistrust, state.output,
                          PairDraws(state.keys, Stream.BALANCING, t, state.label),
                          rationality=float(params.balancing_rationality),
                          intercept=float(params.balancing_intercept), relevant=state.relevant)
    u_end = PairDraws(state.keys, Stream.WAR_END, t, state.label)
    u_win = PairDraws(state.keys, Stream.WAR_WINNER, t, state.label)
    u_reg = fill_uniform_at(state.keys, Stream.REGIME, t, state.label, np.empty((w, n)))
    u_typ = fill_uniform_at(state.keys, Stream.REGIME_TYPE, t, state.label, np.empty((w, n)))
    fight = fight_year(
        war_attacker, ally, state.offense, state.defense, state.output, alive, state.greedy,
        state.war_weariness, u_end=u_end, u_win=u_win, u_regime=u_reg, u_type=u_typ,
        end_base=float(params.war_end_base), end_slope=float(params.war_end_slope),
        output_destruction=float(params.war_output_destruction),
        arms_destruction=float(params.war_arms_destruction), transfer=tau,
        death_threshold=float(params.death_threshold), regime_change=float(params.regime_change),
        p_greedy=params.drawn_p_greedy(1), weariness_decay=float(params.weariness_decay),
        defense_extra=extra, reach=reach, **cs)

    # peaceful change toward the bargaining point of this year's contests (war_decision)
    state.status_quo = new_status_quo

    # write the state
    state.offense, state.defense, state.output = fight.offense, fight.defense, fight.output
    # the budget cap B Y binds on the output the war left (dead states spend nothing)
    state.spending = np.where(fight.alive, np.minimum(state.spending,
                                                      params.world_value("budget_share", 1)
                                                      * fight.output),
                              0.0)
    state.greedy = fight.greedy
    state.alive = fight.alive
    state.war_weariness = fight.weariness
    state.war_attacker = fight.war_attacker
    state.at_war = fight.war_attacker | fight.war_attacker.transpose(0, 2, 1)
    state.war_start = np.where(fight.war_attacker, state.war_start, -1)
    # the cause stays on the wars started this step even when they ended in it (a war of
    # less than a year): the tracker reads it masked by this step's attacks
    state.war_cause = np.where(fight.war_attacker | starts, state.war_cause, 0).astype(np.int8)
    state.mech[ALLY_KEY] = fight.ally
    state.attacks = attacks
    state.disputes = disputes
    state.died = fight.died
    counts = state.counts
    for name, code in (("n_wars_predation", Cause.PREDATION),
                       ("n_wars_preemption", Cause.PREEMPTION),
                       ("n_wars_prevention", Cause.PREVENTION),
                       ("n_wars_inadvertent", Cause.INADVERTENT)):
        counts[name] = counts.get(name, np.zeros(w, dtype=np.int64)) + (cause == code).sum(axis=(1, 2))
    counts["n_disputes"] = counts.get("n_disputes", np.zeros(w, dtype=np.int64)) \
        + disputes.sum(axis=(1, 2))
    counts["n_states_dead"] = counts.get("n_states_dead", np.zeros(w, dtype=np.int64)) \
        + fight.died.sum(axis=1)
    counts["war_years"] = counts.get("war_years", np.zeros(w, dtype=np.int64)) \
        + fight.fighting.any(axis=1)
    return WarStep(a_greedy=policy.a_greedy, a_seeker=policy.a_seeker, attacks=attacks,
                   disputes=disputes, starts=starts, cause=cause, p_attack=policy.p_attack,
                   fear=policy.fear,
                   ended=fight.ended, attacker_won=fight.attacker_won, died=fight.died,
                   lost=fight.lost, regime_changed=fight.regime_changed,
                   fighting=fight.fighting)
