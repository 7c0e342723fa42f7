"""The escape study end to end: its results directories reopen in fresh processes.

``herz escape --map --out X --size tiny`` (version 1's map) runs in one process;
then, each in a new process,
``herz verify`` on every results directory it wrote exits 0, ``herz replay`` of a
run of each is bit-identical and ``herz resume`` finds nothing to do. The stored
design of the sensitivity sweep is the design that ran.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from herz.experiment import query
from herz.studies.escape import SENSITIVITY_FACTORS, SIZES, escape_scenarios

ROOT = Path(__file__).resolve().parents[2]


def _herz(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "COLUMNS": "120"}
    return subprocess.run([sys.executable, "-m", "herz", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def escape_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("escape") / "X"
    res = _herz("escape", "--map", "--out", str(out), "--size", "tiny", "--workers", "1",
                "--no-progress", "--json", cwd=out.parent)
    assert res.returncode == 0, res.stderr[-3000:]
    return out


def test_every_results_directory_reopens_in_a_fresh_process(escape_out: Path) -> None:
    dirs = sorted(p.parent for p in (escape_out / "results").glob("*/manifest.json"))
    assert [d.name for d in dirs] == ["map", "sensitivity"]
    for d in dirs:
        man = json.loads((d / "manifest.json").read_text())
        assert man["scenario"]["model_path"] == "herz.experiment.world_model:world_spec"
        res = _herz("verify", str(d), "--json", cwd=escape_out)
        assert res.returncode == 0, (d.name, res.stdout[-2000:], res.stderr[-2000:])
        res = _herz("replay", str(d), "p1-r0", "--json", cwd=escape_out)
        assert res.returncode == 0, (d.name, res.stderr[-2000:])
        assert json.loads(res.stdout)["identical"] is True
        res = _herz("resume", str(d), "--json", cwd=escape_out)
        assert res.returncode == 0, (d.name, res.stderr[-2000:])
        summary = json.loads(res.stdout)
        assert summary["status"] == "complete" and summary["ran"] == 0, summary


def test_stored_sensitivity_design_is_the_design_that_ran(escape_out: Path) -> None:
    sens = escape_out / "results" / "sensitivity"
    design = query(sens, "SELECT * FROM design ORDER BY point")
    _, scenario = escape_scenarios(SIZES["tiny"])
    n = SIZES["tiny"].saltelli_n
    assert len(design) == n * (len(SENSITIVITY_FACTORS) + 2) == len(scenario.points)
    for f in SENSITIVITY_FACTORS:
        asked = [pt[f.name] for pt in scenario.points]
        stored = design[f.name].to_numpy(dtype=float)
        # a Saltelli column takes each base sample's value from A or from B: 2 n values
        assert len(set(asked)) == 2 * n
        assert len(set(stored.tolist())) == 2 * n, f.name
        assert np.array_equal(stored, np.asarray(asked, dtype=float)), f.name
        assert f.low <= stored.min() and stored.max() <= f.high
    # the worlds ran with the stored values: rerunning a point from its design row alone
    # (not from the scenario) gives the stored rows bit for bit
    from herz.experiment.design import POINT_KEY
    from herz.experiment.world_model import world_model
    from herz.rng import child_seed
    from herz.world import WorldParams

    names = set(WorldParams().to_dict()) - {"mechanisms"}
    man = json.loads((sens / "manifest.json").read_text())
    sc = man["scenario"]
    for point in (1, 5):
        row = design[design["point"] == point].iloc[0].to_dict()
        params = {k: (json.loads(v) if isinstance(v, str) and v[:1] in "[{" else v)
                  for k, v in row.items() if k in names}
        params = {k: (v.item() if isinstance(v, np.generic) else v) for k, v in params.items()}
        again = world_model(params, int(sc["steps"]), child_seed(int(sc["seed"]), POINT_KEY,
                                                                 point),
                            range(int(sc["replicates"])), sc["mechanisms"])
        stored = query(sens, f"SELECT * FROM results WHERE point = {point} ORDER BY replicate")
        assert again["outcome"].tolist() == stored["outcome"].tolist()
        assert np.array_equal(again["arms_ratio"].to_numpy(), stored["arms_ratio"].to_numpy())
