"""The public API: parameters, simulate, outcomes, the command line."""

import json

import numpy as np
import pytest

import herz
from herz.errors import ParameterError
from herz.world import Mechanisms, Outcome, WorldParams, params_table, simulate
from herz.world.outcomes import OUTCOME_COLUMNS, classify


def test_params_round_trip_and_validation():
    p = WorldParams(n_states=3, reaction=(0.1, 0.2, 0.3), culture="kantian",
                    mechanisms={"signalling": True})
    d = p.to_dict()
    assert d["culture"] == "kantian" and d["reaction"] == [0.1, 0.2, 0.3]
    assert d["mechanisms"]["signalling"] is True
    assert WorldParams.from_dict(d) == p
    json.dumps(d)
    with pytest.raises(ParameterError, match="p_greedy"):
        WorldParams(p_greedy=1.5)
    with pytest.raises(ParameterError, match="culture"):
        WorldParams(culture="martian")
    with pytest.raises(ParameterError, match="reaction"):
        WorldParams(n_states=3, reaction=(0.1, 0.2))
    with pytest.raises(ParameterError, match="not a world parameter"):
        WorldParams.from_dict({"alpha": 1})
    with pytest.raises(ParameterError, match=r"mechanisms\.telepathy"):
        WorldParams.from_dict({"mechanisms": {"telepathy": True}})
    with pytest.raises(ParameterError, match="war_loss"):
        WorldParams(war_gain=3.0, war_loss=2.0)


def test_params_table_documents_every_field():
    rows = params_table()
    names = {r["name"] for r in rows}
    assert "offense_defense_balance" in names and "mechanisms.war" in names
    for r in rows:
        assert r["meaning"] and r["unit"], r["name"]
        if not r["name"].startswith(("n_states", "dt", "update_order", "culture", "geography",
                                     "threat_aggregation")):
            assert r["source"], r["name"]


def test_simulate_frame_and_provenance():
    df = simulate(WorldParams(n_states=4), worlds=12, steps=40, seed=3)
    assert list(df.columns) == list(OUTCOME_COLUMNS)
    assert df["world"].tolist() == list(range(12))
    assert set(df["outcome"]) <= {o.value for o in Outcome}
    assert df.attrs["seed"] == {"entropy": "3", "spawn_key": []}
    assert df.attrs["herz_version"] == herz.__version__
    assert df.attrs["params"]["n_states"] == 4
    assert df.attrs["mechanism_order"][0] == "perception"
    again = simulate(WorldParams(n_states=4), worlds=12, steps=40, seed=3)
    assert df.equals(again)
    assert herz.simulate is simulate
    assert simulate(WorldParams(n_states=4), worlds=12, steps=40, rng=3).equals(df)


def test_trajectories_dataset():
    ds = simulate(WorldParams(n_states=3), worlds=4, steps=10, seed=1, trajectories=True)
    assert ds["offense"].dims == ("world", "step", "state")
    assert ds["mistrust"].dims == ("world", "step", "state", "other")
    assert ds.sizes["step"] == 11 and ds.sizes["world"] == 4
    assert json.loads(ds.attrs["params"])["n_states"] == 3
    assert "outcome" in ds and ds.attrs["herz_version"] == herz.__version__
    df = simulate(WorldParams(n_states=3), worlds=4, steps=10, seed=1)
    np.testing.assert_array_equal(ds["arms_end"].values, df["arms_end"].values)
    np.testing.assert_allclose(ds["arms_mean"].values[:, -1], df["arms_end"].values)


def test_simulate_rejects_bad_arguments():
    with pytest.raises(ParameterError, match="steps"):
        simulate(steps=0)
    with pytest.raises(ParameterError, match="worlds"):
        simulate(worlds=0)
    with pytest.raises(ParameterError, match="seed"):
        simulate(worlds=1, steps=1, seed="x")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="seed"):
        simulate(worlds=1, steps=1, rng=np.random.default_rng(1))  # type: ignore[arg-type]


def _classify(arms, trust, cov=None, wars=0, runaway=-1, **kw):
    p = WorldParams(**kw)
    arms = np.atleast_2d(np.asarray(arms, float))
    trust = np.atleast_2d(np.asarray(trust, float))
    cov = np.zeros_like(arms) if cov is None else np.atleast_2d(np.asarray(cov, float))
    return classify(p, arms, trust, cov, np.array([wars]), np.array([runaway])).iloc[0]


def test_outcome_classification_by_hand():
    flat = [1.0] * 9
    assert _classify(flat, [0.6] * 9, wars=1)["outcome"] == "war"
    assert _classify(flat, [0.6] * 9)["outcome"] == "mitigated"
    rising = [1, 1.2, 1.4, 1.6, 1.8, 2.0, 2.2, 2.4, 2.6]
    assert _classify(rising, np.linspace(0.6, 0.3, 9))["outcome"] == "spiral"
    assert _classify(rising, [0.6] * 9)["outcome"] == "unresolved"  # trust did not fall
    settling = [1, 1.5, 2.0, 2.0, 1.9, 1.8, 1.8, 1.8, 1.8]
    row = _classify(settling, [0.6] * 9, cov=[0, 0, 0.5, 0.5, 0.8, 0.8, 0.8, 0.8, 0.8])
    assert row["outcome"] == "transcended" and row["escaped"]
    # from step 2 the arsenal never again exceeds 1.05 times its level then
    assert row["time_to_escape"] == 2.0
    # thresholds are parameters
    assert _classify(rising, np.linspace(0.6, 0.3, 9), spiral_arms_ratio=3.0)["outcome"] \
        == "unresolved"
    assert _classify(flat, [0.6] * 9, cov=[0.4] * 9, transcended_coverage=0.3)["outcome"] \
        == "transcended"


def _cli(args, capsys):
    from herz.cli import main

    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = exc.code or 0
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_params_and_run(tmp_path, capsys):
    code, out, err = _cli(["world", "params", "--json"], capsys)
    assert code == 0, err
    rows = json.loads(out)["params"]
    assert any(r["name"] == "distinguishability" for r in rows)
    scen = tmp_path / "s.toml"
    scen.write_text('[world]\nn_states = 3\nculture = "kantian"\n[mechanisms]\nwar = false\n'
                    '[run]\nworlds = 5\nsteps = 20\nseed = 4\n')
    code, out, err = _cli(["run", str(scen), "--json", "--out", str(tmp_path / "o.csv")], capsys)
    assert code == 0, err
    summary = json.loads(out)
    assert summary["worlds"] == 5 and summary["mean_wars"] == 0.0
    assert (tmp_path / "o.csv").read_text().startswith("world,outcome")
    bad = tmp_path / "bad.toml"
    bad.write_text("[world]\np_greedy = 2\n")
    code, out, err = _cli(["run", str(bad)], capsys)
    assert code == 2 and "p_greedy" in err


def test_mechanisms_none_and_on():
    assert Mechanisms.none().on() == ()
    assert "war" in Mechanisms().on()
