"""Interval coverage: simulated Bernoulli data with known p (fixed seed, stated tolerance)."""

from __future__ import annotations

import numpy as np
import pytest

from herz.analysis.intervals import proportion_interval
from herz.errors import ParameterError

# Each case: 4000 simulated experiments. The coverage estimate's standard error is
# sqrt(0.95 * 0.05 / 4000) = 0.0034; Wilson's coverage oscillates around the nominal
# rate (Brown, Cai and DasGupta 2001), so it must lie within 0.025 of 0.95.
# Clopper-Pearson is conservative: at least 0.95 - 3 s.e.
CASES = [(0.5, 50), (0.1, 100), (0.81, 400), (0.03, 200), (0.95, 60)]


@pytest.mark.parametrize(("p", "n"), CASES)
def test_wilson_covers_p_at_the_nominal_rate(p, n):
    rng = np.random.default_rng(12345)
    k = rng.binomial(n, p, size=4000)
    lo, hi = proportion_interval(k, np.full(k.size, n), 0.95, "wilson")
    coverage = np.mean((lo <= p) & (p <= hi))
    assert abs(coverage - 0.95) < 0.025, coverage


@pytest.mark.parametrize(("p", "n"), CASES)
def test_clopper_pearson_is_at_least_nominal(p, n):
    rng = np.random.default_rng(54321)
    k = rng.binomial(n, p, size=4000)
    lo, hi = proportion_interval(k, np.full(k.size, n), 0.95, "clopper-pearson")
    coverage = np.mean((lo <= p) & (p <= hi))
    assert coverage >= 0.95 - 3 * np.sqrt(0.95 * 0.05 / 4000), coverage


def test_a_badly_calibrated_interval_would_fail():
    # the check above can fail: a naive 80% Wald interval misses far too often
    rng = np.random.default_rng(1)
    n, p = 50, 0.5
    k = rng.binomial(n, p, size=4000)
    lo, hi = proportion_interval(k, np.full(k.size, n), 0.80, "wilson")
    assert abs(np.mean((lo <= p) & (p <= hi)) - 0.95) > 0.1


def test_known_values_and_edges():
    lo, hi = proportion_interval(81, 100)
    assert lo[0] == pytest.approx(0.7222, abs=1e-4)
    assert hi[0] == pytest.approx(0.8749, abs=1e-4)
    lo, hi = proportion_interval([0, 10, 0], [10, 10, 0])
    assert lo[0] == 0.0 and hi[1] == pytest.approx(1.0)
    assert (lo[2], hi[2]) == (0.0, 1.0)  # nothing observed: nothing known
    # +-5 points at p = 0.5 needs about 385 worlds
    lo, hi = proportion_interval(200, 400)
    assert (hi - lo)[0] / 2 < 0.05


def test_bad_input_is_refused():
    with pytest.raises(ParameterError):
        proportion_interval(5, 4)
    with pytest.raises(ParameterError):
        proportion_interval(1, 4, method="wald")  # type: ignore[arg-type]


def test_wilson_limits_are_exact_at_zero_and_all() -> None:
    from herz.analysis.intervals import wilson_interval

    for n in (1, 6, 7, 40, 1000):
        assert wilson_interval(0, n)[0] == 0.0 and wilson_interval(n, n)[1] == 1.0
        lo, hi = proportion_interval([0, n], [n, n])
        assert lo[0] == 0.0 and hi[1] == 1.0
    assert wilson_interval(0, 0) == (0.0, 1.0)
    lo, hi = wilson_interval(5, 10)  # Wilson (1927): 0.2366, 0.7634 at 95%
    assert abs(lo - 0.2366) < 1e-4 and abs(hi - 0.7634) < 1e-4
