"""Mechanism 6, war: attack when war beats peace; the contest decides.

Greedy states attack for gain: i's expected value of attacking j is
p v - c, where p is i's chance of winning by striking first (the contest
function of :mod:`herz.world.offense_defense`, with first-strike advantage f
and j's defence plus the pooled defence of j's security community), v
``war_gain`` and c ``war_cost``. When identities are on, i weighs j's payoff
by lambda = ``identity_war_weight`` * s[i, j] (Wendt's payoff transformation,
MODELS.md 7.5): EV = p v - c + lambda (-p L - c), so friends do not fight and
enemies fight more. A greedy state attacks its best target if EV > 0 (peace is worth 0).

Ties between targets go to the state with the lowest label.

Security seekers strike only preemptively: when they fear j (mu[i, j] >=
``preemption_mistrust``) and the first-strike gap exceeds the total cost of
war, p_first - p_second > 2 c (Fearon's condition that no peaceful division is
self-enforcing). Each state attacks at most one target a step. The attacker
wins with probability p (a draw from the world's stream); both sides lose
``war_destruction`` of their arms and the loser a further ``defeat_loss``.

Buffer zones (Garver 2001): i's offence reaches j only exp(-b[j, i]) as
strongly when a buffer of depth b[j, i] shields j from i (``shield`` of
:mod:`herz.world.state`), in the war decision and in its outcome alike; a
buffered state is harder to conquer and is attacked less.

War duration. By default (``war_duration`` = 1) a war is decided, fought and
resolved in the step it starts. With ``war_duration`` = T > 1 a war lasts a
geometric number of steps with mean T: it ends at the end of each step of
fighting with probability 1 / T (a draw of ``Stream.WAR_DURATION`` keyed by the
attacker's label), independently of the offense-defense balance, as Nilsson
(2012) finds in the wars of 1817-1992. Costs accrue per step of fighting: both
sides lose ``war_destruction`` of their arms every step. What the attacker
foresees is a separate choice: by default it weighs ``war_cost`` once (the
expectation of a short war, which Van Evera's "cult of the offensive" and
Nilsson's evidence say was often wrong); with ``war_cost_accrues`` it weighs
the expected cost T c (the value of attacking is p v - T c, the preemption
condition p_first - p_second > 2 T c), and long wars deter. When the war ends the
attacker wins with the chance p it had at the start (a draw of
``Stream.WAR_OUTCOME`` at the step it ends) and the loser loses
``defeat_loss``. A state that is fighting (either side) starts no new war.
The attack is the observable act: beliefs, identities and communities react to
it in the step it starts. With T = 1 every line of this reduces to the
one-step war, draw for draw.

References
----------
Fearon, J. D. (1995). Rationalist explanations for war. *International
Organization* 49(3): 379-414. doi:10.1017/S0020818300033324.

Jervis, R. (1978). Cooperation under the security dilemma. *World Politics*
30(2): 167-214. doi:10.2307/2009958.

Van Evera, S. (1998). Offense, defense, and the causes of war. *International
Security* 22(4): 5-43. doi:10.2307/2539239.

Wendt, A. (1999). *Social Theory of International Politics*. Cambridge UP.

Nilsson, M. (2012). Offense-defense balance, war duration, and the security
dilemma. *Journal of Conflict Resolution* 56(3): 467-489.
doi:10.1177/0022002712438350.

Garver, J. W. (2001). *Protracted Contest: Sino-Indian Rivalry in the Twentieth
Century*. Seattle: University of Washington Press.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from herz.world._kernels import decide_war_kernel
from herz.world.noise import Stream, fill_uniform_at
from herz.world.params import WorldParams
from herz.world.state import WorldState

__all__ = ["WarDecision", "decide_war", "effective_defense", "engaged", "resolve_war"]


@dataclass
class WarDecision:
    """Who attacks whom: target (W, N) index or -1, and the attacker's chance p (W, N)."""

    target: NDArray[np.int64]
    p_win: NDArray[np.float64]


def effective_defense(state: WorldState, params: WorldParams) -> NDArray[np.float64]:
    """Defence D_eff[i, j] that attacker i meets at j, (W, N, N).

    j's own defence plus ``defense_pooling`` of its fellow community members'
    defence when i is not in j's community (Adler and Barnett: pooled security).
    """
    d = state.defense
    n = state.n_states
    eff = np.broadcast_to(d[:, None, :], (state.worlds, n, n))
    lab = state.community
    if not params.mechanisms.community or params.defense_pooling == 0.0 or not (lab >= 0).any():
        return np.array(eff)
    same = (lab[:, :, None] == lab[:, None, :]) & (lab[:, :, None] >= 0)
    pool = np.einsum("wjk,wk->wj", same.astype(float), d)  # all members' defence incl. j
    extra = params.defense_pooling * np.where(lab >= 0, pool - d, 0.0)
    return eff + extra[:, None, :] * ~same


def decide_war(state: WorldState, params: WorldParams, mistrust: NDArray[np.float64],
               identity: NDArray[np.float64]) -> WarDecision:
    """Each state's war decision this step (see the module docstring)."""
    w, n = state.worlds, state.n_states
    lab = state.community
    has_pool = bool(params.mechanisms.community and params.defense_pooling > 0.0
                    and (lab >= 0).any())
    extra = _NO_EXTRA
    if has_pool:
        same = (lab[:, :, None] == lab[:, None, :]) & (lab[:, :, None] >= 0)
        pool = np.einsum("wjk,wk->wj", same.astype(float), state.defense)
        extra = params.defense_pooling * np.where(lab >= 0, pool - state.defense, 0.0)
    target = np.empty((w, n), dtype=np.int64)
    p_win = np.empty((w, n))
    # the cost the attacker foresees: once, or per expected step of fighting
    cost = float(params.war_cost)
    if params.war_cost_accrues:
        cost *= float(params.war_duration)
    decide_war_kernel(
        state.offense, state.defense, state.greedy, mistrust, identity,
        bool(params.mechanisms.identity), lab, extra, has_pool,
        _ONE3 if state.shield is None else state.shield, state.shield is not None,
        float(params.offense_defense_balance), float(params.first_strike_advantage),
        float(params.war_gain), cost, float(params.war_loss),
        float(params.identity_war_weight), float(params.preemption_mistrust), state.label,
        target, p_win)
    if (state.war_target >= 0).any():
        busy = engaged(state)
        target[busy] = -1
        p_win[busy] = 0.0
    return WarDecision(target=target, p_win=p_win)


def engaged(state: WorldState) -> NDArray[np.bool_]:
    """States fighting an ongoing war, as attacker or target, (W, N)."""
    busy = state.war_target >= 0
    ww, ii = np.nonzero(busy)
    out = busy.copy()
    out[ww, state.war_target[ww, ii]] = True
    return out


_NO_EXTRA = np.zeros((1, 1))
_ONE3 = np.ones((1, 1, 1))


def resolve_war(state: WorldState, params: WorldParams, decision: WarDecision,
                offense: NDArray[np.float64], defense: NDArray[np.float64],
                ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
    """Draw outcomes and apply losses to (offense, defense); return them and attacks (W, N, N).

    Updates the war record of ``state`` (count, first step and dyad, steps of
    war fought, wars ended and their durations, ongoing wars).
    """
    if params.war_duration != 1.0:
        return _resolve_lasting(state, params, decision, offense, defense)
    w, n = state.worlds, state.n_states
    attacks = np.zeros((w, n, n), dtype=bool)
    ww, ii = np.nonzero(decision.target >= 0)
    if ww.size == 0:
        return offense, defense, attacks
    u = np.empty((w, n))
    fill_uniform_at(state.keys, Stream.WAR_OUTCOME, state.t, state.label, u)
    jj = decision.target[ww, ii]
    won = u[ww, ii] < decision.p_win[ww, ii]
    attacks[ww, ii, jj] = True
    keep = 1.0 - params.war_destruction
    lose = 1.0 - params.defeat_loss
    factor = np.ones((w, n))
    np.multiply.at(factor, (ww, ii), np.where(won, keep, keep * lose))
    np.multiply.at(factor, (ww, jj), np.where(won, keep * lose, keep))
    offense = offense * factor
    defense = defense * factor
    _first_wars(state, ww, ii, jj)
    np.add.at(state.n_wars, ww, 1)
    # one-step wars: each is fought for one step and ends in it
    np.add.at(state.war_steps, ww, 1)
    np.add.at(state.wars_ended, ww, 1)
    np.add.at(state.war_steps_ended, ww, 1)
    return offense, defense, attacks


def _first_wars(state: WorldState, ww: NDArray[np.intp], ii: NDArray[np.intp],
                jj: NDArray[np.int64]) -> None:
    """Record a world's first war: the lowest attacker index among this step's wars."""
    new = state.first_war_step[ww] < 0
    for k in np.nonzero(new)[0]:
        wk = ww[k]
        if state.first_war_step[wk] < 0:
            state.first_war_step[wk] = state.t
            state.first_war_attacker[wk] = ii[k]
            state.first_war_target[wk] = jj[k]


def _resolve_lasting(state: WorldState, params: WorldParams, decision: WarDecision,
                     offense: NDArray[np.float64], defense: NDArray[np.float64],
                     ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
    """Wars of ``war_duration`` > 1: start, fight a step, maybe end (module docstring)."""
    w, n = state.worlds, state.n_states
    attacks = np.zeros((w, n, n), dtype=bool)
    ww, ii = np.nonzero(decision.target >= 0)
    if ww.size:
        jj = decision.target[ww, ii]
        attacks[ww, ii, jj] = True
        state.war_target[ww, ii] = jj
        state.war_p[ww, ii] = decision.p_win[ww, ii]
        state.war_start[ww, ii] = state.t
        _first_wars(state, ww, ii, jj)
        np.add.at(state.n_wars, ww, 1)
    aw, ai = np.nonzero(state.war_target >= 0)
    if aw.size == 0:
        return offense, defense, attacks
    aj = state.war_target[aw, ai]
    keep = 1.0 - params.war_destruction
    factor = np.ones((w, n))
    np.multiply.at(factor, (aw, ai), keep)  # both sides lose war_destruction this step
    np.multiply.at(factor, (aw, aj), keep)
    np.add.at(state.war_steps, aw, 1)
    u = np.empty((w, n))
    fill_uniform_at(state.keys, Stream.WAR_DURATION, state.t, state.label, u)
    ends = u[aw, ai] < 1.0 / params.war_duration
    if ends.any():
        ew, ei, ej = aw[ends], ai[ends], aj[ends]
        fill_uniform_at(state.keys, Stream.WAR_OUTCOME, state.t, state.label, u)
        won = u[ew, ei] < state.war_p[ew, ei]
        loser = np.where(won, ej, ei)
        np.multiply.at(factor, (ew, loser), 1.0 - params.defeat_loss)
        duration = state.t - state.war_start[ew, ei] + 1
        np.add.at(state.wars_ended, ew, 1)
        np.add.at(state.war_steps_ended, ew, duration)
        state.war_target[ew, ei] = -1
        state.war_p[ew, ei] = 0.0
        state.war_start[ew, ei] = -1
    return offense * factor, defense * factor, attacks
