"""Wars that start and end within one year are counted (issue 17's outcomes, issue 22's record).

A war fought and ended in its first year is gone from ``at_war`` and
``war_attacker`` after the step; its cause must still reach the trajectory
tracker (wars by cause, spell ends, the escape study) and the validation
history (war onsets, years at war). In the default world about half of all wars
are such short wars. The war step's own counters (``state.counts``, read from
the war decision directly) are the reference.
"""

from __future__ import annotations

import numpy as np

from herz.analysis import validation as V
from herz.world import WorldParams, initial_state, step
from herz.world.noise import world_keys
from herz.world.outcomes import TrajectoryTracker
from tests.world.test_war_v2 import WARLIKE

CAUSES = ("n_wars_predation", "n_wars_preemption", "n_wars_prevention", "n_wars_inadvertent")


def test_the_tracker_counts_every_war_the_war_step_counts():
    """With no burn-in, the tracker's wars by cause equal the war step's counters in every
    world, and some of those wars ended within their first year."""
    p = WorldParams(n_states=5, burn_in=0, **WARLIKE)
    st = initial_state(p, world_keys(3, 40))
    tracker = TrajectoryTracker(p, st)
    short = 0
    for _ in range(30):
        step(st, p)
        tracker.update(st)
        short += int((st.attacks & ~st.war_attacker).sum())
    df = tracker.world_frame()
    for name in CAUSES:
        np.testing.assert_array_equal(df[name].to_numpy(), st.counts[name], err_msg=name)
    assert short > 0
    assert sum(int(st.counts[c].sum()) for c in CAUSES) > 0


def test_the_validation_history_sees_wars_that_end_within_their_first_year():
    """Every war the war step starts is a war onset of the history (each pair once), and a
    year with an onset is a year at war, also when the war is over by the year's end."""
    values, worlds, n, burn = dict(WARLIKE), 6, 5, 5
    hist = V.simulate_history(values, worlds=worlds, n_states=n, years=40, burn_in=burn, rng=9)
    p = V.world_params({**values, "n_states": n, "burn_in": burn})
    st = initial_state(p, world_keys(np.random.SeedSequence(9), worlds))
    started = 0
    short = 0
    for t in range(burn + 40):
        step(st, p)
        if t >= burn:
            a = st.attacks | np.swapaxes(st.attacks, 1, 2)
            started += int(np.triu(a, 1).sum())
            short += int(np.triu(a & ~st.at_war, 1).sum())
    onsets = int(np.triu(hist.war_onset, 1).sum())
    assert short > 0
    assert onsets == started, (onsets, started, short)
    assert (hist.war_onset <= hist.at_war).all()
