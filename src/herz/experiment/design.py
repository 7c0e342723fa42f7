"""Designs: which parameter values an experiment visits, and how often.

Every design method has the same shape (after SALib's ``sample`` functions): it takes
the factors and a number of samples and a seed, and returns a list of points, each a
dict from factor name to value. The factors are the parameters that vary; the rest
of a point's parameters come from the scenario's ``[world]`` section.

- ``single``: one point, no factors.
- ``grid``: the full factorial product of each factor's levels.
- ``lhs``: a Latin hypercube of ``samples`` points (:class:`scipy.stats.qmc.LatinHypercube`).
- ``sobol``: a scrambled Sobol sequence of ``samples`` points, a power of two
  (:class:`scipy.stats.qmc.Sobol`).

Random designs draw from ``child_seed(seed, 0)`` (the design's key in the seed tree;
point ``p`` runs from ``child_seed(seed, 1, p)``), so a design is fixed by its seed.

Adaptive replication (:func:`adaptive_additions`) adds replicates to the points whose
confidence interval for the escape probability is wider than a target.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from herz.rng import child_seed

__all__ = [
    "DESIGN_KEY",
    "POINT_KEY",
    "Factor",
    "adaptive_additions",
    "full_grid",
    "latin_hypercube",
    "sample",
    "sobol_sequence",
    "wilson_interval",
]

DESIGN_KEY = 0
"""Seed-tree key of the design's own random numbers: ``child_seed(seed, DESIGN_KEY)``."""
POINT_KEY = 1
"""Seed-tree key of the points: point ``p`` runs from ``child_seed(seed, POINT_KEY, p)``."""
MAX_DESIGN_POINTS = 16_384
"""The most design points a design may have (checked before sampling): keeps ``herz sweep
--check`` to seconds and a results directory's manifest small (docs: issue 23's note)."""

Method = Literal["single", "grid", "lhs", "sobol"]


@dataclass(frozen=True)
class Factor:
    """One parameter that varies: a list of levels, or a range ``[low, high]``.

    ``integer`` factors are rounded to whole numbers after sampling; ``scale="log"``
    samples (and spaces grid levels) evenly in the logarithm.
    """

    name: str
    values: tuple[Any, ...] | None = None
    low: float | None = None
    high: float | None = None
    levels: int | None = None
    scale: Literal["linear", "log"] = "linear"
    integer: bool = False

    def grid_levels(self) -> list[Any]:
        """The levels of this factor in a full grid."""
        if self.values is not None:
            return list(self.values)
        assert self.low is not None and self.high is not None and self.levels is not None
        if self.scale == "log":
            pts = np.geomspace(self.low, self.high, self.levels)
        else:
            pts = np.linspace(self.low, self.high, self.levels)
        return [self._cast(v) for v in pts]

    def from_unit(self, u: np.ndarray) -> list[Any]:
        """Map points of [0, 1) onto this factor's range."""
        assert self.low is not None and self.high is not None
        if self.scale == "log":
            v = np.exp(np.log(self.low) + u * (np.log(self.high) - np.log(self.low)))
        else:
            v = self.low + u * (self.high - self.low)
        return [self._cast(x) for x in v]

    def _cast(self, v: float) -> Any:
        return round(float(v)) if self.integer else float(v)


def full_grid(factors: list[Factor], samples: int | None = None,
              seed: int | None = None) -> list[dict[str, Any]]:
    """The full factorial product of the factors' levels (first factor varies slowest)."""
    if not factors:
        return [{}]
    names = [f.name for f in factors]
    return [dict(zip(names, combo, strict=True))
            for combo in itertools.product(*(f.grid_levels() for f in factors))]


def _unit_sample(kind: Literal["lhs", "sobol"], d: int, n: int, seed: int) -> np.ndarray:
    from scipy.stats import qmc  # imported here: workers never need scipy.stats

    rng = np.random.Generator(np.random.PCG64(child_seed(seed, DESIGN_KEY)))
    if kind == "lhs":
        return qmc.LatinHypercube(d=d, rng=rng).random(n)
    m = int(math.log2(n))
    return qmc.Sobol(d=d, scramble=True, rng=rng).random_base2(m)


def latin_hypercube(factors: list[Factor], samples: int | None = None,
                    seed: int | None = None) -> list[dict[str, Any]]:
    """``samples`` points of a Latin hypercube over the factors' ranges."""
    if samples is None or seed is None:
        raise ValueError("a Latin hypercube needs samples and a seed")
    u = _unit_sample("lhs", len(factors), samples, seed)
    cols = [f.from_unit(u[:, j]) for j, f in enumerate(factors)]
    return [{f.name: cols[j][i] for j, f in enumerate(factors)} for i in range(samples)]


def sobol_sequence(factors: list[Factor], samples: int | None = None,
                   seed: int | None = None) -> list[dict[str, Any]]:
    """``samples`` (a power of two) points of a scrambled Sobol sequence."""
    if samples is None or seed is None:
        raise ValueError("a Sobol sequence needs samples and a seed")
    if samples < 1 or samples & (samples - 1):
        raise ValueError("samples of a Sobol sequence must be a power of 2")
    u = _unit_sample("sobol", len(factors), samples, seed)
    cols = [f.from_unit(u[:, j]) for j, f in enumerate(factors)]
    return [{f.name: cols[j][i] for j, f in enumerate(factors)} for i in range(samples)]


def _single(factors: list[Factor], samples: int | None = None,
            seed: int | None = None) -> list[dict[str, Any]]:
    return [{}]


METHODS = {"single": _single, "grid": full_grid, "lhs": latin_hypercube, "sobol": sobol_sequence}


def sample(method: Method, factors: list[Factor], samples: int | None, seed: int,
           base: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """Return the design's points, each the ``base`` parameters updated by the factors."""
    from herz.errors import ParameterError

    size = math.prod(len(f.values) if f.values is not None else int(f.levels or 1)
                     for f in factors) if method == "grid" else samples
    if size is not None and size > MAX_DESIGN_POINTS:
        field = "design.factors" if method == "grid" else "design.samples"
        raise ParameterError(field, size, f"the design has {size} points; at most "
                             f"{MAX_DESIGN_POINTS} are allowed")
    pts = METHODS[method](factors, samples, seed)
    if len(pts) > MAX_DESIGN_POINTS:  # a method whose size is not its samples
        raise ParameterError("design.samples", samples, f"the design has {len(pts)} points; "
                             f"at most {MAX_DESIGN_POINTS} are allowed")
    return [{**(base or {}), **p} for p in pts]


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion (``(0, 1)`` when ``n == 0``).

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
    inference. *Journal of the American Statistical Association* 22(158): 209-212.
    doi:10.1080/01621459.1927.10502953.
    """
    from scipy import stats

    if n <= 0:
        return 0.0, 1.0
    z = float(stats.norm.ppf(0.5 + confidence / 2.0))
    p = successes / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    lo = 0.0 if successes <= 0 else max(0.0, centre - half)
    hi = 1.0 if successes >= n else min(1.0, centre + half)
    return lo, hi


def adaptive_additions(
    counts: Mapping[int, tuple[int, int]],
    target_ci_width: float,
    max_replicates: int,
    batch: int,
    confidence: float = 0.95,
) -> dict[int, int]:
    """Replicates to add per point: ``{point: extra}`` for points still too uncertain.

    ``counts`` maps each point to ``(replicates so far, escapes among them)``. A point
    whose Wilson interval is wider than ``target_ci_width`` gets ``batch`` more
    replicates, never taking it beyond ``max_replicates``.
    """
    extra: dict[int, int] = {}
    for point, (n, k) in sorted(counts.items()):
        lo, hi = wilson_interval(k, n, confidence)
        if hi - lo > target_ci_width and n < max_replicates:
            extra[point] = min(batch, max_replicates - n)
    return extra
