"""Parameter recovery on worlds simulated at known values (coverage, DESIGN.md section 5).

One small reference table (60 draws of p_greedy and war_intercept, each a history
of 20 worlds x 6 states x 50 years after a 20-year burn-in, its own seed). Each
draw in turn is the "record" (its parameters are known) and is fitted on the
other draws (leave-one-out, Prangle et al. 2014's coverage test). Measured: the
90% intervals cover the known value for 47/53 (p_greedy) and 48/53
(war_intercept) of the draws with a measurable history; tolerance >= 75% (the
binomial sd at 53 is 4 points). Both are learned (posterior sd about 0.8 and
0.75 of the prior's). Runs in about 25 s on one free core. In the calibrated world
(type turnover, Markov beliefs): 51/54 and 50/54, posterior sd 0.55 and 0.65 of the prior's.
With the budget-incrementalism shock (shock_base = 1, the default since 2026-12-03):
54/58 and 54/58, posterior sd 0.62 and 0.63 of the prior's (23 kept draws: too few for the
regression adjustment, so its residuals do not enter here).

The second test fits "records" simulated apart from the table, at three known
points and four seeds each, on a 150-draw table (built in batches, per-world
parameters): see its docstring for what was measured and the tolerances.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import binom

from herz.analysis import abc
from herz.analysis import validation as V

PRIORS = {"p_greedy": (0.05, 0.5), "war_intercept": (-8.0, -3.0)}


@pytest.mark.slow
def test_known_world_parameters_are_recovered_with_coverage() -> None:
    table = V.reference_table(60, priors=PRIORS, worlds=20, n_states=6, years=50, burn_in=20,
                              rng=7)
    stats = V._transform(table.stats)
    ok = np.isfinite(stats).all(axis=1)
    params, stats = table.params[ok], stats[ok]
    assert len(params) >= 45          # most draws give a rivalry to measure
    hits = np.zeros(2)
    sds = np.zeros(2)
    for k in range(len(params)):
        keep = np.arange(len(params)) != k
        rest = abc.ReferenceTable(params[keep], stats[keep], table.param_names,
                                  table.stat_names, table.bounds)
        post = abc.rejection_abc(rest, stats[k], quantile=0.4, regression="auto")
        s = post.summary(level=0.9)
        for j, name in enumerate(table.param_names):
            hits[j] += s[name]["low"] <= params[k, j] <= s[name]["high"]
            sds[j] += s[name]["sd"]
    coverage = hits / len(params)
    assert (coverage >= 0.75).all(), coverage
    prior_sd = np.array([(hi - lo) / np.sqrt(12) for lo, hi in PRIORS.values()])
    assert (sds / len(params) < 0.9 * prior_sd).all(), sds / len(params) / prior_sd


KNOWN = ({"p_greedy": 0.15, "war_intercept": -6.0}, {"p_greedy": 0.3, "war_intercept": -4.5},
         {"p_greedy": 0.4, "war_intercept": -3.5})


@pytest.mark.slow
def test_a_record_simulated_at_known_values_is_recovered() -> None:
    """Histories at known values (seeds 101-104, apart from the table's 7) are fitted.

    Same sizes as above; table of 150 draws (seed 7), rejection ABC keeping 40%
    (60 draws for 6 regression coefficients), modified residuals (the default
    of :func:`herz.analysis.abc.rejection_abc`). Measured with shock_base = 1:
    24 of 24 (12 of 12 per parameter; the plain residuals: 22, p_greedy 10);
    mean medians p_greedy 0.131 at 0.15, 0.392 at 0.4, war_intercept -5.99 at
    -6.0, -3.67 at -3.5. Besides the pooled bound, each parameter must cover at
    least 8 of 12 (the same 1% binomial test; 0.4% false failures at nominal
    coverage), so that one parameter's surplus cannot hide the other's
    shortfall. Over 20 table seeds x 20 record sets (400 cells like this one)
    the whole test failed 4 times (1.0%) with the modified residuals, 19
    times (4.8%) with the plain ones (p_greedy then covered 0.79 at 0.15, 160
    records x 20 tables; 0.86 with the modified residuals; docs/validation.md,
    "Coverage of the intervals").

    Before shock_base = 1, with the plain residuals, in the calibrated world
    (type turnover, Markov beliefs): all 12
    records have a rivalry to measure; their 90% intervals cover the known
    value 19 times in 24 (20 before wars ended within their first year were
    counted; tolerance: a binomial test of nominal 90% coverage at the 1%
    level, at least 18 of 24: the old bound of 80%, 19.2, rejected a calibrated
    interval 9% of the time); the mean posterior median rises with the known
    value: p_greedy 0.12 at 0.15, 0.40 at 0.4; war_intercept -5.96 at -6.0,
    -3.55 at -3.5 (before: 0.12/0.40, -5.98/-3.59; tolerance:
    the highest point's mean median above the lowest's by 0.05 for p_greedy
    and 0.5 for war_intercept). Before calibration: 10 records, 18/20, p_greedy
    0.195/0.275/0.30, war_intercept -4.9/-4.67/-3.46. About 20 s on one core.
    """
    table = V.reference_table(150, priors=PRIORS, worlds=20, n_states=6, years=50, burn_in=20,
                              rng=7)
    stats = V._transform(table.stats)
    ok = np.isfinite(stats).all(axis=1)
    ref = abc.ReferenceTable(table.params[ok], stats[ok], table.param_names, table.stat_names,
                             table.bounds)
    hits = fitted = 0
    per_param = dict.fromkeys(PRIORS, 0)
    medians: dict[int, list[list[float]]] = {k: [] for k in range(len(KNOWN))}
    for k, truth in enumerate(KNOWN):
        for seed in (101, 102, 103, 104):
            hist = V.simulate_history(truth, worlds=20, n_states=6, years=50, burn_in=20,
                                      rng=seed)
            st = V.history_statistics(hist, rng=seed)
            obs = V._transform(np.array([[st[s] for s in V.FIT_STATISTICS]]))[0]
            if not np.isfinite(obs).all():
                continue  # no rivalry in this record: nothing to fit
            summ = abc.rejection_abc(ref, obs, quantile=0.4, regression="auto").summary(0.9)
            fitted += 1
            for n in PRIORS:
                per_param[n] += summ[n]["low"] <= truth[n] <= summ[n]["high"]
            hits += sum(summ[n]["low"] <= truth[n] <= summ[n]["high"] for n in PRIORS)
            medians[k].append([summ[n]["median"] for n in PRIORS])
    assert fitted >= 8
    # under nominal 90% coverage, so few hits would happen with probability below 1%
    assert binom.cdf(hits, 2 * fitted, 0.9) >= 0.01, (hits, fitted)
    # and per parameter (at least 8 of 12), so one parameter's surplus cannot pay for the other's
    for n, h in per_param.items():
        assert binom.cdf(h, fitted, 0.9) >= 0.01, (n, h, fitted)
    lo, hi = np.mean(medians[0], axis=0), np.mean(medians[2], axis=0)
    print(f"coverage {hits}/{2 * fitted} {per_param}; mean medians low {lo}, high {hi}")
    assert hi[0] - lo[0] > 0.05 and hi[1] - lo[1] > 0.5, (lo, hi)
