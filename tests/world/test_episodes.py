"""The episode detector of DESIGN section 3 on hand-made trajectories.

Each world below is built year by year so the expected entry, exit, route and
competing outcome follow from the rule's definitions by hand (k = 3, x = 0.1,
m = 10, g_r = 0.08, burn-in 5 unless stated).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from herz.errors import ParameterError
from herz.world.episodes import (
    SPELL_COLUMNS,
    WORLD_COLUMNS,
    EpisodeDetector,
    EpisodeRule,
    detect_episodes,
    race_year,
)

T = 60
RULE = EpisodeRule(burn_in=5)


def calm_world(n: int = 2, steps: int = T) -> dict[str, np.ndarray]:
    """One world, flat spending 1 (cap 10), trust 0.8 everywhere, all seekers alive."""
    t1 = steps + 1
    off = ~np.eye(n, dtype=bool)
    return {
        "spending": np.ones((1, t1, n)),
        "cap": np.full((1, t1, n), 10.0),
        "mistrust": np.where(off, 0.2, 0.0) * np.ones((1, t1, 1, 1)),
        "seeker": np.ones((1, n), dtype=bool),
        "alive": np.ones((1, t1, n), dtype=bool),
        "war_cause": np.zeros((1, t1, n, n), dtype=np.int8),
        "dispute": np.zeros((1, t1, n, n), dtype=bool),
        "institutions": np.zeros((1, t1, n, n)),
        "identity": np.zeros((1, t1, n, n)),
    }


def race(world: dict[str, np.ndarray], start: int, years: int = 5, pair: tuple[int, int] = (0, 1),
         recover: bool = True, trust_after: float = 0.85) -> None:
    """Both members grow 10% a year in years start..start+years-1 while trust falls 0.05 a year.

    With ``recover`` spending is flat afterwards and trust is ``trust_after``;
    otherwise spending stays at its new level and trust stays low.
    """
    i, j = pair
    s = world["spending"]
    for t in range(start, start + years):
        for a in (i, j):
            s[0, t:, a] = s[0, t - 1, a] * 1.10
    mu = world["mistrust"]
    base = 1.0 - mu[0, start - 1, i, j]
    for t in range(start, start + years):
        tr = base - 0.05 * (t - start + 1)
        mu[0, t:, i, j] = mu[0, t:, j, i] = 1.0 - tr
    if recover:
        mu[0, start + years:, i, j] = mu[0, start + years:, j, i] = 1.0 - trust_after


def one(world: dict[str, np.ndarray], rule: EpisodeRule = RULE):
    return detect_episodes(world, rule)


def test_race_enters_and_exits_mitigated_and_durable():
    w = calm_world()
    race(w, 10)
    res = one(w)
    s = res.spells
    assert list(s.columns) == list(SPELL_COLUMNS)
    assert list(res.worlds.columns) == list(WORLD_COLUMNS)
    assert len(s) == 1
    row = s.iloc[0]
    # growth >= 8% in years 10, 11, 12: a race from year 12; trust 0.8 -> 0.65 over 9..12
    assert row["entry_year"] == 12 and row["time_to_entry"] == 7
    assert row["pre_entry_trust"] == pytest.approx(0.8)
    # calm from year 15 (flat spending, trust 0.85 >= max(0.8, 0.7)); 10 calm years
    assert row["exit_year"] == 15 and row["end"] == "exit" and row["route"] == "mitigated"
    assert bool(row["durable"]) and not row["censored"] and not row["at_start"]
    wr = res.worlds.iloc[0]
    assert wr["entered"] and wr["exited"] and wr["exit_route"] == "mitigated"
    assert wr["time_to_entry"] == 7 and wr["time_to_exit"] == 3
    assert wr["path"] == "entered>mitigated" and wr["outcome"] == "mitigated" and wr["escaped"]


def test_exit_needs_trust_back_to_its_pre_entry_level():
    w = calm_world()
    race(w, 10, trust_after=0.75)  # above 0.7 but below the pre-entry 0.8: never calm
    s = one(w).spells
    assert s.iloc[0]["end"] == "censored" and np.isnan(s.iloc[0]["exit_year"])
    assert one(w).worlds.iloc[0]["outcome"] == "unresolved"  # censored, not fatalism


def test_transcended_when_institutions_and_identity_pass_their_thresholds():
    w = calm_world()
    race(w, 10)
    w["institutions"][0, 20:] = 0.6
    w["identity"][0, 20:] = 0.6
    res = one(w)
    assert res.spells.iloc[0]["route"] == "transcended"
    assert res.worlds.iloc[0]["exit_route"] == "transcended"
    w["identity"][0, 20:] = 0.4  # identity short of 0.5: mitigated
    assert one(w).spells.iloc[0]["route"] == "mitigated"


def test_re_entry_is_a_new_spell_and_makes_the_first_exit_not_durable():
    w = calm_world()
    race(w, 10)
    race(w, 30)  # entry at 32, 17 years after the exit year 15
    res = one(w)
    s = res.spells.sort_values("entry_year")
    assert s["entry_year"].tolist() == [12, 32]
    assert s["end"].tolist() == ["exit", "exit"] and s["exit_year"].tolist() == [15, 35]
    assert s["durable"].tolist() == [False, True]
    wr = res.worlds.iloc[0]
    assert wr["n_entries"] == 2 and wr["n_exits"] == 2
    assert wr["path"] == "entered>mitigated>entered>mitigated"


def test_durable_undecided_when_the_run_ends_within_the_durable_window():
    w = calm_world(steps=40)
    race(w, 10)  # exit year 15, confirmed 24; 40 - 15 = 25 > 20: decided
    assert bool(one(w).spells.iloc[0]["durable"])
    w = calm_world(steps=30)
    race(w, 10)
    assert pd.isna(one(w).spells.iloc[0]["durable"])


def test_a_war_between_the_seekers_ends_the_spell_by_its_cause():
    w = calm_world()
    race(w, 10)
    w["war_cause"][0, 16, 1, 0] = 2  # preemption by 1 against 0, before the exit is confirmed
    res = one(w)
    row = res.spells.iloc[0]
    assert row["end"] == "war" and row["war_cause"] == "preemption" and row["end_year"] == 16
    assert np.isnan(row["exit_year"]) and row["route"] == "none"
    wr = res.worlds.iloc[0]
    assert wr["path"] == "entered>war:preemption" and wr["outcome"] == "war"
    assert wr["n_wars_preemption"] == 1 and wr["n_wars_predation"] == 0
    assert not wr["exited"]


def test_predation_by_a_third_state_and_death_of_a_member_are_competing_outcomes():
    w = calm_world(n=3)
    w["seeker"][0, 2] = False
    race(w, 10)
    w["war_cause"][0, 14, 2, 1] = 1  # the greedy state 2 preys on member 1
    row = one(w).spells.iloc[0]
    assert row["end"] == "predation" and row["end_year"] == 14
    w = calm_world()
    race(w, 10)
    w["alive"][0, 18:, 0] = False
    res = one(w)
    assert res.spells.iloc[0]["end"] == "death" and res.spells.iloc[0]["end_year"] == 18
    assert res.worlds.iloc[0]["n_states_dead"] == 1


def test_a_spiral_running_at_the_horizon_is_censored():
    w = calm_world()
    race(w, 40, years=5, recover=False)
    res = one(w)
    row = res.spells.iloc[0]
    assert row["censored"] and row["end"] == "censored" and row["end_year"] == T
    assert row["duration"] == T - 42
    assert res.worlds.iloc[0]["path"] == "entered>censored"
    assert res.worlds.iloc[0]["outcome"] == "unresolved"


def test_a_race_held_at_the_budget_ceiling_is_not_an_exit():
    w = calm_world()
    race(w, 10)
    w["cap"][0, 14:] = w["spending"][0, 14:] / 0.96  # flat, trust back, but at 96% of the cap
    assert one(w).spells.iloc[0]["end"] == "censored"


def test_a_dispute_restarts_the_count_of_calm_years():
    w = calm_world()
    race(w, 10)
    w["dispute"][0, 20, 0, 1] = True  # calm 15..19, dispute at 20, calm again from 21
    row = one(w).spells.iloc[0]
    assert row["exit_year"] == 21
    assert one(w).worlds.iloc[0]["n_disputes"] == 1


def test_a_pair_already_in_the_dilemma_at_burn_in_is_reported_apart():
    w = calm_world()
    race(w, 10, recover=False)  # entry at 12, still in at burn-in 20
    res = one(w, EpisodeRule(burn_in=20))
    row = res.spells.iloc[0]
    assert row["at_start"] and row["end"] == "censored"
    wr = res.worlds.iloc[0]
    assert not wr["entered"] and wr["n_spells_at_start"] == 1
    assert wr["outcome"] == "no_dilemma" and not wr["escaped"] and wr["path"] == "none"


def test_a_spell_over_before_burn_in_is_not_measured():
    w = calm_world()
    race(w, 10)  # exits (year 15) and is confirmed (24) before burn-in 30
    res = one(w, EpisodeRule(burn_in=30))
    assert res.spells.empty and not res.worlds.iloc[0]["entered"]


def test_no_entry_without_a_fall_in_trust_or_with_a_race_in_the_years_before():
    w = calm_world()
    s = w["spending"]
    for t in range(10, 15):
        s[0, t:, :2] = s[0, t - 1, None, :2] * 1.10  # a race, trust flat
    res = one(w)
    assert res.spells.empty and res.worlds.iloc[0]["outcome"] == "no_dilemma"
    w = calm_world()
    race(w, 10, years=5)
    w2 = calm_world()
    race(w2, 10, years=5)
    # the same race with a smaller fall (0.03 a year: 0.09 over three years): no entry
    w2["mistrust"][0, 10:15, 0, 1] = w2["mistrust"][0, 10:15, 1, 0] = \
        1.0 - (0.8 - 0.03 * np.arange(1, 6))
    assert len(one(w).spells) == 1 and one(w2).spells.empty


def test_a_pair_with_a_greedy_member_is_not_followed():
    w = calm_world()
    race(w, 10)
    w["seeker"][0, 1] = False
    assert one(w).spells.empty


def test_worlds_in_a_batch_equal_worlds_alone():
    worlds = []
    for start, war in ((10, False), (12, True), (40, False)):
        w = calm_world(n=3)
        race(w, start, pair=(0, 2))
        if war:
            w["war_cause"][0, start + 6, 0, 2] = 3
        worlds.append(w)
    batch = {k: np.concatenate([w[k] for w in worlds]) for k in worlds[0]}
    res = detect_episodes(batch, RULE, world_index=[7, 8, 9])
    for idx, w in zip((7, 8, 9), worlds, strict=True):
        alone = detect_episodes(w, RULE, world_index=[idx])
        got = res.spells[res.spells["world"] == idx].reset_index(drop=True)
        pd.testing.assert_frame_equal(got, alone.spells)
        pd.testing.assert_frame_equal(
            res.worlds.iloc[[idx - 7]].reset_index(drop=True), alone.worlds)
    assert res.spells.loc[res.spells["world"] == 8, "war_cause"].tolist() == ["prevention"]


def test_online_updates_equal_the_offline_run():
    w = calm_world()
    race(w, 10)
    det = EpisodeDetector(1, 2, RULE)
    for t in range(T + 1):
        det.update(**{k: (v if k == "seeker" else v[:, t]) for k, v in w.items()})
    online = det.finish()
    pd.testing.assert_frame_equal(online.spells, one(w).spells)


def test_sensitivity_parameters_move_entry_and_exit_as_defined():
    w = calm_world()
    race(w, 10)
    assert one(w, EpisodeRule(burn_in=5, race_years=2)).spells.iloc[0]["entry_year"] == 11
    assert one(w, EpisodeRule(burn_in=5, race_years=5)).spells.iloc[0]["entry_year"] == 14
    assert one(w, EpisodeRule(burn_in=5, entry_trust_fall=0.2)).spells.empty
    s = detect_episodes(w, RULE, exit_years=15).spells.iloc[0]
    assert s["exit_year"] == 15
    w["dispute"][0, 27, 0, 1] = True  # breaks a 15-year window (15..29), not a 10-year one
    assert detect_episodes(w, RULE, exit_years=15).spells.iloc[0]["exit_year"] == 28
    assert detect_episodes(w, RULE, exit_years=10).spells.iloc[0]["exit_year"] == 15


def test_share_of_entries_and_exits_just_after_burn_in():
    w = calm_world()
    race(w, 4)  # entry at 6: one year after burn-in 5
    race(w, 40)
    share_e, share_x = one(w).entry_exit_at_start()
    assert share_e == pytest.approx(0.5) and share_x == pytest.approx(0.0)


def test_memory_is_a_few_bytes_per_pair_and_bad_rules_are_refused():
    det = EpisodeDetector(10, 193, EpisodeRule())
    per_world = det.nbytes / 10
    assert per_world * 1000 < 0.5 * 2**30  # W = 1000, N = 193 under half a GiB
    with pytest.raises(ParameterError, match="race_years"):
        EpisodeRule(race_years=0)
    with pytest.raises(ParameterError, match="exit_trust"):
        EpisodeRule(exit_trust=1.5)
    with pytest.raises(ParameterError, match="mistrust"):
        det.update(np.ones((10, 193)), np.ones((10, 193)), np.zeros((10, 3, 3)),
                   np.ones((10, 193), bool))
    with pytest.raises(ParameterError, match="required"):
        detect_episodes({"spending": np.ones((1, 3, 2))})


def test_sensitivity_grid_has_one_row_per_combination_and_moves_entries():
    w = calm_world()
    race(w, 10)
    from herz.world.episodes import episode_sensitivity
    tab = episode_sensitivity(w, RULE)
    assert len(tab) == 27
    # x = 0.2 needs a fall of 0.2: over k = 5 years trust falls 0.25, over k <= 3 at most 0.15
    at = tab.set_index(["race_years", "entry_trust_fall", "exit_years"])
    assert at.loc[(5, 0.2, 10), "spells"] == 1 and at.loc[(3, 0.2, 10), "spells"] == 0
    assert at.loc[(3, 0.1, 10), "exits"] == 1 and at.loc[(3, 0.1, 10), "share_exited"] == 1.0


def test_every_world_column_is_documented():
    from herz.world.episodes import WORLD_COLUMN_DOCS
    assert set(WORLD_COLUMN_DOCS) == set(WORLD_COLUMNS)


def test_only_politically_relevant_pairs_enter():
    w = calm_world(n=3)
    race(w, 10, pair=(0, 2))
    rel = np.ones((1, T + 1, 3, 3), dtype=bool)
    rel[:, :, 0, 2] = rel[:, :, 2, 0] = False
    assert len(one(w).spells) == 1
    w["relevant"] = rel
    assert one(w).spells.empty


def test_spending_that_grows_with_output_is_calm():
    # after the race, spending and the cap both grow 3% a year: the burden is steady
    w = calm_world()
    race(w, 10)
    growth = 1.03 ** np.arange(T + 1 - 15)
    w["spending"][0, 15:] = w["spending"][0, 14] * growth[:, None]
    w["cap"][0, 15:] = 10.0 * growth[:, None]
    assert one(w).spells.iloc[0]["exit_year"] == 15  # both 3% a year from 16 on: calm
    w["cap"][0, 15:] = 10.0  # the same spending against a flat cap: arming, never calm
    assert one(w).spells.iloc[0]["end"] == "censored"


def test_race_year_counts_pairs_whose_runs_reach_k_years_of_growth_at_the_threshold():
    """k = 3, g_r = 0.1, one world of four states over five years. State 0 grows by exactly
    g_r every year (a growth year: the threshold is inclusive); state 1 likewise, then a hair
    under g_r in year 4 (its run starts again); state 2 from year 2; state 3 spends 0, 0,
    0, 1, 2, 4 in years 0-5 (a year from zero is no growth year: spending must have been
    positive, else state 3 would race from year 3 on). Pairs race
    once both runs reach k: {0, 1} in year 3 only, {0, 2} from year 4. A threshold read as
    strict, or a run one year short or long, changes the counts."""
    g, k = 0.1, 3
    s = np.ones((6, 1, 4))
    s[:, 0, 3] = [0.0, 0.0, 0.0, 1.0, 2.0, 4.0]
    for t in range(1, 6):
        s[t, 0, :3] = s[t - 1, 0, :3] * (1.0 + g)
        if t == 1:
            s[t, 0, 2] = s[t - 1, 0, 2]
        if t == 4:
            s[t, 0, 1] = s[t - 1, 0, 1] * (1.0 + g) * (1.0 - 1e-12)
    run = np.zeros((1, 4), dtype=np.int64)
    pairs, masked = [], []
    for t in range(1, 6):
        _, m = race_year(run, s[t - 1], s[t], g, k, counted=np.array([[True, True, False, True]]))
        run, n = race_year(run, s[t - 1], s[t], g, k)
        pairs.append(int(n[0]))
        masked.append(int(m[0]))
    assert pairs == [0, 0, 1, 1, 1]
    assert masked == [0, 0, 1, 0, 0]  # state 2 not counted: {0, 2} drops out
    assert run.tolist() == [[5, 1, 4, 2]]
    assert run.dtype == np.int64
