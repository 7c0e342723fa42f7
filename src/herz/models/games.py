"""Two-player normal-form games: payoffs, the 2x2 taxonomy, Nash equilibria, thresholds.

A :class:`Game` holds the payoff matrices of the row and the column player (any
n x m). The symmetric 2x2 game of the security dilemma is written with the usual
letters, from one player's point of view with its own move first::

              C        D
    C       R, R     S, T          R  reward for mutual cooperation (Jervis's CC)
    D       T, S     P, P          S  sucker's payoff (CD), T temptation (DC),
                                   P  punishment for mutual defection (DD)

:func:`classify` names the game from the order of R, S, T and P (prisoner's
dilemma, stag hunt, chicken, deadlock, harmony and the rest of the taxonomy
below); :func:`equilibria` finds the Nash equilibria by support enumeration
(nashpy) and reports degeneracy instead of dropping it; :func:`cooperation_threshold`
gives Jervis's q*, the probability of the other cooperating above which
cooperating is a best response; :func:`risk_dominant` applies Harsanyi and
Selten's criterion.

The taxonomy [D: herz's own arrangement of standard names]. Three comparisons
fix the strategic structure of a symmetric 2x2 game: T vs R (is exploiting the
other better than reciprocating?), S vs P (is being exploited better than
mutual defection?) and R vs P (is mutual cooperation better than mutual
defection?). With C and D keeping their meaning (C = restraint):

===========  ======  ======  ======  =====================================
class        T ? R   S ? P   R ? P   orderings
===========  ======  ======  ======  =====================================
PD           T > R   P > S   R > P   T > R > P > S
deadlock     T > R   P > S   P > R   T > P > R > S, P > T > R > S
stag hunt    R > T   P > S   R > P   R > T > P > S, R > P > T > S
coordination R > T   P > S   P > R   stag hunt with DD payoff-dominant
chicken      T > R   S > P   R > P   T > R > S > P
leader       T > R   S > P   R > P   T > S > R > P
hero         T > R   S > P   R > P   S > T > R > P
anti-coord.  T > R   S > P   P > R   anti-coordination with CC worst
harmony      R > T   S > P   R > P   restraint dominant, CC best of the two
inverted PD  R > T   S > P   P > R   C dominant but DD better than CC
===========  ======  ======  ======  =====================================

Any tie among the comparisons that decide the class gives :attr:`GameClass.BOUNDARY`,
and :class:`Classification` then lists the classes that meet there.

References
----------
Rapoport, A. and Guyer, M. (1966). A taxonomy of 2 x 2 games. *General Systems*
11: 203-214.

Jervis, R. (1978). Cooperation under the security dilemma. *World Politics*
30(2): 167-214. doi:10.2307/2009958.

Harsanyi, J. C. and Selten, R. (1988). *A General Theory of Equilibrium
Selection in Games*. Cambridge, MA: MIT Press.

Knight, V. and Campbell, J. (2018). Nashpy: a Python library for the
computation of Nash equilibria. *Journal of Open Source Software* 3(30): 904.
doi:10.21105/joss.00904.

Nisan, N., Roughgarden, T., Tardos, E. and Vazirani, V. (eds.) (2007).
*Algorithmic Game Theory*, ch. 3 (von Stengel, "Equilibrium computation for
two-player games in strategic and extensive form"). Cambridge University Press.
"""

from __future__ import annotations

import enum
import itertools
import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import nashpy
import numpy as np
from numpy.typing import ArrayLike, NDArray

from herz.errors import ParameterError, require_finite

__all__ = [
    "BestResponseRegion",
    "Classification",
    "Equilibrium",
    "EquilibriumSet",
    "Game",
    "GameClass",
    "best_response_region",
    "classify",
    "classify_game",
    "cooperation_threshold",
    "equilibria",
    "from_jervis",
    "is_degenerate",
    "is_mutual_best_response",
    "repeated_cooperation_threshold",
    "risk_dominant",
    "symmetric_2x2",
]

#: Relative tolerance (to the payoff range) under which two payoffs count as tied.
TIE_RTOL = 1e-12

#: Tolerance in equilibrium checks: on probabilities, and on payoff differences
#: relative to each player's payoff range (max - min), so that the equilibria of
#: a game do not change when its payoffs are multiplied by any positive number.
EQ_TOL = 1e-9


def _payoff_scale(payoff: NDArray[np.float64]) -> float:
    """The range (max - min) of a payoff matrix; 1 for a constant one.

    Best responses depend only on payoff differences, so tolerances on them are
    multiplied by this scale (they are then invariant to a*x + b with a > 0).
    """
    spread = float(np.max(payoff) - np.min(payoff))
    return spread if spread > 0.0 else 1.0


def _normalised(game: Game) -> Game:
    """The game with each player's payoffs mapped affinely onto [0, 1].

    A positive affine map of one player's payoffs leaves every best response,
    and so every Nash equilibrium and the degeneracy of the game, unchanged; on
    the normalised game absolute tolerances are relative ones.
    """
    a = (game.row - np.min(game.row)) / _payoff_scale(game.row)
    b = (game.col - np.min(game.col)) / _payoff_scale(game.col)
    return Game(a, b, game.strategies, game.name)


class GameClass(enum.StrEnum):
    """Named classes of symmetric 2x2 games (see the module docstring for the table)."""

    PRISONERS_DILEMMA = "prisoner's dilemma"
    DEADLOCK = "deadlock"
    STAG_HUNT = "stag hunt"
    COORDINATION = "coordination (DD payoff-dominant)"
    CHICKEN = "chicken"
    LEADER = "leader"
    HERO = "hero"
    ANTI_COORDINATION = "anti-coordination (CC worst)"
    HARMONY = "harmony"
    INVERTED_PD = "inverted prisoner's dilemma"
    BOUNDARY = "boundary (payoff tie)"


@dataclass(frozen=True)
class Game:
    """A two-player normal-form game: the row and the column player's payoff matrices.

    ``row[i, j]`` and ``col[i, j]`` are the payoffs of the row and the column
    player when the row player plays strategy ``i`` and the column player ``j``.
    A symmetric game has ``col == row.T``.

    References
    ----------
    Knight, V. and Campbell, J. (2018). Nashpy: a Python library for the
    computation of Nash equilibria. *JOSS* 3(30): 904. doi:10.21105/joss.00904.
    """

    row: NDArray[np.float64]
    col: NDArray[np.float64]
    strategies: tuple[str, ...] = ()
    name: str = ""

    def __post_init__(self) -> None:
        a = np.array(self.row, dtype=float)
        b = np.array(self.col, dtype=float)
        if a.ndim != 2 or a.shape[0] < 1 or a.shape[1] < 1:
            raise ParameterError("row", self.row, "must be a 2-D payoff matrix")
        if b.shape != a.shape:
            raise ParameterError("col", self.col, f"must have the shape of row, {a.shape}")
        if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
            raise ParameterError("payoffs", "non-finite", "must be finite numbers")
        a.setflags(write=False)
        b.setflags(write=False)
        object.__setattr__(self, "row", a)
        object.__setattr__(self, "col", b)
        if self.strategies and len(self.strategies) != max(a.shape):
            raise ParameterError("strategies", self.strategies,
                                 f"must name {max(a.shape)} strategies")

    @property
    def shape(self) -> tuple[int, int]:
        """Return (number of row strategies, number of column strategies)."""
        return (int(self.row.shape[0]), int(self.row.shape[1]))

    @property
    def is_symmetric(self) -> bool:
        """Return True if the game is square and ``col == row.T``."""
        return self.shape[0] == self.shape[1] and bool(np.array_equal(self.col, self.row.T))

    @classmethod
    def symmetric(cls, matrix: ArrayLike, strategies: tuple[str, ...] = (), name: str = "") -> Game:
        """Return the symmetric game whose row player's payoffs are ``matrix``."""
        a = np.asarray(matrix, dtype=float)
        if a.ndim != 2 or a.shape[0] != a.shape[1]:
            raise ParameterError("matrix", matrix, "must be a square payoff matrix")
        return cls(a, a.T.copy(), strategies, name)

    def swap_players(self) -> Game:
        """Return the same game with the roles of row and column player exchanged."""
        return Game(self.col.T.copy(), self.row.T.copy(), self.strategies, self.name)

    def permute(self, row_order: ArrayLike, col_order: ArrayLike) -> Game:
        """Return the game with strategies relabelled: new strategy i is old ``order[i]``."""
        r = np.asarray(row_order, dtype=int)
        c = np.asarray(col_order, dtype=int)
        if sorted(r.tolist()) != list(range(self.shape[0])):
            raise ParameterError("row_order", row_order, "must be a permutation of the rows")
        if sorted(c.tolist()) != list(range(self.shape[1])):
            raise ParameterError("col_order", col_order, "must be a permutation of the columns")
        return Game(self.row[np.ix_(r, c)], self.col[np.ix_(r, c)], (), self.name)

    def rstp(self) -> tuple[float, float, float, float]:
        """Return (R, S, T, P) of a symmetric 2x2 game, strategy 0 read as C."""
        if self.shape != (2, 2) or not self.is_symmetric:
            raise ParameterError("game", self.shape, "must be a symmetric 2x2 game")
        a = self.row
        return (float(a[0, 0]), float(a[0, 1]), float(a[1, 0]), float(a[1, 1]))

    def to_dict(self) -> dict[str, Any]:
        """Return the game as plain lists."""
        return {"row": self.row.tolist(), "col": self.col.tolist(),
                "strategies": list(self.strategies), "name": self.name}


def _check_rstp(r: float, s: float, t: float, p: float) -> tuple[float, float, float, float]:
    return (require_finite("R", r), require_finite("S", s), require_finite("T", t),
            require_finite("P", p))


def symmetric_2x2(r: float, s: float, t: float, p: float, name: str = "") -> Game:
    """Return the symmetric 2x2 game with reward R, sucker S, temptation T, punishment P.

    Strategy 0 is C (cooperate, restrain), strategy 1 is D (defect, arm):
    ``row = [[R, S], [T, P]]``, ``col = row.T``.

    References
    ----------
    Rapoport, A. and Chammah, A. M. (1965). *Prisoner's Dilemma*. Ann Arbor:
    University of Michigan Press (the R, S, T, P notation).
    """
    r, s, t, p = _check_rstp(r, s, t, p)
    return Game.symmetric([[r, s], [t, p]], strategies=("C", "D"), name=name)


def from_jervis(cc: float, dc: float, dd: float, cd: float, name: str = "") -> Game:
    """Return the symmetric 2x2 game from Jervis's CC, DC, DD, CD (own move first).

    CC = R, DC = T, DD = P, CD = S.

    References
    ----------
    Jervis, R. (1978). Cooperation under the security dilemma. *World Politics*
    30(2): 167-214. doi:10.2307/2009958.
    """
    return symmetric_2x2(cc, cd, dc, dd, name=name)


# --------------------------------------------------------------------------- taxonomy


@dataclass(frozen=True)
class Classification:
    """The class of a symmetric 2x2 game and why.

    ``ordering`` is the order of R, S, T, P from best to worst (``=`` for ties);
    ``ties`` lists the tied comparisons that decide the class; ``neighbours`` the
    classes met when a tie is broken either way (empty unless ``BOUNDARY``).
    """

    game_class: GameClass
    ordering: str
    ties: tuple[str, ...] = ()
    neighbours: tuple[GameClass, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return the classification as plain values."""
        return {"game": self.game_class.value, "ordering": self.ordering, "ties": list(self.ties),
                "neighbours": [g.value for g in self.neighbours]}


def _sign(x: float, y: float, scale: float) -> int:
    d = x - y
    if abs(d) <= TIE_RTOL * scale:
        return 0
    return 1 if d > 0 else -1


def _class_from_signs(tr: int, sp: int, rp: int, rs: int, ts: int) -> GameClass:
    # tr = sign(T - R), sp = sign(S - P), rp = sign(R - P), rs = sign(R - S), ts = sign(T - S)
    if 0 in (tr, sp, rp):
        return GameClass.BOUNDARY
    if tr > 0 and sp < 0:
        return GameClass.PRISONERS_DILEMMA if rp > 0 else GameClass.DEADLOCK
    if tr < 0 and sp < 0:
        return GameClass.STAG_HUNT if rp > 0 else GameClass.COORDINATION
    if tr < 0 and sp > 0:
        return GameClass.HARMONY if rp > 0 else GameClass.INVERTED_PD
    if rp < 0:
        return GameClass.ANTI_COORDINATION
    # T > R, S > P, R > P: P is worst; order T, R, S with T > R.
    if rs == 0 or ts == 0:
        return GameClass.BOUNDARY
    if rs > 0:
        return GameClass.CHICKEN  # T > R > S > P
    return GameClass.LEADER if ts > 0 else GameClass.HERO


def _ordering(values: dict[str, float], scale: float) -> str:
    items = sorted(values.items(), key=lambda kv: -kv[1])
    out = items[0][0]
    for (_, prev), (name, val) in itertools.pairwise(items):
        out += ("=" if abs(prev - val) <= TIE_RTOL * scale else ">") + name
    return out


def classify(r: float, s: float, t: float, p: float) -> Classification:
    """Classify the symmetric 2x2 game (R, S, T, P) into the ordinal taxonomy.

    The class depends only on the order of the payoffs, so it is invariant to
    any positive affine transformation a*x + b (a > 0). Payoffs within
    ``TIE_RTOL`` times the payoff range of each other count as tied.

    References
    ----------
    Rapoport, A. and Guyer, M. (1966). A taxonomy of 2 x 2 games. *General
    Systems* 11: 203-214. Jervis, R. (1978). Cooperation under the security
    dilemma. *World Politics* 30(2): 167-214 (prisoner's dilemma and stag hunt
    orderings). The arrangement into classes is herz's own [D].
    """
    r, s, t, p = _check_rstp(r, s, t, p)
    scale = max(r, s, t, p) - min(r, s, t, p)
    signs = {
        "T?R": _sign(t, r, scale), "S?P": _sign(s, p, scale), "R?P": _sign(r, p, scale),
        "R?S": _sign(r, s, scale), "T?S": _sign(t, s, scale),
    }
    cls = _class_from_signs(*signs.values())
    ordering = _ordering({"R": r, "S": s, "T": t, "P": p}, scale)
    if cls is not GameClass.BOUNDARY:
        return Classification(cls, ordering)
    deciding = ["T?R", "S?P", "R?P"]
    if signs["T?R"] > 0 and signs["S?P"] > 0 and signs["R?P"] > 0:
        deciding += ["R?S", "T?S"]
    ties = tuple(k.replace("?", "=") for k in deciding if signs[k] == 0)
    tied = [k for k in deciding if signs[k] == 0]
    neighbours: list[GameClass] = []
    for choice in itertools.product((-1, 1), repeat=len(tied)):
        trial = dict(signs)
        trial.update(zip(tied, choice, strict=True))
        # keep the broken ties consistent with a strict order of four numbers
        g = _class_from_signs(*trial.values())
        if g is not GameClass.BOUNDARY and g not in neighbours:
            neighbours.append(g)
    return Classification(GameClass.BOUNDARY, ordering, ties, tuple(neighbours))


def classify_game(game: Game) -> Classification:
    """Classify a symmetric 2x2 :class:`Game` (strategy 0 read as C).

    References
    ----------
    Rapoport, A. and Guyer, M. (1966). A taxonomy of 2 x 2 games. *General
    Systems* 11: 203-214.
    """
    return classify(*game.rstp())


# --------------------------------------------------------------------------- thresholds


@dataclass(frozen=True)
class BestResponseRegion:
    """The probabilities q of the other cooperating for which C is a best response.

    C is a best response exactly for q in [``low``, ``high``]; ``empty`` when
    for no q in [0, 1]. ``always`` when for every q.
    """

    low: float | None
    high: float | None

    @property
    def empty(self) -> bool:
        """Return True if C is a best response for no q in [0, 1]."""
        return self.low is None

    @property
    def always(self) -> bool:
        """Return True if C is a best response for every q in [0, 1]."""
        return self.low == 0.0 and self.high == 1.0


def best_response_region(r: float, s: float, t: float, p: float) -> BestResponseRegion:
    """Return the set of q (probability the other plays C) where C is a best response.

    C is a best response iff q*R + (1-q)*S >= q*T + (1-q)*P, i.e.
    (S - P) + q*[(R - T) - (S - P)] >= 0, a linear condition in q whose solution
    set in [0, 1] is an interval: [q*, 1] in a stag hunt, [0, q_hat] in chicken,
    everything in harmony, nothing in a prisoner's dilemma.

    References
    ----------
    Jervis, R. (1978). Cooperation under the security dilemma. *World Politics*
    30(2): 167-214; the expected-value condition as in herz MODELS.md sec. 2.1 [D].
    """
    r, s, t, p = _check_rstp(r, s, t, p)
    a = s - p
    b = (r - t) - (s - p)
    tol = TIE_RTOL * (max(r, s, t, p) - min(r, s, t, p))
    # g(q) = a + b q >= 0 on [0, 1]
    g0, g1 = a, a + b
    if abs(b) <= tol:
        return BestResponseRegion(0.0, 1.0) if a >= -tol else BestResponseRegion(None, None)
    root = -a / b
    if b > 0:  # increasing: C best response for q >= root
        if g1 < -tol:
            return BestResponseRegion(None, None)
        return BestResponseRegion(min(max(root, 0.0), 1.0), 1.0)
    if g0 < -tol:  # decreasing: C best response for q <= root
        return BestResponseRegion(None, None)
    return BestResponseRegion(0.0, min(max(root, 0.0), 1.0))


def cooperation_threshold(r: float, s: float, t: float, p: float) -> float | None:
    """Jervis's q*: cooperating is a best response iff the other cooperates with prob. >= q*.

    In a stag hunt q* = (P - S) / [(R - T) + (P - S)] (in Jervis's letters
    (DD - CD) / [(CC - DC) + (DD - CD)]); 0 when C is a best response whatever
    the other does (harmony); ``None`` when no probability of the other
    cooperating makes C a best response from some q upward (prisoner's
    dilemma, deadlock, and chicken, where C is a best response only when the
    other is likely to *defect*: see :func:`best_response_region`).

    References
    ----------
    Jervis, R. (1978). Cooperation under the security dilemma. *World Politics*
    30(2): 167-214. doi:10.2307/2009958; formal condition as in herz MODELS.md
    sec. 2.1 [D]. Validation case JERV-1.
    """
    region = best_response_region(r, s, t, p)
    if region.empty or region.high != 1.0:
        return None
    return region.low


def repeated_cooperation_threshold(r: float, s: float, t: float, p: float) -> float | None:
    """Minimum continuation probability w for grim-trigger cooperation: (T - R)/(T - P).

    Mutual cooperation is a subgame-perfect equilibrium of the repeated game
    with grim trigger iff R/(1-w) >= T + w*P/(1-w), i.e. w >= (T - R)/(T - P)
    (for T > P). Returns 0 when T <= R (no temptation) and ``None`` when
    P >= T (defection can never be deterred by the threat of mutual defection).

    References
    ----------
    Friedman, J. W. (1971). A non-cooperative equilibrium for supergames.
    *Review of Economic Studies* 38(1): 1-12. doi:10.2307/2296617. Condition as
    in herz MODELS.md sec. 2.1 [D].
    """
    r, s, t, p = _check_rstp(r, s, t, p)
    if t <= r:
        return 0.0
    if p >= t:
        return None
    return (t - r) / (t - p)


# --------------------------------------------------------------------------- equilibria


@dataclass(frozen=True)
class Equilibrium:
    """One Nash equilibrium: both players' mixed strategies and their payoffs."""

    row: NDArray[np.float64]
    col: NDArray[np.float64]
    payoffs: tuple[float, float]

    @property
    def pure(self) -> bool:
        """Return True if both players play a pure strategy."""
        return bool(np.count_nonzero(self.row) == 1 and np.count_nonzero(self.col) == 1)

    @property
    def supports(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """Return the supports (strategies played with positive probability)."""
        return (tuple(int(i) for i in np.flatnonzero(self.row)),
                tuple(int(j) for j in np.flatnonzero(self.col)))

    def to_dict(self) -> dict[str, Any]:
        """Return the equilibrium as plain lists."""
        return {"row": self.row.tolist(), "col": self.col.tolist(),
                "payoffs": list(self.payoffs), "kind": "pure" if self.pure else "mixed"}


@dataclass(frozen=True)
class EquilibriumSet:
    """The Nash equilibria found, with how they were found and whether the game is degenerate.

    In a degenerate game (some mixed strategy with k strategies in its support
    has more than k pure best responses) equilibria can form continua, and
    support enumeration returns only isolated points of them; ``degenerate``
    is then True and ``notes`` say so.
    """

    equilibria: tuple[Equilibrium, ...]
    degenerate: bool
    method: str
    notes: tuple[str, ...] = field(default_factory=tuple)

    def __len__(self) -> int:
        return len(self.equilibria)

    def to_dict(self) -> dict[str, Any]:
        """Return the set as plain values."""
        return {"equilibria": [e.to_dict() for e in self.equilibria],
                "degenerate": self.degenerate, "method": self.method, "notes": list(self.notes)}


def is_mutual_best_response(
    game: Game, row: ArrayLike, col: ArrayLike, tol: float = EQ_TOL,
) -> bool:
    """Return True if ``row`` and ``col`` are best responses to each other (within ``tol``).

    ``tol`` is relative to each player's payoff range, so the answer does not
    change when the payoffs are multiplied by a positive number.

    References
    ----------
    Nash, J. (1951). Non-cooperative games. *Annals of Mathematics* 54(2):
    286-295. doi:10.2307/1969529.
    """
    x = np.asarray(row, dtype=float)
    y = np.asarray(col, dtype=float)
    u_row = game.row @ y
    u_col = game.col.T @ x
    ok_row = float(x @ u_row) >= float(u_row.max()) - tol * _payoff_scale(game.row)
    ok_col = float(y @ u_col) >= float(u_col.max()) - tol * _payoff_scale(game.col)
    return ok_row and ok_col


def is_degenerate(game: Game, tol: float = EQ_TOL) -> bool:
    """Return True if some mixed strategy with support size k has more than k best responses.

    Checked for every support of each player: a pure strategy with two tied
    best replies, or a mixed strategy on k strategies that makes the other
    player indifferent among k + 1 strategies that are all best replies (the
    least-squares solution of the indifference system is checked). The check
    runs on the game with each player's payoffs mapped onto [0, 1], so ``tol``
    is relative to the payoffs' range and the answer is scale-invariant.

    References
    ----------
    von Stengel, B. (2007). Equilibrium computation for two-player games in
    strategic and extensive form. In Nisan et al. (eds.), *Algorithmic Game
    Theory*, ch. 3, definition 3.2. Cambridge University Press.
    """
    # column player's payoffs as seen by a mixing row player: game.col (x over rows)
    g = _normalised(game)
    return _degenerate_for(g.col, tol) or _degenerate_for(g.row.T, tol)


def _degenerate_for(payoff: NDArray[np.float64], tol: float) -> bool:
    # payoff[i, j]: the responder's payoff to its strategy j when the mixer plays i,
    # already mapped onto [0, 1], so every tolerance here is relative.
    n, m = payoff.shape
    for k in range(1, n + 1):
        for support in itertools.combinations(range(n), k):
            sub = payoff[list(support), :]
            if k == 1:
                u = sub[0]
                if np.sum(u >= u.max() - tol) > 1:
                    return True
                continue
            for cols in itertools.combinations(range(m), k + 1):
                block = sub[:, list(cols)].T  # (k+1) x k: payoff of each col to each support row
                diffs = block[1:] - block[0]
                system = np.vstack([diffs, np.ones((1, k))])
                rhs = np.zeros(k + 1)
                rhs[-1] = 1.0
                x, *_ = np.linalg.lstsq(system, rhs, rcond=None)
                if np.max(np.abs(system @ x - rhs)) > tol or np.any(x <= tol):
                    continue
                u = sub.T @ x
                if np.all(u[list(cols)] >= u.max() - tol):
                    return True
    return False


#: Largest number of strategies per player for which degenerate games get the LP search.
LP_MAX_STRATEGIES = 6


def _support_lp(payoff: NDArray[np.float64], rows: tuple[int, ...],
                cols: tuple[int, ...], tol: float) -> NDArray[np.float64] | None:
    """Mixed strategy with support exactly ``cols`` making every row in ``rows`` a best reply.

    ``payoff[i, j]`` is the responder's payoff to row i against column j. Solves
    max t s.t. payoff[i] . y = u (i in rows), payoff[i] . y <= u (other i),
    y_j >= t (j in cols), y_j = 0 (j not in cols), sum y = 1.
    """
    from scipy.optimize import linprog

    n, m = payoff.shape
    # variables: y (m), u, t
    c = np.zeros(m + 2)
    c[-1] = -1.0
    a_eq: list[NDArray[np.float64]] = []
    a_ub: list[NDArray[np.float64]] = []
    b_eq: list[float] = []
    b_ub: list[float] = []
    for i in range(n):
        row = np.concatenate([payoff[i], [-1.0, 0.0]])
        (a_eq if i in rows else a_ub).append(row)
        (b_eq if i in rows else b_ub).append(0.0)
    a_eq.append(np.concatenate([np.ones(m), [0.0, 0.0]]))
    b_eq.append(1.0)
    for j in cols:
        row = np.zeros(m + 2)
        row[j], row[-1] = -1.0, 1.0
        a_ub.append(row)
        b_ub.append(0.0)
    bounds: list[tuple[float | None, float | None]] = [
        (0.0, None) if j in cols else (0.0, 0.0) for j in range(m)]
    bounds += [(None, None), (None, 1.0)]
    res = linprog(c, A_ub=np.array(a_ub) if a_ub else None, b_ub=b_ub if b_ub else None,
                  A_eq=np.array(a_eq), b_eq=b_eq, bounds=bounds, method="highs")
    if res.status != 0 or -res.fun <= tol:
        return None
    y = np.where(res.x[:m] < tol, 0.0, res.x[:m])
    return np.asarray(y / y.sum(), dtype=float)


def _lp_equilibria(game: Game, tol: float,
                   known: set[tuple[tuple[int, ...], tuple[int, ...]]]) -> list[Equilibrium]:
    n, m = game.shape
    out = []
    for k in range(1, n + 1):
        for rows in itertools.combinations(range(n), k):
            for h in range(1, m + 1):
                for cols in itertools.combinations(range(m), h):
                    if (rows, cols) in known:
                        continue
                    y = _support_lp(game.row, rows, cols, tol)
                    if y is None:
                        continue
                    x = _support_lp(game.col.T, cols, rows, tol)
                    if x is None:
                        continue
                    if is_mutual_best_response(game, x, y, tol):
                        out.append(Equilibrium(x, y, (float(x @ game.row @ y),
                                                      float(x @ game.col @ y))))
    return out


def equilibria(game: Game, tol: float = EQ_TOL) -> EquilibriumSet:
    """All Nash equilibria found by support enumeration (nashpy), checked and deduplicated.

    Everything runs on the game with each player's payoffs mapped affinely
    onto [0, 1] (the same equilibria), so ``tol`` is relative to the payoffs'
    range and the set found does not change when the payoffs are scaled.
    Each equilibrium nashpy returns is re-checked as a mutual best response
    within ``tol`` and cleaned (probabilities below ``tol`` set to zero). If the
    game is degenerate (:func:`is_degenerate`)
    the result says so: equilibria may then form continua, and nashpy's
    equal-size supports can miss them. For degenerate games (and for games where
    nashpy's exact float comparisons found an even number) with at most
    ``LP_MAX_STRATEGIES`` strategies per player, every support pair nashpy did
    not cover is then searched by linear programming, and one representative
    equilibrium (as central in its support as the LP finds) is added per
    support pair that has one; nothing is dropped silently.

    References
    ----------
    Knight, V. and Campbell, J. (2018). Nashpy: a Python library for the
    computation of Nash equilibria. *JOSS* 3(30): 904. doi:10.21105/joss.00904.
    von Stengel, B. (2007). Equilibrium computation for two-player games in
    strategic and extensive form. In Nisan et al. (eds.), *Algorithmic Game
    Theory*, ch. 3 (support enumeration, algorithm 3.4).
    """
    # Run on the game with each player's payoffs mapped onto [0, 1]: the same
    # equilibria, and every tolerance below becomes relative to the payoffs' range.
    norm = _normalised(game)
    g = nashpy.Game(norm.row, norm.col)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        raw = list(g.support_enumeration(tol=1e-13))
    nashpy_even = any("even number" in str(w.message) for w in caught)
    found: list[Equilibrium] = []
    dropped = 0
    for s1, s2 in raw:
        x = np.where(np.asarray(s1, float) < tol, 0.0, np.asarray(s1, float))
        y = np.where(np.asarray(s2, float) < tol, 0.0, np.asarray(s2, float))
        x, y = x / x.sum(), y / y.sum()
        if not is_mutual_best_response(norm, x, y, tol):
            dropped += 1
            continue
        if any(np.allclose(x, e.row, atol=1e-8) and np.allclose(y, e.col, atol=1e-8)
               for e in found):
            continue
        found.append(Equilibrium(x, y, (float(x @ game.row @ y), float(x @ game.col @ y))))
    degenerate = is_degenerate(norm, tol)
    notes: list[str] = []
    method = "support enumeration (nashpy)"
    if degenerate:
        notes.append(
            "the game is degenerate: some strategy has more best replies than its support size, "
            "so equilibria may form continua"
        )
    elif nashpy_even:
        # A nondegenerate game has an odd number of equilibria: nashpy's exact float
        # comparisons missed one, so the support pairs are searched again below.
        notes.append(f"nashpy found an even number ({len(raw)}) of equilibria in a "
                     "nondegenerate game (a numerical miss)")
    if degenerate or nashpy_even:
        if max(game.shape) <= LP_MAX_STRATEGIES:
            extra = [Equilibrium(e.row, e.col, (float(e.row @ game.row @ e.col),
                                                float(e.row @ game.col @ e.col)))
                     for e in _lp_equilibria(norm, tol, {e.supports for e in found})]
            if extra:
                notes.append(f"{len(extra)} equilibria on support pairs nashpy missed were found "
                             "by linear programming: one representative per support pair")
            found.extend(extra)
            method += " + LP search over all support pairs"
        else:
            notes.append("the game is too large for the LP search; equilibria may be missing")
    found.sort(key=lambda e: (not e.pure, tuple(-e.row), tuple(-e.col)))
    if dropped:
        notes.append(f"{dropped} candidate(s) from nashpy failed the best-response re-check")
    return EquilibriumSet(tuple(found), degenerate, method, tuple(notes))


def risk_dominant(game: Game) -> tuple[int, int] | None:
    """Return the risk-dominant one of two strict pure equilibria of a 2x2 game.

    For strict pure equilibria (i, j) and (k, l) of a 2x2 game, (i, j) risk
    dominates iff the product of the deviation losses at (i, j) exceeds that at
    (k, l) (Harsanyi and Selten's Nash-product criterion). For a symmetric stag
    hunt, CC risk-dominates iff R - T > P - S, i.e. iff q* < 1/2. Returns
    ``None`` unless the game is 2x2 with exactly two strict pure equilibria and
    the products differ.

    References
    ----------
    Harsanyi, J. C. and Selten, R. (1988). *A General Theory of Equilibrium
    Selection in Games*, sec. 3.9. Cambridge, MA: MIT Press.
    """
    if game.shape != (2, 2):
        return None
    a, b = game.row, game.col
    tol_a, tol_b = TIE_RTOL * _payoff_scale(a), TIE_RTOL * _payoff_scale(b)
    strict = []
    for i, j in itertools.product(range(2), range(2)):
        if a[i, j] - a[1 - i, j] > tol_a and b[i, j] - b[i, 1 - j] > tol_b:
            strict.append((i, j, (a[i, j] - a[1 - i, j]) * (b[i, j] - b[i, 1 - j])))
    if len(strict) != 2:
        return None
    (i1, j1, n1), (i2, j2, n2) = strict
    if math.isclose(n1, n2, rel_tol=TIE_RTOL, abs_tol=0.0):
        return None
    return (i1, j1) if n1 > n2 else (i2, j2)
