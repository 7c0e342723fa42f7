"""Stage games and noise for repeated play.

Any symmetric 2x2 stage game with payoffs R (reward, both cooperate), S (sucker),
T (temptation) and P (punishment, both defect) can be repeated: the prisoner's
dilemma (T > R > P > S), the stag hunt (R > T, P > S) or chicken (T > R > S > P).
Actions are coded C = 0 and D = 1, so the outcome of a round from player 1's point
of view has index ``2*a1 + a2``: CC = 0, CD = 1, DC = 2, DD = 3.

Two kinds of noise are kept apart (:class:`Noise`):

- *implementation error*: a player means to cooperate and defects (or the reverse);
  the move that is played, and scored, is the flipped one.
- *perception error*: a player cooperates and the other sees a defection (or the
  reverse); the payoffs come from the moves played, but the observer's strategy
  reacts to what it saw. This is the security dilemma's misperception (Jervis 1976).

References
----------
Axelrod, R. (1984). *The Evolution of Cooperation*. New York: Basic Books.

Jervis, R. (1976). *Perception and Misperception in International Politics*.
Princeton: Princeton University Press.

Molander, P. (1985). The optimal level of generosity in a selfish, uncertain
environment. *Journal of Conflict Resolution* 29(4): 611-618.
doi:10.1177/0022002785029004004.

Wu, J. and Axelrod, R. (1995). How to cope with noise in the iterated prisoner's
dilemma. *Journal of Conflict Resolution* 39(1): 183-189.
doi:10.1177/0022002795039001008.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from numpy.typing import NDArray

from herz.errors import ParameterError, require_finite, require_probability

__all__ = [
    "CHICKEN",
    "PRISONERS_DILEMMA",
    "STAG_HUNT",
    "GameKind",
    "Noise",
    "StageGame",
    "molander_generosity",
    "tft_stability_threshold",
]

#: Action codes used by every array in :mod:`herz.models.ipd`.
C = 0
D = 1


class GameKind(enum.StrEnum):
    """Which textbook class a symmetric 2x2 game falls in (by payoff order)."""

    PRISONERS_DILEMMA = "prisoners dilemma"  # T > R > P > S
    STAG_HUNT = "stag hunt"  # R > T and P > S
    CHICKEN = "chicken"  # T > R > S > P
    HARMONY = "harmony"  # R > T and S > P
    OTHER = "other"


@dataclass(frozen=True)
class StageGame:
    """A symmetric 2x2 stage game with payoffs R, S, T, P to the row player.

    Attributes
    ----------
    R : reward for mutual cooperation.
    S : sucker's payoff (cooperate against a defector).
    T : temptation (defect against a cooperator).
    P : punishment for mutual defection.

    References
    ----------
    Axelrod, R. (1984). *The Evolution of Cooperation*, ch. 1 (R, S, T, P = 3, 0, 5, 1).
    """

    R: float = 3.0
    S: float = 0.0
    T: float = 5.0
    P: float = 1.0

    def __post_init__(self) -> None:
        for name in ("R", "S", "T", "P"):
            object.__setattr__(self, name, require_finite(name, getattr(self, name)))

    @classmethod
    def from_sequence(cls, values: list[float] | tuple[float, ...]) -> StageGame:
        """Build a game from ``(R, S, T, P)``."""
        if len(values) != 4:
            raise ParameterError("payoffs", values, "must be four numbers R,S,T,P")
        return cls(*map(float, values))

    @property
    def kind(self) -> GameKind:
        """The class of the game by the order of its payoffs."""
        R, S, T, P = self.R, self.S, self.T, self.P
        if T > R > P > S:
            return GameKind.PRISONERS_DILEMMA
        if T > R > S > P:
            return GameKind.CHICKEN
        if R > T and P > S:
            return GameKind.STAG_HUNT
        if R > T and S > P:
            return GameKind.HARMONY
        return GameKind.OTHER

    def vector(self, player: int = 1) -> NDArray[np.float64]:
        """Payoffs of ``player`` (1 or 2) for outcomes CC, CD, DC, DD of player 1's view."""
        if player == 1:
            return np.array([self.R, self.S, self.T, self.P], dtype=float)
        if player == 2:
            return np.array([self.R, self.T, self.S, self.P], dtype=float)
        raise ParameterError("player", player, "must be 1 or 2")

    def as_tuple(self) -> tuple[float, float, float, float]:
        """Return ``(R, S, T, P)``."""
        return (self.R, self.S, self.T, self.P)


#: Axelrod's prisoner's dilemma, R, S, T, P = 3, 0, 5, 1.
PRISONERS_DILEMMA = StageGame(3.0, 0.0, 5.0, 1.0)
#: A stag hunt (R > T > P > S): R, S, T, P = 4, 1, 3, 2 (MODELS.md JERV-1 ordering).
STAG_HUNT = StageGame(4.0, 1.0, 3.0, 2.0)
#: Chicken (T > R > S > P): R, S, T, P = 3, 1, 4, 0.
CHICKEN = StageGame(3.0, 1.0, 4.0, 0.0)


def molander_generosity(game: StageGame) -> float:
    """Generosity of Generous Tit For Tat: ``min(1 - (T-R)/(R-S), (R-P)/(T-P))``.

    The probability of cooperating after the opponent defected that maximises the
    long-run payoff of GTFT players among themselves under small noise while keeping
    defection unprofitable. For 3, 0, 5, 1 it is min(1/3, 1/2) = 1/3 (MODELS.md AXEL-3).

    References
    ----------
    Molander, P. (1985). The optimal level of generosity in a selfish, uncertain
    environment. *Journal of Conflict Resolution* 29(4): 611-618.
    doi:10.1177/0022002785029004004.

    Nowak, M. A. and Sigmund, K. (1992). Tit for tat in heterogeneous populations.
    *Nature* 355: 250-253. doi:10.1038/355250a0.
    """
    if not (game.R > game.S and game.T > game.P):
        raise ParameterError("payoffs", game.as_tuple(), "Molander's formula needs R > S and T > P")
    R, S, T, P = (Fraction(x) for x in game.as_tuple())  # exact: 1/3 is the float nearest 1/3
    q = min(1 - (T - R) / (R - S), (R - P) / (T - P))
    return float(min(Fraction(1), max(Fraction(0), q)))


def tft_stability_threshold(game: StageGame) -> float:
    """Smallest continuation probability w at which TFT is collectively stable.

    ``w >= max((T-R)/(T-P), (T-R)/(R-S))``; 2/3 for 3, 0, 5, 1 (MODELS.md AXEL-4).

    References
    ----------
    Axelrod, R. (1984). *The Evolution of Cooperation*, ch. 3, Proposition 2 [R].
    """
    if not (game.T > game.P and game.R > game.S):
        raise ParameterError("payoffs", game.as_tuple(), "needs T > P and R > S")
    R, S, T, P = (Fraction(x) for x in game.as_tuple())
    return float(max((T - R) / (T - P), (T - R) / (R - S)))


def _pair(field: str, value: float | tuple[float, float] | list[float]) -> tuple[float, float]:
    if isinstance(value, tuple | list):
        if len(value) != 2:
            raise ParameterError(field, value, "must be one rate or a pair (player 1, player 2)")
        return (require_probability(field, value[0]), require_probability(field, value[1]))
    v = require_probability(field, value)
    return (v, v)


@dataclass(frozen=True, init=False)
class Noise:
    """Implementation and perception error rates, one pair (player 1, player 2) each.

    ``Noise(0.01)`` is 1% implementation error for both players;
    ``Noise(perception=(0.05, 0.0))`` lets only player 1 misread player 2's moves.
    """

    implementation: tuple[float, float]
    perception: tuple[float, float]

    def __init__(
        self,
        implementation: float | tuple[float, float] = 0.0,
        perception: float | tuple[float, float] = 0.0,
    ) -> None:
        object.__setattr__(self, "implementation", _pair("implementation_noise", implementation))
        object.__setattr__(self, "perception", _pair("perception_noise", perception))

    @property
    def is_zero(self) -> bool:
        """True when neither kind of error can happen."""
        return max(*self.implementation, *self.perception) == 0.0

    def swapped(self) -> Noise:
        """The same noise seen with the players' seats exchanged."""
        return Noise(self.implementation[::-1], self.perception[::-1])

    def to_dict(self) -> dict[str, list[float]]:
        """Return the rates as a plain dict."""
        return {"implementation": list(self.implementation), "perception": list(self.perception)}
