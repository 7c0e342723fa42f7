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


# --------------------------------------------------------------------------- the world's schema


def _main(args: list[str], capsys) -> tuple[int, str, str]:
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_world_params_json_lists_every_field_of_the_schema(capsys) -> None:
    from herz.world.schema import world_fields

    code, out, err = _main(["world", "params", "--json"], capsys)
    assert code == 0, err
    rows = json.loads(out)["params"]
    assert [r["name"] for r in rows] == [s.name for s in world_fields()]
    for r in rows:
        assert {"range", "unit", "meaning", "source", "lo", "hi", "default"} <= set(r), r
        assert r["meaning"] and r["unit"]
    d = next(r for r in rows if r["name"] == "distinguishability")
    assert (d["lo"], d["hi"], d["range"], d["default"]) == (0.0, 1.0, "in [0, 1]", 0.5)
    code, out, err = _main(["world", "params", "distinguishability", "--json"], capsys)
    assert code == 0 and [r["name"] for r in json.loads(out)["params"]] == ["distinguishability"]
    code, out, err = _main(["world", "params", "--filter", "Distinguishab", "--json"], capsys)
    names = [r["name"] for r in json.loads(out)["params"]]
    assert "distinguishability" in names and "n_states" not in names
    code, out, err = _main(["world", "params", "distinguishabilty"], capsys)
    assert code == 2 and "did you mean distinguishability" in err


def test_world_params_table_fits_80_columns_without_breaking_names(capsys, monkeypatch) -> None:
    from herz.world.schema import world_fields

    monkeypatch.setenv("COLUMNS", "80")
    import herz.cli._common as common

    monkeypatch.setattr(common.console, "_width", 80)
    code, out, err = _main(["world", "params"], capsys)
    assert code == 0, err
    lines = out.splitlines()
    assert max(len(ln) for ln in lines) <= 80
    first_words = {ln.split()[0] for ln in lines if ln.strip()}
    assert {s.name for s in world_fields()} <= first_words  # every name whole, on one line
    assert len(lines) <= len(world_fields()) + 4
    code, out, err = _main(["world", "params", "belief_floor"], capsys)
    assert "[floor, 1 - floor]" in out  # brackets are text, not markup


def test_run_and_sweep_give_the_same_message_for_the_same_mistake(tmp_path: Path,
                                                                  capsys) -> None:
    path = tmp_path / "s.toml"
    path.write_text('[experiment]\nseed = 1\n[world]\nperception_nois = 0.3\np_greedy = 2\n')
    code_run, _, err_run = _main(["run", str(path)], capsys)
    code_sweep, _, err_sweep = _main(["sweep", str(path), "--check"], capsys)
    assert code_run == code_sweep == 2
    for line in (f"{path}: world.perception_nois = 0.3: unknown key; did you mean "
                 "'perception_noise'?", f"{path}: world.p_greedy = 2: must be in [0, 1]"):
        assert line in err_run and line in err_sweep, (err_run, err_sweep)


def test_run_sets_world_parameters_through_the_schema(capsys) -> None:
    code, out, err = _main(["run", "--set", "n_states=3", "--set", "culture=kantian",
                            "--set", "mechanisms.war=false", "--worlds", "4", "--steps", "10",
                            "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["worlds"] == 4 and json.loads(out)["mean_wars"] == 0.0
    code, out, err = _main(["run", "--set", "p_greedy=3"], capsys)
    assert code == 2 and "world.p_greedy = 3: must be in [0, 1]" in err


def test_toml_nested_thousands_deep_is_one_line_on_the_command_line(tmp_path: Path,
                                                                   capsys) -> None:
    path = tmp_path / "deep.toml"
    path.write_text("[experiment]\nseed = 1\n[world]\nx = " + "[" * 20_000 + "]" * 20_000)
    for args in (["run", str(path)], ["sweep", str(path), "--check"]):
        code, _out, err = _main(args, capsys)
        assert code == 2, err
        assert "Traceback" not in err and "RecursionError" not in err
        assert "nested too deeply" in err and len(err.strip().splitlines()) <= 2, err


USER_MODEL = '''
import numpy as np
import pandas as pd

from herz.experiment import ModelSpec
from herz.rng import child_seed


def coin(params, steps, seed, replicates, mechanisms):
    draws = [np.random.default_rng(child_seed(seed, r)).random(steps).mean() for r in replicates]
    return pd.DataFrame({"mean": draws, "outcome": ["mitigated" if d < params["p"] else "war"
                                                   for d in draws]})


COIN = ModelSpec(name="coin", run=coin, defaults={"p": 0.5}, escape_outcomes=("mitigated",))
'''


def test_a_users_model_by_import_path_reopens_in_fresh_processes(tmp_path: Path) -> None:
    """A model of the user's own, named "module:attr": nothing registered anywhere, and
    verify, replay and resume work in new processes that only import the module."""
    import os
    import subprocess
    import sys

    (tmp_path / "usermodels.py").write_text(USER_MODEL)
    (tmp_path / "s.toml").write_text(
        '[experiment]\nname = "coin"\nmodel = "usermodels:COIN"\nseed = 5\nsteps = 20\n'
        'replicates = 4\nchunk_size = 2\n[design]\nmethod = "grid"\n[design.factors]\n'
        'p = [0.3, 0.7]\n')
    src = Path(__file__).resolve().parents[2] / "src"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(src), str(tmp_path)])}
    env.pop("HERZ_TRUST_MODELS", None)

    def herz(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "herz", *args], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=600)

    res = herz("sweep", "s.toml", "-o", "r", "--runner", "inprocess", "--json")
    assert res.returncode == 0, res.stderr
    man = json.loads((tmp_path / "r" / "manifest.json").read_text())
    assert man["scenario"]["model_path"] == "usermodels:COIN"
    res = herz("verify", "r", "--json")  # a results directory alone cannot make herz import it
    assert res.returncode == 1 and "HERZ_TRUST_MODELS" in res.stdout
    env["HERZ_TRUST_MODELS"] = "usermodels:COIN"  # the user trusts their own model
    res = herz("verify", "r", "--json")
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-2000:]
    res = herz("replay", "r", "p1-r3", "--json")
    assert res.returncode == 0 and json.loads(res.stdout)["identical"] is True, res.stderr
    res = herz("resume", "r", "--runner", "inprocess", "--json")
    assert res.returncode == 0 and json.loads(res.stdout)["ran"] == 0, res.stderr
