"""PRIM finds a planted box (fixed seed, stated tolerances)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from herz.analysis.discovery import prim_box


def planted(seed=0, n=4000):
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(rng.random((n, 5)), columns=["a", "b", "c", "d", "e"])
    inside = (x["b"] > 0.6) & (x["d"] < 0.3)
    # 90% of cases inside the box are of interest, 3% outside
    y = np.where(inside, rng.random(n) < 0.9, rng.random(n) < 0.03)
    return x, y, inside.to_numpy()


def test_prim_finds_the_planted_box():
    x, y, _inside = planted()
    box = prim_box(x, y, "planted", min_density=0.8)
    lim = box.limits.set_index("factor")
    assert set(lim.index) == {"b", "d"}, box.describe()
    assert abs(lim.loc["b", "low"] - 0.6) < 0.05
    assert lim.loc["b", "high"] > 0.95
    assert lim.loc["d", "low"] < 0.05
    assert abs(lim.loc["d", "high"] - 0.3) < 0.05
    assert box.density >= 0.8
    assert box.coverage >= 0.7
    # the box's own statistics agree with a direct count
    m = box.contains(x)
    assert box.density == np.mean(y[m]) or abs(box.density - np.mean(y[m])) < 1e-9
    assert abs(box.coverage - y[m].sum() / y.sum()) < 1e-9
    assert "b in [" in box.describe()


def test_no_signal_gives_no_tight_box():
    rng = np.random.default_rng(3)
    x = pd.DataFrame(rng.random((3000, 3)), columns=["a", "b", "c"])
    y = rng.random(3000) < 0.2
    box = prim_box(x, y, "noise", min_density=0.8)
    assert box.density < 0.5  # nothing dense to find


def test_no_cases_of_interest():
    x = pd.DataFrame({"a": np.linspace(0, 1, 50)})
    box = prim_box(x, np.zeros(50, dtype=bool))
    assert box.coverage == 0.0 and box.limits.empty
