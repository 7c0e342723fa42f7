"""The shipped plausible region: its loader, its draws and the seeded resampler."""

from __future__ import annotations

import json

import numpy as np
import pytest

from herz.analysis import validation as V
from herz.analysis.abc import HistoryMatch
from herz.analysis.plausible import PlausibleRegion, load_region
from herz.errors import ParameterError


def test_the_shipped_region_loads_with_draws_inside_its_box_and_priors() -> None:
    region = load_region()
    assert region.source.endswith("plausible_region.json")
    assert set(region.parameters) <= set(V.FREE_PARAMETERS)
    assert len(region.draws) > 0
    assert len(region.draws) == round(region.share * region.n)
    for d in region.draws:
        assert set(d) == set(region.parameters)
        assert region.contains(d)
        for name, v in d.items():
            lo, hi = region.priors[name]
            assert lo <= v <= hi
    # the box is spanned by the draws
    for name, (lo, hi) in region.box.items():
        vals = [d[name] for d in region.draws]
        assert min(vals) == lo and max(vals) == hi
    # the dict view of validation reads the same file
    assert V.plausible_region()["region"] == {k: list(v) for k, v in region.box.items()}


def test_sample_is_seeded_and_draws_from_the_region() -> None:
    region = load_region()
    a = region.sample(50, rng=3)
    assert a == region.sample(50, rng=3)
    assert a != region.sample(50, rng=4) or len(region.draws) == 1
    assert all(d in region.draws for d in a)
    assert region.sample(0, rng=1) == []
    with pytest.raises(ParameterError):
        region.sample(-1)
    with pytest.raises(ParameterError, match="no not-implausible draws"):
        PlausibleRegion(("p_greedy",), (), {}).sample(3)


def test_load_region_reads_a_validate_region_and_refuses_other_files(tmp_path) -> None:
    hm = HistoryMatch(np.zeros((3, 1)), np.array([1.0, 4.0, 2.0]),
                      np.array([True, False, True]), 3.0, ("p_greedy", "war_intercept"),
                      np.array([[0.1, -5.0], [0.2, -4.0], [0.3, -6.0]]))
    assert hm.draws() == [{"p_greedy": 0.1, "war_intercept": -5.0},
                          {"p_greedy": 0.3, "war_intercept": -6.0}]
    data = hm.to_dict() | {"parameters": list(hm.param_names), "draws": hm.draws(),
                           "priors": {"p_greedy": [0.0, 1.0], "war_intercept": [-9, -3]}}
    path = tmp_path / "region.json"
    path.write_text(json.dumps(data))
    region = load_region(path)
    assert region.box == {"p_greedy": (0.1, 0.3), "war_intercept": (-6.0, -5.0)}
    assert region.contains({"p_greedy": 0.2, "war_intercept": -5.5})
    assert not region.contains({"p_greedy": 0.2, "war_intercept": -4.0})
    assert PlausibleRegion.from_dict(region.to_dict()).draws == region.draws
    path.write_text(json.dumps({"region": data["region"]}))  # an old box-only file
    with pytest.raises(ParameterError, match="draws"):
        load_region(path)
    path.write_text("[1, 2]")
    with pytest.raises(ParameterError, match="JSON object"):
        load_region(path)
    with pytest.raises(FileNotFoundError):
        load_region(tmp_path / "missing.json")
