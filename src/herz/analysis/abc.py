"""Likelihood-free fitting on a reference table: rejection ABC with regression, history matching.

A *reference table* holds n parameter draws from the prior and the summary
statistics of one simulation at each draw. Two standard ways to learn from it:

- :func:`rejection_abc`: keep the draws whose statistics lie nearest the
  observed ones (Euclidean distance on statistics scaled by their median
  absolute deviation), weight them with the Epanechnikov kernel and correct
  each kept draw by a local-linear regression of the parameters on the
  statistics, theta* = theta - (s - s_obs) beta (Beaumont, Zhang & Balding
  2002). Bounded parameters are adjusted on the logit scale and mapped back, so
  the adjusted draws stay inside the prior (Hamilton et al. 2005). The
  residuals are *modified* for prediction (Davison & Hinkley 1997, chapter 6;
  Stine 1985): each is divided by its own standard deviation under the fit,
  sqrt(c_i) with c_i = [(I - H)(I - H)^T]_ii, H the weighted hat matrix, and
  multiplied by that of a new draw at the observed statistics,
  sqrt(1 + v_0), v_0 the variance of the fitted intercept (both in units of
  the residual variance). The plain residuals understate the spread of a fit
  with few kept draws per coefficient and ignore the error of the fitted
  mean: with 60 kept draws for 6 coefficients the 90% intervals covered 83%
  (p_greedy) and 82% (war_intercept) of 55,993 records drawn from the prior,
  89% and 88% with the modified residuals (``residuals="raw"`` gives the
  plain adjustment; the numbers are in :func:`rejection_abc`).
- :func:`history_matching`: rule out parameter values whose expected statistics
  are too far from the observed ones given every variance in play:
  I_j(x) = |z_j - E[f_j(x)]| / sqrt(V_obs,j + V_disc,j + V_sim,j(x)), and x is
  *not implausible* when max_j I_j(x) < 3 (Pukelsheim's 3-sigma rule; Vernon,
  Goldstein & Bower 2010). E[f(x)] and V_sim(x) come from a k-nearest-neighbour
  emulator over the table (mean and variance of the neighbours' statistics;
  the variance of that mean added), which suits a stochastic simulator with one
  run per draw; or, with ``emulator="linear"``, from a linear regression of
  each statistic on the (range-scaled) parameters: E[f(x)] its prediction,
  V_sim(x) the residual variance plus the prediction's own variance (the
  simplest of the regression emulators of Vernon et al. 2010, section 3; it
  smooths more than the neighbours and needs fewer draws, but cannot follow
  a strongly curved response).

pyabc (Klinger et al. 2018) was considered and not added: its sequential sampler
needs a simulator callable per particle and a database back end, while herz's
fit works on one reference table built in batches, for which rejection with
regression adjustment is the standard (and much lighter) estimator.

References
----------
Beaumont, M. A., Zhang, W. & Balding, D. J. (2002). Approximate Bayesian computation
in population genetics. *Genetics* 162(4): 2025-2035.

Davison, A. C. & Hinkley, D. V. (1997). *Bootstrap Methods and their Application*.
Cambridge University Press, chapter 6 (modified residuals; prediction in linear regression).

Hamilton, G., Currat, M., Ray, N. et al. (2005). Bayesian estimation of recent migration
rates after a spatial expansion. *Genetics* 170(1): 409-417.

Vernon, I., Goldstein, M. & Bower, R. G. (2010). Galaxy formation: a Bayesian uncertainty
analysis. *Bayesian Analysis* 5(4): 619-669.

Stine, R. A. (1985). Bootstrap prediction intervals for regression. *Journal of the
American Statistical Association* 80(392): 1026-1031.

Pukelsheim, F. (1994). The three sigma rule. *The American Statistician* 48(2): 88-91.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from herz.errors import ParameterError

__all__ = [
    "MIN_PER_COEFFICIENT",
    "ABCPosterior",
    "HistoryMatch",
    "ReferenceTable",
    "history_matching",
    "rejection_abc",
    "weighted_quantile",
]

Array = NDArray[np.float64]
#: Kept draws per regression coefficient below which ``regression="auto"`` does not adjust.
MIN_PER_COEFFICIENT = 8


@dataclass(frozen=True)
class ReferenceTable:
    """Parameter draws (n, p) and the summary statistics (n, q) simulated at each."""

    params: Array
    stats: Array
    param_names: tuple[str, ...]
    stat_names: tuple[str, ...]
    bounds: tuple[tuple[float, float], ...] | None = None

    def __post_init__(self) -> None:
        p = np.asarray(self.params, float)
        s = np.asarray(self.stats, float)
        if p.ndim != 2 or s.ndim != 2 or len(p) != len(s):
            raise ParameterError("params, stats", (p.shape, s.shape),
                                 "need 2-d arrays with one row per draw")
        if p.shape[1] != len(self.param_names) or s.shape[1] != len(self.stat_names):
            raise ParameterError("names", (self.param_names, self.stat_names),
                                 "need one name per column")
        if self.bounds is not None and len(self.bounds) != p.shape[1]:
            raise ParameterError("bounds", self.bounds, "need one (low, high) per parameter")
        object.__setattr__(self, "params", p)
        object.__setattr__(self, "stats", s)

    def finite(self) -> ReferenceTable:
        """The rows whose statistics are all finite (a world may yield no rivalry, say)."""
        ok = np.isfinite(self.stats).all(axis=1)
        return ReferenceTable(self.params[ok], self.stats[ok], self.param_names,
                              self.stat_names, self.bounds)


def weighted_quantile(x: Array, w: Array, q: Sequence[float]) -> Array:
    """Quantiles of ``x`` under weights ``w`` (midpoint interpolation of the weighted CDF)."""
    x = np.asarray(x, float)
    w = np.asarray(w, float)
    order = np.argsort(x)
    xs, ws = x[order], w[order]
    cdf = (np.cumsum(ws) - 0.5 * ws) / ws.sum()
    return np.interp(np.asarray(q, float), cdf, xs)


def _mad_scale(stats: Array) -> Array:
    med = np.median(stats, axis=0)
    mad = 1.4826 * np.median(np.abs(stats - med), axis=0)
    sd = stats.std(axis=0)
    scale = np.where(mad > 0, mad, sd)
    return np.where(scale > 0, scale, 1.0)


def _to_unbounded(x: Array, bounds: Sequence[tuple[float, float]] | None) -> Array:
    if bounds is None:
        return x.copy()
    out = x.copy()
    for j, (lo, hi) in enumerate(bounds):
        u = np.clip((x[:, j] - lo) / (hi - lo), 1e-9, 1 - 1e-9)
        out[:, j] = np.log(u / (1 - u))
    return out


def _to_bounded(y: Array, bounds: Sequence[tuple[float, float]] | None) -> Array:
    if bounds is None:
        return y
    out = y.copy()
    for j, (lo, hi) in enumerate(bounds):
        out[:, j] = lo + (hi - lo) / (1 + np.exp(-y[:, j]))
    return out


@dataclass(frozen=True)
class ABCPosterior:
    """Accepted (regression-adjusted) draws with their Epanechnikov weights."""

    samples: Array
    weights: Array
    param_names: tuple[str, ...]
    tolerance: float
    accepted: int
    regression: bool
    #: The regression residuals used: ``"modified"``, ``"raw"`` or ``"none"`` (no adjustment).
    residuals: str = "none"

    def summary(self, level: float = 0.95) -> dict[str, dict[str, float]]:
        """Per parameter: weighted mean, median, sd and the central ``level`` interval."""
        a = (1 - level) / 2
        out = {}
        w = self.weights / self.weights.sum()
        for j, name in enumerate(self.param_names):
            x = self.samples[:, j]
            mean = float(np.sum(w * x))
            lo, med, hi = weighted_quantile(x, w, [a, 0.5, 1 - a])
            out[name] = {"mean": mean, "median": float(med),
                         "sd": float(np.sqrt(np.sum(w * (x - mean) ** 2))),
                         "low": float(lo), "high": float(hi)}
        return out

    def to_dict(self, level: float = 0.95) -> dict[str, Any]:
        """Plain values: the summary and how the posterior was made."""
        return {"summary": self.summary(level), "tolerance": self.tolerance,
                "accepted": self.accepted, "regression": self.regression,
                "residuals": self.residuals, "level": level}


def _modified_residuals(x: Array, w: Array, resid: Array) -> Array:
    """Residuals of a weighted least-squares fit rescaled to the spread of a new draw at x = 0.

    The fit theta = x beta + e (Var e = sigma^2, kernel weights ``w``) has hat
    matrix H = X A X^T W, A = (X^T W X)^-1; residual i has variance
    sigma^2 c_i, c_i = [(I - H)(I - H)^T]_ii = 1 - 2 w_i x_i^T A x_i +
    x_i^T A M A x_i with M = X^T W^2 X; the fitted intercept (the prediction
    at the observed statistics, where the centred x is 0 but for the constant)
    has variance sigma^2 v_0, v_0 = (A M A)_00. A new draw there deviates
    from the fitted intercept with variance sigma^2 (1 + v_0), so residual i
    is scaled by sqrt((1 + v_0) / c_i): the modified residuals of Davison &
    Hinkley (1997, chapter 6) for prediction (Stine 1985), in their weighted
    form. O(k p^2), no k x k matrix.
    """
    a = np.linalg.pinv(x.T @ (x * w[:, None]))
    ama = a @ (x.T @ (x * (w * w)[:, None])) @ a
    c = 1.0 - 2.0 * w * np.einsum("ij,jk,ik->i", x, a, x) + np.einsum("ij,jk,ik->i", x, ama, x)
    scale = np.sqrt((1.0 + ama[0, 0]) / np.maximum(c, 1e-12))
    return resid * scale[:, None]


def rejection_abc(table: ReferenceTable, observed: Sequence[float] | Array,
                  quantile: float = 0.1, regression: bool | str = True,
                  residuals: str = "modified") -> ABCPosterior:
    """Rejection ABC with local-linear regression adjustment (Beaumont et al. 2002).

    Keeps the ``quantile`` share of draws nearest ``observed`` (MAD-scaled
    Euclidean distance); the tolerance is the largest kept distance. With
    ``regression``, kept draws are adjusted by the Epanechnikov-weighted
    least-squares fit of (logit-scaled, if ``table.bounds``) parameters on the
    statistics: draw i becomes the fitted value at ``observed`` plus its
    residual. ``regression="auto"`` adjusts only when at least
    :data:`MIN_PER_COEFFICIENT` draws per regression coefficient are kept: with
    fewer the fit overfits and the intervals under-cover (measured: 33% coverage
    of 90% intervals with 9 draws for 6 coefficients). Rows with non-finite
    statistics are dropped first.

    ``residuals``: ``"modified"`` (default) scales each residual to the spread
    of a new draw at the observed statistics (:func:`_modified_residuals`:
    the residual's own variance under the fit divided out, the fitted mean's
    variance added; Davison & Hinkley 1997, chapter 6); ``"raw"`` uses the
    plain residuals (Beaumont et al. 2002). Measured (2026-12-03) on 20
    tables of 150 draws of p_greedy and war_intercept (the recovery test's
    sizes, 40% kept) with the other tables' 55,993 draws as records: 90%
    intervals covered 83.4% (p_greedy) and 82.4% (war_intercept) with the
    plain residuals, 88.7% and 87.6% with the modified ones (away from the
    prior's edges 0.87-0.94 in every bin; within 0.05, resp. 0.5, of a
    bound 0.72-0.79, where even an exact posterior's equal-tailed interval
    cannot reach a value at the bound). At the recovery test's three known
    points (160 records each): p_greedy 0.79/0.87/0.93 -> 0.86/0.92/0.96,
    war_intercept 0.88/0.85/0.96 -> 0.92/0.91/0.98, median widths 9-15%
    wider. On 6 tables of 600 draws keeping 10%: 0.87-0.95 at all six.
    """
    if not 0 < quantile <= 1:
        raise ParameterError("quantile", quantile, "must be in (0, 1]")
    if residuals not in ("modified", "raw"):
        raise ParameterError("residuals", residuals, "must be 'modified' or 'raw'")
    table = table.finite()
    obs = np.asarray(observed, float)
    if obs.shape != (table.stats.shape[1],) or not np.isfinite(obs).all():
        raise ParameterError("observed", obs.tolist(),
                             f"need {table.stats.shape[1]} finite statistics")
    n = len(table.params)
    k = max(round(quantile * n), table.stats.shape[1] + 2)
    if k > n:
        raise ParameterError("reference table", n, f"needs at least {k} finite rows")
    scale = _mad_scale(table.stats)
    z = (table.stats - obs) / scale
    dist = np.sqrt(np.sum(z * z, axis=1))
    idx = np.argsort(dist, kind="stable")[:k]
    eps = float(dist[idx[-1]]) or 1.0
    w = 1.0 - (dist[idx] / (eps * (1 + 1e-9))) ** 2
    theta = _to_unbounded(table.params[idx], table.bounds)
    if regression == "auto":
        regression = k >= MIN_PER_COEFFICIENT * (table.stats.shape[1] + 1)
    elif not isinstance(regression, bool):
        raise ParameterError("regression", regression, "must be True, False or 'auto'")
    if regression:
        x = np.column_stack([np.ones(k), z[idx]])
        sw = np.sqrt(w)[:, None]
        beta, *_ = np.linalg.lstsq(x * sw, theta * sw, rcond=None)
        if residuals == "modified":
            theta = beta[0] + _modified_residuals(x, w, theta - x @ beta)
        else:
            theta = theta - z[idx] @ beta[1:]
    samples = _to_bounded(theta, table.bounds)
    return ABCPosterior(samples, w, table.param_names, eps, k, bool(regression),
                        residuals if regression else "none")


@dataclass(frozen=True)
class HistoryMatch:
    """Implausibility of every draw of the table and the not-implausible region."""

    implausibility: Array
    max_implausibility: Array
    not_implausible: NDArray[np.bool_]
    threshold: float
    param_names: tuple[str, ...]
    params: Array

    def region(self) -> dict[str, tuple[float, float]]:
        """Per parameter: the smallest and largest not-implausible value (a bounding box)."""
        keep = self.params[self.not_implausible]
        if len(keep) == 0:
            return {}
        return {n: (float(keep[:, j].min()), float(keep[:, j].max()))
                for j, n in enumerate(self.param_names)}

    def draws(self) -> list[dict[str, float]]:
        """The not-implausible draws, one ``{parameter: value}`` each (table order)."""
        keep = self.params[self.not_implausible]
        return [dict(zip(self.param_names, row.tolist(), strict=True)) for row in keep]

    @property
    def share(self) -> float:
        """The share of the table's draws that are not implausible."""
        return float(self.not_implausible.mean())

    def to_dict(self) -> dict[str, Any]:
        """Plain values: threshold, share and box of the not-implausible region."""
        return {"threshold": self.threshold, "share_not_implausible": self.share,
                "n": len(self.params),
                "region": {k: list(v) for k, v in self.region().items()}}


def history_matching(table: ReferenceTable, observed: Sequence[float] | Array,
                     observed_var: Sequence[float] | Array,
                     discrepancy_var: Sequence[float] | Array | float = 0.0,
                     threshold: float = 3.0, neighbours: int = 20,
                     emulator: str = "knn") -> HistoryMatch:
    """History matching (Vernon et al. 2010) with a k-nearest-neighbour emulator.

    For every draw x of the table, E[f(x)] and V_sim(x) are the mean and
    variance of the statistics of its ``neighbours`` nearest draws in the
    parameter space (each parameter scaled to its prior range); the
    emulator's own uncertainty V_sim/k is added. I_j(x) is as in the module
    docstring; x is not implausible when max_j I_j(x) < ``threshold``.
    ``observed_var``: the variance of each observed statistic (its interval's
    half-width / 1.96, squared); ``discrepancy_var``: model discrepancy.
    ``emulator``: ``"knn"`` (the neighbours above) or ``"linear"`` (ordinary
    least squares of each statistic on the scaled parameters with an
    intercept; V_sim(x) = s^2 (1 + x^T (X^T X)^-1 x), s^2 the residual
    variance; ``neighbours`` is then not used).
    """
    if emulator not in ("knn", "linear"):
        raise ParameterError("emulator", emulator, "must be 'knn' or 'linear'")
    table = table.finite()
    obs = np.asarray(observed, float)
    q = table.stats.shape[1]
    v_obs = np.broadcast_to(np.asarray(observed_var, float), (q,))
    v_disc = np.broadcast_to(np.asarray(discrepancy_var, float), (q,))
    if obs.shape != (q,) or (v_obs < 0).any() or (v_disc < 0).any():
        raise ParameterError("observed, observed_var", (obs.tolist(), v_obs.tolist()),
                             f"need {q} statistics and non-negative variances")
    n = len(table.params)
    if emulator == "knn" and not 2 <= neighbours <= n:
        raise ParameterError("neighbours", neighbours, f"must be between 2 and {n}")
    if emulator == "linear" and n < table.params.shape[1] + 2:
        raise ParameterError("reference table", n, "needs at least "
                             f"{table.params.shape[1] + 2} finite rows for a linear emulator")
    if threshold <= 0:
        raise ParameterError("threshold", threshold, "must be > 0")
    if table.bounds is not None:
        lo = np.array([b[0] for b in table.bounds])
        span = np.array([b[1] - b[0] for b in table.bounds])
    else:
        lo = table.params.min(axis=0)
        span = np.ptp(table.params, axis=0)
    x = (table.params - lo) / np.where(span > 0, span, 1.0)
    imp = np.empty((n, q))
    if emulator == "linear":
        design = np.column_stack([np.ones(n), x])
        beta, *_ = np.linalg.lstsq(design, table.stats, rcond=None)
        mean = design @ beta                                       # (n, q)
        dof = max(n - design.shape[1], 1)
        s2 = ((table.stats - mean) ** 2).sum(axis=0) / dof          # (q,)
        lev = np.einsum("ij,jk,ik->i", design, np.linalg.pinv(design.T @ design), design)
        total = v_obs + v_disc + s2[None, :] * (1.0 + lev[:, None])
        imp = np.abs(obs - mean) / np.sqrt(np.maximum(total, 1e-300))
        mx = imp.max(axis=1)
        return HistoryMatch(imp, mx, mx < threshold, threshold, table.param_names,
                            table.params)
    block = 512
    for start in range(0, n, block):
        xb = x[start:start + block]
        d2 = ((xb[:, None, :] - x[None, :, :]) ** 2).sum(axis=2)
        nn = np.argpartition(d2, neighbours - 1, axis=1)[:, :neighbours]
        s = table.stats[nn]                       # (b, k, q)
        mean = s.mean(axis=1)
        var = s.var(axis=1, ddof=1)
        total = v_obs + v_disc + var * (1 + 1 / neighbours)
        imp[start:start + block] = np.abs(obs - mean) / np.sqrt(np.maximum(total, 1e-300))
    mx = imp.max(axis=1)
    return HistoryMatch(imp, mx, mx < threshold, threshold, table.param_names, table.params)

