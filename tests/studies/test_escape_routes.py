"""The escape study at the tiny size: estimands, robustness table, report and JSON (issue 20)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from herz.analysis.verdict import HORIZON
from herz.report.escape import STUDY_SECTIONS, write_study_report
from herz.studies.escape_routes import (
    DEFAULT_RANGES,
    VARIANTS,
    parameter_draws,
    run_escape_study,
    study_size,
    write_study_json,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    res = run_escape_study("tiny", workers=1)
    out = tmp_path_factory.mktemp("study")
    report = write_study_report(res, out / "escape_report.html")
    data = json.loads(write_study_json(res, out / "escape_report.json").read_text())
    return res, report.read_text(encoding="utf-8"), data


def test_json_has_the_keys_of_the_issue(study):
    res, _, data = study
    for key in ("worlds", "entered_share", "never_entered_share", "control", "realist",
                "routes", "robustness", "verdict"):
        assert key in data, key
    assert data["entered_share"]["ci"][0] <= data["entered_share"]["value"] \
        <= data["entered_share"]["ci"][1]
    assert data["entered_share"]["value"] + data["never_entered_share"]["value"] \
        == pytest.approx(1.0)
    for arm in ("control", "realist"):
        assert {"p_exit", "ci", "median_time_to_exit"} <= set(data[arm])
    assert data["routes"], "routes"
    for r in data["routes"]:
        assert {"name", "dose", "p_exit", "ci", "effect", "effect_ci", "war_effect",
                "war_effect_ci", "median_time_to_exit", "scope", "mode", "cost", "cost_ci",
                "cost_note"} <= set(r)
        assert r["scope"] in ("system", "pair", "pair+system", "system+pair")
        priced = "signals" in r["name"]
        assert (r["cost"] > 0) == priced or (priced and r["cost"] == 0), r["name"]
        if not priced:
            assert r["cost"] == 0 and "0:" in r["cost_note"]
    scopes = {r["scope"] for r in data["routes"]}
    assert {"system", "pair"} <= scopes
    assert [f["scope"] for f in data["factorials"]] == ["system", "pair"]
    for f in data["factorials"]:
        assert {"name", "a", "b", "exit", "exit_low", "exit_high", "war", "entries"} <= set(f)
        assert f["exit_low"] <= f["exit"] <= f["exit_high"]
    names = [v["name"] for v in data["robustness"]]
    assert names[:3] == ["primary", "H=15", "H=35"]
    assert names[3:] == [v.name for v in VARIANTS]
    assert all(v["primarily_escapable"] in (True, False, None) for v in data["robustness"])
    v = data["verdict"]
    assert {"text", "E", "E_ci", "A", "A_ci", "primarily_escapable"} <= set(v)
    assert v["primarily_escapable"] is res.verdict
    assert "documented default ranges" in v["text"]
    assert data["worlds"] == study_size("tiny").points * study_size("tiny").worlds


def test_threshold_variants_share_the_primary_worlds(study):
    res, _, _ = study
    shared = [v.name for v in VARIANTS if v.thresholds_only]
    for name in shared:  # counted on the primary run's worlds, not on reruns
        assert res.worlds[name] == res.worlds["primary"]
    assert res.worlds["sequential"] == study_size("tiny").points * study_size("tiny").variant_worlds


def test_control_and_realist_are_paired_on_the_same_entries(study):
    res, _, data = study
    t = res.tables["primary"]
    counts = t.groupby("arm").size()
    assert counts.nunique() == 1  # every arm holds every entry
    assert res.control.entries == res.realist.entries > 0
    a = data["robustness"][0]["A"]
    assert a == pytest.approx(res.control.p_exit - res.realist.p_exit)
    assert (t["follow"] >= HORIZON).all()


def test_report_opens_with_a_plain_paragraph_and_cites_repository_pages(study):
    _, html, _ = study
    body = html.split("<body>", 1)[1]
    first = re.search(r"<p[^>]*>(.*?)</p>", body, re.S).group(1)
    assert first.startswith("In ") and "simulated worlds" in first
    assert "security dilemma" in first and "realist" in first
    assert body.index(first) < body.index("<nav>")
    for sid, title in STUDY_SECTIONS:
        assert f'id="{sid}"' in html and title.replace("'", "&#39;") in html
    assert "DESIGN.md" not in html and "MODELS.md" not in html
    cited = set(re.findall(r"docs/[\w/.-]+\.md", html))
    assert cited, "the report cites documentation pages"
    for page in cited:
        assert (ROOT / page).exists(), page
    assert "documented default ranges" in html
    assert "Predation" in html


def test_draws_stay_in_their_documented_ranges():
    d = parameter_draws(16, 5)
    for r in DEFAULT_RANGES:
        assert d[r.name].between(r.low, r.high).all(), r.name
    assert d["n_states"].nunique() > 1
    assert parameter_draws(16, 5).equals(d)


def test_bad_size_names_the_allowed_ones():
    from herz.errors import ParameterError

    with pytest.raises(ParameterError, match="default, tiny"):
        study_size("huge")
