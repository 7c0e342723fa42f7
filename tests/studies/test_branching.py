"""Branching at entry with common random numbers (DESIGN 4.2): bit-identity and bookkeeping."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from herz.studies.branching import (
    FACTORIAL,
    ROUTES,
    Arm,
    PairFollow,
    branch_entries,
    realist,
    reference_arms,
    route_arms,
    run_trunk,
    take_worlds,
)
from herz.world import WorldParams
from herz.world.noise import Stream, fill_normal, world_keys
from herz.world.outcomes import TrajectoryTracker, observe
from herz.world.state import WorldState, initial_state
from herz.world.step import step

#: A world where pairs enter often (loose race and trust-fall thresholds).
PARAMS = WorldParams(n_states=4, race_growth=0.02, entry_trust_fall=0.0, burn_in=10,
                     mechanisms=dataclasses.replace(WorldParams().mechanisms, misperception=True))
WORLDS, SEED, WINDOW = 40, 3, 15


def _equal(a: WorldState, b: WorldState) -> list[str]:
    """Names of the state arrays that differ (NaN equal to NaN)."""
    bad = []
    for f in dataclasses.fields(a):
        if f.name == "extra":
            continue
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, np.ndarray):
            if x.shape != y.shape or not np.array_equal(x, y, equal_nan=x.dtype.kind == "f"):
                bad.append(f.name)
        elif isinstance(x, dict):
            if x.keys() != y.keys() or not all(np.array_equal(x[k], y[k]) for k in x):
                bad.append(f.name)
        elif x != y:
            bad.append(f.name)
    return bad


@pytest.fixture(scope="module")
def trunk():
    tr = run_trunk(PARAMS, WORLDS, SEED, WINDOW)
    assert len(tr.entries) >= 2, "the loose world must give entries"
    return tr


def test_control_is_the_unbranched_run_bit_for_bit(trunk):
    state = initial_state(PARAMS, world_keys(SEED, WORLDS), np.arange(WORLDS))
    later = 12
    by_t = {e.t: e for e in trunk.entries}
    last = max(by_t) + later
    controls = {}
    for t in range(1, last + 1):
        step(state, PARAMS)
        for e in trunk.entries:
            if t == e.t:
                controls[e.t] = e.state.copy()
            elif e.t < t <= e.t + later:
                step(controls[e.t], PARAMS)
            if t == e.t + later:
                assert _equal(controls[e.t], take_worlds(state, e.world.astype(np.intp))) == []


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_a_route_at_dose_zero_is_the_control_bit_for_bit(trunk, route):
    entry = trunk.entries[0]
    control, branch = entry.state.copy(), entry.state.copy()
    arm0 = Arm(f"{route.name}@0", "route", ((route.name, 0.0),))
    p0 = arm0.apply(PARAMS)
    arm0.prepare(branch, entry.i, entry.j)  # a pair route's masks: none at dose 0
    p1 = route.apply(PARAMS, 1.0)
    assert p1 != PARAMS and p0 == PARAMS
    moved = entry.state.copy()
    Arm("full", "route", ((route.name, 1.0),)).prepare(moved, entry.i, entry.j)
    for _ in range(15):
        step(control, PARAMS)
        step(branch, p0)
        step(moved, p1)
    assert _equal(control, branch) == []
    assert _equal(control, moved) != []  # the full dose does change the world


def test_draws_are_keyed_by_world_stream_step_and_index():
    keys = world_keys(11, 6)
    full = fill_normal(keys, Stream.PERCEPTION, 7, np.empty((6, 4, 4)))
    fill_normal(keys, Stream.SPENDING_SHOCK, 7, np.empty((6, 4)))  # another stream in between
    some = fill_normal(keys[[4, 1, 1]], Stream.PERCEPTION, 7, np.empty((3, 4, 4)))
    np.testing.assert_array_equal(some, full[[4, 1, 1]])
    assert not np.array_equal(full, fill_normal(keys, Stream.PERCEPTION, 8, np.empty((6, 4, 4))))
    assert not np.array_equal(full, fill_normal(keys, Stream.WAR_DECISION, 7,
                                                np.empty((6, 4, 4))))


def test_follow_ends_spells_as_the_world_detector_does(trunk):
    """The control's follow-up agrees with the detector on the unbranched run."""
    horizon = 45
    state = initial_state(PARAMS, world_keys(SEED, WORLDS), np.arange(WORLDS))
    tracker = TrajectoryTracker(PARAMS, state)
    for _ in range(trunk.steps + horizon):
        step(state, PARAMS)
        tracker.update(state)
    spells = tracker.pair_frame()
    table = branch_entries(trunk, reference_arms()[:1], horizon)
    assert len(table) == sum(e.state.worlds for e in trunk.entries)
    checked = 0
    for row in table.itertuples():
        s = spells[(spells["world"] == row.world) & (spells["i"] == row.i)
                   & (spells["j"] == row.j) & (spells["entry_year"] == row.t_entry)]
        assert len(s) == 1
        s = s.iloc[0]
        if row.end == "open":
            seen = s["end_year"] + (PARAMS.exit_years - 1 if s["end"] == "exit" else 0)
            assert s["end"] == "censored" or seen - row.t_entry > horizon
            continue
        assert s["end"] == row.end
        if row.end == "exit":  # the detector dates an exit to its first calm year
            assert s["exit_year"] - row.t_entry == row.exit_year
        else:
            assert s["end_year"] - row.t_entry == row.end_year
        checked += 1
    assert checked >= 2


def test_branch_table_holds_every_entry_and_arm(trunk):
    arms = reference_arms() + route_arms([1.0])
    table = branch_entries(trunk, arms, 30)
    n = sum(e.state.worlds for e in trunk.entries)
    assert len(table) == n * len(arms)
    assert set(table["arm"]) == {a.name for a in arms}
    assert len(arms) == 2 + len(ROUTES) + len(FACTORIAL)
    assert {"identity_building", "community_institutions"} <= {r.name for r in ROUTES}
    assert table["end"].isin(["open", "exit", "war", "predation", "death", "left"]).all()
    ex = table[table["end"] == "exit"]
    assert (ex["exit_year"] >= 1).all() and (ex["exit_year"] <= ex["end_year"]).all()
    assert not table.loc[table["arm"] == "control", "informativeness"].isna().any()


def test_realist_arm_switches_escape_mechanisms_off():
    p = realist(PARAMS.replace(perspective_taking=0.5))
    assert p.offensive_realism and p.perspective_taking == 0.0
    assert not (p.mechanisms.identity or p.mechanisms.community or p.mechanisms.signalling
                or p.mechanisms.arms_control)


def test_dose_outside_zero_one_is_refused():
    from herz.errors import ParameterError

    with pytest.raises(ParameterError, match="dose"):
        ROUTES[0].apply(PARAMS, 1.5)


def test_follow_counts_calm_years_to_an_exit():
    """A pair calm from the first year exits after m years, dated to the first calm year."""
    state = initial_state(PARAMS, world_keys(1, 1), np.arange(1))
    from herz.studies.branching import Entry

    entry = Entry(5, state, np.array([0]), np.array([0]), np.array([1]),
                  np.array([0.0], dtype=np.float32))
    rule = dataclasses.replace(__import__("herz.world.episodes", fromlist=["EpisodeRule"])
                               .EpisodeRule.from_params(PARAMS), exit_years=3)
    fol = PairFollow(entry, PARAMS, rule)
    obs = observe(state, PARAMS)
    obs = {**obs, "mistrust": np.zeros_like(obs["mistrust"])}
    for _ in range(3):
        fol.update(obs)
    assert fol.end[0] == 1 and fol.exit_year[0] == 1 and fol.end_year[0] == 3
