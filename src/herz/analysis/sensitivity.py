"""Sobol sensitivity indices (SALib) for a stochastic model, failed runs included.

The model here is stochastic: each design point is run for several replicates.
The indices are computed on the *replicate mean* per design point (an estimate
of, e.g., P(escape) at that point), and the report says how much of the
variation is replicate noise:

- ``replicate_variance_share`` = E[Var(Y | X)] / Var(Y): the share of the
  variance of a single world's outcome that no parameter explains (the worlds'
  own randomness);
- ``mean_noise_share`` = E[Var(Y | X) / n] / Var(mean): the share of the
  variance of the per-point means that is still replicate noise. When it is
  large, the indices measure noise and need more replicates.

The design is Saltelli's (SALib's ``sobol`` sampler, no second-order terms):
blocks of D + 2 rows (A, the D mixed rows AB_i, B) per base sample. A failed or
missing point invalidates its block only: :func:`sobol_indices` drops whole
blocks with a missing value and analyses the rest, so the design never breaks.

References
----------
Sobol', I. M. (2001). Global sensitivity indices for nonlinear mathematical
models and their Monte Carlo estimates. *Mathematics and Computers in Simulation*
55(1-3): 271-280. doi:10.1016/S0378-4754(00)00270-6.

Saltelli, A. et al. (2010). Variance based sensitivity analysis of model output.
Design and estimator for the total sensitivity index. *Computer Physics
Communications* 181(2): 259-270. doi:10.1016/j.cpc.2009.09.018.

Herman, J. and Usher, W. (2017). SALib: an open-source Python library for
sensitivity analysis. *Journal of Open Source Software* 2(9): 97.
doi:10.21105/joss.00097.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from herz.errors import ParameterError
from herz.rng import RngLike, int_seed

__all__ = ["SobolProblem", "SobolResult", "replicate_sobol", "saltelli_sample", "sobol_indices"]


@dataclass(frozen=True)
class SobolProblem:
    """Factors and their ranges (SALib's problem dict, typed).

    ``log`` factors are sampled uniformly in the logarithm (the offense-defense
    balance: 0.5 and 2 are equally far from neutral). Build it from a stored
    Saltelli design with :meth:`from_design`: the factors are the scenario's, not
    written again here.
    """

    names: tuple[str, ...]
    bounds: tuple[tuple[float, float], ...]
    log: tuple[bool, ...] = ()
    labels: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if len(self.names) != len(self.bounds) or not self.names:
            raise ParameterError("bounds", self.bounds, "need one [low, high] per factor")
        log = self.log or (False,) * len(self.names)
        if len(log) != len(self.names):
            raise ParameterError("log", self.log, "need one flag per factor")
        object.__setattr__(self, "log", tuple(bool(x) for x in log))
        for name, (lo, hi), lg in zip(self.names, self.bounds, self.log, strict=True):
            if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
                raise ParameterError(name, (lo, hi), "bounds must be finite with low < high")
            if lg and lo <= 0:
                raise ParameterError(name, (lo, hi), "a log-scale factor needs low > 0")

    @property
    def d(self) -> int:
        """Number of factors."""
        return len(self.names)

    def salib(self) -> dict[str, Any]:
        """SALib's problem dict over the unit-free sampling scale (log10 for log factors)."""
        b = [[math.log10(lo), math.log10(hi)] if lg else [lo, hi]
             for (lo, hi), lg in zip(self.bounds, self.log, strict=True)]
        return {"num_vars": self.d, "names": list(self.names), "bounds": b}

    def to_values(self, u: NDArray[np.float64]) -> NDArray[np.float64]:
        """Map samples on the sampling scale to parameter values."""
        out = np.array(u, dtype=float, copy=True)
        for j, lg in enumerate(self.log):
            if lg:
                out[:, j] = 10.0 ** out[:, j]
        return out

    def label(self, name: str) -> str:
        """Readable label of a factor."""
        return self.labels.get(name, name.replace("_", " "))

    @classmethod
    def from_design(cls, factors: Sequence[Mapping[str, Any]],
                    labels: Mapping[str, str] | None = None) -> SobolProblem:
        """The problem of a scenario's range factors (``Scenario.canonical()["design"]``).

        Each factor is a mapping with ``name``, ``low``, ``high`` and ``scale``, as a
        results manifest records it; the design is the one that ran.
        """
        return cls(names=tuple(str(f["name"]) for f in factors),
                   bounds=tuple((float(f["low"]), float(f["high"])) for f in factors),
                   log=tuple(f.get("scale") == "log" for f in factors),
                   labels=dict(labels or {}))


def saltelli_sample(problem: SobolProblem, n: int, *, rng: RngLike = None,
                    seed: int | None = None) -> pd.DataFrame:
    """Saltelli's design for first- and total-order indices: n * (D + 2) rows.

    The design method of :mod:`herz.experiment.design` (``method = "saltelli"``) over
    the problem's factors. ``n`` (base samples) must be a power of two. Returns one
    row per design point with the factor values (on their own scale, not log10).
    """
    from herz.experiment.design import Factor, saltelli_design

    if n < 2 or n & (n - 1):
        raise ParameterError("n", n, "must be a power of 2 (>= 2)")
    factors = [Factor(name, low=lo, high=hi, scale="log" if lg else "linear")
               for name, (lo, hi), lg in zip(problem.names, problem.bounds, problem.log,
                                             strict=True)]
    pts = saltelli_design(factors, n, rng=rng, seed=seed)
    return pd.DataFrame(pts, columns=list(problem.names))


@dataclass(frozen=True)
class SobolResult:
    """First- and total-order indices with confidence intervals, and how they were got.

    ``table``: one row per factor: ``factor``, ``S1``, ``S1_conf``, ``ST``,
    ``ST_conf`` (half-widths of the bootstrap intervals at ``confidence``).
    """

    table: pd.DataFrame
    blocks_used: int
    blocks_dropped: int
    confidence: float
    replicate_variance_share: float = float("nan")
    mean_noise_share: float = float("nan")
    replicates_per_point: float = float("nan")

    def top(self, by: str = "ST") -> str:
        """The factor with the largest index ``by``."""
        return str(self.table.sort_values(by, ascending=False)["factor"].iloc[0])

    def to_dict(self) -> dict[str, Any]:
        """Plain values (for JSON)."""
        return {"indices": self.table.to_dict(orient="records"),
                "blocks_used": self.blocks_used, "blocks_dropped": self.blocks_dropped,
                "confidence": self.confidence,
                "replicate_variance_share": self.replicate_variance_share,
                "mean_noise_share": self.mean_noise_share,
                "replicates_per_point": self.replicates_per_point}


def sobol_indices(problem: SobolProblem, y: ArrayLike, confidence: float = 0.95,
                  num_resamples: int = 1000, *, rng: RngLike = None,
                  seed: int | None = None) -> SobolResult:
    """Sobol' S1 and ST of output ``y`` over a :func:`saltelli_sample` design.

    ``y`` has one value per design row, in design order; NaN marks a failed or
    missing run. Blocks (D + 2 rows sharing a base sample) holding a NaN are
    dropped; at least two complete blocks are needed. ``rng`` (or ``seed``, not
    both; default 0) seeds SALib's bootstrap of the intervals.
    """
    from SALib.analyze import sobol as sobol_analyze

    y = np.asarray(y, dtype=float)
    size = problem.d + 2
    if y.ndim != 1 or y.size % size:
        raise ParameterError("y", y.shape, f"must hold n * (D + 2) = n * {size} values")
    blocks = y.reshape(-1, size)
    ok = np.isfinite(blocks).all(axis=1)
    used = int(ok.sum())
    if used < 2:
        raise ValueError(f"only {used} complete Saltelli blocks; need at least 2")
    yy = blocks[ok].ravel()
    if np.var(yy) == 0:
        zero = np.zeros(problem.d)
        table = pd.DataFrame({"factor": list(problem.names), "S1": zero, "S1_conf": zero,
                              "ST": zero, "ST_conf": zero})
        return SobolResult(table, used, int((~ok).sum()), confidence)
    res = sobol_analyze.analyze(problem.salib(), yy, calc_second_order=False,
                                num_resamples=num_resamples, conf_level=confidence,
                                print_to_console=False,
                                seed=_salib_seed(rng, seed))
    table = pd.DataFrame({"factor": list(problem.names), "S1": res["S1"],
                          "S1_conf": res["S1_conf"], "ST": res["ST"], "ST_conf": res["ST_conf"]})
    return SobolResult(table, used, int((~ok).sum()), confidence)


def _salib_seed(rng: RngLike, seed: int | None) -> int:
    if rng is None and seed is None:
        rng = 0
    return int_seed(rng, seed) + 1  # SALib reads seed 0 as "no seed"


def replicate_sobol(problem: SobolProblem, point: ArrayLike, value: ArrayLike, n_points: int,
                    confidence: float = 0.95, num_resamples: int = 1000, *,
                    rng: RngLike = None, seed: int | None = None) -> SobolResult:
    """Sobol' indices of the replicate mean, from per-replicate rows.

    ``point`` gives each row's design-row index (0 .. n_points - 1, in Saltelli
    order) and ``value`` its outcome (e.g. 1.0 if the world escaped). Points with
    no rows (every chunk failed) count as missing and drop their block. Adds the
    replicate variance share and the noise share of the means (module docstring).
    """
    pt = np.asarray(point, dtype=np.int64)
    v = np.asarray(value, dtype=float)
    good = np.isfinite(v)
    pt, v = pt[good], v[good]
    if pt.size and (pt.min() < 0 or pt.max() >= n_points):
        raise ParameterError("point", (int(pt.min()), int(pt.max())),
                             f"must lie in 0 .. {n_points - 1}")
    n = np.bincount(pt, minlength=n_points).astype(float)
    s = np.bincount(pt, weights=v, minlength=n_points)
    s2 = np.bincount(pt, weights=v * v, minlength=n_points)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, s / n, np.nan)
        within = np.where(n > 1, (s2 - n * mean**2) / (n - 1), np.nan)
    res = sobol_indices(problem, mean, confidence, num_resamples, rng=rng, seed=seed)
    has = n > 1
    total_var = float(np.var(v, ddof=1)) if v.size > 1 else float("nan")
    e_within = float(np.nanmean(within[has])) if has.any() else float("nan")
    var_means = float(np.nanvar(mean[n > 0], ddof=1)) if (n > 0).sum() > 1 else float("nan")
    e_noise = float(np.nanmean(within[has] / n[has])) if has.any() else float("nan")
    with np.errstate(invalid="ignore", divide="ignore"):
        rep_share = e_within / total_var if total_var > 0 else float("nan")
        noise_share = e_noise / var_means if var_means > 0 else float("nan")
    return SobolResult(res.table, res.blocks_used, res.blocks_dropped, confidence,
                       min(rep_share, 1.0), min(noise_share, 1.0),
                       float(n[n > 0].mean()) if (n > 0).any() else float("nan"))

