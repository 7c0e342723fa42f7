"""Sobol indices: analytic answers (Ishigami), a one-factor toy, replicate noise, failures."""

from __future__ import annotations

import numpy as np
import pytest

from herz.analysis.sensitivity import SobolProblem, replicate_sobol, saltelli_sample, sobol_indices

PI = np.pi
ISHIGAMI = SobolProblem(("x1", "x2", "x3"), ((-PI, PI),) * 3)


def ishigami(x, a=7.0, b=0.1):
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices(a=7.0, b=0.1):
    """Analytic first- and total-order indices (Sobol' and Levitan 1999)."""
    v1 = 0.5 * (1 + b * PI**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * PI**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return np.array([v1, v2, 0.0]) / v, np.array([v1 + v13, v2, v13]) / v


def test_ishigami_indices_are_recovered():
    x = saltelli_sample(ISHIGAMI, 2048, seed=7).to_numpy()
    res = sobol_indices(ISHIGAMI, ishigami(x), seed=3)
    s1, st = ishigami_indices()
    t = res.table
    assert np.allclose(t["S1"], s1, atol=0.04), t
    assert np.allclose(t["ST"], st, atol=0.04), t
    # the reported intervals cover the analytic values
    assert np.all(np.abs(t["ST"] - st) <= t["ST_conf"] + 0.01)
    assert res.top() == "x1"


def test_one_factor_model_total_index_one_and_zero_elsewhere():
    prob = SobolProblem(("a", "b", "c", "d"), ((0, 1),) * 4)
    x = saltelli_sample(prob, 512, seed=1).to_numpy()
    res = sobol_indices(prob, np.exp(2 * x[:, 1]), seed=2)
    t = res.table.set_index("factor")
    assert t.loc["b", "ST"] == pytest.approx(1.0, abs=0.05)
    assert t.loc["b", "S1"] == pytest.approx(1.0, abs=0.05)
    for f in ("a", "c", "d"):
        assert abs(t.loc[f, "ST"]) < 0.02
        assert abs(t.loc[f, "S1"]) < 0.05


def test_log_factor_is_sampled_in_the_logarithm():
    prob = SobolProblem(("delta",), ((0.25, 4.0),), log=(True,))
    x = saltelli_sample(prob, 256, seed=0)["delta"].to_numpy()
    assert x.min() >= 0.25 and x.max() <= 4.0
    assert np.mean(x < 1.0) == pytest.approx(0.5, abs=0.05)


def test_failed_runs_drop_their_block_only():
    x = saltelli_sample(ISHIGAMI, 1024, seed=7).to_numpy()
    y = ishigami(x)
    y[[3, 17, 400]] = np.nan  # three failed runs in three different blocks
    res = sobol_indices(ISHIGAMI, y, seed=3)
    assert res.blocks_dropped == 3 and res.blocks_used == 1021
    _s1, st = ishigami_indices()
    assert np.allclose(res.table["ST"], st, atol=0.06)


def test_replicate_mean_analysis_with_noise_share():
    # y = Bernoulli(p(x)), p depends on x1 only; 20 replicates per point
    prob = SobolProblem(("x1", "x2"), ((0, 1), (0, 1)))
    x = saltelli_sample(prob, 256, seed=5).to_numpy()
    rng = np.random.default_rng(9)
    reps = 20
    point = np.repeat(np.arange(len(x)), reps)
    p = 0.1 + 0.8 * x[point, 0]
    y = (rng.random(point.size) < p).astype(float)
    # every replicate of point 10 failed: its block goes, the rest stays
    keep = point != 10
    res = replicate_sobol(prob, point[keep], y[keep], len(x), seed=1)
    assert res.blocks_dropped == 1
    t = res.table.set_index("factor")
    assert t.loc["x1", "ST"] > 0.8
    assert abs(t.loc["x2", "S1"]) < 0.05
    # replicate noise in the means shows up as "interaction": x2's total index is about
    # the noise share of the means, which is why the report states that share
    assert abs(t.loc["x2", "ST"] - res.mean_noise_share) < 0.07
    # Var(Y|X) = p(1-p): E = 0.25 - Var(p) - ... ; the share is large for a coin-flip outcome
    ev = np.mean(p * (1 - p))
    assert res.replicate_variance_share == pytest.approx(ev / np.var(y), abs=0.05)
    assert 0.0 < res.mean_noise_share < 0.3
    assert res.replicates_per_point == pytest.approx(20.0)


def test_too_few_blocks_is_an_error():
    y = np.full(5 * 4, np.nan)
    with pytest.raises(ValueError, match="complete Saltelli blocks"):
        sobol_indices(ISHIGAMI, y)


def test_one_source_of_randomness() -> None:
    """``rng`` (a Generator or an int) or, for older callers, ``seed``: never both."""
    from herz.errors import ParameterError
    from herz.experiment.design import Factor, latin_hypercube, saltelli_design

    prob = SobolProblem(("a", "b"), ((0, 1), (0, 1)))
    x = saltelli_sample(prob, 64, rng=4).to_numpy()
    assert np.array_equal(x, saltelli_sample(prob, 64, rng=np.random.default_rng(4)).to_numpy())
    y = x[:, 0] + 0.1 * x[:, 1]
    a = sobol_indices(prob, y, rng=2).table
    b = sobol_indices(prob, y, rng=2).table
    assert a.equals(b)
    with pytest.raises(ParameterError, match="not both"):
        sobol_indices(prob, y, rng=2, seed=2)
    with pytest.raises(ParameterError, match="not both"):
        saltelli_sample(prob, 64, rng=1, seed=1)
    factors = [Factor("a", low=0.0, high=1.0)]
    with pytest.raises(ParameterError, match="not both"):
        latin_hypercube(factors, 8, seed=1, rng=1)
    assert len(saltelli_design(factors, 8, rng=np.random.default_rng(0))) == 8 * 3
