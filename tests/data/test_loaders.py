"""Loaders: row counts, year ranges and key columns as documented in shared/data/README.md."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from herz import data
from herz.errors import ParameterError

# name, rows, year column, first year, last year, key columns (README, table and sections)
DOCUMENTED = [
    ("cow_nmc", 17121, "year", 1816, 2022, ["stateabb", "ccode", "year", "milex", "milper",
                                             "irst", "pec", "tpop", "upop", "cinc"]),
    ("nmc_rival_dyads", 1978, "year", 1816, 2022,
     ["dyad", "year", "stateabb_a", "ccode_a", "stateabb_b", "ccode_b", "milex_a", "milex_b",
      "milper_a", "milper_b", "milex_unit"]),
    ("richardson_powers", 44, "year", 1870, 1913,
     ["year", "milex_FRN", "milex_RUS", "milex_GMY", "milex_AUH", "U_FRN_RUS", "V_GMY_AUH",
      "milper_FRN", "milper_RUS", "milper_GMY", "milper_AUH", "milex_unit"]),
    ("sipri_milex", 1008, "year", 1949, 2023,
     ["sipri_country", "ccode", "stateabb", "year", "milex_const2022_usd_m",
      "milex_const_status", "milex_share_gdp_pct", "share_gdp_status", "sipri_notes"]),
    ("sipri_footnotes", 18, None, None, None, ["marker", "text"]),
    ("grh_arms_races", 71, "styear", 1854, 1982,
     ["race_id", "ccode1", "stateabb1", "ccode2", "stateabb2", "styear", "endyear"]),
    ("mmb_confrontations", 2324, "year", 1816, 2014,
     ["ccode1", "stateabb1", "ccode2", "stateabb2", "tssr_id", "micnum", "year", "dyfatmin",
      "dyfatmax", "sumevents", "mmb"]),
    ("strategic_rivalries", 264, "start", 1494, 2015,
     ["tssr_id", "rivalry", "ccode1", "stateabb1", "ccode2", "stateabb2", "start", "end",
      "positional", "spatial", "ideological", "interventionary", "principal", "aprin"]),
    ("cow_wars", 1932, "year", 1823, 2003,
     ["warnum", "ccode1", "stateabb1", "ccode2", "stateabb2", "year", "cowinterongoing",
      "cowinteronset", "sidea1", "sidea2", "initiator1", "initiator2", "outcome1", "outcome2",
      "batdeath1", "batdeath2", "resume"]),
    ("gml_mids", 5138, "year", 1816, 2010,
     ["dispnum", "ccode1", "stateabb1", "ccode2", "stateabb2", "year", "midonset", "hostlev",
      "fatality", "outcome", "settle"]),
    ("atop_alliances", 8412, "year", 1815, 2018,
     ["ccode1", "stateabb1", "ccode2", "stateabb2", "year", "atop_defense", "atop_offense",
      "atop_neutral", "atop_nonagg", "atop_consul"]),
    ("eu_accession", 28, None, None, None, ["date", "country", "iso2c"]),
    ("nato_accession", 32, "accession_year", 1949, 2024,
     ["country", "stateabb", "ccode", "accession_year", "note"]),
]


def test_catalogue_covers_every_documented_file() -> None:
    assert sorted(data.DATASETS) == sorted(row[0] for row in DOCUMENTED)
    assert len(data.DATASETS) == 13


@pytest.mark.parametrize(("name", "rows", "ycol", "y0", "y1", "cols"), DOCUMENTED)
def test_rows_years_columns(name: str, rows: int, ycol: str | None, y0: int | None,
                            y1: int | None, cols: list[str]) -> None:
    frame = data.load(name)
    assert len(frame) == rows
    assert set(cols) <= set(frame.columns)
    if ycol is not None:
        assert int(frame[ycol].min()) == y0
        assert int(frame[ycol].max()) == y1


@pytest.mark.parametrize("name", [row[0] for row in DOCUMENTED])
def test_missing_values_are_nan_never_minus_nine(name: str) -> None:
    frame = data.load(name)
    numeric = frame.select_dtypes("number")
    assert not (numeric == -9).to_numpy().any()


def test_documented_minus_nine_codes_became_nan() -> None:
    # The README documents -9 = unknown for battle deaths and MID fatality/outcome codes.
    wars = data.wars()
    assert wars["batdeath1"].isna().sum() == 4
    mids = data.mids()
    assert mids["fatality"].isna().sum() >= 206
    assert mids["outcome"].isna().sum() >= 20


def test_documented_counts_inside_files() -> None:
    assert data.wars()["warnum"].nunique() == 95
    assert data.mids()["dispnum"].nunique() == 2174
    assert int(data.mmb_confrontations()["mmb"].sum()) == 95
    assert data.nmc_dyads()["dyad"].nunique() == 18
    assert set(data.nmc_dyads()["dyad"]) == set(data.RIVAL_DYADS)
    assert data.load("grh_arms_races")["endyear"].max() == 1984
    assert data.load("strategic_rivalries")["end"].max() == 2020
    # "20 countries" were kept, but North Korea has no figure in either sheet and rows
    # with both measures missing are omitted (README section 4), so 19 appear.
    sipri = data.load("sipri_milex")
    assert sipri["sipri_country"].nunique() == 19
    assert "PRK" not in set(sipri["stateabb"])


def test_nmc_currency_column_breaks_at_1914() -> None:
    frame = data.nmc()
    assert set(frame.loc[frame.year <= 1913, "currency"]) == {"GBP"}
    assert set(frame.loc[frame.year >= 1914, "currency"]) == {"USD"}
    dy = data.nmc_dyads()
    assert set(dy.loc[dy.year == 1913, "currency"]) == {"GBP"}
    assert (dy.loc[dy.year == 1913, "milex_unit"] == "thousands of current GBP").all()


def test_dyad_milex_refuses_to_cross_the_currency_break_unless_asked() -> None:
    with pytest.raises(ParameterError, match="pounds to 1913 and dollars from 1914"):
        data.dyad_milex("UKG-GMY", 1905, 1920)
    s = data.dyad_milex("UKG-GMY", 1905, 1920, convert_to_usd=True)
    raw = data.nmc().query("stateabb == 'UKG' and year == 1913")["milex"].iloc[0]
    i = list(s.years).index(1913)
    assert s.a[i] == pytest.approx(raw / 1000 * data.GBP_USD_PARITY_1913)
    assert any("gold parity" in n for n in s.notes)


def test_sipri_flags_and_footnotes_are_carried_through() -> None:
    frame = data.sipri()
    allowed = {"reported", "estimate", "uncertain", "unavailable", "not_independent",
               "not_provided"}
    assert set(frame["milex_const_status"].dropna()) <= allowed
    # 2023 constant-dollar figures were dropped (current dollars on that sheet).
    y2023 = frame[frame.year == 2023]
    assert y2023["milex_const2022_usd_m"].isna().all()
    assert (y2023["milex_const_status"] == "not_provided").all()
    first = frame.drop_duplicates("stateabb").set_index("sipri_country")
    assert first.loc["United States of America", "footnote"] == 44
    assert "financial year" in first.loc["United States of America", "footnote_text"]
    assert first.loc["Pakistan", "footnote"] == 60
    assert bool(first.loc["Egypt", "adopted_budget"])
    assert bool(first.loc["Egypt", "no_paramilitary"])
    assert not first.loc["Egypt", "no_pensions"]
    assert bool(first.loc["Türkiye", "currency_redenominated"])
    assert pd.isna(first.loc["Greece", "footnote"])
    # USSR and Russia are separate series under one COW code.
    rus = frame[frame.ccode == 365]
    assert set(rus["sipri_country"]) == {"USSR", "Russia"}
    assert rus[rus.sipri_country == "USSR"]["year"].max() < data.USSR_RUSSIA_BREAK


def test_sipri_dyad_carries_status_per_year() -> None:
    s = data.dyad_milex("IND-PAK", 1960, 2000, source="sipri")
    assert len(s.status_a) == len(s.years) == len(s.status_b) == 41
    assert set(s.status_a) | set(s.status_b) <= {"reported", "estimate", "uncertain"}
    assert any("PAK: SIPRI flags" in n for n in s.notes)


def test_typed_loaders_are_tidy() -> None:
    riv = data.rivalries()
    assert riv["spatial"].dtype == bool and riv["principal"].dtype == bool
    assert data.alliances()["atop_defense"].dtype == bool
    assert data.mmb_confrontations()["mmb"].dtype == bool
    eu = data.eu_accession()
    assert eu["year"].min() == 1958 and eu["year"].max() == 2013
    assert eu["ccode"].notna().all() and eu["stateabb"].notna().all()
    keys = set(zip(data.nmc()["ccode"], data.nmc()["stateabb"], strict=True))
    assert set(zip(eu["ccode"].astype(int), eu["stateabb"], strict=True)) <= keys
    assert eu.set_index("iso2c").loc["GB", "exit_year"] == 2020
    assert eu["exit_year"].notna().sum() == 1
    assert len(data.nato_accession()) == 32
    assert len(data.sipri_footnotes()) == 18


def test_rivalry_spans_and_pair_lookups_accept_either_order() -> None:
    spans = data.rivalry_spans("RUS-USA")
    assert [(s, e) for _, _, s, e in spans] == [(1918, 1920), (1945, 1989), (2007, 2020)]
    assert data.rivalry_spans("GRC-CYP") == []
    onsets = data.wars("PAK-IND").query("cowinteronset == 1")["year"]
    assert sorted(set(onsets)) == [1947, 1965, 1971, 1999]
    races = data.arms_races("ISR-EGY")
    assert [(r.styear, r.endyear) for r in races.itertuples()] == [(1963, 1971)]
    with pytest.raises(ParameterError, match="two COW abbreviations"):
        data.split_dyad("INDPAK")


def test_deflate_is_exact_and_checks_coverage(tmp_path) -> None:
    index = pd.Series([100.0, 200.0, 400.0], index=[2000, 2001, 2002])
    out = data.deflate(np.array([2000, 2001, 2002]), np.array([10.0, 10.0, 10.0]), index)
    np.testing.assert_allclose(out, [40.0, 20.0, 10.0])
    out = data.deflate(np.array([2000, 2001]), np.array([10.0, 10.0]), index, base_year=2000)
    np.testing.assert_allclose(out, [10.0, 5.0])
    with pytest.raises(ParameterError, match="no value for 2003"):
        data.deflate(np.array([2002, 2003]), np.array([1.0, 1.0]), index)
    path = tmp_path / "cpi.csv"
    years = np.arange(1950, 1991)
    pd.DataFrame({"year": years, "cpi": 1.05 ** (years - 1950)}).to_csv(path, index=False)
    cpi = data.read_deflator(str(path))
    nominal = data.dyad_milex("IND-PAK", 1960, 1990)
    real = data.dyad_milex("IND-PAK", 1960, 1990, deflator=cpi, deflator_base=1990)
    np.testing.assert_allclose(real.a, nominal.a * 1.05 ** (1990 - nominal.years))
    assert "constant 1990, user deflator" in real.unit
    assert any("user-supplied price index" in n for n in real.notes)
