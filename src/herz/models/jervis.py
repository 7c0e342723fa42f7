"""Jervis's security dilemma as a game built from IR parameters, and his four worlds.

Two states choose C (no offensive build-up) or D (build offensive capability at
cost ``k > 0``). If exactly one builds, it conquers the other with probability
``p``: the builder gains ``v``, the victim loses ``L`` (L >= v: losing
sovereignty is worse than the conqueror's gain). For equal forces a contest
success function with defence multiplier delta (the offense-defense balance)
gives ``p = 1 / (1 + delta)``: delta < 1 offense dominance, delta = 1 neutral,
delta > 1 defense dominance. Payoffs (row player, own move first)::

    CC = s,  DC = s + p*v - k,  CD = s - p*L,  DD = s - k

where ``s`` is the value of the status quo (herz MODELS.md sec. 2.3 sets s = 0;
a common shift changes neither the class nor any threshold). The game is a
prisoner's dilemma when p*v > k, a stag hunt when p*v < k < p*L, and harmony
when p*L < k; in the stag hunt cooperation is a best response when the other
cooperates with probability at least q* = (p*L - k) / (p*(L - v)).

Distinguishability [D: herz's own construction beyond MODELS.md sec. 2.3].
Distinguishability ``d`` in [0, 1] is the same quantity as the world's
parameter of that name: 0 when offence and defence cannot be told apart, 1
when they always can. Jervis's (and MODELS.md's) probability that a posture is
read correctly is derived from it, rho = (1 + d)/2 in [1/2, 1]; d is the
informative part of that reading, J = 2*rho - 1 (Youden's index: the hit rate
minus the false-alarm rate). It enters the one-shot game through warning: d is
the probability that an offensive build-up is recognised in time, in which
case the target prepares and the attack fails. The chance of conquest becomes

    p_eff = (1 - d) * p = (1 - d) / (1 + delta)

and every formula above holds with p replaced by p_eff. At d = 0 (postures
indistinguishable, Jervis's worlds 1 and 2) this is exactly MODELS.md sec. 2.3;
as d -> 1 a status-quo state gets warning and the game moves to harmony
(Jervis's worlds 3 and 4: no security dilemma). The payoff parameters carry
the world's names: ``war_gain`` (v), ``war_loss`` (L) and ``arms_cost`` (k).

References
----------
Jervis, R. (1978). Cooperation under the security dilemma. *World Politics*
30(2): 167-214. doi:10.2307/2009958.

Glaser, C. L. and Kaufmann, C. (1998). What is the offense-defense balance and
can we measure it? *International Security* 22(4): 44-82.
doi:10.1162/isec.22.4.44.

Hirshleifer, J. (1989). Conflict and rent-seeking success functions: ratio vs.
difference models of relative success. *Public Choice* 63(2): 101-112.
doi:10.1007/BF00153394 (the ratio contest success function).

Youden, W. J. (1950). Index for rating diagnostic tests. *Cancer* 3(1): 32-35.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from herz.errors import ParameterError, require_finite, require_positive
from herz.models.games import (
    Classification,
    Game,
    GameClass,
    classify,
    cooperation_threshold,
    from_jervis,
)

__all__ = [
    "JervisParams",
    "World",
    "class_map",
    "classification",
    "conquest_probability",
    "four_worlds",
    "game_class",
    "regime_boundaries",
    "rho",
    "security_game",
    "threshold_map",
    "trust_threshold",
    "world_of",
]

#: Default gain from exploiting, loss from being exploited and cost of arming.
DEFAULT_WAR_GAIN, DEFAULT_WAR_LOSS, DEFAULT_ARMS_COST = 1.0, 2.0, 0.4


def rho(distinguishability: float) -> float:
    """Jervis's probability that a posture is read correctly: rho = (1 + d)/2 in [1/2, 1].

    References
    ----------
    Jervis, R. (1978). Cooperation under the security dilemma. *World Politics*
    30(2): 167-214; rho as in herz MODELS.md sec. 2.3, d = 2*rho - 1 [D].
    """
    d = require_finite("distinguishability", distinguishability)
    if not 0.0 <= d <= 1.0:
        raise ParameterError("distinguishability", distinguishability,
                             "must be between 0 (indistinguishable) and 1 (distinguishable)")
    return (1.0 + d) / 2.0


@dataclass(frozen=True)
class JervisParams:
    """IR parameters of the security game.

    Attributes
    ----------
    offense_defense_balance : delta > 0, the defence multiplier of the contest
        success function (delta < 1 offense dominance, delta > 1 defense dominance).
    distinguishability : d in [0, 1], the share of postures told apart in time
        (0: offense and defense cannot be told apart); Jervis's rho = (1 + d)/2.
    war_gain : v > 0, the conqueror's gain from exploiting.
    war_loss : L >= v, the victim's loss from being exploited.
    arms_cost : k > 0, the cost of arming (building offensive capability).
    status_quo : s, the value of the status quo (mutual restraint).

    References
    ----------
    Jervis, R. (1978). Cooperation under the security dilemma. *World Politics*
    30(2): 167-214. Parametrisation: herz MODELS.md sec. 2.3 [D].
    """

    offense_defense_balance: float
    distinguishability: float = 0.0
    war_gain: float = DEFAULT_WAR_GAIN
    war_loss: float = DEFAULT_WAR_LOSS
    arms_cost: float = DEFAULT_ARMS_COST
    status_quo: float = 0.0

    def __post_init__(self) -> None:
        delta = require_positive("offense_defense_balance", self.offense_defense_balance)
        d = require_finite("distinguishability", self.distinguishability)
        if not 0.0 <= d <= 1.0:
            raise ParameterError("distinguishability", self.distinguishability,
                                 "must be between 0 (indistinguishable) and 1 (distinguishable)")
        v = require_positive("war_gain", self.war_gain)
        big_l = require_finite("war_loss", self.war_loss)
        if not big_l >= v:
            raise ParameterError("war_loss", self.war_loss, f"must be >= war_gain = {v:g}")
        k = require_positive("arms_cost", self.arms_cost)
        s = require_finite("status_quo", self.status_quo)
        for name, val in (("offense_defense_balance", delta), ("distinguishability", d),
                          ("war_gain", v), ("war_loss", big_l), ("arms_cost", k),
                          ("status_quo", s)):
            object.__setattr__(self, name, val)


def conquest_probability(offense_defense_balance: float, distinguishability: float = 0.0) -> float:
    """Chance that a lone builder conquers the other: p_eff = (1 - d)/(1 + delta).

    With d = 0 this is the contest success function for equal forces,
    p = 1/(1 + delta) (herz MODELS.md sec. 2.3); the factor 1 - d is the chance
    that the build-up is not recognised in time [D: herz's own].

    References
    ----------
    Hirshleifer, J. (1989). Conflict and rent-seeking success functions.
    *Public Choice* 63(2): 101-112. doi:10.1007/BF00153394.
    """
    prm = JervisParams(offense_defense_balance, distinguishability)
    return (1.0 - prm.distinguishability) / (1.0 + prm.offense_defense_balance)


def security_game(
    offense_defense_balance: float, distinguishability: float = 0.0, *,
    war_gain: float = DEFAULT_WAR_GAIN, war_loss: float = DEFAULT_WAR_LOSS,
    arms_cost: float = DEFAULT_ARMS_COST, status_quo: float = 0.0,
) -> Game:
    """The symmetric 2x2 security game at a parameter point.

    CC = s, DC = s + p*v - k, CD = s - p*L, DD = s - k, with p the conquest
    probability of :func:`conquest_probability`. Strategy 0 is C (restraint),
    strategy 1 is D (offensive build-up).

    References
    ----------
    Jervis, R. (1978). Cooperation under the security dilemma. *World Politics*
    30(2): 167-214. doi:10.2307/2009958. Payoffs as in herz MODELS.md sec. 2.3
    [D]; distinguishability through warning is herz's own construction [D].
    """
    prm = JervisParams(offense_defense_balance, distinguishability, war_gain, war_loss, arms_cost,
                       status_quo)
    p = conquest_probability(prm.offense_defense_balance, prm.distinguishability)
    s, v, big_l, k = prm.status_quo, prm.war_gain, prm.war_loss, prm.arms_cost
    name = f"security game (delta={prm.offense_defense_balance:g}, d={prm.distinguishability:g})"
    return from_jervis(cc=s, dc=s + p * v - k, dd=s - k, cd=s - p * big_l, name=name)


def game_class(
    offense_defense_balance: float, distinguishability: float = 0.0, *,
    war_gain: float = DEFAULT_WAR_GAIN, war_loss: float = DEFAULT_WAR_LOSS,
    arms_cost: float = DEFAULT_ARMS_COST, status_quo: float = 0.0,
) -> GameClass:
    """Which game are we in? The class of :func:`security_game` at a parameter point.

    Prisoner's dilemma iff p*v > k, stag hunt iff p*v < k < p*L, harmony iff
    p*L < k; ``BOUNDARY`` exactly on p*v = k or p*L = k.

    References
    ----------
    Jervis, R. (1978). Cooperation under the security dilemma. *World Politics*
    30(2): 167-214. Regimes as in herz MODELS.md sec. 2.3 [D].
    """
    return classification(offense_defense_balance, distinguishability, war_gain=war_gain,
                          war_loss=war_loss, arms_cost=arms_cost,
                          status_quo=status_quo).game_class


def classification(
    offense_defense_balance: float, distinguishability: float = 0.0, *,
    war_gain: float = DEFAULT_WAR_GAIN, war_loss: float = DEFAULT_WAR_LOSS,
    arms_cost: float = DEFAULT_ARMS_COST, status_quo: float = 0.0,
) -> Classification:
    """The full :class:`Classification` (ordering, ties, neighbours) at a parameter point.

    References
    ----------
    Jervis, R. (1978). Cooperation under the security dilemma. *World Politics*
    30(2): 167-214. Regimes as in herz MODELS.md sec. 2.3 [D].
    """
    g = security_game(offense_defense_balance, distinguishability, war_gain=war_gain,
                      war_loss=war_loss, arms_cost=arms_cost, status_quo=status_quo)
    return classify(*g.rstp())


def trust_threshold(
    offense_defense_balance: float, distinguishability: float = 0.0, *,
    war_gain: float = DEFAULT_WAR_GAIN, war_loss: float = DEFAULT_WAR_LOSS,
    arms_cost: float = DEFAULT_ARMS_COST,
) -> float | None:
    """Jervis's q* at a parameter point: (p*L - k) / (p*(L - v)) in the stag hunt.

    0 in harmony (restraint is always a best response), ``None`` in a
    prisoner's dilemma (no trust suffices in the one-shot game). With d = 0
    this is q* = [L - k*(1 + delta)] / (L - v), falling linearly in delta.

    References
    ----------
    Jervis, R. (1978). Cooperation under the security dilemma. *World Politics*
    30(2): 167-214. Threshold as in herz MODELS.md sec. 2.3 [D].
    """
    g = security_game(offense_defense_balance, distinguishability, war_gain=war_gain,
                      war_loss=war_loss, arms_cost=arms_cost)
    return cooperation_threshold(*g.rstp())


def regime_boundaries(
    distinguishability: float = 0.0, *, war_gain: float = DEFAULT_WAR_GAIN,
    war_loss: float = DEFAULT_WAR_LOSS, arms_cost: float = DEFAULT_ARMS_COST,
) -> tuple[float, float]:
    """Offense-defense balances where the game changes class at a given distinguishability.

    Returns (delta_PD, delta_H): the game is a prisoner's dilemma for
    delta < delta_PD = (1 - d)*v/k - 1, a stag hunt between, and harmony for
    delta > delta_H = (1 - d)*L/k - 1 (at d = 0: v/k - 1 and L/k - 1).
    Values <= 0 mean the boundary lies outside the admissible delta > 0.

    References
    ----------
    Jervis, R. (1978). Cooperation under the security dilemma. *World Politics*
    30(2): 167-214. Boundaries as in herz MODELS.md sec. 2.3 [D].
    """
    prm = JervisParams(1.0, distinguishability, war_gain, war_loss, arms_cost)
    f = 1.0 - prm.distinguishability
    return (f * prm.war_gain / prm.arms_cost - 1.0, f * prm.war_loss / prm.arms_cost - 1.0)


# --------------------------------------------------------------------------- four worlds


@dataclass(frozen=True)
class World:
    """One of Jervis's four worlds, with the game at its representative point."""

    number: int
    label: str
    description: str
    offense_dominant: bool
    distinguishable: bool
    offense_defense_balance: float
    distinguishability: float
    game: Game
    game_class: GameClass
    cooperation_threshold: float | None

    def to_dict(self) -> dict[str, Any]:
        """Return the world as plain values."""
        return {
            "number": self.number, "label": self.label, "description": self.description,
            "offense_dominant": self.offense_dominant, "distinguishable": self.distinguishable,
            "offense_defense_balance": self.offense_defense_balance,
            "distinguishability": self.distinguishability,
            "payoffs": dict(zip(("R", "S", "T", "P"), self.game.rstp(), strict=True)),
            "game": self.game_class.value, "cooperation_threshold": self.cooperation_threshold,
        }


_WORLDS = {
    (True, False): (1, "doubly dangerous",
                    "offense has the advantage and postures are indistinguishable: "
                    "the most dangerous world"),
    (False, False): (2, "security dilemma, requirements compatible",
                     "defense has the advantage but postures are indistinguishable: a security "
                     "dilemma exists, but security requirements may be compatible"),
    (True, True): (3, "no security dilemma, aggression possible",
                   "offense has the advantage but postures are distinguishable: no security "
                   "dilemma, but aggression possible; status-quo states can adopt policies "
                   "different from aggressors' and get warning"),
    (False, True): (4, "doubly stable",
                    "defense has the advantage and postures are distinguishable: doubly stable"),
}


def world_of(offense_defense_balance: float, distinguishability: float,
             distinguishable_above: float = 0.5) -> int:
    """Return the number (1-4) of Jervis's world a parameter point lies in.

    Offense dominant iff delta < 1; distinguishable iff d >= ``distinguishable_above``
    (the default 0.5 is rho = 0.75).

    References
    ----------
    Jervis, R. (1978). Cooperation under the security dilemma. *World Politics*
    30(2): 167-214; quadrants as in herz MODELS.md sec. 2.3.
    """
    prm = JervisParams(offense_defense_balance, distinguishability)
    cut = require_finite("distinguishable_above", distinguishable_above)
    if not 0.0 < cut <= 1.0:
        raise ParameterError("distinguishable_above", distinguishable_above,
                             "must be in (0, 1]")
    key = (prm.offense_defense_balance < 1.0, prm.distinguishability >= cut)
    return _WORLDS[key][0]


def four_worlds(
    *, offense_dominant: float = 0.5, defense_dominant: float = 2.0,
    indistinguishable: float = 0.0, distinguishable: float = 0.8,
    war_gain: float = DEFAULT_WAR_GAIN, war_loss: float = DEFAULT_WAR_LOSS,
    arms_cost: float = DEFAULT_ARMS_COST,
) -> tuple[World, ...]:
    """Jervis's four worlds, each with its game class and cooperation threshold.

    Each world is evaluated at a representative point: delta = ``offense_dominant``
    (< 1) or ``defense_dominant`` (> 1), d = ``indistinguishable`` or
    ``distinguishable`` (defaults 0 and 0.8: rho = 0.5 and 0.9). With the
    defaults (v = 1, L = 2, k = 0.4) world 1 is a
    prisoner's dilemma, world 2 a stag hunt with q* = 0.8, worlds 3 and 4 harmony.

    References
    ----------
    Jervis, R. (1978). Cooperation under the security dilemma. *World Politics*
    30(2): 167-214, the table of four worlds (content [V] in herz MODELS.md sec.
    2.2); the games at each point are herz's construction [D].
    """
    if not offense_dominant < 1.0:
        raise ParameterError("offense_dominant", offense_dominant, "must be < 1")
    if not defense_dominant > 1.0:
        raise ParameterError("defense_dominant", defense_dominant, "must be > 1")
    if not indistinguishable < distinguishable:
        raise ParameterError("distinguishable", distinguishable,
                             f"must be > indistinguishable = {indistinguishable:g}")
    worlds = []
    for (off, dist), (num, label, desc) in sorted(_WORLDS.items(), key=lambda kv: kv[1][0]):
        delta = offense_dominant if off else defense_dominant
        d = distinguishable if dist else indistinguishable
        g = security_game(delta, d, war_gain=war_gain, war_loss=war_loss, arms_cost=arms_cost)
        worlds.append(World(num, label, desc, off, dist, delta, d, g,
                            classify(*g.rstp()).game_class, cooperation_threshold(*g.rstp())))
    return tuple(worlds)


# --------------------------------------------------------------------------- maps


def _grids(
    odb_grid: ArrayLike, dist_grid: ArrayLike,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    odb = np.atleast_1d(np.asarray(odb_grid, dtype=float))
    dist = np.atleast_1d(np.asarray(dist_grid, dtype=float))
    if odb.ndim != 1 or dist.ndim != 1:
        raise ParameterError("grid", (odb.shape, dist.shape), "must be 1-D lists of values")
    return odb, dist


def class_map(
    odb_grid: ArrayLike, dist_grid: ArrayLike, *, war_gain: float = DEFAULT_WAR_GAIN,
    war_loss: float = DEFAULT_WAR_LOSS, arms_cost: float = DEFAULT_ARMS_COST,
) -> NDArray[np.object_]:
    """Game class at every point of an offense-defense balance x distinguishability grid.

    Returns an object array of :class:`GameClass` of shape
    ``(len(odb_grid), len(dist_grid))``; entry ``[i, j]`` is the class at
    delta = ``odb_grid[i]``, d = ``dist_grid[j]``. GameClass is a ``str``
    enum, so ``out == "stag hunt"`` works.

    References
    ----------
    Jervis, R. (1978). Cooperation under the security dilemma. *World Politics*
    30(2): 167-214. Regimes as in herz MODELS.md sec. 2.3 [D].
    """
    odb, dist = _grids(odb_grid, dist_grid)
    out = np.empty((odb.size, dist.size), dtype=object)
    for i, d in enumerate(odb):
        for j, r in enumerate(dist):
            out[i, j] = game_class(float(d), float(r), war_gain=war_gain, war_loss=war_loss,
                                   arms_cost=arms_cost)
    return out


def threshold_map(
    odb_grid: ArrayLike, dist_grid: ArrayLike, *, war_gain: float = DEFAULT_WAR_GAIN,
    war_loss: float = DEFAULT_WAR_LOSS, arms_cost: float = DEFAULT_ARMS_COST,
) -> NDArray[np.float64]:
    """q* on the same grid as :func:`class_map`; NaN where no trust suffices (PD).

    References
    ----------
    Jervis, R. (1978). Cooperation under the security dilemma. *World Politics*
    30(2): 167-214. Threshold as in herz MODELS.md sec. 2.3 [D].
    """
    odb, dist = _grids(odb_grid, dist_grid)
    out = np.full((odb.size, dist.size), np.nan)
    for i, d in enumerate(odb):
        for j, r in enumerate(dist):
            q = trust_threshold(float(d), float(r), war_gain=war_gain, war_loss=war_loss,
                                arms_cost=arms_cost)
            if q is not None:
                out[i, j] = q
    return out
