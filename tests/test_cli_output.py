"""Terminal output a person reads: tables fit 80 columns, copied cells are whole, values human."""

from __future__ import annotations

import json
import math

import numpy as np
from typer.testing import CliRunner

from herz.cli import app
from herz.cli._common import Col, human, make_table

runner = CliRunner()


def _invoke(*args: str, columns: int = 80) -> str:
    res = runner.invoke(app, list(args), env={"COLUMNS": str(columns)})
    assert res.exit_code == 0, res.output
    return res.output


def typer_app_for(func, *args):
    import typer

    one = typer.Typer()

    @one.command()
    def _cmd() -> None:
        func(*args)

    return one


def test_human_values() -> None:
    assert human(0.123456789) == "0.1235"
    assert human(np.float64(12345.678)) == "1.235e+04"
    assert human(2.0) == "2"
    assert human(True) == "yes" and human(np.bool_(False)) == "no"
    assert human(None) == "-" and human(math.nan) == "-"
    assert human({"spiral": 1.0, "war": 0.25}) == "spiral 1, war 0.25"
    assert human(np.int64(9)) == "9"


def test_table_wraps_text_and_keeps_copied_cells_whole() -> None:
    long = "an-offense-dominant-multipolar-system"
    text = make_table([Col("name", copy=True), "title", Col("n", right=True)],
                      [(long, "a title of many words " * 4, 3)], title="t", width=60)
    lines = text.splitlines()
    assert all(len(line) <= 60 for line in lines)
    assert long in text and "…" not in text
    assert lines[2].startswith("-")


def test_table_turns_into_blocks_when_even_wrapping_cannot_fit() -> None:
    text = make_table([Col("name", copy=True), "title", "replicates"],
                      [("offense-dominant-multipolar", "words words", 30)], width=30)
    assert text.splitlines()[0] == "offense-dominant-multipolar"
    assert "  replicates: 30" in text.splitlines()


def test_presets_fit_80_columns_with_whole_names() -> None:
    from herz.experiment.presets import preset_names

    out = _invoke("presets")
    assert all(len(line) <= 80 for line in out.splitlines())
    for name in preset_names():
        assert any(line.split()[:1] == [name] for line in out.splitlines()), name
    assert "herz run --preset NAME" in out and "…" not in out


def test_presets_json_has_numbers_as_numbers() -> None:
    rows = json.loads(_invoke("presets", "--json"))["presets"]
    assert all(isinstance(r["points"], int) and isinstance(r["replicates"], int) for r in rows)


def test_jervis_worlds_fit_80_columns_with_whole_headers() -> None:
    out = _invoke("models", "jervis", "worlds")
    lines = out.splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert "distinguishable" in lines[1] and "q*" in lines[1] and "…" not in out
    assert "prisoner's" in out and "none" in out


def test_help_shows_brackets_and_no_bool_metavar() -> None:
    out = _invoke("explore", "--help")
    assert "herz[explorer]" in out and "<bool>" not in out
    out = _invoke("models", "preemption", "range", "--help")
    assert "[p - c_A, p + c_B]" in out
    assert "[p - c_A, p + c_B]" in _invoke("models", "preemption", "--help")
    out = _invoke("escape", "--help")
    assert "<bool>" not in out


WORLD_TOML = """
[experiment]
name = "tiny-escape"
model = "world"
seed = 7
steps = 20
replicates = 4
chunk_size = 4

[world]
n_states = 2

[design]
method = "grid"
[design.factors]
offense_defense_balance = [0.5, 2.0]
distinguishability = [0.2, 0.9]
"""


def test_sweep_prints_factor_values_a_summary_and_the_next_command(tmp_path) -> None:
    scen = tmp_path / "tiny.toml"
    scen.write_text(WORLD_TOML)
    out = tmp_path / "r"
    text = _invoke("sweep", str(scen), "--out", str(out), "--runner", "inprocess",
                   "--no-progress", columns=140)
    lines = text.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("point"))
    assert lines[head].split()[:3] == ["point", "offense_defense_balance", "distinguishability"]
    assert "P(escape)" in lines[head] and "95% CI" in lines[head]
    rows = [line.split() for line in lines[head + 2:head + 6]]
    assert [r[0] for r in rows] == ["0", "1", "2", "3"]
    assert {(r[1], r[2]) for r in rows} == {("0.5", "0.2"), ("0.5", "0.9"), ("2", "0.2"),
                                            ("2", "0.9")}
    assert all(r[3] == "4" for r in rows)  # worlds per point
    assert f"Next: herz query {out}" in text and f"herz verify {out}" in text
    # at 80 columns the long factor names fold after an underscore; the table still fits
    from herz.cli._common import print_sweep_summary

    res = runner.invoke(typer_app_for(print_sweep_summary, out), [], env={"COLUMNS": "80"})
    table = res.output.split("\nNext:")[0].splitlines()
    assert all(len(line) <= 80 for line in table)
    dash = next(i for i, line in enumerate(table) if line.startswith("---"))
    words = " ".join(table[:dash]).split()
    assert words[:2] == ["point", "offense_"] and {"defense_", "balance"} <= set(words)
    assert len(table) == dash + 1 + 4  # one line per point
    # the old spelling still works, hidden from the help
    res = runner.invoke(app, ["sweep", str(scen), "--output", str(tmp_path / "r2"), "--runner",
                              "inprocess", "--no-progress", "--json"])
    assert res.exit_code == 0 and json.loads(res.stdout)["status"] == "complete"
    help_text = _invoke("sweep", "--help")
    assert "--out" in help_text and "--output" not in help_text
    # a second run into the same folder says what to do, in the command line's words
    res = runner.invoke(app, ["sweep", str(scen), "--out", str(out), "--runner", "inprocess"])
    assert res.exit_code != 0 and "herz resume" in str(res.exception)
    assert "resume=True" not in str(res.exception)


def test_every_output_folder_flag_is_out_with_the_same_default() -> None:
    for cmd in (["escape"], ["sweep"], ["calibrate"], ["report", "escape"],
                ["report", "richardson"]):
        text = _invoke(*cmd, "--help", columns=200)
        assert "--out" in text, cmd
    for cmd in (["escape"], ["calibrate"], ["report", "escape"], ["report", "richardson"]):
        assert "[default: herz-output]" in _invoke(*cmd, "--help", columns=200), cmd


def test_missing_value_reads_like_a_sentence(capsys) -> None:
    import pytest

    from herz.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["models", "jervis", "game"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "None" not in err and " is required" in err and " = " not in err


def test_a_group_without_a_command_shows_its_commands(capsys) -> None:
    import pytest

    from herz.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["models"])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert "  jervis      Jervis's security dilemma (1978): games and four worlds." in err
    assert err[-1] == "herz models: error: missing command (one of those listed above)"


def test_a_sweep_of_a_model_without_escape_still_ends_with_a_summary(tmp_path) -> None:
    scen = tmp_path / "empty.toml"
    scen.write_text('[experiment]\nname = "e"\nmodel = "empty"\nseed = 1\nsteps = 2\n'
                    'replicates = 3\nchunk_size = 3\n[world]\nx = 0.0\n[design]\n'
                    'method = "grid"\n[design.factors]\nx = [0.0, 1.0]\n')
    text = _invoke("sweep", str(scen), "--out", str(tmp_path / "r"), "--runner", "inprocess",
                   "--no-progress")
    lines = text.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("point"))
    assert lines[head].split() == ["point", "x", "worlds"]
    assert [line.split() for line in lines[head + 2:head + 4]] == [["0", "0", "3"], ["1", "1", "3"]]
    assert "P(escape)" not in text and "Next: herz query" in text


def test_command_lists_show_whole_summaries() -> None:
    for args in (["models", "jervis", "--help"], ["report", "--help"], ["data", "--help"],
                 ["--help"], ["models", "--help"]):
        out = _invoke(*args)
        commands = out.split("Commands:")[1]
        assert "..." not in commands, args
        assert all(len(line) <= 80 for line in out.splitlines())
    assert "threshold." in _invoke("models", "jervis", "--help").split("Commands:")[1]
