"""The command line (herz sweep, resume, query, presets) and the world as a model."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from experiment_helpers import all_rows, toy_text
from typer.testing import CliRunner

from herz.cli import app, main
from herz.experiment import load_preset, parse_scenario, run_scenario, sweep

runner = CliRunner()


def test_presets_command() -> None:
    res = runner.invoke(app, ["presets", "--json"])
    assert res.exit_code == 0, res.output
    names = {p["name"] for p in json.loads(res.stdout)["presets"]}
    assert "cold-war" in names and len(names) == 6
    res = runner.invoke(app, ["presets", "sino-indian-tibet"])
    assert res.exit_code == 0 and "Garver" in res.stdout
    res = runner.invoke(app, ["presets"])
    assert res.exit_code == 0 and "offensive-realist" in res.stdout


def test_sweep_resume_query_commands(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(toy_text())
    out = tmp_path / "r"
    res = runner.invoke(app, ["sweep", str(path), "-o", str(out), "--runner", "inprocess",
                              "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["status"] == "complete"
    res = runner.invoke(app, ["resume", str(out), "--runner", "inprocess", "--json"])
    assert res.exit_code == 0 and json.loads(res.stdout)["skipped"] == 12
    res = runner.invoke(app, ["query", str(out), "SELECT outcome, count(*) AS n FROM results "
                              "GROUP BY outcome ORDER BY outcome", "--json"])
    assert res.exit_code == 0, res.output
    payload = json.loads(res.stdout)
    assert payload["columns"] == ["outcome", "n"]
    assert sum(r[1] for r in payload["rows"]) == 36
    res = runner.invoke(app, ["query", str(out), "SELECT count(*) AS n FROM results", "--csv"])
    assert res.stdout.splitlines() == ["n", "36"]
    res = runner.invoke(app, ["query", str(out), "SELECT * FROM results"])
    assert res.exit_code == 0 and "36 rows; 50 shown" not in res.stdout


def test_sweep_check_touches_nothing(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(toy_text())
    res = runner.invoke(app, ["sweep", str(path), "--check", "--json", "-o",
                              str(tmp_path / "r")])
    assert res.exit_code == 0, res.output
    plan = json.loads(res.stdout)
    assert plan["points"] == 6 and plan["chunks"] == 12
    assert not (tmp_path / "r").exists()


def test_cli_errors_are_one_line(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(toy_text().replace("steps = 30", "steps = 1.5"))
    with pytest.raises(SystemExit) as info:
        main(["sweep", str(bad), "--runner", "inprocess"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert f"{bad}: experiment.steps = 1.5: must be an integer" in err
    with pytest.raises(SystemExit) as info:
        main(["query", str(tmp_path), "SELECT 1"])
    assert info.value.code == 2
    assert "not a herz results directory" in capsys.readouterr().err


def test_sweep_with_failures_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(toy_text(extra="fail_at_balance = 0.5"))
    res = runner.invoke(app, ["sweep", str(path), "-o", str(tmp_path / "r"), "--runner",
                              "inprocess", "--no-progress"])
    assert res.exit_code == 1
    assert "incomplete" in res.output and "4 failed" in res.output


def test_progress_bar_renders(tmp_path: Path) -> None:
    res = sweep(parse_scenario(toy_text()), output=tmp_path / "r", runner="inprocess",
                progress=True)
    assert res.ok


# ------------------------------------------------------------------ the world as a model

WORLD = """\
[experiment]
name = "w"
model = "world"
seed = 7
steps = 8
replicates = 4
chunk_size = {chunk}

[world]
n_states = 3

[mechanisms]
signalling = true

[design]
method = "grid"
[design.factors]
distinguishability = [0.2, 0.8]
"""


def test_world_sweep_is_chunk_invariant(tmp_path: Path) -> None:
    pytest.importorskip("herz.world")
    a = sweep(parse_scenario(WORLD.format(chunk=4)), output=tmp_path / "a", runner="inprocess")
    b = sweep(parse_scenario(WORLD.format(chunk=1)), output=tmp_path / "b", runner="inprocess")
    assert a.ok and b.ok
    ra, rb = all_rows(a.path), all_rows(b.path)
    pd.testing.assert_frame_equal(ra, rb)
    assert {"outcome", "distinguishability"} <= set(ra.columns)
    from herz.world import Outcome

    assert set(ra["outcome"]) <= {o.value for o in Outcome}


def test_a_preset_runs_small(tmp_path: Path) -> None:
    pytest.importorskip("herz.world")
    sc = load_preset("cold-war").replace(replicates=2, chunk_size=2, steps=5)
    res = run_scenario(sc, output=tmp_path / "cw", workers=1)
    assert res.ok and res.planned == 9
