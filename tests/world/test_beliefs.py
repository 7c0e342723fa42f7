"""Correctly specified beliefs (DESIGN.md 2.2) and the misperception bias (2.3).

Paired seeds, war off (the arms evidence alone), the default domestic shock (a
share of last year's spending, which the filter reads from the public lagged
spending; the v2.0 output shock: tests/world/test_shock_base.py). Types turn over
(``motive_turnover``, 0.1 a year at the default), so beliefs are a hidden-Markov
filter: each year's belief is compared with the type in force during that
year, and the one-year increment is measured from the predicted prior
(:func:`herz.world.beliefs.predict_types`), not from last year's posterior.
Tolerances: E[mu_T] within 0.01 of p_greedy at every T; the standardised
one-year log-odds increment of a true seeker, z = (dl + I/2)/sqrt(I), has mean
0 +- 0.03 and variance 1 +- 0.05 (about 12,000 pairs: standard errors 0.009
and 0.013); calibration within 0.02 in every bin of mu holding at least 2,000
pair-years of the first ten years (1,500 worlds). With the bias on (beta = 1, strong reactions), each fails in the
predicted direction: more mistrust on average, seekers drifting toward
suspicion, and greedy shares below the stated mistrust.
"""

import numpy as np
import pytest

from herz.world import Mechanisms, WorldParams, initial_state, step
from herz.world.beliefs import _predict_logodds, belief_limit
from herz.world.noise import world_keys

from .pre_calibration import PRE_CALIBRATION

N = 6
OFF = ~np.eye(N, dtype=bool)
P_GREEDY = 0.2


def _params(bias: bool = False, **kw) -> WorldParams:
    base = dict(n_states=N, p_greedy=P_GREEDY, greed_build=0.2,
                mechanisms=Mechanisms(war=False, misperception=bias))
    if bias:
        base.update(misperception_bias=1.0, reaction=0.5)
    base.update(kw)
    return WorldParams(**base)


def _types(s, worlds: int) -> np.ndarray:
    return np.broadcast_to(s.greedy[:, None, :], (worlds, N, N))[:, OFF].copy()


def _run(p: WorldParams, worlds: int, steps: int, seed: int = 7):
    """(true types during each step, beliefs after it, shadow beliefs after it), per step."""
    s = initial_state(p, world_keys(seed, worlds))
    types, mus, shadows = [], [], []
    for _ in range(steps):
        types.append(_types(s, worlds))  # the type in force this step (turnover comes at its end)
        step(s, p)
        mus.append(s.mistrust[:, OFF])
        shadows.append(s.mistrust_shadow[:, OFF])
    return np.array(types), np.array(mus), np.array(shadows)


def _type_average(mu: np.ndarray, greedy: np.ndarray) -> float:
    """E[mu] averaged over both types with the chain's stationary weights (removes the draw's share)."""
    return float(P_GREEDY * mu[greedy].mean() + (1 - P_GREEDY) * mu[~greedy].mean())


@pytest.fixture(scope="module")
def unbiased():
    return _run(_params(), 4000, 40)


@pytest.fixture(scope="module")
def biased():
    return _run(_params(bias=True), 1000, 40)


def test_mean_belief_stays_at_the_prior(unbiased):
    types, mus, _ = unbiased
    means = [_type_average(m, g) for m, g in zip(mus, types, strict=True)]
    assert max(abs(m - P_GREEDY) for m in means) < 0.01, means
    # and the beliefs did learn: greedy states are believed greedy, seekers benign
    # (turnover keeps a belief from reaching certainty: a greedy state may be gone next year)
    assert mus[-1][types[-1]].mean() > 0.6 and mus[-1][~types[-1]].mean() < 0.1


def test_turnover_keeps_the_type_share_at_p_greedy(unbiased):
    types, _, _ = unbiased
    share = types.mean(axis=(1, 2))
    assert np.abs(share - P_GREEDY).max() < 0.01, share
    assert (types[-1] != types[0]).mean() > 0.3  # types did turn over (1 - 0.9^39 of states redrawn)


def test_the_bias_raises_mean_mistrust_above_the_prior(biased):
    types, mus, shadows = biased
    means = [_type_average(m, g) for m, g in zip(mus, types, strict=True)]
    assert max(means) - P_GREEDY > 0.01, means
    # the shadow belief (beta = 0) stays at the prior: the excess is psychological
    shadow = [_type_average(m, g) for m, g in zip(shadows, types, strict=True)]
    assert max(abs(m - P_GREEDY) for m in shadow) < 0.01, shadow


def _increments(p: WorldParams, steps: int = 3, worlds: int = 2000):
    s = initial_state(p, world_keys(11, worlds))
    zs, zg = [], []
    for _ in range(steps):
        greedy = _types(s, worlds)
        # the increment is measured from the predicted prior (the Markov step is no evidence)
        l0 = _predict_logodds(s.logodds, p.motive_turnover, p.p_greedy, belief_limit(p))[0]
        step(s, p)
        dl = (s.logodds - l0)[:, OFF]
        info = s.informativeness[:, OFF]
        zs.append((dl[~greedy] + info[~greedy] / 2) / np.sqrt(info[~greedy]))
        zg.append((dl[greedy] - info[greedy] / 2) / np.sqrt(info[greedy]))
    return zs, zg


def test_log_odds_drift_and_variance_match_design():
    # without the domestic shock the noise is isotropic and DESIGN's formulas are exact:
    # E[dl] = -Delta^2 / (2 sigma^2), Var[dl] = Delta^2 / sigma^2 (Delta^2/sigma^2 = I)
    # (types fixed: a state whose type just turned over still spends on its old path, which
    # the filters' IMM mixing approximates, so the formulas are exact only without turnover)
    zs, zg = _increments(_params(spending_shock=0.0, motive_turnover=0.0))
    for z in (*zs, *zg):
        assert abs(z.mean()) < 0.03
        assert abs(z.var() - 1.0) < 0.05


def test_the_bias_makes_seekers_drift_toward_suspicion():
    # the bias reads a seeker's fear-driven reaction as greed: measured on the pre-calibration
    # fear floor (0.5), where the reaction to i's offence is large enough to show it
    zs, _ = _increments(_params(bias=True, spending_shock=0.0, motive_turnover=0.0,
                                fear_floor=PRE_CALIBRATION["fear_floor"]))
    # a seeker's reaction to i reads as greed: the increment is above its unbiased mean
    assert all(z.mean() > 0.1 for z in zs), [z.mean() for z in zs]


def _calibration(types: np.ndarray, mus: np.ndarray) -> list[tuple[float, float, int]]:
    mu = mus.reshape(-1)  # every pair-year, against the type in force that year
    g = types.reshape(-1)
    k = np.minimum((mu * 10).astype(int), 9)
    out = []
    for b in range(10):
        sel = k == b
        if sel.sum() >= 2000:
            out.append((float(mu[sel].mean()), float(g[sel].mean()), int(sel.sum())))
    return out


@pytest.fixture(scope="module")
def early():
    # the first ten years, where beliefs are still spread over (0, 1)
    return _run(_params(), 1500, 10, seed=3)


@pytest.fixture(scope="module")
def early_biased():
    return _run(_params(bias=True), 1500, 10, seed=3)


def test_beliefs_are_calibrated(early):
    greedy, mus, _ = early
    bins = _calibration(greedy, mus)
    assert len(bins) >= 3
    for mean_mu, share, _ in bins:
        assert abs(mean_mu - share) < 0.02, bins


def test_the_bias_overstates_greed(early_biased):
    greedy, mus, _ = early_biased
    bins = _calibration(greedy, mus)
    gaps = [mean_mu - share for mean_mu, share, _ in bins]
    # stated mistrust exceeds the greedy share: at least one bin fails by more than 0.02
    assert max(gaps) > 0.02, bins
    assert np.mean(gaps) > 0.0, bins



@pytest.mark.parametrize("kw", [
    {"n_states": 7},
    {"n_states": 12, "mechanisms": Mechanisms(misperception=True, arms_control=True, community=True,
                                              identity=True, signalling=True)},
    {"n_states": 5, "perception_noise": 0.0},
])
def test_kernel_perception_equals_the_observed_array(kw, monkeypatch):
    """The belief kernel perceiving by itself gives the beliefs of observe()'s array, bit for bit.

    The same 40 worlds run 60 steps twice: once as step() runs them (the
    kernel draws each row of perception noise itself), once with the
    (W, N, N, 2) array of :func:`herz.world.perception.observe` handed in.
    """
    import sys

    from herz.world import beliefs
    from herz.world.perception import observe

    step_module = sys.modules["herz.world.step"]
    calls = []

    def via_observe(state, params, observed, *args):
        calls.append(observed)
        return beliefs.update_beliefs(state, params, observe(state, params, args[5]), *args)

    p = WorldParams(**kw)
    runs = []
    for handed_in in (False, True):
        if handed_in:
            monkeypatch.setattr(step_module, "update_beliefs", via_observe)
        st = initial_state(p, world_keys(3, 40))
        for _ in range(60):
            step(st, p)
        runs.append(st)
    assert len(calls) == 60 and all(c is None for c in calls)
    for name in ("logodds", "logodds_shadow", "second_order", "informativeness",
                 "expected_spending", "expected_spending_var", "offense"):
        a, b = getattr(runs[0], name), getattr(runs[1], name)
        assert np.array_equal(a.view(np.uint64), b.view(np.uint64)), name
    assert np.abs(runs[0].logodds).max() > 0.5  # beliefs moved
