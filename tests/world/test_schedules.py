"""Parameter schedules (technology shocks): values, validation, the step, scenarios, effects."""

import itertools
import json

import numpy as np
import pytest

from herz.errors import ParameterError
from herz.world import Mechanisms, WorldParams, initial_state, params_table, simulate, step
from herz.world.noise import world_keys
from herz.world.schedule import SCHEDULABLE, Change, Schedule, Schedules

WORLDS = 300


def only(**on):
    return Mechanisms(**{**{k: False for k in Mechanisms().__dict__}, **on})


CORE = only(perception=True, belief_update=True, arms_policy=True, offense_defense=True)


# ---------------------------------------------------------------- values by hand
def test_step_holds_the_base_before_and_the_new_value_from_the_step_on():
    s = Schedule.step(at=50, to=0.8)
    assert [s.value_at(t, 1.0) for t in (0, 49, 50, 51, 10_000)] == [1.0, 1.0, 0.8, 0.8, 0.8]


def test_ramp_moves_linearly_from_the_value_reached():
    s = Schedule.ramp(start=0, end=100, to=1.0)
    assert s.value_at(0, 0.5) == 0.5
    assert s.value_at(50, 0.5) == 0.75
    assert s.value_at(25, 0.5) == 0.625
    assert s.value_at(100, 0.5) == 1.0 and s.value_at(400, 0.5) == 1.0


def test_chained_changes_start_from_what_the_earlier_ones_reached():
    s = Schedule.step(at=20, to=0.5).then(Schedule.ramp(start=60, end=80, to=2.0))
    vals = [s.value_at(t, 1.0) for t in (19, 20, 59, 60, 70, 80, 99)]
    assert vals == [1.0, 0.5, 0.5, 0.5, 1.25, 2.0, 2.0]
    assert s.last_change() == 80 and s.targets() == (0.5, 2.0)
    # a ramp down stays between its ends
    down = Schedule.ramp(start=10, end=13, to=0.0)
    path = [down.value_at(t, 0.3) for t in range(9, 15)]
    assert path[0] == 0.3 and path[-1] == 0.0
    assert all(a >= b for a, b in itertools.pairwise(path))


def test_changes_must_follow_each_other():
    with pytest.raises(ParameterError, match="after the previous change"):
        Schedule.step(at=50, to=1.0).then(Schedule.step(at=40, to=2.0))
    with pytest.raises(ParameterError, match="after the previous change"):
        Schedule.ramp(start=0, end=50, to=1.0).then(Schedule.step(at=30, to=2.0))
    with pytest.raises(ParameterError, match="after the previous change"):
        Schedule.step(at=5, to=1.0).then(Schedule.step(at=5, to=2.0))
    # a step at the end of a ramp is allowed (it holds from that step on)
    ok = Schedule.ramp(start=0, end=50, to=1.0).then(Schedule.step(at=50, to=2.0))
    assert ok.value_at(50, 0.0) == 2.0
    with pytest.raises(ParameterError, match="end"):
        Schedule.ramp(start=10, end=10, to=1.0)
    with pytest.raises(ParameterError, match="whole number"):
        Schedule.step(at=-1, to=1.0)
    with pytest.raises(ParameterError, match="finite"):
        Schedule.step(at=1, to=float("nan"))
    with pytest.raises(ParameterError, match="at least one"):
        Schedule(())


# ---------------------------------------------------------------- WorldParams
def test_world_params_take_schedules_and_refuse_other_parameters():
    p = WorldParams(schedules={"offense_defense_balance": Schedule.step(at=50, to=3.0),
                               "distinguishability": [{"start": 0, "end": 100, "to": 1.0}]})
    assert isinstance(p.schedules, Schedules) and set(p.schedules) == {
        "offense_defense_balance", "distinguishability"}
    assert p.at(49).offense_defense_balance == 1.0 and p.at(50).offense_defense_balance == 3.0
    assert p.at(25).distinguishability == 0.625
    assert not p.at(25).schedules  # the step's parameters are constants
    q = WorldParams()
    assert q.at(10) is q
    with pytest.raises(ParameterError, match=r"schedules\.n_states.*schedulable: "
                       r"offense_defense_balance"):
        WorldParams(schedules={"n_states": Schedule.step(at=1, to=3)})
    with pytest.raises(ParameterError, match=r"schedules\.p_greedy.*distinguishability"):
        WorldParams(schedules={"p_greedy": {"at": 1, "to": 0.5}})
    # targets are checked against the parameter's own range
    with pytest.raises(ParameterError, match=r"schedules\.distinguishability\.to"):
        WorldParams(schedules={"distinguishability": Schedule.step(at=5, to=1.5)})
    with pytest.raises(ParameterError, match=r"schedules\.offense_defense_balance\[1\]\.to"):
        WorldParams(schedules={"offense_defense_balance": [{"at": 5, "to": 2.0},
                                                           {"at": 9, "to": 0.0}]})
    with pytest.raises(ParameterError, match=r"schedules\.signal_cost"):
        WorldParams(schedules={"signal_cost": {"begin": 3, "to": 1.0}})
    with pytest.raises(ParameterError, match="schedules"):
        WorldParams(schedules=[1, 2])  # type: ignore[arg-type]


def test_every_schedulable_parameter_is_a_number_with_a_range():
    rows = {r["name"]: r for r in params_table()}
    for name in SCHEDULABLE:
        assert isinstance(getattr(WorldParams(), name), float), name
        assert rows[name]["range"] != "-", name
    assert "schedulable: offense_defense_balance" in rows["schedules"]["meaning"]


def test_schedules_round_trip_through_dicts_and_json():
    p = WorldParams(schedules={"perception_noise": Schedule.step(at=20, to=0.05).then(
        Schedule.ramp(start=40, end=60, to=0.3)), "signal_cost": {"at": 10, "to": 2.0}})
    d = p.to_dict()
    assert d["schedules"] == {
        "perception_noise": [{"at": 20, "to": 0.05}, {"start": 40, "end": 60, "to": 0.3}],
        "signal_cost": [{"at": 10, "to": 2.0}]}
    back = WorldParams.from_dict(json.loads(json.dumps(d)))
    assert back == p and hash(back) == hash(p)
    assert WorldParams().to_dict()["schedules"] == {}
    assert p.schedules["signal_cost"].changes == (Change(10, 10, 2.0),)
    # flat tables (a sweep's design.parquet) hold the table as JSON text
    assert WorldParams(**{**d, "schedules": json.dumps(d["schedules"])}) == p
    assert WorldParams(schedules="{}") == WorldParams()
    with pytest.raises(ParameterError, match="JSON text"):
        WorldParams(schedules="{not json")


# ---------------------------------------------------------------- the step
@pytest.mark.parametrize("name", SCHEDULABLE)
def test_the_step_reads_each_scheduled_parameter_at_its_step(name):
    """A schedule equals running each step with the value it has then (bit for bit)."""
    base = WorldParams(n_states=5, p_greedy=0.4, mechanisms={"signalling": True},
                       signal_interval=2, perception_noise=0.2)
    lo = getattr(base, name)
    hi = {"distinguishability": 0.9, "verification": 0.9}.get(name, lo * 2.0 + 0.5)
    sch = Schedule.step(at=3, to=hi).then(Schedule.ramp(start=5, end=9, to=lo))
    p = base.replace(schedules={name: sch})
    a = initial_state(p, world_keys(4, 6))
    b = a.copy()
    for t in range(12):
        step(a, p)
        step(b, base.replace(**{name: sch.value_at(t, lo)}))
    for arr in ("offense", "defense", "output", "spending", "logodds", "identity", "at_war"):
        np.testing.assert_array_equal(getattr(a, arr), getattr(b, arr), err_msg=arr)
    for k in a.counts:
        np.testing.assert_array_equal(a.counts[k], b.counts[k], err_msg=k)


def test_a_schedule_draws_no_random_numbers():
    """A schedule that moves a parameter to its own value changes nothing at all."""
    p = WorldParams(n_states=5, p_greedy=0.3)
    same = p.replace(schedules={"offense_defense_balance": Schedule.step(at=10, to=1.0),
                                "perception_noise": Schedule.ramp(start=0, end=30, to=0.1)})
    a = simulate(p, worlds=20, steps=40, seed=2)
    b = simulate(same, worlds=20, steps=40, seed=2)
    assert a.equals(b)
    shifted = simulate(p.replace(schedules={"offense_defense_balance": Schedule.step(
        at=10, to=5.0)}), worlds=20, steps=40, seed=2)
    assert not shifted["n_wars"].equals(a["n_wars"])


def test_initial_state_uses_the_values_at_step_zero():
    p = WorldParams(n_states=3, budget_share=0.1,
                    schedules={"budget_share": Schedule.step(at=0, to=0.001)})
    s = initial_state(p, world_keys(1, 2))
    # spending starts within the budget cap in force at step 0
    np.testing.assert_allclose(s.spending, 0.001 * s.output)


# ---------------------------------------------------------------- scenarios
def test_scenario_toml_takes_a_world_schedules_table():
    from herz.experiment import parse_scenario

    text = """
[experiment]
model = "world"
seed = 3
steps = 30
[world]
n_states = 3
[world.schedules]
offense_defense_balance = { at = 10, to = 3.0 }
distinguishability = [{ start = 0, end = 20, to = 1.0 }, { at = 25, to = 0.2 }]
"""
    sc = parse_scenario(text, source="s.toml")
    sch = sc.params["schedules"]
    assert sch["offense_defense_balance"] == [{"at": 10, "to": 3.0}]
    assert sch["distinguishability"][1] == {"at": 25, "to": 0.2}
    p = WorldParams.from_dict(dict(sc.params))
    assert p.at(10).offense_defense_balance == 3.0 and p.at(10).distinguishability == 0.75
    assert p.at(24).distinguishability == 1.0 and p.at(25).distinguishability == 0.2
    # a scenario without schedules still parses, with an empty table
    plain = parse_scenario(text.split("[world.schedules]")[0], source="s.toml")
    assert plain.params["schedules"] == {}
    assert plain.hash != sc.hash


@pytest.mark.parametrize(("table", "expected"), [
    ("n_states = { at = 3, to = 4 }", "world.schedules.n_states"),
    ("distinguishability = { at = 3, to = 2.0 }", "world.schedules.distinguishability.to"),
    ("distinguishability = { start = 5, to = 0.2 }", "world.schedules.distinguishability"),
    ("signal_cost = 3", "world.schedules.signal_cost"),
    ("signal_cost = { at = 5, to = nan }", "world.schedules"),
])
def test_bad_schedules_in_a_scenario_name_the_field(table, expected):
    from herz.experiment import ScenarioError, parse_scenario

    text = f"[experiment]\nmodel = 'world'\nseed = 1\n[world.schedules]\n{table}\n"
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, source="bad.toml")
    assert f"bad.toml: {expected}" in str(info.value)


def test_herz_run_reads_schedules(tmp_path, capsys):
    from herz.cli import main

    def run(args):
        try:
            main(args)
        except SystemExit as exc:
            return exc.code or 0
        return 0

    scen = tmp_path / "s.toml"
    scen.write_text("[world]\nn_states = 3\n[world.schedules]\noffense_defense_balance = "
                    "{ at = 5, to = 4.0 }\n[run]\nworlds = 4\nsteps = 10\nseed = 1\n")
    assert run(["run", str(scen), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["worlds"] == 4
    scen.write_text("[world]\n[world.schedules]\nn_states = { at = 5, to = 4 }\n")
    assert run(["run", str(scen)]) == 2
    assert "schedules.n_states" in capsys.readouterr().err


# ---------------------------------------------------------------- what the literature predicts
def test_a_shift_to_defense_advantage_at_step_50_halves_offence_after_it():
    """Jervis (1978): when defence has the advantage, security seekers buy defence.

    Before step 50 the two runs are the same worlds with the same draws (a
    schedule draws nothing), so the paths agree exactly; after the shift to
    delta = 3 seekers' offence share falls (q_S = (1 - zeta d)/(1 + delta)) and so
    does the offence they hold: measured 1.24 against 0.60 at step 150 (300
    worlds, no greedy state); tolerance: below 0.7 times.
    """
    p = WorldParams(n_states=6, p_greedy=0.0, mechanisms=CORE, perception_noise=0.15)
    shift = p.replace(schedules={"offense_defense_balance": Schedule.step(at=50, to=3.0)})
    a = simulate(p, worlds=WORLDS, steps=150, seed=12, trajectories=True)
    b = simulate(shift, worlds=WORLDS, steps=150, seed=12, trajectories=True)
    arms_a, arms_b = a["arms_mean"].values, b["arms_mean"].values
    np.testing.assert_array_equal(arms_a[:, :51], arms_b[:, :51])
    off_a = a["offense"].values[:, 150].mean()
    off_b = b["offense"].values[:, 150].mean()
    assert off_b < 0.7 * off_a


def test_a_shift_to_defense_advantage_lowers_war_after_it():
    """Jervis (1978), Van Evera (1998): defence dominance makes conquest, so war, rarer.

    Tolerance: wars started in steps 51-150 fall by at least a fifth (measured:
    815 -> 4 in 300 worlds; v1: by a third); before the shift the runs agree exactly.
    """
    p = WorldParams(n_states=6, p_greedy=0.2, offense_defense_balance=1.0)
    shift = p.replace(schedules={"offense_defense_balance": Schedule.step(at=50, to=4.0)})
    a = simulate(p, worlds=WORLDS, steps=150, seed=8, trajectories=True)
    b = simulate(shift, worlds=WORLDS, steps=150, seed=8, trajectories=True)
    wa, wb = a["wars"].values, b["wars"].values
    np.testing.assert_array_equal(wa[:, :51], wb[:, :51])
    assert wb[:, 51:].sum() < 0.8 * wa[:, 51:].sum()
