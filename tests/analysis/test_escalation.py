"""herz.analysis.escalation and ``herz escalation``: the dispute-level arms-race test."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from herz.analysis import escalation as es
from herz.cli import app
from herz.errors import ParameterError


def _hand_table() -> pd.DataFrame:
    # 10 disputes during a race (4 wars), 40 without (4 wars), spread over 10 dyads.
    race = [1] * 10 + [0] * 40
    war = [1] * 4 + [0] * 6 + [1] * 4 + [0] * 36
    return pd.DataFrame({"race": race, "war": war,
                         "dyad": [f"D{i % 10}" for i in range(50)]})


def test_logit_odds_ratio_is_the_cross_product_ratio_of_a_hand_table() -> None:
    # Without controls the logit MLE of a binary regressor is the table's odds ratio:
    # (4 / 6) / (4 / 36) = 6; its log has the Woolf standard error
    # sqrt(1/4 + 1/6 + 1/4 + 1/36) = 0.8250 without clustering.
    res = es.fit_escalation(_hand_table(), cluster=None)
    assert res.odds_ratio == pytest.approx(6.0, rel=1e-6)
    se = res.coefficients["race"]["se"]
    assert se == pytest.approx(np.sqrt(1 / 4 + 1 / 6 + 1 / 4 + 1 / 36), rel=1e-4)
    assert res.ci_low == pytest.approx(6.0 * np.exp(-1.959964 * se), rel=1e-4)
    np.testing.assert_array_equal(res.table.to_numpy(), [[4, 6], [4, 36]])
    clustered = es.fit_escalation(_hand_table(), cluster="dyad")
    assert clustered.odds_ratio == pytest.approx(6.0, rel=1e-6)
    assert clustered.clusters == 10 and any("clusters" in n for n in clustered.notes)


def test_empty_cell_is_refused() -> None:
    frame = _hand_table()
    frame.loc[frame.race == 1, "war"] = 1
    with pytest.raises(ParameterError, match="empty cell"):
        es.fit_escalation(frame)


def test_rival_disputes_hand_checked_rows() -> None:
    d = es.rival_disputes()
    ip = d[(d.stateabb1 == "IND") & (d.stateabb2 == "PAK")].set_index("onset")
    by_id = ip.reset_index().set_index("dispnum")
    # the 1965 war is GML MID 1312 (begun 1964, to 1966), the 1971 war MID 1447: both sides
    # at hostility 5, and a COW war onset inside the dispute's years
    for num, onset in ((1312, 1964), (1447, 1971)):
        row = by_id.loc[num]
        assert row.onset == onset and row.war_hostlev and row.war_cow
    # MID 1317 (1963-1964, India at hostility 1) did not escalate
    assert not by_id.loc[1317, "war_hostlev"] and not by_id.loc[1317, "war_cow"]
    # GRH race 1977-1980: disputes begun in 1978-1980 are "during a race", 1977 is not
    assert not ip.loc[ip.index < 1978, "grh"].any()
    assert ip.loc[(ip.index >= 1978) & (ip.index <= 1980), "grh"].all()
    # every dispute is between rivals (a TSS rivalry id) and prior disputes count up
    assert d["tssr_id"].notna().all()
    assert (ip["prior_disputes"].diff().dropna() == 1).all()


def test_escalation_test_on_the_shipped_data() -> None:
    res = es.escalation_test("grh", "hostlev")
    assert res.n == int(res.table.to_numpy().sum()) and res.clusters > 100
    assert res.ci_low < res.odds_ratio < res.ci_high
    pre = es.escalation_test("grh", "hostlev", start=1946)
    assert any("post1945 is constant" in n for n in pre.notes)


def test_cli_escalation_json() -> None:
    res = CliRunner().invoke(app, ["escalation", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert [r["measure"] for r in out["results"]] == ["grh", "nmc"]
    for r in out["results"]:
        assert r["p_holm"] >= r["p_value"]
        assert r["interval"][0] < r["odds_ratio"] < r["interval"][1]
    bad = CliRunner().invoke(app, ["escalation", "--measure", "wallace"])
    assert isinstance(bad.exception, ParameterError)
