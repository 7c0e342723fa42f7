"""Playing matches: many at once, each from its own random stream.

A batch of matches is a set of rows; the moves are int8 arrays of shape
(matches, turns) with C = 0 and D = 1. Library strategies run in one compiled loop
over all rows (threads split the rows; a row's result depends only on the seed and
its match index). Strategies from outside the library (for example axelrod players,
see :mod:`herz.models.ipd.interop`) run turn by turn in Python, vectorised over the
matches of one pairing, reading the same random streams: a library strategy plays
the same moves on either path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numba
import numpy as np
from numpy.typing import NDArray

from herz.errors import ParameterError
from herz.models.ipd import _kernel as K
from herz.models.ipd.game import PRISONERS_DILEMMA, Noise, StageGame
from herz.models.ipd.strategies import Classifier, Strategy, parse_strategy
from herz.rng import RngLike, as_seed_sequence, child_seed

__all__ = [
    "Batch",
    "ExternalStrategy",
    "MatchResult",
    "PlayerLike",
    "match_seed",
    "play_batch",
    "play_indexed",
    "play_match",
]

#: Longest match played under a continuation probability (longer draws are cut here).
MAX_TURNS = 100_000


@runtime_checkable
class ExternalStrategy(Protocol):
    """A strategy that is not an automaton of the library, played turn by turn.

    ``start(n, seeds)`` returns a state for ``n`` matches (``seeds`` are per-match
    integers for the strategy's own random generator, if it has one); ``step``
    returns the intended moves (int8, 0 = C) of those matches at turn ``t``.
    """

    name: str
    classifier: Classifier

    def start(self, n: int, seeds: NDArray[np.int64]) -> Any:
        """State for ``n`` new matches."""
        ...

    def step(
        self,
        state: Any,
        own: NDArray[np.int8],
        own_int: NDArray[np.int8],
        opp: NDArray[np.int8],
        t: int,
        u: NDArray[np.float64],
    ) -> NDArray[np.int8]:
        """Intended moves at turn ``t`` (histories are rows, valid before column ``t``)."""
        ...


PlayerLike = Strategy | ExternalStrategy


def as_player(p: PlayerLike | str) -> PlayerLike:
    """A strategy object from a strategy, an external strategy or a name."""
    if isinstance(p, str):
        return parse_strategy(p)
    if isinstance(p, Strategy) or isinstance(p, ExternalStrategy):
        return p
    if type(p).__module__.split(".")[0] == "axelrod":  # the optional extra is installed
        from herz.models.ipd.interop import from_axelrod

        return from_axelrod(p)
    raise ParameterError(
        "strategy",
        p,
        "must be a herz Strategy, a library name, an ExternalStrategy or an axelrod Player",
    )


def match_seed(seed: int | np.random.SeedSequence, index: int) -> np.random.SeedSequence:
    """The SeedSequence of match ``index`` (what the compiled streams are keyed by)."""
    return child_seed(seed, index)


@dataclass(frozen=True)
class Batch:
    """Outcome of many matches, one row each.

    ``moves1``/``moves2`` are the moves as played, ``seen1`` what player 1 perceived
    of player 2's moves (``seen2`` the reverse), all (matches, width) int8 with C = 0,
    valid in columns below ``lengths``. ``scores`` (matches, 2) are total payoffs,
    ``cooperations`` (matches, 2) counts of cooperative moves.
    """

    indices: NDArray[np.int64]
    lengths: NDArray[np.int64]
    scores: NDArray[np.float64]
    cooperations: NDArray[np.int64]
    moves1: NDArray[np.int8] | None = None
    moves2: NDArray[np.int8] | None = None
    seen1: NDArray[np.int8] | None = None
    seen2: NDArray[np.int8] | None = None


def _check_design(turns: int, continuation: float | None) -> tuple[int, float, int]:
    if continuation is None:
        if int(turns) != turns or turns < 1:
            raise ParameterError("turns", turns, "must be a whole number >= 1")
        if turns > MAX_TURNS:
            raise ParameterError("turns", turns, f"must be <= {MAX_TURNS} (one match's length)")
        return int(turns), 0.0, int(turns)
    if not 0.0 < continuation < 1.0:
        raise ParameterError("continuation", continuation, "must lie strictly between 0 and 1")
    return 0, float(continuation), MAX_TURNS


def play_batch(
    pairs: Sequence[tuple[PlayerLike | str, PlayerLike | str]],
    *,
    rng: RngLike = None,
    first_index: int = 0,
    game: StageGame = PRISONERS_DILEMMA,
    noise: Noise | None = None,
    turns: int = 200,
    continuation: float | None = None,
    keep_histories: bool = True,
    threads: int | None = None,
) -> Batch:
    """Play match ``first_index + k`` between ``pairs[k]`` for every k.

    Either a fixed number of ``turns`` or a ``continuation`` probability per round
    (a match then lasts 1 + Geometric turns, drawn from its own stream). ``threads``
    caps the compiler's worker threads; results do not depend on it.
    """
    players: list[PlayerLike] = []
    where: dict[int, int] = {}
    idx = np.empty((len(pairs), 2), dtype=np.int64)
    for k, pair in enumerate(pairs):
        for seat, p in enumerate(pair):
            key = id(p)
            if key not in where:
                where[key] = len(players)
                players.append(as_player(p))
            idx[k, seat] = where[key]
    return play_indexed(
        players,
        idx[:, 0],
        idx[:, 1],
        rng=rng,
        first_index=first_index,
        game=game,
        noise=noise,
        turns=turns,
        continuation=continuation,
        keep_histories=keep_histories,
        threads=threads,
    )


def play_indexed(
    players: Sequence[PlayerLike],
    first: NDArray[np.int64],
    second: NDArray[np.int64],
    *,
    rng: RngLike = None,
    first_index: int = 0,
    game: StageGame = PRISONERS_DILEMMA,
    noise: Noise | None = None,
    turns: int = 200,
    continuation: float | None = None,
    keep_histories: bool = True,
    threads: int | None = None,
) -> Batch:
    """Like :func:`play_batch`; match k is ``players[first[k]]`` against ``players[second[k]]``."""
    noise = Noise() if noise is None else noise
    fixed, cont, cap = _check_design(turns, continuation)
    ss = as_seed_sequence(rng)
    prefix = K.entropy_prefix(ss)
    first = np.asarray(first, dtype=np.int64)
    second = np.asarray(second, dtype=np.int64)
    n = first.shape[0]
    if all(isinstance(p, Strategy) for p in players):
        codes_t = np.array([p.code for p in players], dtype=np.int64)  # type: ignore[union-attr]
        params_t = np.array([p.parameters(game) for p in players])  # type: ignore[union-attr]
        codes = np.stack([codes_t[first], codes_t[second]], axis=1)
        params = np.ascontiguousarray(np.stack([params_t[first], params_t[second]], axis=1))
        return _run_compiled(
            codes,
            params,
            prefix,
            first_index,
            game,
            noise,
            fixed,
            cont,
            cap,
            keep_histories,
            threads,
        )
    # Mixed batch: group rows by pairing and play each group turn by turn.
    groups: dict[tuple[int, int], list[int]] = {}
    for k in range(n):
        groups.setdefault((int(first[k]), int(second[k])), []).append(k)
    parts = []
    for (i, j), rows in groups.items():
        ids = np.asarray(rows, dtype=np.int64) + first_index
        parts.append(
            (rows, _play_python(players[i], players[j], ids, prefix, game, noise, fixed, cont, cap))
        )
    width = max(int(p.lengths.max()) for _, p in parts) if n else 0
    out = Batch(
        indices=np.arange(first_index, first_index + n, dtype=np.int64),
        lengths=np.zeros(n, dtype=np.int64),
        scores=np.zeros((n, 2)),
        cooperations=np.zeros((n, 2), dtype=np.int64),
        moves1=np.zeros((n, width), dtype=np.int8),
        moves2=np.zeros((n, width), dtype=np.int8),
        seen1=np.zeros((n, width), dtype=np.int8),
        seen2=np.zeros((n, width), dtype=np.int8),
    )
    for rows, part in parts:
        r = np.asarray(rows)
        out.lengths[r] = part.lengths
        out.scores[r] = part.scores
        out.cooperations[r] = part.cooperations
        w = part.moves1.shape[1]  # type: ignore[union-attr]
        for name in ("moves1", "moves2", "seen1", "seen2"):
            getattr(out, name)[r, :w] = getattr(part, name)
    if not keep_histories:
        return Batch(out.indices, out.lengths, out.scores, out.cooperations)
    return out


def _noise_row(noise: Noise) -> NDArray[np.float64]:
    return np.array([*noise.implementation, *noise.perception], dtype=float)


def _run_compiled(
    codes: NDArray[np.int64],
    params: NDArray[np.float64],
    prefix: NDArray[np.uint32],
    first_index: int,
    game: StageGame,
    noise: Noise,
    fixed: int,
    cont: float,
    cap: int,
    keep: bool,
    threads: int | None,
) -> Batch:
    n = codes.shape[0]
    lengths = K.match_lengths(prefix, int(first_index), int(n), int(fixed), cont, int(cap))
    width = (int(lengths.max()) if n else 0) if keep else 0
    moves1 = np.zeros((n, width), dtype=np.int8)
    moves2 = np.zeros((n, width), dtype=np.int8)
    seen1 = np.zeros((n, width), dtype=np.int8)
    seen2 = np.zeros((n, width), dtype=np.int8)
    scores = np.zeros((n, 2))
    coops = np.zeros((n, 2), dtype=np.int64)
    noise_rows = np.broadcast_to(_noise_row(noise), (n, 4)).copy()
    payoffs = np.array(game.as_tuple(), dtype=float)
    old = numba.get_num_threads()
    if threads is not None:
        numba.set_num_threads(
            max(1, min(int(threads), int(getattr(numba.config, "NUMBA_NUM_THREADS", 1))))
        )
    try:
        K.play_batch(
            prefix,
            int(first_index),
            codes,
            params,
            noise_rows,
            payoffs,
            lengths,
            moves1,
            moves2,
            seen1,
            seen2,
            scores,
            coops,
        )
    finally:
        numba.set_num_threads(old)
    idx = np.arange(first_index, first_index + n, dtype=np.int64)
    if not keep:
        return Batch(idx, lengths, scores, coops)
    return Batch(idx, lengths, scores, coops, moves1, moves2, seen1, seen2)


class _CompiledSeat:
    """A library automaton driven turn by turn (for batches with external strategies)."""

    def __init__(self, strategy: Strategy, game: StageGame, n: int) -> None:
        self.code = strategy.code
        self.params = np.broadcast_to(strategy.parameters(game), (n, K.PARAM_SLOTS)).copy()
        self.states = np.zeros((n, K.STATE_SLOTS), dtype=np.int64)
        self.out = np.zeros(n, dtype=np.int8)

    def step(
        self,
        own: NDArray[np.int8],
        own_int: NDArray[np.int8],
        opp: NDArray[np.int8],
        t: int,
        u: NDArray[np.float64],
    ) -> NDArray[np.int8]:
        K.step_many(
            int(self.code),
            self.params,
            self.states,
            own,
            own_int,
            opp,
            int(t),
            np.ascontiguousarray(u),
            self.out,
        )
        return self.out.copy()


class _ExternalSeat:
    def __init__(self, strategy: ExternalStrategy, n: int, seeds: NDArray[np.int64]) -> None:
        self.strategy = strategy
        self.state = strategy.start(n, seeds)

    def step(
        self,
        own: NDArray[np.int8],
        own_int: NDArray[np.int8],
        opp: NDArray[np.int8],
        t: int,
        u: NDArray[np.float64],
    ) -> NDArray[np.int8]:
        out = np.asarray(self.strategy.step(self.state, own, own_int, opp, t, u), dtype=np.int8)
        if out.shape != (own.shape[0],) or np.any((out != 0) & (out != 1)):
            raise ParameterError(
                "strategy", self.strategy.name, "step must return one 0/1 per match"
            )
        return out


def _play_python(
    a: PlayerLike,
    b: PlayerLike,
    indices: NDArray[np.int64],
    prefix: NDArray[np.uint32],
    game: StageGame,
    noise: Noise,
    fixed: int,
    cont: float,
    cap: int,
) -> Batch:
    n = indices.shape[0]
    lengths = np.empty(n, dtype=np.int64)
    streams = K.init_streams(prefix, indices, int(fixed), cont, int(cap), lengths)
    width = int(lengths.max())
    # Seeds for external strategies' own generators: from the match key, not the stream.
    seeds = np.array(
        [int(K.match_key(prefix, int(i))[1] >> np.uint64(33)) for i in indices], dtype=np.int64
    )
    seats: list[_CompiledSeat | _ExternalSeat] = []
    for s in (a, b):
        if isinstance(s, Strategy):
            seats.append(_CompiledSeat(s, game, n))
        else:
            seats.append(_ExternalSeat(s, n, seeds))
    moves = [np.zeros((n, width), dtype=np.int8) for _ in range(2)]
    intended = [np.zeros((n, width), dtype=np.int8) for _ in range(2)]
    seen = [np.zeros((n, width), dtype=np.int8) for _ in range(2)]
    u = np.empty((n, K.DRAWS_PER_TURN))
    e = noise.implementation
    f = noise.perception
    for t in range(width):
        K.draw_turn(prefix, 0, streams, u)
        i1 = seats[0].step(moves[0], intended[0], seen[0], t, u[:, 0])
        i2 = seats[1].step(moves[1], intended[1], seen[1], t, u[:, 1])
        intended[0][:, t] = i1
        intended[1][:, t] = i2
        a1 = i1 ^ (u[:, 2] < e[0]).astype(np.int8)
        a2 = i2 ^ (u[:, 3] < e[1]).astype(np.int8)
        moves[0][:, t] = a1
        moves[1][:, t] = a2
        seen[0][:, t] = a2 ^ (u[:, 4] < f[0]).astype(np.int8)
        seen[1][:, t] = a1 ^ (u[:, 5] < f[1]).astype(np.int8)
    mask = np.arange(width)[None, :] < lengths[:, None]
    pay = np.array(game.as_tuple())
    m1, m2 = moves[0].astype(np.int64), moves[1].astype(np.int64)
    scores = np.stack([(pay[2 * m1 + m2] * mask).sum(1), (pay[2 * m2 + m1] * mask).sum(1)], axis=1)
    coops = np.stack([((1 - m1) * mask).sum(1), ((1 - m2) * mask).sum(1)], axis=1)
    for arr in (*moves, *seen):
        arr[~mask] = 0
    return Batch(indices, lengths, scores, coops, moves[0], moves[1], seen[0], seen[1])


@dataclass(frozen=True)
class MatchResult:
    """One match: moves as played and as perceived, scores, and how it was made."""

    players: tuple[str, str]
    moves: NDArray[np.int8]
    seen: NDArray[np.int8]
    scores: tuple[float, float]
    game: StageGame
    noise: Noise
    seed_entropy: int | tuple[int, ...] | None
    index: int
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def turns(self) -> int:
        """Number of rounds played."""
        return int(self.moves.shape[1])

    @property
    def score_per_turn(self) -> tuple[float, float]:
        """Mean payoff per round of each player."""
        return (self.scores[0] / self.turns, self.scores[1] / self.turns)

    @property
    def cooperation(self) -> tuple[float, float]:
        """Share of rounds in which each player cooperated."""
        c = 1.0 - self.moves.mean(axis=1)
        return (float(c[0]), float(c[1]))

    @property
    def outcome_shares(self) -> dict[str, float]:
        """Share of rounds ending CC, CD, DC, DD (player 1's view)."""
        states = 2 * self.moves[0].astype(int) + self.moves[1]
        counts = np.bincount(states, minlength=4) / max(1, self.turns)
        return dict(zip(("CC", "CD", "DC", "DD"), map(float, counts), strict=True))

    def moves_text(self) -> tuple[str, str]:
        """The moves as two strings of C and D."""
        return tuple("".join("CD"[x] for x in row) for row in self.moves)  # type: ignore[return-value]

    def to_dict(self) -> dict[str, Any]:
        """Plain summary for JSON output."""
        m1, m2 = self.moves_text()
        return {
            "players": list(self.players),
            "turns": self.turns,
            "scores": list(self.scores),
            "score_per_turn": list(self.score_per_turn),
            "cooperation": list(self.cooperation),
            "outcomes": self.outcome_shares,
            "moves": [m1, m2],
            "misperceived": [
                int((self.seen[0] != self.moves[1]).sum()),
                int((self.seen[1] != self.moves[0]).sum()),
            ],
            "payoffs": list(self.game.as_tuple()),
            "noise": self.noise.to_dict(),
            "seed": self.seed_entropy,
            "index": self.index,
        }


def play_match(
    player1: PlayerLike | str,
    player2: PlayerLike | str,
    *,
    turns: int = 200,
    continuation: float | None = None,
    game: StageGame = PRISONERS_DILEMMA,
    noise: Noise | None = None,
    rng: RngLike = None,
    index: int = 0,
) -> MatchResult:
    """Play one match; it is match ``index`` of ``rng`` (a tournament's match is replayable).

    References
    ----------
    Axelrod, R. (1984). *The Evolution of Cooperation*. New York: Basic Books.
    """
    p1, p2 = as_player(player1), as_player(player2)
    noise = Noise() if noise is None else noise
    ss = as_seed_sequence(rng)
    b = play_batch(
        [(p1, p2)],
        rng=ss,
        first_index=index,
        game=game,
        noise=noise,
        turns=turns,
        continuation=continuation,
    )
    length = int(b.lengths[0])
    assert (
        b.moves1 is not None
        and b.moves2 is not None
        and b.seen1 is not None
        and b.seen2 is not None
    )
    moves = np.stack([b.moves1[0, :length], b.moves2[0, :length]])
    seen = np.stack([b.seen1[0, :length], b.seen2[0, :length]])
    entropy = ss.entropy if isinstance(ss.entropy, int) else tuple(ss.entropy)  # type: ignore[arg-type]
    return MatchResult(
        (p1.name, p2.name),
        moves,
        seen,
        (float(b.scores[0, 0]), float(b.scores[0, 1])),
        game,
        noise,
        entropy,
        index,
    )
