"""Arms races in the real record: was a rival dyad an action-reaction race.

For a pair of rivals named by COW abbreviations (``USA-RUS``, ``IND-PAK``) this
module takes the two military-spending series over the rivalry's years and asks
the question Richardson's model poses, in the two ways the empirical literature
asks it:

1. **Richardson's system, fitted by least squares** (via
   :func:`herz.models.richardson.fit_system`, the lagged-level regressor that
   is exact for the discrete map) in *levels* and in *first differences*, each
   with standard errors, Holm-adjusted p-values over the fit's six
   coefficients and the stability verdict a*b > k*l.
2. **Action-reaction tests in both directions** on log spending (by default),
   done as the time-series textbooks prescribe (:mod:`herz.analysis.timeseries`):
   ADF and KPSS together, the deterministic term (constant, or constant and
   trend) chosen by test, Zivot-Andrews for a one-time break; the lag order p
   chosen by BIC (or AIC) on the VAR *in levels*; the Toda-Yamamoto Wald test
   on the levels VAR with p + d_max lags (d_max the highest order of
   integration found), which stays valid whatever the orders of integration and
   cointegration; the sign and size of the reaction (the sum of the p tested
   coefficients) from that same model, with a wild-bootstrap interval and the
   power of the test against a stated reaction. Johansen and Engle-Granger
   cointegration tests are reported beside it, as description: the verdict does
   not depend on them. Optional war dummies (one impulse per year the pair was
   at war in COW) take the war years out of the test.

Every family of tests a command runs is adjusted (Holm by default, or
Benjamini-Hochberg): the two directions of ``herz dyad``, every direction of
every episode in ``herz dyads``; the raw p-value is reported beside the
adjusted one.

Verdict for "B's spending reacts to A's" (alpha = 0.05 by default):

- ``reacts``: adjusted p < alpha and the summed reaction is positive;
- ``does not react``: adjusted p >= alpha *and* the upper end of the effect
  interval is below the smallest reaction of interest (0.2 by default: a 1%
  rise in A's spending answered by a 0.2% rise in B's, summed over the tested
  lags). A failure to reject alone is not evidence of no reaction;
- ``inconclusive``: anything else: a significant but negative response, an
  interval that admits the reaction of interest, or fewer than
  :data:`MIN_YEARS_VERDICT` years.

"Mutual reaction" means both directions react.

Data handling, stated in every result: COW NMC (the default source) is nominal
current dollars at market exchange rates (pounds to 1913; a span across the
break is put on the dollar scale at the gold parity); devaluations and source
splices show as jumps, which :func:`herz.data.quality.spending_breaks` flags
(India 1967, Pakistan 1972, the USSR's 1989 splice); COW's RUS (365) joins the
USSR and the Russian Federation (SIPRI keeps them apart); the default span of a
dyad is its strategic rivalry (Thompson, Sakuwa & Suhas 2021) cut to the
longest run of years in which both series are present (and positive, for logs).

References
----------
Richardson, L. F. (1960). *Arms and Insecurity*. Pittsburgh: Boxwood Press.

Granger, C. W. J. (1969). Investigating causal relations by econometric models
and cross-spectral methods. *Econometrica* 37(3): 424-438. doi:10.2307/1912791.

Toda, H. Y. & Yamamoto, T. (1995). Statistical inference in vector
autoregressions with possibly integrated processes. *Journal of Econometrics*
66(1-2): 225-250. doi:10.1016/0304-4076(94)01616-8.

Engle, R. F. & Granger, C. W. J. (1987). Co-integration and error correction.
*Econometrica* 55(2): 251-276. Johansen, S. (1991). Estimation and hypothesis
testing of cointegration vectors in Gaussian vector autoregressive models.
*Econometrica* 59(6): 1551-1580.

Holm, S. (1979). A simple sequentially rejective multiple test procedure.
*Scandinavian Journal of Statistics* 6(2): 65-70.

Wallace, M. D. (1979). Arms races and escalation: some new evidence. *Journal of
Conflict Resolution* 23(1): 3-16. Diehl, P. F. (1983). Arms races and escalation:
a closer look. *Journal of Peace Research* 20(3): 205-212.

Gibler, D. M., Rider, T. J. & Hutchison, M. L. (2005). Taking arms against a sea
of troubles: conventional arms races during periods of rivalry. *Journal of
Peace Research* 42(2): 131-147.
"""

from __future__ import annotations

import dataclasses
import enum
import itertools
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from herz.analysis import timeseries as ts
from herz.analysis.timeseries import UnitRoot
from herz.data import loaders
from herz.data.loaders import MilexSeries
from herz.data.quality import spending_breaks
from herz.errors import ParameterError, require_choice
from herz.models import richardson as rm
from herz.rng import RngLike, as_generator

__all__ = [
    "EFFECT_OF_INTEREST",
    "MIN_YEARS",
    "MIN_YEARS_VERDICT",
    "CrossTab",
    "DirectionTest",
    "DyadAnalysis",
    "UnitRoot",
    "Verdict",
    "analyse_dyad",
    "analyse_rivalries",
    "analyse_series",
    "cross_tabulate",
    "default_span",
    "direction_verdict",
    "pair_spending",
    "rivalry_windows",
    "simulate_reaction",
    "war_years",
]

Transform = Literal["log", "level"]
TRANSFORMS: tuple[str, ...] = ("log", "level")
#: Fewest consecutive years for which the tests are run at all.
MIN_YEARS = 12
CRITERIA: tuple[str, ...] = ("bic", "aic")
#: Fewest consecutive years for which a verdict other than "inconclusive" is given.
MIN_YEARS_VERDICT = 20
#: The smallest summed reaction of interest (an elasticity on log spending): "does not
#: react" needs the effect interval to lie below it.
EFFECT_OF_INTEREST = 0.2
#: Wild-bootstrap replicates of the effect intervals.
BOOTSTRAP = 999

class Verdict(enum.StrEnum):
    """Whether one side's spending reacts to the other's."""

    REACTS = "reacts"
    NO_REACTION = "does not react"
    INCONCLUSIVE = "inconclusive"


@dataclass(frozen=True)
class DirectionTest:
    """The action-reaction test of one direction: ``caused`` reacting to ``causing``.

    ``p_value`` is the Toda-Yamamoto Wald test's; ``p_adjusted`` the same after
    the command's multiple-testing adjustment (``adjustment``); ``effect`` the
    summed reaction over the tested lags with its wild-bootstrap interval;
    ``power`` the test's power at alpha against a summed reaction of
    ``effect_of_interest``; ``mde`` the smallest summed reaction it detects
    with 80% power.
    """

    causing: str
    caused: str
    verdict: Verdict
    model: str
    p_value: float
    p_adjusted: float
    adjustment: str
    lag: int
    dmax: int
    effect: float
    effect_low: float
    effect_high: float
    power: float
    mde: float
    effect_of_interest: float
    reason: str

    def line(self) -> str:
        """The one-line verdict with the numbers behind it."""
        return (f"{self.caused} {self.verdict.value} to {self.causing}: {self.model} p = "
                f"{self.p_value:.3g} (raw), {self.p_adjusted:.3g} ({self.adjustment}); summed "
                f"reaction {self.effect:+.3g} [{self.effect_low:+.3g}, {self.effect_high:+.3g}]; "
                f"power {self.power:.2f} against {self.effect_of_interest:g}, 80%-detectable "
                f"{self.mde:.3g} ({self.reason})")

    def to_dict(self) -> dict[str, Any]:
        """Return the test as a plain dict."""
        return {"causing": self.causing, "caused": self.caused, "verdict": self.verdict.value,
                "model": self.model, "p_value": self.p_value, "p_adjusted": self.p_adjusted,
                "adjustment": self.adjustment, "lag": self.lag, "dmax": self.dmax,
                "effect": self.effect, "effect_interval": [self.effect_low, self.effect_high],
                "power": self.power, "mde_80": self.mde,
                "effect_of_interest": self.effect_of_interest, "reason": self.reason,
                "line": self.line()}


@dataclass(frozen=True)
class DyadAnalysis:
    """Everything herz computes about one dyad over one span, with how it was computed."""

    series: MilexSeries
    transform: str
    span_reason: str
    levels_fit: rm.SystemFit
    differences_fit: rm.SystemFit | None
    stationarity: tuple[UnitRoot, UnitRoot]
    cointegration: dict[str, Any]
    lag: int
    directions: tuple[DirectionTest, DirectionTest]
    alpha: float
    notes: tuple[str, ...] = field(default_factory=tuple)
    trend: str = "c"
    war_dummy_years: tuple[int, ...] = ()
    data_warnings: tuple[str, ...] = ()

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
        return _pattern([d.verdict for d in self.directions])

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
            "stationarity": [t.to_dict() for t in self.stationarity],
            "deterministic": self.trend,
            "cointegration": dict(self.cointegration),
            "lag": self.lag, "war_dummy_years": list(self.war_dummy_years),
            "directions": [d.to_dict() for d in self.directions],
            "pattern": self.pattern, "mutual_reaction": self.mutual,
            "data_warnings": list(self.data_warnings),
            "notes": [*s.notes, *self.notes],
        }


def _pattern(verdicts: Sequence[Verdict | str]) -> str:
    v = [Verdict(x) for x in verdicts]
    reacts = sum(x is Verdict.REACTS for x in v)
    if reacts == 2:
        return "mutual"
    if reacts == 1:
        return "one-way"
    if all(x is Verdict.NO_REACTION for x in v):
        return "none"
    return "inconclusive"

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


def direction_verdict(
    p_adjusted: float, effect: float, effect_high: float, alpha: float, n_years: int,
    effect_of_interest: float = EFFECT_OF_INTEREST,
) -> tuple[Verdict, str]:
    """The verdict rule of the module docstring, with its reason."""
    if n_years < MIN_YEARS_VERDICT:
        return Verdict.INCONCLUSIVE, f"only {n_years} years (< {MIN_YEARS_VERDICT})"
    if p_adjusted < alpha:
        if effect > 0:
            return Verdict.REACTS, "adjusted p < alpha, positive summed reaction"
        return Verdict.INCONCLUSIVE, "significant but negative reaction: not action-reaction"
    if effect_high < effect_of_interest:
        return Verdict.NO_REACTION, (f"not rejected, and the interval excludes a summed "
                                     f"reaction of {effect_of_interest:g}")
    return Verdict.INCONCLUSIVE, (f"not rejected, but the interval admits a summed reaction "
                                  f"of {effect_of_interest:g}")


def _dummies(years: NDArray[np.int64], dummy_years: Sequence[int]) -> NDArray[np.float64] | None:
    inside = [y for y in sorted(set(int(v) for v in dummy_years)) if years[0] <= y <= years[-1]]
    if not inside:
        return None
    return np.column_stack([(years == y).astype(float) for y in inside])


def analyse_series(
    series: MilexSeries, transform: Transform = "log", alpha: float = 0.05,
    max_lags: int | None = None, span_reason: str = "span given by the caller",
    criterion: str = "bic", adjustment: str = "holm", dummy_years: Sequence[int] = (),
    effect_of_interest: float = EFFECT_OF_INTEREST, bootstrap: int = BOOTSTRAP,
    rng: RngLike = None,
) -> DyadAnalysis:
    """Analyse two aligned spending series: Richardson fits and action-reaction tests.

    ``transform="log"`` runs the time-series tests on log spending (needs
    positive values); ``"level"`` on the raw values. The lag order of the VAR in
    levels is chosen by ``criterion`` (``"bic"``, the default, or ``"aic"``) up to
    ``max_lags`` (default: min(4, years // 10), at least 1). ``dummy_years``
    get one impulse dummy each (war years, see :func:`war_years`).
    ``adjustment`` (``holm``, ``fdr_bh`` or ``none``) is applied over the two
    directions. ``rng`` drives the wild bootstrap of the effect intervals.
    """
    from statsmodels.tsa.stattools import coint
    from statsmodels.tsa.vector_ar.vecm import select_coint_rank

    require_choice("transform", transform, TRANSFORMS)
    require_choice("criterion", criterion, CRITERIA)
    require_choice("adjustment", adjustment, ts.ADJUSTMENTS)
    if not 0 < alpha < 0.5:
        raise ParameterError("alpha", alpha, "must be between 0 and 0.5")
    if not effect_of_interest > 0:
        raise ParameterError("effect_of_interest", effect_of_interest, "must be > 0")
    gen = as_generator(rng)
    years = np.asarray(series.years).astype(np.int64)
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
        notes.append("time-series tests on log spending: the summed reaction is an elasticity")
    else:
        za, zb = xa, xb
        notes.append("time-series tests on spending levels (no log transform)")

    levels_fit = rm.fit_system(years, xa, xb, regressor="lagged", unit=series.unit)
    diff_fit = None
    if n - 1 >= 5:
        diff_fit = rm.fit_system(years[1:], np.diff(xa), np.diff(xb), regressor="lagged",
                                 unit=series.unit + " per year")

    yf = years.astype(float)
    st = (ts.unit_root(left, za, yf, alpha), ts.unit_root(right, zb, yf, alpha))
    trend = "ct" if "ct" in (st[0].deterministic, st[1].deterministic) else "c"
    dmax = max(st[0].order, st[1].order)
    cap = max_lags if max_lags is not None else min(4, max(1, n // 10))
    if cap < 1:
        raise ParameterError("max_lags", max_lags, "must be >= 1")
    levels = np.column_stack([za, zb])
    exog = _dummies(years, dummy_years)
    lag = ts.select_lag_levels(levels, cap, criterion, trend, exog)

    coint_info: dict[str, Any] = {"tested": False}
    if min(st[0].order, st[1].order) >= 1:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            eg_ab = float(coint(za, zb, trend=trend)[1])
            eg_ba = float(coint(zb, za, trend=trend)[1])
            rank = int(select_coint_rank(levels, det_order=1 if trend == "ct" else 0,
                                         k_ar_diff=max(0, lag - 1), method="trace",
                                         signif=alpha).rank)
        coint_info = {"tested": True, "engle_granger_p": {f"{left} on {right}": eg_ab,
                                                          f"{right} on {left}": eg_ba},
                      "johansen_trace_rank": rank,
                      "deterministic": trend,
                      "role": "description only: the Toda-Yamamoto test is valid with or "
                              "without cointegration"}
    else:
        coint_info["why_not"] = "a series is stationary in levels"

    word = "log levels" if transform == "log" else "levels"
    model_name = (f"Toda-Yamamoto VAR({lag}+{dmax}) in {word}" if dmax
                  else f"VAR({lag}) in {word}")
    model_name += ", constant and trend" if trend == "ct" else ", constant"
    if exog is not None:
        model_name += f", {exog.shape[1]} war-year dummies"
    names = (left, right)
    raw = []
    for causing, caused in ((0, 1), (1, 0)):
        ty = ts.toda_yamamoto(levels, caused, causing, lag, dmax, trend, exog)
        lo, hi = ts.wild_bootstrap_effect(ty, 1.0 - alpha, bootstrap, rng=gen)
        raw.append((causing, caused, ty, lo, hi))
    p_adj = ts.adjust([r[2].p_value for r in raw], adjustment)
    directions = []
    for (causing, caused, ty, lo, hi), pa in zip(raw, p_adj, strict=True):
        verdict, reason = direction_verdict(float(pa), ty.effect, hi, alpha, n,
                                            effect_of_interest)
        directions.append(DirectionTest(
            names[causing], names[caused], verdict, model_name, ty.p_value, float(pa),
            adjustment, lag, dmax, ty.effect, lo, hi, ts.wald_power(ty, effect_of_interest, alpha),
            ts.minimal_detectable_effect(ty, 0.8, alpha), effect_of_interest, reason))
    notes.append(f"deterministic term {trend!r} chosen by test; lag order {lag} chosen by "
                 f"{criterion.upper()} on the VAR in levels (at most {cap}); d_max = {dmax}")
    notes.append(f"effect intervals: fixed-design wild bootstrap, {bootstrap} replicates, "
                 f"{round(100 * (1 - alpha))}%; power from the noncentral F at alpha = {alpha:g}")
    if not all(t.agree for t in st):
        notes.append("ADF and KPSS disagree for a series: its order was taken as the higher one")
    for t in st:
        if t.za_break_year is not None and t.za_p < alpha <= t.adf_p:
            notes.append(f"{t.state}: Zivot-Andrews rejects a unit root against a break in "
                         f"{t.za_break_year} (p = {t.za_p:.3f}) where ADF does not: the series "
                         "may be stationary around a broken trend; the verdict keeps d_max = "
                         f"{dmax} (valid either way)")
    if diff_fit is not None:
        notes.append("Richardson in first differences: the yearly change of each side's "
                     "yearly change on both sides' earlier changes (k, l, a, b as in levels; "
                     "g, h become drifts). Consistent only if the shocks are persistent "
                     "(random-walk); with white-noise shocks in levels OLS overstates a and b "
                     "(see docs/empirical.md)")
    return DyadAnalysis(series, transform, span_reason, levels_fit, diff_fit, st, coint_info,
                        lag, (directions[0], directions[1]), alpha, tuple(notes), trend,
                        tuple(int(y) for y in sorted(set(dummy_years))
                              if years[0] <= y <= years[-1]), ())


def war_years(dyad: str) -> list[int]:
    """Years in which the pair was at war with each other (COW inter-state wars, ongoing)."""
    w = loaders.wars(dyad)
    return sorted({int(y) for y in w["year"]})


def _data_warnings(series: MilexSeries, source: str, wars: Sequence[int]) -> list[str]:
    """Jumps in either series; a year counts as a war year if that state was at war (COW)."""
    a, b = series.dyad.split("-")
    all_wars = loaders.wars()
    out = []
    for abb, values in ((a, series.a), (b, series.b)):
        own = set(int(y) for y in all_wars.loc[all_wars.stateabb1 == abb, "year"])
        out += spending_breaks(source, abb, series.years, values, own | set(wars))
    return out

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
    criterion: str = "bic", adjustment: str = "holm", war_dummies: bool = False,
    effect_of_interest: float = EFFECT_OF_INTEREST, bootstrap: int = BOOTSTRAP,
    rng: RngLike = None,
) -> DyadAnalysis:
    """Is ``dyad`` an action-reaction arms race? Fits and tests over one span.

    Without ``start``/``end`` the span is :func:`default_span` (the longest
    strategic-rivalry window with data for both). With one of them, the other
    defaults to the data's edge. NMC spans across 1913/1914 are converted to
    dollars at gold parity; ``deflator`` (a price index by year, see
    :func:`herz.data.read_deflator`) turns nominal series into real ones.
    ``war_dummies`` adds one impulse dummy per year the pair was at war (COW).
    Jumps in the data that are splices or devaluations are listed in
    ``data_warnings``.
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
    wars = war_years(key)
    result = analyse_series(series, transform, alpha, max_lags, reason, criterion, adjustment,
                            wars if war_dummies else (), effect_of_interest, bootstrap, rng)
    extra = tuple(_break_notes(series))
    return dataclasses.replace(result, notes=(*extra, *result.notes),
                               data_warnings=tuple(_data_warnings(series, source, wars)))


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
    alpha: float = 0.05, criterion: str = "bic", adjustment: str = "holm",
    war_dummies: bool = False, bootstrap: int = BOOTSTRAP, rng: RngLike = None,
) -> pd.DataFrame:
    """Run :func:`analyse_dyad` on every rivalry episode; one row per episode.

    ``scope="classic"``: the 18 rival pairs of ``nmc_rival_dyads_milex.csv``,
    each over its strategic-rivalry windows (GRC-CYP, with no strategic
    rivalry, over its data); windows shorter than :data:`MIN_YEARS` years are
    kept as ``failed`` rows with the reason. ``"all"`` adds every other strategic rivalry
    whose two states both have NMC spending for at least :data:`MIN_YEARS`
    consecutive years. The p-values of every direction of every episode form
    one family and are adjusted together (``adjustment``); the verdicts use the
    adjusted p-values, and the raw ones stay beside them. Columns name the span,
    both verdicts with raw and adjusted p and the summed reaction with its
    interval, the Richardson stability verdicts, GRH (2005) races overlapping
    the span and COW war onsets in it. Where SIPRI's constant-dollar series
    cover at least :data:`MIN_YEARS` years of the episode, the ``sipri_*``
    columns repeat the tests on them (a second family, adjusted on its own).
    """
    require_choice("scope", scope, ("classic", "all"))
    gen = as_generator(rng)
    rows = []
    for dyad, s, e, why, classic in _episodes(scope, transform):
        row: dict[str, Any] = {"dyad": dyad, "start": s, "end": e, "n_years": e - s + 1,
                               "classic": classic, "span_reason": why}
        races = _grh_overlap(dyad, s, e)
        onsets = _war_onsets(dyad, s, e)
        row.update({"grh_race": bool(races), "grh_races": "; ".join(races),
                    "war_onset": bool(onsets), "war_onsets": "; ".join(map(str, onsets))})
        try:
            res = analyse_dyad(dyad, s, e, "nmc", transform, alpha, criterion=criterion,
                               adjustment="none", war_dummies=war_dummies,
                               bootstrap=bootstrap, rng=gen)
        except (ParameterError, ValueError, np.linalg.LinAlgError) as exc:
            row.update({"pattern": "failed", "error": str(exc)})
            rows.append(row)
            continue
        row.update(_direction_columns("", res))
        row.update({
            "model": res.directions[0].model, "lag": res.lag,
            "stability_levels": (None if res.levels_fit.stability is None
                                 else res.levels_fit.stability.value),
            "stability_differences": (None if res.differences_fit is None
                                      or res.differences_fit.stability is None
                                      else res.differences_fit.stability.value),
            "data_warnings": " | ".join(res.data_warnings), "error": "",
        })
        row.update(_sipri_check(dyad, s, e, transform, alpha, criterion, war_dummies,
                                bootstrap, gen))
        rows.append(row)
    table = pd.DataFrame(rows)
    _adjust_family(table, "", alpha, adjustment)
    if "sipri_p_b_reacts" in table.columns:
        _adjust_family(table, "sipri_", alpha, adjustment)
    return table


def _direction_columns(prefix: str, res: DyadAnalysis) -> dict[str, Any]:
    out: dict[str, Any] = {f"{prefix}n_tested": len(res.series.years)}
    for d, tag in zip(res.directions, ("b_reacts", "a_reacts"), strict=True):
        out.update({f"{prefix}p_{tag}": d.p_value, f"{prefix}effect_{tag}": d.effect,
                    f"{prefix}effect_low_{tag}": d.effect_low,
                    f"{prefix}effect_high_{tag}": d.effect_high,
                    f"{prefix}power_{tag}": d.power})
    return out


def _adjust_family(table: pd.DataFrame, prefix: str, alpha: float, adjustment: str) -> None:
    """Adjust every direction's p of the table as one family; redo verdicts and patterns."""
    cols = [f"{prefix}p_b_reacts", f"{prefix}p_a_reacts"]
    if table.empty or cols[0] not in table.columns:
        return
    raw = table[cols].to_numpy(dtype=float)
    adj = ts.adjust(raw.ravel(), adjustment).reshape(raw.shape)
    patterns: list[str | None] = []
    for i, (_, r) in enumerate(table.iterrows()):
        verdicts: list[Verdict] = []
        for j, tag in enumerate(("b_reacts", "a_reacts")):
            table.loc[table.index[i], f"{prefix}p_adj_{tag}"] = adj[i, j]
            if not np.isfinite(raw[i, j]):
                continue
            v, _ = direction_verdict(adj[i, j], float(r[f"{prefix}effect_{tag}"]),
                                     float(r[f"{prefix}effect_high_{tag}"]), alpha,
                                     int(r[f"{prefix}n_tested"]))
            verdicts.append(v)
            table.loc[table.index[i], f"{prefix}{tag[0]}_reacts_to_{'ab'[j]}"] = v.value
        patterns.append(_pattern(verdicts) if len(verdicts) == 2 else None)
    if prefix:
        ok = table[f"{prefix}p_b_reacts"].notna()
        table.loc[ok, f"{prefix}pattern"] = [p for p, k in zip(patterns, ok, strict=True) if k]
    else:
        done = table["pattern"] != "failed" if "pattern" in table.columns else None
        pat = pd.Series(patterns, index=table.index)
        table["pattern"] = pat.where(done, "failed") if done is not None else pat
        table["mutual"] = table["pattern"] == "mutual"
    table.attrs[f"{prefix}family_size"] = int(np.isfinite(raw).sum())


def _sipri_check(
    dyad: str, s: int, e: int, transform: Transform, alpha: float, criterion: str,
    war_dummies: bool, bootstrap: int, gen: np.random.Generator,
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
        res = analyse_dyad(dyad, run[0], run[1], "sipri", transform, alpha, criterion=criterion,
                           adjustment="none", war_dummies=war_dummies, bootstrap=bootstrap,
                           rng=gen)
    except (ParameterError, ValueError, np.linalg.LinAlgError):
        return {"sipri_pattern": "failed", "sipri_start": run[0], "sipri_end": run[1]}
    return {"sipri_start": run[0], "sipri_end": run[1], "sipri_pattern": res.pattern,
            **_direction_columns("sipri_", res)}


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
