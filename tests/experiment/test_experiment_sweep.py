"""Sweeps in process: store layout, resume, refusal, failures, damaged chunks, queries."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from experiment_helpers import (
    all_rows,
    chunk_digests,
    no_temporary_files,
    toy_text,
    world_text,
    write_manifest,
)

from herz.analysis.intervals import wilson_interval
from herz.analysis.outcomes import outcome_rates
from herz.experiment import (
    ModelSpec,
    ResultsError,
    connect,
    load_scenario,
    parse_scenario,
    query,
    resume,
    run_scenario,
    sweep,
    trust_model,
)
from herz.experiment.design import adaptive_additions
from herz.experiment.store import Store


def test_sweep_writes_chunks_manifest_and_design(tmp_path: Path) -> None:
    sc = parse_scenario(toy_text(), source="toy.toml")
    out = tmp_path / "r"
    res = sweep(sc, output=out, runner="inprocess")
    assert res.ok and res.planned == 12 and res.done == 12 and res.ran == 12
    assert len(chunk_digests(out)) == 12
    man = json.loads((out / "manifest.json").read_text())
    assert man["scenario_hash"] == sc.hash and man["status"] == "complete"
    assert man["versions"]["herz"] and man["versions"]["pyarrow"]
    assert man["seed_tree"]["point"] == [1, "POINT"]
    assert man["design"]["method"] == "grid" and man["design"]["points"] == 6
    assert man["runs"][0]["started"] and man["runs"][0]["ended"]
    assert man["scenario_toml"] == sc.text
    rec = man["chunks"]["p000000-r0000000-0000003"]
    assert rec["status"] == "done" and rec["rows"] == 3 and len(rec["sha256"]) == 64
    rows = all_rows(out)
    assert len(rows) == 6 * 6
    assert not rows.duplicated(["point", "replicate"]).any()
    assert list(rows.columns[:4]) == ["point", "replicate", "offense_defense_balance",
                                      "distinguishability"]
    design = pq.read_table(out / "design.parquet").to_pandas()
    assert len(design) == 6 and design["seed_key"].iloc[2] == "[1, 2]"
    assert no_temporary_files(out)


def test_rows_do_not_depend_on_chunking(tmp_path: Path) -> None:
    a = sweep(parse_scenario(toy_text(chunk_size=6)), output=tmp_path / "a", runner="inprocess")
    b = sweep(parse_scenario(toy_text(chunk_size=1)), output=tmp_path / "b", runner="inprocess")
    pd.testing.assert_frame_equal(all_rows(a.path), all_rows(b.path))


def test_query_and_helpers(tmp_path: Path) -> None:
    res = sweep(parse_scenario(toy_text()), output=tmp_path / "r", runner="inprocess")
    df = query(res.path, "SELECT point, count(*) AS n FROM results GROUP BY point ORDER BY point")
    assert list(df["n"]) == [6] * 6
    assert len(res.results()) == 36
    n = res.query("SELECT count(*) AS n FROM chunks WHERE status = 'done'")["n"].iloc[0]
    assert n == 12
    assert res.query("SELECT * FROM failures").empty
    summary = outcome_rates(res.results())
    assert ((summary["escape_low"] <= summary["p_escape"])
            & (summary["p_escape"] <= summary["escape_high"])).all()
    con = connect(res.path)
    assert con.execute("SELECT count(*) FROM design").fetchone()[0] == 6
    con.close()
    with pytest.raises(ResultsError, match="query failed"):
        query(res.path, "SELECT nope FROM results")


def test_existing_directory_rules(tmp_path: Path) -> None:
    sc = parse_scenario(toy_text())
    out = tmp_path / "r"
    sweep(sc, output=out, runner="inprocess")
    before = chunk_digests(out)
    with pytest.raises(ResultsError, match="already holds results of this scenario; complete them with `herz resume"):
        sweep(sc, output=out, runner="inprocess")
    other = parse_scenario(toy_text(steps=31))
    with pytest.raises(ResultsError, match="holds results of another scenario"):
        sweep(other, output=out, runner="inprocess", resume=True)
    res = sweep(sc, output=out, runner="inprocess", resume=True)
    assert res.ok and res.ran == 0 and res.skipped == 12
    assert chunk_digests(out) == before
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "a.txt").write_text("x")
    with pytest.raises(ResultsError, match="not a herz results directory"):
        sweep(sc, output=junk, runner="inprocess")
    with pytest.raises(ResultsError, match="no manifest"):
        resume(tmp_path / "missing")


def test_resume_completes_a_partial_sweep(tmp_path: Path) -> None:
    sc = parse_scenario(toy_text())
    ref = sweep(sc, output=tmp_path / "ref", runner="inprocess")
    out = tmp_path / "r"
    seen = []

    def stop_after_five(task: Any, result: Any) -> None:
        seen.append(task.chunk)
        if len(seen) == 5:
            raise KeyboardInterrupt

    from herz.experiment import SweepInterrupted

    with pytest.raises(SweepInterrupted) as info:
        sweep(sc, output=out, runner="inprocess", on_chunk=stop_after_five)
    assert info.value.result.status == "interrupted" and info.value.result.done == 5
    assert json.loads((out / "manifest.json").read_text())["status"] == "interrupted"
    assert len(chunk_digests(out)) == 5
    res = resume(out, runner="inprocess")
    assert res.ok and res.ran == 7 and res.skipped == 5
    assert chunk_digests(out) == chunk_digests(ref.path)


def test_resume_a_scenario_built_in_python(tmp_path: Path) -> None:
    import tomllib

    from herz.experiment import Scenario, SweepInterrupted

    sc = Scenario.from_dict(tomllib.loads(toy_text()), source="notebook")
    assert sc.text == "" and sc.hash == parse_scenario(toy_text()).hash

    def stop(task: Any, result: Any) -> None:
        raise KeyboardInterrupt

    with pytest.raises(SweepInterrupted):
        sweep(sc, output=tmp_path / "r", runner="inprocess", on_chunk=stop)
    res = resume(tmp_path / "r", runner="inprocess")
    assert res.ok and res.skipped == 1 and res.ran == 11


def test_damaged_chunks_are_detected_and_recomputed(tmp_path: Path) -> None:
    sc = parse_scenario(toy_text())
    out = tmp_path / "r"
    sweep(sc, output=out, runner="inprocess")
    good = chunk_digests(out)
    files = sorted((out / "chunks").glob("*.parquet"))
    data = files[0].read_bytes()
    files[0].write_bytes(data[: len(data) // 2])  # truncated
    data = bytearray(files[1].read_bytes())
    data[len(data) // 3] ^= 0xFF  # one flipped byte
    files[1].write_bytes(bytes(data))
    files[2].write_bytes(b"")  # empty
    (out / "chunks" / f".{files[3].name}.tmp-99999").write_bytes(b"half")  # crash leftover
    res = resume(out, runner="inprocess")
    assert res.ok and res.ran == 3
    assert len(res.recomputed) == 3
    assert chunk_digests(out) == good
    assert no_temporary_files(out)
    assert len(list((out / "corrupt").iterdir())) == 3


def test_damage_found_without_manifest_checksum(tmp_path: Path) -> None:
    # A chunk finished after the last manifest write: no checksum recorded. Resume
    # must accept a good file (not recompute it) and reject a truncated one.
    sc = parse_scenario(toy_text())
    out = tmp_path / "r"
    sweep(sc, output=out, runner="inprocess")
    good = chunk_digests(out)
    man = json.loads((out / "manifest.json").read_text())
    ids = sorted(man["chunks"])
    for cid in ids[:2]:
        man["chunks"][cid] = {k: man["chunks"][cid][k] for k in
                              ("id", "point", "start", "stop", "round", "seed_key")}
        man["chunks"][cid]["status"] = "pending"
    write_manifest(out, man)
    path = out / "chunks" / f"{ids[1]}.parquet"
    path.write_bytes(path.read_bytes()[:-20])
    res = resume(out, runner="inprocess")
    assert res.ok and res.ran == 1 and len(res.recomputed) == 1
    assert chunk_digests(out) == good


def test_failed_tasks_are_recorded_not_nan(tmp_path: Path) -> None:
    sc = parse_scenario(toy_text(extra="fail_at_balance = 2.0"))
    out = tmp_path / "r"
    res = sweep(sc, output=out, runner="inprocess")
    assert res.status == "incomplete" and res.failed == 4 and res.done == 8
    fails = query(out, "SELECT * FROM failures ORDER BY id")
    assert len(fails) == 4
    assert fails["error"].str.contains("asked to fail").all()
    rows = all_rows(out)
    assert set(rows["offense_defense_balance"]) == {0.5, 1.0}
    assert not rows.isna().any().any()
    man = json.loads((out / "manifest.json").read_text())
    failed = [c for c in man["chunks"].values() if c["status"] == "failed"]
    assert all("Traceback" in c["traceback"] and c["attempts"] == 1 for c in failed)
    res2 = resume(out, runner="inprocess", retry_failed=False)
    assert res2.ran == 0 and res2.status == "incomplete"
    res3 = resume(out, runner="inprocess")
    assert res3.ran == 4 and res3.failed == 4


_FLAKY = {"fail": True}


def _flaky(params: Mapping[str, Any], steps: int, seed: np.random.SeedSequence,
           replicates: range, mechanisms: Mapping[str, bool]) -> pd.DataFrame:
    if _FLAKY["fail"] and params["x"] > 0.5:
        raise OSError("transient")
    g = [np.random.default_rng(np.random.SeedSequence(seed.entropy, spawn_key=(
        *seed.spawn_key, r))) for r in replicates]
    return pd.DataFrame({"y": [x.random() for x in g]})


FLAKY = ModelSpec(name="flaky", run=_flaky, defaults={"x": 0.0})


def test_failed_tasks_can_be_retried(tmp_path: Path) -> None:
    # a model of the user's own, named by import path (this test module)
    text = toy_text().replace('model = "toy"', f'model = "{__name__}:FLAKY"').replace(
        "sleep = 0.0", "").replace("offense_defense_balance = [0.5, 1.0, 2.0]\n", "").replace(
        "distinguishability = { min = 0.0, max = 1.0, levels = 2 }", "x = [0.0, 1.0]")
    sc = parse_scenario(text)
    out = tmp_path / "r"
    _FLAKY["fail"] = True
    res = sweep(sc, output=out, runner="inprocess")
    assert res.failed == 2 and res.status == "incomplete"
    _FLAKY["fail"] = False
    with pytest.raises(ResultsError, match="HERZ_TRUST_MODELS"):  # the directory alone: refused
        resume(out, runner="inprocess")
    trust_model(f"{__name__}:FLAKY")  # the user trusts their own model
    res = resume(out, runner="inprocess")
    assert res.ok and res.ran == 2
    man = json.loads((out / "manifest.json").read_text())
    assert all(c["status"] == "done" and "error" not in c for c in man["chunks"].values())


def test_adaptive_replication_and_its_resume(tmp_path: Path) -> None:
    text = toy_text(replicates=4, chunk_size=4, extra="") + (
        "[design.adaptive]\ntarget_ci_width = 0.45\nmax_replicates = 16\nbatch = 4\n")
    sc = parse_scenario(text)
    res = sweep(sc, output=tmp_path / "a", runner="inprocess")
    assert res.ok
    counts = query(res.path, "SELECT point, count(*) AS n FROM results GROUP BY point "
                             "ORDER BY point")
    assert counts["n"].min() >= 4 and counts["n"].max() <= 16
    assert counts["n"].max() > 4  # some points needed more replicates
    summary = outcome_rates(res.results())
    for _, row in summary.iterrows():
        width = row["escape_high"] - row["escape_low"]
        assert width <= 0.45 or row["n"] == 16
    # interrupted in round 1, then resumed: the same plan and the same files
    seen = []

    def stop(task: Any, result: Any) -> None:
        seen.append(task.chunk)
        if len(seen) == 8:
            raise KeyboardInterrupt

    from herz.experiment import SweepInterrupted

    with pytest.raises(SweepInterrupted):
        sweep(sc, output=tmp_path / "b", runner="inprocess", on_chunk=stop)
    resume(tmp_path / "b", runner="inprocess")
    assert chunk_digests(tmp_path / "b") == chunk_digests(res.path)

    def rounds(path: Path) -> dict[str, int]:
        man = json.loads((path / "manifest.json").read_text())
        return {k: c["round"] for k, c in man["chunks"].items()}

    assert rounds(tmp_path / "b") == rounds(res.path)
    assert max(rounds(res.path).values()) >= 1


def test_wilson_interval_and_additions() -> None:
    lo, hi = wilson_interval(5, 10)
    assert lo == pytest.approx(0.2366, abs=1e-4) and hi == pytest.approx(0.7634, abs=1e-4)
    assert wilson_interval(0, 0) == (0.0, 1.0)
    extra = adaptive_additions({0: (10, 5), 1: (1000, 500), 2: (18, 9)}, 0.2, 20, 5)
    assert extra == {0: 5, 2: 2}


def test_run_scenario_on_a_file_and_in_parallel(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "s.toml"
    path.write_text(toy_text(name="rs"))
    res = run_scenario(path, workers=1)
    assert res.ok and res.path == Path("results/rs") and res.runner == "inprocess"
    assert load_scenario(path).hash == res.scenario_hash


def test_store_lock_refuses_a_second_writer(tmp_path: Path) -> None:
    store = Store(tmp_path / "r")
    with store.lock(), pytest.raises(ResultsError, match="in use"), Store(tmp_path / "r").lock():
        pass


def test_a_directory_of_another_world_version_does_not_resume(tmp_path: Path, capsys) -> None:
    """The manifest records ``versions.model = "world 2"``; resume refuses world 1 in one line.

    A directory whose manifest names another version, or none (written before
    models recorded theirs: world 1), is refused by ``resume`` and by a sweep
    with ``resume=True``, naming the directory, the version found and the one
    expected; the toy model records no version and resumes as before.
    """
    from herz.cli import main
    from herz.world import WORLD_VERSION

    sc = parse_scenario(world_text(name="v", seed=3, steps=5, replicates=2, levels="[1.0]"))
    out = tmp_path / "w"
    assert sweep(sc, output=out, runner="inprocess").ok
    man = json.loads((out / "manifest.json").read_text())
    assert WORLD_VERSION == 2 and man["versions"]["model"] == "world 2"
    assert resume(out, runner="inprocess").ok  # its own version resumes
    for found in ("world 1", None):
        edited = json.loads((out / "manifest.json").read_text())
        if found is None:
            del edited["versions"]["model"]
        else:
            edited["versions"]["model"] = found
        write_manifest(out, edited)
        shown = found or "world 1 (no model version recorded)"
        msg = f"{out}: written by {shown}, this herz runs world 2"
        with pytest.raises(ResultsError) as info:
            resume(out, runner="inprocess")
        assert str(info.value).startswith(msg) and "\n" not in str(info.value)
        with pytest.raises(ResultsError, match="start a new directory"):
            sweep(sc, output=out, runner="inprocess", resume=True)
        with pytest.raises(SystemExit) as code:
            main(["resume", str(out), "--runner", "inprocess"])
        err = capsys.readouterr().err
        assert code.value.code == 2 and msg in " ".join(err.split())
    toy = sweep(parse_scenario(toy_text()), output=tmp_path / "t", runner="inprocess")
    assert "model" not in json.loads((toy.path / "manifest.json").read_text())["versions"]
    assert resume(toy.path, runner="inprocess").ok
