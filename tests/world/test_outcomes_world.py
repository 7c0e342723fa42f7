"""Trajectory outcomes on the integrated world (DESIGN section 3, issue 17).

The detector itself is tested on hand-made trajectories in test_episodes.py;
here: simulate's columns and spell table hang together, the online tracker
equals the offline detector run over the stored paths, batches do not change a
world's outcomes, and entries and exits do not bunch at the end of the burn-in
(DESIGN rule 2: at most 5% at t <= 2).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from herz.world import WorldParams, simulate
from herz.world.episodes import SPELL_COLUMNS, EpisodeRule, detect_episodes, episode_sensitivity
from herz.world.outcomes import TRAJECTORY_COLUMNS, trajectory_inputs
from tests.world.setups import MEDIUM, RACING

#: Loose thresholds, so that many spells open and close whatever the world's calibration
#: (for the checks of bookkeeping, not of dynamics).
LOOSE = {"race_growth": 0.0, "entry_trust_fall": 0.0, "exit_years": 3, "exit_trust": 0.0,
         "exit_growth_band": 0.5, "burn_in": 10}


@pytest.mark.parametrize("params", [RACING, {**RACING, **LOOSE, "p_greedy": 0.3}])
def test_columns_and_spell_table_hang_together(params):
    df, pairs = simulate(params, worlds=120, steps=120, seed=7, pairs=True)
    assert set(TRAJECTORY_COLUMNS) <= set(df.columns)
    assert list(pairs.columns) == list(SPELL_COLUMNS)
    assert set(pairs["world"]) <= set(df["world"])
    fresh = pairs[~pairs["at_start"]]
    per_world = fresh.groupby("world").size().reindex(df["world"], fill_value=0).to_numpy()
    assert np.array_equal(per_world, df["n_entries"].to_numpy())
    assert np.array_equal(df["entered"].to_numpy(), per_world > 0)
    assert df.loc[~df["entered"], "time_to_entry"].isna().all()
    assert (df.loc[df["entered"], "time_to_entry"] >= 0).all()
    assert np.array_equal(df["exited"].to_numpy(), df["time_to_exit"].notna().to_numpy())
    assert set(df["exit_route"]) <= {"none", "mitigated", "transcended"}
    assert (df.loc[df["exited"], "exit_route"] != "none").all()
    assert df["escaped"].equals(df["outcome"].isin(["mitigated", "transcended"]))
    assert (df.loc[df["exited"], "outcome"] == df.loc[df["exited"], "exit_route"]).all()
    assert (df.loc[~df["entered"], "outcome"].isin(["no_dilemma", "war"])).all()
    assert df["path"].map(lambda s: isinstance(s, str) and len(s) > 0).all()
    assert (df.loc[df["entered"], "path"].str.contains("entered")).all()
    burn = WorldParams.from_dict({**WorldParams().to_dict(), **params}).burn_in
    assert (df["war_years"] <= 120 - burn + 1).all()
    # spells: ordered in time, exits before their end, durable only for exits
    assert (pairs["end_year"] >= pairs["entry_year"]).all()
    ex = pairs["end"] == "exit"
    assert pairs.loc[ex, "exit_year"].notna().all() and pairs.loc[~ex, "exit_year"].isna().all()
    assert pairs.loc[~ex, "durable"].isna().all()
    assert (pairs["censored"] == (pairs["end"] == "censored")).all()


def test_online_tracker_equals_the_offline_detector_on_stored_paths():
    # wars are not in the stored paths; loose thresholds so that many spells open and close
    p = {**RACING, **LOOSE, "mechanisms": {"war": False}}
    ds = simulate(p, worlds=40, steps=100, seed=3, trajectories=True)
    _, online = simulate(p, worlds=40, steps=100, seed=3, pairs=True)
    params = WorldParams.from_dict({**WorldParams().to_dict(), **p,
                                    "mechanisms": {**WorldParams().to_dict()["mechanisms"],
                                                   "war": False}})
    offline = detect_episodes(trajectory_inputs(ds, params), EpisodeRule.from_params(params),
                              world_index=ds["world"].values)
    assert len(online) >= 20 and (online["end"] == "exit").sum() >= 5, online["end"].value_counts()
    pd.testing.assert_frame_equal(online.reset_index(drop=True),
                                  offline.spells.reset_index(drop=True), check_dtype=False)


def test_a_world_has_the_same_outcomes_alone_and_in_a_batch():
    p = {**RACING, **LOOSE, "p_greedy": 0.3}
    df, pairs = simulate(p, worlds=30, steps=100, seed=11, pairs=True)
    alone, alone_pairs = simulate(p, world_indices=[4, 17], steps=100, seed=11, pairs=True,
                                  batch_size=1)
    assert pairs["world"].isin([4, 17]).sum() >= 4
    cols = list(TRAJECTORY_COLUMNS)
    got = df.set_index("world").loc[[4, 17], cols].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, alone[cols].reset_index(drop=True))
    sub = pairs[pairs["world"].isin([4, 17])].reset_index(drop=True)
    pd.testing.assert_frame_equal(sub, alone_pairs.reset_index(drop=True))


@pytest.mark.parametrize("p_greedy", [0.1, 0.0])
def test_entries_and_exits_do_not_bunch_right_after_burn_in(p_greedy):
    params = {**RACING, **MEDIUM, "p_greedy": p_greedy}
    _, pairs = simulate(params, worlds=300, steps=130, seed=5, pairs=True)
    fresh = pairs[~pairs["at_start"]]
    exits = fresh["exit_year"].dropna() - WorldParams().burn_in
    assert len(fresh) >= 400 and len(exits) >= 40, (len(fresh), len(exits))
    # uniform timing over the 101 years after burn-in would put 3% at t <= 2
    assert float((fresh["time_to_entry"] <= 2).mean()) <= 0.05
    assert float((exits <= 2).mean()) <= 0.05


def test_sensitivity_over_k_x_m_runs_on_stored_paths():
    p = {**RACING, **MEDIUM, "mechanisms": {"war": False}}
    ds = simulate(p, worlds=40, steps=100, seed=9, trajectories=True)
    params = WorldParams.from_dict({**WorldParams().to_dict(), **MEDIUM, **RACING})
    tab = episode_sensitivity(trajectory_inputs(ds, params), EpisodeRule.from_params(params),
                              entry_trust_fall=(0.0, 0.05, 0.10))
    assert len(tab) == 27
    at = tab.set_index(["race_years", "entry_trust_fall", "exit_years"])
    assert at["spells"].sum() > 0 and at["exits"].sum() > 0
    assert at["share_exited"].dropna().between(0.0, 1.0).all()
    one = detect_episodes(trajectory_inputs(ds, params), EpisodeRule.from_params(params),
                          race_years=2, entry_trust_fall=0.0, exit_years=5)
    fresh = one.spells[~one.spells["at_start"]]
    assert len(fresh) > 0 and at.loc[(2, 0.0, 5), "spells"] == len(fresh)
    assert at.loc[(2, 0.0, 5), "exits"] == (fresh["end"] == "exit").sum() > 0
