"""Replay of stored runs: one world rerun from the manifest equals its stored row bit for bit.

Counts (asserted below): a world-model sweep of 3 design points x 5 replicates (3 states,
25 steps; 15 runs) is made in process, on a pool of 2 processes and on Dask (a
LocalCluster of 2 workers); from each, 6 runs drawn with a fixed seed are replayed: 18
replays, all 18 bit-identical. Every run of the in-process sweep (15) is replayed too.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import xarray as xr
from experiment_helpers import world_text, write_manifest
from typer.testing import CliRunner

from herz.cli import app, main
from herz.errors import ParameterError
from herz.experiment import parse_scenario, query, sweep
from herz.experiment.replay import (
    columns_equal,
    format_run_id,
    parse_run_id,
    replay,
    trajectory_frame,
    write_trajectory,
)
from herz.experiment.runners import ProcessRunner
from herz.experiment.store import ResultsError
from herz.rng import as_generator

WORLD = world_text(name="replay-test", seed=4242, steps=25, replicates=5, levels="[0.5, 1.0, 2.0]")
POINTS, REPLICATES, SAMPLE = 3, 5, 6
cli = CliRunner()


@pytest.fixture(scope="module")
def inprocess(tmp_path_factory: Any) -> Path:
    out = tmp_path_factory.mktemp("replay") / "inprocess"
    res = sweep(parse_scenario(WORLD), output=out, runner="inprocess")
    assert res.ok
    return out


def _sample(rng_seed: int) -> list[tuple[int, int]]:
    rng = as_generator(rng_seed)
    flat = rng.choice(POINTS * REPLICATES, size=SAMPLE, replace=False)
    return [(int(i) // REPLICATES, int(i) % REPLICATES) for i in flat]


def _replay_sample(path: Path, seed: int) -> tuple[int, int]:
    replayed = matched = 0
    for p, r in _sample(seed):
        res = replay(path, format_run_id(p, r))
        replayed += 1
        assert (res.point, res.replicate) == (p, r)
        assert res.stored["point"] == p and res.stored["replicate"] == r
        assert set(res.equal) == set(res.stored) == set(res.recomputed)
        assert res.identical, (res.run_id, res.mismatches)
        matched += res.identical
    return replayed, matched


def test_replay_sample_from_inprocess_sweep(inprocess: Path) -> None:
    """6 sampled runs of the in-process sweep replayed; 6 bit-identical."""
    assert _replay_sample(inprocess, 1) == (SAMPLE, SAMPLE)


def test_replay_sample_from_process_pool_sweep(tmp_path: Path) -> None:
    """6 sampled runs of a sweep on 2 worker processes replayed; 6 bit-identical."""
    res = sweep(parse_scenario(WORLD), output=tmp_path / "p", runner=ProcessRunner(2))
    assert res.ok and res.runner == "processes" and res.workers == 2
    assert _replay_sample(res.path, 2) == (SAMPLE, SAMPLE)


def test_replay_sample_from_dask_sweep(tmp_path: Path) -> None:
    """6 sampled runs of a sweep on Dask (LocalCluster, 2 workers in threads) replayed; 6 match."""
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                      dashboard_address=None) as lc, Client(lc) as client:
        res = sweep(parse_scenario(WORLD), output=tmp_path / "d", scheduler=client)
    assert res.ok and res.runner == "dask" and res.workers == 2
    assert _replay_sample(res.path, 3) == (SAMPLE, SAMPLE)


def test_every_run_replays_and_ids_are_queryable(inprocess: Path) -> None:
    """All 15 runs of the in-process sweep replay bit-identically; `runs` lists their ids."""
    ids = query(inprocess, "SELECT run_id, point, replicate FROM runs ORDER BY point, replicate")
    assert len(ids) == POINTS * REPLICATES
    matched = 0
    for rid, p, r in ids.itertuples(index=False):
        assert rid == f"p{p}-r{r}"
        matched += replay(inprocess, rid).identical
    assert matched == POINTS * REPLICATES


def test_runs_view_of_a_store_without_chunks(tmp_path: Path) -> None:
    from herz.experiment.store import Store
    from herz.experiment.sweep import design_frame

    sc = parse_scenario(WORLD)
    Store(tmp_path / "r").create(sc, design_frame(sc), sc.text)
    with pytest.raises(ResultsError, match="incomplete results"):  # nothing has run yet
        query(tmp_path / "r", "SELECT run_id FROM runs")
    assert len(query(tmp_path / "r", "SELECT run_id FROM runs", partial=True)) == 0
    with pytest.raises(ParameterError, match="plans no runs"):  # no chunk planned yet
        replay(tmp_path / "r", "p0-r0")


def test_run_id_forms() -> None:
    assert parse_run_id("p12-r345") == (None, 12, 345)
    assert parse_run_id("12:345") == (None, 12, 345)
    assert parse_run_id("p000012-r0000345") == (None, 12, 345)
    assert parse_run_id("escape-map/p1-r2") == ("escape-map", 1, 2)
    for bad in ("", "p1", "p-1-r2", "1:2:3", "x1-r2", "p1-r2 extra"):
        with pytest.raises(ParameterError, match="run_id"):
            parse_run_id(bad)


def test_unknown_run_id_names_the_valid_range(inprocess: Path) -> None:
    with pytest.raises(ParameterError, match=r"point 0\.\.2 and replicates 0\.\.4"):
        replay(inprocess, "p3-r0")
    with pytest.raises(ParameterError, match=r"point 0\.\.2 and replicates 0\.\.4"):
        replay(inprocess, "p0-r5")
    with pytest.raises(ParameterError, match="names experiment 'other'"):
        replay(inprocess, "other/p0-r0")
    assert replay(inprocess, "replay-test/p0-r0").identical


def test_columns_equal_is_exact() -> None:
    nan = float("nan")
    assert columns_equal(pa.array([1.0, nan, None]), pa.array([1.0, nan, None]))
    assert not columns_equal(pa.array([0.0]), pa.array([-0.0]))  # equal as numbers, not bits
    assert not columns_equal(pa.array([1.0]), pa.array([np.nextafter(1.0, 2.0)]))
    assert not columns_equal(pa.array([nan]), pa.array([None], type=pa.float64()))
    assert not columns_equal(pa.array([nan, 1.0]), pa.array([1.0, nan]))  # NaN moved
    other_nan = np.array([0x7FF8000000000001], dtype=np.uint64).view(np.float64)
    assert not columns_equal(pa.array([nan]), pa.array(other_nan))  # another NaN payload
    assert not columns_equal(pa.array([1], pa.int64()), pa.array([1], pa.int32()))
    assert columns_equal(pa.array(["war"]), pa.array(["war"]))
    assert not columns_equal(pa.array(["war"]), pa.array(["spiral"]))


def test_replay_detects_a_changed_stored_value(tmp_path: Path) -> None:
    """A stored arms_end moved by one ulp (file rewritten consistently) is caught by replay."""
    from herz.experiment.store import Store, decode_chunk, encode_chunk

    res = sweep(parse_scenario(WORLD), output=tmp_path / "r", runner="inprocess")
    store = Store(res.path)
    store.read_manifest()
    cid = "p000001-r0000002-0000004"
    table = decode_chunk(store.chunk_path(cid).read_bytes())
    col = table.column("arms_end").to_numpy().copy()
    col[1] = np.nextafter(col[1], math.inf)
    table = table.set_column(table.schema.get_field_index("arms_end"), "arms_end",
                             pa.array(col))
    data = encode_chunk(table.replace_schema_metadata(None), cid, res.scenario_hash)
    store.chunk_path(cid).write_bytes(data)
    man = json.loads((res.path / "manifest.json").read_text())
    man["chunks"][cid].update(sha256=hashlib.sha256(data).hexdigest(), bytes=len(data))
    write_manifest(res.path, man)  # the manifest rewritten to match: only replay can tell
    out = replay(res.path, "p1-r3")
    assert not out.identical and out.mismatches == ["arms_end"]
    assert replay(res.path, "p1-r2").identical
    d = out.to_dict()
    bad = [c for c in d["columns"] if not c["equal"]]
    assert bad[0]["column"] == "arms_end" and bad[0]["stored_bits"] != bad[0]["recomputed_bits"]


def test_replay_trajectory(inprocess: Path, tmp_path: Path) -> None:
    res = replay(inprocess, "p2-r4", trajectory=True)
    assert res.identical and res.trajectory_consistent is True
    ds = res.trajectory
    assert ds.sizes["world"] == 1 and int(ds["world"][0]) == 4
    assert ds.sizes["step"] == 26 and ds.sizes["state"] == 3
    assert str(ds["outcome"].values[0]) == res.stored["outcome"]
    assert float(ds["arms_end"].values[0]) == res.stored["arms_end"]
    frame = trajectory_frame(ds)
    assert len(frame) == 26 and "offense_2" in frame and "mistrust_0_1" in frame
    csv = write_trajectory(ds, tmp_path / "t.csv")
    pd.testing.assert_frame_equal(pd.read_csv(csv), frame, check_dtype=False)
    nc = write_trajectory(ds, tmp_path / "t.nc")
    with xr.open_dataset(nc) as back:
        np.testing.assert_array_equal(back["offense"].values, ds["offense"].values)
    with pytest.raises(ParameterError, match="--trajectory"):
        write_trajectory(ds, tmp_path / "t.png")


def test_replay_refuses_a_changed_scenario_and_unfinished_chunks(tmp_path: Path) -> None:
    res = sweep(parse_scenario(WORLD), output=tmp_path / "r", runner="inprocess")
    man_path = res.path / "manifest.json"
    man = json.loads(man_path.read_text())
    man["chunks"]["p000000-r0000000-0000002"]["status"] = "failed"
    write_manifest(res.path, man)
    with pytest.raises(ResultsError, match="which is failed"):
        replay(res.path, "p0-r1")
    man["scenario_toml"] = man["scenario_toml"].replace("steps = 25", "steps = 26")
    write_manifest(res.path, man)
    with pytest.raises(ResultsError, match="now hashes to"):
        replay(res.path, "p0-r3")


def test_replay_command(inprocess: Path, tmp_path: Path) -> None:
    out = cli.invoke(app, ["replay", str(inprocess), "p1-r0", "--json"])
    assert out.exit_code == 0, out.output
    d = json.loads(out.stdout)
    assert d["identical"] is True and d["run_id"] == "p1-r0" and d["mismatches"] == []
    assert {c["column"] for c in d["columns"]} >= {"outcome", "arms_end", "point"}
    traj = tmp_path / "traj.csv"
    out = cli.invoke(app, ["replay", str(inprocess), "1:0", "--trajectory", str(traj)])
    assert out.exit_code == 0, out.output
    assert "bit-identical" in out.stdout and "trajectory:" in out.stdout
    assert len(pd.read_csv(traj)) == 26


def test_replay_command_bad_input_exits_2(inprocess: Path, capsys: Any) -> None:
    for args, msg in (([str(inprocess), "p9-r0"], "point 0..2 and replicates 0..4"),
                      ([str(inprocess), "nonsense"], "must be pP-rR"),
                      ([str(inprocess), "p0-r0", "--trajectory", "x.png"], "--trajectory"),
                      ([str(inprocess.parent / "none"), "p0-r0"], "no manifest.json")):
        with pytest.raises(SystemExit) as info:
            main(["replay", *args])
        assert info.value.code == 2
        err = capsys.readouterr().err
        assert msg in err and len(err.strip().splitlines()) == 1
