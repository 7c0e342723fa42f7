"""Outcome rates per design point, with intervals, and Booth and Wheeler's three logics.

Input: the per-world rows of a sweep of the world model (one row per replicate,
with ``point`` and ``outcome`` columns, as :func:`herz.experiment.query` returns
them). Output: one row per design point with the number of worlds, the count and
rate of each outcome and its confidence interval
(:func:`herz.analysis.intervals.proportion_interval`).

Rates: ``escape`` (mitigated or transcended), ``war``, ``spiral``, ``mitigated``,
``transcended`` and ``unresolved`` (the classification of
:mod:`herz.world.outcomes`, whose thresholds the world's parameters record).

Booth and Wheeler's three logics, as herz reads them from the outcomes:

- *fatalist*: the dilemma ran its course, a spiral or a war;
- *mitigator*: the dilemma was managed, arms bounded without war or community;
- *transcender*: a security community covers most states and arms fell.

Worlds still ``unresolved`` at the end of the run belong to none of the three and
are shown apart.

References
----------
Booth, K. and Wheeler, N. J. (2008). *The Security Dilemma: Fear, Cooperation and
Trust in World Politics*. Palgrave Macmillan.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from herz.analysis.intervals import IntervalMethod, proportion_interval

__all__ = ["LOGICS", "OUTCOMES", "RATES", "logic_shares", "outcome_rates"]

#: Outcome labels of the world (herz.world.Outcome values; world v2 adds no_dilemma: no pair
#: of security seekers entered the dilemma after burn-in and no war; v2 never labels spiral).
OUTCOMES = ("war", "spiral", "mitigated", "transcended", "unresolved", "no_dilemma")
#: Rates reported per point: name -> the outcomes it counts.
RATES: dict[str, tuple[str, ...]] = {
    "escape": ("mitigated", "transcended"),
    "war": ("war",),
    "spiral": ("spiral",),
    "mitigated": ("mitigated",),
    "transcended": ("transcended",),
    "unresolved": ("unresolved",),
    "no_dilemma": ("no_dilemma",),
}
#: Booth and Wheeler's logics: name -> the outcomes that count for it.
LOGICS: dict[str, tuple[str, ...]] = {
    "fatalist": ("spiral", "war"),
    "mitigator": ("mitigated",),
    "transcender": ("transcended",),
    "unresolved": ("unresolved",),
    "no_dilemma": ("no_dilemma",),
}


def outcome_rates(results: pd.DataFrame, by: Sequence[str] = ("point",),
                  confidence: float = 0.95, method: IntervalMethod = "wilson") -> pd.DataFrame:
    """Count, rate and interval of every outcome per group (design point).

    Columns: the ``by`` columns, ``n``, and for each rate R of :data:`RATES`
    ``R_count``, ``p_R``, ``R_low``, ``R_high`` and ``R_halfwidth`` (half the
    interval's width). Other columns that are constant within a group (the
    design's factors) are kept.
    """
    by = list(by)
    if results.empty:
        raise ValueError("no results to analyse (every run failed, or none ran)")
    outcome = results["outcome"].astype(str)
    frame = pd.DataFrame({c: results[c] for c in by})
    for name, outs in RATES.items():
        frame[name] = outcome.isin(outs).to_numpy()
    g = frame.groupby(by, sort=True)
    out = g.size().rename("n").reset_index()
    sums = g[list(RATES)].sum().reset_index(drop=True)
    n = out["n"].to_numpy()
    for name in RATES:
        k = sums[name].to_numpy()
        lo, hi = proportion_interval(k, n, confidence, method)
        out[f"{name}_count"] = k.astype(np.int64)
        out[f"p_{name}"] = k / n
        out[f"{name}_low"] = lo
        out[f"{name}_high"] = hi
        out[f"{name}_halfwidth"] = (hi - lo) / 2.0
    # carry the factors (constant within a point) along
    skip = set(by) | {"outcome", "replicate"}
    const = [c for c in results.columns if c not in skip]
    if const:
        first = results.groupby(by, sort=True)[const].agg(["first", "nunique"])
        keep = [c for c in const if (first[(c, "nunique")] <= 1).all()
                and c in _factor_like(results)]
        for c in keep:
            out[c] = first[(c, "first")].to_numpy()
    return out


def _factor_like(results: pd.DataFrame) -> set[str]:
    from herz.world.outcomes import OUTCOME_COLUMNS

    return {c for c in results.columns if c not in OUTCOME_COLUMNS}


def logic_shares(results: pd.DataFrame, confidence: float = 0.95,
                 method: IntervalMethod = "wilson") -> pd.DataFrame:
    """Share of all worlds under each of Booth and Wheeler's logics, with intervals.

    One row per logic (fatalist, mitigator, transcender, unresolved): ``logic``,
    ``outcomes`` (which outcomes count), ``count``, ``n``, ``share``, ``low``, ``high``.
    """
    outcome = results["outcome"].astype(str)
    n = len(outcome)
    rows = []
    for logic, outs in LOGICS.items():
        k = int(outcome.isin(outs).sum())
        lo, hi = proportion_interval(k, n, confidence, method)
        rows.append({"logic": logic, "outcomes": " or ".join(outs), "count": k, "n": n,
                     "share": k / n if n else float("nan"), "low": float(lo[0]),
                     "high": float(hi[0])})
    return pd.DataFrame(rows)
