"""Richardson's model: closed forms, stability, discrete map, fits (issue 2)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import solve_ivp

from herz.errors import ParameterError
from herz.models import richardson as rm

RICH1 = rm.RichardsonParams(k=0.3, l=0.2, a=0.4, b=0.5, g=1.0, h=2.0)
RICH3 = rm.RichardsonParams(k=0.3, l=0.3, a=0.2, b=0.2, g=1.0, h=1.0)


def _ivp(p: rm.RichardsonParams, z0, t):
    def rhs(_t, z):
        return [p.k * z[1] - p.a * z[0] + p.g, p.l * z[0] - p.b * z[1] + p.h]

    sol = solve_ivp(rhs, (0, max(t)), z0, t_eval=t, rtol=1e-12, atol=1e-12, method="DOP853")
    return sol.y


def test_negative_coefficient_names_field():
    with pytest.raises(ParameterError, match=r"^k = -1\.0: must be a finite number >= 0"):
        rm.RichardsonParams(k=-1.0, l=0.2, a=0.4, b=0.5)


@pytest.mark.parametrize("field", ["g", "h"])
def test_grievance_must_be_finite(field):
    kwargs = {"k": 0.1, "l": 0.1, "a": 0.1, "b": 0.1, field: float("nan")}
    with pytest.raises(ParameterError, match=f"^{field} = "):
        rm.RichardsonParams(**kwargs)


def test_exact_solution_matches_solve_ivp_stable():
    t = np.linspace(0, 30, 31)
    tr = rm.solve(RICH1, 1.0, 20.0, t)
    ref = _ivp(RICH1, [1.0, 20.0], t)
    np.testing.assert_allclose(tr.x, ref[0], rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(tr.y, ref[1], rtol=1e-9, atol=1e-9)


def test_exact_solution_matches_solve_ivp_runaway():
    t = np.linspace(0, 20, 21)
    tr = rm.solve(RICH3, 2.0, 1.0, t)
    ref = _ivp(RICH3, [2.0, 1.0], t)
    np.testing.assert_allclose(tr.x, ref[0], rtol=1e-9)
    np.testing.assert_allclose(tr.y, ref[1], rtol=1e-9)


def test_degenerate_case_uses_matrix_exponential_and_is_exact():
    # a*b == k*l: one zero eigenvalue; x+y drifts linearly (here a=b=k=l=0.3).
    p = rm.RichardsonParams(k=0.3, l=0.3, a=0.3, b=0.3, g=1.0, h=0.5)
    assert rm.stability(p) is rm.Stability.DEGENERATE
    assert rm.equilibrium(p) is None
    assert rm.classify(p) is rm.RichardsonCase.DEGENERATE
    t = np.linspace(0, 10, 11)
    tr = rm.solve(p, 1.0, 2.0, t)
    ref = _ivp(p, [1.0, 2.0], t)
    np.testing.assert_allclose(tr.x, ref[0], rtol=1e-9)
    # d(x+y)/dt = g + h exactly when k = a and l = b: x+y = 3 + 1.5 t
    np.testing.assert_allclose(tr.x + tr.y, 3.0 + 1.5 * t, rtol=1e-12)


def _mpmath_reference(matrix, forcing, z0, times):
    import mpmath

    n = matrix.shape[0]
    with mpmath.workdps(40):
        aug = mpmath.zeros(n + 1, n + 1)
        for i in range(n):
            for j in range(n):
                aug[i, j] = mpmath.mpf(float(matrix[i, j]))
            aug[i, n] = mpmath.mpf(float(forcing[i]))
        start = mpmath.matrix([*map(float, z0), 1.0])
        return np.array([[float(v) for v in (mpmath.expm(aug * mpmath.mpf(float(t))) * start)[:n]]
                         for t in times])


@pytest.mark.parametrize(("eps", "tol"), [(3e-8, 1e-13), (1e-6, 1e-13), (1e-4, 1e-13),
                                          (1e-3, 1e-12), (1e-2, 1e-12)])
def test_issue_15_near_defective_matrix_is_accurate(eps, tol):
    # issue 15: RichardsonParams(0, 1, 1 + 3e-8, 1, 0.3, -0.2) from (0.7, -0.4) on [0, 8]
    # has cond(V) ~ 7e7; the eigenbasis (used up to 1e8) gave errors of 4.2e-9. cond(V) is
    # about 2/eps: the eigenbasis is now used only below 1e4 (eps 1e-3: error ~2e-13)
    p = rm.RichardsonParams(0, 1, 1 + eps, 1, 0.3, -0.2)
    times = np.linspace(0.0, 8.0, 33)
    tr = rm.solve(p, 0.7, -0.4, times)
    ref = _mpmath_reference(rm.jacobian(p), np.array([p.g, p.h]), (0.7, -0.4), times)
    err = max(np.max(np.abs(tr.x - ref[:, 0])), np.max(np.abs(tr.y - ref[:, 1])))
    assert err < tol, err


def test_n_nation_solution_matches_solve_ivp():
    m = np.array([[-0.5, 0.2, 0.1], [0.1, -0.4, 0.2], [0.3, 0.0, -0.6]])
    c = np.array([1.0, 0.5, -0.2])
    t = np.linspace(0, 15, 16)
    z = rm.solve_affine(m, c, np.array([1.0, 2.0, 3.0]), t)
    sol = solve_ivp(lambda _t, v: m @ v + c, (0, 15), [1.0, 2.0, 3.0], t_eval=t,
                    rtol=1e-12, atol=1e-12, method="DOP853")
    np.testing.assert_allclose(z.T, sol.y, rtol=1e-9, atol=1e-10)


def test_discrete_map_against_hand_iteration():
    # x1 = (1-0.4)*1 + 0.3*2 + 1 = 2.2 ; y1 = 0.2*1 + (1-0.5)*2 + 2 = 3.2
    # x2 = 0.6*2.2 + 0.3*3.2 + 1 = 3.28 ; y2 = 0.2*2.2 + 0.5*3.2 + 2 = 4.04
    tr = rm.discrete_map(RICH1, 1.0, 2.0, steps=2)
    np.testing.assert_allclose(tr.x, [1.0, 2.2, 3.28], rtol=0, atol=1e-14)
    np.testing.assert_allclose(tr.y, [2.0, 3.2, 4.04], rtol=0, atol=1e-14)


def test_discrete_map_with_small_step_approaches_exact_solution():
    exact = rm.solve(RICH1, 1.0, 2.0, [5.0])
    errs = []
    for dt in (0.1, 0.01, 0.001):
        tr = rm.simulate(RICH1, 1.0, 2.0, [5.0], dt=dt)
        errs.append(abs(tr.x[0] - exact.x[0]))
    # explicit Euler is first order: error falls about tenfold per tenfold smaller step
    assert errs[0] > errs[1] > errs[2]
    assert 7 < errs[0] / errs[1] < 13 and 7 < errs[1] / errs[2] < 13


def test_discrete_map_over_correction_diverges_despite_ab_gt_kl():
    # a = 2.5 > 1: M = I + A has eigenvalue 1 - 2.5 = -1.5 on x's own axis when k = l = 0
    p = rm.RichardsonParams(k=0.0, l=0.0, a=2.5, b=0.5)
    assert rm.stability(p) is rm.Stability.STABLE
    tr = rm.discrete_map(p, 1.0, 1.0, steps=20)
    assert abs(tr.x[-1]) > 1000


def test_floor_holds_arms_at_zero():
    p = rm.RichardsonParams(k=0.1, l=0.1, a=0.5, b=0.5, g=-1.0, h=-1.0)  # goodwill: disarmament
    free = rm.solve(p, 1.0, 1.0, [10.0])
    assert free.x[0] < 0  # Richardson's linear equations allow negative arms
    floored = rm.simulate(p, 1.0, 1.0, [0.5, 10.0], floor=True)
    assert floored.x[-1] == 0.0 and floored.y[-1] == 0.0
    assert "projected" in floored.method
    # before the floor binds, the projected path equals the exact one
    np.testing.assert_allclose(floored.x[0], rm.solve(p, 1.0, 1.0, [0.5]).x[0], rtol=1e-7)
    d = rm.discrete_map(p, 1.0, 1.0, steps=10, floor=True)
    assert np.all(d.x >= 0) and np.all(d.y >= 0)


def test_simulate_rejects_times_off_the_step_grid():
    with pytest.raises(ParameterError, match="multiples of dt"):
        rm.simulate(RICH1, 1.0, 1.0, [0.0, 0.25], dt=0.1)


@pytest.mark.parametrize(
    ("params", "case"),
    [
        (RICH1, rm.RichardsonCase.STABLE_BALANCE),
        (rm.RichardsonParams(k=0.3, l=0.2, a=0.4, b=0.5, g=-1, h=-2), rm.RichardsonCase.DISARMAMENT),
        (RICH3, rm.RichardsonCase.RUNAWAY_RACE),
        (rm.RichardsonParams(k=0.3, l=0.3, a=0.2, b=0.2, g=-1, h=-1), rm.RichardsonCase.AMBIVALENT),
        (rm.RichardsonParams(k=0.3, l=0.2, a=0.4, b=0.5, g=1, h=-2), rm.RichardsonCase.STABLE_MIXED),
        (rm.RichardsonParams(k=0.3, l=0.3, a=0.2, b=0.2, g=1, h=-1), rm.RichardsonCase.RUNAWAY_MIXED),
    ],
)
def test_richardson_cases(params, case):
    assert rm.classify(params) is case


def test_ambivalent_case_depends_on_start():
    # kl > ab with goodwill: the saddle's stable manifold separates race from disarmament.
    p = rm.RichardsonParams(k=0.3, l=0.3, a=0.2, b=0.2, g=-1, h=-1)
    eq = rm.equilibrium(p)  # (10, 10): x* = (b g + k h)/(ab - kl) = (-0.2 - 0.3)/(-0.05)
    assert eq == pytest.approx((10.0, 10.0))
    high = rm.solve(p, 11.0, 11.0, [50.0])
    low = rm.solve(p, 9.0, 9.0, [50.0])
    assert high.x[0] > 100 and low.x[0] < 0


# --------------------------------------------------------------- hypothesis properties

coef = st.floats(min_value=0.05, max_value=2.0)
grievance = st.floats(min_value=-5.0, max_value=5.0)


@settings(max_examples=60, deadline=None)
@given(a=coef, b=coef, k=coef, l=coef, g=grievance, h=grievance,
       x0=st.floats(0, 50), y0=st.floats(0, 50))
def test_stable_trajectories_converge_to_equilibrium(a, b, k, l, g, h, x0, y0):
    if not a * b > 1.05 * k * l:
        return
    p = rm.RichardsonParams(k=k, l=l, a=a, b=b, g=g, h=h)
    assert rm.stability(p) is rm.Stability.STABLE
    slowest = abs(rm.eigenvalues(p)[0])
    tr = rm.solve(p, x0, y0, [40.0 / slowest])
    xs, ys = rm.equilibrium(p)
    scale = 1.0 + abs(xs) + abs(ys) + x0 + y0
    assert abs(tr.x[0] - xs) < 1e-9 * scale * 1e3
    assert abs(tr.y[0] - ys) < 1e-9 * scale * 1e3


@settings(max_examples=60, deadline=None)
@given(a=coef, b=coef, k=coef, l=coef, g=grievance, h=grievance,
       x0=st.floats(0, 50), y0=st.floats(0, 50), t=st.floats(0.1, 5.0))
def test_exact_solution_satisfies_the_ode(a, b, k, l, g, h, x0, y0, t):
    p = rm.RichardsonParams(k=k, l=l, a=a, b=b, g=g, h=h)
    eps = 1e-5
    tr = rm.solve(p, x0, y0, [t - eps, t, t + eps])
    dx = (tr.x[2] - tr.x[0]) / (2 * eps)
    dy = (tr.y[2] - tr.y[0]) / (2 * eps)
    rx = k * tr.y[1] - a * tr.x[1] + g
    ry = l * tr.x[1] - b * tr.y[1] + h
    scale = 1.0 + abs(rx) + abs(ry) + abs(tr.x[1]) + abs(tr.y[1])
    assert abs(dx - rx) < 1e-5 * scale
    assert abs(dy - ry) < 1e-5 * scale
    # and it starts where it was told to
    start = rm.solve(p, x0, y0, [0.0])
    assert start.x[0] == pytest.approx(x0, abs=1e-9) and start.y[0] == pytest.approx(y0, abs=1e-9)


# ------------------------------------------------------------------------------ fits

def _noisy_map(p: rm.RichardsonParams, n: int, sd: float, seed: int):
    rng = np.random.default_rng(seed)
    x, y = np.empty(n), np.empty(n)
    x[0], y[0] = 5.0, 5.0
    for t in range(n - 1):
        x[t + 1] = x[t] + p.k * y[t] - p.a * x[t] + p.g + sd * rng.standard_normal()
        y[t + 1] = y[t] + p.l * x[t] - p.b * y[t] + p.h + sd * rng.standard_normal()
    return np.arange(1900, 1900 + n), x, y


def test_system_fit_recovers_known_coefficients():
    # Data made by the discrete map plus N(0, 0.5^2) shocks, 400 years, seed 20261127.
    # Each estimate must lie within 3 standard errors of the truth and its 95% CI cover it
    # (lagged regressor: the discrete model is then exactly the regression).
    truth = RICH1
    years, x, y = _noisy_map(truth, 400, 0.5, 20261127)
    fit = rm.fit_system(years, x, y, regressor="lagged")
    for name in ("k", "l", "a", "b", "g", "h"):
        c = fit.coefficients[name]
        true = getattr(truth, name)
        assert abs(c.estimate - true) < 3 * c.se, (name, c, true)
        assert c.ci_low < true < c.ci_high
        if name in ("k", "l", "a", "b"):  # the data inform the slopes (constants are weak near x*)
            assert c.se < 0.25 * true
    assert fit.stability is rm.Stability.STABLE


def test_summed_fit_recovers_symmetric_system():
    # Symmetric k = l = 0.3, a = b = 0.4: sum s = x + y follows Δs = (k - a) s + (g + h) + e.
    truth = rm.RichardsonParams(k=0.3, l=0.3, a=0.4, b=0.4, g=1.0, h=2.0)
    years, x, y = _noisy_map(truth, 300, 0.5, 7)
    fit = rm.fit_summed(years, x, y, regressor="lagged")
    assert abs(fit.slope - (truth.k - truth.a)) < 3 * fit.slope_se
    assert abs(fit.intercept - (truth.g + truth.h)) < 3 * fit.intercept_se
    assert "does not identify" in fit.warning


def test_summed_fit_reproduces_a_line_exactly():
    # A series that follows Richardson's published line exactly under his midpoint regressor:
    # s1 - s0 = 0.73 ((s0 + s1)/2 - 194)  =>  s1 = (s0 (1 + 0.365) - 0.73*194) / (1 - 0.365)
    s = [199.0]
    for _ in range(4):
        s.append((s[-1] * 1.365 - 0.73 * 194.0) / 0.635)
    s = np.array(s)
    fit = rm.fit_summed(np.arange(1909, 1914), s / 2, s / 2, regressor="midpoint")
    assert fit.slope == pytest.approx(0.73, abs=1e-10)
    assert fit.zero_point == pytest.approx(194.0, abs=1e-8)
    assert fit.r_squared == pytest.approx(1.0, abs=1e-12)


def test_fit_rejects_gaps_and_short_series():
    with pytest.raises(ParameterError, match="consecutive"):
        rm.fit_summed([1900, 1901, 1903], [1, 2, 3], [1, 2, 3])
    with pytest.raises(ParameterError, match="at least 3"):
        rm.fit_summed([1900, 1901], [1, 2], [1, 2])
    with pytest.raises(ParameterError, match="regressor"):
        rm.fit_summed([1900, 1901, 1902], [1, 2, 4], [1, 2, 4], regressor="levels")


def test_negative_estimates_are_reported_not_hidden():
    # y reacts negatively to x: the model does not allow it; the fit says so.
    years, x, y = _noisy_map(rm.RichardsonParams(k=0.3, l=0.0, a=0.4, b=0.5, g=1, h=2), 200, 0.5, 3)
    y = y - 0.4 * x  # add a negative reaction
    fit = rm.fit_system(years, x, y, regressor="lagged")
    if fit.coefficients["l"].estimate < 0:
        assert fit.stability is None
        assert any("negative" in n for n in fit.notes)
        assert fit.params() is None
