"""Time to escape and time to war as survival curves (Kaplan-Meier).

A world that has not escaped (or not gone to war) by the end of its run is
right-censored at the run's length: all we know is that the event had not
happened by then. Worlds that went to war are censored for the time to escape
at the end of the run too, so 1 - S(T) at the horizon equals the share of worlds
that escaped (no competing-risk adjustment). The estimator is statsmodels'
:class:`~statsmodels.duration.survfunc.SurvfuncRight`; pointwise intervals use
the log(-log) transform of Greenwood's variance (Kalbfleisch and Prentice).

References
----------
Kaplan, E. L. and Meier, P. (1958). Nonparametric estimation from incomplete
observations. *Journal of the American Statistical Association* 53(282): 457-481.
doi:10.1080/01621459.1958.10501452.

Kalbfleisch, J. D. and Prentice, R. L. (2002). *The Statistical Analysis of Failure
Time Data*, 2nd ed. Wiley.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

__all__ = ["SurvivalCurve", "kaplan_meier", "time_to_escape", "time_to_war"]


@dataclass(frozen=True)
class SurvivalCurve:
    """A Kaplan-Meier curve: ``table`` has time, at_risk, events, survival, low, high."""

    label: str
    table: pd.DataFrame
    n: int
    events: int
    horizon: float

    @property
    def share_at_zero(self) -> float:
        """Share of all subjects whose event happened at time 0."""
        row = self.table[(self.table["time"] == 0.0) & (self.table["events"] > 0)]
        return float(row["events"].sum() / self.n) if self.n else float("nan")

    @property
    def median(self) -> float:
        """First time at which survival falls to 0.5 or below (NaN if it never does)."""
        below = self.table[self.table["survival"] <= 0.5]
        return float(below["time"].iloc[0]) if len(below) else float("nan")


def kaplan_meier(durations: ArrayLike, observed: ArrayLike, label: str = "",
                 confidence: float = 0.95, horizon: float | None = None) -> SurvivalCurve:
    """Kaplan-Meier estimate of S(t) = P(event after t), with pointwise intervals."""
    from statsmodels.duration.survfunc import SurvfuncRight

    t = np.asarray(durations, dtype=float)
    e = np.asarray(observed, dtype=bool)
    if t.shape != e.shape or t.ndim != 1:
        raise ValueError("durations and observed must be 1-D and of equal length")
    if np.any(~np.isfinite(t)):
        raise ValueError("durations must be finite (censor at the horizon instead of NaN)")
    h = float(horizon if horizon is not None else (t.max() if t.size else 0.0))
    start = pd.DataFrame({"time": [0.0], "at_risk": [t.size], "events": [0],
                          "survival": [1.0], "low": [1.0], "high": [1.0]})
    if not e.any():
        flat = pd.concat([start, start.assign(time=h, at_risk=int((t >= h).sum()))],
                         ignore_index=True)
        return SurvivalCurve(label, flat, int(t.size), 0, h)
    sf = SurvfuncRight(t, e.astype(float))
    s = np.asarray(sf.surv_prob)
    se = np.asarray(sf.surv_prob_se)
    z = stats.norm.ppf(0.5 + confidence / 2.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ll = np.log(-np.log(s))
        sel = se / (s * np.abs(np.log(s)))
        lo = np.exp(-np.exp(ll + z * sel))
        hi = np.exp(-np.exp(ll - z * sel))
    lo = np.where(np.isfinite(lo), lo, s)
    hi = np.where(np.isfinite(hi), hi, s)
    table = pd.DataFrame({"time": np.asarray(sf.surv_times, dtype=float),
                          "at_risk": np.asarray(sf.n_risk, dtype=np.int64),
                          "events": np.asarray(sf.n_events, dtype=np.int64),
                          "survival": s, "low": lo, "high": hi})
    full = pd.concat([start, table], ignore_index=True)
    if h > float(full["time"].iloc[-1]):  # carry the curve on to the end of the run
        last = full.iloc[-1].copy()
        last["time"] = h
        last["at_risk"] = int((t >= h).sum())
        last["events"] = 0
        full = pd.concat([full, last.to_frame().T], ignore_index=True)
        full = full.astype({"time": float, "at_risk": np.int64, "events": np.int64,
                            "survival": float, "low": float, "high": float})
    return SurvivalCurve(label, full, int(t.size), int(e.sum()), h)


def time_to_escape(results: pd.DataFrame, steps: int, dt: float = 1.0, label: str = "escape"
                   ) -> SurvivalCurve:
    """Kaplan-Meier curve of the time to escape; worlds that did not escape are censored."""
    tte = results["time_to_escape"].to_numpy(dtype=float)
    escaped = results["escaped"].to_numpy(dtype=bool) & np.isfinite(tte)
    horizon = steps * dt
    return kaplan_meier(np.where(escaped, tte, horizon), escaped, label, horizon=horizon)


def time_to_war(results: pd.DataFrame, steps: int, dt: float = 1.0, label: str = "war"
                ) -> SurvivalCurve:
    """Kaplan-Meier curve of the time to the first war; peaceful worlds are censored."""
    step = results["first_war_step"].to_numpy(dtype=float)
    war = step >= 0
    horizon = steps * dt
    return kaplan_meier(np.where(war, step * dt, horizon), war, label, horizon=horizon)
