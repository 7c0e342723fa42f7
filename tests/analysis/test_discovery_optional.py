"""PRIM (the GPL-3.0 ``prim`` package) is optional: without it the escape map still runs.

herz is BSD-3-Clause, so ``prim`` is the extra ``herz[discovery]``; without it a PRIM box
is the unrestricted box, marked as not computed, and the report says how to get it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from herz.analysis import discovery

ROOT = Path(__file__).resolve().parents[2]


def test_prim_is_an_extra_not_a_dependency() -> None:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert not any(d.lower().startswith("prim") for d in meta["dependencies"])
    assert meta["optional-dependencies"]["discovery"] == ["prim>=1.0"]
    assert '".[discovery]"' in (ROOT / "scripts" / "main.sh").read_text(encoding="utf-8")


def test_without_prim_the_box_is_the_whole_space_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(3)
    x = pd.DataFrame({"a": rng.uniform(size=200), "b": rng.uniform(size=200)})
    y = (x["a"] > 0.7).to_numpy()
    with_prim = discovery.prim_box(x, y, "planted")
    assert not with_prim.skipped and with_prim.limits["factor"].tolist() == ["a"]
    monkeypatch.setattr(discovery, "prim_available", lambda: False)
    box = discovery.prim_box(x, y, "planted")
    assert box.skipped and box.limits.empty
    assert box.coverage == 1.0 and box.mass == 1.0 and box.density == pytest.approx(y.mean())
    assert "herz[discovery]" in box.describe() and box.to_dict()["skipped"] is True
    assert box.contains(x).all()


def test_escape_map_runs_without_prim(tmp_path: Path) -> None:
    code = ("import sys; sys.modules['prim'] = None\n"  # as if prim were not installed
            "from herz.cli import main\n"
            f"main(['escape', '--map', '--out', {str(tmp_path)!r}, '--size', 'tiny', '--workers', '1', "
            "'--no-progress', '--json'])")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "COLUMNS": "120"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert json.loads(proc.stdout)["statuses"] == {"map": "complete", "sensitivity": "complete"}
    report = (tmp_path / "escape_report.html").read_text(encoding="utf-8")
    assert "herz[discovery]" in report
    boxes = json.loads((tmp_path / "escape_report.json").read_text())["boxes"]
    # every box with cases to find is marked skipped; a box without any case (no world of
    # the map escaped, say) needs no PRIM and is the empty box
    assert boxes and any(b["skipped"] for b in boxes.values())
    assert all(b["skipped"] or (b["density"] == 0.0 and not b["limits"]) for b in boxes.values())
