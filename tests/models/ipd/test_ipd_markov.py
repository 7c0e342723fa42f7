"""Exact long-run payoffs of memory-one strategies under noise (MODELS.md 4.4).

Expected values come from the chain as MODELS.md writes it, built independently in
this file (and solved by an eigenvector, not herz's linear solve), from closed
forms, or from long simulated matches with a fixed seed and a tolerance of four
standard errors.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from herz.models.ipd import Noise, play_batch
from herz.models.ipd import strategies as S
from herz.models.ipd.markov import (
    expected_payoffs,
    stationary,
    stationary_exact,
    transition_matrix,
)

PAY1 = np.array([3.0, 0.0, 5.0, 1.0])
PAY2 = np.array([3.0, 5.0, 0.0, 1.0])


def chain(
    p: tuple[float, ...], q: tuple[float, ...], eps: float, f1: float = 0.0, f2: float = 0.0
) -> np.ndarray:
    """MODELS.md 4.4, written out: state (a1, a2); player 2 reads its vector as CC, DC, CD, DD.

    Perception error f: a player reacts to the state with the other's move misread
    with probability f, before its own implementation error flips the intention.
    """
    flip = lambda x: (1 - eps) * x + eps * (1 - x)  # noqa: E731
    m = np.zeros((4, 4))
    for a1 in (0, 1):
        for a2 in (0, 1):
            s = 2 * a1 + a2
            x = flip((1 - f1) * p[2 * a1 + a2] + f1 * p[2 * a1 + 1 - a2])
            y = flip((1 - f2) * q[2 * a2 + a1] + f2 * q[2 * a2 + 1 - a1])
            m[s] = [x * y, x * (1 - y), (1 - x) * y, (1 - x) * (1 - y)]
    return m


def eigen_stationary(m: np.ndarray) -> np.ndarray:
    vals, vecs = np.linalg.eig(m.T)
    v = np.real(vecs[:, np.argmin(np.abs(vals - 1))])
    return v / v.sum()


GTFT = (1.0, 1 / 3, 1.0, 1 / 3)
CASES = {"TFT": (1.0, 0.0, 1.0, 0.0), "GTFT": GTFT, "WSLS": (1.0, 0.0, 0.0, 1.0)}


@pytest.mark.parametrize("name", list(CASES))
def test_standard_cases_at_noise_001_match_the_chain(name: str) -> None:
    v = CASES[name]
    expected = eigen_stationary(chain(v, v, 0.01))
    res = stationary(name, name, Noise(0.01))
    np.testing.assert_allclose(res.distribution, expected, atol=1e-12)
    assert res.payoff1 == pytest.approx(expected @ PAY1, abs=1e-12)
    assert res.payoff2 == pytest.approx(expected @ PAY2, abs=1e-12)
    np.testing.assert_allclose(
        transition_matrix(name, name, Noise(0.01)), chain(v, v, 0.01), atol=1e-15
    )


ALLD = (0.0, 0.0, 0.0, 0.0)


@pytest.mark.parametrize("name", list(CASES))
def test_standard_cases_against_alld(name: str) -> None:
    v = CASES[name]
    for first, second, p, q in ((name, "ALLD", v, ALLD), ("ALLD", name, ALLD, v)):
        expected = eigen_stationary(chain(p, q, 0.01))
        res = stationary(first, second, Noise(0.01))
        np.testing.assert_allclose(res.distribution, expected, atol=1e-12)
        assert res.payoff1 == pytest.approx(expected @ PAY1, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    p=st.tuples(*[st.floats(0, 1)] * 4),
    q=st.tuples(*[st.floats(0, 1)] * 4),
    eps=st.floats(0.001, 0.5),
    f1=st.floats(0, 0.5),
    f2=st.floats(0, 0.5),
)
def test_any_memory_one_pair_matches_the_written_out_chain(
    p: tuple[float, ...], q: tuple[float, ...], eps: float, f1: float, f2: float
) -> None:
    noise = Noise(eps, (f1, f2))
    expected = eigen_stationary(chain(p, q, eps, f1, f2))
    res = stationary(p, q, noise)
    assert res.distribution.min() >= 0 and res.distribution.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(res.distribution, expected, atol=1e-9)
    np.testing.assert_allclose(transition_matrix(p, q, noise), chain(p, q, eps, f1, f2), atol=1e-14)


def test_tft_vs_tft_is_uniform_under_any_noise() -> None:
    # By the symmetry of the chain every state is equally likely: payoff (R+S+T+P)/4.
    for eps in (0.001, 0.01, 0.2):
        res = stationary("TFT", "TFT", Noise(eps))
        np.testing.assert_allclose(res.distribution, 0.25, atol=1e-12)
        assert res.payoff1 == pytest.approx(9 / 4)


def test_wsls_beats_tft_in_self_play_under_noise() -> None:
    # The spiral of noisy TFT versus the recovery of WSLS (Nowak & Sigmund 1993).
    assert stationary("WSLS", "WSLS", Noise(0.01)).payoff1 > 2.9 > 2.25


def test_exact_rational_answers() -> None:
    e = Fraction(1, 100)
    tft = stationary_exact((1, 0, 1, 0), (1, 0, 1, 0), (e, e, 0, 0))
    assert tft == (Fraction(1, 4),) * 4
    q = Fraction(1, 3)
    g = stationary_exact((1, q, 1, q), (1, q, 1, q), (e, e, 0, 0))
    assert sum(g) == 1
    expected = eigen_stationary(chain(GTFT, GTFT, 0.01))
    np.testing.assert_allclose([float(x) for x in g], expected, atol=1e-12)
    res = stationary("WSLS", "WSLS", Noise(0.01), exact=True)
    assert res.exact is not None
    np.testing.assert_allclose([float(x) for x in res.exact], res.distribution, atol=1e-12)


def test_no_noise_uses_the_cesaro_average_from_the_opening() -> None:
    # TFT against Suspicious TFT alternates CD, DC for ever: payoff (S + T) / 2 each.
    res = stationary("TFT", "STFT", Noise(0.0))
    np.testing.assert_allclose(res.distribution, [0, 0.5, 0.5, 0], atol=1e-9)
    assert res.payoff1 == pytest.approx(2.5) and res.payoff2 == pytest.approx(2.5)
    assert "Cesàro" in res.method
    # TFT against itself without noise cooperates for ever.
    np.testing.assert_allclose(stationary("TFT", "TFT").distribution, [1, 0, 0, 0], atol=1e-9)


def test_perception_error_enters_the_chain() -> None:
    # With perception error f only, player 1 (TFT) copies the opponent's move misread
    # with probability f: after CC it cooperates with probability 1 - f.
    q = transition_matrix("TFT", "ALLC", Noise(0.0, (0.1, 0.0)))
    assert q[0, 0] == pytest.approx(0.9) and q[0, 2] == pytest.approx(0.1)
    np.testing.assert_allclose(q.sum(axis=1), 1.0)


def _simulated(
    p1: S.Strategy, p2: S.Strategy, noise: Noise, matches: int, turns: int, burn: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    b = play_batch([(p1, p2)] * matches, rng=seed, noise=noise, turns=turns)
    assert b.moves1 is not None and b.moves2 is not None
    state = 2 * b.moves1[:, burn:].astype(int) + b.moves2[:, burn:]
    pay = PAY1[state].mean(axis=1)
    shares = np.stack([(state == k).mean(axis=1) for k in range(4)], axis=1)
    return pay, shares


@pytest.mark.parametrize(
    "p1, p2, noise",
    [
        ("GTFT", "WSLS", Noise(0.05, 0.03)),
        ("TFT", "Joss", Noise((0.02, 0.06), (0.1, 0.0))),
        ("ZD-Extort-2", "Firm But Fair", Noise(0.01, (0.0, 0.05))),
    ],
)
def test_chain_agrees_with_long_simulated_matches(p1: str, p2: str, noise: Noise) -> None:
    s1, s2 = S.get(p1), S.get(p2)
    exact = stationary(s1, s2, noise)
    pay, shares = _simulated(s1, s2, noise, matches=300, turns=1000, burn=100, seed=2024)
    se = pay.std(ddof=1) / math.sqrt(len(pay))
    assert abs(pay.mean() - exact.payoff1) < 4 * se + 1e-12, (pay.mean(), exact.payoff1, se)
    for k in range(4):
        se_k = shares[:, k].std(ddof=1) / math.sqrt(len(pay))
        assert abs(shares[:, k].mean() - exact.distribution[k]) < 4 * se_k + 1e-9


def test_expected_payoffs_with_continuation_agree_with_simulation() -> None:
    w = 0.95
    noise = Noise(0.05, 0.02)
    exact = expected_payoffs("GTFT", "TFT", w, noise)
    b = play_batch(
        [("GTFT", "TFT")] * 4000, rng=7, noise=noise, continuation=w, keep_histories=False
    )
    assert b.lengths.mean() == pytest.approx(1 / (1 - w), rel=0.05)
    for k, total in ((0, exact.total1), (1, exact.total2)):
        se = b.scores[:, k].std(ddof=1) / math.sqrt(4000)
        assert abs(b.scores[:, k].mean() - total) < 4 * se
    assert exact.expected_rounds == pytest.approx(20.0)
