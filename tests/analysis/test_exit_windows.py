"""The record's steady-burden windows, read yearly and as the window's trend."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from herz.analysis.exit_windows import burden_windows, dyad_windows, window_shares
from herz.errors import ParameterError


def _frame() -> pd.DataFrame:
    years = np.arange(1950, 1971)  # 21 years: 20 growths, 11 windows of 10 per unit
    noisy = 0.03 * np.cumprod(np.r_[1.0, np.tile([1.05, 1 / 1.05], 10)])
    trending = 0.03 * 1.03 ** np.arange(21)
    quiet = 0.03 * np.cumprod(np.r_[1.0, np.tile([1.01, 1 / 1.01], 10)])
    gap = np.r_[years[:8], years[9:]]  # 1958 missing: runs of 8 and 12 years, 2 windows
    return pd.concat([
        pd.DataFrame({"unit": "noisy", "year": years, "burden": noisy}),
        pd.DataFrame({"unit": "trending", "year": years, "burden": trending}),
        pd.DataFrame({"unit": "quiet", "year": years, "burden": quiet}),
        pd.DataFrame({"unit": "gap", "year": gap, "burden": 0.03}),
    ])


def test_windows_are_read_yearly_and_as_the_trend():
    w = burden_windows(10, frame=_frame()).groupby("unit")
    assert w.size().to_dict() == {"gap": 2, "noisy": 11, "quiet": 11, "trending": 11}
    steady = w[["yearly_steady", "trend_steady"]].sum()
    assert steady.loc["noisy"].tolist() == [0, 11]  # +-5% a year, no trend
    assert steady.loc["trending"].tolist() == [0, 0]  # 3% a year every year
    assert steady.loc["quiet"].tolist() == [11, 11]  # +-1% a year
    first = burden_windows(10, frame=_frame())
    assert first.loc[first["unit"] == "gap", "first_year"].tolist() == [1960, 1961]
    assert first.loc[first["unit"] == "noisy", "non_overlapping"].sum() == 2  # starts 1951, 1961
    with pytest.raises(ParameterError, match="years"):
        burden_windows(0, frame=_frame())


def test_the_record_meets_the_trend_reading_and_never_the_yearly_one():
    """SIPRI's rival dyads, ten-year windows (both states steady): 0 yearly, about a quarter."""
    sh = window_shares(dyad_windows(10), replicates=300).set_index("subset")
    row = sh.loc["all"]
    assert row["windows"] >= 400 and row["units"] >= 10
    assert row["yearly_n"] == 0
    assert 0.15 <= row["trend_share"] <= 0.40 and row["trend_lo"] > 0.05
    states = window_shares(burden_windows(10), replicates=300).set_index("subset").loc["all"]
    assert states["yearly_share"] < 0.01 < 0.3 < states["trend_share"]
