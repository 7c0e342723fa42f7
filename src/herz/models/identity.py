"""Identity as a payoff transformation: how enmity and friendship change the game.

A state with identification weight lambda in [-1, 1] values its own payoff plus
lambda times the other's: U_i = pi_i + lambda*pi_j (lambda < 0 enemy, lambda near
0 rival, lambda > 0 friend). For the symmetric 2x2 game (R, S, T, P) this gives

    R' = (1 + lambda)*R,  T' = T + lambda*S,  S' = S + lambda*T,  P' = (1 + lambda)*P

In a prisoner's dilemma R' >= T' iff lambda >= (T - R)/(R - S) and S' >= P' iff
lambda >= (P - S)/(T - P): below both thresholds the game is still a PD, above
both it is harmony, and between them it is chicken when (P - S)/(T - P) is the
lower threshold and a stag hunt otherwise. :func:`identity_bands` finds every
lambda in [-1, 1] where the class changes, for any payoffs.

Status: a herz formalisation [D] (herz MODELS.md sec. 7.5); reading Wendt's
Hobbesian, Lockean and Kantian cultures as regions of lambda is [R].

References
----------
Wendt, A. (1992). Anarchy is what states make of it: the social construction of
power politics. *International Organization* 46(2): 391-425.
doi:10.1017/S0020818300027764.

Wendt, A. (1999). *Social Theory of International Politics*. Cambridge
University Press.

Adler, E. and Barnett, M. (eds.) (1998). *Security Communities*. Cambridge
University Press.

Booth, K. and Wheeler, N. J. (2008). *The Security Dilemma: Fear, Cooperation
and Trust in World Politics*. Basingstoke: Palgrave Macmillan.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from herz.errors import ParameterError, require_finite
from herz.models.games import Classification, GameClass, classify

__all__ = [
    "IdentityBand",
    "identity_bands",
    "identity_thresholds",
    "transform",
    "transformed_class",
]


def _lam(identity_weight: float) -> float:
    lam = require_finite("identity_weight", identity_weight)
    if not -1.0 <= lam <= 1.0:
        raise ParameterError("identity_weight", identity_weight,
                             "must be between -1 (enmity) and 1 (friendship)")
    return lam


def transform(r: float, s: float, t: float, p: float,
              identity_weight: float) -> tuple[float, float, float, float]:
    """Return (R', S', T', P') when each state adds lambda times the other's payoff.

    References
    ----------
    Wendt, A. (1992). Anarchy is what states make of it. *International
    Organization* 46(2): 391-425. Transformation: herz MODELS.md sec. 7.5 [D].
    """
    lam = _lam(identity_weight)
    r, s, t, p = (require_finite(n, x) for n, x in zip("RSTP", (r, s, t, p), strict=True))
    return ((1.0 + lam) * r, s + lam * t, t + lam * s, (1.0 + lam) * p)


def transformed_class(r: float, s: float, t: float, p: float,
                      identity_weight: float) -> Classification:
    """Class of the transformed game at identification weight lambda.

    References
    ----------
    Wendt, A. (1992). Anarchy is what states make of it. *International
    Organization* 46(2): 391-425. Transformation: herz MODELS.md sec. 7.5 [D].
    """
    return classify(*transform(r, s, t, p, identity_weight))


def identity_thresholds(r: float, s: float, t: float, p: float) -> tuple[float, float]:
    """The two thresholds (T - R)/(R - S) and (P - S)/(T - P) of a prisoner's dilemma.

    R' >= T' iff lambda >= (T - R)/(R - S); S' >= P' iff lambda >= (P - S)/(T - P).
    The first is the same expression as Tit for Tat's stability bound.

    References
    ----------
    Wendt, A. (1992). Anarchy is what states make of it. *International
    Organization* 46(2): 391-425. Thresholds: herz MODELS.md sec. 7.5 [D].
    """
    r, s, t, p = (require_finite(n, x) for n, x in zip("RSTP", (r, s, t, p), strict=True))
    if not (t > r > p > s):
        raise ParameterError("payoffs", (r, s, t, p),
                             "must be a prisoner's dilemma (T > R > P > S); use identity_bands "
                             "for other games")
    return ((t - r) / (r - s), (p - s) / (t - p))


@dataclass(frozen=True)
class IdentityBand:
    """A range of lambda over which the transformed game keeps one class."""

    low: float
    high: float
    game_class: GameClass

    def to_dict(self) -> dict[str, Any]:
        """Return the band as plain values."""
        return {"low": self.low, "high": self.high, "game": self.game_class.value}


def identity_bands(r: float, s: float, t: float, p: float) -> tuple[IdentityBand, ...]:
    """The classes of the transformed game as lambda moves from -1 (enmity) to 1 (friendship).

    Every pairwise difference of (R', S', T', P') is linear in lambda; the class
    can change only where one of them is zero. The bands are the intervals
    between those roots, each with the class at its midpoint; adjacent bands of
    the same class are merged, so band edges are exactly the thresholds at
    which the game changes class. (At lambda = -1, R' = P' = 0: a boundary.)

    References
    ----------
    Wendt, A. (1992). Anarchy is what states make of it. *International
    Organization* 46(2): 391-425. Classification by band: herz MODELS.md
    sec. 7.5 [D].
    """
    r, s, t, p = (require_finite(n, x) for n, x in zip("RSTP", (r, s, t, p), strict=True))
    # coefficients (a, b) of each payoff a + b*lambda
    lin = {"R": (r, r), "S": (s, t), "T": (t, s), "P": (p, p)}
    roots = {-1.0, 1.0}
    for (a1, b1), (a2, b2) in itertools.combinations(lin.values(), 2):
        da, db = a1 - a2, b1 - b2
        if db != 0.0:
            lam = -da / db
            if -1.0 < lam < 1.0:
                roots.add(lam)
    edges = sorted(roots)
    bands: list[IdentityBand] = []
    for lo, hi in itertools.pairwise(edges):
        cls = transformed_class(r, s, t, p, (lo + hi) / 2.0).game_class
        if bands and bands[-1].game_class is cls:
            bands[-1] = IdentityBand(bands[-1].low, hi, cls)
        else:
            bands.append(IdentityBand(lo, hi, cls))
    return tuple(bands)
