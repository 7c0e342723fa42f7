"""Each preset's design factors must move its results: an inert factor is a modelling bug.

The sino-indian-tibet preset once swept ``distance_scale`` in a two-state world,
where the mean threat aggregation normalises geography away (results identical
to 7e-16). It now sweeps ``buffer_depth`` (Garver 2001's Tibet buffer as
strategic depth), which this test checks does what the preset claims.
"""

from __future__ import annotations

import herz
from herz.experiment.presets import load_preset


def _world(depth: float) -> dict[str, object]:
    """The preset's world at one design point (as herz sweep builds it)."""
    scenario = load_preset("sino-indian-tibet")
    return {**scenario.params, "buffer_depth": depth, "perception_noise": 0.3,
            "mechanisms": dict(scenario.mechanisms)}


def test_tibet_buffer_damps_the_spiral() -> None:
    """300 worlds, 100 steps, seed 1950: losing the buffer (depth 1 -> 0) raises the spiral share by > 0.3."""
    rates = {}
    for depth in (1.0, 0.0):
        out = herz.simulate(_world(depth), worlds=300, steps=100, seed=1950)
        rates[depth] = float((out["outcome"] == "spiral").mean())
    assert rates[0.0] - rates[1.0] > 0.3, rates
