"""Routes of issue 20: pair masks read by the mechanisms, costs, factorials, shared thresholds."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from herz.analysis.estimands import interaction
from herz.studies.branching import (
    FACTORIAL,
    PRIMARY,
    ROUTES,
    Arm,
    arm_name,
    branch_entries,
    realist,
    reference_arms,
    route_arms,
    run_trunk,
    signal_outlay,
)
from herz.studies.escape_routes import VARIANTS, Variant
from herz.world import WorldParams
from herz.world.arms_control import TREATY_FORCED, TREATY_PAIRS
from herz.world.community import COMMUNITY_PAIRS, INSTITUTIONS
from herz.world.episodes import EpisodeRule
from herz.world.noise import world_keys
from herz.world.signalling import SIGNAL_SENDERS, SIGNAL_SENT
from herz.world.state import WorldState, initial_state
from herz.world.step import step

#: Every mechanism a mask touches on, in a world that races (as tests/studies/test_branching.py).
MECH = dataclasses.replace(WorldParams().mechanisms, misperception=True, signalling=True,
                           arms_control=True, community=True)
PARAMS = WorldParams(n_states=4, race_growth=0.02, entry_trust_fall=0.0, burn_in=10,
                     p_greedy=0.2, mechanisms=MECH)
LOOSE = PARAMS.replace(mechanisms=dataclasses.replace(MECH, signalling=False, arms_control=False,
                                                      community=False))
WORLDS, STEPS = 60, 25


def _run(params: WorldParams, masks: dict[str, np.ndarray] | None = None, steps: int = STEPS,
         seed: int = 5) -> tuple[WorldState, list[dict[str, np.ndarray]]]:
    state = initial_state(params, world_keys(seed, WORLDS), np.arange(WORLDS))
    state.mech.update({k: v.copy() for k, v in (masks or {}).items()})
    seen = []
    for _ in range(steps):
        step(state, params)
        seen.append({"sent": state.mech.get(SIGNAL_SENT, np.zeros((WORLDS, 4), bool)).copy(),
                     "treaty": state.arms_control.copy(),
                     "inst": state.mech[INSTITUTIONS].copy(),
                     "offense": state.offense.copy(), "logodds": state.logodds.copy()})
    return state, seen


def _same(a: list[dict[str, np.ndarray]], b: list[dict[str, np.ndarray]]) -> bool:
    return all(np.array_equal(x[k], y[k]) for x, y in zip(a, b, strict=True) for k in x)


def _pair_masks() -> tuple[np.ndarray, np.ndarray]:
    states = np.zeros((WORLDS, 4), dtype=bool)
    states[:, [0, 1]] = True
    pairs = np.zeros((WORLDS, 4, 4), dtype=bool)
    pairs[:, 0, 1] = True  # one direction: the mechanisms symmetrise
    return states, pairs


def test_masks_that_allow_everything_are_the_system_wide_mechanism_bit_for_bit():
    ones_s = np.ones((WORLDS, 4), dtype=bool)
    ones_p = np.ones((WORLDS, 4, 4), dtype=bool)
    _, free = _run(PARAMS)
    _, masked = _run(PARAMS, {SIGNAL_SENDERS: ones_s, TREATY_PAIRS: ones_p,
                              COMMUNITY_PAIRS: ones_p})
    assert _same(free, masked)
    assert any(s["sent"].any() for s in free) and any(s["treaty"].any() for s in free)
    assert any((s["inst"] > 0).any() for s in free)


def test_pair_masks_confine_signals_treaties_and_institutions_to_the_pair():
    states, pairs = _pair_masks()
    _, free = _run(PARAMS)
    _, seen = _run(PARAMS, {SIGNAL_SENDERS: states, TREATY_PAIRS: pairs, COMMUNITY_PAIRS: pairs})
    other = ~(pairs | np.swapaxes(pairs, 1, 2))
    for s in seen:
        assert not s["sent"][:, 2:].any()
        assert not (s["treaty"] & other).any()
        assert not (s["inst"][other] > 0).any()
    # the system-wide run has signals, treaties and institutions outside the pair
    assert any(s["sent"][:, 2:].any() for s in free)
    assert any((s["treaty"] & other).any() for s in free)
    # and the pair itself still uses them
    assert any(s["sent"][:, :2].any() for s in seen)
    assert any((s["inst"][:, 0, 1] > 0).any() for s in seen)


def test_a_forced_treaty_binds_the_pair_every_year_at_peace():
    _, pairs = _pair_masks()
    params = PARAMS.replace(treaty_cost=50.0)  # nobody gains from a treaty: none is signed
    _, free = _run(params)
    assert not any(s["treaty"].any() for s in free)
    state = initial_state(params, world_keys(5, WORLDS), np.arange(WORLDS))
    state.mech.update({TREATY_PAIRS: pairs.copy(), TREATY_FORCED: pairs.copy()})
    years = 0
    for _ in range(STEPS):
        at_peace = ~(state.at_war[:, 0, 1] | state.at_war[:, 1, 0]) & state.alive[:, :2].all(1) \
            & state.relevant[:, 0, 1] & state.relevant[:, 1, 0]
        step(state, params)
        alarm = state.mech["treaty.alarms"][:, 0, 1] | state.mech["treaty.alarms"][:, 1, 0]
        # in force after monitoring unless an alarm ended it this year
        bound = at_peace & ~alarm & state.alive[:, :2].all(1)
        assert state.arms_control[bound, 0, 1].all() and state.arms_control[bound, 1, 0].all()
        assert not state.arms_control[:, 2:, :].any()
        years += int(bound.sum())
    assert years > WORLDS


@pytest.mark.parametrize("route", [r for r in ROUTES if r.scope == "pair"], ids=lambda r: r.name)
def test_a_pair_route_at_dose_zero_sets_no_mask_and_at_dose_one_does(route):
    state = initial_state(LOOSE, world_keys(1, 3), np.arange(3))
    i, j = np.array([0, 1, 2]), np.array([1, 3, 3])
    Arm("x", "route", ((route.name, 0.0),)).prepare(state, i, j)
    assert state.mech == {}
    Arm("x", "route", ((route.name, 1.0),)).prepare(state, i, j)
    assert state.mech, route.name
    for v in state.mech.values():
        m = v if v.ndim == 2 else v.any(axis=2)
        np.testing.assert_array_equal(m.sum(axis=1), 2)  # the pair's two states only
        assert m[np.arange(3), i].all() and m[np.arange(3), j].all()


def test_routes_declare_scope_mode_and_cost():
    names = {r.name: r for r in ROUTES}
    assert {"costly_signals", "arms_control", "pair_signals", "pair_treaty",
            "pair_community"} <= set(names)
    assert names["pair_treaty"].scope == "pair" and names["pair_treaty"].mode == "forced"
    assert names["arms_control"].scope == "system" and names["arms_control"].mode == "option"
    for r in ROUTES:
        assert r.scope in ("system", "pair") and r.mode in ("option", "forced")
        priced = r.name in ("costly_signals", "pair_signals")
        assert ("output-years" in r.cost) == priced, r.name
    # dose 0.5 of signals and arms control is the world's own strength
    half = names["costly_signals"].apply(LOOSE, 0.5)
    assert half.mechanisms.signalling and half.signal_cost == LOOSE.signal_cost
    assert names["arms_control"].apply(LOOSE, 0.5).verification == LOOSE.verification


def test_realist_arm_switches_arms_control_off_too():
    p = realist(PARAMS)
    assert not (p.mechanisms.arms_control or p.mechanisms.signalling or p.mechanisms.community)
    assert p.offensive_realism and p.perspective_taking == 0.0


def test_factorial_arms_are_two_by_twos_system_wide_and_for_the_pair():
    arms = {a.name: a for a in route_arms([0.5])}
    for combo in FACTORIAL:
        assert len(combo) == 2
        assert arm_name(combo) in arms and arms[arm_name(combo)].kind == "factorial"
        for cell in combo:  # the single cells at the factor's dose are there too
            assert arms[arm_name([cell])].kind == "route"
    scopes = {arms[arm_name(c)].scope for c in FACTORIAL}
    assert scopes == {"system", "pair"}


def test_interaction_is_the_joint_effect_beyond_the_sum_on_the_same_entries():
    rows = []
    # two worlds, one entry each; exits (1) or not (0) by arm
    exits = {"control": (0, 0), "a": (1, 0), "b": (0, 1), "ab": (1, 1)}  # additive: 0
    for arm, ys in exits.items():
        for w, y in enumerate(ys):
            rows.append({"point": 0, "world": w, "t_entry": 40, "i": 0, "j": 1, "arm": arm,
                         "kind": "route", "dose": 1.0, "end": "exit" if y else "open",
                         "end_year": 12 if y else 30, "exit_year": 3 if y else -1, "follow": 30})
    t = pd.DataFrame(rows)
    est = interaction(t, 25, "a", "b", "ab", replicates=50)
    assert est["exit"] == 0.0 and est["entries"] == 2
    t.loc[(t["arm"] == "ab") & (t["world"] == 1), ["end", "exit_year"]] = ["open", -1]
    est = interaction(t, 25, "a", "b", "ab", replicates=50)
    assert est["exit"] == pytest.approx(-0.5)  # (0.5 - 0) - 0.5 - 0.5 + 0


@pytest.fixture(scope="module")
def shared():
    rules = {"same": EpisodeRule.from_params(LOOSE), "k=2": EpisodeRule.from_params(
        LOOSE, race_years=2), "m=5": EpisodeRule.from_params(LOOSE, exit_years=5)}
    plain = run_trunk(LOOSE, 40, 3, 15)
    both = run_trunk(LOOSE, 40, 3, 15, rules=rules)
    arms = [*reference_arms(), Arm("costly_signals@1", "route", (("costly_signals", 1.0),)),
            Arm("arms_control@1", "route", (("arms_control", 1.0),))]
    return plain, both, branch_entries(both, arms, 30, variant_arms=("control", "realist"))


def test_threshold_variants_do_not_change_the_primary_entries(shared):
    plain, both, _ = shared
    np.testing.assert_array_equal(plain.entered, both.entered)
    a = pd.DataFrame([(e.t, w, i, j) for e in plain.entries
                      for w, i, j in zip(e.world, e.i, e.j, strict=True)])
    rows = [(e.t, w, i, j) for e in both.entries for w, i, j, m in
            zip(e.world, e.i, e.j, e.of(PRIMARY)[0], strict=True) if m]
    assert a.values.tolist() == [list(r) for r in rows]
    assert both.entered_by["k=2"].sum() >= 1


def test_a_variant_equal_to_the_primary_rule_reads_the_same_table(shared):
    plain, _, table = shared
    cols = ["world", "t_entry", "i", "j", "arm", "end", "end_year", "exit_year"]
    prim = table[(table["spec"] == PRIMARY) & table["arm"].isin(["control", "realist"])]
    same = table[table["spec"] == "same"]
    pd.testing.assert_frame_equal(prim[cols].reset_index(drop=True),
                                  same[cols].reset_index(drop=True))
    # and the primary rows are those of a trunk without variants
    alone = branch_entries(plain, reference_arms(), 30)
    pd.testing.assert_frame_equal(prim[cols].reset_index(drop=True),
                                  alone[cols].reset_index(drop=True))


def test_variants_run_the_reference_arms_only_and_routes_carry_their_cost(shared):
    _, _, table = shared
    assert set(table.loc[table["spec"] != PRIMARY, "arm"]) == {"control", "realist"}
    assert set(table["spec"]) == {PRIMARY, "same", "k=2", "m=5"}
    free = table[~table["arm"].str.startswith("costly_signals")]
    assert (free["cost"] == 0).all()
    sig = table[table["arm"] == "costly_signals@1"]
    assert (sig["cost"] > 0).any() and (sig["cost"] >= 0).all()


def test_signal_outlay_is_the_scrapped_offence_in_output_years():
    params = PARAMS
    state = initial_state(params, world_keys(2, 5), np.arange(5))
    state.mech[SIGNAL_SENT] = np.array([[1, 0, 1, 0]] * 5, dtype=bool)
    np.testing.assert_allclose(signal_outlay(state, params),
                               2 * params.signal_cost * params.budget_share)
    assert not signal_outlay(state, LOOSE).any()  # signalling off: nothing paid


def test_threshold_variants_are_read_on_the_primary_worlds():
    shared_ = [v.name for v in VARIANTS if v.thresholds_only]
    assert {"k=2", "k=5", "m=5", "m=15"} <= set(shared_)
    assert not Variant("sequential", "", {"update_order": "sequential"}).thresholds_only
    assert not Variant("primary", "none").thresholds_only


class _Region:
    """A stand-in for herz.analysis.plausible.PlausibleRegion (its documented API)."""

    parameters = ("p_greedy", "war_intercept")
    draws = ({"p_greedy": 0.11, "war_intercept": -5.0}, {"p_greedy": 0.31, "war_intercept": -3.0})
    source = "stub"

    def sample(self, n, rng):
        idx = np.random.default_rng(rng).integers(0, len(self.draws), n)
        return [dict(self.draws[k]) for k in idx]


def test_draws_come_from_the_plausible_region_where_the_fit_varied_a_parameter():
    from herz.studies.escape_routes import DEFAULT_RANGES, parameter_draws

    plain = parameter_draws(12, 5)
    fit = parameter_draws(12, 5, _Region())
    assert set(fit["p_greedy"]) <= {0.11, 0.31} and set(fit["war_intercept"]) <= {-5.0, -3.0}
    assert fit["p_greedy"].nunique() == 2  # resampled, not one draw repeated
    for r in DEFAULT_RANGES:  # the parameters the fit did not vary keep their ranges
        if r.name not in _Region.parameters:
            pd.testing.assert_series_equal(fit[r.name], plain[r.name])
    pd.testing.assert_frame_equal(parameter_draws(12, 5, _Region()), fit)


def test_the_report_says_what_e_is_averaged_over():
    from types import SimpleNamespace

    from herz.report.escape import averaged_over

    res = SimpleNamespace(meta={"draws_from": "plausible region", "fitted": ["p_greedy"],
                                "region_source": "x"})
    assert "plausible draws of the history fit" in averaged_over(res)
    res.meta = {"draws_from": "default ranges", "region_source": "file missing"}
    assert averaged_over(res).startswith("documented default ranges") \
        and "file missing" in averaged_over(res)


def test_routes_followed_h_plus_m_minus_1_years_see_every_outcome_within_h(shared):
    # the study follows the routes H + m - 1 years (they are read at H only): every exit
    # dated within H, every war and predation within H and the years in the dilemma are
    # those of the full follow-up; the reference arms keep the full follow-up
    from herz.analysis.estimands import entry_indicators

    _, both, full = shared
    h, m = 12, EpisodeRule.from_params(LOOSE).exit_years
    arms = [*reference_arms(), Arm("costly_signals@1", "route", (("costly_signals", 1.0),)),
            Arm("arms_control@1", "route", (("arms_control", 1.0),))]
    short = branch_entries(both, arms, 30, variant_arms=("control", "realist"),
                           route_follow=h + m - 1)
    routes = short["arm"].isin(["costly_signals@1", "arms_control@1"])
    assert (short.loc[routes, "follow"] == h + m - 1).all() and routes.any()
    assert (short.loc[~routes, "follow"] == 30).all()
    key = ["spec", "arm", "world", "t_entry", "i", "j"]
    a = entry_indicators(full, h).sort_values(key).reset_index(drop=True)
    b = entry_indicators(short, h).sort_values(key).reset_index(drop=True)
    cols = [*key, "exit_h", "war_h", "predation_h", "years_h"]
    pd.testing.assert_frame_equal(a[cols], b[cols])
    # and the cut is real: some route spell still open at H + m - 1 was followed further
    assert (full.loc[full["arm"].isin(["costly_signals@1", "arms_control@1"]), "end_year"]
            > h + m - 1).any()
    ref = ~full["arm"].isin(["costly_signals@1", "arms_control@1"])
    pd.testing.assert_frame_equal(full[ref].reset_index(drop=True),
                                  short[~routes].reset_index(drop=True))
