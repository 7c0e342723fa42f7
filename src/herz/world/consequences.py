"""War consequences and balancing (DESIGN.md 2.6): wars last, destroy, transfer and kill.

Pure batched functions over (W, N) and (W, N, N) arrays. A war is a directed
pair ``war_attacker[w, i, j]`` (i attacked j and they are fighting);
``ally[w, k, i]`` says that k has joined the defence against attacker i.

**Balancing** (Walt 1987, balance of threat). Each year a war of i is in
progress, every live third party k that is not already fighting i joins the
defenders with probability Lambda(alpha_b + lambda_b threat_ki), where
threat_ki = mu_ki Y_i / mean(Y): the attacker's aggregate power times k's
belief that it is greedy (its intentions; the attack itself raised that
belief). Allies add their defence to the defenders' side. With more states
there are more potential balancers, so conquest does not snowball with N.

**A year of war.** The attacker's chance p = (phi O_i)^g / ((phi O_i)^g +
(delta (D_j + allies' D))^g) (the contest of :mod:`herz.world.bargaining`,
the initiative kept). Every participant (attackers, defenders, allies) loses a
share of its output and arms. The war ends this year with hazard
h0 + h1 |p - 1/2| (lopsided wars end sooner; Slantchev 2004, Bennett and Stam
1996); the attacker wins with probability p. The loser pays the winner a share
tau of its output (losing n wars at once: 1 - (1 - tau)^n in all, split
evenly). The loser's regime is redrawn with probability r_reg: its type becomes
greedy with probability p_greedy (Europe after 1945: war -> regime change ->
reconciliation). A state at war whose output falls below y_min mean(Y) dies
(conquest; economic decline alone kills no state): its remaining output goes to
its enemies in equal parts, its wars end, and it is masked everywhere from then
on (dead states stay dead). War-weariness
W <- rho W + 1[at war] (Levy and Morgan 1986) enters the war index as -psi W.

References
----------
Walt, S. M. (1987). *The Origins of Alliances*. Cornell University Press.

Levy, J. S. and Morgan, T. C. (1986). The war-weariness hypothesis: an
empirical test. *American Journal of Political Science* 30(1): 26-49.
doi:10.2307/2111293.

Slantchev, B. L. (2004). How initiators end their wars: the duration of warfare
and the terms of peace. *American Journal of Political Science* 48(4): 813-829.
doi:10.1111/j.0092-5853.2004.00103.x.

Bennett, D. S. and Stam, A. C. (1996). The duration of interstate wars,
1816-1985. *American Political Science Review* 90(2): 239-257.
doi:10.2307/2082882.

Fearon, J. D. (1995). Rationalist explanations for war. *International
Organization* 49(3): 379-414 (the transfer tau as the war's stake).

Leeds, B. A. et al. (2002). Alliance Treaty Obligations and Provisions, 1815-1944.
*International Interactions* 28(3): 237-260 (ATOP: the record balancing is checked against).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from herz.world.bargaining import contest_success, logistic
from herz.world.noise import PairDraws

__all__ = ["Fight", "allied_defense", "any_row", "fight_year", "join_balancers", "mean_alive", "participants"]

F8 = NDArray[np.float64]
B1 = NDArray[np.bool_]


def any_row(pairs: B1) -> B1:
    """Rows with any True in a pair array: (W, N, N) -> (W, N)."""
    return np.asarray(pairs.any(axis=2), dtype=bool)


def mean_alive(values: F8, alive: B1) -> F8:
    """Mean over the live states of each world, (W,) (0 in a world with none)."""
    n = alive.sum(axis=1)
    s = np.where(alive, values, 0.0).sum(axis=1)
    return np.where(n > 0, s / np.maximum(n, 1), 0.0)


def participants(war_attacker: B1, ally: B1) -> B1:
    """States fighting this year, (W, N): attackers, defenders and allies of active wars."""
    pair = war_attacker | war_attacker.transpose(0, 2, 1)
    active = any_row(war_attacker)
    return any_row(pair) | any_row(ally & active[:, None, :])


def allied_defense(ally: B1, defense: F8) -> F8:
    """Defence the allies bring against each attacker i: sum_k ally[k, i] D_k, (W, N)."""
    return np.einsum("wki,wk->wi", ally.astype(float), defense)


def join_balancers(war_attacker: B1, ally: B1, alive: B1, mistrust: F8, output: F8,
                   u: F8 | PairDraws, *, rationality: float, intercept: float,
                   relevant: B1 | None = None) -> B1:
    """Third parties join the defence against attackers (Walt 1987; module docstring).

    ``u``: a uniform per pair [k, i], (W, N, N), drawn whether used or not; or a
    :class:`~herz.world.noise.PairDraws` that draws them at the eligible pairs only
    (the same numbers). Returns the new ``ally`` (W, N, N); alliances against an
    attacker whose wars are all over are dissolved.
    """
    active = any_row(war_attacker) & alive
    pair = war_attacker | war_attacker.transpose(0, 2, 1)
    n = alive.shape[1]
    eligible = (alive[:, :, None] & active[:, None, :] & ~pair & ~ally
                & ~np.eye(n, dtype=bool)[None])
    if relevant is not None:
        eligible &= relevant
    # the join probability Lambda(alpha_b + lambda_b mu_ki Y_i / mean(Y)) at the eligible
    # pairs only (elementwise: the numbers of the whole array there)
    ww, kk, ii = np.nonzero(eligible)
    m = mean_alive(output, alive)[ww]
    with np.errstate(divide="ignore", invalid="ignore"):
        power = np.where(m > 0, output[ww, ii] / np.where(m > 0, m, 1.0), 0.0)
    threat = mistrust[ww, kk, ii] * power
    p_join = logistic(intercept + rationality * threat)
    draws = u[ww, kk, ii] if isinstance(u, np.ndarray) else u.at(ww, kk, ii)
    join = np.zeros_like(eligible)
    join[ww, kk, ii] = draws < p_join
    return (ally | join) & active[:, None, :] & alive[:, :, None]


@dataclass
class Fight:
    """The world after a year of war, and what happened in it.

    offense, defense, output, alive, greedy, weariness, war_attacker, ally : new arrays.
    p_attacker : (W, N, N) the attacker's chance this year in each war fought.
    ended, attacker_won : (W, N, N) wars that ended this year (by the hazard or a death)
        and whether the attacker won.
    lost : (W, N) states that lost a war this year; regime_changed : (W, N) types redrawn.
    died : (W, N) states at war that died this year; fighting : (W, N) states at war this year.
    """

    offense: F8
    defense: F8
    output: F8
    alive: B1
    greedy: B1
    weariness: F8
    war_attacker: B1
    ally: B1
    p_attacker: F8
    ended: B1
    attacker_won: B1
    lost: B1
    regime_changed: B1
    died: B1
    fighting: B1


def fight_year(war_attacker: B1, ally: B1, offense: F8, defense: F8, output: F8, alive: B1,
               greedy: B1, weariness: F8, *, u_end: F8 | PairDraws, u_win: F8 | PairDraws,
               u_regime: F8, u_type: F8,
               balance: float | F8, first_strike: float, exponent: float, end_base: float,
               end_slope: float, output_destruction: float, arms_destruction: float,
               transfer: float, death_threshold: float, regime_change: float,
               p_greedy: float | F8, weariness_decay: float, defense_extra: F8 | None = None,
               reach: F8 | None = None) -> Fight:
    """One year of every war in progress (module docstring).

    Uniforms: ``u_end``, ``u_win`` (W, N, N) per war [attacker, defender], or
    :class:`~herz.world.noise.PairDraws` drawing them at the wars only (the same
    numbers); ``u_regime``, ``u_type`` (W, N) per state. All are drawn whether used or not.
    """
    wa = war_attacker & alive[:, :, None] & alive[:, None, :]
    fighting = participants(wa, ally) & alive
    # the contest of each war, with the allies' defence on the defenders' side, computed at
    # the wars only (elementwise: the numbers of the whole array there)
    ww, ii, jj = np.nonzero(wa)
    o = offense[ww, ii] if reach is None else offense[ww, ii] * reach[ww, ii, jj]
    d = defense[ww, jj] + allied_defense(ally, defense)[ww, ii]
    if defense_extra is not None:
        d = d + defense_extra[ww, ii, jj]
    bal = balance[ww, 0, 0] if isinstance(balance, np.ndarray) else balance
    p_war = contest_success(o, d, bal, first_strike, exponent)
    p = np.zeros(wa.shape)
    p[ww, ii, jj] = p_war
    # destruction: every participant loses a share of output and arms
    keep_y = np.where(fighting, 1.0 - output_destruction, 1.0)
    keep_a = np.where(fighting, 1.0 - arms_destruction, 1.0)
    y = output * keep_y
    off = offense * keep_a
    dfn = defense * keep_a
    # ends and winners
    hazard = np.clip(end_base + end_slope * np.abs(p_war - 0.5), 0.0, 1.0)
    e_draw = u_end[ww, ii, jj] if isinstance(u_end, np.ndarray) else u_end.at(ww, ii, jj)
    w_draw = u_win[ww, ii, jj] if isinstance(u_win, np.ndarray) else u_win.at(ww, ii, jj)
    ends = np.zeros_like(wa)
    won = np.zeros_like(wa)
    end_k = e_draw < hazard
    ends[ww, ii, jj] = end_k
    won[ww, ii, jj] = end_k & (w_draw < p_war)
    lost_att = ends & ~won          # [i, j]: attacker i lost to j
    lost_def = won                  # [i, j]: defender j lost to i
    n_lost = lost_att.sum(axis=2) + lost_def.sum(axis=1)
    lost = n_lost > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        per_war = np.where(lost, y * (1.0 - (1.0 - transfer) ** n_lost) / np.maximum(n_lost, 1),
                           0.0)
    # pay[w, a, b]: what a pays b
    pay = lost_att * per_war[:, :, None] + (lost_def * per_war[:, None, :]).transpose(0, 2, 1)
    y = y - pay.sum(axis=2) + pay.sum(axis=1)
    # regime change of the losers
    redraw = lost & (u_regime < regime_change)
    new_greedy = np.where(redraw, u_type < p_greedy, greedy)
    # death below y_min mean(Y); the remains go to the enemies of this year
    dies = fighting & (y < death_threshold * mean_alive(y, alive)[:, None])
    if dies.any():
        active = any_row(wa)
        pair = wa | wa.transpose(0, 2, 1)
        allied = ally & active[:, None, :]
        enemy = (pair | allied | allied.transpose(0, 2, 1)) & (alive & ~dies)[:, None, :]
        n_enemy = enemy.sum(axis=2)
        share = np.where(dies & (n_enemy > 0), y / np.maximum(n_enemy, 1), 0.0)
        y = y + (enemy * share[:, :, None]).sum(axis=1)
    new_alive = alive & ~dies
    # wars end by the hazard or by a death (the survivor wins)
    gone = wa & (dies[:, :, None] | dies[:, None, :])
    won = won | (gone & ~ends & dies[:, None, :] & ~dies[:, :, None])
    ended = ends | gone
    new_wa = wa & ~ended
    still = any_row(new_wa)
    new_ally = ally & still[:, None, :] & new_alive[:, :, None] & new_alive[:, None, :]
    w_new = np.where(new_alive, weariness_decay * weariness + fighting, 0.0)
    y = np.where(new_alive, y, 0.0)
    off = np.where(new_alive, off, 0.0)
    dfn = np.where(new_alive, dfn, 0.0)
    return Fight(offense=off, defense=dfn, output=y, alive=new_alive, greedy=new_greedy,
                 weariness=w_new, war_attacker=new_wa, ally=new_ally, p_attacker=p,
                 ended=ended, attacker_won=won & ended, lost=lost, regime_changed=redraw,
                 died=dies, fighting=fighting)
