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
- ``saltelli``: Saltelli's design for first- and total-order Sobol indices
  (SALib's ``sobol`` sampler, no second-order terms): ``samples`` base samples (a
  power of two) give ``samples * (D + 2)`` points in blocks of D + 2 (A, the D
  mixed rows AB_i, B). :mod:`herz.analysis.sensitivity` reads the indices from the
  stored points in that order.

A factor's range may be left out where the model declares a schema
(:attr:`~herz.experiment.models.ModelSpec.fields`): :meth:`Factor.from_field` takes
it from there, and a range given by hand is checked against it.

Random designs draw from ``child_seed(seed, 0)`` (the design's key in the seed tree;
point ``p`` runs from ``child_seed(seed, 1, p)``), so a design is fixed by its seed.
Called on their own they take ``rng`` (a Generator or an int) instead: giving both
``seed`` and ``rng`` is an error.

Adaptive replication (:func:`adaptive_additions`) adds replicates to the points whose
Wilson interval (statsmodels) for the escape probability is wider than a target.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from herz.rng import RngLike, as_generator, child_seed

if TYPE_CHECKING:
    from herz.world.schema import FieldSpec

__all__ = [
    "DESIGN_KEY",
    "POINT_KEY",
    "Factor",
    "adaptive_additions",
    "full_grid",
    "latin_hypercube",
    "saltelli_design",
    "sample",
    "sobol_sequence",
]

DESIGN_KEY = 0
"""Seed-tree key of the design's own random numbers: ``child_seed(seed, DESIGN_KEY)``."""
POINT_KEY = 1
"""Seed-tree key of the points: point ``p`` runs from ``child_seed(seed, POINT_KEY, p)``."""
MAX_DESIGN_POINTS = 16_384
"""The most design points a design may have (checked before sampling): keeps ``herz sweep
--check`` to seconds and a results directory's manifest small (docs: issue 23's note)."""

Method = Literal["single", "grid", "lhs", "sobol", "saltelli"]
#: Every design method, in the order the documentation lists them.
METHOD_NAMES: tuple[str, ...] = ("single", "grid", "lhs", "sobol", "saltelli")
#: The methods that sample a range (they take ``samples`` and no levels).
SAMPLED: tuple[str, ...] = ("lhs", "sobol", "saltelli")


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

    @classmethod
    def from_field(cls, spec: FieldSpec, low: float | None = None, high: float | None = None,
                   levels: int | None = None, scale: Literal["linear", "log"] = "linear"
                   ) -> Factor:
        """A range factor over a schema field: its range unless ``low``/``high`` narrow it.

        An end left out must be finite (closed) in the schema; an open end cannot
        be a level or a sample.
        """
        from herz.errors import ParameterError

        lo = spec.lo if low is None else low
        hi = spec.hi if high is None else high
        for end, given, bound, is_open in (("min", low, spec.lo, spec.lo_open),
                                           ("max", high, spec.hi, spec.hi_open)):
            if given is None and (bound is None or is_open):
                raise ParameterError(f"{spec.name}.{end}", None,
                                     f"missing; the schema's range of {spec.name} is "
                                     f"{spec.range_text()}, so give {end}")
        assert lo is not None and hi is not None
        return cls(spec.name, low=float(lo), high=float(hi), levels=levels, scale=scale,
                   integer=spec.kind == "integer")

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


def _design_rng(seed: int | None, rng: RngLike, what: str) -> np.random.Generator:
    """The design's generator: the seed tree's design key, or the caller's ``rng``."""
    from herz.errors import ParameterError

    if seed is not None and rng is not None:
        raise ParameterError("seed", seed, "give either seed or rng, not both")
    if seed is not None:
        return np.random.Generator(np.random.PCG64(child_seed(seed, DESIGN_KEY)))
    if rng is None:
        raise ValueError(f"{what} needs a seed or an rng")
    return as_generator(rng)


def _unit_sample(kind: Literal["lhs", "sobol"], d: int, n: int,
                 gen: np.random.Generator) -> np.ndarray:
    from scipy.stats import qmc  # imported here: workers never need scipy.stats

    if kind == "lhs":
        return qmc.LatinHypercube(d=d, rng=gen).random(n)
    m = int(math.log2(n))
    return qmc.Sobol(d=d, scramble=True, rng=gen).random_base2(m)


def latin_hypercube(factors: list[Factor], samples: int | None = None,
                    seed: int | None = None, *, rng: RngLike = None) -> list[dict[str, Any]]:
    """``samples`` points of a Latin hypercube over the factors' ranges."""
    if samples is None:
        raise ValueError("a Latin hypercube needs samples")
    u = _unit_sample("lhs", len(factors), samples, _design_rng(seed, rng, "a Latin hypercube"))
    cols = [f.from_unit(u[:, j]) for j, f in enumerate(factors)]
    return [{f.name: cols[j][i] for j, f in enumerate(factors)} for i in range(samples)]


def sobol_sequence(factors: list[Factor], samples: int | None = None,
                   seed: int | None = None, *, rng: RngLike = None) -> list[dict[str, Any]]:
    """``samples`` (a power of two) points of a scrambled Sobol sequence."""
    if samples is None:
        raise ValueError("a Sobol sequence needs samples")
    if samples < 1 or samples & (samples - 1):
        raise ValueError("samples of a Sobol sequence must be a power of 2")
    u = _unit_sample("sobol", len(factors), samples, _design_rng(seed, rng, "a Sobol sequence"))
    cols = [f.from_unit(u[:, j]) for j, f in enumerate(factors)]
    return [{f.name: cols[j][i] for j, f in enumerate(factors)} for i in range(samples)]


def saltelli_design(factors: list[Factor], samples: int | None = None,
                    seed: int | None = None, *, rng: RngLike = None) -> list[dict[str, Any]]:
    """Saltelli's design: ``samples`` base samples (a power of two) x (D + 2) points.

    SALib's ``sobol`` sampler over the unit cube (scrambled, seeded from the
    design's key in the seed tree, or from ``rng``), each column mapped onto its
    factor's range; rows in SALib's order (blocks A, AB_1..AB_D, B).
    """
    from SALib.sample import sobol as salib_sobol

    if samples is None:
        raise ValueError("a Saltelli design needs samples")
    if samples < 2 or samples & (samples - 1):
        raise ValueError("samples of a Saltelli design must be a power of 2 (>= 2)")
    gen = _design_rng(seed, rng, "a Saltelli design")
    d = len(factors)
    problem = {"num_vars": d, "names": [f.name for f in factors], "bounds": [[0.0, 1.0]] * d}
    u = salib_sobol.sample(problem, samples, calc_second_order=False, scramble=True,
                           seed=int(gen.integers(0, 2**32)))
    cols = [f.from_unit(u[:, j]) for j, f in enumerate(factors)]
    return [{f.name: cols[j][i] for j, f in enumerate(factors)} for i in range(len(u))]


def _single(factors: list[Factor], samples: int | None = None,
            seed: int | None = None) -> list[dict[str, Any]]:
    return [{}]


METHODS = {"single": _single, "grid": full_grid, "lhs": latin_hypercube,
           "sobol": sobol_sequence, "saltelli": saltelli_design}


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
    replicates, never taking it beyond ``max_replicates``. The interval is
    statsmodels' Wilson score interval (the one :mod:`herz.analysis.intervals` uses);
    with no replicates it is (0, 1).
    """
    from statsmodels.stats.proportion import proportion_confint

    extra: dict[int, int] = {}
    for point, (n, k) in sorted(counts.items()):
        if n > 0:
            lo, hi = proportion_confint(k, n, alpha=1.0 - confidence, method="wilson")
        else:
            lo, hi = 0.0, 1.0
        if float(hi) - float(lo) > target_ci_width and n < max_replicates:
            extra[point] = min(batch, max_replicates - n)
    return extra
