"""The explorer's computations and figures, without a browser."""

import math
from pathlib import Path

import numpy as np
import pytest

from herz.errors import ParameterError
from herz.explorer import compute, figures
from herz.world import simulate

SMALL = {"n_states": "4", "worlds": "6", "steps": "20", "seed": "3"}


def small(**changes):
    inputs, errors = compute.parse_inputs({**SMALL, **changes})
    assert errors == []
    assert inputs is not None
    return inputs


def test_defaults_parse():
    inputs, errors = compute.parse_inputs({})
    assert errors == []
    assert inputs == compute.DEFAULT_INPUTS


@pytest.mark.parametrize(("field", "value", "fragment"), [
    ("offense_defense_balance", "-1", "offense_defense_balance = -1.0: must be > 0"),
    ("offense_defense_balance", "0", "offense_defense_balance = 0.0:"),
    ("distinguishability", "1.5", "distinguishability = 1.5: must be in [0, 1]"),
    ("perception_noise", "abc", "perception_noise = 'abc':"),
    ("p_greedy", "nan", "p_greedy = nan:"),
    ("n_states", "1", "n_states = 1: must be in [2, 2000]"),
    ("worlds", "2.5", "worlds = 2.5: must be a whole number"),
    ("steps", "", "steps = (empty):"),
    ("seed", "-3", "seed = -3: must be a whole number >= 0"),
    ("mechanisms.war", "yes", "mechanisms.war = 'yes': must be true or false"),
])
def test_bad_values_give_messages_not_exceptions(field, value, fragment):
    inputs, errors = compute.parse_inputs({**SMALL, field: value})
    assert inputs is None
    assert len(errors) == 1
    assert fragment in errors[0]


def test_errors_read_with_the_form_labels():
    _, errors = compute.parse_inputs({**SMALL, "offense_defense_balance": "-1", "worlds": "x"})
    assert compute.label_errors(errors) == ["Worlds = 'x': must be a whole number between 1 and "
                                            "2000"]
    _, errors = compute.parse_inputs({**SMALL, "offense_defense_balance": "-1"})
    assert compute.label_errors(errors) == ["Offense-defense balance = -1.0: must be > 0"]


def test_sliders_and_switches_come_from_the_schema():
    from herz.world.schema import field_spec, world_fields

    for s in compute.sliders():
        spec = field_spec(s.name)
        assert s.default == spec.default
        assert s.lo <= s.default <= s.hi
        if spec.lo is not None and not spec.lo_open:
            assert s.lo == spec.lo
        if spec.hi is not None:
            assert s.hi == spec.hi
        assert spec.meaning in s.help and spec.source in s.help
        if s.options is not None:
            assert s.default in s.options and min(s.options) >= s.lo and max(s.options) <= s.hi
    mech = [f.name.split(".", 1)[1] for f in world_fields() if f.name.startswith("mechanisms.")]
    assert [w.name for w in compute.switches()] == mech and "misperception" in mech
    assert {w.name: w.default for w in compute.switches()} == compute.DEFAULT_INPUTS.mechanisms
    # the balance is a ratio open at 0: a log slider from a tenth to ten times the default
    odb = next(s for s in compute.sliders() if s.name == "offense_defense_balance")
    assert odb.options is not None and (odb.lo, odb.hi) == (0.1, 10.0)
    # the explorer keeps no second table of the world's labels, ranges or defaults
    src = (Path(compute.__file__)).read_text(encoding="utf-8")
    assert "0.02" not in src and "Jervis 1976" not in src


def test_every_mechanism_switch_reaches_the_world():
    for sw in compute.switches():
        inputs = small(**{f"mechanisms.{sw.name}": not sw.default})
        p = compute.world_params(inputs)
        assert getattr(p.mechanisms, sw.name) is (not sw.default), sw.name


def test_escape_study_scenario_and_defaults_note():
    form, base = compute.escape_study_values()
    assert form["n_states"] == 5 and form["steps"] == 100 and form["seed"] == 20250101
    assert form["mechanisms.signalling"] is True
    inputs, errors = compute.parse_inputs({k: v for k, v in form.items()}, base=base)
    assert errors == [] and inputs is not None
    assert compute.world_params(inputs, base).mechanisms.signalling
    note = compute.defaults_note()
    assert "Number of states 10" in note and "Number of states 5" in note
    assert "Costly signals (binding offence cut) on" in note


def test_signal_and_treaty_switches_say_what_they_do():
    names = {sw.name: sw.label for sw in compute.switches()}
    assert names["signalling"] == "Costly signals (binding offence cut)"
    assert names["arms_control"] == "Arms control (verified treaties)"
    assert compute.label("mechanisms.war") == "War"


def test_every_bad_field_is_reported():
    inputs, errors = compute.parse_inputs({"worlds": "x", "steps": "0", "bogus": 1})
    assert inputs is None
    assert [e.split(" =")[0] for e in errors] == ["worlds", "steps", "bogus"]
    assert errors[0] == "worlds = 'x': must be a whole number between 1 and 2000"


def test_world_params_checks_against_base():
    # a base out of range is refused by WorldParams itself, as a message
    inputs, errors = compute.parse_inputs(SMALL, base={"growth_rate": 0.9})
    assert inputs is None
    assert errors[0].startswith("growth_rate = 0.9:")


def test_presets_fill_the_form():
    names = compute.preset_choices()
    assert "cold-war" in names
    form, base = compute.preset_values("cold-war")
    assert form["n_states"] == 2
    assert form["mechanisms.signalling"] is True
    assert base["culture"] == "hobbesian"
    inputs, errors = compute.parse_inputs(form, base=base)
    assert errors == []
    p = compute.world_params(inputs, base)
    assert p.culture.value == "hobbesian"
    assert p.mechanisms.signalling


def test_preset_with_per_state_values_changes_size():
    inputs = small(n_states="3")
    p = compute.world_params(inputs, {"reaction": [0.1, 0.2]})
    assert p.reaction == pytest.approx(0.15)


def test_chunked_run_equals_one_batch_and_reports_progress():
    inputs = small()
    seen = []
    res = compute.run_worlds(inputs, chunk=4, n_samples=2,
                             progress=lambda done, total: seen.append((done, total)))
    assert seen == [(0, 6), (4, 6), (6, 6)]
    whole = simulate(res.params, worlds=6, steps=20, seed=3)
    assert res.outcomes["outcome"].tolist() == whole["outcome"].tolist()
    np.testing.assert_array_equal(res.outcomes["arms_end"], whole["arms_end"])
    assert res.samples.sizes["world"] == 2
    # the sample worlds are the first worlds of the batch
    assert list(res.samples["outcome"].values) == whole["outcome"].tolist()[:2]


def test_cancel_stops_between_chunks():
    calls = []

    def cancel():
        calls.append(1)
        return len(calls) > 1

    with pytest.raises(compute.Cancelled, match="after 3 of 6"):
        compute.run_worlds(small(), chunk=3, n_samples=1, cancel=cancel)


def test_outcome_shares_sum_to_one_with_intervals():
    res = compute.run_worlds(small(worlds="10"), n_samples=1)
    shares = compute.outcome_shares(res.outcomes)
    body = shares[shares["outcome"] != "escape"]
    assert body["count"].sum() == 10
    assert body["share"].sum() == pytest.approx(1.0)
    assert (shares["low"] <= shares["share"]).all()
    assert (shares["share"] <= shares["high"]).all()
    esc = shares.set_index("outcome").loc["escape"]
    assert esc["count"] == int(res.outcomes["escaped"].sum())
    with pytest.raises(ParameterError):
        compute.outcome_shares(res.outcomes.iloc[:0])


def test_jervis_point_matches_the_model():
    from herz.models import jervis

    p = compute.world_params(small(offense_defense_balance="0.5", distinguishability="0"))
    jp = compute.jervis_point(p)
    # d = 0 is rho = 1/2: the contest function at equal forces, p = 1/(1 + delta)
    assert jp["rho"] == 0.5
    assert jp["conquest_probability"] == pytest.approx(1 / 1.5)
    assert jp["world"] == 1 and "doubly dangerous" in jp["world_label"]
    # the world's own payoffs: v = tau = 0.2, L = tau + c = 0.25, k = B = 0.1
    assert jp["game_class"] == jervis.game_class(0.5, 0.0, war_gain=0.2, war_loss=0.25,
                                                 arms_cost=0.1).value
    # defence dominant and distinguishable: world 4, and a high balance reaches harmony
    jp4 = compute.jervis_point(p.replace(offense_defense_balance=30.0, distinguishability=0.9))
    assert jp4["world"] == 4
    assert jp4["game_class"] == "harmony"
    assert jp4["cooperation_threshold"] == 0.0


def test_jervis_convention_is_the_worlds_d():
    # in the world a lone builder's chance is (1 - d) / (1 + delta): the call into
    # herz.models.jervis must agree at any d (not only at the d = 0 of Jervis's worlds 1-2)
    for delta, d in ((0.5, 0.8), (2.0, 0.3), (1.0, 0.5)):
        p = compute.world_params(small()).replace(offense_defense_balance=delta,
                                                  distinguishability=d)
        assert compute.jervis_point(p)["conquest_probability"] == pytest.approx(
            (1 - d) / (1 + delta))


def test_jervis_labels_at_a_neutral_balance_name_the_boundary():
    p = compute.world_params(small())  # delta = 1, d = 0.5: the defaults
    jp = compute.jervis_point(p)
    assert jp["world"] is None and jp["worlds"] == [1, 2, 3, 4]
    assert not jp["world_description"].startswith("defense has the advantage")
    assert "neutral" in jp["world_description"]
    jp = compute.jervis_point(p.replace(distinguishability=0.9))
    assert jp["worlds"] == [3, 4] and "boundary of worlds 3" in jp["world_label"]
    assert "neither offense nor defense" in jp["world_description"]
    jp = compute.jervis_point(p.replace(offense_defense_balance=2.0, distinguishability=0.9))
    assert jp["worlds"] == [4] and jp["world_label"] == "world 4: doubly stable"
    assert jp["world_description"].startswith("defense has the advantage")


def test_sample_paths_table():
    res = compute.run_worlds(small(worlds="3"), n_samples=2)
    paths = compute.sample_paths(res.samples)
    assert list(paths.columns) == ["world", "year", "arms_mean", "trust_seekers", "outcome"]
    assert len(paths) == 2 * 21 and set(paths["world"]) == {0, 1}
    np.testing.assert_allclose(paths[paths.world == 1]["arms_mean"],
                               res.samples["arms_mean"][1])


def test_local_grid_contains_the_point_and_stays_in_range():
    b, d = compute.local_grid(1.0, 0.5)
    assert b == pytest.approx([0.5, 1.0, 2.0])
    assert d == pytest.approx([0.25, 0.5, 0.75])
    b, d = compute.local_grid(3.0, 0.95)
    assert 3.0 in b and 0.95 in d
    assert all(0.0 <= x <= 1.0 for x in d)
    b, d = compute.local_grid(2.0, 0.0, size=1)
    assert b == [2.0] and d == [0.0]
    with pytest.raises(ParameterError):
        compute.local_grid(1.0, 0.5, size=0)


def test_escape_map_cells():
    inputs = small(worlds="4")
    seen = []
    cells = compute.escape_map(inputs, balances=[0.5, 2.0], distinguishabilities=[0.5],
                               worlds=4, steps=15,
                               progress=lambda done, total: seen.append(done))
    assert len(cells) == 2 and seen == [1, 2]
    assert cells["current"].tolist() == [False, False]
    assert ((cells["low"] <= cells["p_escape"]) & (cells["p_escape"] <= cells["high"])).all()
    # each cell is the world model at that point with the run's seed
    p = compute.world_params(inputs).replace(offense_defense_balance=2.0)
    ref = simulate(p, worlds=4, steps=15, seed=3)
    assert cells["escaped"].iloc[1] == int(ref["escaped"].sum())
    with pytest.raises(compute.Cancelled):
        compute.escape_map(inputs, worlds=2, steps=5, cancel=lambda: True)


def test_network_layout_and_figures():
    res = compute.run_worlds(small(n_states="5", worlds="3"), n_samples=2)
    net = compute.network(res.samples, world=1)
    assert net["positions"].shape == (5, 2)
    assert np.allclose(np.hypot(*net["positions"].T), 1.0)
    assert len(net["edges"]) == 10
    assert all(-1.0 <= s <= 1.0 for _, _, s in net["edges"])
    assert net["step"] == 20 and net["world"] == 1
    shares = compute.outcome_shares(res.outcomes)
    cells = compute.escape_map(small(worlds="2"), balances=[1.0], distinguishabilities=[0.5],
                               worlds=2, steps=5)
    for fig in (figures.trajectories_figure(res.samples), figures.network_figure(net),
                figures.outcomes_figure(shares), figures.escape_map_figure(cells)):
        assert fig.axes
        from herz.plot import plt

        plt.close(fig)


def test_network_outlines_communities():
    net = {"positions": np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]]),
           "greedy": np.array([False, False, True, False]),
           "community": np.array([0, 0, -1, 1]),
           "edges": [(0, 1, 0.8), (1, 2, -0.6), (2, 3, 0.0)], "trust": [0.9, 0.1, 0.5],
           "step": 3, "world": 0}
    fig = figures.network_figure(net)
    polys = [p for p in fig.axes[0].patches if p.get_linestyle() == "--"]
    assert len(polys) == 2  # one outline per community, single members included
    assert not math.isnan(polys[0].get_xy()[:, 0].mean())
