"""Replicator dynamics of symmetric games: right-hand side, integration, rest points, basins.

A population plays a symmetric n-strategy game with payoff matrix ``A``
(``A[i, j]`` is the payoff of strategy i against strategy j). With shares x on
the simplex, strategy i grows at the rate by which its payoff beats the mean::

    dx_i/dt = x_i * [(A x)_i - x . A x]

For two strategies with share x of strategy 1 and the letters R = A[0, 0],
S = A[0, 1], T = A[1, 0], P = A[1, 1]:

    dx/dt = x (1 - x) [(x R + (1 - x) S) - (x T + (1 - x) P)]

In a stag hunt (R > T, P > S) the interior rest point x* = (P - S)/[(R - T) + (P - S)]
is unstable and divides the basins of the two pure states exactly
(:func:`basins_2x2`); for larger games basins are estimated by sampling
(:func:`sample_basins`).

References
----------
Taylor, P. D. and Jonker, L. B. (1978). Evolutionarily stable strategies and
game dynamics. *Mathematical Biosciences* 40(1-2): 145-156.
doi:10.1016/0025-5564(78)90077-9.

Hofbauer, J. and Sigmund, K. (1998). *Evolutionary Games and Population
Dynamics*. Cambridge University Press. doi:10.1017/CBO9781139173179.

Skyrms, B. (2004). *The Stag Hunt and the Evolution of Social Structure*.
Cambridge University Press.

Axelrod, R. (1984). *The Evolution of Cooperation*. New York: Basic Books
(the discounted values of TFT and ALLD).
"""

from __future__ import annotations

import enum
import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from herz.errors import ParameterError, require_finite
from herz.rng import RngLike, as_generator

__all__ = [
    "Basin",
    "Basins",
    "RestPoint",
    "Stability",
    "Trajectory",
    "basins_2x2",
    "integrate",
    "jacobian",
    "rest_points",
    "rhs",
    "rhs_2x2",
    "sample_basins",
    "tft_alld_payoffs",
]

#: Tolerance on eigenvalues' real parts and on shares treated as zero.
TOL = 1e-9


def _matrix(payoffs: ArrayLike) -> NDArray[np.float64]:
    a = np.asarray(payoffs, dtype=float)
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] < 2:
        raise ParameterError("payoffs", payoffs,
                             "must be a square matrix with at least 2 strategies")
    if not np.all(np.isfinite(a)):
        raise ParameterError("payoffs", payoffs, "must be finite numbers")
    return a


def _state(x: ArrayLike, n: int) -> NDArray[np.float64]:
    v = np.asarray(x, dtype=float)
    if v.shape != (n,) or not np.all(np.isfinite(v)) or np.any(v < -TOL):
        raise ParameterError("x", x, f"must be {n} non-negative shares")
    if abs(v.sum() - 1.0) > 1e-8:
        raise ParameterError("x", x, "must sum to 1 (a point of the simplex)")
    return v


def rhs(x: ArrayLike, payoffs: ArrayLike) -> NDArray[np.float64]:
    """Exact right-hand side x_i * [(A x)_i - x . A x] of the replicator equation.

    References
    ----------
    Taylor, P. D. and Jonker, L. B. (1978). Evolutionarily stable strategies
    and game dynamics. *Mathematical Biosciences* 40: 145-156.
    """
    a = _matrix(payoffs)
    v = _state(x, a.shape[0])
    u = a @ v
    return v * (u - v @ u)


def rhs_2x2(x: float, r: float, s: float, t: float, p: float) -> float:
    """dx/dt = x(1 - x)[(xR + (1 - x)S) - (xT + (1 - x)P)] for share x of strategy 1.

    References
    ----------
    Hofbauer, J. and Sigmund, K. (1998). *Evolutionary Games and Population
    Dynamics*, ch. 7. Formula as in herz MODELS.md sec. 8 [D]; validation case
    EVO-1.
    """
    xx = require_finite("x", x)
    if not 0.0 <= xx <= 1.0:
        raise ParameterError("x", x, "must be a share between 0 and 1")
    r, s, t, p = (require_finite(n, v) for n, v in zip("RSTP", (r, s, t, p), strict=True))
    return xx * (1.0 - xx) * ((xx * r + (1.0 - xx) * s) - (xx * t + (1.0 - xx) * p))


def jacobian(x: ArrayLike, payoffs: ArrayLike) -> NDArray[np.float64]:
    """Jacobian of the replicator flow restricted to the simplex, (n-1) x (n-1).

    The full Jacobian is J_ij = delta_ij (u_i - x.u) + x_i (A_ij - u_j - (A^T x)_j)
    with u = A x; it maps the tangent space {v : sum v = 0} into itself, and the
    matrix returned is its restriction in the basis e_j - e_n.

    References
    ----------
    Hofbauer, J. and Sigmund, K. (1998). *Evolutionary Games and Population
    Dynamics*, ch. 7. Cambridge University Press.
    """
    a = _matrix(payoffs)
    n = a.shape[0]
    v = _state(x, n)
    u = a @ v
    full = np.diag(u - v @ u) + v[:, None] * (a - u[None, :] - (a.T @ v)[None, :])
    basis = np.vstack([np.eye(n - 1), -np.ones((1, n - 1))])
    return np.linalg.pinv(basis) @ full @ basis


class Stability(enum.StrEnum):
    """Stability of a rest point on the simplex, from the restricted Jacobian."""

    SINK = "asymptotically stable (sink)"
    SOURCE = "unstable (source)"
    SADDLE = "unstable (saddle)"
    NEUTRAL_CENTRE = ("neutral centre (non-hyperbolic: stable but not attracting; "
                      "sum x*_i log x_i is conserved)")
    NON_HYPERBOLIC = "non-hyperbolic (linearisation inconclusive)"


@dataclass(frozen=True)
class RestPoint:
    """A rest point of the replicator dynamics with its linear stability."""

    x: NDArray[np.float64]
    support: tuple[int, ...]
    eigenvalues: NDArray[np.complex128]
    stability: Stability

    @property
    def stable(self) -> bool:
        """Return True for an asymptotically stable rest point."""
        return self.stability is Stability.SINK

    def to_dict(self) -> dict[str, Any]:
        """Return the rest point as plain values."""
        return {"x": self.x.tolist(), "support": list(self.support),
                "eigenvalues": [complex(e) for e in self.eigenvalues],
                "stability": self.stability.value, "stable": self.stable}


def _classify_eigs(eigs: NDArray[np.complex128], scale: float) -> Stability:
    re = eigs.real
    tol = TOL * scale
    if np.any(np.abs(re) <= tol):
        return Stability.NON_HYPERBOLIC
    if np.all(re < 0):
        return Stability.SINK
    if np.all(re > 0):
        return Stability.SOURCE
    return Stability.SADDLE


def _conserves(a: NDArray[np.float64], scale: float) -> bool:
    """Whether V(x) = sum x*_i log x_i is conserved around an interior rest point x*.

    dV/dt = x*.Ax - x.Ax; at an interior rest point Ax* is constant, so with
    x = x* + v (sum v = 0) this is -v.Av, which vanishes for every v iff the
    symmetric part of A is zero on the tangent space of the simplex (zero-sum
    rock-paper-scissors, for example). The rest point is then a neutral
    centre: Lyapunov stable, not attracting, orbits on the level sets of V.
    """
    n = a.shape[0]
    basis = np.vstack([np.eye(n - 1), -np.ones((1, n - 1))])
    sym = basis.T @ (a + a.T) @ basis
    return bool(np.all(np.abs(sym) <= TOL * scale))


def rest_points(payoffs: ArrayLike) -> tuple[tuple[RestPoint, ...], tuple[str, ...]]:
    """All isolated rest points on the simplex and their stability; notes on continua.

    For each support S, a rest point equalises the payoffs (A x)_i over i in S
    with x zero outside S; the linear system is solved exactly and kept if the
    shares on S are positive. A singular, consistent system means a continuum of
    rest points on that face, which is reported in the notes, not returned. An
    interior rest point whose linearisation has purely imaginary eigenvalues is
    reported as a neutral centre when sum x*_i log x_i is conserved (the
    symmetric part of A vanishes on the simplex's tangent space), and as
    non-hyperbolic otherwise.

    References
    ----------
    Hofbauer, J. and Sigmund, K. (1998). *Evolutionary Games and Population
    Dynamics*, ch. 7 (rock-paper-scissors, and the conserved quantity of
    zero-sum games). Cambridge University Press.
    """
    a = _matrix(payoffs)
    n = a.shape[0]
    scale = max(1.0, float(np.max(np.abs(a))))
    points: list[RestPoint] = []
    notes: list[str] = []
    for k in range(1, n + 1):
        for sup in itertools.combinations(range(n), k):
            idx = list(sup)
            sub = a[np.ix_(idx, idx)]
            system = np.vstack([sub[1:] - sub[0], np.ones((1, k))])
            rhs_vec = np.zeros(k)
            rhs_vec[-1] = 1.0
            if np.linalg.matrix_rank(system, tol=1e-12 * scale) < k:
                sol, *_ = np.linalg.lstsq(system, rhs_vec, rcond=None)
                if np.allclose(system @ sol, rhs_vec, atol=1e-9 * scale):
                    notes.append(f"support {sup}: a continuum of rest points (payoff ties); "
                                 "not listed")
                continue
            xs = np.linalg.solve(system, rhs_vec)
            if np.any(xs <= TOL):
                continue
            x = np.zeros(n)
            x[idx] = xs
            eigs = np.linalg.eigvals(jacobian(x, a)).astype(complex)
            stability = _classify_eigs(eigs, scale)
            if stability is Stability.NON_HYPERBOLIC and k == n and _conserves(a, scale):
                stability = Stability.NEUTRAL_CENTRE
            points.append(RestPoint(x, sup, eigs, stability))
    return tuple(points), tuple(notes)


@dataclass(frozen=True)
class Trajectory:
    """A numerically integrated replicator path: ``x[k]`` is the state at ``t[k]``."""

    t: NDArray[np.float64]
    x: NDArray[np.float64]
    method: str


def integrate(payoffs: ArrayLike, x0: ArrayLike, t: ArrayLike, rtol: float = 1e-10,
              atol: float = 1e-12) -> Trajectory:
    """Integrate the replicator equation from ``x0`` (scipy DOP853), sampled at ``t``.

    The shares are integrated as logarithms on the support of ``x0``:
    d log x_i/dt = (A x)_i - x.A x with x the normalised exponential of the
    logs, so every state returned lies on the simplex (shares >= 0, summing to
    1) and small shares keep their relative accuracy; ``rtol`` and ``atol``
    apply to the log shares. Strategies absent at the start stay absent.

    References
    ----------
    Taylor, P. D. and Jonker, L. B. (1978). Evolutionarily stable strategies
    and game dynamics. *Mathematical Biosciences* 40: 145-156. Hairer, E.,
    Norsett, S. P. and Wanner, G. (1993). *Solving Ordinary Differential
    Equations I*, 2nd ed. (DOP853).
    """
    from scipy.integrate import solve_ivp

    a = _matrix(payoffs)
    start = _state(x0, a.shape[0])
    times = np.atleast_1d(np.asarray(t, dtype=float))
    if times.ndim != 1 or np.any(times < 0) or np.any(np.diff(times) < 0) or not np.all(
            np.isfinite(times)):
        raise ParameterError("t", t, "must be increasing finite times >= 0")

    support = np.flatnonzero(start > 0.0)
    sub = a[np.ix_(support, support)]

    def shares(y: NDArray[np.float64]) -> NDArray[np.float64]:
        e = np.exp(y - np.max(y, axis=0))
        return np.asarray(e / e.sum(axis=0), dtype=float)

    def f(_t: float, y: NDArray[np.float64]) -> NDArray[np.float64]:
        x = shares(y)
        u = sub @ x
        return u - x @ u

    sol = solve_ivp(f, (0.0, float(times[-1])), np.log(start[support]), t_eval=times,
                    method="DOP853", rtol=rtol, atol=atol)
    if not sol.success:
        raise ParameterError("t", t, f"integration failed: {sol.message}")
    x = np.zeros((len(times), a.shape[0]))
    x[:, support] = shares(sol.y).T
    return Trajectory(times, x, f"DOP853 in log shares, rtol={rtol:g}, atol={atol:g}")


# --------------------------------------------------------------------------- basins


@dataclass(frozen=True)
class Basin:
    """The basin of one attractor: its share (exact, 2x2: an interval of x) and size."""

    attractor: NDArray[np.float64]
    size: float
    interval: tuple[float, float] | None = None
    stderr: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the basin as plain values."""
        return {"attractor": self.attractor.tolist(), "size": self.size,
                "interval": None if self.interval is None else list(self.interval),
                "stderr": self.stderr}


@dataclass(frozen=True)
class Basins:
    """Basins of attraction of the asymptotically stable rest points."""

    basins: tuple[Basin, ...]
    method: str
    unresolved: float = 0.0
    n_samples: int | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """Return the basins as plain values."""
        return {"basins": [b.to_dict() for b in self.basins], "method": self.method,
                "unresolved": self.unresolved, "n_samples": self.n_samples,
                "notes": list(self.notes)}


def basins_2x2(r: float, s: float, t: float, p: float) -> Basins:
    """Exact basins of a symmetric 2x2 game; intervals are of the share x of strategy 1.

    With g(x) = (S - P) + x[(R - T) - (S - P)], dx/dt = x(1 - x) g(x). In a stag
    hunt (S < P, R > T) the rest point x* = (P - S)/[(R - T) + (P - S)] splits
    [0, 1] into the basin [0, x*) of all-D and (x*, 1] of all-C; in chicken
    (S > P, T > R) x* attracts every interior start; if g keeps one sign the
    corresponding pure state attracts everything. Sizes are lengths of the sets
    of starting shares.

    References
    ----------
    Skyrms, B. (2004). *The Stag Hunt and the Evolution of Social Structure*.
    Cambridge University Press. Formulas as in herz MODELS.md sec. 8 [D].
    """
    r, s, t, p = (require_finite(n, v) for n, v in zip("RSTP", (r, s, t, p), strict=True))
    g0, g1 = s - p, r - t
    tol = 1e-12 * max(1.0, abs(r), abs(s), abs(t), abs(p))
    z0 = 0 if abs(g0) <= tol else (1 if g0 > 0 else -1)
    z1 = 0 if abs(g1) <= tol else (1 if g1 > 0 else -1)
    one, zero = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    method = "exact (2x2)"
    if z0 == 0 and z1 == 0:
        return Basins((), method, notes=("neutral: payoffs of both strategies equal everywhere; "
                                         "every state is a rest point",))
    if z0 < 0 < z1:
        xs = g0 / (g0 - g1)
        return Basins((Basin(zero, xs, (0.0, xs)), Basin(one, 1.0 - xs, (xs, 1.0))), method)
    if z0 > 0 > z1:
        xs = g0 / (g0 - g1)
        return Basins((Basin(np.array([xs, 1.0 - xs]), 1.0, (0.0, 1.0)),), method)
    if z0 >= 0 and z1 >= 0:
        return Basins((Basin(one, 1.0, (0.0, 1.0)),), method)
    return Basins((Basin(zero, 1.0, (0.0, 1.0)),), method)


def _rk4_batch(a: NDArray[np.float64], x: NDArray[np.float64], t_max: float, dt: float,
               targets: list[NDArray[np.float64]], radius: float) -> NDArray[np.float64]:
    def f(z: NDArray[np.float64]) -> NDArray[np.float64]:
        u = z @ a.T
        return z * (u - np.sum(z * u, axis=1, keepdims=True))

    out = x.copy()
    active = np.arange(len(x))
    z = x.copy()
    steps = int(np.ceil(t_max / dt))
    for step in range(steps):
        if step % 25 == 0 and targets:
            # freeze the starts that have settled next to a sink
            settled = np.zeros(len(z), dtype=bool)
            for target in targets:
                settled |= np.max(np.abs(z - target), axis=1) <= radius / 10.0
            out[active[settled]] = z[settled]
            active, z = active[~settled], z[~settled]
            if active.size == 0:
                return out
        k1 = f(z)
        k2 = f(z + 0.5 * dt * k1)
        k3 = f(z + 0.5 * dt * k2)
        k4 = f(z + dt * k3)
        z = z + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
        z = np.clip(z, 0.0, None)
        z = z / z.sum(axis=1, keepdims=True)
    out[active] = z
    return out


def sample_basins(
    payoffs: ArrayLike, n_samples: int = 2000, *, rng: RngLike = None, t_max: float = 200.0,
    dt: float = 0.05, radius: float = 1e-3,
) -> Basins:
    """Estimate basin sizes by integrating from uniform random points of the simplex.

    Starts are drawn from Dirichlet(1, ..., 1) (uniform on the simplex); all are
    integrated together by fixed-step RK4 (step ``dt`` up to ``t_max``, shares
    clipped and renormalised each step; a start stops once it is within
    ``radius``/10 of a sink) and assigned to the asymptotically
    stable rest point within ``radius`` of the end state. Sizes are shares of
    the starts with binomial standard errors; starts that end near no sink are
    counted as ``unresolved``. Payoffs are rescaled to unit range first (which
    changes only the time scale, not the orbits).

    References
    ----------
    Hofbauer, J. and Sigmund, K. (1998). *Evolutionary Games and Population
    Dynamics*. Cambridge University Press.
    """
    a = _matrix(payoffs)
    if n_samples < 1 or int(n_samples) != n_samples:
        raise ParameterError("n_samples", n_samples, "must be a whole number >= 1")
    if not (t_max > 0 and dt > 0 and dt <= t_max):
        raise ParameterError("dt", dt, f"must be > 0 and <= t_max = {t_max:g}")
    span = float(a.max() - a.min())
    scaled = (a - a.min()) / span if span > 0 else a * 0.0
    points, notes = rest_points(a)
    sinks = [pt for pt in points if pt.stable]
    gen = as_generator(rng)
    starts = gen.dirichlet(np.ones(a.shape[0]), size=int(n_samples))
    ends = _rk4_batch(scaled, starts, t_max, dt, [pt.x for pt in sinks], radius)
    counts = np.zeros(len(sinks), dtype=int)
    assigned = np.zeros(len(ends), dtype=bool)
    for i, pt in enumerate(sinks):
        near = np.max(np.abs(ends - pt.x), axis=1) <= radius
        counts[i] = int(np.sum(near & ~assigned))
        assigned |= near
    n = int(n_samples)
    basins = tuple(
        Basin(pt.x, float(c / n), None, float(np.sqrt((c / n) * (1 - c / n) / n)))
        for pt, c in zip(sinks, counts, strict=True)
    )
    return Basins(basins, f"sampled: {n} uniform starts, RK4 dt={dt:g} to t={t_max:g}",
                  float(np.sum(~assigned) / n), n, notes)


def tft_alld_payoffs(r: float, s: float, t: float, p: float,
                     continuation: float) -> NDArray[np.float64]:
    """Discounted values of TFT (strategy 1) and ALLD (strategy 2) as a 2x2 matrix.

    [[R/(1-w), S + w*P/(1-w)], [T + w*P/(1-w), P/(1-w)]]: a stag hunt whenever
    w > (T - R)/(T - P). Its interior replicator rest point is the least
    population share of TFT from which TFT takes over.

    References
    ----------
    Axelrod, R. (1984). *The Evolution of Cooperation*, ch. 3. New York: Basic
    Books. Values and stag-hunt reading: herz MODELS.md secs. 4.3 and 8 [D].
    """
    r, s, t, p = (require_finite(n, v) for n, v in zip("RSTP", (r, s, t, p), strict=True))
    w = require_finite("continuation", continuation)
    if not 0.0 <= w < 1.0:
        raise ParameterError("continuation", continuation, "must be in [0, 1)")
    tail = w * p / (1.0 - w)
    return np.array([[r / (1.0 - w), s + tail], [t + tail, p / (1.0 - w)]])
