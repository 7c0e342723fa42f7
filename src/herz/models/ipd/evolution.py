"""Evolution over a population of strategies: the Moran process and replicator dynamics.

Payoffs between strategies come from a matrix ``A[i, j]`` (mean payoff per round of
strategy i against strategy j), either exact (memory-one strategies:
:func:`herz.models.ipd.markov.stationary` or, with a continuation probability,
:func:`~herz.models.ipd.markov.expected_payoffs`) or estimated by a tournament.

Moran process (frequency-dependent, birth-death): in a population of N, each step
one individual reproduces with probability proportional to fitness and its offspring
replaces one individual chosen uniformly at random. With i individuals of A among
N - i of B and payoffs a = A(A, A), b = A(A, B), c = A(B, A), d = A(B, B), the
payoffs (no self-interaction) are ``pi_A = (a (i - 1) + b (N - i)) / (N - 1)`` and
``pi_B = (c i + d (N - i - 1)) / (N - 1)``; fitness is ``1 - s + s * pi`` (linear,
selection intensity s) or ``exp(s * pi)``. The fixation probability of one A
mutant is ``rho_A = 1 / (1 + sum_k prod_{i<=k} g_i / f_i)``; neutral drift gives 1/N.

Replicator dynamics: ``dx_i/dt = x_i ((A x)_i - x . A x)``.

References
----------
Moran, P. A. P. (1958). Random processes in genetics. *Mathematical Proceedings of
the Cambridge Philosophical Society* 54(1): 60-71. doi:10.1017/S0305004100033193.

Nowak, M. A., Sasaki, A., Taylor, C. and Fudenberg, D. (2004). Emergence of
cooperation and evolutionary stability in finite populations. *Nature* 428:
646-650. doi:10.1038/nature02414.

Taylor, P. D. and Jonker, L. B. (1978). Evolutionary stable strategies and game
dynamics. *Mathematical Biosciences* 40: 145-156. doi:10.1016/0025-5564(78)90077-9.

Imhof, L. A., Fudenberg, D. and Nowak, M. A. (2007). Tit-for-tat or win-stay,
lose-shift? *Journal of Theoretical Biology* 247: 574-580.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numba as nb
import numpy as np
import pandas as pd
import scipy.integrate
import scipy.stats
from numpy.typing import ArrayLike, NDArray
from scipy.special import logsumexp

from herz.errors import ParameterError
from herz.models.ipd import _kernel as K
from herz.models.ipd.engine import PlayerLike, as_player
from herz.models.ipd.game import PRISONERS_DILEMMA, Noise, StageGame
from herz.models.ipd.markov import expected_payoffs, stationary
from herz.models.ipd.strategies import Strategy
from herz.models.ipd.tournament import tournament
from herz.rng import RngLike, as_seed_sequence

__all__ = [
    "Fitness",
    "MoranResult",
    "PayoffMethod",
    "ReplicatorPath",
    "fixation_matrix",
    "fixation_probability",
    "log_fixation_probability",
    "moran_process",
    "payoff_matrix",
    "replicator",
]


class Fitness(enum.StrEnum):
    """How payoff becomes fitness in the Moran process."""

    LINEAR = "linear"  # 1 - s + s * payoff
    EXPONENTIAL = "exponential"  # exp(s * payoff)


class PayoffMethod(enum.StrEnum):
    """Where the payoff matrix comes from."""

    EXACT = "exact"  # Markov chain of memory-one strategies
    TOURNAMENT = "tournament"  # simulated round robin


def payoff_matrix(
    strategies: Sequence[PlayerLike | str],
    *,
    method: PayoffMethod | str = PayoffMethod.EXACT,
    game: StageGame = PRISONERS_DILEMMA,
    noise: Noise | None = None,
    continuation: float | None = None,
    turns: int = 200,
    repetitions: int = 10,
    rng: RngLike = 0,
) -> pd.DataFrame:
    """Mean payoff per round of each strategy (rows) against each (columns).

    ``exact``: memory-one strategies only; long-run (stationary) payoffs, or with a
    ``continuation`` probability the expected payoff per round of a match.
    ``tournament``: a round robin with ``turns`` or ``continuation`` and ``repetitions``.
    """
    method = PayoffMethod(method)
    players = [as_player(s) for s in strategies]
    names = [p.name for p in players]
    noise = Noise() if noise is None else noise
    if method is PayoffMethod.TOURNAMENT:
        res = tournament(
            players,
            turns=turns,
            repetitions=repetitions,
            continuation=continuation,
            game=game,
            noise=noise,
            rng=rng,
        )
        return res.payoff_matrix()
    n = len(players)
    memory_one: list[Strategy] = []
    for p in players:
        if not (isinstance(p, Strategy) and p.is_memory_one):
            raise ParameterError(
                "strategies",
                p.name,
                "exact payoffs need memory-one strategies; use method='tournament'",
            )
        memory_one.append(p)
    a = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            if continuation is None:
                a[i, j] = stationary(memory_one[i], memory_one[j], noise, game).payoff1
            else:
                a[i, j] = expected_payoffs(
                    memory_one[i], memory_one[j], continuation, noise, game
                ).per_round1
    return pd.DataFrame(
        a, index=pd.Index(names, name="player"), columns=pd.Index(names, name="opponent")
    )


def _check_population(n: int, selection: float) -> None:
    if int(n) != n or n < 2:
        raise ParameterError("population", n, "must be a whole number >= 2")
    if not 0.0 <= selection or not math.isfinite(selection):
        raise ParameterError("selection", selection, "must be a finite number >= 0")


def log_fixation_probability(
    a: float,
    b: float,
    c: float,
    d: float,
    population: int,
    selection: float = 1.0,
    fitness: Fitness | str = Fitness.LINEAR,
) -> float:
    """Natural log of :func:`fixation_probability`, exact where the probability underflows.

    rho = 1 / (1 + sum_k prod_{i<=k} f_B(i)/f_A(i)); the sum is taken in log
    space (a log-sum-exp of the cumulative log fitness ratios), so neither the
    products nor the sum overflow: with strong selection against the mutant the
    probability can be about 1e-1000, far below the smallest float, and its
    log is still exact.

    References
    ----------
    Nowak, M. A., Sasaki, A., Taylor, C. and Fudenberg, D. (2004). Emergence of
    cooperation and evolutionary stability in finite populations. *Nature* 428:
    646-650. doi:10.1038/nature02414.
    """
    fitness = Fitness(fitness)
    _check_population(population, selection)
    n = int(population)
    i = np.arange(1, n, dtype=float)
    pa = (a * (i - 1) + b * (n - i)) / (n - 1)
    pb = (c * i + d * (n - i - 1)) / (n - 1)
    if fitness is Fitness.EXPONENTIAL:
        log_ratio = selection * (pb - pa)
    else:
        fa = 1.0 - selection + selection * pa
        fb = 1.0 - selection + selection * pb
        if np.any(fa <= 0) or np.any(fb <= 0):
            raise ParameterError(
                "selection",
                selection,
                "makes a fitness <= 0; lower it or use fitness='exponential'",
            )
        log_ratio = np.log(fb) - np.log(fa)
    if not np.all(np.isfinite(log_ratio)):
        raise ParameterError("payoffs", [a, b, c, d], "must be finite numbers")
    terms = np.concatenate([[0.0], np.cumsum(log_ratio)])
    return -float(logsumexp(terms))


def fixation_probability(
    a: float,
    b: float,
    c: float,
    d: float,
    population: int,
    selection: float = 1.0,
    fitness: Fitness | str = Fitness.LINEAR,
) -> float:
    """Probability that one A mutant takes over a population of N - 1 B residents.

    ``a, b, c, d`` = payoff of A against A, A against B, B against A, B against B.
    Computed in log space (:func:`log_fixation_probability`): a probability
    below the smallest float (about 1e-308) is returned as 0.0, never an
    overflow.

    References
    ----------
    Nowak, M. A., Sasaki, A., Taylor, C. and Fudenberg, D. (2004). Emergence of
    cooperation and evolutionary stability in finite populations. *Nature* 428:
    646-650. doi:10.1038/nature02414.
    """
    return math.exp(log_fixation_probability(a, b, c, d, population, selection, fitness))


def fixation_matrix(
    payoffs: ArrayLike | pd.DataFrame,
    population: int,
    selection: float = 1.0,
    fitness: Fitness | str = Fitness.LINEAR,
) -> pd.DataFrame | NDArray[np.float64]:
    """``rho[i, j]``: probability that one j mutant takes over a population of i residents."""
    names = list(payoffs.index) if isinstance(payoffs, pd.DataFrame) else None
    a = np.asarray(payoffs, dtype=float)
    k = a.shape[0]
    rho = np.full((k, k), np.nan)
    for i in range(k):
        for j in range(k):
            if i != j:
                rho[i, j] = fixation_probability(
                    a[j, j], a[j, i], a[i, j], a[i, i], population, selection, fitness
                )
    if names is not None:
        return pd.DataFrame(
            rho, index=pd.Index(names, name="resident"), columns=pd.Index(names, name="mutant")
        )
    return rho


@nb.njit(cache=True)
def _moran_runs(
    prefix: NDArray[np.uint32],
    a: NDArray[np.float64],
    counts0: NDArray[np.int64],
    selection: float,
    exponential: bool,
    runs: int,
    max_steps: int,
    winners: NDArray[np.int64],
    steps: NDArray[np.int64],
) -> None:
    k = counts0.shape[0]
    n = counts0.sum()
    fit = np.empty(k)
    pays = np.empty(k)
    for r in range(runs):
        state = K._seed_stream(prefix, r)
        counts = counts0.copy()
        winners[r] = -1
        step = 0
        while step < max_steps:
            alive = 0
            last = -1
            for j in range(k):
                if counts[j] > 0:
                    alive += 1
                    last = j
            if alive == 1:
                winners[r] = last
                break
            top = -math.inf
            for j in range(k):
                if counts[j] > 0:
                    pay = 0.0
                    for m in range(k):
                        pay += counts[m] * a[j, m]
                    pays[j] = (pay - a[j, j]) / (n - 1)
                    top = max(top, pays[j])
            total = 0.0
            for j in range(k):
                if counts[j] > 0:
                    # exponential fitness relative to the fittest: the same proportions,
                    # no overflow under strong selection
                    f = (
                        math.exp(selection * (pays[j] - top))
                        if exponential
                        else 1.0 - selection + selection * pays[j]
                    )
                    fit[j] = counts[j] * f
                else:
                    fit[j] = 0.0
                total += fit[j]
            u = K._next(state) * total
            born = k - 1
            acc = 0.0
            for j in range(k):
                acc += fit[j]
                if u < acc:
                    born = j
                    break
            v = K._next(state) * n
            dies = k - 1
            acc = 0.0
            for j in range(k):
                acc += counts[j]
                if v < acc:
                    dies = j
                    break
            counts[born] += 1
            counts[dies] -= 1
            step += 1
        steps[r] = step


@dataclass(frozen=True)
class MoranResult:
    """Outcome of many simulated Moran processes."""

    names: tuple[str, ...]
    initial: tuple[int, ...]
    winners: NDArray[np.int64]
    steps: NDArray[np.int64]
    selection: float
    fitness: Fitness
    seed_entropy: Any

    @property
    def runs(self) -> int:
        """Number of simulated processes."""
        return int(self.winners.shape[0])

    def fixation(self, confidence: float = 0.95) -> pd.DataFrame:
        """Share of runs each strategy took over, with Wilson score intervals."""
        z = float(scipy.stats.norm.ppf(0.5 + confidence / 2))
        n = self.runs
        rows = []
        for j, name in enumerate(self.names):
            x = int((self.winners == j).sum())
            p = x / n
            centre = (p + z * z / (2 * n)) / (1 + z * z / n)
            half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
            rows.append(
                {
                    "strategy": name,
                    "fixations": x,
                    "probability": p,
                    "ci_low": max(0.0, centre - half),
                    "ci_high": min(1.0, centre + half),
                }
            )
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        """Plain summary for JSON output."""
        return {
            "strategies": list(self.names),
            "initial": list(self.initial),
            "runs": self.runs,
            "fixation": self.fixation().to_dict(orient="records"),
            "unfinished": int((self.winners < 0).sum()),
            "mean_steps": float(self.steps.mean()),
            "selection": self.selection,
            "fitness": self.fitness.value,
            "seed": self.seed_entropy,
        }


def moran_process(
    payoffs: ArrayLike | pd.DataFrame,
    initial: Sequence[int],
    *,
    selection: float = 1.0,
    fitness: Fitness | str = Fitness.LINEAR,
    runs: int = 1000,
    rng: RngLike = 0,
    max_steps: int = 10_000_000,
    names: Sequence[str] | None = None,
) -> MoranResult:
    """Simulate ``runs`` Moran processes from the counts ``initial`` until one strategy is left.

    Run r draws from the stream keyed by ``child_seed(rng, r)``, so any run can be
    replayed alone.
    """
    fitness = Fitness(fitness)
    a = np.asarray(payoffs, dtype=float)
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise ParameterError("payoffs", a.shape, "must be a square matrix")
    counts = np.asarray(initial, dtype=np.int64)
    if counts.shape != (a.shape[0],) or np.any(counts < 0):
        raise ParameterError("initial", list(initial), f"must be {a.shape[0]} counts >= 0")
    _check_population(int(counts.sum()), selection)
    if fitness is Fitness.LINEAR and (1 - selection + selection * a.min()) <= 0:
        raise ParameterError(
            "selection", selection, "makes a fitness <= 0; lower it or use fitness='exponential'"
        )
    if names is None:
        names = (
            list(payoffs.index)
            if isinstance(payoffs, pd.DataFrame)
            else [f"strategy {j}" for j in range(a.shape[0])]
        )
    ss = as_seed_sequence(rng)
    winners = np.empty(int(runs), dtype=np.int64)
    steps = np.empty(int(runs), dtype=np.int64)
    _moran_runs(
        K.entropy_prefix(ss),
        a,
        counts,
        float(selection),
        fitness is Fitness.EXPONENTIAL,
        int(runs),
        int(max_steps),
        winners,
        steps,
    )
    entropy = ss.entropy if isinstance(ss.entropy, int) else tuple(ss.entropy)  # type: ignore[arg-type]
    return MoranResult(
        tuple(map(str, names)),
        tuple(int(c) for c in counts),
        winners,
        steps,
        float(selection),
        fitness,
        entropy,
    )


@dataclass(frozen=True)
class ReplicatorPath:
    """Shares of each strategy over time under the replicator dynamics."""

    t: NDArray[np.float64]
    x: NDArray[np.float64]
    names: tuple[str, ...]

    def to_frame(self) -> pd.DataFrame:
        """Shares as a DataFrame indexed by time."""
        return pd.DataFrame(self.x, index=pd.Index(self.t, name="t"), columns=list(self.names))


def replicator(
    payoffs: ArrayLike | pd.DataFrame,
    x0: Sequence[float],
    times: Sequence[float],
    names: Sequence[str] | None = None,
) -> ReplicatorPath:
    """Integrate ``dx_i/dt = x_i ((A x)_i - x . A x)`` from shares ``x0`` (RK45, rtol 1e-10).

    References
    ----------
    Taylor, P. D. and Jonker, L. B. (1978). *Mathematical Biosciences* 40: 145-156.
    """
    a = np.asarray(payoffs, dtype=float)
    x = np.asarray(x0, dtype=float)
    if x.shape != (a.shape[0],) or np.any(x < 0) or not math.isclose(x.sum(), 1.0, abs_tol=1e-9):
        raise ParameterError("x0", list(x0), f"must be {a.shape[0]} shares >= 0 summing to 1")
    t = np.asarray(times, dtype=float)

    def rhs(_: float, y: NDArray[np.float64]) -> NDArray[np.float64]:
        fit = a @ y
        return np.asarray(y * (fit - y @ fit))

    sol = scipy.integrate.solve_ivp(
        rhs, (float(t[0]), float(t[-1])), x, t_eval=t, rtol=1e-10, atol=1e-12
    )
    if names is None:
        names = (
            list(payoffs.index)
            if isinstance(payoffs, pd.DataFrame)
            else [f"strategy {j}" for j in range(a.shape[0])]
        )
    return ReplicatorPath(sol.t, sol.y.T, tuple(map(str, names)))
