"""Time-series inference for two spending series, done as the textbooks prescribe.

The pieces :mod:`herz.analysis.empirical` assembles into a verdict:

- :func:`unit_root`: ADF and KPSS together, with the deterministic term (constant
  or constant and trend) chosen by test (Enders 2015, sec. 4.8: the ADF
  regression with trend first; if it rejects the unit root, the trend is kept
  when its ordinary t-test rejects; if not, the trend is kept when the
  Dickey-Fuller (1981) phi-3 F statistic exceeds its 5% critical value), and
  the Zivot-Andrews (1992) test for a unit root against a one-time break.
- :func:`toda_yamamoto`: the lag-augmented Wald test (Toda & Yamamoto 1995): the
  lag order p chosen on the VAR *in levels*, the VAR fitted with p + d_max
  lags (d_max the highest order of integration), the Wald test on the first p
  lags of the causing series only, and the sign and size of the reaction read
  from the same, tested model (the sum of those p coefficients).
- :func:`wild_bootstrap_effect`: a fixed-design wild bootstrap (Goncalves &
  Kilian 2004) percentile interval for that summed reaction.
- :func:`wald_power`: the power of the same Wald test against a stated summed
  reaction, from the noncentral F distribution, and the smallest summed
  reaction it detects with 80% power.
- :func:`adjust`: Holm (1979) or Benjamini-Hochberg (1995) adjustment of a
  family of p-values (statsmodels' ``multipletests``).

References
----------
Dickey, D. A. & Fuller, W. A. (1981). Likelihood ratio statistics for
autoregressive time series with a unit root. *Econometrica* 49(4): 1057-1072.

Kwiatkowski, D., Phillips, P. C. B., Schmidt, P. & Shin, Y. (1992). Testing the
null hypothesis of stationarity against the alternative of a unit root.
*Journal of Econometrics* 54(1-3): 159-178.

Zivot, E. & Andrews, D. W. K. (1992). Further evidence on the Great Crash, the
oil-price shock, and the unit-root hypothesis. *Journal of Business & Economic
Statistics* 10(3): 251-270.

Toda, H. Y. & Yamamoto, T. (1995). Statistical inference in vector
autoregressions with possibly integrated processes. *Journal of Econometrics*
66(1-2): 225-250.

Goncalves, S. & Kilian, L. (2004). Bootstrapping autoregressions with
conditional heteroskedasticity of unknown form. *Journal of Econometrics*
123(1): 89-120.

Holm, S. (1979). A simple sequentially rejective multiple test procedure.
*Scandinavian Journal of Statistics* 6(2): 65-70. Benjamini, Y. & Hochberg, Y.
(1995). Controlling the false discovery rate. *JRSS B* 57(1): 289-300.

Enders, W. (2015). *Applied Econometric Time Series*, 4th ed. Wiley, ch. 4.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from herz.errors import ParameterError, require_choice
from herz.rng import RngLike, as_generator

__all__ = [
    "ADJUSTMENTS",
    "PHI3_CRITICAL_5PCT",
    "TodaYamamoto",
    "UnitRoot",
    "adjust",
    "minimal_detectable_effect",
    "select_lag_levels",
    "toda_yamamoto",
    "unit_root",
    "wald_power",
    "wild_bootstrap_effect",
]

#: Multiple-testing adjustments offered (statsmodels ``multipletests`` names).
ADJUSTMENTS: tuple[str, ...] = ("holm", "fdr_bh", "none")

#: Dickey & Fuller (1981), Table VI: 5% critical values of phi-3 (H0: unit root and no
#: trend in the ADF regression with constant and trend), by sample size.
PHI3_CRITICAL_5PCT: tuple[tuple[int, float], ...] = (
    (25, 7.24), (50, 6.73), (100, 6.49), (250, 6.34), (500, 6.30),
)


ArrayLike1D = NDArray[np.float64] | list[float]


def _phi3_critical(n: int) -> float:
    sizes = np.array([s for s, _ in PHI3_CRITICAL_5PCT], dtype=float)
    values = np.array([v for _, v in PHI3_CRITICAL_5PCT])
    return float(np.interp(n, sizes, values))


@dataclass(frozen=True)
class UnitRoot:
    """Unit-root evidence on one series.

    ``deterministic`` is ``"c"`` or ``"ct"``, chosen by test; ``order`` the order of
    integration read from ADF and KPSS together (0, 1 or 2); ``agree`` is False when
    the two tests contradict each other, in which case the higher order is taken
    (the safe side for the Toda-Yamamoto augmentation).
    """

    state: str
    deterministic: str
    trend_test: str
    adf_p: float
    kpss_p: float
    adf_diff_p: float
    kpss_diff_p: float
    order: int
    agree: bool
    za_p: float
    za_break_year: int | None

    def describe(self) -> str:
        """One line with every p-value and the reading."""
        det = "constant and trend" if self.deterministic == "ct" else "constant"
        what = {0: "stationary in levels", 1: "I(1)", 2: "I(2) or worse"}[self.order]
        za = ("" if self.za_break_year is None else
              f"; Zivot-Andrews p = {self.za_p:.3f}, break {self.za_break_year}")
        flag = "" if self.agree else " (ADF and KPSS disagree: the higher order is taken)"
        return (f"{self.state}: {det} ({self.trend_test}); levels ADF p = {self.adf_p:.3f}, "
                f"KPSS p = {self.kpss_p:.3f}; differences ADF p = {self.adf_diff_p:.3f}, "
                f"KPSS p = {self.kpss_diff_p:.3f}{za}: {what}{flag}")

    def to_dict(self) -> dict[str, Any]:
        """Plain values."""
        return {"state": self.state, "deterministic": self.deterministic,
                "trend_test": self.trend_test, "adf_p": self.adf_p, "kpss_p": self.kpss_p,
                "adf_diff_p": self.adf_diff_p, "kpss_diff_p": self.kpss_diff_p,
                "order": self.order, "agree": self.agree, "zivot_andrews_p": self.za_p,
                "zivot_andrews_break": self.za_break_year, "line": self.describe()}


def _kpss_p(z: NDArray[np.float64], regression: str) -> float:
    from statsmodels.tsa.stattools import kpss

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # p outside the table: clipped to [0.01, 0.10]
        return float(kpss(z, regression=regression, nlags="auto")[1])


def _adf(z: NDArray[np.float64], regression: str) -> tuple[float, Any]:
    from statsmodels.tsa.stattools import adfuller

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = adfuller(z, regression=regression, autolag="AIC", regresults=True)
    return float(out[1]), out[3]


def _phi3(z: NDArray[np.float64], lags: int) -> float:
    """F statistic of (no level term, no trend) in the ADF regression with trend."""
    import statsmodels.api as sm

    dz = np.diff(z)
    n = len(dz) - lags
    y = dz[lags:]
    cols = [np.ones(n), z[lags:-1], np.arange(n, dtype=float)]
    cols += [dz[lags - j: len(dz) - j] for j in range(1, lags + 1)]
    full = sm.OLS(y, np.column_stack(cols)).fit()
    restr = np.zeros((2, len(cols)))
    restr[0, 1] = restr[1, 2] = 1.0
    return float(np.squeeze(full.f_test(restr).fvalue))


def unit_root(state: str, z: ArrayLike1D, years: ArrayLike1D | None = None,
              alpha: float = 0.05) -> UnitRoot:
    """ADF and KPSS with the deterministic term chosen by test, and Zivot-Andrews.

    Order: 0 when ADF rejects a unit root and KPSS does not reject stationarity;
    1 when the levels look integrated and the differences stationary; 2 when the
    differences also look integrated (ADF does not reject and KPSS rejects).
    When ADF and KPSS contradict each other the higher order is taken.
    """
    from statsmodels.tsa.stattools import zivot_andrews

    x = np.asarray(z, dtype=float)
    p_ct, res_ct = _adf(x, "ct")
    if p_ct < alpha:
        # statsmodels' ADF regression: [level, lagged differences..., const, trend]
        p_trend = float(res_ct.resols.pvalues[-1])
        det = "ct" if p_trend < alpha else "c"
        how = f"trend t-test p = {p_trend:.3f} (stationary)"
    else:
        phi3 = _phi3(x, int(res_ct.usedlag))
        crit = _phi3_critical(len(x))
        det = "ct" if phi3 > crit else "c"
        how = f"phi3 = {phi3:.2f} vs 5% critical {crit:.2f}"
    adf_p = p_ct if det == "ct" else _adf(x, "c")[0]
    kpss_p = _kpss_p(x, det)
    dx = np.diff(x)
    adf_d = _adf(dx, "c")[0]
    kpss_d = _kpss_p(dx, "c")
    adf_unit, kpss_unit = adf_p >= alpha, kpss_p < alpha
    if not adf_unit and not kpss_unit:
        order, agree = 0, True
    else:
        agree = adf_unit == kpss_unit
        diff_unit = adf_d >= alpha and kpss_d < alpha
        order = 2 if diff_unit else 1
        agree = agree and ((adf_d >= alpha) == (kpss_d < alpha))
    za_p, za_year = float("nan"), None
    if len(x) >= 20:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                za = zivot_andrews(x, regression=det, autolag="AIC")
        except (ValueError, np.linalg.LinAlgError):  # statsmodels fails on some lag choices
            za = None
        if za is not None:
            za_p = float(za[1])
            yrs = np.arange(len(x)) if years is None else np.asarray(years)
            za_year = int(yrs[int(za[4])])
    return UnitRoot(state, det, how, adf_p, kpss_p, adf_d, kpss_d, order, agree, za_p, za_year)


# -------------------------------------------------------------------------- the VAR


def select_lag_levels(levels: NDArray[np.float64], max_lags: int, criterion: str,
                      trend: str, exog: NDArray[np.float64] | None = None) -> int:
    """Lag order of the VAR *in levels* by ``criterion`` (statsmodels ``select_order``), >= 1."""
    from statsmodels.tsa.api import VAR

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sel = VAR(levels, exog=exog).select_order(maxlags=max_lags, trend=trend)
    return max(1, int(getattr(sel, criterion)))


@dataclass(frozen=True)
class TodaYamamoto:
    """The lag-augmented Wald test of one direction, with the tested model kept."""

    lag: int
    dmax: int
    trend: str
    wald_f: float
    df: tuple[int, int]
    p_value: float
    effect: float  # sum of the causing series' coefficients on lags 1..lag
    effect_se: float
    design: NDArray[np.float64]
    fitted: NDArray[np.float64]
    residuals: NDArray[np.float64]
    tested: tuple[int, ...]  # columns of the design tested
    xtx_inv: NDArray[np.float64]
    sigma2: float


def _lagged_design(levels: NDArray[np.float64], caused: int, causing: int, total: int,
                   trend: str, exog: NDArray[np.float64] | None) -> tuple[NDArray[np.float64],
                                                                        NDArray[np.float64],
                                                                        list[int]]:
    n = levels.shape[0]
    y = levels[total:, caused]
    cols = [np.ones(n - total)]
    if trend == "ct":
        cols.append(np.arange(total, n, dtype=float))
    first = len(cols)
    tested = []
    for j in range(1, total + 1):
        cols.append(levels[total - j: n - j, caused])
        cols.append(levels[total - j: n - j, causing])
        tested.append(first + 2 * (j - 1) + 1)
    if exog is not None and exog.size:
        ex = exog[total:]
        keep = ex.std(axis=0) > 0
        cols.extend(ex[:, keep].T)
    return y, np.column_stack(cols), tested


def toda_yamamoto(levels: NDArray[np.float64], caused: int, causing: int, lag: int, dmax: int,
                  trend: str = "c", exog: NDArray[np.float64] | None = None) -> TodaYamamoto:
    """Wald F test that ``causing`` does not enter ``caused``'s equation at lags 1..``lag``.

    The equation is the levels VAR with ``lag + dmax`` lags, the deterministic
    term ``trend`` (``"c"`` or ``"ct"``) and optional exogenous columns
    (war-year dummies); the ``dmax`` extra lags are in the model but not tested
    (Toda & Yamamoto 1995). With ``dmax = 0`` this is the ordinary Granger F
    test of the equation (statsmodels' ``grangercausalitytests`` ``ssr_ftest``
    when ``trend="c"`` and no exogenous columns).
    """
    require_choice("trend", trend, ("c", "ct"))
    if lag < 1 or dmax < 0:
        raise ParameterError("lag", (lag, dmax), "need lag >= 1 and dmax >= 0")
    total = lag + dmax
    y, design, tested_all = _lagged_design(levels, caused, causing, total, trend, exog)
    n, k = design.shape
    if n - k < 2:
        raise ParameterError("years", levels.shape[0],
                             f"too few for a VAR with {total} lags ({k} coefficients per equation)")
    xtx_inv = np.asarray(np.linalg.pinv(design.T @ design), dtype=np.float64)
    beta = xtx_inv @ design.T @ y
    resid = y - design @ beta
    sigma2 = float(resid @ resid / (n - k))
    tested = tuple(tested_all[:lag])
    r = np.zeros((lag, k))
    for i, c in enumerate(tested):
        r[i, c] = 1.0
    rb = r @ beta
    mid = np.linalg.pinv(r @ xtx_inv @ r.T)
    f = float(rb @ mid @ rb / lag / sigma2)
    from scipy.stats import f as fdist

    p = float(fdist.sf(f, lag, n - k))
    s = np.zeros(k)
    s[list(tested)] = 1.0
    eff = float(s @ beta)
    eff_se = float(np.sqrt(sigma2 * s @ xtx_inv @ s))
    return TodaYamamoto(lag, dmax, trend, f, (lag, n - k), p, eff, eff_se, design, design @ beta,
                        resid, tested, xtx_inv, sigma2)


def wild_bootstrap_effect(ty: TodaYamamoto, level: float = 0.95, replicates: int = 999,
                          rng: RngLike = None) -> tuple[float, float]:
    """Percentile interval of the summed reaction by a fixed-design wild bootstrap.

    Each replicate keeps the regressors, multiplies each residual by an
    independent Rademacher sign and refits (Goncalves & Kilian 2004); robust to
    heteroskedasticity of unknown form, which yearly budgets (with war years)
    do not lack.
    """
    if replicates < 20:
        raise ParameterError("replicates", replicates, "must be >= 20")
    gen = as_generator(rng)
    signs = gen.choice(np.array([-1.0, 1.0]), size=(replicates, len(ty.residuals)))
    ystar = ty.fitted[None, :] + signs * ty.residuals[None, :]
    betas = ystar @ (ty.design @ ty.xtx_inv.T)  # (B, k) = y* X (X'X)^-1
    eff = betas[:, list(ty.tested)].sum(axis=1)
    a = (1.0 - level) / 2.0
    lo, hi = np.quantile(eff, [a, 1.0 - a])
    return float(lo), float(hi)


def _noncentrality(ty: TodaYamamoto, effect: float) -> float:
    lag = ty.lag
    beta = np.full(lag, effect / lag)
    r = np.zeros((lag, ty.design.shape[1]))
    for i, c in enumerate(ty.tested):
        r[i, c] = 1.0
    mid = np.linalg.pinv(r @ ty.xtx_inv @ r.T)
    return float(beta @ mid @ beta / ty.sigma2)


def wald_power(ty: TodaYamamoto, effect: float, alpha: float = 0.05) -> float:
    """Power of the Wald test at ``alpha`` against a summed reaction ``effect``.

    The effect is spread evenly over the tested lags; the residual variance and
    the design are the fitted model's (noncentral F, Cohen 1988 ch. 9).
    """
    from scipy.stats import f as fdist
    from scipy.stats import ncf

    d1, d2 = ty.df
    crit = float(fdist.isf(alpha, d1, d2))
    return float(ncf.sf(crit, d1, d2, _noncentrality(ty, effect)))


def minimal_detectable_effect(ty: TodaYamamoto, power: float = 0.8, alpha: float = 0.05) -> float:
    """The smallest summed reaction the Wald test detects with ``power`` at ``alpha``."""
    from scipy.optimize import brentq

    hi = 1.0
    while wald_power(ty, hi, alpha) < power and hi < 1e6:
        hi *= 2.0
    return float(brentq(lambda e: wald_power(ty, e, alpha) - power, 0.0, hi, xtol=1e-6))


def adjust(p_values: list[float] | NDArray[np.float64], method: str = "holm") -> NDArray[np.float64]:
    """Adjusted p-values of one family (Holm, Benjamini-Hochberg or none); NaN stays NaN."""
    from statsmodels.stats.multitest import multipletests

    require_choice("adjustment", method, ADJUSTMENTS)
    p = np.asarray(p_values, dtype=float)
    out = np.full_like(p, np.nan)
    ok = np.isfinite(p)
    if method == "none" or not ok.any():
        out[ok] = p[ok]
        return out
    out[ok] = multipletests(p[ok], method=method)[1]
    return out
