"""The explorer's computations and figures, without a browser."""

import math

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
    ("offense_defense_balance", "-1", "offense_defense_balance = -1: must be a number in (0, 100]"),
    ("offense_defense_balance", "0", "offense_defense_balance = 0:"),
    ("distinguishability", "1.5", "distinguishability = 1.5: must be a number between 0 and 1"),
    ("perception_noise", "abc", "perception_noise = 'abc':"),
    ("p_greedy", "nan", "p_greedy = nan:"),
    ("n_states", "1", "n_states = 1: must be a whole number between 2 and 100"),
    ("worlds", "2.5", "worlds = 2.5: must be a whole number"),
    ("steps", "", "steps = (empty):"),
    ("seed", "-3", "seed = -3: must be a whole number >= 0"),
])
def test_bad_values_give_messages_not_exceptions(field, value, fragment):
    inputs, errors = compute.parse_inputs({**SMALL, field: value})
    assert inputs is None
    assert len(errors) == 1
    assert fragment in errors[0]


def test_every_bad_field_is_reported():
    inputs, errors = compute.parse_inputs({"worlds": "x", "steps": "0", "bogus": 1})
    assert inputs is None
    assert [e.split(" =")[0] for e in errors] == ["worlds", "steps", "bogus"]


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
    assert form["signalling"] is True
    assert base["culture"] == "hobbesian"
    raw = {k: str(v) for k, v in form.items() if k != "signalling"}
    inputs, errors = compute.parse_inputs(raw | {"signalling": True}, base=base)
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
    assert jp["world"] == 1
    # the world's own payoffs: v = tau = 0.2, L = tau + c = 0.25, k = B = 0.1
    assert jp["game_class"] == jervis.game_class(0.5, 0.0, war_gain=0.2, war_loss=0.25,
                                                 arms_cost=0.1).value
    # defence dominant and distinguishable: world 4, and a high balance reaches harmony
    jp4 = compute.jervis_point(p.replace(offense_defense_balance=30.0, distinguishability=0.9))
    assert jp4["world"] == 4
    assert jp4["game_class"] == "harmony"
    assert jp4["cooperation_threshold"] == 0.0


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
