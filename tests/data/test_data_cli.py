"""``herz data list`` and ``herz data cite``."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from herz.cli import app

runner = CliRunner()


def test_data_list_names_every_dataset_with_rows() -> None:
    res = runner.invoke(app, ["data", "list", "--json"])
    assert res.exit_code == 0, res.output
    rows = {d["name"]: d["rows"] for d in json.loads(res.output)["datasets"]}
    assert len(rows) == 13
    assert rows["cow_nmc"] == 17121 and rows["sipri_milex"] == 1008


def test_data_cite_gives_the_citation() -> None:
    res = runner.invoke(app, ["data", "cite", "sipri_milex"])
    assert res.exit_code == 0
    assert "SIPRI Military Expenditure Database 2024" in res.output
    res = runner.invoke(app, ["data", "cite", "grh_arms_races", "--json"])
    assert "Gibler" in json.loads(res.output)["citation"]


def test_data_provenance_gives_the_section_of_one_dataset() -> None:
    res = runner.invoke(app, ["data", "provenance", "grh_arms_races"])
    assert res.exit_code == 0
    assert res.output.startswith("## 6.")
    assert "## 7." not in res.output
