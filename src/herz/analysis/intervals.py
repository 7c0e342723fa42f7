"""Confidence intervals for proportions: escape, war, spiral and transcendence rates.

Two standard intervals for a binomial proportion, vectorised over design points
(through :func:`statsmodels.stats.proportion.proportion_confint`):

- ``wilson`` (default): the Wilson score interval, close to nominal coverage even
  for small n and p near 0 or 1;
- ``clopper-pearson``: the exact (conservative) interval from the beta
  distribution; its coverage is at least nominal.

References
----------
Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
inference. *Journal of the American Statistical Association* 22(158): 209-212.
doi:10.1080/01621459.1927.10502953.

Clopper, C. J. and Pearson, E. S. (1934). The use of confidence or fiducial limits
illustrated in the case of the binomial. *Biometrika* 26(4): 404-413.
doi:10.1093/biomet/26.4.404.

Brown, L. D., Cai, T. T. and DasGupta, A. (2001). Interval estimation for a
binomial proportion. *Statistical Science* 16(2): 101-133. doi:10.1214/ss/1009213286.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from herz.errors import ParameterError

__all__ = ["IntervalMethod", "proportion_interval", "wilson_interval"]

IntervalMethod = Literal["wilson", "clopper-pearson"]
_STATSMODELS = {"wilson": "wilson", "clopper-pearson": "beta"}


def proportion_interval(
    successes: ArrayLike, n: ArrayLike, confidence: float = 0.95,
    method: IntervalMethod = "wilson",
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Lower and upper confidence limits of ``successes / n``, element-wise.

    Where ``n == 0`` the interval is ``(0, 1)`` (nothing is known). At ``k = 0`` the
    lower limit is exactly 0 and at ``k = n`` the upper limit exactly 1 (statsmodels'
    floating-point result can miss them by 1e-17, which would put the estimate
    outside its own interval).

    >>> lo, hi = proportion_interval(81, 100)
    >>> round(float(lo), 3), round(float(hi), 3)
    (0.722, 0.875)
    """
    from statsmodels.stats.proportion import proportion_confint

    if method not in _STATSMODELS:
        raise ParameterError("method", method, "must be wilson or clopper-pearson")
    if not 0.0 < confidence < 1.0:
        raise ParameterError("confidence", confidence, "must be in (0, 1)")
    k = np.atleast_1d(np.asarray(successes, dtype=float))
    m = np.atleast_1d(np.asarray(n, dtype=float))
    k, m = np.broadcast_arrays(k, m)
    if np.any(k < 0) or np.any(k > m):
        raise ParameterError("successes", successes, "must be between 0 and n")
    lo = np.zeros(k.shape)
    hi = np.ones(k.shape)
    ok = m > 0
    if np.any(ok):
        a, b = proportion_confint(k[ok], m[ok], alpha=1.0 - confidence,
                                  method=_STATSMODELS[method])
        lo[ok] = np.clip(a, 0.0, 1.0)
        hi[ok] = np.clip(b, 0.0, 1.0)
    lo[ok & (k == 0)] = 0.0
    hi[ok & (k == m)] = 1.0
    return lo, hi


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval of one proportion, as two floats (``(0, 1)`` when n = 0)."""
    lo, hi = proportion_interval(successes, n, confidence)
    return float(lo[0]), float(hi[0])
