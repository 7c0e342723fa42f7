"""The public API: parameters, simulate (per-world frame, spells, trajectories), the command line."""

import json

import numpy as np
import pandas as pd
import pytest

import herz
from herz.errors import ParameterError
from herz.world import Mechanisms, Outcome, WorldParams, params_table, simulate
from herz.world.simulate import WORLD_COLUMNS


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
    with pytest.raises(ParameterError, match="prior_bias"):
        WorldParams(prior_bias=50.0)
    for removed in ("initial_trust", "arms_budget", "build_prob_greedy", "attack_evidence",
                    "war_gain", "war_duration", "outcome_window"):
        with pytest.raises(ParameterError, match="not a world parameter"):
            WorldParams.from_dict({removed: 1.0})


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
    assert list(df.columns) == list(WORLD_COLUMNS)
    assert df["world"].tolist() == list(range(12))
    assert set(df["outcome"]) <= {o.value for o in Outcome}
    assert df.attrs["seed"] == {"entropy": "3", "spawn_key": []}
    assert df.attrs["herz_version"] == herz.__version__
    assert df.attrs["params"]["n_states"] == 4
    assert df.attrs["mechanism_order"][0] == "economy"
    assert df.attrs["burn_in"] == 30
    again = simulate(WorldParams(n_states=4), worlds=12, steps=40, seed=3)
    assert df.equals(again)
    assert herz.simulate is simulate
    assert simulate(WorldParams(n_states=4), worlds=12, steps=40, rng=3).equals(df)
    with pytest.raises(ParameterError, match=r"seed.*rng|rng.*seed"):
        simulate(WorldParams(n_states=4), worlds=2, steps=5, seed=3, rng=3)


def test_simulate_pairs_table():
    p = WorldParams(n_states=4, p_greedy=0.0, burn_in=5)
    df, spells = simulate(p, worlds=6, steps=60, seed=2, world_offset=10, pairs=True)
    assert df["world"].tolist() == list(range(10, 16))
    assert {"world", "i", "j", "route", "end"} <= set(spells.columns)
    if len(spells):
        assert spells["world"].between(10, 15).all()
        assert (spells["i"] < spells["j"]).all() or (spells["i"] != spells["j"]).all()
    # the same worlds alone give the same spells
    _, alone = simulate(p, worlds=1, steps=60, seed=2, world_offset=12, pairs=True)
    mine = spells[spells["world"] == 12].reset_index(drop=True)
    pd.testing.assert_frame_equal(mine, alone.reset_index(drop=True), check_dtype=False)


def test_trajectories_dataset():
    ds = simulate(WorldParams(n_states=3), worlds=4, steps=10, seed=1, trajectories=True)
    assert ds["offense"].dims == ("world", "step", "state")
    assert ds["mistrust"].dims == ("world", "step", "state", "other")
    assert ds["output"].dims == ("world", "step", "state")
    assert ds["mistrust_shadow"].dims == ("world", "step", "state", "other")
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
    with pytest.raises(ParameterError, match="rng"):
        simulate(worlds=1, steps=1, rng=np.random.default_rng(1))  # type: ignore[arg-type]


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


def test_default_batch_size_reads_the_mechanisms():
    """Extension mechanisms cost more bytes per dyad, so the default batch holds fewer worlds.

    At N = 193 the default budget (512 MiB) holds 26 worlds of the default
    mechanisms (540 bytes per dyad), 22 with communities on (640) and 21 with
    the misperception bias (670), and a batch of each stays within the budget.
    """
    from herz.world import Mechanisms, WorldParams, default_batch_size
    from herz.world.simulate import DEFAULT_MEMORY_BUDGET
    from herz.world.state import (
        BIAS_BYTES_PER_DYAD,
        BYTES_PER_DYAD,
        EXTENSION_BYTES_PER_DYAD,
        bytes_per_dyad,
    )

    base = WorldParams(n_states=193)
    ext = base.replace(mechanisms=Mechanisms(community=True))
    bias = base.replace(mechanisms=Mechanisms(misperception=True))
    assert bytes_per_dyad(base) == BYTES_PER_DYAD
    assert bytes_per_dyad(ext) == BYTES_PER_DYAD + EXTENSION_BYTES_PER_DYAD
    assert bytes_per_dyad(bias) == BYTES_PER_DYAD + BIAS_BYTES_PER_DYAD
    assert default_batch_size(193) == default_batch_size(193, params=base) == 26
    assert default_batch_size(193, params=ext) == 22
    assert default_batch_size(193, params=bias) == 21
    for p in (base, ext, bias):
        assert default_batch_size(193, params=p) * bytes_per_dyad(p) * 193**2 <= DEFAULT_MEMORY_BUDGET
    assert default_batch_size(10_000, params=ext) == 1
