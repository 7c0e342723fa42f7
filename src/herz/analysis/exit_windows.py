"""How often the historical record meets the exit rule's steady-burden condition.

The exit of DESIGN.md section 3 asks, among others, that both states' military
burden be steady over an m-year window. Read every year (each yearly growth
within +-2%), almost no window of the record qualifies, so a world held to that
reading never records an exit; read as the window's trend (mean yearly log
growth within +-2%, :meth:`herz.world.episodes.EpisodeRule.steady`), about a
quarter do. This module measures both on the shipped burden series, SIPRI's
military spending as a share of GDP (20 countries, 1949-2023; the USSR and
Russia apart), with the rule's own methods, so the record and the world share
one definition. COW NMC spending has no output to divide by (herz ships no GDP
series), so it gives no burden and is not used here.

A window is ``years`` yearly growths, ``years + 1`` consecutive years with a
burden; every start year is taken (windows overlap), and the non-overlapping
subset (every ``years``-th start of each run) is reported beside them.
Intervals are percentile bootstraps over countries (windows of one country are
not independent).

References
----------
SIPRI (2024). *SIPRI Military Expenditure Database*. Stockholm International
Peace Research Institute (the shipped subset: ``src/herz/data/files/PROVENANCE.md``).

Efron, B. and Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*.
Chapman & Hall (clustered percentile intervals).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from herz.data import loaders
from herz.errors import ParameterError
from herz.world.episodes import EpisodeRule

__all__ = ["WINDOW_COLUMNS", "burden_windows", "dyad_windows", "window_shares"]

#: Columns of :func:`burden_windows`.
WINDOW_COLUMNS = ("unit", "first_year", "last_year", "trend", "max_abs_growth", "yearly_steady",
                  "trend_steady", "non_overlapping")


def _burden_frame() -> pd.DataFrame:
    s = loaders.sipri()
    s = s[s["milex_share_gdp_pct"].notna() & (s["milex_share_gdp_pct"] > 0)]
    return pd.DataFrame({"unit": s["sipri_country"].astype(str), "year": s["year"].astype(int),
                         "burden": s["milex_share_gdp_pct"].astype(float) / 100.0})


def _windows_of(unit: str, years: np.ndarray, lb: np.ndarray, m: int,
                rule: EpisodeRule) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    order = np.argsort(years)
    years, lb = years[order], lb[order]
    # runs of consecutive years
    breaks = np.nonzero(np.diff(years) != 1)[0] + 1
    for run_y, run_lb in zip(np.split(years, breaks), np.split(lb, breaks), strict=True):
        g = np.diff(run_lb)
        for k, a in enumerate(range(0, len(run_y) - m)):
            gw = g[a:a + m]
            rows.append({
                "unit": unit, "first_year": int(run_y[a + 1]), "last_year": int(run_y[a + m]),
                "trend": float(gw.mean()), "max_abs_growth": float(np.abs(gw).max()),
                "yearly_steady": bool(rule.steady(run_lb[a + 1:a + m + 1], run_lb[a:a + m],
                                                  years=1).all()),
                "trend_steady": bool(rule.steady(run_lb[a + m], run_lb[a], years=m)),
                "non_overlapping": k % m == 0,
            })
    return rows


def burden_windows(years: int = 10, rule: EpisodeRule | None = None,
                   frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every ``years``-year window of each country's burden, read both ways.

    ``frame`` (columns ``unit``, ``year``, ``burden`` as a share) replaces the
    shipped SIPRI series (tests). Returns :data:`WINDOW_COLUMNS`: the window's
    growth years, its trend (mean yearly log growth), its largest yearly
    |log growth|, and whether it is steady read ``yearly`` and as the ``trend``
    (the rule's band, ``exit_growth_band``).
    """
    if years < 1:
        raise ParameterError("years", years, "must be a whole number >= 1")
    rule = rule if rule is not None else EpisodeRule(exit_years=years)
    f = _burden_frame() if frame is None else frame
    rows: list[dict[str, Any]] = []
    for unit, g in f.groupby("unit", sort=True):
        lb = rule.log_burden(g["burden"].to_numpy(float), np.ones(len(g)))
        ok = np.isfinite(lb)
        rows += _windows_of(str(unit), g["year"].to_numpy(int)[ok], lb[ok], years, rule)
    return pd.DataFrame(rows, columns=list(WINDOW_COLUMNS))


def dyad_windows(years: int = 10, rule: EpisodeRule | None = None,
                 dyads: tuple[str, ...] = loaders.RIVAL_DYADS) -> pd.DataFrame:
    """Windows of the rival dyads in which both states' burdens are steady (the exit asks both).

    One row per dyad and window where both have a burden in all its years;
    ``unit`` is the dyad, ``yearly_steady`` and ``trend_steady`` need both states.
    """
    w = burden_windows(years, rule)
    w = w.assign(state=w["unit"].map(_abb_of()))
    out = []
    for dyad in dyads:
        a, b = loaders.split_dyad(dyad)
        wa, wb = w[w["state"] == a], w[w["state"] == b]
        both = wa.merge(wb, on=["first_year", "last_year"], suffixes=("_a", "_b"))
        if both.empty:
            continue
        out.append(pd.DataFrame({
            "unit": dyad, "first_year": both["first_year"], "last_year": both["last_year"],
            "trend": both[["trend_a", "trend_b"]].abs().max(axis=1),
            "max_abs_growth": both[["max_abs_growth_a", "max_abs_growth_b"]].max(axis=1),
            "yearly_steady": both["yearly_steady_a"] & both["yearly_steady_b"],
            "trend_steady": both["trend_steady_a"] & both["trend_steady_b"],
            "non_overlapping": (both["first_year"] - both["first_year"].min()) % years == 0,
        }))
    if not out:
        return pd.DataFrame(columns=list(WINDOW_COLUMNS))
    return pd.concat(out, ignore_index=True)[list(WINDOW_COLUMNS)]


def _abb_of() -> dict[str, str]:
    s = loaders.sipri()
    return dict(zip(s["sipri_country"].astype(str), s["stateabb"].astype(str), strict=False))


def window_shares(windows: pd.DataFrame, replicates: int = 2000, seed: int = 0,
                  level: float = 0.95) -> pd.DataFrame:
    """Shares of windows steady read yearly and as the trend, with intervals clustered on units.

    One row per subset (``all`` windows, ``non_overlapping``): ``windows``,
    ``units``, and for each reading its count, share and bootstrap interval
    (countries or dyads resampled with replacement, ``replicates`` times).
    """
    rng = np.random.default_rng(seed)
    rows = []
    for name, sub in (("all", windows), ("non_overlapping", windows[windows["non_overlapping"]])):
        units = sorted(sub["unit"].unique())
        row: dict[str, Any] = {"subset": name, "windows": len(sub), "units": len(units)}
        if not len(sub):
            rows.append(row)
            continue
        by = sub.groupby("unit")
        n = by.size().reindex(units).to_numpy(float)
        for col in ("yearly_steady", "trend_steady"):
            k = by[col].sum().reindex(units).to_numpy(float)
            pick = rng.integers(0, len(units), (replicates, len(units)))
            boot = k[pick].sum(axis=1) / n[pick].sum(axis=1)
            lo, hi = np.quantile(boot, [(1 - level) / 2, (1 + level) / 2])
            key = col.replace("_steady", "")
            row.update({f"{key}_n": int(k.sum()), f"{key}_share": float(k.sum() / n.sum()),
                        f"{key}_lo": float(lo), f"{key}_hi": float(hi)})
        rows.append(row)
    return pd.DataFrame(rows)
