"""Designs: grid, Latin hypercube and Sobol share one shape and are fixed by the seed."""

from __future__ import annotations

import numpy as np
import pytest

from herz.experiment.design import Factor, full_grid, latin_hypercube, sample, sobol_sequence


def test_full_grid_is_the_product() -> None:
    pts = full_grid([Factor("a", values=(1, 2, 3)), Factor("b", low=0.0, high=1.0, levels=2)])
    assert pts == [{"a": a, "b": b} for a in (1, 2, 3) for b in (0.0, 1.0)]
    log = Factor("c", low=0.01, high=1.0, levels=3, scale="log").grid_levels()
    assert log == pytest.approx([0.01, 0.1, 1.0])


def test_latin_hypercube_stratifies_every_factor() -> None:
    f = [Factor("a", low=0.0, high=1.0), Factor("b", low=10.0, high=20.0)]
    pts = latin_hypercube(f, 20, seed=3)
    a = np.array([p["a"] for p in pts])
    b = np.array([p["b"] for p in pts])
    assert sorted(np.floor(a * 20).astype(int)) == list(range(20))
    assert sorted(np.floor((b - 10) / 10 * 20).astype(int)) == list(range(20))
    assert latin_hypercube(f, 20, seed=3) == pts
    assert latin_hypercube(f, 20, seed=4) != pts


def test_sobol_is_balanced_and_seeded() -> None:
    f = [Factor("a", low=0.0, high=1.0), Factor("n", low=2, high=10, integer=True)]
    pts = sobol_sequence(f, 16, seed=1)
    a = np.array([p["a"] for p in pts])
    assert np.histogram(a, bins=4, range=(0, 1))[0].tolist() == [4, 4, 4, 4]
    assert all(isinstance(p["n"], int) and 2 <= p["n"] <= 10 for p in pts)
    assert sobol_sequence(f, 16, seed=1) == pts
    with pytest.raises(ValueError, match="power of 2"):
        sobol_sequence(f, 12, seed=1)


def test_sample_fills_base_parameters() -> None:
    pts = sample("grid", [Factor("a", values=(1, 2))], None, 0, base={"a": 0, "z": 5})
    assert pts == [{"a": 1, "z": 5}, {"a": 2, "z": 5}]
    assert sample("single", [], None, 0, base={"z": 5}) == [{"z": 5}]
