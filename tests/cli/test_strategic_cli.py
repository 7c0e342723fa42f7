"""The strategic-core commands: one JSON object with --json, one-line errors (issue 3)."""

from __future__ import annotations

import json

import pytest

from herz.cli import main


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = 0
    try:
        main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def run_json(capsys, *args: str) -> dict:
    code, out, err = run(capsys, *args, "--json")
    assert code == 0, err
    assert len(out.strip().splitlines()) == 1  # exactly one JSON object
    return json.loads(out)


def test_game_classify_pd(capsys):
    out = run_json(capsys, "models", "game", "classify", "--payoffs", "3,0,5,1")
    assert out["game"] == "prisoner's dilemma"
    assert out["cooperation_threshold"] is None
    assert out["equilibria"] == [{"row": [0.0, 1.0], "col": [0.0, 1.0], "payoffs": [1.0, 1.0],
                                  "kind": "pure"}]


def test_game_classify_jerv_1(capsys):
    # JERV-1 in R,S,T,P order: CC=4 -> R, CD=1 -> S, DC=3 -> T, DD=2 -> P
    out = run_json(capsys, "models", "game", "classify", "--payoffs", "4,1,3,2")
    assert out["game"] == "stag hunt" and out["cooperation_threshold"] == 0.5
    assert len(out["equilibria"]) == 3


def test_game_solve(capsys):
    out = run_json(capsys, "models", "game", "solve", "--row", "1,-1;-1,1", "--col", "-1,1;1,-1")
    assert len(out["equilibria"]) == 1 and out["equilibria"][0]["row"] == pytest.approx([0.5, 0.5])


def test_jervis_game_world_1_is_pd(capsys):
    out = run_json(capsys, "models", "jervis", "game", "--offense-defense-balance", "0.5",
                   "--distinguishability", "0")
    assert out["game"] == "prisoner's dilemma" and out["world"] == 1
    assert out["rho"] == 0.5  # Jervis's rho = (1 + d)/2, printed as such
    assert out["cooperation_threshold"] is None
    assert out["kydd"]["trustworthy"] is False
    # repeated game: w >= (T - R)/(T - P) with T = 2/3 - 0.4, R = 0, P = -0.4: (4/15)/(2/3) = 0.4
    assert out["repeated_threshold"] == pytest.approx(0.4)


def test_jervis_game_world_2_threshold(capsys):
    out = run_json(capsys, "models", "jervis", "game", "--world", "2")
    assert out["game"] == "stag hunt"
    assert out["cooperation_threshold"] == pytest.approx(0.8)
    assert out["kydd"]["trust_threshold"] == pytest.approx(0.8)


def test_jervis_worlds(capsys):
    out = run_json(capsys, "models", "jervis", "worlds")
    assert [w["game"] for w in out["worlds"]] == [
        "prisoner's dilemma", "stag hunt", "harmony", "harmony"]


def test_jervis_map_writes_png(capsys, tmp_path):
    target = tmp_path / "map.png"
    out = run_json(capsys, "models", "jervis", "map", "--out", str(target), "--n", "20")
    assert target.stat().st_size > 1000
    assert out["out"] == str(target)
    assert sum(out["class_shares"].values()) == pytest.approx(1.0)


def test_kydd_commands(capsys):
    thr = run_json(capsys, "models", "kydd", "threshold", "--exploitation-cost", "1",
                   "--temptation", "0.5", "--trust", "0.7")
    assert thr["threshold"] == pytest.approx(2 / 3) and thr["cooperates"] is True
    sp = run_json(capsys, "models", "kydd", "spiral", "--trust", "0.8", "--builds", "4")
    assert sp["trust"] == pytest.approx([0.8, 2 / 3, 0.5, 1 / 3, 0.2])
    re = run_json(capsys, "models", "kydd", "reassurance", "--discount", "0.9",
                  "--exploitation-cost", "1", "--temptation-untrustworthy", "1.5",
                  "--temptation-trustworthy", "0.5", "--trust-in-receiver", "0.5")
    assert re["separating"] is True and re["interval"] == pytest.approx([0.75, 4.5])
    none = run_json(capsys, "models", "kydd", "reassurance", "--discount", "0", "--c", "1",
                    "--tu", "2.5", "--tt", "0.5", "--trust", "1")
    assert none["separating"] is False and none["interval"] is None and none["min_trust"] is None
    # issue 15: equal values of mutual cooperation (r_U = 1) pool; r_U = 0 separates
    same = run_json(capsys, "models", "kydd", "reassurance", "--discount", "0.5", "--c", "0.5",
                    "--tu", "1.5", "--tt", "0.5", "--trust", "0.9", "--reward-untrustworthy", "1")
    assert same["regime"] == "pooling" and same["interval"] is None
    assert same["value_untrustworthy"] == pytest.approx(2.0)
    committed = run_json(capsys, "models", "kydd", "reassurance", "--discount", "0.5", "--c",
                         "0.5", "--tu", "1.5", "--tt", "0.5", "--trust", "0.9")
    assert committed["regime"] == "separating"
    assert committed["interval"] == pytest.approx([1.35, 1.75])
    assert committed["plan_untrustworthy"] == "defect first"
    code, _, err = run(capsys, "models", "kydd", "reassurance", "--discount", "0.5", "--c", "0.5",
                       "--tu", "1.5", "--tt", "0.5", "--trust", "0.9", "--ru", "2")
    assert code != 0 and "--reward-untrustworthy" in err and "Traceback" not in err


def test_preemption_commands(capsys):
    no = run_json(capsys, "models", "preemption", "strike", "--p-first", "0.7", "--p-second",
                  "0.3", "--cost-a", "0.1", "--cost-b", "0.1")
    assert no["war"] is True and no["range"] is None
    yes = run_json(capsys, "models", "preemption", "strike", "--p-first", "0.7", "--p-second",
                   "0.3", "--cost-a", "0.25", "--cost-b", "0.25")
    assert yes["range"] == pytest.approx([0.45, 0.55])
    rng = run_json(capsys, "models", "preemption", "range", "--p", "0.5", "--cost-a", "0.1",
                   "--cost-b", "0.2")
    assert [rng["low"], rng["high"]] == pytest.approx([0.4, 0.7])
    bal = run_json(capsys, "models", "preemption", "balance", "--delta", "0.5", "--cost-a", "0.1",
                   "--cost-b", "0.1")
    assert bal["critical_balance"] == pytest.approx(2 / 3) and bal["war"] is True
    prev = run_json(capsys, "models", "preemption", "prevent", "--p-now", "0.6", "--p-next", "0.3",
                    "--discount", "0.9", "--cost-a", "0.1")
    assert prev["war"] is True


def test_identity_command(capsys):
    out = run_json(capsys, "models", "identity", "--payoffs", "3,0,5,1", "--identity-weight", "0.5")
    assert out["thresholds"] == pytest.approx([0.25, 2 / 3])
    assert [b["game"] for b in out["bands"]] == ["prisoner's dilemma", "chicken", "harmony"]
    assert out["at"]["game"] == "chicken"


def test_replicator_command(capsys):
    out = run_json(capsys, "models", "replicator", "--payoffs", "3,0,5,1", "--tft-alld", "0.9")
    interior = [p for p in out["rest_points"] if len(p["support"]) == 2]
    assert interior[0]["x"][0] == pytest.approx(1 / 17)
    evo = run_json(capsys, "models", "replicator", "--payoffs", "1,-0.25,0.5,0", "--x0", "0.4,0.6")
    assert evo["trajectory"]["x"][-1][0] == pytest.approx(1.0, abs=1e-6)
    big = run_json(capsys, "models", "replicator", "--matrix", "1,0,0;0,1,0;0,0,1",
                   "--samples", "300", "--seed", "1")
    assert len(big["basins"]["basins"]) == 3


@pytest.mark.parametrize(("args", "name"), [
    (["models", "game", "classify", "--payoffs", "3,0,5"], "--payoffs"),
    (["models", "game", "classify", "--payoffs", "a,b,c,d"], "--payoffs"),
    (["models", "jervis", "game", "--delta", "-1"], "--offense-defense-balance"),
    (["models", "jervis", "game", "--world", "5"], "--world"),
    (["models", "jervis", "map", "--out", "x.txt"], "--out"),
    (["models", "kydd", "threshold", "--c", "1", "--t", "0.5", "--trust", "2"], "--trust"),
    (["models", "kydd", "spiral", "--trust", "0.8", "--observations", "b,x"], "--observations"),
    (["models", "kydd", "reassurance", "--discount", "1", "--c", "1", "--tu", "2", "--tt", "0.5",
      "--trust", "0.5"], "--discount"),
    (["models", "preemption", "strike", "--p-first", "2", "--p-second", "0.3", "--cost-a", "0.1",
      "--cost-b", "0.1"], "--p-first"),
    (["models", "identity", "--lambda", "3"], "--identity-weight"),
    (["models", "replicator", "--matrix", "1,0;0"], "--matrix"),
    (["models", "replicator"], "--payoffs"),
    (["models", "preemption", "range", "--p", "0.5"], "--cost-a"),
    (["models", "kydd", "threshold", "--c", "0", "--t", "0.5"], "--exploitation-cost"),
    (["models", "jervis", "game", "--delta", "1", "--war-loss", "0.5"], "--war-loss"),
    (["models", "jervis", "game", "--delta", "1", "--d", "1.5"], "--distinguishability"),
    (["models", "kydd", "spiral", "--trust", "0.5", "--d", "-0.5"], "--distinguishability"),
    (["models", "replicator", "--payoffs", "3,0,5,1", "--tft-alld", "1"], "--tft-alld"),
])
def test_bad_arguments_give_one_line_and_exit_2(capsys, args, name):
    code, out, err = run(capsys, *args, "--json")
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and name in lines[0]


def test_one_command_each_from_words_to_verdict(capsys):
    # "offense has the advantage and weapons can't be told apart" -> which game; the trust
    # needed; whether a costly signal can reassure: one command per step, as a user would
    # type them (in-process through herz.cli.main, the console entry point)
    game = run_json(capsys, "models", "jervis", "game", "--world", "1")
    assert game["game"] == "prisoner's dilemma"
    assert game["offense_defense_balance"] < 1 and game["distinguishability"] == 0.0
    trust = run_json(capsys, "models", "kydd", "threshold", "--c", "1", "--t", "0.5")
    assert trust["threshold"] == pytest.approx(2 / 3)
    signal = run_json(capsys, "models", "kydd", "reassurance", "--discount", "0.9", "--c", "1",
                      "--tu", "1.5", "--tt", "0.5", "--trust", "0.5")
    assert signal["least_cost"] == pytest.approx(0.75)
    sized = run_json(capsys, "models", "kydd", "reassurance", "--discount", "0.9", "--c", "1",
                     "--tu", "1.5", "--tt", "0.5", "--trust", "0.5", "--signal-cost", "1")
    assert sized["separates_at_signal_cost"] is True
    hopeless = run_json(capsys, "models", "kydd", "reassurance", "--discount", "0.2", "--c", "1",
                        "--tu", "3", "--tt", "0.5", "--trust", "0.9")
    # 1/(1 - 0.2) = 1.25 <= t_U - c = 2: no trust suffices, no signal separates
    assert hopeless["min_trust"] is None and hopeless["interval"] is None
