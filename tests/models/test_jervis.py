"""herz.models.jervis: the security game, four worlds, class map (issues 3, 14)."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from herz.errors import ParameterError
from herz.models import jervis as jm
from herz.models.games import GameClass

FAST = settings(max_examples=80, deadline=None)
KW = {"war_gain": 1, "war_loss": 2, "arms_cost": 0.4}


def test_payoffs_follow_models_2_3():
    # delta = 1 (neutral), d = 0 (rho = 1/2): p = 1/2; v = 1, L = 2, k = 0.4, s = 0:
    # CC = 0, DC = 0.5 - 0.4 = 0.1, CD = -1, DD = -0.4  -> R, S, T, P = 0, -1, 0.1, -0.4
    g = jm.security_game(1.0, 0.0, **KW)
    assert g.rstp() == pytest.approx((0.0, -1.0, 0.1, -0.4), abs=1e-15)
    assert g.strategies == ("C", "D")
    assert jm.conquest_probability(1.0) == 0.5
    assert jm.conquest_probability(0.5) == pytest.approx(2 / 3)


def test_one_name_one_meaning_with_the_world():
    # issue 14: d in [0, 1] as in the world, Jervis's rho = (1 + d)/2 derived; the payoff
    # parameters carry the world's names
    from herz.world.offense_defense import jervis_payoffs
    from herz.world.params import WorldParams

    world_fields = set(WorldParams.__dataclass_fields__)
    params = set(inspect.signature(jm.security_game).parameters)
    assert {"offense_defense_balance", "distinguishability"} <= params & world_fields
    assert {"war_gain", "war_loss", "arms_cost"} <= params
    assert not {"gain", "loss", "cost"} & params
    # world v2 has no payoff parameters of its own: the game at its payoffs is derived
    w = WorldParams()
    pay = jervis_payoffs(w)
    assert pay["gain"] == w.war_transfer and pay["cost"] == w.budget_share
    assert jm.rho(0.0) == 0.5 and jm.rho(1.0) == 1.0 and jm.rho(0.5) == 0.75
    # p_eff = (1 - d)/(1 + delta): d = 0.5 halves the chance of conquest
    assert jm.conquest_probability(1.0, 0.5) == pytest.approx(0.25)
    with pytest.raises(ParameterError, match="distinguishability"):
        jm.rho(1.5)


@FAST
@given(delta=st.floats(0.01, 50), v=st.floats(0.1, 5), extra=st.floats(0, 5),
       k=st.floats(0.05, 5), d=st.floats(0.0, 0.98))
def test_regime_matches_models_conditions(delta, v, extra, k, d):
    loss = v + extra
    p = (1 - d) / (1 + delta)  # p_eff; = 1/(1+delta) at d = 0
    cls = jm.game_class(delta, d, war_gain=v, war_loss=loss, arms_cost=k)
    margin = 1e-9 * max(1.0, k)
    if p * v > k + margin:
        assert cls is GameClass.PRISONERS_DILEMMA
    elif p * loss < k - margin:
        assert cls is GameClass.HARMONY
    elif p * v < k - margin and p * loss > k + margin:
        assert cls is GameClass.STAG_HUNT
        q = jm.trust_threshold(delta, d, war_gain=v, war_loss=loss, arms_cost=k)
        assert q == pytest.approx((p * loss - k) / (p * (loss - v)), rel=1e-9, abs=1e-12)


@FAST
@given(delta=st.floats(0.01, 50), shift=st.floats(-100, 100))
def test_status_quo_shift_changes_nothing(delta, shift):
    assert jm.game_class(delta, 0.2, status_quo=shift) is jm.game_class(delta, 0.2)


def test_q_star_falls_linearly_in_delta_inside_stag_band():
    # d = 0: q* = [L - k(1+delta)]/(L - v); slope -k/(L - v) = -0.4 for v=1, L=2, k=0.4
    deltas = np.linspace(1.6, 3.9, 7)
    qs = np.array([jm.trust_threshold(d, **KW) for d in deltas])
    assert np.allclose(qs, 2 - 0.4 * (1 + deltas), atol=1e-12)


def test_regime_boundaries():
    assert jm.regime_boundaries(**KW) == pytest.approx((1.5, 4.0))
    # d = 0.5 (rho = 0.75) halves p_eff: 0.5*v/k - 1 = 0.25, 0.5*L/k - 1 = 1.5
    assert jm.regime_boundaries(0.5, **KW) == pytest.approx((0.25, 1.5))


def test_distinguishable_limit_is_harmony():
    for delta in (0.01, 0.5, 1.0, 10.0):
        assert jm.game_class(delta, 1.0) is GameClass.HARMONY


def test_four_worlds_defaults():
    worlds = jm.four_worlds()
    assert [w.number for w in worlds] == [1, 2, 3, 4]
    by = {w.number: w for w in worlds}
    assert by[1].offense_dominant and not by[1].distinguishable
    assert by[1].distinguishability == 0.0 and by[3].distinguishability == 0.8
    assert by[1].game_class is GameClass.PRISONERS_DILEMMA and by[1].cooperation_threshold is None
    # world 2: delta = 2, d = 0: q* = [2 - 0.4*3]/(2 - 1) = 0.8
    assert by[2].game_class is GameClass.STAG_HUNT
    assert by[2].cooperation_threshold == pytest.approx(0.8, abs=1e-12)
    assert by[3].game_class is GameClass.HARMONY and by[4].game_class is GameClass.HARMONY
    assert "doubly dangerous" in by[1].label and "doubly stable" in by[4].label


def test_world_of_quadrants():
    assert jm.world_of(0.5, 0.0) == 1
    assert jm.world_of(2.0, 0.0) == 2
    assert jm.world_of(0.5, 0.8) == 3
    assert jm.world_of(2.0, 0.8) == 4
    assert jm.world_of(1.0, 0.0) == 2  # delta = 1 is not offense dominance
    # the cut d = 0.5 is Jervis's rho = 0.75
    assert jm.world_of(0.5, 0.49) == 1 and jm.world_of(0.5, 0.5) == 3


def test_class_map_shape_and_entries():
    odb = [0.5, 1.5, 2.0, 9.0]
    dist = [0.0, 1.0]
    m = jm.class_map(odb, dist, **KW)
    assert m.shape == (4, 2)
    assert list(m[:, 0]) == [GameClass.PRISONERS_DILEMMA, GameClass.BOUNDARY,
                             GameClass.STAG_HUNT, GameClass.HARMONY]
    assert all(c is GameClass.HARMONY for c in m[:, 1])
    assert m[2, 0] == "stag hunt"
    q = jm.threshold_map(odb, dist, **KW)
    assert np.isnan(q[0, 0]) and q[2, 0] == pytest.approx(0.8)


def test_class_map_figure_lives_in_herz_plot():
    # issue 14: herz.models imports no plotting; the figure is presentation (herz.plot)
    from herz.plot import jervis_class_map

    assert not hasattr(jm, "plot_class_map")
    fig = jervis_class_map(np.geomspace(0.1, 10, 12), np.linspace(0.0, 1, 6))
    assert fig.axes and fig.axes[0].get_xscale() == "log"


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"offense_defense_balance": 0.0}, "offense_defense_balance"),
    ({"offense_defense_balance": 1.0, "distinguishability": -0.1}, "distinguishability"),
    ({"offense_defense_balance": 1.0, "distinguishability": 1.2}, "distinguishability"),
    ({"offense_defense_balance": 1.0, "war_gain": 2.0, "war_loss": 1.0}, "war_loss"),
    ({"offense_defense_balance": 1.0, "arms_cost": 0.0}, "arms_cost"),
])
def test_bad_parameters(kwargs, field):
    with pytest.raises(ParameterError) as err:
        jm.security_game(**kwargs)
    assert err.value.field == field
