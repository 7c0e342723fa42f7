"""``herz models ipd ...`` from the command line."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
from typer.testing import CliRunner

from herz.cli import app, main

runner = CliRunner()


def run_json(*args: str) -> dict:
    res = runner.invoke(app, ["models", "ipd", *args, "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_stationary_json() -> None:
    out = run_json("stationary", "--p1", "TFT", "--p2", "TFT", "--noise", "0.01")
    assert out["distribution"] == pytest.approx([0.25] * 4)
    assert out["payoff1"] == pytest.approx(2.25) and out["payoff2"] == pytest.approx(2.25)
    out = run_json(
        "stationary",
        "--p1",
        "1,0,0,1",
        "--p2",
        "ALLD",
        "--noise",
        "0.01",
        "--perception-noise",
        "0.02",
        "--payoffs",
        "4,0,5,1",
        "--continuation",
        "0.9",
    )
    assert sum(out["distribution"]) == pytest.approx(1.0)
    assert out["payoffs"] == [4.0, 0.0, 5.0, 1.0] and "expected" in out


def test_stationary_exact_reads_decimals_exactly() -> None:
    out = run_json("stationary", "--p1", "TFT", "--p2", "TFT", "--noise", "0.01", "--exact")
    assert out["exact_distribution"] == ["1/4"] * 4
    out = run_json("stationary", "--p1", "GTFT", "--p2", "WSLS", "--noise", "0.02", "--exact")
    assert sum(Fraction(x) for x in out["exact_distribution"]) == 1


def test_match_json_axel_1() -> None:
    out = run_json("match", "--p1", "TFT", "--p2", "ALLD", "--turns", "200")
    assert out["scores"] == [199.0, 204.0]


def test_issue_15_moran_json_under_strong_selection() -> None:
    # the mutant's fixation probability (~1e-392) underflows: JSON with 0 and its log10,
    # not an OverflowError traceback
    out = run_json("moran", "--resident", "ALLD", "--mutant", "ALLC", "--population", "600",
                   "--selection", "1", "--fitness", "exponential")
    assert out["fixation_mutant"] == 0.0
    assert -400 < out["log10_fixation_mutant"] < -380
    assert out["mutant_favoured"] is False
    assert 0.8 < out["fixation_resident_as_mutant"] < 0.9
    res = runner.invoke(app, ["models", "ipd", "moran", "--resident", "ALLD", "--mutant", "ALLC",
                              "--population", "600", "--selection", "1",
                              "--fitness", "exponential"])
    assert res.exit_code == 0, res.output
    assert "e-392" in res.stdout


def test_tournament_and_moran_json() -> None:
    out = run_json(
        "tournament",
        "-s",
        "TFT",
        "-s",
        "ALLD",
        "-s",
        "WSLS",
        "--turns",
        "50",
        "--repetitions",
        "3",
        "--noise",
        "0.05",
    )
    assert [r["strategy"] for r in out["summary"]] and len(out["payoff_matrix"]) == 3
    out = run_json(
        "moran", "--resident", "ALLD", "--mutant", "TFT", "--selection", "0", "--population", "10"
    )
    assert out["fixation_mutant"] == pytest.approx(0.1)
    out = run_json(
        "moran", "--resident", "ALLD", "--mutant", "WSLS", "--noise", "0.01", "--runs", "200"
    )
    assert 0 <= out["simulated"]["fixation_mutant"] <= 1


def test_text_output() -> None:
    res = runner.invoke(
        app, ["models", "ipd", "stationary", "--p1", "GTFT", "--p2", "WSLS", "--noise", "0.01"]
    )
    assert res.exit_code == 0 and "payoff1" in res.output
    res = runner.invoke(app, ["models", "ipd", "tournament", "--turns", "20", "--repetitions", "2"])
    assert res.exit_code == 0 and "Tit For Tat" in res.output


def test_bad_input_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["models", "ipd", "stationary", "--p1", "nonsense", "--p2", "TFT"])
    assert exc.value.code == 2
    assert "strategy" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["models", "ipd", "stationary", "--p1", "Gradual", "--p2", "TFT"])
    assert exc.value.code == 2


def test_too_many_turns_is_one_line_not_an_overflow(capsys: pytest.CaptureFixture[str]) -> None:
    # found by the command-line fuzzer: 10**20 turns overflowed inside the compiled kernel
    with pytest.raises(SystemExit) as exc:
        main(["models", "ipd", "match", "--p1", "allc", "--p2", "allc",
              "--turns", "99999999999999999999"])
    assert exc.value.code == 2
    assert "turns = 99999999999999999999: must be <= 100000" in capsys.readouterr().err
