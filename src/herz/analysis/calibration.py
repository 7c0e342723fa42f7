"""Calibrating the two-state world to a historical rivalry, and asking it counterfactuals.

The two-state world of :mod:`herz.world` with beliefs held fixed and no noise
is exactly Richardson's discrete map (``tests/world/test_reductions_richardson.py``);
that reduction is the bridge to spending data. :func:`calibrate` fits the
world's arms dynamics to the two spending series of a dyad by the *simulated
method of moments* (SMM) and gives parametric-bootstrap percentile intervals;
:func:`counterfactual` runs the calibrated dyad forward again with a mechanism
changed (higher distinguishability, costly signals switched on, ...) and
compares it with the calibrated baseline, world by world on common random
numbers.

The calibrated world
--------------------
Two states, both security seekers (``p_greedy = 0``), with the mechanisms
perception (lognormal noise and distinguishability), belief update (Kydd's
Bayesian spiral), arms policy (Richardson) and offense-defense balance on;
signalling, war, identity and security communities off (spending paths alone
cannot identify them: wars would need their dates and destruction, identity
and communities a second observable). Every other world parameter keeps its
default (``herz world params``) and is reported in ``fixed``.

Data scaling: each state's series is divided by its own mean over the span
(so the level of each series is 1 on average, in "arms units" of the world);
the world starts at the two observed first-year values on that scale
(``initial_arms = (x0_A, x0_B)``, no spread). Moments are computed on the log
of the scaled series, so they do not depend on the scaling.

Fitted parameters (one value for both states; :data:`DEFAULT_FIT`):

- ``reaction``: Richardson's k, arms added per unit of perceived threat;
- ``grievance``: Richardson's g, in scaled units per year;
- ``spending_shock``: the sd of the yearly domestic spending shock (world v2; in v1 the
  third parameter was ``perception_noise``, which in v2 only moves beliefs, and beliefs
  between two states known to be security seekers do not move).

``fatigue`` (Richardson's a) stays at the world's default 0.1 unless asked for
(``fit=FITTABLE``): growth moments of two co-trending series do not separate k
from a (a four-parameter fit of a dyad simulated with k = 0.2, a = 0.12 returned
k = 0.08, a = 0.02 with the moments matched about as well).

``reaction`` is identified only as the effective reaction
k * fear * (q + (1 - q)(1 - d)) (fear from the beliefs, q the offensive share
of new arms, d distinguishability): the fitted k is conditional on the
value of ``fear_floor`` (0.5 here, not the world's calibrated 0.05), ``prior_bias``, the belief model,
``distinguishability`` and ``offense_defense_balance``. That is also what
makes a counterfactual on d meaningful: it changes the perceived threat with
k held at its calibrated value.

Moments (:data:`MOMENT_NAMES`) of the yearly log growth of each series: mean,
standard deviation, lag-1 autocorrelation, the change of mean growth from the
first to the second half of the span, the contemporaneous correlation of the
two growth series and the two lagged cross-correlations (A's growth on B's
growth a year earlier, and B's on A's). The objective is
(m_data - m_sim(theta))' W (m_data - m_sim(theta)) with m_sim the mean over
``sim_worlds`` simulated dyads on fixed random numbers (common random numbers:
the same world keys at every theta, so the objective is a deterministic
function of theta) and W the inverse of the diagonal of the moments' variance
over simulated dyads at the first-stage estimate (two-step SMM, diagonal
weighting). Minimised with Nelder-Mead within bounds from the best point of a
small Sobol design.

Intervals: parametric bootstrap (Efron & Tibshirani 1993, ch. 6 and 13):
``bootstrap`` data sets of the observed length are simulated from the fitted
world (on random numbers disjoint from the estimation's), each is refitted
from the estimate (by default three Gauss-Newton steps with the moment
Jacobian at the estimate: the k-step bootstrap of Andrews 2002), and the
``level`` percentile interval of the refits is reported. Identification is
reported per parameter: a parameter counts as identified when the estimate is
not at a bound, the Jacobian of the weighted moments has full column rank, and
its bootstrap interval covers less than half of its search range.

Counterfactuals carry two kinds of uncertainty: the spread over simulated
worlds at the estimate (``final_ratio``, ``cumulative_ratio``) and the spread of
the median effect over the bootstrap parameter draws (``*_ratio_params``).

References
----------
McFadden, D. (1989). A method of simulated moments for estimation of discrete
response models without numerical integration. *Econometrica* 57(5):
995-1026.

Pakes, A. & Pollard, D. (1989). Simulation and the asymptotics of optimization
estimators. *Econometrica* 57(5): 1027-1057.

Duffie, D. & Singleton, K. J. (1993). Simulated moments estimation of Markov
models of asset prices. *Econometrica* 61(4): 929-952.

Gourieroux, C., Monfort, A. & Renault, E. (1993). Indirect inference.
*Journal of Applied Econometrics* 8(S1): S85-S118.

Efron, B. & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*.
Chapman & Hall/CRC.

Andrews, D. W. K. (2002). Higher-order improvements of a computationally
attractive k-step bootstrap for extremum estimators. *Econometrica* 70(1):
119-162.

Davidson, R. & MacKinnon, J. G. (1999). Bootstrap testing in nonlinear models.
*International Economic Review* 40(2): 487-508.

Richardson, L. F. (1960). *Arms and Insecurity*. Pittsburgh: Boxwood Press.
"""

from __future__ import annotations

import dataclasses
import time
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from herz.data import loaders
from herz.data.loaders import MilexSeries
from herz.errors import ParameterError, require_choice
from herz.rng import RngLike, as_generator, child_seed
from herz.world import Mechanisms, WorldParams, initial_state, run_batch, simulate, step
from herz.world.noise import world_keys

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "BOUNDS",
    "CALIBRATION_MECHANISMS",
    "COUNTERFACTUAL_KEYS",
    "DEFAULT_FIT",
    "FATIGUE_PROFILE",
    "FITTABLE",
    "MEASURES",
    "MIN_YEARS",
    "MOMENT_NAMES",
    "CalibrationResult",
    "CounterfactualResult",
    "FatigueProfile",
    "burden_series",
    "calibrate",
    "calibrate_dyad",
    "calibrated_world",
    "counterfactual",
    "counterfactual_figure",
    "moments",
    "parse_changes",
    "profile_fatigue",
    "simulate_dyad",
]

#: Mechanisms of the calibrated world (signalling, war, identity, communities off).
CALIBRATION_MECHANISMS = Mechanisms(
    perception=True, belief_update=True, arms_policy=True, offense_defense=True,
    signalling=False, war=False, identity=False, community=False)

#: The parameters that can be fitted, in order.
FITTABLE: tuple[str, ...] = ("reaction", "fatigue", "grievance", "spending_shock")
#: The parameters fitted by default; fatigue stays at the world's default 0.1 (see the module
#: docstring on identification).
DEFAULT_FIT: tuple[str, ...] = ("reaction", "grievance", "spending_shock")
#: Fewest years of data for a calibration.
MIN_YEARS = 12
#: Simulated dyads at the estimate for the moments' covariance of the J test.
J_WORLDS = 400
#: Fatigue values of the profile: Richardson's a over the range the literature's fits span.
FATIGUE_PROFILE: tuple[float, ...] = (0.02, 0.05, 0.1, 0.2, 0.3)
MEASURES: tuple[str, ...] = ("spending", "burden")

#: Search bounds of the fitted parameters.
BOUNDS: dict[str, tuple[float, float]] = {
    "reaction": (0.0, 1.0),
    "fatigue": (0.0, 1.0),
    "grievance": (-0.5, 0.5),
    "spending_shock": (0.0, 1.0),
}

#: The moments matched, in order (A and B are the dyad's first and second state).
MOMENT_NAMES: tuple[str, ...] = (
    "mean_growth_A", "mean_growth_B", "sd_growth_A", "sd_growth_B", "acf1_A", "acf1_B",
    "growth_change_A", "growth_change_B", "corr_AB", "corr_A_on_lagged_B",
    "corr_B_on_lagged_A",
)

#: Counterfactual keys: world parameters and mechanism switches of the calibrated dyad.
COUNTERFACTUAL_KEYS: tuple[str, ...] = (
    "distinguishability", "perception_noise", "perspective_taking", "signal_cost",
    "signal_offense_cut", "signal_interval", "verification", "arms_control_trust",
    "prior_bias", "fear_floor", "offense_defense_balance", "reaction", "fatigue",
    "grievance", "signalling", "belief_update", "perception",
)
_SWITCHES = ("signalling", "belief_update", "perception")
_SIGNAL_KEYS = ("signal_cost", "signal_offense_cut", "signal_interval", "verification",
                "arms_control_trust")

#: Floor of a simulated stock before taking logs (a stock can be driven to 0).
_LOG_FLOOR = 1e-6
#: Penalty value of the objective where simulated moments are not finite.
_BAD = 1e12


# --------------------------------------------------------------------------- seeds


def _root_seed(seed: int | None, rng: RngLike) -> int:
    """One int root seed from ``seed`` or ``rng`` (an error if both are given; default 0).

    The world keys its runs by an int root (``child_seed``), so a Generator given
    as ``rng`` contributes one draw; an int or SeedSequence is used as given.
    """
    if seed is not None and rng is not None:
        raise ParameterError("seed/rng", (seed, rng), "give one of seed and rng, not both")
    if seed is not None:
        return int(seed)
    if rng is None:
        return 0
    if isinstance(rng, int | np.integer) and not isinstance(rng, bool):
        return int(rng)
    if isinstance(rng, np.random.SeedSequence):
        return int(rng.generate_state(1)[0])
    return int(as_generator(rng).integers(0, 2**63 - 1))


# --------------------------------------------------------------------------- moments


def moments(paths: NDArray[np.float64]) -> NDArray[np.float64]:
    """The :data:`MOMENT_NAMES` of one or many dyads.

    ``paths``: (T, 2) or (W, T, 2) spending on any positive scale, T >= 6.
    Returns (K,) or (W, K).
    """
    x = np.asarray(paths, dtype=float)
    single = x.ndim == 2
    if single:
        x = x[None]
    g = np.diff(np.log(np.maximum(x, _LOG_FLOOR)), axis=1)  # (W, T-1, 2)
    n = g.shape[1]
    mean = g.mean(axis=1)
    dev = g - mean[:, None, :]
    sd = np.sqrt((dev**2).mean(axis=1))

    def corr(u: NDArray[np.float64], v: NDArray[np.float64]) -> NDArray[np.float64]:
        uu = u - u.mean(axis=1, keepdims=True)
        vv = v - v.mean(axis=1, keepdims=True)
        den = np.sqrt((uu**2).sum(axis=1) * (vv**2).sum(axis=1))
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(den > 0, (uu * vv).sum(axis=1) / np.where(den > 0, den, 1.0), 0.0)

    acf = np.stack([corr(g[:, 1:, i], g[:, :-1, i]) for i in range(2)], axis=1)
    half = n // 2
    change = g[:, half:].mean(axis=1) - g[:, :half].mean(axis=1)
    c0 = corr(g[:, :, 0], g[:, :, 1])
    c_ab = corr(g[:, 1:, 0], g[:, :-1, 1])
    c_ba = corr(g[:, 1:, 1], g[:, :-1, 0])
    out = np.column_stack([mean, sd, acf, change, c0, c_ab, c_ba])
    return out[0] if single else out


# ---------------------------------------------------------------------- the world


def calibrated_world(x0: tuple[float, float], theta: dict[str, float] | None = None,
                     **changes: Any) -> WorldParams:
    """The two-state world of the calibration at ``theta`` (default: world defaults).

    ``x0``: the two starting arsenals (scaled first-year spending). ``changes``
    are further world parameters (``mechanisms`` given as a Mechanisms record).
    """
    kw: dict[str, Any] = {
        "n_states": 2, "initial_arms": tuple(float(v) for v in x0), "initial_arms_spread": 0.0,
        "p_greedy": 0.0, "budget_share": 1e6, "mechanisms": CALIBRATION_MECHANISMS,
        # world v2: Richardson's map as in v1 (spending at its target each year, constant
        # output); the domestic shock is the fitted noise
        "spending_inertia": 1.0, "growth_rate": 0.0, "growth_spread": 0.0, "output_spread": 0.0,
        # two known seekers fear each other only through the fear floor: the dyad fit keeps
        # the pre-calibration 0.5 (the world's calibrated 0.05, docs/world-calibration.md,
        # is set for many states of uncertain type; at 0.05 two known seekers barely react,
        # k f < a, and k and g are not identified apart)
        "fear_floor": 0.5,
    }
    kw.update(theta or {})
    kw.update(changes)
    return WorldParams(**kw)


def simulate_dyad(params: WorldParams, steps: int, seed: int | np.random.SeedSequence,
                  worlds: int, world_offset: int = 0) -> NDArray[np.float64]:
    """Total arsenals O + D of ``worlds`` two-state worlds, (worlds, steps + 1, 2).

    World i is keyed as in :func:`herz.world.simulate` (``child_seed(seed, i)``),
    so the paths are those ``simulate(..., trajectories=True)`` would return.
    """
    state = initial_state(params, world_keys(seed, worlds, world_offset),
                          np.arange(world_offset, world_offset + worlds, dtype=np.int64))
    rec = run_batch(params, state, int(steps), full=True)
    return np.asarray(rec["offense"] + rec["defense"])


# ------------------------------------------------------------------------- results


@dataclass(frozen=True)
class CalibrationResult:
    """A fitted two-state world with bootstrap intervals and the fit's diagnostics."""

    dyad: str
    source: str
    unit: str
    years: NDArray[np.int64]
    observed: NDArray[np.float64]  # (T, 2), data units
    scale: tuple[float, float]  # the means the series were divided by
    params: dict[str, float]  # every parameter of FITTABLE: fitted, fixed or default
    fit: tuple[str, ...]
    intervals: dict[str, tuple[float, float]]
    level: float
    bootstrap_estimates: NDArray[np.float64]  # (B, p), columns in the order of ``fit``
    refit: str
    scaling: str
    objective: float
    moments_data: NDArray[np.float64]
    moments_fitted: NDArray[np.float64]
    moments_sd: NDArray[np.float64]
    identified: dict[str, bool]
    at_bound: tuple[str, ...]
    jacobian_singular_values: NDArray[np.float64]
    seed: int
    sim_worlds: int
    n_evals: int
    converged: bool
    seconds: float
    notes: tuple[str, ...] = field(default_factory=tuple)
    #: Hansen's J statistic of the overidentifying moments, its degrees of freedom
    #: (moments minus fitted parameters) and p-value (chi-square)
    j_stat: float = float("nan")
    j_df: int = 0
    j_p: float = float("nan")
    #: what the series measure: "spending" or "burden" (share of GDP)
    measure: str = "spending"

    @property
    def misfit(self) -> NDArray[np.float64]:
        """(data - fitted) / sd of one simulated dyad, per moment."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.asarray((self.moments_data - self.moments_fitted) / self.moments_sd)

    @property
    def caveats(self) -> tuple[str, ...]:
        """What a reader must know before reading the calibrated world as the dyad's."""
        out = []
        if self.j_df > 0 and np.isfinite(self.j_p):
            verdict = "rejects" if self.j_p < 0.05 else "does not reject"
            out.append(f"overidentification: J = {self.j_stat:.2f} on {self.j_df} df, "
                       f"p = {self.j_p:.3g}: the test {verdict} the world at 5%")
        bad = [(n, d, f, z) for n, d, f, z in zip(MOMENT_NAMES, self.moments_data,
                                                     self.moments_fitted, self.misfit,
                                                     strict=True) if abs(z) > 1.5]
        for n, d, f, z in bad:
            out.append(f"misfit: {n} data {d:+.3f}, fitted {f:+.3f} (z = {z:+.1f})")
        lagged = [MOMENT_NAMES.index("corr_A_on_lagged_B"), MOMENT_NAMES.index("corr_B_on_lagged_A")]
        if any(np.sign(self.moments_data[i]) != np.sign(self.moments_fitted[i]) for i in lagged):
            out.append("the lagged cross-correlations (the moments that carry reaction) are "
                       "matched in sign only partly: the fitted reaction is not the data's "
                       "lead-lag pattern")
        if "fatigue" not in self.fit:
            out.append(f"fatigue fixed at {self.params['fatigue']:g}: reaction and fatigue are "
                       "not separately identified by these moments; see the fatigue profile")
        if self.measure == "spending":
            out.append("spending levels: common trend growth (economic growth, and inflation "
                       "in nominal NMC) is read by the world as arms dynamics; use the "
                       "military burden (SIPRI share of GDP) where it exists")
        out += [f"{n} is at its search bound" for n in self.at_bound]
        return tuple(out)

    def series(self) -> MilexSeries:
        """The observed series the world was calibrated to."""
        return MilexSeries(self.dyad, np.asarray(self.years), self.observed[:, 0].copy(),
                           self.observed[:, 1].copy(), self.unit, self.source)

    @property
    def n_years(self) -> int:
        """Years in the span."""
        return len(self.years)

    @property
    def x0(self) -> tuple[float, float]:
        """The starting arsenals of the world: first-year spending over the span's mean."""
        return (float(self.observed[0, 0] / self.scale[0]),
                float(self.observed[0, 1] / self.scale[1]))

    def world(self, **changes: Any) -> WorldParams:
        """The calibrated world (``changes`` applied on top)."""
        return calibrated_world(self.x0, self.params, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Everything as plain, JSON-ready values."""
        left, right = self.dyad.split("-")
        return {
            "dyad": self.dyad, "source": self.source, "unit": self.unit,
            "years": [int(self.years[0]), int(self.years[-1])], "n_years": self.n_years,
            "scaling": (f"each series divided by its mean over the span ({left}: "
                        f"{self.scale[0]:.6g}, {right}: {self.scale[1]:.6g} {self.unit}); "
                        "the world starts at the scaled first-year values"
                        if self.scaling == "mean" else "none: the series are in arms units"),
            "x0": list(self.x0),
            "method": "simulated method of moments (two-step, diagonal weights), Nelder-Mead "
                      "on common random numbers; parametric-bootstrap percentile intervals "
                      f"(refit: {self.refit})",
            "fitted": list(self.fit),
            "params": dict(self.params),
            "intervals": {k: list(v) for k, v in self.intervals.items()},
            "level": self.level, "bootstrap": int(self.bootstrap_estimates.shape[0]),
            "identified": dict(self.identified), "at_bound": list(self.at_bound),
            "bounds": {k: list(BOUNDS[k]) for k in self.fit},
            "objective": self.objective,
            "moments": [{"name": n, "data": float(d), "fitted": float(f), "sd": float(s)}
                        for n, d, f, s in zip(MOMENT_NAMES, self.moments_data,
                                              self.moments_fitted, self.moments_sd,
                                              strict=True)],
            "jacobian_singular_values": self.jacobian_singular_values.tolist(),
            "mechanisms_on": list(CALIBRATION_MECHANISMS.on()),
            "fixed": {k: v for k, v in self.world().to_dict().items() if k not in self.fit},
            "seed": self.seed, "sim_worlds": self.sim_worlds, "n_evals": self.n_evals,
            "converged": self.converged, "seconds": self.seconds, "notes": list(self.notes),
            "measure": self.measure,
            "overidentification": {"J": self.j_stat, "df": self.j_df, "p": self.j_p,
                                   "test": "Hansen J with the moments' covariance over "
                                           f"{J_WORLDS} simulated dyads at the estimate, "
                                           "times (1 + 1/sim_worlds)"},
            "misfit_z": dict(zip(MOMENT_NAMES, map(float, self.misfit), strict=True)),
            "caveats": list(self.caveats),
        }


# ------------------------------------------------------------------------- fitting


class _Objective:
    """The SMM objective on common random numbers, with a count of evaluations."""

    def __init__(self, x0: tuple[float, float], fit: tuple[str, ...], fixed: dict[str, float],
                 steps: int, seed: int, worlds: int) -> None:
        self.x0, self.fit, self.fixed = x0, fit, fixed
        self.steps, self.seed, self.worlds = steps, seed, worlds
        self.keys = world_keys(seed, worlds)
        self.n_evals = 0
        self.weights = np.ones(len(MOMENT_NAMES))

    def theta(self, x: NDArray[np.float64]) -> dict[str, float]:
        """World parameters at the fitted values ``x``."""
        return {**self.fixed, **dict(zip(self.fit, map(float, x), strict=True))}

    def sim_moments(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        """Per-world moments (worlds, K) at ``x``."""
        self.n_evals += 1
        p = calibrated_world(self.x0, self.theta(x))
        return moments(_paths(p, self.steps, self.keys))

    def __call__(self, x: NDArray[np.float64], target: NDArray[np.float64]) -> float:
        m = self.sim_moments(x).mean(axis=0)
        d = target - m
        val = float(d @ (self.weights * d))
        return val if np.isfinite(val) else _BAD


def _paths(params: WorldParams, steps: int, keys: NDArray[np.uint64]) -> NDArray[np.float64]:
    state = initial_state(params, keys)
    out = np.empty((keys.shape[0], steps + 1, 2))
    out[:, 0] = state.offense + state.defense
    for t in range(steps):
        step(state, params)
        out[:, t + 1] = state.offense + state.defense
    return out


def _bounds(fit: tuple[str, ...]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    return (np.array([BOUNDS[k][0] for k in fit]), np.array([BOUNDS[k][1] for k in fit]))


def _minimise(obj: _Objective, target: NDArray[np.float64], start: NDArray[np.float64],
              step_share: float, maxfev: int) -> tuple[NDArray[np.float64], float, bool]:
    from scipy.optimize import minimize

    lo, hi = _bounds(obj.fit)
    span = hi - lo
    simplex = [start]
    for j in range(len(start)):
        v = start.copy()
        d = step_share * span[j]
        v[j] = v[j] + d if v[j] + d <= hi[j] else v[j] - d
        simplex.append(v)
    res = minimize(obj, start, args=(target,), method="Nelder-Mead",
                   bounds=list(zip(lo, hi, strict=True)),
                   options={"initial_simplex": np.array(simplex), "maxfev": maxfev,
                            "xatol": 2e-3, "fatol": 1e-2})
    return np.clip(np.asarray(res.x, dtype=float), lo, hi), float(res.fun), bool(res.success)


def _start(obj: _Objective, target: NDArray[np.float64], n: int, seed: int,
           default: NDArray[np.float64]) -> NDArray[np.float64]:
    from scipy.stats import qmc

    lo, hi = _bounds(obj.fit)
    pts = qmc.scale(qmc.Sobol(len(obj.fit), scramble=True, seed=seed).random(n), lo, hi)
    pts = np.vstack([default, pts])
    vals = [obj(p, target) for p in pts]
    return np.asarray(pts[int(np.argmin(vals))], dtype=float)


def _jacobian(obj: _Objective, x: NDArray[np.float64]) -> NDArray[np.float64]:
    """Central-difference Jacobian of the mean simulated moments, (K, p); step 2% of range."""
    lo, hi = _bounds(obj.fit)
    jac = np.empty((len(MOMENT_NAMES), len(x)))
    for j in range(len(x)):
        h = 0.02 * (hi[j] - lo[j])
        up, dn = x.copy(), x.copy()
        up[j] = min(hi[j], x[j] + h)
        dn[j] = max(lo[j], x[j] - h)
        jac[:, j] = (obj.sim_moments(up).mean(axis=0) - obj.sim_moments(dn).mean(axis=0)) / (
            up[j] - dn[j])
    return jac


def _kstep(obj: _Objective, target: NDArray[np.float64], x: NDArray[np.float64],
           jac: NDArray[np.float64], m_hat: NDArray[np.float64], k: int) -> NDArray[np.float64]:
    """Take k Gauss-Newton steps from the estimate toward a bootstrap sample's minimum."""
    lo, hi = _bounds(obj.fit)
    wj = jac * obj.weights[:, None]
    solve = np.linalg.pinv(jac.T @ wj) @ wj.T  # (p, K)
    xb = x.copy()
    m = m_hat
    for i in range(k):
        xb = np.clip(xb + solve @ (target - m), lo, hi)
        if i < k - 1:
            m = obj.sim_moments(xb).mean(axis=0)
    return xb


def calibrate(series: MilexSeries, fit: tuple[str, ...] | list[str] = DEFAULT_FIT,
              fixed: dict[str, float] | None = None, bootstrap: int = 50,
              seed: int | None = None, rng: RngLike = None,
              level: float = 0.95, refit: str = "kstep", k: int = 3, sim_worlds: int = 24,
              start_points: int = 16, maxfev: int = 200, refit_maxfev: int = 100,
              scaling: str = "mean", measure: str = "spending",
              emphasis: dict[str, float] | None = None) -> CalibrationResult:
    """Fit the two-state world to a dyad's spending by SMM; bootstrap the intervals.

    Parameters
    ----------
    series : MilexSeries
        The dyad's two spending series (positive, gap-free, at least 12 years).
    fit : names
        The parameters fitted, a subset of :data:`FITTABLE` (default
        :data:`DEFAULT_FIT`); the others stay at ``fixed`` or the world's defaults.
    fixed : dict, optional
        Values of parameters of :data:`FITTABLE` that are not fitted.
    bootstrap : int
        Parametric-bootstrap replicates B (0: no intervals).
    seed, rng : int, or a Generator / SeedSequence / int
        Root seed, given as ``seed`` or ``rng`` (not both; default 0): the
        estimation's simulated dyads are ``child_seed(seed, 0)``'s worlds, the
        bootstrap data sets ``child_seed(seed, 1)``'s.
    level : float
        Coverage of the percentile intervals.
    refit : "kstep" or "full"
        How each bootstrap sample is refitted: ``kstep`` takes ``k`` Gauss-Newton
        steps from the estimate with the moment Jacobian at the estimate (the
        k-step bootstrap of Andrews 2002; Davidson & MacKinnon 1999), ``full``
        goes on from there with Nelder-Mead (at most ``refit_maxfev`` evaluations).
        A Nelder-Mead refit stops at its tolerances near where it starts, so
        ``full`` intervals can come out narrower than ``kstep`` ones.
    k : int
        Gauss-Newton steps of a ``kstep`` refit.
    sim_worlds : int
        Simulated dyads averaged per evaluation of the moments.
    scaling : "mean" or "none"
        ``mean``: each series is divided by its own mean over the span (for
        spending data); ``none``: the series are already in the world's arms
        units (e.g. paths simulated by the world), so the fitted parameters are
        on the scale of the world that made them.
    start_points, maxfev, refit_maxfev : int
        Size of the Sobol start design; most evaluations of each stage of the fit
        and of a ``full`` bootstrap refit.
    measure : "spending" or "burden"
        What the series are (recorded; the caveats depend on it).
    emphasis : dict, optional
        Multipliers of the weights of named moments (e.g. ``{"corr_A_on_lagged_B": 10,
        "corr_B_on_lagged_A": 10}`` to make the fit match the lagged cross-correlations,
        the moments that carry reaction); the J test is unaffected (it uses the full
        covariance).

    Notes
    -----
    See the module docstring for the world, the moments and the weighting; the
    estimator is McFadden's (1989) SMM in the Markov-process form of Duffie &
    Singleton (1993); the intervals are Efron & Tibshirani's (1993) percentile
    intervals of a parametric bootstrap.
    """
    t_start = time.perf_counter()
    seed = _root_seed(seed, rng)
    fit = tuple(fit)
    if not fit or len(set(fit)) != len(fit) or any(f not in FITTABLE for f in fit):
        raise ParameterError("fit", ",".join(fit), "must be distinct names among "
                             + ", ".join(FITTABLE))
    fixed = dict(fixed or {})
    for name in fixed:
        if name not in FITTABLE or name in fit:
            raise ParameterError("fixed", name, "must name a parameter of "
                                 + ", ".join(FITTABLE) + " that is not fitted")
    if isinstance(bootstrap, bool) or int(bootstrap) != bootstrap or bootstrap < 0:
        raise ParameterError("bootstrap", bootstrap, "must be a whole number >= 0")
    if bootstrap == 1:
        raise ParameterError("bootstrap", bootstrap, "must be 0 (no intervals) or >= 2")
    require_choice("refit", refit, ("kstep", "full"))
    require_choice("measure", measure, MEASURES)
    if not 0.5 <= level < 1.0:
        raise ParameterError("level", level, "must be in [0.5, 1)")
    if sim_worlds < 2:
        raise ParameterError("sim_worlds", sim_worlds, "must be >= 2")
    obs = np.column_stack([np.asarray(series.a, float), np.asarray(series.b, float)])
    if obs.shape[0] < MIN_YEARS:
        raise ParameterError("years", f"{series.years[0]}-{series.years[-1]}",
                             f"a calibration needs at least {MIN_YEARS} years of data for both "
                             "states")
    if not (np.isfinite(obs).all() and (obs > 0).all()):
        raise ParameterError("series", series.dyad,
                             "spending must be positive and present in every year of the span")
    require_choice("scaling", scaling, ("mean", "none"))
    scale = ((float(obs[:, 0].mean()), float(obs[:, 1].mean())) if scaling == "mean"
             else (1.0, 1.0))
    scaled = obs / np.array(scale)
    x0 = (float(scaled[0, 0]), float(scaled[0, 1]))
    steps = obs.shape[0] - 1
    target = moments(scaled)
    obj = _Objective(x0, fit, fixed, steps, int(child_seed(seed, 0).generate_state(1)[0]),
                     sim_worlds)
    defaults = WorldParams()
    x_def = np.clip(np.array([float(getattr(defaults, f)) for f in fit]), *_bounds(fit))

    # stage 1: weights at the world's defaults, Nelder-Mead from the best design point
    boost = np.ones(len(MOMENT_NAMES))
    for name, factor in (emphasis or {}).items():
        if name not in MOMENT_NAMES:
            raise ParameterError("emphasis", name, "must name moments among "
                                 + ", ".join(MOMENT_NAMES))
        if not factor > 0:
            raise ParameterError(f"emphasis[{name}]", factor, "must be > 0")
        boost[MOMENT_NAMES.index(name)] = float(factor)
    obj.weights = _weights(obj.sim_moments(x_def)) * boost
    start = _start(obj, target, start_points, seed, x_def)
    x1, _, _ = _minimise(obj, target, start, 0.1, maxfev)
    # stage 2: weights at the first-stage estimate
    obj.weights = _weights(obj.sim_moments(x1)) * boost
    x, fun, ok = _minimise(obj, target, x1, 0.03, maxfev)
    sims = obj.sim_moments(x)
    fitted = sims.mean(axis=0)
    msd = sims.std(axis=0, ddof=1)

    big = moments(_paths(calibrated_world(x0, obj.theta(x)), steps,
                         world_keys(int(child_seed(seed, 3).generate_state(1)[0]), J_WORLDS)))
    big = big[np.isfinite(big).all(axis=1)]
    cov = np.cov(big.T) * (1.0 + 1.0 / sim_worlds)
    dev = target - fitted
    j_stat = float(dev @ np.linalg.pinv(cov) @ dev)
    j_df = len(MOMENT_NAMES) - len(fit)
    from scipy.stats import chi2

    j_p = float(chi2.sf(j_stat, j_df)) if j_df > 0 else float("nan")

    jac = _jacobian(obj, x)
    lo, hi = _bounds(fit)
    sv = np.linalg.svd(jac * np.sqrt(obj.weights)[:, None] * (hi - lo)[None, :],
                       compute_uv=False)

    boots = np.empty((bootstrap, len(fit)))
    if bootstrap:
        pw = calibrated_world(x0, obj.theta(x))
        data = _paths(pw, steps, world_keys(int(child_seed(seed, 1).generate_state(1)[0]),
                                            bootstrap))
        for b in range(bootstrap):
            tb = moments(data[b])
            boots[b] = _kstep(obj, tb, x, jac, fitted, k)
            if refit == "full":
                boots[b], _, _ = _minimise(obj, tb, boots[b], 0.05, refit_maxfev)
    alpha = 1.0 - level
    intervals: dict[str, tuple[float, float]] = {}
    identified: dict[str, bool] = {}
    at_bound: list[str] = []
    notes: list[str] = []
    full_rank = bool(sv[0] > 0 and sv[-1] > 1e-3 * sv[0])
    for j, name in enumerate(fit):
        if min(x[j] - lo[j], hi[j] - x[j]) <= 0.01 * (hi[j] - lo[j]):
            at_bound.append(name)
            notes.append(f"{name} = {x[j]:.4g} is at its search bound [{lo[j]:g}, {hi[j]:g}]")
        if bootstrap:
            q = np.quantile(boots[:, j], [alpha / 2, 1 - alpha / 2])
            intervals[name] = (float(q[0]), float(q[1]))
            narrow = bool((q[1] - q[0]) < 0.5 * (hi[j] - lo[j]))
        else:
            intervals[name] = (float("nan"), float("nan"))
            narrow = False
        identified[name] = bool(narrow and full_rank and name not in at_bound)
    if 0 < bootstrap < 20:
        notes.append(f"only {bootstrap} bootstrap replicates: the intervals and the "
                     "'identified' flags are rough")
    if not full_rank:
        notes.append("the weighted moment Jacobian is (nearly) rank deficient: the moments do "
                     "not pin down the fitted parameters separately")
    if not ok:
        notes.append("Nelder-Mead stopped at its evaluation limit before its tolerances")
    if "reaction" in fit:
        notes.append("reaction is the effective reaction conditional on the fixed fear, belief "
                     "and distinguishability parameters (see 'fixed')")
    return CalibrationResult(
        dyad=series.dyad, source=series.source, unit=series.unit,
        years=np.asarray(series.years, dtype=np.int64), observed=obs, scale=scale,
        params=obj.theta(x) | {f: float(getattr(defaults, f)) for f in FITTABLE
                               if f not in fit and f not in fixed},
        fit=fit, intervals=intervals, level=level, bootstrap_estimates=boots,
        refit=refit if bootstrap else "none", scaling=scaling, objective=fun, moments_data=target,
        moments_fitted=fitted, moments_sd=msd, identified=identified, at_bound=tuple(at_bound),
        jacobian_singular_values=np.asarray(sv, dtype=np.float64), seed=int(seed), sim_worlds=sim_worlds,
        n_evals=obj.n_evals, converged=ok, seconds=time.perf_counter() - t_start,
        notes=(*series.notes, *notes), j_stat=j_stat, j_df=j_df, j_p=j_p, measure=measure)


def _weights(sims: NDArray[np.float64]) -> NDArray[np.float64]:
    var = sims.var(axis=0, ddof=1)
    floor = 1e-6
    return np.asarray(1.0 / np.maximum(np.where(np.isfinite(var), var, 1.0), floor))


def burden_series(dyad: str, start: int | None = None, end: int | None = None) -> MilexSeries:
    """The military burden of a dyad: SIPRI's spending as a percent of GDP, by year.

    The longest gap-free run of years with both shares (within ``start``-``end``
    if given). Burden removes the common trend of economic growth and of prices
    that spending levels carry; SIPRI gives it for the 20 shipped countries from
    1949 (USSR 1988-1990 only, North Korea never).
    """
    from herz.analysis.empirical import _longest_run

    a, b = loaders.split_dyad(dyad)
    frame = loaders.sipri()
    cols = []
    for abb in (a, b):
        rows = frame[(frame.stateabb == abb) & frame.milex_share_gdp_pct.notna()]
        if rows.empty:
            raise ParameterError("dyad", dyad, f"{abb} has no SIPRI share of GDP; SIPRI burden "
                                 "exists for " + ", ".join(sorted(set(frame.dropna(
                                     subset=["milex_share_gdp_pct"]).stateabb))))
        cols.append(rows.groupby("year")["milex_share_gdp_pct"].first())
    both = pd.concat(cols, axis=1, join="inner").sort_index()
    lo = int(both.index.min()) if start is None else start
    hi = int(both.index.max()) if end is None else end
    run = _longest_run(both, lo, hi, True)
    if run is None:
        raise ParameterError("years", f"{lo}-{hi}", f"{dyad} has no years with SIPRI burden "
                             "for both states")
    sub = both.loc[run[0]:run[1]]
    return MilexSeries(f"{a}-{b}", sub.index.to_numpy(), sub.iloc[:, 0].to_numpy(float),
                       sub.iloc[:, 1].to_numpy(float), "percent of GDP", "SIPRI 2024",
                       (f"military burden (SIPRI share of GDP), {run[0]}-{run[1]}",))


def calibrate_dyad(dyad: str, source: str = "nmc", start: int | None = None,
                   end: int | None = None, measure: str = "spending",
                   **kwargs: Any) -> CalibrationResult:
    """Calibrate the world to a real dyad (``USA-RUS``, ``IND-PAK``; COW abbreviations).

    Without ``start``/``end`` the span is that of ``herz dyad``
    (:func:`herz.analysis.empirical.default_span`: the longest strategic-rivalry
    window with data for both); NMC spans across 1913/1914 are put on the
    dollar scale at the gold parity, as there. ``measure="burden"`` calibrates
    to the military burden (:func:`burden_series`, SIPRI) instead of spending,
    so that trend growth is not read as reaction. ``kwargs`` go to :func:`calibrate`.
    """
    from herz.analysis import empirical as em

    require_choice("source", source, loaders.SOURCES)
    require_choice("measure", measure, MEASURES)
    a, b = loaders.split_dyad(dyad)
    key = f"{a}-{b}"
    if measure == "burden":
        return calibrate(burden_series(key, start, end), measure="burden", **kwargs)
    if start is None and end is None:
        start, end, _ = em.default_span(key, source, "log")
    crosses = (source == "nmc" and (start or 0) < loaders.NMC_CURRENCY_BREAK <= (end or 9999))
    series = loaders.dyad_milex(key, start, end, source=source,
                                convert_to_usd=crosses)
    return calibrate(series, **kwargs)


@dataclass(frozen=True)
class FatigueProfile:
    """The calibration refitted at each fixed fatigue, with each counterfactual's ratio."""

    values: tuple[float, ...]
    fits: tuple[CalibrationResult, ...]
    labels: tuple[str, ...]
    #: (len(labels), len(values), 3, 2): quantiles over worlds of the final-year ratio
    final_ratio: NDArray[np.float64]

    def to_dict(self) -> dict[str, Any]:
        """Plain values: per fatigue the objective, J test, fitted values and ratios."""
        left, right = self.fits[0].dyad.split("-")
        rows = []
        for i, (v, f) in enumerate(zip(self.values, self.fits, strict=True)):
            rows.append({
                "fatigue": v, "objective": f.objective, "J": f.j_stat, "J_p": f.j_p,
                "params": {k: f.params[k] for k in f.fit},
                "final_year_ratio": {lab: {s: self.final_ratio[c, i, :, k].tolist()
                                           for k, s in enumerate((left, right))}
                                     for c, lab in enumerate(self.labels)}})
        return {"values": list(self.values), "rows": rows,
                "spread": {lab: {s: [float(self.final_ratio[c, :, 1, k].min()),
                                     float(self.final_ratio[c, :, 1, k].max())]
                                 for k, s in enumerate((left, right))}
                           for c, lab in enumerate(self.labels)}}


def profile_fatigue(series: MilexSeries, changes: list[dict[str, Any]],
                    values: tuple[float, ...] = FATIGUE_PROFILE, worlds: int = 100,
                    seed: int | None = None, rng: RngLike = None,
                    **kwargs: Any) -> FatigueProfile:
    """Refit the world at each fixed fatigue in ``values``; run each counterfactual there.

    Fatigue (Richardson's a) is not identified apart from reaction by growth
    moments, so instead of fixing it the profile shows how the fit (objective,
    J) and each counterfactual's median final-year ratio move over its plausible
    range. ``kwargs`` go to :func:`calibrate` (fatigue must not be fitted).
    """
    if not values or any(not 0.0 <= v <= 1.0 for v in values):
        raise ParameterError("values", values, "must be fatigue values in [0, 1]")
    seed = _root_seed(seed, rng)
    fit = tuple(kwargs.pop("fit", DEFAULT_FIT))
    if "fatigue" in fit:
        raise ParameterError("fit", ",".join(fit), "must not include fatigue in a profile")
    kwargs.setdefault("bootstrap", 0)
    fits = []
    ratios = np.full((len(changes), len(values), 3, 2), np.nan)
    for i, v in enumerate(values):
        res = calibrate(series, fit=fit, fixed={"fatigue": float(v)}, seed=seed, **kwargs)
        fits.append(res)
        for c, ch in enumerate(changes):
            cf = counterfactual(res, ch, worlds=worlds, seed=seed, worlds_per_draw=0)
            ratios[c, i] = cf.final_ratio
    labels = tuple(", ".join(f"{k}={_fmt(x)}" for k, x in ch.items()) for ch in changes)
    return FatigueProfile(tuple(float(v) for v in values), tuple(fits), labels, ratios)


# -------------------------------------------------------------------- counterfactuals


def parse_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """Check a counterfactual's changes; return them as world-parameter overrides.

    Keys are :data:`COUNTERFACTUAL_KEYS`. The mechanism switches (``signalling``,
    ``belief_update``, ``perception``) take true/false; setting a signalling
    parameter (``signal_cost``, ...) switches signalling on.
    """
    if not changes:
        raise ParameterError("counterfactual", changes, "must change at least one of "
                             + ", ".join(COUNTERFACTUAL_KEYS))
    mech = dataclasses.asdict(CALIBRATION_MECHANISMS)
    out: dict[str, Any] = {}
    for key, value in changes.items():
        if key not in COUNTERFACTUAL_KEYS:
            raise ParameterError("counterfactual", key,
                                 "is not a counterfactual key; valid keys: "
                                 + ", ".join(COUNTERFACTUAL_KEYS))
        if key in _SWITCHES:
            if isinstance(value, str):
                low = value.strip().lower()
                if low not in ("true", "false", "on", "off", "1", "0"):
                    raise ParameterError(key, value, "must be true or false")
                value = low in ("true", "on", "1")
            if not isinstance(value, bool):
                raise ParameterError(key, value, "must be true or false")
            mech[key] = value
            continue
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                raise ParameterError(key, value, "must be a number") from None
        out[key] = value
        if key in _SIGNAL_KEYS and "signalling" not in changes:
            mech["signalling"] = True
    out["mechanisms"] = Mechanisms(**mech)
    return out


@dataclass(frozen=True)
class CounterfactualResult:
    """The calibrated dyad run forward at baseline and under changed mechanisms."""

    calibration: CalibrationResult
    changes: dict[str, Any]
    years: NDArray[np.int64]
    quantiles: tuple[float, float, float]
    baseline: NDArray[np.float64]  # (3, T, 2) quantiles of spending, data units
    scenario: NDArray[np.float64]  # (3, T, 2)
    baseline_outcomes: dict[str, float]
    scenario_outcomes: dict[str, float]
    final_ratio: NDArray[np.float64]  # (3, 2): quantiles over worlds of scenario / baseline
    cumulative_ratio: NDArray[np.float64]  # (3, 2): the same for spending summed over the span
    trust_end: tuple[float, float]  # mean seekers' trust at the end: baseline, scenario
    worlds: int
    seed: int
    #: (3, 2): quantiles over bootstrap parameter draws of the median (over worlds) ratio,
    #: final year and summed over the span; NaN without bootstrap draws
    final_ratio_params: NDArray[np.float64] = field(
        default_factory=lambda: np.full((3, 2), np.nan))
    cumulative_ratio_params: NDArray[np.float64] = field(
        default_factory=lambda: np.full((3, 2), np.nan))

    @property
    def label(self) -> str:
        """The changes as ``key=value`` text."""
        return ", ".join(f"{k}={_fmt(v)}" for k, v in self.changes.items())

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready values."""
        left, right = self.calibration.dyad.split("-")
        q = [f"q{round(100 * x)}" for x in self.quantiles]

        def paths(arr: NDArray[np.float64]) -> dict[str, Any]:
            return {s: {qq: arr[i, :, k].tolist() for i, qq in enumerate(q)}
                    for k, s in enumerate((left, right))}

        def ratio(arr: NDArray[np.float64]) -> dict[str, Any]:
            return {s: dict(zip(q, arr[:, k].tolist(), strict=True))
                    for k, s in enumerate((left, right))}

        return {
            "changes": {k: _fmt(v) for k, v in self.changes.items()}, "label": self.label,
            "years": self.years.tolist(), "worlds": self.worlds, "seed": self.seed,
            "unit": self.calibration.unit,
            "baseline_outcomes": self.baseline_outcomes,
            "scenario_outcomes": self.scenario_outcomes,
            "final_year_ratio": ratio(self.final_ratio),
            "cumulative_ratio": ratio(self.cumulative_ratio),
            "final_year_ratio_over_parameter_draws": ratio(self.final_ratio_params),
            "cumulative_ratio_over_parameter_draws": ratio(self.cumulative_ratio_params),
            "trust_end": {"baseline": self.trust_end[0], "scenario": self.trust_end[1]},
            "baseline": paths(self.baseline), "scenario": paths(self.scenario),
        }


def _fmt(v: Any) -> Any:
    return v if isinstance(v, bool | int | float | str) else str(v)


def counterfactual(result: CalibrationResult, changes: dict[str, Any], worlds: int = 200,
                   seed: int | None = None, horizon: int = 0, band: float = 0.9,
                   worlds_per_draw: int = 8, rng: RngLike = None) -> CounterfactualResult:
    """Run the calibrated dyad from its first year with ``changes``, beside the baseline.

    Both runs use the same ``worlds`` world keys (common random numbers), so
    the ratios scenario / baseline are paired world by world. ``horizon``
    extra years run past the end of the data. Spending is reported in the
    data's units (the scaled paths times each series' mean); ``band`` is the
    central share of worlds between the lower and upper quantile.

    Parameter uncertainty: for each bootstrap draw of the fitted parameters the
    pair is run again on ``worlds_per_draw`` worlds (0: skip), and the median
    ratio per draw is summarised by the same quantiles over draws. The root
    seed is ``seed`` or ``rng`` (not both; default 0).
    """
    seed = _root_seed(seed, rng)
    if not 0.0 < band < 1.0:
        raise ParameterError("band", band, "must be in (0, 1)")
    if isinstance(horizon, bool) or int(horizon) != horizon or horizon < 0:
        raise ParameterError("horizon", horizon, "must be a whole number >= 0")
    over = parse_changes(changes)
    steps = result.n_years - 1 + int(horizon)
    base_p = result.world()
    scen_p = result.world(**over)
    qs = ((1.0 - band) / 2, 0.5, 1.0 - (1.0 - band) / 2)
    scale = np.array(result.scale)
    runs = []
    for p in (base_p, scen_p):
        ds = simulate(p, worlds=worlds, steps=steps, seed=seed, trajectories=True)
        arms = (ds["offense"] + ds["defense"]).to_numpy() * scale  # (W, T, 2)
        shares = ds["outcome"].to_series().value_counts(normalize=True).to_dict()
        runs.append((arms, {str(k): float(v) for k, v in shares.items()},
                     float(np.nanmean(ds["trust_end"].to_numpy()))))
    (ab, ob, tb), (asn, osn, ts) = runs
    with np.errstate(divide="ignore", invalid="ignore"):
        final = asn[:, -1, :] / ab[:, -1, :]
        cum = asn.sum(axis=1) / ab.sum(axis=1)
    years = np.arange(int(result.years[0]), int(result.years[0]) + steps + 1, dtype=np.int64)
    outcomes = sorted(set(ob) | set(osn))
    fr_p = np.full((3, 2), np.nan)
    cr_p = np.full((3, 2), np.nan)
    draws = result.bootstrap_estimates
    if worlds_per_draw > 0 and draws.shape[0] >= 2:
        keys = world_keys(int(child_seed(seed, 2).generate_state(1)[0]), int(worlds_per_draw))
        per = np.empty((draws.shape[0], 2, 2))
        for b, xb in enumerate(draws):
            theta = {**result.params, **dict(zip(result.fit, map(float, xb), strict=True))}
            pb = _paths(calibrated_world(result.x0, theta), steps, keys)
            ps = _paths(calibrated_world(result.x0, theta, **over), steps, keys)
            with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # all worlds at zero: NaN
                per[b, 0] = np.nanmedian(ps[:, -1, :] / pb[:, -1, :], axis=0)
                per[b, 1] = np.nanmedian(ps.sum(axis=1) / pb.sum(axis=1), axis=0)
        fr_p = np.nanquantile(per[:, 0], qs, axis=0)
        cr_p = np.nanquantile(per[:, 1], qs, axis=0)
    return CounterfactualResult(
        calibration=result, changes=dict(changes), years=years,
        quantiles=(float(qs[0]), float(qs[1]), float(qs[2])),
        baseline=np.quantile(ab, qs, axis=0), scenario=np.quantile(asn, qs, axis=0),
        baseline_outcomes={k: ob.get(k, 0.0) for k in outcomes},
        scenario_outcomes={k: osn.get(k, 0.0) for k in outcomes},
        final_ratio=np.nanquantile(final, qs, axis=0), cumulative_ratio=np.nanquantile(
            cum, qs, axis=0), trust_end=(tb, ts), worlds=int(worlds), seed=int(seed),
        final_ratio_params=fr_p, cumulative_ratio_params=cr_p)


def counterfactual_figure(result: CalibrationResult,
                          scenarios: list[CounterfactualResult]) -> Figure:
    """Observed spending, the calibrated baseline's band and each counterfactual's band."""
    import matplotlib.pyplot as plt

    left, right = result.dyad.split("-")
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharex=True)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for k, (ax, name) in enumerate(zip(axes, (left, right), strict=True)):
        ax.plot(result.years, result.observed[:, k], color="black", lw=1.8, label="observed")
        if scenarios:
            first = scenarios[0]
            width = round(100 * (first.quantiles[2] - first.quantiles[0]))
            ax.fill_between(first.years, first.baseline[0, :, k], first.baseline[2, :, k],
                            color="0.6", alpha=0.35, label=f"calibrated baseline ({width}% band)")
            ax.plot(first.years, first.baseline[1, :, k], color="0.35", lw=1.2)
        for i, sc in enumerate(scenarios):
            c = colours[i % len(colours)]
            ax.fill_between(sc.years, sc.scenario[0, :, k], sc.scenario[2, :, k], color=c,
                            alpha=0.2, label=sc.label)
            ax.plot(sc.years, sc.scenario[1, :, k], color=c, lw=1.2)
        ax.set_yscale("log")
        ax.set_title(f"{name}")
        ax.set_xlabel("year")
        ax.set_ylabel(result.unit)
    axes[0].legend(fontsize=8, loc="upper left")
    fig.suptitle(f"{result.dyad} ({result.source}): calibrated world and counterfactuals "
                 "(median and band over simulated worlds)", fontsize=10)
    caveats = result.caveats
    fig.tight_layout(rect=(0.0, 0.04 + 0.028 * len(caveats), 1.0, 1.0))
    fig.text(0.01, 0.01, "Caveats:\n" + "\n".join(f"- {c}" for c in caveats), fontsize=6.5,
             va="bottom", ha="left", wrap=True)
    return fig
