"""Mechanism 4, the offense-defense balance: who wins a war, and what arms to buy.

War outcomes follow a contest success function of the attacker's offense and
the defender's defence (:func:`herz.world.bargaining.contest_success`, the
world's one contest function, re-exported here): the attacker wins with
probability

    p = ((1 + f) O_a)^g / (((1 + f) O_a)^g + (delta * D_d)^g),  g = 1 by default,

where ``delta`` is the offense-defense balance (delta < 1 offense dominance,
delta = 1 neutral, delta > 1 defence dominance: one unit of defence is worth
delta units of offence) and ``f`` the first-strike advantage of the side that
moves first. At equal forces and f = 0, p = 1 / (1 + delta), the conquest
probability of MODELS.md section 2.3. The same balance tells security seekers
what to buy: their share of new arms that is offensive equals the marginal
worth of offence, 1 / (1 + delta); greedy states buy offence only.

:func:`one_shot_game` is the reduction of the world to Jervis's one-shot
arm / restrain choice: its payoffs come from this contest function.

References
----------
Jervis, R. (1978). Cooperation under the security dilemma. *World Politics*
30(2): 167-214. doi:10.2307/2009958.

Glaser, C. L. and Kaufmann, C. (1998). What is the offense-defense balance and
can we measure it? *International Security* 22(4): 44-82. doi:10.2307/2539240.

Fearon, J. D. (1995). Rationalist explanations for war. *International
Organization* 49(3): 379-414. doi:10.1017/S0020818300033324.

Hirshleifer, J. (1989). Conflict and rent-seeking success functions: ratio vs.
difference models of relative success. *Public Choice* 63(2): 101-112.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from herz.world.bargaining import contest_success
from herz.world.params import WorldParams

__all__ = ["GameClass", "classify_game", "contest_success", "jervis_payoffs", "offense_share",
           "one_shot_game"]

GameClass = Literal["prisoners_dilemma", "stag_hunt", "harmony", "chicken"]


def offense_share(balance: float) -> float:
    """Share of a security seeker's new arms that is offensive: 1 / (1 + delta)."""
    return 1.0 / (1.0 + balance)


def one_shot_game(params: WorldParams, arms_cost: float, valuation: float | None = None
                  ) -> dict[str, float]:
    """Payoffs of the one-shot arm / restrain game the world reduces to (row player).

    Two states of equal output (1), each holding one unit of defence. "Arm" (D
    in Jervis's notation) adds one unit of offence at cost ``arms_cost`` (k, a
    share of output: the game's own cost, which the world spends year by year);
    "restrain" (C) adds none. If exactly one arms, it attacks when war pays and
    wins with the world's contest probability p = contest_success(1, 1, delta)
    (first-strike advantage and decisiveness included): the winner gains the
    transfer ``war_transfer`` valued at ``valuation`` (default
    ``greedy_value``: v = omega tau), the loser loses it (L = tau), both pay
    ``war_cost_share`` (c). If both arm, each deters the other (Jervis's DD).
    With c = 0 this is MODELS.md section 2.3: CC = 0, DC = p v - k, CD = -p L,
    DD = -k.

    Returns a dict with keys CC, DC, CD, DD (own move first) and p.
    """
    p = float(contest_success(1.0, 1.0, params.offense_defense_balance,
                              params.first_strike_advantage, exponent=params.contest_exponent))
    omega = params.greedy_value if valuation is None else float(valuation)
    v, loss, c = omega * params.war_transfer, params.war_transfer, params.war_cost_share
    k = float(arms_cost)
    attacks = p * v - c > 0.0
    dc = (p * v - c - k) if attacks else -k
    cd = (-p * loss - c) if attacks else 0.0
    return {"CC": 0.0, "DC": dc, "CD": cd, "DD": -k, "p": p}


def jervis_payoffs(params: WorldParams | Mapping[str, Any]) -> dict[str, float]:
    """Jervis's gain v, loss L and cost of arming k at the world's own payoffs.

    In shares of a state's yearly output: v = ``war_transfer`` (what a conquest
    takes, at face value), L = ``war_transfer`` + ``war_cost_share`` (what losing
    costs: the transfer and the fighting), k = ``budget_share`` (a year's arms
    budget spent on a build-up). The keyword arguments of
    :func:`herz.models.jervis.security_game`; ``params`` may be a stored
    parameter dict (missing keys take the defaults).
    """
    if isinstance(params, WorldParams):
        get = params.__getattribute__
    else:
        base = WorldParams()

        def get(name: str) -> Any:
            return params.get(name, getattr(base, name))

    tau, c, b = float(get("war_transfer")), float(get("war_cost_share")), float(get("budget_share"))
    return {"gain": tau, "loss": tau + c, "cost": b}


def classify_game(payoffs: dict[str, float]) -> GameClass:
    """Class of a symmetric 2x2 game from its payoffs (Jervis 1978; Snyder 1971).

    Prisoner's dilemma: DC > CC and DD > CD; stag hunt: CC > DC and DD > CD;
    harmony: CC >= DC and CD >= DD; otherwise chicken (DC > CC, CD > DD).
    """
    cc, dc, cd, dd = payoffs["CC"], payoffs["DC"], payoffs["CD"], payoffs["DD"]
    if dc > cc and dd > cd:
        return "prisoners_dilemma"
    if cc > dc and dd > cd:
        return "stag_hunt"
    if cc >= dc and cd >= dd:
        return "harmony"
    return "chicken"
