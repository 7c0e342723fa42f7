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


def test_tibet_buffer_damps_the_rivalry() -> None:
    """300 worlds, 100 steps, seed 1950: losing the buffer (depth 1 -> 0) raises war and disputes.

    Measured (world v2): share of worlds with a war 0.04 -> 0.26, disputes per world
    0.7 -> 6.5. Tolerance: the war share rises by more than 0.12 (binomial sd <= 0.03).
    (v1 measured the rise of its "spiral" label, which v2 no longer produces.)
    """
    rates, disputes = {}, {}
    for depth in (1.0, 0.0):
        out = herz.simulate(_world(depth), worlds=300, steps=100, seed=1950)
        rates[depth] = float((out["n_wars"] > 0).mean())
        disputes[depth] = float(out["n_disputes"].mean())
    assert rates[0.0] - rates[1.0] > 0.12, rates
    assert disputes[0.0] > 2 * disputes[1.0], disputes
