"""Moran process and replicator dynamics against closed forms."""

from __future__ import annotations

import math

import numpy as np
import pytest

from herz.errors import ParameterError
from herz.models.ipd import Noise
from herz.models.ipd.evolution import (
    fixation_matrix,
    fixation_probability,
    log_fixation_probability,
    moran_process,
    payoff_matrix,
    replicator,
)


def test_neutral_drift_fixes_with_one_over_n() -> None:
    for n in (2, 10, 50):
        assert fixation_probability(2, 1, 3, 4, n, selection=0.0) == pytest.approx(1 / n)


@pytest.mark.parametrize("r, n", [(1.1, 10), (2.0, 5), (0.8, 20)])
def test_constant_fitness_matches_moran_1958(r: float, n: int) -> None:
    # A payoff r against everyone versus 1: rho = (1 - 1/r) / (1 - 1/r^N).
    rho = fixation_probability(r, r, 1, 1, n, selection=1.0)
    assert rho == pytest.approx((1 - 1 / r) / (1 - r ** (-n)), rel=1e-12)


def test_issue_15_fixation_far_below_the_smallest_float() -> None:
    # constant fitness 0.1 vs 1 at N = 1000: rho = (1 - 1/r)/(1 - r^-N) = 9e-1000 (Moran 1958),
    # which overflowed (OverflowError) when the products were taken outside log space
    import mpmath

    with mpmath.workdps(50):
        r = mpmath.mpf("0.1")
        exact = (1 - 1 / r) / (1 - r ** (-1000))
        log_exact = float(mpmath.log(exact))
    assert fixation_probability(0.1, 0.1, 1, 1, 1000) == 0.0
    assert log_fixation_probability(0.1, 0.1, 1, 1, 1000) == pytest.approx(log_exact, rel=1e-13)
    assert log_exact / math.log(10) == pytest.approx(math.log10(9) - 1000, abs=1e-9)
    # exponential fitness with strong selection: log(rho) ~ -900, and the reverse near 1 - 1/r
    lp = log_fixation_probability(0.0, 0.0, 1.0, 1.0, 1000, 1.0, "exponential")
    with mpmath.workdps(50):
        r = mpmath.e ** -1
        assert lp == pytest.approx(float(mpmath.log((1 - 1 / r) / (1 - r ** (-1000)))), rel=1e-12)
    assert fixation_probability(1.0, 1.0, 0.0, 0.0, 1000, 1.0, "exponential") == pytest.approx(
        1 - math.exp(-1), rel=1e-12)


@pytest.mark.parametrize("r, n", [(1.1, 10), (2.0, 5), (0.8, 20), (0.5, 200)])
def test_log_fixation_matches_the_closed_form(r: float, n: int) -> None:
    import mpmath

    with mpmath.workdps(40):
        rm = mpmath.mpf(r)
        exact = float(mpmath.log((1 - 1 / rm) / (1 - rm ** (-n))))
    assert log_fixation_probability(r, r, 1, 1, n) == pytest.approx(exact, rel=1e-12)


def test_simulated_moran_agrees_with_the_formula() -> None:
    a = payoff_matrix(["TFT", "ALLD"], noise=Noise(0.01)).to_numpy()
    n, s, runs = 10, 0.5, 20_000
    exact = fixation_probability(a[1, 1], a[1, 0], a[0, 1], a[0, 0], n, s)  # ALLD invades TFT
    sim = moran_process(a, [n - 1, 1], selection=s, runs=runs, rng=3)
    p = float((sim.winners == 1).mean())
    assert abs(p - exact) < 4 * math.sqrt(exact * (1 - exact) / runs)
    assert (sim.winners >= 0).all()
    again = moran_process(a, [n - 1, 1], selection=s, runs=runs, rng=3)
    np.testing.assert_array_equal(sim.winners, again.winners)


def test_fixation_matrix_and_multi_strategy_runs() -> None:
    a = payoff_matrix(["TFT", "ALLD", "WSLS"], noise=Noise(0.01))
    rho = fixation_matrix(a, 20, 0.1)
    assert rho.shape == (3, 3) and np.isnan(np.diag(rho.to_numpy())).all()  # type: ignore[union-attr]
    sim = moran_process(a, [5, 5, 5], selection=0.1, runs=500, rng=1)
    table = sim.fixation()
    assert table["fixations"].sum() == 500
    assert list(table["strategy"]) == list(a.index)


def test_replicator_evo_1_rest_point() -> None:
    # MODELS.md EVO-1: R=1, S=-1/4, T=1/2, P=0 -> interior rest point x* = 1/3.
    a = np.array([[1.0, -0.25], [0.5, 0.0]])
    path = replicator(a, [1 / 3, 2 / 3], [0, 50])
    assert path.x[-1, 0] == pytest.approx(1 / 3, abs=1e-8)
    assert replicator(a, [0.4, 0.6], [0, 200]).x[-1, 0] > 0.999
    assert replicator(a, [0.3, 0.7], [0, 200]).x[-1, 0] < 0.001


def test_repeated_pd_as_stag_hunt_threshold() -> None:
    # MODELS.md 8: TFT vs ALLD with continuation w is a stag hunt; the minimum TFT share is
    # x* = (P' - S') / ((R' - T') + (P' - S')) from the closed-form values of 4.3.
    w, (R, S, T, P) = 0.9, (3.0, 0.0, 5.0, 1.0)
    v = {"RR": R / (1 - w), "ST": S + w * P / (1 - w), "TS": T + w * P / (1 - w), "PP": P / (1 - w)}
    x_star = (v["PP"] - v["ST"]) / ((v["RR"] - v["TS"]) + (v["PP"] - v["ST"]))
    a = payoff_matrix(["TFT", "ALLD"], continuation=w).to_numpy() / (1 - w)
    np.testing.assert_allclose(a, [[v["RR"], v["ST"]], [v["TS"], v["PP"]]], rtol=1e-12)
    assert replicator(a, [x_star + 0.02, 0.98 - x_star], [0, 100]).x[-1, 0] > 0.99
    assert replicator(a, [x_star - 0.02, 1.02 - x_star], [0, 100]).x[-1, 0] < 0.01


def test_tournament_payoffs_approach_exact_ones() -> None:
    names = ["TFT", "WSLS"]
    exact = payoff_matrix(names, noise=Noise(0.02)).to_numpy()
    sim = payoff_matrix(
        names, method="tournament", noise=Noise(0.02), turns=2000, repetitions=20, rng=4
    ).to_numpy()
    np.testing.assert_allclose(sim, exact, atol=0.1)


def test_bad_inputs() -> None:
    with pytest.raises(ParameterError):
        fixation_probability(1, 1, 1, 1, 1)
    with pytest.raises(ParameterError):
        payoff_matrix(["TFT", "Gradual"])  # not memory-one: exact payoffs impossible
    with pytest.raises(ParameterError):
        moran_process([[1, 0], [0, 1]], [3])
    with pytest.raises(ParameterError):
        replicator([[1, 0], [0, 1]], [0.5, 0.6], [0, 1])
