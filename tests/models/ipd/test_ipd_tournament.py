"""Round-robin tournaments: exact tables for deterministic fields, tidy results."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from herz.errors import ParameterError
from herz.models.ipd import Noise, tournament


def test_deterministic_field_gives_exact_tables() -> None:
    res = tournament(["ALLC", "ALLD", "TFT"], turns=200, repetitions=3, rng=0)
    m = res.payoff_matrix().to_numpy()
    expected = np.array([[3, 0, 3], [5, 1, 204 / 200], [3, 199 / 200, 3]])
    np.testing.assert_allclose(m, expected)
    s = res.summary().set_index("strategy")
    assert s.loc["Defector", "mean_score_per_turn"] == pytest.approx((5 + 1.02) / 2)
    assert s.loc["Tit For Tat", "mean_score_per_turn"] == pytest.approx((3 + 0.995) / 2)
    assert s.loc["Cooperator", "mean_score_per_turn"] == pytest.approx(1.5)
    assert (s["ci_high"] - s["ci_low"]).abs().max() == pytest.approx(0.0)
    assert s.loc["Defector", "wins_per_repetition"] == 2.0
    assert s.loc["Cooperator", "wins_per_repetition"] == 0.5  # a draw with TFT, a loss
    assert list(res.summary()["strategy"]) == ["Defector", "Tit For Tat", "Cooperator"]
    assert res.cooperation_matrix().loc["Tit For Tat", "Defector"] == pytest.approx(1 / 200)


def test_tidy_table() -> None:
    res = tournament(["TFT", "WSLS", "Random"], turns=20, repetitions=2, noise=Noise(0.1), rng=1)
    df = res.matches
    assert isinstance(df, pd.DataFrame)
    assert len(df) == 2 * 6 * 2  # two seats, six pairings, two repetitions
    for col in (
        "match",
        "player",
        "player_name",
        "opponent",
        "opponent_name",
        "repetition",
        "turns",
        "score",
        "score_per_turn",
        "cooperation",
        "win",
    ):
        assert col in df.columns
    assert set(df["win"]) <= {0.0, 0.5, 1.0}
    d = res.to_dict()
    assert d["strategies"] == list(res.names) and len(d["summary"]) == 3


def test_confidence_interval_covers_with_t_quantile() -> None:
    res = tournament(
        ["TFT", "WSLS", "Random", "GTFT"], turns=50, repetitions=8, noise=Noise(0.05), rng=3
    )
    s95 = res.summary(0.95).set_index("strategy")
    s99 = res.summary(0.99).set_index("strategy")
    assert ((s99["ci_high"] - s99["ci_low"]) > (s95["ci_high"] - s95["ci_low"])).all()
    per_rep = res.scores_by_repetition()
    assert per_rep.shape == (4, 8)
    np.testing.assert_allclose(
        np.sort(per_rep.mean(axis=1))[::-1], res.summary()["mean_score_per_turn"].to_numpy()
    )


def test_continuation_tournament() -> None:
    res = tournament(["TFT", "ALLD"], continuation=0.9, repetitions=20, rng=2)
    assert res.turns is None and res.continuation == 0.9
    assert res.lengths.min() >= 1 and len(set(res.lengths.tolist())) > 1


def test_bad_tournaments() -> None:
    with pytest.raises(ParameterError):
        tournament(["TFT"])
    with pytest.raises(ParameterError):
        tournament(["TFT", "TFT"])
    with pytest.raises(ParameterError):
        tournament(["TFT", "ALLD"], repetitions=0)
