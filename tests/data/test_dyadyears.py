"""herz.data.dyad_years and ``herz data dyad-years`` against hand-checked rows."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from herz.cli import app
from herz.data.dyadyears import dyad_years
from herz.errors import ParameterError


@pytest.fixture(scope="module")
def ind_pak() -> pd.DataFrame:
    return dyad_years(["PAK-IND"], 1960, 2015).set_index("year")


def test_india_pakistan_wars_of_1965_and_1971(ind_pak: pd.DataFrame) -> None:
    # COW: the Second Kashmir War (war 166) in 1965 and the Bangladesh war (178) in 1971;
    # no war in 1966-1970 (hand-checked against cow_interstate_war_v4_dirdyadyear.csv).
    assert ind_pak.loc[1965, "war_onset"] is True and ind_pak.loc[1965, "warnum"] == 166
    assert ind_pak.loc[1971, "war_onset"] is True and ind_pak.loc[1971, "warnum"] == 178
    assert not any(ind_pak.loc[1966:1970, "war_ongoing"])
    # Kargil 1999 (COW war 223)
    assert ind_pak.loc[1999, "warnum"] == 223
    # GML MIDs: war-level hostility (5) in both war years, none ongoing in 1968
    assert ind_pak.loc[1965, "mid_hostlev"] == 5 and ind_pak.loc[1971, "mid_hostlev"] == 5
    assert ind_pak.loc[1968, "mid_ongoing"] is False and ind_pak.loc[1968, "mid_peaceyears"] == 1
    # GML ends in 2010: later years are missing, not "no dispute"
    assert pd.isna(ind_pak.loc[2011, "mid_ongoing"]) and pd.isna(ind_pak.loc[2011, "mid_peaceyears"])


def test_india_pakistan_rivalry_race_alliance_capabilities(ind_pak: pd.DataFrame) -> None:
    row = ind_pak.iloc[0]
    assert (row.ccode1, row.stateabb1, row.ccode2, row.stateabb2) == (750, "IND", 770, "PAK")
    assert ind_pak["tss_rivalry"].all() and set(ind_pak["tssr_id"]) == {107}
    # GRH (2005): IND-PAK race 1977-1980
    assert list(ind_pak.index[ind_pak["grh_race"].eq(True)]) == [1977, 1978, 1979, 1980]
    # ATOP codes the pair non-aggression from 1966, never a defence pact
    assert ind_pak.loc[1965, "atop_nonagg"] is False and ind_pak.loc[1966, "atop_nonagg"] is True
    assert not ind_pak.loc[1960:2015, "atop_defense"].eq(True).any()
    # NMC 1965: milex 1,804,170 and 428,512; cap ratio = stronger CINC over weaker
    assert ind_pak.loc[1965, "milex1"] == 1804170 and ind_pak.loc[1965, "milex2"] == 428512
    r = ind_pak.loc[1965]
    assert r.cap_ratio == pytest.approx(r.cinc1 / r.cinc2)
    assert r.cap_share1 == pytest.approx(r.cinc1 / (r.cinc1 + r.cinc2))
    # SIPRI share of GDP (percent), 1965: India 3.87, Pakistan 5.90
    assert r.milburden1 == pytest.approx(3.8714, abs=1e-4)
    assert r.milburden2 == pytest.approx(5.9047, abs=1e-4)


def test_all_pairs_are_non_directed_and_complete() -> None:
    frame = dyad_years(start=1962, end=1962, states=["IND", "PAK", "CHN"])
    assert list(zip(frame.stateabb1, frame.stateabb2, strict=True)) == [
        ("CHN", "IND"), ("CHN", "PAK"), ("IND", "PAK")]
    chn_ind = frame.iloc[0]
    assert chn_ind.war_onset is True  # the Sino-Indian war of 1962
    assert pd.isna(chn_ind.milburden1) and chn_ind.milburden2 == pytest.approx(2.7454, abs=1e-4)  # SIPRI: India 1962
    everyone = dyad_years(start=1816, end=1816)
    n = 23  # states in NMC in 1816
    assert len(everyone) == n * (n - 1) // 2
    assert (everyone.ccode1 < everyone.ccode2).all()
    assert everyone["atop_defense"].isna().sum() > 0  # pairs outside ATOP's focus states


def test_bad_input_names_the_field() -> None:
    with pytest.raises(ParameterError, match="XXX is not a COW state"):
        dyad_years(["XXX-PAK"])
    with pytest.raises(ParameterError, match="must not be after"):
        dyad_years(["IND-PAK"], 2000, 1990)


def test_cli_dyad_years_json_and_csv(tmp_path) -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["data", "dyad-years", "IND-PAK", "--start", "1965", "--end",
                              "1966", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["rows"] == 2 and out["data"][0]["war_onset"] is True
    path = tmp_path / "dy.csv"
    res = runner.invoke(app, ["data", "dyad-years", "--states", "IND,PAK,CHN", "--start",
                              "1962", "--end", "1963", "--out", str(path)])
    assert res.exit_code == 0, res.output
    assert len(pd.read_csv(path)) == 6
    res = runner.invoke(app, ["data", "dyad-years", "IND-PAK", "--start", "1700"])
    assert isinstance(res.exception, ParameterError)
