"""Arms races in the real record: was a rival dyad an action-reaction race.

For a pair of rivals named by COW abbreviations (``USA-RUS``, ``IND-PAK``) this
module takes the two military-spending series over the rivalry's years and asks
the question Richardson's model poses, in the two ways the empirical literature
asks it:

1. **Richardson's system, fitted by least squares** (via
   :func:`herz.models.richardson.fit_system`) in *levels* (the yearly change of
   each side's spending on both sides' earlier levels: k, a, g and l, b, h) and
   in *first differences* (the same regression on the yearly changes, so that a
   common trend or a drifting grievance term drops out), each with standard
   errors and the stability verdict a*b > k*l.
2. **Action-reaction tests in both directions** on log spending (by default):
   augmented Dickey-Fuller tests say whether each series is stationary in log
   levels or in growth rates; the lag order is chosen by AIC
   (``VAR.select_order``); Engle-Granger and Johansen tests say whether the two
   share a stochastic trend. The model then follows from the pre-tests: a VAR
   in log levels when both are stationary, a vector error-correction model
   (VECM, cointegration rank 1) when both are I(1) and cointegrated, a VAR in
   growth rates (first differences of logs) when both are I(1) and not
   cointegrated, and a Toda-Yamamoto lag-augmented VAR in levels when the
   orders differ or a series is not stationary even in differences (the test
   stays valid whatever the order of integration). Its Granger-causality
   Wald/F test is the *model* test; ``grangercausalitytests`` on the stationary
   representation (levels if both series are stationary, else differences) is
   the *Granger* test beside it (the two coincide when the model is a plain VAR).
   The lag order is chosen by BIC (or AIC) with ``VAR.select_order``.

Verdict for "B's spending reacts to A's" (alpha = 0.05 by default):

- ``reacts``: model test p < alpha, Granger test p < 2*alpha, and the summed
  lagged response of B to A is positive (a rise answered by a rise);
- ``does not react``: both p-values >= 2*alpha;
- ``inconclusive``: anything else: the tests disagree, the response is
  significant but negative, or fewer than :data:`MIN_YEARS_VERDICT` years.

"Mutual reaction" means both directions react.

Data handling, stated in every result: COW NMC (the default source) is nominal,
in pounds to 1913 and dollars from 1914; a span that crosses the break is put
on the dollar scale at the gold parity (US$4.8665/GBP); COW's RUS (365) joins
the USSR and the Russian Federation (SIPRI keeps them apart); the default span
of a dyad is its strategic rivalry (Thompson, Sakuwa & Suhas 2021) cut to the
longest run of years in which both series are present (and positive, for logs).

References
----------
Richardson, L. F. (1960). *Arms and Insecurity*. Pittsburgh: Boxwood Press.

Granger, C. W. J. (1969). Investigating causal relations by econometric models
and cross-spectral methods. *Econometrica* 37(3): 424-438. doi:10.2307/1912791.

Engle, R. F. & Granger, C. W. J. (1987). Co-integration and error correction.
*Econometrica* 55(2): 251-276. doi:10.2307/1913236.

Johansen, S. (1991). Estimation and hypothesis testing of cointegration vectors
in Gaussian vector autoregressive models. *Econometrica* 59(6): 1551-1580.

Toda, H. Y. & Yamamoto, T. (1995). Statistical inference in vector
autoregressions with possibly integrated processes. *Journal of Econometrics*
66(1-2): 225-250. doi:10.1016/0304-4076(94)01616-8.

Lütkepohl, H. (2005). *New Introduction to Multiple Time Series Analysis*.
Springer. (Granger-causality tests in VAR and VECM, ch. 3 and 7.)

Wallace, M. D. (1979). Arms races and escalation: some new evidence. *Journal of
Conflict Resolution* 23(1): 3-16. Diehl, P. F. (1983). Arms races and escalation:
a closer look. *Journal of Peace Research* 20(3): 205-212.

Gibler, D. M., Rider, T. J. & Hutchison, M. L. (2005). Taking arms against a sea
of troubles: conventional arms races during periods of rivalry. *Journal of
Peace Research* 42(2): 131-147.
"""

from __future__ import annotations

import enum
import itertools
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from herz.data import loaders
from herz.data.loaders import MilexSeries
from herz.errors import ParameterError, require_choice
from herz.models import richardson as rm
from herz.rng import RngLike, as_generator

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "MIN_YEARS",
    "MIN_YEARS_VERDICT",
    "CrossTab",
    "DirectionTest",
    "DyadAnalysis",
    "Stationarity",
    "Verdict",
    "analyse_dyad",
    "analyse_rivalries",
    "analyse_series",
    "cross_tabulate",
    "default_span",
    "pair_spending",
    "rivalry_windows",
    "simulate_reaction",
    "verdict_figure",
]

Transform = Literal["log", "level"]
TRANSFORMS: tuple[str, ...] = ("log", "level")
#: Fewest consecutive years for which the tests are run at all.
MIN_YEARS = 12
CRITERIA: tuple[str, ...] = ("bic", "aic")
#: Fewest consecutive years for which a verdict other than "inconclusive" is given.
MIN_YEARS_VERDICT = 20


class Verdict(enum.StrEnum):
    """Whether one side's spending reacts to the other's."""

    REACTS = "reacts"
    NO_REACTION = "does not react"
    INCONCLUSIVE = "inconclusive"


@dataclass(frozen=True)
class Stationarity:
    """ADF tests on one series: in (log) levels with trend, and in first differences.

    ``order`` is 0 (stationary around a trend in levels), 1 (stationary in
    differences) or 2 (not stationary even in differences at ``alpha``).
    """

    state: str
    adf_level_p: float
    adf_diff_p: float
    order: int

    def describe(self) -> str:
        """One line: the p-values and the order of integration read from them."""
        what = {0: "stationary in levels (around a trend)", 1: "I(1): stationary in differences",
                2: "not stationary even in differences"}[self.order]
        return (f"{self.state}: ADF p = {self.adf_level_p:.3f} (levels, trend), "
                f"{self.adf_diff_p:.3f} (differences): {what}")


@dataclass(frozen=True)
class DirectionTest:
    """The action-reaction test of one direction: ``caused`` reacting to ``causing``."""

    causing: str
    caused: str
    verdict: Verdict
    model: str
    model_p: float
    granger_p: float
    lag: int
    response: float
    reason: str

    def line(self) -> str:
        """The one-line verdict with the p-values behind it."""
        return (f"{self.caused} {self.verdict.value} to {self.causing}: {self.model} p = "
                f"{self.model_p:.3g}, Granger p = {self.granger_p:.3g}, "
                f"lag {self.lag}, summed response {self.response:+.3g} ({self.reason})")

    def to_dict(self) -> dict[str, Any]:
        """Return the test as a plain dict."""
        return {"causing": self.causing, "caused": self.caused, "verdict": self.verdict.value,
                "model": self.model, "model_p": self.model_p, "granger_p": self.granger_p,
                "lag": self.lag, "response": self.response, "reason": self.reason,
                "line": self.line()}


@dataclass(frozen=True)
class DyadAnalysis:
    """Everything herz computes about one dyad over one span, with how it was computed."""

    series: MilexSeries
    transform: str
    span_reason: str
    levels_fit: rm.SystemFit
    differences_fit: rm.SystemFit | None
    stationarity: tuple[Stationarity, Stationarity]
    cointegration: dict[str, Any]
    lag: int
    directions: tuple[DirectionTest, DirectionTest]
    alpha: float
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def dyad(self) -> str:
        """The pair, e.g. ``IND-PAK``."""
        return self.series.dyad

    @property
    def years(self) -> tuple[int, int]:
        """First and last year analysed."""
        return int(self.series.years[0]), int(self.series.years[-1])

    @property
    def mutual(self) -> bool:
        """True when each side reacts to the other (both verdicts ``reacts``)."""
        return all(d.verdict is Verdict.REACTS for d in self.directions)

    @property
    def pattern(self) -> str:
        """``mutual``, ``one-way``, ``none`` (neither reacts) or ``inconclusive``."""
        v = [d.verdict for d in self.directions]
        reacts = sum(x is Verdict.REACTS for x in v)
        if reacts == 2:
            return "mutual"
        if reacts == 1:
            return "one-way"
        if all(x is Verdict.NO_REACTION for x in v):
            return "none"
        return "inconclusive"

    def to_dict(self) -> dict[str, Any]:
        """Return the analysis as a plain dict (for --json)."""
        s = self.series
        return {
            "dyad": s.dyad, "years": list(self.years), "n_years": len(s.years),
            "source": s.source, "unit": s.unit, "transform": self.transform,
            "span_reason": self.span_reason, "alpha": self.alpha,
            "series": {"year": s.years, s.dyad.split("-")[0]: s.a, s.dyad.split("-")[1]: s.b},
            "richardson_levels": self.levels_fit.to_dict(),
            "richardson_differences": (None if self.differences_fit is None
                                       else self.differences_fit.to_dict()),
            "stationarity": [
                {"state": t.state, "adf_level_p": t.adf_level_p, "adf_diff_p": t.adf_diff_p,
                 "order": t.order, "line": t.describe()} for t in self.stationarity
            ],
            "cointegration": dict(self.cointegration),
            "lag": self.lag,
            "directions": [d.to_dict() for d in self.directions],
            "pattern": self.pattern, "mutual_reaction": self.mutual,
            "notes": [*s.notes, *self.notes],
        }


# ------------------------------------------------------------------------ simulation


def simulate_reaction(
    params: rm.RichardsonParams, x0: float, y0: float, n_years: int, noise_sd: float,
    rng: RngLike = None, start_year: int = 1900,
) -> MilexSeries:
    """Simulate the yearly Richardson map with Gaussian shocks: a known-truth dyad.

    x[t+1] = x[t] + k*y[t] - a*x[t] + g + e_x,  y[t+1] = y[t] + l*x[t] - b*y[t] + h + e_y,
    with e ~ N(0, noise_sd^2) independent. With ``l = 0`` only x reacts (to y):
    the direction a test must find. Returned as a :class:`MilexSeries` named
    ``X-Y`` so the analysis functions take it unchanged.
    """
    if n_years < 3 or int(n_years) != n_years:
        raise ParameterError("n_years", n_years, "must be a whole number >= 3")
    if not noise_sd >= 0:
        raise ParameterError("noise_sd", noise_sd, "must be >= 0")
    gen = as_generator(rng)
    shocks = gen.normal(0.0, noise_sd, size=(int(n_years) - 1, 2))
    x = np.empty(int(n_years))
    y = np.empty(int(n_years))
    x[0], y[0] = x0, y0
    p = params
    for t in range(int(n_years) - 1):
        x[t + 1] = x[t] + p.k * y[t] - p.a * x[t] + p.g + shocks[t, 0]
        y[t + 1] = y[t] + p.l * x[t] - p.b * y[t] + p.h + shocks[t, 1]
    years = np.arange(start_year, start_year + int(n_years))
    return MilexSeries("X-Y", years, x, y, "model units", "simulated Richardson map",
                       (f"simulated: {p.to_dict()}, noise sd {noise_sd}",))


# ------------------------------------------------------------------------------ spans


def _nmc_pair(a: str, b: str) -> pd.DataFrame:
    frame = loaders.nmc()
    sa = frame[frame.stateabb == a].set_index("year")["milex"].rename("a")
    sb = frame[frame.stateabb == b].set_index("year")["milex"].rename("b")
    return pd.concat([sa, sb], axis=1, join="inner").sort_index()


def _sipri_pair(a: str, b: str, year_hint: int | None) -> pd.DataFrame:
    frame = loaders.sipri()
    out = []
    for abb in (a, b):
        rows = frame[(frame.stateabb == abb) & frame.milex_const2022_usd_m.notna()]
        if abb == "RUS":
            rows = rows[rows.sipri_country == ("Russia" if (year_hint or 1992) >= 1992 else "USSR")]
        out.append(rows.set_index("year")["milex_const2022_usd_m"])
    return pd.concat([out[0].rename("a"), out[1].rename("b")], axis=1, join="inner").sort_index()


def pair_spending(dyad: str, source: str = "nmc", year_hint: int | None = None) -> pd.DataFrame:
    """Both states' raw spending by year (columns a, b; inner join; NaN where missing).

    NMC: thousands of current GBP/USD as in the file; SIPRI: millions of constant
    2022 US$ (for RUS, the USSR series if ``year_hint`` < 1992, else Russia's).
    """
    require_choice("source", source, loaders.SOURCES)
    a, b = loaders.split_dyad(dyad)
    return _nmc_pair(a, b) if source == "nmc" else _sipri_pair(a, b, year_hint)


def _longest_run(frame: pd.DataFrame, lo: int, hi: int, positive: bool) -> tuple[int, int] | None:
    sub = frame.loc[lo:hi]
    ok = sub.notna().all(axis=1)
    if positive:
        ok &= (sub > 0).all(axis=1)
    years = sub.index[ok.to_numpy()].to_numpy()
    if len(years) == 0:
        return None
    best = (int(years[0]), int(years[0]))
    run_start = int(years[0])
    for prev, cur in itertools.pairwise(years):
        if cur != prev + 1:
            run_start = int(cur)
        if cur - run_start > best[1] - best[0]:
            best = (run_start, int(cur))
    return best


def rivalry_windows(
    dyad: str, source: str = "nmc", transform: Transform = "log",
) -> list[tuple[int, int, str]]:
    """The usable spans of a dyad: each strategic rivalry cut to its longest gap-free run.

    Returns (start, end, reason) per rivalry episode of Thompson, Sakuwa & Suhas
    (2021) that overlaps the spending data, oldest first. A pair with no
    strategic rivalry (e.g. GRC-CYP) gets its longest gap-free run of data,
    and the reason says so.
    """
    require_choice("source", source, loaders.SOURCES)
    a, b = loaders.split_dyad(dyad)
    frame = _nmc_pair(a, b) if source == "nmc" else _sipri_pair(a, b, None)
    if frame.empty:
        raise ParameterError("dyad", dyad, f"has no years with {source} spending for both states")
    lo, hi = int(frame.index.min()), int(frame.index.max())
    positive = transform == "log"
    spans = loaders.rivalry_spans(dyad)
    out: list[tuple[int, int, str]] = []
    for _tid, name, start, end in spans:
        s, e = max(start, lo), min(end, hi)
        if s > e:
            continue
        run = _longest_run(frame, s, e, positive)
        if run is None:
            continue
        reason = f"strategic rivalry '{name}' {start}-{end} (Thompson, Sakuwa & Suhas 2021)"
        if run != (start, end):
            reason += f", cut to the longest run with {source} data for both: {run[0]}-{run[1]}"
        out.append((run[0], run[1], reason))
    if not spans:
        run = _longest_run(frame, lo, hi, positive)
        if run is not None:
            out.append((run[0], run[1], f"no strategic rivalry in Thompson, Sakuwa & Suhas (2021); "
                        f"longest run with {source} data for both: {run[0]}-{run[1]}"))
    return out


def default_span(
    dyad: str, source: str = "nmc", transform: Transform = "log",
) -> tuple[int, int, str]:
    """The span ``herz dyad`` uses without --start/--end: the longest usable rivalry window.

    Ties go to the most recent episode. Raises if no window has data.
    """
    windows = rivalry_windows(dyad, source, transform)
    if not windows:
        raise ParameterError("dyad", dyad, f"has no rivalry years with {source} data for both")
    return max(windows, key=lambda w: (w[1] - w[0], w[0]))


# ------------------------------------------------------------------------------ tests


def _adf(values: NDArray[np.float64], regression: str) -> float:
    from statsmodels.tsa.stattools import adfuller

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(adfuller(values, regression=regression, autolag="AIC")[1])


def _stationarity(state: str, z: NDArray[np.float64], alpha: float) -> Stationarity:
    p_level = _adf(z, "ct")
    p_diff = _adf(np.diff(z), "c")
    order = 0 if p_level < alpha else (1 if p_diff < alpha else 2)
    return Stationarity(state, p_level, p_diff, order)


def _select_lag(data: NDArray[np.float64], max_lags: int, criterion: str) -> int:
    from statsmodels.tsa.api import VAR

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sel = VAR(data).select_order(maxlags=max_lags, trend="c")
    return max(1, int(getattr(sel, criterion)))


def _granger_p(caused: NDArray[np.float64], causing: NDArray[np.float64], lag: int) -> float:
    from statsmodels.tsa.stattools import grangercausalitytests

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = grangercausalitytests(np.column_stack([caused, causing]), maxlag=[lag])
    return float(res[lag][0]["ssr_ftest"][1])


def _toda_yamamoto_p(
    levels: NDArray[np.float64], caused: int, causing: int, lag: int, dmax: int,
) -> float:
    """Toda-Yamamoto test: a VAR in levels with lag + dmax lags, Wald F on the first ``lag``.

    Valid whatever the series' order of integration (up to ``dmax``) and
    cointegration; the ``dmax`` extra lags are left untested.
    """
    import statsmodels.api as sm

    total = lag + dmax
    n = levels.shape[0]
    y = levels[total:, caused]
    cols = []
    for j in range(1, total + 1):
        cols.append(levels[total - j: n - j, caused])
        cols.append(levels[total - j: n - j, causing])
    trend = np.arange(n - total, dtype=float)
    design = np.column_stack([np.ones(n - total), trend, *cols])
    res = sm.OLS(y, design).fit()
    # columns: const, trend, then (own, other) for lags 1..total; test "other" of lags 1..lag
    restr = np.zeros((lag, design.shape[1]))
    for j in range(lag):
        restr[j, 2 + 2 * j + 1] = 1.0
    return float(res.f_test(restr).pvalue)


def _direction_verdict(
    model_p: float, granger_p: float, response: float, alpha: float, n_years: int,
) -> tuple[Verdict, str]:
    if n_years < MIN_YEARS_VERDICT:
        return Verdict.INCONCLUSIVE, f"only {n_years} years (< {MIN_YEARS_VERDICT})"
    if model_p < alpha and granger_p < 2 * alpha:
        if response > 0:
            return Verdict.REACTS, "both tests reject no-reaction, positive response"
        return Verdict.INCONCLUSIVE, "significant but negative response: not action-reaction"
    if model_p >= 2 * alpha and granger_p >= 2 * alpha:
        return Verdict.NO_REACTION, f"both p >= {2 * alpha:g}"
    return Verdict.INCONCLUSIVE, "the two tests disagree or are borderline"


def analyse_series(
    series: MilexSeries, transform: Transform = "log", alpha: float = 0.05,
    max_lags: int | None = None, span_reason: str = "span given by the caller",
    criterion: str = "bic",
) -> DyadAnalysis:
    """Analyse two aligned spending series: Richardson fits and action-reaction tests.

    ``transform="log"`` runs the time-series tests on log spending (needs
    positive values); ``"level"`` on the raw values. The Richardson fits are
    always in the series' own units. The lag order is chosen by ``criterion``
    (``"bic"``, the default, or ``"aic"``) up to ``max_lags`` (default:
    min(4, years // 10), at least 1). BIC is the default because, on series
    simulated with a one-way reaction (tests/analysis/test_empirical.py), AIC's
    longer lags made the test of the absent direction reject more often than
    its nominal 5% (about 9-11% against 6-9% with BIC, 150 seeds).
    """
    from statsmodels.tsa.api import VAR
    from statsmodels.tsa.stattools import coint
    from statsmodels.tsa.vector_ar.vecm import VECM, select_coint_rank

    require_choice("transform", transform, TRANSFORMS)
    require_choice("criterion", criterion, CRITERIA)
    if not 0 < alpha < 0.5:
        raise ParameterError("alpha", alpha, "must be between 0 and 0.5")
    years = np.asarray(series.years)
    n = len(years)
    if n < MIN_YEARS:
        raise ParameterError("years", f"{years[0]}-{years[-1]}",
                             f"need at least {MIN_YEARS} consecutive years for the tests")
    left, right = series.dyad.split("-")
    xa, xb = np.asarray(series.a, float), np.asarray(series.b, float)
    notes: list[str] = []
    if transform == "log":
        if np.any(xa <= 0) or np.any(xb <= 0):
            raise ParameterError("transform", "log", "needs positive spending in every year; "
                                 "choose a span without zeros or use --transform level")
        za, zb = np.log(xa), np.log(xb)
        notes.append("time-series tests on log spending: growth rates are first differences")
    else:
        za, zb = xa, xb
        notes.append("time-series tests on spending levels (no log transform)")

    levels_fit = rm.fit_system(years, xa, xb, regressor="lagged", unit=series.unit)
    diff_fit = None
    if n - 1 >= 5:
        diff_fit = rm.fit_system(years[1:], np.diff(xa), np.diff(xb), regressor="lagged",
                                 unit=series.unit + " per year")

    st = (_stationarity(left, za, alpha), _stationarity(right, zb, alpha))
    orders = (st[0].order, st[1].order)
    cap = max_lags if max_lags is not None else min(4, max(1, n // 10))
    if cap < 1:
        raise ParameterError("max_lags", max_lags, "must be >= 1")
    dz = np.column_stack([np.diff(za), np.diff(zb)])
    levels = np.column_stack([za, zb])
    both_stationary = orders == (0, 0)
    stationary = levels if both_stationary else dz
    lag = _select_lag(stationary, cap, criterion)

    coint_info: dict[str, Any] = {"tested": False}
    cointegrated = False
    if orders == (1, 1):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            eg_ab = float(coint(za, zb, trend="c")[1])
            eg_ba = float(coint(zb, za, trend="c")[1])
            rank = int(select_coint_rank(levels, det_order=0, k_ar_diff=lag,
                                         method="trace", signif=alpha).rank)
        # ADF says both are I(1), so a trace rank of 2 (both stationary) cannot hold;
        # read rank >= 1 as cointegration and impose rank 1.
        cointegrated = rank >= 1
        coint_info = {"tested": True, "engle_granger_p": {f"{left} on {right}": eg_ab,
                                                          f"{right} on {left}": eg_ba},
                      "johansen_trace_rank": rank, "cointegrated": cointegrated,
                      "rule": f"cointegrated iff Johansen trace rank >= 1 at {alpha:g} "
                              "(rank 1 imposed: ADF found both I(1))"}
    else:
        coint_info["why_not"] = ("both series stationary in levels" if both_stationary
                                 else "the series are not both I(1)")

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if both_stationary:
            model_name = f"VAR({lag}) in {'log levels' if transform == 'log' else 'levels'}"
            var_res = VAR(levels).fit(lag, trend="c")
        else:
            var_res = VAR(dz).fit(lag, trend="c")
            model_name = f"VAR({lag}) in {'growth rates' if transform == 'log' else 'differences'}"
        vecm_res = None
        toda_yamamoto = not both_stationary and orders != (1, 1)
        if toda_yamamoto:
            dmax = max(orders)
            model_name = (f"Toda-Yamamoto VAR({lag}+{dmax}) in "
                          f"{'log levels' if transform == 'log' else 'levels'}")
        if cointegrated:
            vecm_res = VECM(levels, k_ar_diff=lag, coint_rank=1, deterministic="ci").fit()
            model_name = f"VECM(rank 1, {lag} lagged differences)"

    directions = []
    names = (left, right)
    for causing, caused in ((0, 1), (1, 0)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if vecm_res is not None:
                model_p = float(vecm_res.test_granger_causality(caused, causing).pvalue)
            elif toda_yamamoto:
                model_p = _toda_yamamoto_p(levels, caused, causing, lag, dmax)
            else:
                model_p = float(var_res.test_causality(caused, [causing], kind="f").pvalue)
        granger_p = _granger_p(stationary[:, caused], stationary[:, causing], lag)
        response = float(var_res.coefs[:, caused, causing].sum())
        verdict, reason = _direction_verdict(model_p, granger_p, response, alpha, n)
        directions.append(DirectionTest(names[causing], names[caused], verdict, model_name,
                                        model_p, granger_p, lag, response, reason))
    notes.append(f"lag order {lag} chosen by {criterion.upper()} (VAR.select_order, at most {cap})")
    rep = "levels" if both_stationary else "differences"
    notes.append(f"Granger test (grangercausalitytests) on the stationary representation: {rep}")
    if diff_fit is not None:
        notes.append("Richardson in first differences: the yearly change of each side's "
                     "yearly change on both sides' earlier changes (k, l, a, b as in levels; "
                     "g, h become drifts). Consistent only if the shocks are persistent "
                     "(random-walk); with white-noise shocks in levels OLS overstates a and b "
                     "(see docs/empirical.md)")
    return DyadAnalysis(series, transform, span_reason, levels_fit, diff_fit, st, coint_info,
                        lag, (directions[0], directions[1]), alpha, tuple(notes))


def _break_notes(series: MilexSeries) -> list[str]:
    notes = []
    years = series.years
    if "RUS" in series.dyad.split("-") and series.source.startswith("COW"):
        if years[0] < loaders.USSR_RUSSIA_BREAK <= years[-1]:
            notes.append("RUS: COW's ccode 365 joins the USSR (to 1991) and the Russian "
                         "Federation (from 1992) in one series; the span crosses that break")
        else:
            which = ("the USSR" if years[-1] < loaders.USSR_RUSSIA_BREAK
                     else "the Russian Federation")
            if years[-1] < 1922:
                which = "the Russian Empire / Soviet Russia"
            notes.append(f"RUS: COW ccode 365, here {which}")
    if series.source.startswith("COW"):
        if years[0] < loaders.NMC_CURRENCY_BREAK <= years[-1]:
            notes.append("NMC currency break: pounds to 1913, dollars from 1914; converted at "
                         "the gold parity")
        else:
            cur = "pounds" if years[-1] < loaders.NMC_CURRENCY_BREAK else "dollars"
            notes.append(f"NMC currency: all years in current {cur} (no currency break in span)")
    return notes


def analyse_dyad(
    dyad: str, start: int | None = None, end: int | None = None, source: str = "nmc",
    transform: Transform = "log", alpha: float = 0.05, max_lags: int | None = None,
    deflator: pd.Series | None = None, deflator_base: int | None = None,
    criterion: str = "bic",
) -> DyadAnalysis:
    """Is ``dyad`` an action-reaction arms race? Fits and tests over one span.

    Without ``start``/``end`` the span is :func:`default_span` (the longest
    strategic-rivalry window with data for both). With one of them, the other
    defaults to the data's edge. NMC spans across 1913/1914 are converted to
    dollars at gold parity; ``deflator`` (a price index by year, see
    :func:`herz.data.read_deflator`) turns nominal series into real ones.
    """
    require_choice("source", source, loaders.SOURCES)
    require_choice("transform", transform, TRANSFORMS)
    a, b = loaders.split_dyad(dyad)
    key = f"{a}-{b}"
    if start is None and end is None:
        start, end, reason = default_span(key, source, transform)
    else:
        reason = "span given by the user"
        spans = loaders.rivalry_spans(key)
        if spans:
            reason += "; strategic rivalries: " + ", ".join(f"{s}-{e}" for _, _, s, e in spans)
    crosses = (source == "nmc" and (start or 0) < loaders.NMC_CURRENCY_BREAK <= (end or 9999))
    series = loaders.dyad_milex(key, start, end, source=source, convert_to_usd=crosses,
                                deflator=deflator, deflator_base=deflator_base)
    result = analyse_series(series, transform, alpha, max_lags, reason, criterion)
    extra = tuple(_break_notes(series))
    return DyadAnalysis(result.series, result.transform, result.span_reason, result.levels_fit,
                        result.differences_fit, result.stationarity, result.cointegration,
                        result.lag, result.directions, result.alpha, (*extra, *result.notes))


# ------------------------------------------------------------------------- all rivalries


def _episodes(scope: str, transform: Transform) -> list[tuple[str, int, int, str, bool]]:
    """(dyad, start, end, reason, classic) per rivalry episode.

    Every window of the 18 classic pairs is listed, even one too short to test
    (it becomes a ``failed`` row that says why); other rivalries only with at
    least :data:`MIN_YEARS` usable years.
    """
    out: list[tuple[str, int, int, str, bool]] = []
    seen: set[tuple[str, int]] = set()
    for dyad in loaders.RIVAL_DYADS:
        for s, e, why in rivalry_windows(dyad, "nmc", transform):
            out.append((dyad, s, e, why, True))
            seen.add((_canon(dyad), s))
    if scope == "classic":
        return out
    riv = loaders.rivalries()
    known = set(loaders.nmc()["stateabb"])
    for r in riv.itertuples():
        a, b = str(r.stateabb1), str(r.stateabb2)
        if a not in known or b not in known or int(str(r.end)) < 1816:
            continue
        dyad = f"{a}-{b}"
        if any(_canon(dyad) == _canon(d) for d in loaders.RIVAL_DYADS):
            continue
        for s, e, why in rivalry_windows(dyad, "nmc", transform):
            if e - s + 1 >= MIN_YEARS and str(r.rivalry) in why and (_canon(dyad), s) not in seen:
                out.append((dyad, s, e, why, False))
                seen.add((_canon(dyad), s))
    return out


def _canon(dyad: str) -> str:
    return "-".join(sorted(loaders.split_dyad(dyad)))


def _grh_overlap(dyad: str, s: int, e: int) -> list[str]:
    races = loaders.arms_races(dyad)
    hit = races[(races.styear <= e) & (races.endyear >= s)]
    return [f"{int(x)}-{int(y)}" for x, y in zip(hit.styear, hit.endyear, strict=True)]


def _war_onsets(dyad: str, s: int, e: int) -> list[int]:
    w = loaders.wars(dyad)
    on = w[(w.cowinteronset == 1) & (w.year >= s) & (w.year <= e)]
    return sorted({int(y) for y in on.year})


def analyse_rivalries(
    scope: Literal["classic", "all"] = "classic", transform: Transform = "log",
    alpha: float = 0.05, criterion: str = "bic",
) -> pd.DataFrame:
    """Run :func:`analyse_dyad` on every rivalry episode; one row per episode.

    ``scope="classic"``: the 18 rival pairs of ``nmc_rival_dyads_milex.csv``,
    each over its strategic-rivalry windows (GRC-CYP, with no strategic
    rivalry, over its data); windows shorter than :data:`MIN_YEARS` years are
    kept as ``failed`` rows with the reason. ``"all"`` adds every other strategic rivalry
    whose two states both have NMC spending for at least :data:`MIN_YEARS`
    consecutive years. Columns name the span, both verdicts with their
    p-values, the Richardson stability verdicts, whether Gibler, Rider &
    Hutchison (2005) list an arms race overlapping the span, COW war onsets
    between the pair in the span, and (for spans with a war) the verdict on the
    years before the first onset. Episodes that fail are kept, with the error.
    Where SIPRI's constant-dollar series cover at least :data:`MIN_YEARS` years of
    the episode, the ``sipri_*`` columns repeat the tests on them (real terms: a
    check on NMC's nominal figures, whose common inflation can mimic reaction).
    """
    require_choice("scope", scope, ("classic", "all"))
    rows = []
    for dyad, s, e, why, classic in _episodes(scope, transform):
        row: dict[str, Any] = {"dyad": dyad, "start": s, "end": e, "n_years": e - s + 1,
                               "classic": classic, "span_reason": why}
        races = _grh_overlap(dyad, s, e)
        onsets = _war_onsets(dyad, s, e)
        row.update({"grh_race": bool(races), "grh_races": "; ".join(races),
                    "war_onset": bool(onsets), "war_onsets": "; ".join(map(str, onsets))})
        try:
            res = analyse_dyad(dyad, s, e, "nmc", transform, alpha, criterion=criterion)
        except (ParameterError, ValueError, np.linalg.LinAlgError) as exc:
            row.update({"pattern": "failed", "error": str(exc)})
            rows.append(row)
            continue
        d_ab, d_ba = res.directions
        row.update({
            "pattern": res.pattern, "mutual": res.mutual, "model": d_ab.model, "lag": res.lag,
            "b_reacts_to_a": d_ab.verdict.value,
            "p_model_b_reacts": d_ab.model_p, "p_granger_b_reacts": d_ab.granger_p,
            "a_reacts_to_b": d_ba.verdict.value,
            "p_model_a_reacts": d_ba.model_p, "p_granger_a_reacts": d_ba.granger_p,
            "stability_levels": (None if res.levels_fit.stability is None
                                 else res.levels_fit.stability.value),
            "stability_differences": (None if res.differences_fit is None
                                      or res.differences_fit.stability is None
                                      else res.differences_fit.stability.value),
            "error": "",
        })
        row["prewar_mutual"] = None
        if onsets and onsets[0] - s >= MIN_YEARS:
            try:
                pre = analyse_dyad(dyad, s, onsets[0] - 1, "nmc", transform, alpha,
                                   criterion=criterion)
                row["prewar_mutual"] = pre.mutual
                row["prewar_pattern"] = pre.pattern
            except (ParameterError, ValueError, np.linalg.LinAlgError):
                row["prewar_pattern"] = "failed"
        row.update(_sipri_check(dyad, s, e, transform, alpha, criterion))
        rows.append(row)
    return pd.DataFrame(rows)


def _sipri_check(
    dyad: str, s: int, e: int, transform: Transform, alpha: float, criterion: str,
) -> dict[str, Any]:
    """The same tests on SIPRI's constant-dollar series, where it covers the episode."""
    a, b = loaders.split_dyad(dyad)
    known = set(loaders.load("sipri_milex")["stateabb"])
    if a not in known or b not in known or e < 1949:
        return {"sipri_pattern": None}
    frame = pair_spending(dyad, "sipri", s)
    run = None if frame.empty else _longest_run(frame, s, e, transform == "log")
    if run is None or run[1] - run[0] + 1 < MIN_YEARS:
        return {"sipri_pattern": None}
    try:
        res = analyse_dyad(dyad, run[0], run[1], "sipri", transform, alpha, criterion=criterion)
    except (ParameterError, ValueError, np.linalg.LinAlgError):
        return {"sipri_pattern": "failed", "sipri_start": run[0], "sipri_end": run[1]}
    d_ab, d_ba = res.directions
    return {"sipri_start": run[0], "sipri_end": run[1], "sipri_pattern": res.pattern,
            "sipri_b_reacts_to_a": d_ab.verdict.value, "sipri_p_model_b_reacts": d_ab.model_p,
            "sipri_a_reacts_to_b": d_ba.verdict.value, "sipri_p_model_a_reacts": d_ba.model_p}


@dataclass(frozen=True)
class CrossTab:
    """A 2x2 table of herz's mutual-reaction verdict against a published coding."""

    name: str
    table: pd.DataFrame
    odds_ratio: float
    fisher_p: float
    share_with_mutual: float
    share_without_mutual: float
    n: int

    def to_dict(self) -> dict[str, Any]:
        """Return the table as a plain dict."""
        return {"name": self.name, "table": {str(k): {str(c): int(v) for c, v in r.items()}
                                             for k, r in self.table.to_dict("index").items()},
                "odds_ratio": self.odds_ratio, "fisher_p": self.fisher_p,
                "share_with_mutual": self.share_with_mutual,
                "share_without_mutual": self.share_without_mutual, "n": self.n}


def _crosstab(name: str, mutual: pd.Series, outcome: pd.Series, label: str) -> CrossTab:
    from scipy.stats import fisher_exact

    m = mutual.astype(bool).to_numpy()
    o = outcome.astype(bool).to_numpy()
    counts = np.array([[np.sum(m & o), np.sum(m & ~o)], [np.sum(~m & o), np.sum(~m & ~o)]])
    table = pd.DataFrame(counts, index=["mutual reaction", "no mutual reaction"],
                         columns=[label, "not " + label])
    odds, p = fisher_exact(counts) if counts.sum() else (float("nan"), float("nan"))
    share_m = counts[0, 0] / counts[0].sum() if counts[0].sum() else float("nan")
    share_n = counts[1, 0] / counts[1].sum() if counts[1].sum() else float("nan")
    return CrossTab(name, table, float(odds), float(p), float(share_m), float(share_n),
                    int(counts.sum()))


def cross_tabulate(results: pd.DataFrame) -> dict[str, CrossTab]:
    """Cross-tabulate mutual reaction with the GRH arms-race list and with war onset.

    ``grh``: episodes whose span overlaps a GRH (2005) arms race; ``war``:
    episodes with a COW war onset between the pair inside the span (same span
    as the verdict, so it says "co-occurs", not "precedes"); ``war_prewar``:
    episodes with a war and at least :data:`MIN_YEARS` years before the first
    onset, the verdict taken on those pre-war years only, against the other
    episodes' whole-span verdicts (the Wallace-Diehl question: does mutual
    reaction precede war?). Failed episodes are left out.
    """
    ok = results[results["pattern"] != "failed"].copy()
    out = {
        "grh": _crosstab("mutual reaction x GRH (2005) arms race in span", ok["mutual"],
                         ok["grh_race"], "GRH race"),
        "war": _crosstab("mutual reaction x COW war onset in span", ok["mutual"],
                         ok["war_onset"], "war onset"),
    }
    if "prewar_mutual" in ok.columns:
        pre = ok.copy()
        has_pre = pre["prewar_mutual"].notna()
        war_short = pre["war_onset"] & ~has_pre
        pre = pre[~war_short]
        mutual_pre = np.where(pre["prewar_mutual"].notna(), pre["prewar_mutual"], pre["mutual"])
        out["war_prewar"] = _crosstab(
            "mutual reaction before the first war onset x war", pd.Series(mutual_pre.astype(bool)),
            pre["war_onset"], "war onset")
    return out


def verdict_figure(results: pd.DataFrame, alpha: float = 0.05) -> Figure:
    """Scatter of the two directions' model p-values per episode, marked by GRH race and war."""
    import matplotlib.pyplot as plt

    from herz.plot import OKABE_ITO

    ok = results[results["pattern"] != "failed"]
    fig, ax = plt.subplots(figsize=(9.0, 6.0), layout="constrained")
    floor = 1e-6
    for (race, war), marker, colour, label in (
        ((False, False), "o", OKABE_ITO[7], "no GRH race, no war"),
        ((True, False), "s", OKABE_ITO[4], "GRH race, no war"),
        ((False, True), "^", OKABE_ITO[5], "war, no GRH race"),
        ((True, True), "D", OKABE_ITO[0], "GRH race and war"),
    ):
        sub = ok[(ok.grh_race == race) & (ok.war_onset == war)]
        if sub.empty:
            continue
        ax.scatter(np.maximum(sub.p_model_b_reacts.to_numpy(float), floor),
                   np.maximum(sub.p_model_a_reacts.to_numpy(float), floor),
                   marker=marker, color=colour, label=label, alpha=0.85)
        if len(ok) <= 40:
            for r in sub.itertuples():
                px, py = float(r.p_model_b_reacts), float(r.p_model_a_reacts)  # type: ignore[arg-type]
                ax.annotate(f"{r.dyad} {r.start}", (max(px, floor), max(py, floor)),
                            fontsize=7, xytext=(3, 3), textcoords="offset points")
    ax.set_xscale("log")
    ax.set_yscale("log")
    for f in (ax.axvline, ax.axhline):
        f(alpha, color="grey", lw=0.8, ls="--")
    ax.set_xlabel("p: second state reacts to first (model test)")
    ax.set_ylabel("p: first state reacts to second (model test)")
    ax.set_title("Action-reaction model tests per rivalry episode "
                 f"(dashed: p = {alpha:g}; lower left: both reject)", fontsize=10)
    fig.legend(fontsize=8, loc="outside right upper")
    return fig
