"""The fitting layer on a toy simulator whose posterior is known (normal mean, flat prior)."""

from __future__ import annotations

import numpy as np
import pytest

from herz.analysis.abc import (
    ReferenceTable,
    _modified_residuals,
    history_matching,
    rejection_abc,
    weighted_quantile,
)
from herz.errors import ParameterError

N_OBS = 25          # observations per data set: posterior N(xbar, 1/25), sd 0.2
PRIOR = (-5.0, 5.0)


def _table(seed: int, n: int = 4000) -> ReferenceTable:
    """theta ~ U(-5, 5); statistics: the sample mean and an irrelevant noise statistic."""
    gen = np.random.default_rng(seed)
    theta = gen.uniform(*PRIOR, n)
    xbar = theta + gen.normal(0, 1 / np.sqrt(N_OBS), n)
    noise = gen.normal(0, 1, n)
    return ReferenceTable(theta[:, None], np.column_stack([xbar, noise]), ("theta",),
                          ("mean", "noise"), bounds=(PRIOR,))


def test_weighted_quantile_plain_median() -> None:
    x = np.array([3.0, 1.0, 2.0])
    assert weighted_quantile(x, np.ones(3), [0.5])[0] == 2.0
    assert weighted_quantile(x, np.array([1.0, 0.0, 0.0]), [0.5])[0] == 3.0


def test_abc_matches_the_analytic_posterior() -> None:
    table = _table(0, 20000)
    post = rejection_abc(table, [1.3, 0.0], quantile=0.05)
    s = post.summary()["theta"]
    # analytic: N(1.3, 0.2^2); tolerances: 0.03 on the mean, 15% on the sd
    assert s["mean"] == pytest.approx(1.3, abs=0.03)
    assert s["sd"] == pytest.approx(0.2, rel=0.15)
    assert s["low"] == pytest.approx(1.3 - 1.96 * 0.2, abs=0.06)
    # regression removes most of the tolerance's widening; plain rejection is wider
    plain = rejection_abc(table, [1.3, 0.0], quantile=0.05, regression=False)
    assert plain.summary()["theta"]["sd"] > 1.5 * s["sd"]
    assert np.all((post.samples >= PRIOR[0]) & (post.samples <= PRIOR[1]))


def test_abc_coverage_over_seeds() -> None:
    """90% intervals cover the true theta in 80-98% of 60 replications (binomial sd 3.9%)."""
    gen = np.random.default_rng(11)
    hits = 0
    reps = 60
    for seed in range(reps):
        truth = gen.uniform(-3, 3)
        xbar = truth + gen.normal(0, 1 / np.sqrt(N_OBS))
        post = rejection_abc(_table(100 + seed), [xbar, gen.normal()], quantile=0.05)
        s = post.summary(level=0.9)["theta"]
        hits += s["low"] <= truth <= s["high"]
    assert 0.80 * reps <= hits <= 0.98 * reps


def test_modified_residuals_match_the_hat_matrix_by_hand() -> None:
    """sqrt((1 + v_0) / c_i) from the explicit k x k hat matrix of a weighted fit."""
    gen = np.random.default_rng(4)
    k, p = 30, 4
    x = np.column_stack([np.ones(k), gen.normal(size=(k, p - 1))])
    w = gen.uniform(0.05, 1, k)
    resid = gen.normal(size=(k, 2))
    a = np.linalg.inv(x.T @ np.diag(w) @ x)
    h = x @ a @ x.T @ np.diag(w)
    c = np.diag((np.eye(k) - h) @ (np.eye(k) - h).T)
    v0 = (a @ x.T @ np.diag(w**2) @ x @ a)[0, 0]
    want = resid * np.sqrt((1 + v0) / c)[:, None]
    np.testing.assert_allclose(_modified_residuals(x, w, resid), want, rtol=1e-10)
    # unweighted: c_i = 1 - h_ii and v_0 = (X^T X)^-1_00, the textbook forms
    one = np.ones(k)
    a1 = np.linalg.inv(x.T @ x)
    h1 = np.einsum("ij,jk,ik->i", x, a1, x)
    np.testing.assert_allclose(_modified_residuals(x, one, resid),
                               resid * np.sqrt((1 + a1[0, 0]) / (1 - h1))[:, None], rtol=1e-10)


def test_modified_residuals_restore_coverage_on_a_small_table() -> None:
    """150 draws, 40% kept, 6 coefficients (the mean and 4 noise statistics): 400 replications.

    Measured: 90% intervals cover 85% with the plain residuals and 92% with the
    modified ones (binomial sd 1.5 points at 400). Tolerances: modified within
    86-96%, and at least 3 points above plain (paired: same tables and data).
    """
    gen = np.random.default_rng(5)
    hits = {"raw": 0, "modified": 0}
    reps = 400
    for _ in range(reps):
        theta = gen.uniform(*PRIOR, 150)
        stats = np.column_stack([theta + gen.normal(0, 0.2, 150), gen.normal(size=(150, 4))])
        table = ReferenceTable(theta[:, None], stats, ("theta",),
                               ("mean", "n1", "n2", "n3", "n4"), bounds=(PRIOR,))
        truth = gen.uniform(-3, 3)
        obs = np.concatenate([[truth + gen.normal(0, 0.2)], gen.normal(size=4)])
        for mode in hits:
            post = rejection_abc(table, obs, quantile=0.4, regression="auto", residuals=mode)
            assert post.regression and post.residuals == mode
            s = post.summary(level=0.9)["theta"]
            hits[mode] += s["low"] <= truth <= s["high"]
    assert 0.86 * reps <= hits["modified"] <= 0.96 * reps, hits
    assert hits["modified"] >= hits["raw"] + 0.03 * reps, hits


def test_history_matching_keeps_the_truth_and_rules_out_the_far_values() -> None:
    table = _table(1)
    truth_xbar = 0.7
    hm = history_matching(table, [truth_xbar, 0.0], observed_var=[0.0, 1.0], neighbours=20)
    theta = table.params[:, 0]
    keep = hm.not_implausible
    # the 3-sigma band of the mean statistic is about 0.7 +- 3 * 0.2 (sd of xbar given theta)
    assert keep[np.abs(theta - truth_xbar) < 0.3].mean() > 0.95
    assert not keep[np.abs(theta - truth_xbar) > 1.2].any()
    lo, hi = hm.region()["theta"]
    assert 0.7 - 1.2 < lo < 0.7 - 0.3 and 0.7 + 0.3 < hi < 0.7 + 1.2
    assert 0 < hm.share < 0.3
    # a larger observation variance can only widen the region
    wide = history_matching(table, [truth_xbar, 0.0], observed_var=[0.25, 1.0])
    assert wide.not_implausible.sum() > keep.sum()


def test_linear_emulator_matches_a_linear_response_like_the_neighbours() -> None:
    table = _table(1)
    truth_xbar = 0.7
    hm = history_matching(table, [truth_xbar, 0.0], observed_var=[0.0, 1.0], emulator="linear")
    theta = table.params[:, 0]
    keep = hm.not_implausible
    # the response is exactly linear: the band is 0.7 +- 3 sd(xbar | theta) = 0.7 +- 0.6
    assert keep[np.abs(theta - truth_xbar) < 0.5].all()
    assert not keep[np.abs(theta - truth_xbar) > 0.7].any()
    knn = history_matching(table, [truth_xbar, 0.0], observed_var=[0.0, 1.0])
    assert abs(hm.share - knn.share) < 0.02
    with pytest.raises(ParameterError, match="emulator"):
        history_matching(table, [truth_xbar, 0.0], observed_var=[0.0, 1.0], emulator="gp")


def test_linear_emulator_widens_on_a_curved_response() -> None:
    """theta^2 is not linear in theta: the residual variance swamps the signal (knn follows it)."""
    gen = np.random.default_rng(3)
    theta = gen.uniform(*PRIOR, 2000)
    stat = theta**2 + gen.normal(0, 0.2, 2000)
    table = ReferenceTable(theta[:, None], stat[:, None], ("theta",), ("square",), (PRIOR,))
    lin = history_matching(table, [4.0], observed_var=[0.0], emulator="linear")
    knn = history_matching(table, [4.0], observed_var=[0.0])
    assert knn.share < 0.2 < lin.share


def test_bad_input_is_a_parameter_error() -> None:
    table = _table(2, 200)
    with pytest.raises(ParameterError):
        rejection_abc(table, [1.0])
    with pytest.raises(ParameterError):
        rejection_abc(table, [1.0, 0.0], quantile=0)
    with pytest.raises(ParameterError, match="residuals"):
        rejection_abc(table, [1.0, 0.0], residuals="studentized")
    with pytest.raises(ParameterError):
        history_matching(table, [1.0, 0.0], [0.1, -1.0])
    with pytest.raises(ParameterError):
        ReferenceTable(np.zeros((3, 1)), np.zeros((2, 2)), ("a",), ("x", "y"))


def test_non_finite_rows_are_dropped() -> None:
    table = _table(3, 500)
    stats = table.stats.copy()
    stats[:50, 0] = np.nan
    t2 = ReferenceTable(table.params, stats, table.param_names, table.stat_names, table.bounds)
    assert len(t2.finite().params) == 450
    post = rejection_abc(t2, [0.0, 0.0], quantile=0.1)
    assert post.accepted == 45
