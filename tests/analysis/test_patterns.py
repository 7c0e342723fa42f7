"""The patterns of the record, each checked against a hand computation on the shipped data."""

from __future__ import annotations

import math

import numpy as np
import pytest

from herz.analysis import patterns as P
from herz.data import loaders
from herz.errors import ParameterError


def _km_median_by_hand(t: np.ndarray, d: np.ndarray) -> float:
    """Product-limit estimator written out: first time S(t) <= 0.5."""
    s = 1.0
    for u in np.unique(t):
        at_risk = np.sum(t >= u)
        events = np.sum((t == u) & (d == 1))
        s *= 1.0 - events / at_risk
        if s <= 0.5:
            return float(u)
    return float("nan")


def test_wilson_and_garwood_by_hand() -> None:
    # Wilson: (k + z^2/2 +- z sqrt(k(n-k)/n + z^2/4)) / (n + z^2)
    k, n, z = 80, 231, 1.959963984540054
    centre = (k + z * z / 2) / (n + z * z)
    half = z * math.sqrt(k * (n - k) / n + z * z / 4) / (n + z * z)
    assert P.wilson_interval(k, n) == pytest.approx((centre - half, centre + half), abs=1e-9)
    # Garwood for k = 0: upper = -log(0.025) / exposure
    assert P.poisson_interval(0, 100.0) == pytest.approx((0.0, -math.log(0.025) / 100), rel=1e-9)
    with pytest.raises(ParameterError):
        P.wilson_interval(3, 2)


def test_rivalry_war_share_hand() -> None:
    pat = P.rivalry_war_share()
    riv = loaders.rivalries()
    riv = riv[(riv.end >= 1816) & (riv.start <= 2007)]
    wars = loaders.wars()
    wars = wars[wars.cowinterongoing == 1]
    hits = 0
    for _, r in riv.iterrows():
        s, e = max(r.start, 1816), min(r.end, 2007)
        pair = wars[(wars.ccode1 == r.ccode1) & (wars.ccode2 == r.ccode2)]
        hits += bool(((pair.year >= s) & (pair.year <= e)).any())
    assert pat.n == len(riv) == 231
    assert pat.detail["with_war"] == hits == 80
    assert pat.value == pytest.approx(80 / 231)
    assert pat.low < pat.value < pat.high
    # one TSS episode for India-Pakistan (1947-2020), which saw COW wars in 1965, 1971, 1999
    ip = riv[riv.rivalry.str.contains("India-Pakistan")]
    assert len(ip) == 1


def test_rivalry_duration_hand() -> None:
    pat = P.rivalry_duration()
    riv = loaders.rivalries()
    riv = riv[riv.start >= 1816]
    t = (riv.end - riv.start + 1).to_numpy(float)
    d = (riv.end < 2020).to_numpy(int)
    assert pat.n == 242 and pat.detail["censored"] == 56
    assert pat.value == _km_median_by_hand(t, d) == 24.0
    assert pat.low <= 24.0 <= pat.high
    # censoring matters: the naive median of all durations is shorter than the KM median
    assert np.median(t) < pat.value


def test_war_onset_rate_hand() -> None:
    pat = P.war_onset_rate()
    riv = loaders.rivalries()
    years: set[tuple[int, int, int]] = set()
    for _, r in riv.iterrows():
        a, b = sorted((int(r.ccode1), int(r.ccode2)))
        for y in range(max(int(r.start), 1816), min(int(r.end), 2007) + 1):
            years.add((a, b, y))
    w = loaders.wars()
    w = w[(w.cowinteronset == 1) & (w.ccode1 < w.ccode2)]
    onsets = {(int(a), int(b), int(y)) for a, b, y in zip(w.ccode1, w.ccode2, w.year,
                                                          strict=True)}
    k = len(onsets & years)
    assert (pat.detail["onsets"], pat.detail["dyad_years"]) == (k, len(years)) == (132, 7988)
    assert pat.value == pytest.approx(132 / 7988)
    assert pat.low < pat.value < pat.high


def test_escalation_odds_ratio_is_the_cross_product() -> None:
    pat = P.escalation_odds_ratio()
    d = pat.detail
    assert (d["race_war"], d["race_no_war"], d["no_race_war"], d["no_race_no_war"]) == (
        29, 218, 42, 504)
    assert pat.value == pytest.approx(29 * 504 / (218 * 42), rel=1e-6)
    assert pat.low < pat.value < pat.high


def test_military_burden_hand() -> None:
    pat = P.military_burden(replicates=200)
    s = loaders.sipri().milex_share_gdp_pct.dropna()
    assert pat.value == pytest.approx(float(np.median(s)))
    assert pat.n == len(s) == 990
    assert pat.low < pat.value < pat.high
    assert pat == P.military_burden(replicates=200)  # fixed seed, same interval


def test_reaction_share_of_series_detects_reaction() -> None:
    gen = np.random.default_rng(3)
    reacting, independent = [], []
    for _ in range(6):
        t = 60
        a, b = np.zeros(t), np.zeros(t)
        for k in range(1, t):
            a[k] = 0.5 * a[k - 1] + 0.6 * b[k - 1] + gen.normal(0, 0.1)
            b[k] = 0.5 * b[k - 1] + gen.normal(0, 0.1)
        reacting.append((np.exp(3 + a), np.exp(3 + b)))
        independent.append((np.exp(3 + np.cumsum(gen.normal(0, 0.1, t))),
                            np.exp(3 + np.cumsum(gen.normal(0, 0.1, t)))))
    k, n = P.reaction_share_of_series(reacting, rng=0)
    assert n == 6 and k >= 5
    k0, n0 = P.reaction_share_of_series(independent, rng=0)
    assert n0 == 6 and k0 <= 1
    assert P.reaction_share_of_series([(np.ones(5), np.ones(5))]) == (0, 0)


@pytest.mark.slow
def test_action_reaction_share_classic() -> None:
    pat = P.action_reaction_share("classic")
    # issue 16: no classic episode survives Holm with a positive reaction
    assert pat.detail["reacting"] == 0
    assert pat.n == 21 and pat.value == 0.0
    assert pat.high == pytest.approx(P.wilson_interval(0, 21)[1])
