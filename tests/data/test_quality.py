"""herz.data.quality: jumps in spending series are flagged with their documented causes."""

from __future__ import annotations

import numpy as np

from herz.data import nmc
from herz.data.quality import JUMP_LOG, spending_breaks


def test_documented_breaks_in_nmc_are_named() -> None:
    frame = nmc()
    for state, year, word in (("IND", 1967, "devaluation"), ("PAK", 1972, "devaluation"),
                              ("RUS", 1989, "splice")):
        s = frame[(frame.stateabb == state) & frame.year.between(year - 3, year + 1)]
        out = spending_breaks("nmc", state, s.year.to_numpy(), s.milex.to_numpy())
        hit = [w for w in out if w.startswith(f"{state} {year}:")]
        assert len(hit) == 1 and word in hit[0], out
    # the USSR's 1988 -> 1989 figures quoted in the warning are NMC's (thousands of US$)
    rus = frame[(frame.stateabb == "RUS") & frame.year.isin([1988, 1989])].milex.to_numpy()
    np.testing.assert_allclose(rus, [317_900_000, 119_440_000])


def test_other_jumps_war_years_and_small_changes() -> None:
    years = np.arange(2000, 2006)
    values = np.array([100.0, 110.0, 200.0, 205.0, 100.0, 101.0])
    out = spending_breaks("nmc", "XXX", years, values, war_years={2002})
    assert len(out) == 2  # 2002 (+82%) and 2004 (-51%); 10% and 2% moves are not flagged
    assert "war of XXX" in out[0] and "exchange-rate" in out[1]
    assert np.log(110 / 100) < JUMP_LOG < abs(np.log(100 / 205))
    assert "footnotes" in spending_breaks("sipri", "XXX", years, values)[0]
