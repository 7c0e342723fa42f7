"""Exact long-run payoffs of two memory-one strategies under noise (MODELS.md 4.4).

The state is the last round's outcome from player 1's view, ordered CC, CD, DC, DD.
Player 1 cooperates after state s with probability ``p[s]``; player 2 sees the same
round with CD and DC swapped, so it reads its vector in the order CC, DC, CD, DD.

Noise enters in two steps. Perception error ``f``: a player reacts to the last round
with the opponent's move misread with probability f, so its cooperation probability
after state (own a, other b) is ``(1 - f) * p[a, b] + f * p[a, not b]`` (a
memory-one strategy reacts only to the last round, and each round's misreading is
independent, so the moves as played still form a four-state Markov chain).
Implementation error ``e``: the intended move flips with probability e,
``p~ = (1 - e) * p + e * (1 - p)``. The two players' moves are drawn independently.

With both error rates of a player in (0, 1) where it matters, the chain is
ergodic: the stationary distribution v solves ``v (Q - I) = 0``, ``sum v = 1``, and
player 1's long-run payoff per round is ``v . (R, S, T, P)`` (player 2's
``v . (R, T, S, P)``). Where the chain has several closed classes (no noise), the
long-run average depends on the opening: herz then returns the Cesàro average
from the first-round distribution. With a continuation probability w the expected
total payoff of a match is ``v0 (I - w Q)^-1 . payoff``, where v0 is the first
round's distribution.

References
----------
Nowak, M. and Sigmund, K. (1990). The evolution of stochastic strategies in the
prisoner's dilemma. *Acta Applicandae Mathematicae* 20: 247-265.

Molander, P. (1985). The optimal level of generosity in a selfish, uncertain
environment. *Journal of Conflict Resolution* 29(4): 611-618.
doi:10.1177/0022002785029004004.

Kemeny, J. G. and Snell, J. L. (1960). *Finite Markov Chains*. Princeton: Van
Nostrand (stationary distributions, Cesàro limits, fundamental matrix).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import NDArray

from herz.errors import ParameterError, require_probability
from herz.models.ipd.game import PRISONERS_DILEMMA, Noise, StageGame
from herz.models.ipd.strategies import Strategy, parse_strategy

__all__ = [
    "ExpectedPayoffs",
    "StationaryResult",
    "expected_payoffs",
    "four_vector",
    "stationary",
    "stationary_exact",
    "transition_matrix",
]

STATES = ("CC", "CD", "DC", "DD")
_SWAP = (0, 2, 1, 3)  # player 2's view of player 1's state index

MemoryOneLike = Strategy | str | Sequence[float]


def four_vector(
    s: MemoryOneLike, game: StageGame = PRISONERS_DILEMMA
) -> tuple[tuple[float, ...], float]:
    """``((p_cc, p_cd, p_dc, p_dd), first)`` of a memory-one strategy, name or 4 or 5 numbers."""
    if isinstance(s, str):
        s = parse_strategy(s)
    if isinstance(s, Strategy):
        return s.four_vector(game), s.first_move(game)
    vals = [v if isinstance(v, Fraction) else float(v) for v in s]
    if len(vals) not in (4, 5):
        raise ParameterError("strategy", s, "must be 4 probabilities (or 5 with the first move)")
    for v in vals:
        require_probability("strategy", float(v))
    first = vals[4] if len(vals) == 5 else 1.0
    return tuple(vals[:4]), first


def _effective(p: Sequence[Any], e: Any, f: Any, player: int) -> list[Any]:
    """Cooperation probability of a player after each state (player 1's view)."""
    out = []
    for s in range(4):
        a1, a2 = divmod(s, 2)
        own, other = (a1, a2) if player == 1 else (a2, a1)
        seen_right = p[2 * own + other]
        seen_wrong = p[2 * own + (1 - other)]
        x = (1 - f) * seen_right + f * seen_wrong
        out.append((1 - e) * x + e * (1 - x))
    return out


def transition_matrix(
    p1: MemoryOneLike,
    p2: MemoryOneLike,
    noise: Noise | None = None,
    game: StageGame = PRISONERS_DILEMMA,
) -> NDArray[np.float64]:
    """The 4x4 matrix Q[s, s'] of the chain on outcomes CC, CD, DC, DD (player 1's view)."""
    noise = Noise() if noise is None else noise
    v1, _ = four_vector(p1, game)
    v2, _ = four_vector(p2, game)
    return np.array(_matrix([float(x) for x in v1], [float(x) for x in v2], noise), dtype=float)


def _matrix(
    v1: Sequence[Any], v2: Sequence[Any], noise: Noise | tuple[Any, Any, Any, Any]
) -> list[list[Any]]:
    if isinstance(noise, Noise):
        e1, e2 = noise.implementation
        f1, f2 = noise.perception
    else:
        e1, e2, f1, f2 = noise
    c1 = _effective(v1, e1, f1, 1)
    c2 = _effective(v2, e2, f2, 2)
    q = []
    for s in range(4):
        x, y = c1[s], c2[s]
        q.append([x * y, x * (1 - y), (1 - x) * y, (1 - x) * (1 - y)])
    return q


def _first_round(first1: Any, first2: Any, e1: Any, e2: Any) -> list[Any]:
    x = (1 - e1) * first1 + e1 * (1 - first1)
    y = (1 - e2) * first2 + e2 * (1 - first2)
    return [x * y, x * (1 - y), (1 - x) * y, (1 - x) * (1 - y)]


@dataclass(frozen=True)
class StationaryResult:
    """Long-run distribution over CC, CD, DC, DD (player 1's view) and payoffs per round."""

    distribution: NDArray[np.float64]
    payoff1: float
    payoff2: float
    method: str
    game: StageGame
    noise: Noise
    vectors: tuple[tuple[float, ...], tuple[float, ...]]
    exact: tuple[Fraction, ...] | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def cooperation(self) -> tuple[float, float]:
        """Long-run share of rounds in which each player cooperates."""
        d = self.distribution
        return (float(d[0] + d[1]), float(d[0] + d[2]))

    def to_dict(self) -> dict[str, Any]:
        """Plain summary for JSON output."""
        out: dict[str, Any] = {
            "distribution": [float(x) for x in self.distribution],
            "states": list(STATES),
            "payoff1": self.payoff1,
            "payoff2": self.payoff2,
            "cooperation": list(self.cooperation),
            "method": self.method,
            "payoffs": list(self.game.as_tuple()),
            "noise": self.noise.to_dict(),
            "p1": [float(x) for x in self.vectors[0]],
            "p2": [float(x) for x in self.vectors[1]],
            "notes": list(self.notes),
        }
        if self.exact is not None:
            out["exact_distribution"] = [str(x) for x in self.exact]
        return out


def stationary(
    p1: MemoryOneLike,
    p2: MemoryOneLike,
    noise: Noise | None = None,
    game: StageGame = PRISONERS_DILEMMA,
    *,
    exact: bool = False,
) -> StationaryResult:
    """Long-run outcome distribution and payoffs per round of two memory-one strategies.

    Solves ``v (Q - I) = 0`` with ``sum v = 1`` when the chain has a single closed
    class; otherwise (e.g. no noise) returns the Cesàro average of the chain started
    from the first-round distribution, and says so in ``method``. With ``exact`` the
    ergodic case is also solved in rational arithmetic (floats are taken at their
    exact binary value; pass :class:`fractions.Fraction` entries for exact decimals).

    References
    ----------
    Nowak, M. and Sigmund, K. (1990). *Acta Applicandae Mathematicae* 20: 247-265.
    """
    noise = Noise() if noise is None else noise
    v1, first1 = four_vector(p1, game)
    v2, first2 = four_vector(p2, game)
    q = np.array(_matrix([float(x) for x in v1], [float(x) for x in v2], noise), dtype=float)
    a = np.vstack([(q - np.eye(4)).T, np.ones(4)])
    rank = np.linalg.matrix_rank(a[:4], tol=1e-12)
    notes: list[str] = []
    fractions: tuple[Fraction, ...] | None = None
    if rank == 3 and _single_closed_class(q):
        b = np.zeros(5)
        b[4] = 1.0
        dist = np.linalg.lstsq(a, b, rcond=None)[0]
        dist = np.clip(dist, 0.0, None)
        dist /= dist.sum()
        method = "stationary distribution (unique): v (Q - I) = 0, sum v = 1"
        if exact:
            fractions = stationary_exact(v1, v2, noise)
    else:
        v0 = np.array(_first_round(float(first1), float(first2), *noise.implementation))
        dist = _cesaro(v0, q)
        method = "Cesàro average from the first round (the chain has several closed classes)"
        notes.append(
            "the long-run outcome depends on the opening moves: no unique stationary distribution"
        )
        if exact:
            notes.append("no exact answer: exact arithmetic needs a unique stationary distribution")
    pay1 = float(dist @ game.vector(1))
    pay2 = float(dist @ game.vector(2))
    return StationaryResult(
        dist,
        pay1,
        pay2,
        method,
        game,
        noise,
        (tuple(map(float, v1)), tuple(map(float, v2))),
        fractions,
        tuple(notes),
    )


def _single_closed_class(q: NDArray[np.float64]) -> bool:
    """True when the chain has exactly one closed communicating class."""
    reach = (q > 0).astype(int) + np.eye(4, dtype=int)
    for _ in range(3):
        reach = ((reach @ reach) > 0).astype(int)
    closed = []
    for s in range(4):
        cls = frozenset(np.flatnonzero(reach[s] & reach[:, s]))
        if all(reach[t][u] == 0 or u in cls for t in cls for u in range(4)):
            closed.append(cls)
    return len(set(closed)) == 1


def _cesaro(
    v0: NDArray[np.float64], q: NDArray[np.float64], doublings: int = 40
) -> NDArray[np.float64]:
    """(1/N) sum_{t<N} v0 Q^t for N = 2**doublings (error below 4/N)."""
    total = np.eye(4)  # sum_{t<n} Q^t
    power = q.copy()  # Q^n
    for _ in range(doublings):
        total = total + total @ power
        power = power @ power
    out = v0 @ total / 2.0**doublings
    return np.asarray(out / out.sum())


def stationary_exact(
    v1: Sequence[Any],
    v2: Sequence[Any],
    noise: Noise | tuple[Any, Any, Any, Any],
) -> tuple[Fraction, ...]:
    """The stationary distribution in rational arithmetic (unique-case only).

    ``noise`` may be a :class:`Noise` or ``(e1, e2, f1, f2)`` given as Fractions.
    """
    fv1 = [Fraction(x) for x in v1]
    fv2 = [Fraction(x) for x in v2]
    if isinstance(noise, Noise):
        nz = (*map(Fraction, noise.implementation), *map(Fraction, noise.perception))
    else:
        nz = tuple(Fraction(x) for x in noise)
    q = _matrix(fv1, fv2, nz)  # type: ignore[arg-type]
    # Equations: sum_s v_s (Q[s][t] - [s == t]) = 0 for t = 0..2, and sum v = 1.
    rows = [[q[s][t] - (1 if s == t else 0) for s in range(4)] + [Fraction(0)] for t in range(3)]
    rows.append([Fraction(1)] * 4 + [Fraction(1)])
    return tuple(_solve_fraction(rows))


def _solve_fraction(rows: list[list[Fraction]]) -> list[Fraction]:
    n = len(rows)
    m = [r[:] for r in rows]
    for col in range(n):
        piv = next((r for r in range(col, n) if m[r][col] != 0), None)
        if piv is None:
            raise ParameterError(
                "strategies", "memory-one pair", "singular chain: no unique stationary distribution"
            )
        m[col], m[piv] = m[piv], m[col]
        pv = m[col][col]
        m[col] = [x / pv for x in m[col]]
        for r in range(n):
            if r != col and m[r][col] != 0:
                factor = m[r][col]
                m[r] = [a - factor * b for a, b in zip(m[r], m[col], strict=True)]
    return [m[r][n] for r in range(n)]


@dataclass(frozen=True)
class ExpectedPayoffs:
    """Expected payoffs of a match that continues after each round with probability w."""

    total1: float
    total2: float
    per_round1: float
    per_round2: float
    expected_rounds: float
    continuation: float
    discounted_distribution: NDArray[np.float64]

    def to_dict(self) -> dict[str, Any]:
        """Plain summary for JSON output."""
        return {
            "total1": self.total1,
            "total2": self.total2,
            "per_round1": self.per_round1,
            "per_round2": self.per_round2,
            "expected_rounds": self.expected_rounds,
            "continuation": self.continuation,
            "distribution": [float(x) for x in self.discounted_distribution],
        }


def expected_payoffs(
    p1: MemoryOneLike,
    p2: MemoryOneLike,
    continuation: float,
    noise: Noise | None = None,
    game: StageGame = PRISONERS_DILEMMA,
) -> ExpectedPayoffs:
    """Expected total payoffs when another round follows with probability ``continuation``.

    ``total = v0 (I - w Q)^-1 . payoff`` with v0 the first round's distribution;
    the expected number of rounds is 1 / (1 - w) and ``per_round = total * (1 - w)``.

    References
    ----------
    Axelrod, R. (1984). *The Evolution of Cooperation*, ch. 2-3 (the shadow of the
    future w).
    """
    w = float(continuation)
    if not 0.0 <= w < 1.0:
        raise ParameterError("continuation", continuation, "must satisfy 0 <= w < 1")
    noise = Noise() if noise is None else noise
    v1, first1 = four_vector(p1, game)
    v2, first2 = four_vector(p2, game)
    q = np.array(_matrix([float(x) for x in v1], [float(x) for x in v2], noise), dtype=float)
    v0 = np.array(_first_round(float(first1), float(first2), *noise.implementation))
    occupancy = np.linalg.solve((np.eye(4) - w * q).T, v0)  # v0 (I - wQ)^-1
    t1 = float(occupancy @ game.vector(1))
    t2 = float(occupancy @ game.vector(2))
    return ExpectedPayoffs(
        t1, t2, t1 * (1 - w), t2 * (1 - w), 1.0 / (1.0 - w), w, occupancy * (1 - w)
    )
