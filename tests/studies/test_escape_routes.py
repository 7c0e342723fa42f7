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
    assert [f["scope"] for f in data["factorials"]] == ["system", "pair", "system"]
    assert data["factorials"][2]["name"] == "defensive_technology@1+distinguishability@1"
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
    assert res.worlds["sequential"] == res.worlds["primary"]  # identical: not rerun
    assert res.worlds["threat sum"] == (study_size("tiny").points
                                        * study_size("tiny").variant_worlds)


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


def _run_states(params, worlds=30, steps=45, seed=7):
    """Every array of the state after ``steps`` steps (the study's world, no branching)."""
    import dataclasses

    import numpy as np

    from herz.world.noise import world_keys
    from herz.world.state import initial_state
    from herz.world.step import step

    state = initial_state(params, world_keys(seed, worlds, 0), np.arange(worlds, dtype=np.int64))
    for _ in range(steps):
        step(state, params)
    return {f.name: np.array(getattr(state, f.name)) for f in dataclasses.fields(state)
            if isinstance(getattr(state, f.name), np.ndarray)}


def test_sequential_update_order_is_the_primary_run_in_this_world():
    # the sequential variant is not rerun: update order enters a step only through the
    # identity that motive drift reads, off in the control and the realist arm. A change of
    # the world that makes the order matter elsewhere fails here.
    import numpy as np

    from herz.studies.branching import PRIMARY, reference_arms
    from herz.studies.escape_routes import (
        ORDER_SAME,
        Variant,
        _world,
        identical_variants,
        order_matters,
    )

    sz = study_size("tiny")
    draws = parameter_draws(2, sz.seed).to_dict(orient="records")
    seq = next(v for v in VARIANTS if v.name == "sequential")
    assert identical_variants(draws) == {"sequential": ORDER_SAME}
    for d in draws:
        for arm in reference_arms():
            a = arm.apply(_world(d, Variant(PRIMARY, "none")))
            b = arm.apply(_world(d, seq))
            assert str(b.update_order) == "sequential" and not order_matters(b)
            sa, sb = _run_states(a), _run_states(b)
            assert sa.keys() == sb.keys()
            for k in sa:
                np.testing.assert_array_equal(sa[k], sb[k], err_msg=k)
    # where identities move and motives drift with them the order does matter, and is rerun
    d = draws[0]
    mech = _world(d, seq).mechanisms
    drift = _world(d, seq).replace(
        mechanisms=type(mech)(**{**mech.__dict__, "identity": True}),
        motive_drift_to_seeker=0.3, motive_drift_to_greedy=0.3, motive_drift_identity=1.0,
        identity_plasticity=0.5)
    assert order_matters(drift)
    simul = drift.replace(update_order="simultaneous")
    sa, sb = _run_states(simul), _run_states(drift)
    assert not np.array_equal(sa["greedy"], sb["greedy"])


def test_sequential_variant_reads_the_primary_rows(study):
    res, html, _ = study
    seq = next(s for s in res.specs if s.name == "sequential")
    prim = next(s for s in res.specs if s.name == "primary")
    assert (seq.entries, seq.E, seq.E_ci, seq.A, seq.A_ci) == (prim.entries, prim.E, prim.E_ci,
                                                              prim.A, prim.A_ci)
    assert "identical to the primary run" in seq.changed
    from herz.studies.escape_routes import ORDER_SAME

    assert res.meta["identical_to_primary"] == {"sequential": ORDER_SAME}
    assert "motive drift" in html


def test_a_batch_of_draws_is_their_separate_runs_bit_for_bit():
    # draws with one number of states run as one batch with per-world parameters: every
    # row (every arm, rule, outcome, cost) equals the draws' separate runs, including the
    # routes that move a per-world field (defensive technology, distinguishability)
    import pandas as pd

    from herz.studies.branching import PRIMARY, reference_arms, route_arms
    from herz.studies.escape_routes import Variant, _task, batches

    sz = study_size("tiny")
    rows = parameter_draws(12, sz.seed).to_dict(orient="records")
    for d in rows:
        d["n_states"], d["point"] = int(d["n_states"]), int(d["point"])
    chunk = max(batches(rows, 3), key=len)
    assert len(chunk) == 3 and len({d["n_states"] for d in chunk}) == 1
    assert len({d["distinguishability"] for d in chunk}) == 3  # the values differ by world
    arms = [*reference_arms(), *[a for a in route_arms((1.0,)) if a.name in (
        "defensive_technology@1", "distinguishability@1", "costly_signals@1",
        "defensive_technology@1+distinguishability@1")]]
    shared = tuple(v for v in VARIANTS if v.thresholds_only)[:2]
    args = (Variant(PRIMARY, "none"), 150, sz.seed, 6, 40, arms, shared)
    alone = pd.concat([_task([d], *args)["table"] for d in chunk], ignore_index=True)
    batch = _task(chunk, *args)
    key = ["spec", "arm", "point", "world", "t_entry", "i", "j"]
    a = alone.sort_values(key).reset_index(drop=True)
    b = batch["table"].sort_values(key).reset_index(drop=True)
    assert len(b) and b["point"].nunique() > 1
    pd.testing.assert_frame_equal(a, b)
    assert batch["worlds"] == 3 * 150


def test_batches_share_the_number_of_states_and_hold_every_draw_once():
    from herz.studies.escape_routes import batches

    rows = parameter_draws(40, 3).to_dict(orient="records")
    for d in rows:
        d["n_states"], d["point"] = int(d["n_states"]), int(d["point"])
    out = batches(rows, 6)
    assert sorted(d["point"] for b in out for d in b) == list(range(40))
    assert all(len({d["n_states"] for d in b}) == 1 and 1 <= len(b) <= 6 for b in out)
    assert all([d["point"] for d in b] == sorted(d["point"] for d in b) for b in out)
