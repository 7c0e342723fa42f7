"""Per-world parameters: one batch holds many parameter draws (issue 22, DESIGN.md section 5).

Two properties carry the reference table of the fit: a batch whose per-world
values are all equal gives the scalar run bit for bit, and each world's
results depend only on its own values (they equal a separate scalar run of
that world), whatever the other worlds of the batch hold.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from herz.errors import ParameterError
from herz.world import Mechanisms, WorldParams
from herz.world.params import PER_WORLD, check_per_world
from herz.world.schedule import Schedule
from herz.world.simulate import simulate

# war on, misperception on (its kernel path), a small world: every per-world field is read
BASE = WorldParams(n_states=5, burn_in=5,
                   mechanisms=Mechanisms(misperception=True, identity=True))
STEPS = 40
#: Draws far from the defaults and from each other (so a mix-up of worlds would show).
DRAWS = {
    "p_greedy": [0.05, 0.45, 0.25, 0.3],
    "war_intercept": [-8.0, -3.0, -5.0, -3.5],
    "dispute_cutpoint": [0.5, 4.5, 2.0, 3.0],
    "budget_share": [0.04, 0.25, 0.1, 0.15],
    "spending_inertia": [0.15, 0.9, 0.5, 0.3],
    "spending_shock": [0.0, 0.002, 0.0005, 0.001],
    "shock_base": [0.0, 1.0, 0.5, 0.3],
    "perception_noise": [0.03, 0.45, 0.1, 0.2],
    "misperception_bias": [0.1, 0.7, 0.3, 0.5],
    "distinguishability": [0.1, 0.9, 0.5, 0.3],
    "war_cost_share": [0.01, 0.2, 0.05, 0.1],
    "offense_defense_balance": [0.5, 3.0, 1.0, 1.5],
    "motive_turnover": [0.0, 0.3, 0.1, 0.05],
    "greedy_draw_scale": [1.0, 0.0, 0.5, 0.8],
    "grievance": [0.0, 0.4, 0.1, -0.1],
}


def _paths(ds):  # the full per-step paths of a trajectories Dataset
    return {k: ds[k].values for k in ("offense", "defense", "spending", "mistrust",
                                      "mistrust_shadow", "alive", "wars")}


def test_the_schema_marks_the_fields_of_the_fit_per_world() -> None:
    from herz.world.schema import world_fields

    assert set(DRAWS) == set(PER_WORLD)
    assert {s.name for s in world_fields() if s.per_world} == set(PER_WORLD)
    from herz.analysis.validation import FREE_PARAMETERS

    assert set(FREE_PARAMETERS) <= set(PER_WORLD)  # the fit's reference table runs batched


def test_equal_per_world_values_give_the_scalar_run_bit_for_bit() -> None:
    w = 4
    scalar = simulate(BASE, worlds=w, steps=STEPS, seed=11, trajectories=True)
    same = {k: [float(getattr(BASE, k))] * w for k in PER_WORLD}
    batched = simulate(BASE, worlds=w, steps=STEPS, seed=11, trajectories=True, per_world=same)
    a, b = _paths(scalar), _paths(batched)
    for k in a:
        assert np.array_equal(a[k], b[k]), k
    cols = [c for c in scalar.data_vars if scalar[c].dims == ("world",)]
    pd.testing.assert_frame_equal(scalar[cols].to_dataframe(), batched[cols].to_dataframe())


#: The other mechanisms that read per-world fields (signals, arms control, communities).
OTHERS = BASE.replace(mechanisms=Mechanisms(signalling=True, arms_control=True, community=True,
                                            identity=True))


@pytest.mark.parametrize("base", [BASE, OTHERS], ids=["misperception", "signals_treaties"])
def test_each_world_equals_a_separate_run_at_its_values(base: WorldParams) -> None:
    batched = simulate(base, worlds=4, steps=STEPS, seed=5, trajectories=True, per_world=DRAWS)
    got = _paths(batched)
    # the draws move the world: without that this test could not fail
    assert not np.array_equal(got["spending"][0], got["spending"][1])
    for k in range(4):
        alone = base.replace(**{name: v[k] for name, v in DRAWS.items()})
        ref = simulate(alone, world_indices=[k], steps=STEPS, seed=5, trajectories=True)
        exp = _paths(ref)
        for name in exp:
            assert np.array_equal(got[name][k], exp[name][0]), (k, name)


def test_a_world_does_not_depend_on_its_batch_neighbours_or_the_batch_size() -> None:
    full = simulate(BASE, worlds=4, steps=STEPS, seed=2, per_world=DRAWS)
    chunked = simulate(BASE, worlds=4, steps=STEPS, seed=2, per_world=DRAWS, batch_size=3)
    pd.testing.assert_frame_equal(full, chunked)
    other = {k: [v[0], *v[:0:-1]] for k, v in DRAWS.items()}  # world 0 kept, others reversed
    mixed = simulate(BASE, worlds=4, steps=STEPS, seed=2, per_world=other)
    pd.testing.assert_frame_equal(full.iloc[:1], mixed.iloc[:1])
    assert mixed.attrs["per_world"]["p_greedy"] == other["p_greedy"]


@pytest.mark.parametrize(("values", "field", "words"), [
    ({"p_greedy": [0.1, 0.2]}, "per_world.p_greedy", "3 numbers"),
    ({"p_greedy": [[0.1], [0.2], [0.3]]}, "per_world.p_greedy", "3 numbers"),
    ({"p_greed": [0.1, 0.2, 0.3]}, "per_world.p_greed", "not a world parameter"),
    ({"n_states": [5, 5, 5]}, "per_world.n_states", "not a per-world field"),
    ({"reaction": [0.1, 0.1, 0.1]}, "per_world.reaction", "not a per-world field"),
    ({"p_greedy": [0.1, 1.5, 0.3]}, "per_world.p_greedy[1]", "in [0, 1]"),
    ({"budget_share": [0.1, 0.0, 0.3]}, "per_world.budget_share[1]", "must be > 0"),
    ({"war_intercept": [0.0, np.nan, 1.0]}, "per_world.war_intercept[1]", "in [-50, 50]"),
    ({"p_greedy": "abc"}, "per_world.p_greedy", "3 numbers"),
])
def test_check_per_world_names_field_value_and_what_is_allowed(values, field, words) -> None:
    with pytest.raises(ParameterError) as err:
        check_per_world(values, 3, BASE)
    assert err.value.field == field
    assert words in err.value.allowed
    with pytest.raises(ParameterError):  # simulate checks the same way
        simulate(BASE, worlds=3, steps=2, per_world=values)


def test_a_per_state_field_per_world_is_every_states_value() -> None:
    """grievance per world: one value for all the world's states; not with a per-state tuple."""
    g = (0.1, 0.2, 0.3, 0.05, 0.22)
    with pytest.raises(ParameterError, match="one value per state") as err:
        check_per_world({"grievance": [0.1, 0.2]}, 2, BASE.replace(grievance=g))
    assert err.value.field == "per_world.grievance"
    from herz.world.economy import grievance, grievance_table

    p = BASE.with_world_values({"grievance": [0.1, 0.3]})
    assert grievance(p).shape == (2, 1)
    assert grievance_table(p, 2).tolist() == [[0.1] * 5, [0.3] * 5]
    assert grievance_table(BASE.replace(grievance=g), 3).tolist() == [list(g)] * 3


def test_a_scheduled_field_cannot_also_be_per_world() -> None:
    p = BASE.replace(schedules={"perception_noise": Schedule.step(at=10, to=0.3)})
    with pytest.raises(ParameterError, match="schedule"):
        check_per_world({"perception_noise": [0.1, 0.2]}, 2, p)


def test_world_value_and_world_array() -> None:
    p = BASE.with_world_values({"p_greedy": [0.1, 0.2, 0.3]})
    assert p.world_value("p_greedy", 2).shape == (3, 1, 1)
    assert p.world_array("p_greedy", 3).tolist() == [0.1, 0.2, 0.3]
    assert p.world_value("war_intercept") == BASE.war_intercept
    assert p.world_array("war_intercept", 3).tolist() == [BASE.war_intercept] * 3
    assert p.world_slice(slice(1, 3)).world_array("p_greedy", 2).tolist() == [0.2, 0.3]
    assert p.to_dict() == BASE.to_dict()  # the scalar record is unchanged
    assert not p.replace(n_states=5).world_values  # replace gives a scalar record
    with pytest.raises(ParameterError, match="one value per world"):
        p.world_array("p_greedy", 4)
    with pytest.raises(ParameterError, match="one length"):
        BASE.with_world_values({"p_greedy": [0.1, 0.2], "war_intercept": [-4.0]})


def test_kernel_perception_equals_observe_with_per_world_values(monkeypatch) -> None:
    """step()'s in-kernel perception equals observe()'s array under per-world values too."""
    import sys

    from herz.world import beliefs
    from herz.world.noise import world_keys
    from herz.world.perception import observe
    from herz.world.state import initial_state
    from herz.world.step import step

    step_module = sys.modules["herz.world.step"]

    def via_observe(state, params, observed, *args):
        return beliefs.update_beliefs(state, params, observe(state, params, args[5]), *args)

    p = BASE.with_world_values(DRAWS)
    runs = []
    for handed_in in (False, True):
        if handed_in:
            monkeypatch.setattr(step_module, "update_beliefs", via_observe)
        st = initial_state(p, world_keys(3, 4))
        for _ in range(STEPS):
            step(st, p)
        runs.append(st)
    for name in ("logodds", "logodds_shadow", "second_order", "expected_spending", "offense"):
        assert np.array_equal(getattr(runs[0], name), getattr(runs[1], name)), name
    assert np.abs(runs[0].logodds[1] - runs[0].logodds[0]).max() > 0.1  # the worlds differ
