"""Scenario discovery: PRIM boxes where escape (or war) is likely.

The Patient Rule Induction Method peels a box in parameter space, a slice at a
time, toward the region where the outcome of interest is densest, then pastes
back what it peeled too eagerly. Each box on the way has a *coverage* (the share
of all cases of interest that fall inside it) and a *density* (the share of
cases inside it that are of interest); :func:`prim_box` picks, on the peeling
trajectory, the box with the largest coverage whose density reaches
``min_density`` (or the densest box when none does).

The algorithm is the maintained ``prim`` package (Project Platypus, the PRIM of
the EMA Workbench); herz only prepares its input and reads its boxes. ``prim`` is
GPL-3.0 licensed, so herz (BSD-3-Clause) does not depend on it: it is the optional
extra ``herz[discovery]`` (``scripts/main.sh`` installs it), imported only here, when a
box is asked for. Without it :func:`prim_box` returns the unrestricted box (the whole
parameter space, with its true coverage 1, density = base rate and mass 1) marked
``skipped``, and the escape map runs and reports everything else. (The EMA Workbench's
own BSD-licensed PRIM would add scikit-learn, seaborn, platypus-opt and tqdm to herz's
dependencies.)

References
----------
Friedman, J. H. and Fisher, N. I. (1999). Bump hunting in high-dimensional data.
*Statistics and Computing* 9(2): 123-143. doi:10.1023/A:1008894516817.

Bryant, B. P. and Lempert, R. J. (2010). Thinking inside the box: a participatory,
computer-assisted approach to scenario discovery. *Technological Forecasting and
Social Change* 77(1): 34-49. doi:10.1016/j.techfore.2009.08.002.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from herz.errors import ParameterError

__all__ = ["PRIM_MISSING", "PrimBox", "prim_available", "prim_box"]

#: What a box says when the optional ``prim`` package is not installed.
PRIM_MISSING = ("not computed: PRIM needs the optional extra, pip install 'herz[discovery]' "
                "(the GPL-3.0 prim package)")


def prim_available() -> bool:
    """Whether the optional ``prim`` package (extra ``herz[discovery]``) is installed."""
    import importlib.util

    return importlib.util.find_spec("prim") is not None


@dataclass(frozen=True)
class PrimBox:
    """A box of parameter space: limits per restricted factor, with its statistics.

    ``limits``: rows ``factor``, ``low``, ``high`` for the factors the box
    restricts (the others span their whole range). ``coverage``, ``density`` and
    ``mass`` (share of all cases inside the box) as PRIM defines them;
    ``base_rate`` is the share of cases of interest in all the data.
    """

    label: str
    limits: pd.DataFrame
    coverage: float
    density: float
    mass: float
    base_rate: float
    n: int
    ranges: dict[str, tuple[float, float]]
    skipped: str = ""

    def describe(self, fmt: str = "{:.3g}") -> str:
        """The box in words, e.g. ``distinguishability in [0.61, 1]``."""
        if self.skipped:
            return self.skipped
        if self.limits.empty:
            return "the whole parameter space (no restriction found)"
        parts = []
        for _, r in self.limits.iterrows():
            parts.append(f"{r['factor']} in [{fmt.format(r['low'])}, {fmt.format(r['high'])}]")
        return " and ".join(parts)

    def contains(self, x: pd.DataFrame) -> np.ndarray:
        """Boolean mask of the rows of ``x`` inside the box."""
        inside = np.ones(len(x), dtype=bool)
        for _, r in self.limits.iterrows():
            v = x[r["factor"]].to_numpy(dtype=float)
            inside &= (v >= r["low"]) & (v <= r["high"])
        return inside

    def to_dict(self) -> dict[str, Any]:
        """Plain values (for JSON)."""
        return {"label": self.label, "limits": self.limits.to_dict(orient="records"),
                "coverage": self.coverage, "density": self.density, "mass": self.mass,
                "base_rate": self.base_rate, "n": self.n, "description": self.describe(),
                "skipped": bool(self.skipped)}


def prim_box(x: pd.DataFrame, y: ArrayLike, label: str = "", min_density: float = 0.8,
             peel_alpha: float = 0.05, mass_min: float = 0.05, min_cut: float = 0.1
             ) -> PrimBox:
    """Find the first PRIM box of the cases where ``y`` is true.

    Restrictions that keep more than ``1 - min_cut`` of a factor's range are
    dropped from the chosen box (they say almost nothing), and the coverage,
    density and mass are then counted on the data for the simplified box.

    ``x``: one row per case (a world, or a design point), numeric factor columns.
    ``y``: booleans, the cases of interest (e.g. the world escaped).
    """
    yy = np.asarray(y, dtype=bool)
    if len(x) != yy.size:
        raise ParameterError("y", yy.size, f"must have one value per row of x ({len(x)})")
    if not 0.0 < min_density <= 1.0:
        raise ParameterError("min_density", min_density, "must be in (0, 1]")
    xf = x.reset_index(drop=True).astype(float)
    ranges = {c: (float(xf[c].min()), float(xf[c].max())) for c in xf.columns}
    n = len(xf)
    base = float(yy.mean()) if n else float("nan")
    if n == 0 or not yy.any():
        empty = pd.DataFrame(columns=["factor", "low", "high"])
        return PrimBox(label, empty, 0.0, 0.0, 1.0 if n else 0.0, base, n, ranges)
    if not prim_available():
        return PrimBox(label, pd.DataFrame(columns=["factor", "low", "high"]), 1.0, base, 1.0,
                       base, n, ranges, skipped=PRIM_MISSING)
    import prim
    logging.getLogger("prim").setLevel(logging.WARNING)
    p = prim.Prim(xf, yy.astype(float), threshold=0.5, threshold_type=">",
                  peel_alpha=peel_alpha, mass_min=mass_min)
    box = p.find_box()
    traj = box.peeling_trajectory
    dens = traj["density"].to_numpy()
    cov = traj["coverage"].to_numpy()
    good = np.flatnonzero(dens >= min_density)
    i = int(good[np.argmax(cov[good])]) if good.size else int(np.argmax(dens))
    box.select(i)
    lim = box.limits
    rows = []
    for name in lim.index:
        lo, hi = float(lim.loc[name, "min"]), float(lim.loc[name, "max"])
        full_lo, full_hi = ranges[str(name)]
        width = full_hi - full_lo
        if width <= 0 or (hi - lo) >= (1.0 - min_cut) * width:
            continue  # a restriction that cuts off almost nothing says nothing
        rows.append({"factor": str(name), "low": lo, "high": hi})
    limits = pd.DataFrame(rows, columns=["factor", "low", "high"])
    out = PrimBox(label, limits, 0.0, 0.0, 0.0, base, n, ranges)
    inside = out.contains(xf)
    coverage = float(yy[inside].sum() / yy.sum())
    density = float(yy[inside].mean()) if inside.any() else 0.0
    return PrimBox(label, limits, coverage, density, float(inside.mean()), base, n, ranges)
