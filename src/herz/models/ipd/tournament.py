"""Round-robin tournaments with repetitions, as tidy tables.

Every pairing of the field (each strategy against itself too, as in Axelrod's
tournaments) is played ``repetitions`` times. Match ``k`` of the tournament is
pairing ``k // repetitions``, repetition ``k % repetitions``, pairings in the order
(0, 0), (0, 1), ..., (0, n-1), (1, 1), ...; its random stream is keyed by
``child_seed(seed, k)``, so results are identical for any number of threads or
chunks. A strategy's score is its mean payoff per turn against the *other*
strategies (self-play left out, as in the Axelrod library's normalised scores),
one value per repetition; confidence intervals are Student-t intervals over the
repetitions.

References
----------
Axelrod, R. (1980). Effective choice in the prisoner's dilemma. *Journal of
Conflict Resolution* 24(1): 3-25. doi:10.1177/002200278002400101.

Knight, V. et al. (2016). An open framework for the reproducible study of the
iterated prisoner's dilemma. *Journal of Open Research Software* 4(1): e35.
doi:10.5334/jors.125.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.stats
from numpy.typing import NDArray

from herz.errors import ParameterError
from herz.models.ipd.engine import (
    Batch,
    PlayerLike,
    _check_design,
    as_player,
    play_indexed,
)
from herz.models.ipd.game import PRISONERS_DILEMMA, Noise, StageGame
from herz.models.ipd.strategies import Strategy
from herz.rng import RngLike, as_seed_sequence

__all__ = ["TournamentResult", "pairings", "tournament"]

#: Matches per compiled call when a progress bar is shown.
CHUNK = 4096


def pairings(n: int) -> list[tuple[int, int]]:
    """The pairings (i, j), i <= j, of a round robin of ``n`` strategies, in match order."""
    return [(i, j) for i in range(n) for j in range(i, n)]


@dataclass(frozen=True)
class TournamentResult:
    """A finished tournament.

    The raw record is one row per match: ``rows`` (matches, 3) of player 1's index,
    player 2's index and the repetition; ``lengths``, ``scores`` (matches, 2) and
    ``cooperations`` (matches, 2). :attr:`matches` turns it into a tidy table with
    one row per match and seat: player, opponent (indices and names), repetition,
    turns, score, score_per_turn, cooperation, win (1 for the higher total, 0.5 a
    draw, 0 a loss) and the match index that replays it.
    """

    names: tuple[str, ...]
    rows: NDArray[np.int64]
    lengths: NDArray[np.int64]
    scores: NDArray[np.float64]
    cooperations: NDArray[np.int64]
    game: StageGame
    noise: Noise
    turns: int | None
    continuation: float | None
    repetitions: int
    seed_entropy: Any
    confidence: float = 0.95
    notes: tuple[str, ...] = field(default_factory=tuple)

    def _seats(self) -> dict[str, NDArray[Any]]:
        r, L, sc, co = self.rows, self.lengths, self.scores, self.cooperations
        win1 = np.where(sc[:, 0] > sc[:, 1], 1.0, np.where(sc[:, 0] < sc[:, 1], 0.0, 0.5))
        idx = np.arange(r.shape[0])
        both = np.concatenate
        return {
            "match": both([idx, idx]),
            "player": both([r[:, 0], r[:, 1]]),
            "opponent": both([r[:, 1], r[:, 0]]),
            "repetition": both([r[:, 2], r[:, 2]]),
            "turns": both([L, L]),
            "score": both([sc[:, 0], sc[:, 1]]),
            "cooperations": both([co[:, 0], co[:, 1]]),
            "win": both([win1, 1.0 - win1]),
        }

    @property
    def matches(self) -> pd.DataFrame:
        """The tidy table: one row per match and seat."""
        df = pd.DataFrame(self._seats())
        df["score_per_turn"] = df["score"] / df["turns"]
        df["cooperation"] = df["cooperations"] / df["turns"]
        names = np.asarray(self.names, dtype=object)
        df.insert(2, "player_name", names[df["player"].to_numpy()])
        df.insert(4, "opponent_name", names[df["opponent"].to_numpy()])
        return df

    def _per_rep(self, values: NDArray[np.float64]) -> NDArray[np.float64]:
        """Mean over the other strategies of a per-seat value: (strategies, repetitions)."""
        s = self._seats()
        n, reps = len(self.names), self.repetitions
        keep = s["player"] != s["opponent"]
        cell = s["player"][keep] * reps + s["repetition"][keep]
        total = np.bincount(cell, weights=values[keep], minlength=n * reps)
        return (total / max(1, n - 1)).reshape(n, reps)

    def scores_by_repetition(self) -> NDArray[np.float64]:
        """(strategies, repetitions): mean score per turn against the others."""
        s = self._seats()
        return self._per_rep(s["score"] / s["turns"])

    def summary(self, confidence: float | None = None) -> pd.DataFrame:
        """Per strategy: mean score per turn with its confidence interval, wins, cooperation.

        Sorted by mean score (rank 1 first). ``wins_per_repetition`` counts matches
        won against the other strategies (draws count 1/2).
        """
        level = self.confidence if confidence is None else confidence
        s = self._seats()
        n = len(self.names)
        per_rep = self._per_rep(s["score"] / s["turns"])
        r = per_rep.shape[1]
        mean = per_rep.mean(axis=1)
        sd = per_rep.std(axis=1, ddof=1) if r > 1 else np.full(n, np.nan)
        se = sd / np.sqrt(r)
        tq = float(scipy.stats.t.ppf(0.5 + level / 2, r - 1)) if r > 1 else np.nan
        wins = self._per_rep(s["win"]).mean(axis=1) * max(1, n - 1)
        coop = self._per_rep(s["cooperations"] / s["turns"]).mean(axis=1)
        order = np.argsort(-mean, kind="stable")
        df = pd.DataFrame(
            {
                "rank": np.arange(1, n + 1),
                "strategy": np.asarray(self.names, dtype=object)[order],
                "mean_score_per_turn": mean[order],
                "sd": sd[order],
                "se": se[order],
                "ci_low": (mean - tq * se)[order],
                "ci_high": (mean + tq * se)[order],
                "median_score_per_turn": np.median(per_rep, axis=1)[order],
                "wins_per_repetition": wins[order],
                "cooperation_rate": coop[order],
            }
        )
        return df

    def _matrix(self, values: NDArray[np.float64]) -> pd.DataFrame:
        s = self._seats()
        n = len(self.names)
        cell = s["player"] * n + s["opponent"]
        total = np.bincount(cell, weights=values, minlength=n * n)
        count = np.bincount(cell, minlength=n * n)
        mat = (total / np.maximum(count, 1)).reshape(n, n)
        return pd.DataFrame(
            mat,
            index=pd.Index(self.names, name="player"),
            columns=pd.Index(self.names, name="opponent"),
        )

    def payoff_matrix(self) -> pd.DataFrame:
        """Mean score per turn of the row strategy against the column strategy."""
        s = self._seats()
        return self._matrix(s["score"] / s["turns"])

    def cooperation_matrix(self) -> pd.DataFrame:
        """Share of turns the row strategy cooperated against the column strategy."""
        s = self._seats()
        return self._matrix(s["cooperations"] / s["turns"])

    def win_matrix(self) -> pd.DataFrame:
        """Share of matches the row strategy won against the column strategy (draws count 1/2)."""
        return self._matrix(self._seats()["win"])

    def ranking(self) -> list[str]:
        """Strategy names from the highest mean score per turn to the lowest."""
        return list(self.summary()["strategy"])

    def to_dict(self) -> dict[str, Any]:
        """Plain summary for JSON output."""
        return {
            "strategies": list(self.names),
            "summary": self.summary().to_dict(orient="records"),
            "payoff_matrix": self.payoff_matrix().to_numpy(),
            "cooperation_matrix": self.cooperation_matrix().to_numpy(),
            "payoffs": list(self.game.as_tuple()),
            "noise": self.noise.to_dict(),
            "turns": self.turns,
            "continuation": self.continuation,
            "repetitions": self.repetitions,
            "seed": self.seed_entropy,
            "confidence": self.confidence,
            "notes": list(self.notes),
        }


def tournament(
    strategies: Sequence[PlayerLike | str],
    *,
    turns: int = 200,
    repetitions: int = 10,
    continuation: float | None = None,
    game: StageGame = PRISONERS_DILEMMA,
    noise: Noise | None = None,
    rng: RngLike = 0,
    threads: int | None = None,
    processes: int | None = None,
    progress: bool = False,
    confidence: float = 0.95,
) -> TournamentResult:
    """Play a round-robin tournament and return its tidy results.

    Parameters
    ----------
    strategies
        The field: library strategies, names, or external strategies (e.g. axelrod
        players, wrapped by :func:`herz.models.ipd.interop.from_axelrod`).
    turns
        Rounds per match (ignored when ``continuation`` is given).
    repetitions
        Times each pairing is played.
    continuation
        Probability w of another round; matches then last 1 + Geometric rounds.
    game
        The stage game (R, S, T, P).
    noise
        Implementation and perception error rates (:class:`Noise`).
    rng
        Tournament seed (an int, a SeedSequence or a Generator, normalised by
        :func:`herz.rng.as_seed_sequence`); match k uses ``child_seed(rng, k)``.
    threads
        Worker threads for the compiled loop; results do not depend on it.
    processes
        Worker processes (library strategies only); the matches are split into
        contiguous chunks, each played from its own match seeds, so the results are
        identical to a single process.
    progress
        Show a progress bar (matches are then played in chunks).
    confidence
        Level of the Student-t intervals of :meth:`TournamentResult.summary`.
    """
    players = [as_player(s) for s in strategies]
    if len(players) < 2:
        raise ParameterError("strategies", len(players), "a tournament needs at least 2 strategies")
    if int(repetitions) != repetitions or repetitions < 1:
        raise ParameterError("repetitions", repetitions, "must be a whole number >= 1")
    if not 0.0 < confidence < 1.0:
        raise ParameterError("confidence", confidence, "must lie strictly between 0 and 1")
    names = [p.name for p in players]
    if len(set(names)) != len(names):
        raise ParameterError("strategies", names, "names must be distinct")
    _check_design(turns, continuation)
    noise = Noise() if noise is None else noise
    ss = as_seed_sequence(rng)
    pairs = np.asarray(pairings(len(players)), dtype=np.int64)
    reps = int(repetitions)
    rows = np.empty((len(pairs) * reps, 3), dtype=np.int64)
    rows[:, 0] = np.repeat(pairs[:, 0], reps)
    rows[:, 1] = np.repeat(pairs[:, 1], reps)
    rows[:, 2] = np.tile(np.arange(reps), len(pairs))
    total = rows.shape[0]
    chunk = CHUNK if progress else total
    batches: list[Batch] = []

    def play(start: int) -> Batch:
        stop = min(total, start + chunk)
        return play_indexed(
            players,
            rows[start:stop, 0],
            rows[start:stop, 1],
            rng=ss,
            first_index=start,
            game=game,
            noise=noise,
            turns=turns,
            continuation=continuation,
            keep_histories=False,
            threads=threads,
        )

    if processes is not None and processes > 1 and total > 1:
        if not all(isinstance(p, Strategy) for p in players):
            raise ParameterError("processes", processes, "needs a field of library strategies")
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        k = min(int(processes), total)
        bounds = np.linspace(0, total, k + 1).astype(int)
        ctx = multiprocessing.get_context("spawn")  # no fork of a threaded compiler runtime
        with ProcessPoolExecutor(max_workers=k, mp_context=ctx) as pool:
            futures = [
                pool.submit(
                    play_indexed,
                    players,
                    rows[a:b, 0],
                    rows[a:b, 1],
                    rng=ss,
                    first_index=int(a),
                    game=game,
                    noise=noise,
                    turns=turns,
                    continuation=continuation,
                    keep_histories=False,
                    threads=1,
                )
                for a, b in itertools.pairwise(bounds)
            ]
            batches = [f.result() for f in futures]
    elif progress:
        from rich.progress import Progress

        with Progress(transient=True) as bar:
            task = bar.add_task("tournament", total=total)
            for start in range(0, total, chunk):
                batches.append(play(start))
                bar.update(task, advance=min(chunk, total - start))
    else:
        batches.append(play(0))
    lengths = np.concatenate([b.lengths for b in batches])
    scores = np.concatenate([b.scores for b in batches])
    coops = np.concatenate([b.cooperations for b in batches])
    entropy = ss.entropy if isinstance(ss.entropy, int) else tuple(ss.entropy)  # type: ignore[arg-type]
    return TournamentResult(
        tuple(names),
        rows,
        lengths,
        scores,
        coops,
        game,
        noise,
        None if continuation else int(turns),
        continuation,
        int(repetitions),
        entropy,
        confidence,
    )
