"""Richardson's arms-race model: equations, exact solution, stability, fits to data.

Two states arm in reaction to each other's arms (fear, ``k`` and ``l``), are
held back by the cost of arming (fatigue and expense, ``a`` and ``b``) and carry
standing grievances or goodwill (``g`` and ``h``)::

    dx/dt = k*y - a*x + g
    dy/dt = l*x - b*y + h

The equilibrium is stable exactly when ``a*b > k*l``: mutual restraint outweighs
mutual fear. When ``k*l > a*b`` the system runs away, the formal picture of the
spiral of the security dilemma.

References
----------
Richardson, L. F. (1939). *Generalized Foreign Politics*. British Journal of
Psychology Monograph Supplements 23. Cambridge University Press.

Richardson, L. F. (1960). *Arms and Insecurity: A Mathematical Study of the Causes
and Origins of War*. N. Rashevsky and E. Trucco (eds.). Pittsburgh: Boxwood Press.

Braun, M. (1993). *Differential Equations and Their Applications*, 4th ed.,
section 4.5 "Richardson's theory of the arms race". New York: Springer.
doi:10.1007/978-1-4612-4360-1.

Caspary, W. R. (1967). Richardson's model of arms races: description, critique,
and an alternative model. *International Studies Quarterly* 11(1): 63-88.
doi:10.2307/3013990.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
import scipy.linalg
import statsmodels.api as sm
from numpy.typing import ArrayLike, NDArray

from herz.errors import ParameterError, require_finite, require_nonnegative

__all__ = [
    "PUBLISHED_1909_1913",
    "PublishedLine",
    "RichardsonCase",
    "RichardsonParams",
    "Stability",
    "SummedFit",
    "SystemFit",
    "Trajectory",
    "classify",
    "discrete_map",
    "eigenvalues",
    "equilibrium",
    "fit_summed",
    "fit_system",
    "jacobian",
    "simulate",
    "solve",
    "stability",
]

#: Relative tolerance under which ``a*b`` and ``k*l`` count as equal (degenerate case).
DEGENERACY_RTOL = 1e-12


@dataclass(frozen=True)
class RichardsonParams:
    """Coefficients of a two-state Richardson system.

    Attributes
    ----------
    k, l : reaction ("defence") coefficients of x to y and of y to x, >= 0: fear.
    a, b : fatigue-and-expense coefficients of x and y, >= 0: the economic brake.
    g, h : grievances of x and y (negative values are goodwill), any real number.

    References
    ----------
    Richardson, L. F. (1960). *Arms and Insecurity*. Pittsburgh: Boxwood Press.
    """

    k: float
    l: float
    a: float
    b: float
    g: float = 0.0
    h: float = 0.0

    def __post_init__(self) -> None:
        for name in ("k", "l", "a", "b"):
            object.__setattr__(self, name, require_nonnegative(name, getattr(self, name)))
        for name in ("g", "h"):
            object.__setattr__(self, name, require_finite(name, getattr(self, name)))

    def to_dict(self) -> dict[str, float]:
        """Return the coefficients as a plain dict."""
        return asdict(self)


class Stability(enum.StrEnum):
    """Stability of the Richardson equilibrium.

    ``stable``: a*b > k*l, every trajectory converges to the equilibrium.
    ``runaway``: k*l > a*b, the equilibrium is a saddle and arms diverge.
    ``degenerate``: a*b == k*l, one eigenvalue is zero; no unique equilibrium,
    trajectories drift linearly (or stand still on a line of rest points).
    """

    STABLE = "stable"
    RUNAWAY = "runaway"
    DEGENERATE = "degenerate"


class RichardsonCase(enum.StrEnum):
    """Richardson's four textbook cases plus the mixed and degenerate ones.

    References
    ----------
    Braun, M. (1993). *Differential Equations and Their Applications*, sec. 4.5.
    """

    STABLE_BALANCE = "stable balance"  # ab > kl, g, h > 0: arms settle at positive levels
    DISARMAMENT = "disarmament"  # ab > kl, g, h <= 0: arms fall to zero
    RUNAWAY_RACE = "runaway race"  # kl > ab, g, h > 0: unbounded arms race
    AMBIVALENT = "ambivalent"  # kl > ab, g, h <= 0: race or disarmament by start point
    STABLE_MIXED = "stable, mixed grievances"  # ab > kl, g and h of opposite sign
    RUNAWAY_MIXED = "runaway, mixed grievances"  # kl > ab, g and h of opposite sign
    DEGENERATE = "degenerate"  # ab == kl


def _as_params(params: RichardsonParams | dict[str, float]) -> RichardsonParams:
    if isinstance(params, RichardsonParams):
        return params
    return RichardsonParams(**params)


def jacobian(params: RichardsonParams) -> NDArray[np.float64]:
    """Return the system matrix ``A = [[-a, k], [l, -b]]`` of dz/dt = A z + c."""
    p = _as_params(params)
    return np.array([[-p.a, p.k], [p.l, -p.b]], dtype=float)


def _forcing(params: RichardsonParams) -> NDArray[np.float64]:
    return np.array([params.g, params.h], dtype=float)


def _determinant_sign(p: RichardsonParams) -> int:
    ab, kl = p.a * p.b, p.k * p.l
    scale = max(ab, kl)
    if scale == 0.0 or abs(ab - kl) <= DEGENERACY_RTOL * scale:
        return 0
    return 1 if ab > kl else -1


def eigenvalues(params: RichardsonParams) -> NDArray[np.float64]:
    """Return the two (always real) eigenvalues of the Jacobian, largest first.

    lambda = [-(a+b) +- sqrt((a-b)^2 + 4kl)] / 2, real because k, l >= 0.
    """
    p = _as_params(params)
    root = np.sqrt((p.a - p.b) ** 2 + 4.0 * p.k * p.l)
    return np.array([(-(p.a + p.b) + root) / 2.0, (-(p.a + p.b) - root) / 2.0])


def stability(params: RichardsonParams) -> Stability:
    """Classify the equilibrium: stable iff a*b > k*l (and runaway iff k*l > a*b)."""
    sign = _determinant_sign(_as_params(params))
    return {1: Stability.STABLE, -1: Stability.RUNAWAY, 0: Stability.DEGENERATE}[sign]


def equilibrium(params: RichardsonParams) -> tuple[float, float] | None:
    """Return the fixed point (x*, y*), or ``None`` when a*b == k*l.

    x* = (b*g + k*h) / (a*b - k*l),  y* = (a*h + l*g) / (a*b - k*l).
    In the runaway case the fixed point may have negative coordinates: it is a
    formal saddle point that no non-negative start can reach.
    """
    p = _as_params(params)
    if _determinant_sign(p) == 0:
        return None
    det = p.a * p.b - p.k * p.l
    return ((p.b * p.g + p.k * p.h) / det, (p.a * p.h + p.l * p.g) / det)


def classify(params: RichardsonParams) -> RichardsonCase:
    """Return which of Richardson's cases the coefficients fall in.

    References
    ----------
    Richardson, L. F. (1960). *Arms and Insecurity*; classification as in Braun
    (1993), *Differential Equations and Their Applications*, sec. 4.5.
    """
    p = _as_params(params)
    sign = _determinant_sign(p)
    if sign == 0:
        return RichardsonCase.DEGENERATE
    grievance = p.g > 0 and p.h > 0
    goodwill = p.g <= 0 and p.h <= 0
    if sign > 0:
        if grievance:
            return RichardsonCase.STABLE_BALANCE
        return RichardsonCase.DISARMAMENT if goodwill else RichardsonCase.STABLE_MIXED
    if grievance:
        return RichardsonCase.RUNAWAY_RACE
    return RichardsonCase.AMBIVALENT if goodwill else RichardsonCase.RUNAWAY_MIXED


@dataclass(frozen=True)
class Trajectory:
    """A computed path of the two arms levels, with how it was computed."""

    t: NDArray[np.float64]
    x: NDArray[np.float64]
    y: NDArray[np.float64]
    params: RichardsonParams
    method: str
    floor: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_frame(self) -> pd.DataFrame:
        """Return the path as a DataFrame with columns t, x, y."""
        return pd.DataFrame({"t": self.t, "x": self.x, "y": self.y})


def _check_times(t: ArrayLike) -> NDArray[np.float64]:
    times = np.atleast_1d(np.asarray(t, dtype=float))
    if times.ndim != 1 or not np.all(np.isfinite(times)):
        raise ParameterError("t", t, "must be a list of finite times")
    if np.any(times < 0):
        raise ParameterError("t", t, "must be times >= 0 (the start is t = 0)")
    return times


def _check_start(x0: float, y0: float) -> NDArray[np.float64]:
    return np.array([require_finite("x0", x0), require_finite("y0", y0)])


#: Largest condition number of the eigenvector matrix for which :func:`solve_affine` uses
#: the eigenbasis; above it (near a defective M) the augmented matrix exponential is used.
EIGENBASIS_MAX_COND = 1e4


def solve_affine(
    matrix: NDArray[np.float64], forcing: NDArray[np.float64], z0: NDArray[np.float64],
    t: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Exact solution of dz/dt = M z + c for any square M, at times ``t``.

    Uses the eigen-decomposition when M is diagonalisable with a well-conditioned
    real eigenbasis (singular M included); otherwise the exponential of the
    augmented matrix [[M, c], [0, 0]], exact for defective M too. The
    eigenbasis loses about cond(V) times the rounding error, so it is used only
    up to cond(V) = ``EIGENBASIS_MAX_COND`` (1e4: at most about 1e-12 relative).
    Returns an array of shape (len(t), n). Works for Richardson's n-nation
    generalisation.

    References
    ----------
    Moler, C. and Van Loan, C. (2003). Nineteen dubious ways to compute the
    exponential of a matrix, twenty-five years later. *SIAM Review* 45(1):
    3-49. doi:10.1137/S00361445024180 (the eigenvector method is accurate
    only for a well-conditioned eigenbasis).
    """
    n = matrix.shape[0]
    eigvals, vecs = np.linalg.eig(matrix)
    if np.all(np.abs(eigvals.imag) == 0.0) and np.linalg.cond(vecs) < EIGENBASIS_MAX_COND:
        # z(t) = V [exp(lam t) * V^-1 z0 + phi(lam, t) * V^-1 c], phi = (exp(lam t) - 1)/lam,
        # which is t where lam = 0: exact for singular diagonalisable M as well.
        lam, v = eigvals.real, vecs.real
        w0 = np.linalg.solve(v, z0)
        d = np.linalg.solve(v, forcing)
        lt = np.outer(t, lam)
        zero = np.abs(lam) < 1e-14
        safe = np.where(zero, 1.0, lam)
        phi = np.where(zero, t[:, None], np.expm1(lt) / safe)
        return (np.exp(lt) * w0 + phi * d) @ v.T
    aug = np.zeros((n + 1, n + 1))
    aug[:n, :n] = matrix
    aug[:n, n] = forcing
    start = np.append(z0, 1.0)
    return np.array([(scipy.linalg.expm(aug * ti) @ start)[:n] for ti in t])


def solve(
    params: RichardsonParams, x0: float, y0: float, t: ArrayLike
) -> Trajectory:
    """Exact solution of Richardson's equations at times ``t``.

    x(t) = x* + V diag(exp(lambda_i t)) V^-1 (x(0) - x*); the degenerate case
    a*b == k*l uses the matrix exponential of the augmented system. No floor is
    applied: Richardson's linear equations allow negative "arms" (read as
    net goodwill); use :func:`simulate` with ``floor=True`` to forbid them.

    References
    ----------
    Braun, M. (1993). *Differential Equations and Their Applications*, sec. 4.5.
    """
    p = _as_params(params)
    times = _check_times(t)
    z = solve_affine(jacobian(p), _forcing(p), _check_start(x0, y0), times)
    return Trajectory(times, z[:, 0].copy(), z[:, 1].copy(), p, method="exact")


def discrete_map(
    params: RichardsonParams, x0: float, y0: float, steps: int, dt: float = 1.0,
    floor: bool = False,
) -> Trajectory:
    """Iterate the discrete-time Richardson map (explicit Euler with step ``dt``).

    z_{n+1} = z_n + dt * (A z_n + c); with dt = 1 this is Richardson's yearly
    map x_{t+1} = (1-a) x_t + k y_t + g. For large steps the map can oscillate or
    diverge even when a*b > k*l. With ``floor=True`` arms are clipped at zero
    after each step.

    References
    ----------
    Richardson, L. F. (1960). *Arms and Insecurity*; the discrete form as in
    MODELS.md section 1.3 of the herz design notes.
    """
    p = _as_params(params)
    if steps < 0 or int(steps) != steps:
        raise ParameterError("steps", steps, "must be a whole number >= 0")
    if not dt > 0 or not np.isfinite(dt):
        raise ParameterError("dt", dt, "must be a finite number > 0")
    a, b, k, l, g, h = p.a, p.b, p.k, p.l, p.g, p.h
    xs = np.empty(int(steps) + 1)
    ys = np.empty(int(steps) + 1)
    x, y = _check_start(x0, y0)
    xs[0], ys[0] = x, y
    for n in range(int(steps)):
        x, y = x + dt * (k * y - a * x + g), y + dt * (l * x - b * y + h)
        if floor:
            x, y = max(x, 0.0), max(y, 0.0)
        xs[n + 1], ys[n + 1] = x, y
    t = dt * np.arange(int(steps) + 1, dtype=float)
    return Trajectory(t, xs, ys, p, method=f"discrete map, dt={dt:g}", floor=floor)


def _first_crossing(f, horizon: float, samples: int = 4000) -> float | None:
    """First time in (0, horizon] where f changes from >= 0 to < 0, by grid and brentq."""
    from scipy.optimize import brentq

    grid = np.linspace(0.0, horizon, samples + 1)
    vals = np.asarray(f(grid), dtype=float)
    below = np.nonzero(vals[1:] < 0.0)[0]
    if len(below) == 0:
        return None
    j = int(below[0]) + 1
    if vals[j - 1] < 0.0:
        return float(grid[j - 1])
    return float(brentq(lambda s: float(f(np.array([s]))[0]), grid[j - 1], grid[j],
                        xtol=1e-13, rtol=1e-13))


def _floored_path(p: RichardsonParams, z0: NDArray[np.float64], times: NDArray[np.float64]) -> NDArray[np.float64]:
    """Exact piecewise solution of the projected system (arms held at zero when pushed below).

    In each regime (both free, x held at 0, y held at 0, both held) the dynamics are
    affine and solved exactly; regime changes are located by root finding.
    """
    a_mat, c = jacobian(p), _forcing(p)
    out = np.empty((len(times), 2))
    t_now, z = 0.0, np.maximum(z0, 0.0)
    t_end = float(times.max())
    for _ in range(100):
        held = [z[i] <= 0.0 and (a_mat[i] @ z + c[i]) < 0.0 for i in range(2)]
        m, cc = a_mat.copy(), c.copy()
        for i in range(2):
            if held[i]:
                m[i, :], cc[i] = 0.0, 0.0

        def path(dt: NDArray[np.float64], m=m, cc=cc, z=z) -> NDArray[np.float64]:
            return solve_affine(m, cc, z, np.atleast_1d(dt))

        horizon = t_end - t_now
        crossings = []
        for i in range(2):
            if held[i]:  # released when its push turns positive
                crossings.append(_first_crossing(
                    lambda s, i=i: -(path(s) @ a_mat[i] + c[i]) - 1e-15, horizon))
            else:  # pinned when it reaches zero
                crossings.append(_first_crossing(lambda s, i=i: path(s)[:, i] + 1e-12, horizon))
        hits = [x for x in crossings if x is not None and x > 1e-12]
        t_next = t_now + min(hits) if hits else t_end
        sel = (times >= t_now) & (times <= t_next)
        if np.any(sel):
            out[sel] = solve_affine(m, cc, z, times[sel] - t_now)
        if not hits:
            break
        z = np.maximum(path(np.array([t_next - t_now]))[0], 0.0)
        z[np.abs(z) < 1e-10] = 0.0
        t_now = t_next
    return np.maximum(out, 0.0)


def simulate(
    params: RichardsonParams, x0: float, y0: float, t: ArrayLike, dt: float | None = None,
    floor: bool = False,
) -> Trajectory:
    """Solve Richardson's system at times ``t``: exactly, or by the discrete map.

    With ``dt`` given, the discrete map with that step is iterated and sampled at
    ``t`` (each time must be a multiple of ``dt``). Without it, the exact solution
    is used; if ``floor=True`` and the exact path would go negative, the
    projected system (arms held at zero while pushed below it) is solved
    piecewise, exactly within each regime, and the method says so.
    """
    p = _as_params(params)
    times = _check_times(t)
    if dt is not None:
        if not dt > 0 or not np.isfinite(dt):
            raise ParameterError("dt", dt, "must be a finite number > 0")
        idx = np.rint(times / dt)
        if not np.allclose(idx * dt, times, rtol=0, atol=1e-9 * max(1.0, float(times.max()))):
            raise ParameterError("t", list(times), f"must be multiples of dt = {dt:g}")
        path = discrete_map(p, x0, y0, int(idx.max()), dt=dt, floor=floor)
        sel = idx.astype(int)
        return Trajectory(times, path.x[sel], path.y[sel], p, path.method, floor)
    exact = solve(p, x0, y0, times)
    if not floor or (np.all(exact.x >= 0) and np.all(exact.y >= 0) and x0 >= 0 and y0 >= 0):
        return Trajectory(times, exact.x, exact.y, p, "exact", floor)
    z = _floored_path(p, _check_start(x0, y0), times)
    x, y = z[:, 0].copy(), z[:, 1].copy()
    return Trajectory(
        times, x, y, p, "projected, exact piecewise", floor,
        notes=("the exact linear path went below zero; arms were held at zero",),
    )


# --------------------------------------------------------------------------- fits


@dataclass(frozen=True)
class PublishedLine:
    """Richardson's published 1909-1913 line, carried as data with its citation."""

    slope: float
    zero_point: float
    unit: str
    citation: str

    @property
    def intercept(self) -> float:
        """Return g + h implied by the line: -slope * zero point."""
        return -self.slope * self.zero_point

    def increase(self, total: ArrayLike) -> NDArray[np.float64]:
        """Yearly increase of U+V predicted by the line at combined budget ``total``."""
        return self.slope * (np.asarray(total, dtype=float) - self.zero_point)


#: Delta(U+V) = 0.73 * ((U+V) - 194), pounds sterling million per year.
PUBLISHED_1909_1913 = PublishedLine(
    slope=0.73,
    zero_point=194.0,
    unit="GBP million (current)",
    citation=(
        "Richardson, L. F. (1960). Arms and Insecurity. Pittsburgh: Boxwood Press; "
        "line as reproduced in Braun, M. (1993), Differential Equations and Their "
        "Applications, 4th ed., sec. 4.5, Springer. Status [R]: reproduced in many "
        "textbooks, original table not re-checked."
    ),
)


@dataclass(frozen=True)
class SummedFit:
    """Richardson's summed fit: yearly increase of U+V on the mean of U+V.

    ``slope`` estimates k - a and ``intercept`` estimates g + h (with k = l and
    a = b assumed); ``zero_point`` is where the fitted increase is zero.
    """

    slope: float
    intercept: float
    zero_point: float
    r_squared: float
    slope_se: float
    intercept_se: float
    n_obs: int
    years: tuple[int, int]
    regressor: str
    unit: str
    warning: str = (
        "The summed fit estimates only k - a and g + h: it does not identify the "
        "reaction coefficient k and the fatigue coefficient a separately."
    )

    def to_dict(self) -> dict[str, Any]:
        """Return the fit as a plain dict."""
        d = asdict(self)
        d["years"] = list(self.years)
        return d


def _pairs(
    years: ArrayLike, *series: ArrayLike
) -> tuple[NDArray[np.int64], list[NDArray[np.float64]]]:
    yrs = np.asarray(years)
    arrays = [np.asarray(s, dtype=float) for s in series]
    if yrs.ndim != 1 or any(a.shape != yrs.shape for a in arrays):
        raise ParameterError("series", [a.shape for a in arrays], "must be 1-D and as long as years")
    order = np.argsort(yrs)
    yrs = yrs[order].astype(np.int64)
    arrays = [a[order] for a in arrays]
    if np.any(np.diff(yrs) != 1):
        raise ParameterError("years", yrs.tolist(), "must be consecutive with no gaps")
    if any(not np.all(np.isfinite(a)) for a in arrays):
        raise ParameterError("series", "missing values", "must have a value in every year")
    return yrs, arrays


def _regressor(level: NDArray[np.float64], how: str) -> NDArray[np.float64]:
    if how == "midpoint":
        return (level[1:] + level[:-1]) / 2.0
    if how == "lagged":
        return level[:-1]
    raise ParameterError("regressor", how, "must be one of midpoint, lagged")


def fit_summed(
    years: ArrayLike, u: ArrayLike, v: ArrayLike, regressor: str = "midpoint",
    unit: str = "",
) -> SummedFit:
    """Richardson's own fit of the summed equation d(U+V)/dt = (k-a)(U+V) + (g+h).

    Regresses the yearly increase of U+V on the mean of consecutive years' U+V
    (``regressor="midpoint"``, Richardson's choice) or on the earlier year's
    level (``"lagged"``, the exact form of the discrete map), by OLS.

    References
    ----------
    Richardson, L. F. (1960). *Arms and Insecurity*; Braun (1993), sec. 4.5.
    """
    yrs, (ua, va) = _pairs(years, u, v)
    if len(yrs) < 3:
        raise ParameterError("years", yrs.tolist(), "need at least 3 consecutive years")
    total = ua + va
    dy = np.diff(total)
    xreg = _regressor(total, regressor)
    res = sm.OLS(dy, sm.add_constant(xreg, has_constant="add")).fit()
    intercept, slope = (float(c) for c in res.params)
    se0, se1 = (float(s) for s in res.bse)
    return SummedFit(
        slope=slope, intercept=intercept,
        zero_point=-intercept / slope if slope != 0 else float("nan"),
        r_squared=float(res.rsquared), slope_se=se1, intercept_se=se0,
        n_obs=len(dy), years=(int(yrs[0]), int(yrs[-1])), regressor=regressor, unit=unit,
    )


@dataclass(frozen=True)
class Coefficient:
    """One estimated coefficient with its standard error and 95% interval."""

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    #: p-value after Holm's adjustment over the fit's six coefficients (NaN without inference)
    p_adjusted: float = float("nan")


@dataclass(frozen=True)
class SystemFit:
    """Least-squares fit of both Richardson equations, one OLS per state.

    Coefficient names follow Richardson: for x, ``k`` (reaction to y), ``a``
    (fatigue, entered with a minus sign) and ``g``; for y, ``l``, ``b``, ``h``.
    """

    coefficients: dict[str, Coefficient]
    r_squared: dict[str, float]
    n_obs: int
    years: tuple[int, int]
    regressor: str
    unit: str
    stability: Stability | None
    notes: tuple[str, ...]

    def params(self) -> RichardsonParams | None:
        """Return the point estimates as parameters, or None if any is negative."""
        est = {k: c.estimate for k, c in self.coefficients.items()}
        try:
            return RichardsonParams(**est)
        except ParameterError:
            return None

    def to_dict(self) -> dict[str, Any]:
        """Return the fit as a plain dict."""
        return {
            "coefficients": {k: asdict(c) for k, c in self.coefficients.items()},
            "r_squared": dict(self.r_squared),
            "n_obs": self.n_obs,
            "years": list(self.years),
            "regressor": self.regressor,
            "unit": self.unit,
            "stability": None if self.stability is None else self.stability.value,
            "notes": list(self.notes),
        }


#: Fewest residual degrees of freedom per equation for which standard errors, intervals
#: and p-values are reported (with fewer, a t-based interval is a few residuals' guess).
MIN_RESIDUAL_DF = 5


def fit_system(
    years: ArrayLike, x: ArrayLike, y: ArrayLike, regressor: str = "lagged", unit: str = "",
    alpha: float = 0.05,
) -> SystemFit:
    """Fit dx = k*y - a*x + g and dy = l*x - b*y + h by least squares (statsmodels).

    Each equation is an OLS regression of the yearly change on both states'
    levels (the earlier year's with ``regressor="lagged"``, exact for the
    discrete map; the mean of consecutive years with ``"midpoint"``). Standard
    errors and (1 - alpha) intervals come from statsmodels, with Holm-adjusted
    p-values over the six coefficients; with fewer than :data:`MIN_RESIDUAL_DF`
    residual degrees of freedom per equation (the five-year pre-1914 fit has
    one) they are NaN and a note says why. The stability verdict
    uses the point estimates; it is ``None`` when a sign is wrong for the model
    (negative k, l, a or b), which the notes then report.

    References
    ----------
    Richardson, L. F. (1960). *Arms and Insecurity*. For the two-equation
    estimation see Intriligator, M. D. and Brito, D. L. (1976), Formal models of
    arms races, *Journal of Peace Science* 2(1): 77-88.
    """
    yrs, (xa, ya) = _pairs(years, x, y)
    if len(yrs) < 5:
        raise ParameterError("years", yrs.tolist(), "need at least 5 consecutive years for 3 coefficients per equation")
    xr, yr = _regressor(xa, regressor), _regressor(ya, regressor)
    df_resid = len(yrs) - 1 - 3
    inference = df_resid >= MIN_RESIDUAL_DF
    coefs: dict[str, Coefficient] = {}
    r2: dict[str, float] = {}
    for name, dz, (own, other), (own_name, other_name, const_name) in (
        ("x", np.diff(xa), (xr, yr), ("a", "k", "g")),
        ("y", np.diff(ya), (yr, xr), ("b", "l", "h")),
    ):
        design = np.column_stack([other, -own, np.ones_like(own)])
        res = sm.OLS(dz, design).fit()
        ci = res.conf_int(alpha)
        nan = float("nan")
        for j, cname in enumerate((other_name, own_name, const_name)):
            coefs[cname] = Coefficient(
                float(res.params[j]), float(res.bse[j]) if inference else nan,
                float(ci[j, 0]) if inference else nan, float(ci[j, 1]) if inference else nan,
                float(res.pvalues[j]) if inference else nan,
            )
        r2[name] = float(res.rsquared)
    if inference:
        from statsmodels.stats.multitest import multipletests

        names = list(coefs)
        adj = multipletests([coefs[n].p_value for n in names], method="holm")[1]
        coefs = {n: replace(coefs[n], p_adjusted=float(a))
                 for n, a in zip(names, adj, strict=True)}
    what = ("x(t-1), exact for the discrete map" if regressor == "lagged"
            else "mean of x(t-1) and x(t), Richardson 1960")
    notes = [
        f"OLS per equation, regressor: the {regressor} level ({what}); "
        "standard errors assume independent, homoscedastic errors, "
        "which yearly budgets rarely satisfy: read the intervals as optimistic.",
    ]
    bad = [n for n in ("k", "l", "a", "b") if coefs[n].estimate < 0]
    stab: Stability | None
    if bad:
        notes.append(
            "estimates of " + ", ".join(bad) + " are negative, which Richardson's model "
            "does not allow: the data do not behave like a Richardson system here"
        )
        stab = None
    else:
        stab = stability(RichardsonParams(**{k: c.estimate for k, c in coefs.items()}))
    if not inference:
        notes.append(f"{df_resid} residual degree(s) of freedom per equation (< "
                     f"{MIN_RESIDUAL_DF}): no standard errors, intervals or p-values are "
                     "reported; the point estimates are descriptive only")
    if len(yrs) < 12:
        notes.append(f"only {len(yrs) - 1} yearly changes: the estimates are fragile")
    return SystemFit(coefs, r2, int(len(yrs) - 1), (int(yrs[0]), int(yrs[-1])), regressor, unit,
                     stab, tuple(notes))
