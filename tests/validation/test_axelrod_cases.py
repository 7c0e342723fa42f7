"""MODELS.md section 0: AXEL-1, AXEL-3 and AXEL-4, exactly.

AXEL-1 [V]: 200 rounds of the prisoner's dilemma with R, S, T, P = 3, 0, 5, 1:
TFT vs ALLD scores 199 vs 204, TFT vs TFT 600 vs 600.
AXEL-3 [formula V, number D]: GTFT's generosity q = min(1 - (T-R)/(R-S), (R-P)/(T-P)) = 1/3.
AXEL-4 [formula V, number D]: TFT is collectively stable iff
w >= max((T-R)/(T-P), (T-R)/(R-S)) = 2/3.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from herz.models.ipd import (
    PRISONERS_DILEMMA,
    Noise,
    molander_generosity,
    play_match,
    strategies,
    tft_stability_threshold,
)
from herz.models.ipd.markov import expected_payoffs

R, S, T, P = 3, 0, 5, 1


def test_axel_1_tft_vs_alld() -> None:
    m = play_match("Tit For Tat", "Defector", turns=200, rng=0)
    assert m.scores == (199.0, 204.0)
    # the same match from the other seat
    m = play_match("Defector", "Tit For Tat", turns=200, rng=0)
    assert m.scores == (204.0, 199.0)


def test_axel_1_tft_vs_tft() -> None:
    m = play_match("Tit For Tat", "Tit For Tat", turns=200, rng=0)
    assert m.scores == (600.0, 600.0)


def test_axel_1_does_not_depend_on_the_seed() -> None:
    for seed in (1, 2, 12345):
        assert play_match("TFT", "ALLD", turns=200, rng=seed, noise=Noise(0.0)).scores == (
            199.0,
            204.0,
        )


def test_axel_3_gtft_generosity() -> None:
    q = Fraction(1) - Fraction(T - R, R - S)
    assert min(q, Fraction(R - P, T - P)) == Fraction(1, 3)
    assert molander_generosity(PRISONERS_DILEMMA) == 1 / 3
    assert strategies.generous_tit_for_tat().four_vector() == (1.0, 1 / 3, 1.0, 1 / 3)


def test_axel_4_tft_stability_threshold() -> None:
    assert tft_stability_threshold(PRISONERS_DILEMMA) == 2 / 3
    assert max(Fraction(T - R, T - P), Fraction(T - R, R - S)) == Fraction(2, 3)


# The two deviations behind AXEL-4 against a TFT native, with closed forms
# (MODELS.md 4.3): always defect, V = T + w P / (1 - w); alternate D, C, D, C, ...
# (T, S, T, S, ... against TFT), V = (T + w S) / (1 - w^2); TFT itself R / (1 - w).
ALTERNATE = strategies.memory_one(0, 0, 1, 0, first=0, name="Alternate DC")


@pytest.mark.parametrize("w", [0.5, 0.6, 0.65, 2 / 3, 0.7, 0.9])
def test_axel_4_expected_values_match_closed_forms(w: float) -> None:
    tft = expected_payoffs("TFT", "TFT", w).total1
    alld = expected_payoffs("ALLD", "TFT", w)
    alt = expected_payoffs(ALTERNATE, "TFT", w).total1
    assert tft == pytest.approx(R / (1 - w), rel=1e-12)
    assert alld.total1 == pytest.approx(T + w * P / (1 - w), rel=1e-12)
    assert alld.total2 == pytest.approx(S + w * P / (1 - w), rel=1e-12)
    assert alt == pytest.approx((T + w * S) / (1 - w * w), rel=1e-12)


@pytest.mark.parametrize(
    "w, stable", [(0.6, False), (2 / 3 - 1e-6, False), (2 / 3 + 1e-6, True), (0.8, True)]
)
def test_axel_4_no_deviation_pays_exactly_above_the_threshold(w: float, stable: bool) -> None:
    tft = expected_payoffs("TFT", "TFT", w).total1
    best_deviation = max(expected_payoffs(d, "TFT", w).total1 for d in ("ALLD", ALTERNATE))
    assert (tft >= best_deviation) == stable
