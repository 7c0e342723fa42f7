"""The exit rule of DESIGN section 3 as the m-year window's burden trend, and its three users.

Hand-made burden series show the rule is what it says (a steady trend with
noisy years exits, a trending series does not, in either direction); random
trajectories show that the online detector, :func:`detect_episodes` and the
escape study's :class:`~herz.studies.branching.PairFollow` end every spell
alike under every reading of the rule (k = 3, x = 0.1, m = 10, burn-in 5).
"""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import numpy as np
import pytest

from herz.errors import ParameterError
from herz.studies.branching import Entry, PairFollow
from herz.world import WorldParams
from herz.world.episodes import (
    EpisodeDetector,
    EpisodeRule,
    GrowthReading,
    SpellEnd,
    TrustFloor,
    TrustReading,
    detect_episodes,
)

T = 60
RULE = EpisodeRule(burn_in=5)


def raced_world(after: list[float] | None = None, trust_after: float = 0.85) -> dict:
    """One world of two seekers: flat spending 1 (cap 10), trust 0.8; a race in years 10-14.

    Both grow 10% a year in 10-14 while trust falls 0.05 a year (entry in year
    12: race of k = 3 years, trust down 0.15 from year 9); from year 15 trust is
    ``trust_after`` and spending moves by the yearly factors ``after`` (cycled).
    """
    t1 = T + 1
    off = ~np.eye(2, dtype=bool)
    w = {
        "spending": np.ones((1, t1, 2)), "cap": np.full((1, t1, 2), 10.0),
        "mistrust": np.where(off, 0.2, 0.0) * np.ones((1, t1, 1, 1)),
        "seeker": np.ones((1, 2), dtype=bool), "alive": np.ones((1, t1, 2), dtype=bool),
        "war_cause": np.zeros((1, t1, 2, 2), dtype=np.int8),
        "dispute": np.zeros((1, t1, 2, 2), dtype=bool),
    }
    s, mu = w["spending"], w["mistrust"]
    for t in range(10, 15):
        s[0, t:] = s[0, t - 1] * 1.10
        mu[0, t:, 0, 1] = mu[0, t:, 1, 0] = 1.0 - (0.8 - 0.05 * (t - 9))
    mu[0, 15:, 0, 1] = mu[0, 15:, 1, 0] = 1.0 - trust_after
    if after:
        for t in range(15, t1):
            s[0, t] = s[0, t - 1] * after[(t - 15) % len(after)]
    return w


def first_spell(world: dict, rule: EpisodeRule = RULE):
    sp = detect_episodes(world, rule).spells
    assert len(sp) >= 1 and sp.iloc[0]["entry_year"] == 12
    return sp.iloc[0]


def test_a_steady_trend_with_noisy_years_exits_where_the_yearly_reading_never_does():
    # +-5% every other year: no year within +-2%, the window's trend within 0.5%
    w = raced_world(after=[1.05, 1 / 1.05])
    s = first_spell(w)
    assert s["end"] == "exit" and s["exit_year"] == 15 and s["route"] == "mitigated"
    yearly = dataclasses.replace(RULE, exit_growth_reading="yearly")
    assert first_spell(w, yearly)["end"] == "censored"
    # every year within +-2% (alternating +1.5%, -1.5%): both readings exit in year 15
    w = raced_world(after=[1.015, 1 / 1.015])
    assert first_spell(w)["exit_year"] == first_spell(w, yearly)["exit_year"] == 15


@pytest.mark.parametrize("factors", [[1.06, 1.00], [1 / 1.06, 1.00], [1.025], [1 / 1.025]])
def test_a_trending_burden_does_not_exit_in_either_direction(factors):
    # mean log growth +-2.9% (noisy) or +-2.5% (smooth) a year against a flat cap
    s = first_spell(raced_world(after=factors))
    assert s["end"] == "censored" and np.isnan(s["exit_year"])


def test_the_band_is_on_the_burden_and_two_sided():
    rule = EpisodeRule(exit_growth_band=0.02, exit_years=10)
    lb = rule.log_burden(np.array([1.0, 1.0, 0.0, 2.0]), np.array([10.0, 10.0, 10.0, 0.0]))
    assert np.isnan(lb[2]) and np.isnan(lb[3])  # no spending or no cap: no burden to read
    start = np.log(0.1)
    assert rule.steady(start + 0.19, start).item() and rule.steady(start - 0.19, start).item()
    assert not rule.steady(start + 0.21, start).item()
    assert not rule.steady(start - 0.21, start).item()
    assert not rule.steady(np.nan, start).item()
    # spending and cap growing together: the burden is flat, steady
    g = 1.03 ** np.arange(11)
    lbs = rule.log_burden(2.0 * g, 10.0 * g)
    assert rule.steady(lbs[-1], lbs[0]).item()
    assert rule.below_cap(np.array([9.4, 9.6]), np.array([10.0, 10.0])).tolist() == [True, False]


def test_the_window_trend_spans_the_m_years_before_the_exit():
    # 10% a year in 15 and 16 after the race (log growth 0.19 in all): the window 15-24
    # (growth read from year 14 to 24) has a mean growth of 0.019, steady
    w = raced_world(after=[1.0])
    w["spending"][0, 15:] *= 1.10
    w["spending"][0, 16:] *= 1.10
    assert first_spell(w)["exit_year"] == 15
    # a third year: windows from 15 grow 0.286 / 10 > 0.02; from 16 (years 16-25) two again
    w["spending"][0, 17:] *= 1.10
    assert first_spell(w)["exit_year"] == 16


def test_trust_readings_and_floors():
    # trust back to 0.85 from 15 but 0.6 in year 20
    w = raced_world(after=[1.0])
    w["mistrust"][0, 20, 0, 1] = w["mistrust"][0, 20, 1, 0] = 0.4
    rule = {r: dataclasses.replace(RULE, exit_trust_reading=r) for r in TrustReading}
    assert first_spell(w, rule[TrustReading.WINDOW_MIN])["exit_year"] == 21
    assert first_spell(w, rule[TrustReading.WINDOW_MEAN])["exit_year"] == 15  # mean 0.825
    # the last year's trust only: the window 13-22 (two race years in it, growth 0.019 a year)
    assert first_spell(w, rule[TrustReading.FINAL])["exit_year"] == 13
    # trust back to 0.75 only: under the pre-entry trust 0.8, over exit_trust 0.7
    w = raced_world(after=[1.0], trust_after=0.75)
    assert first_spell(w)["end"] == "censored"
    fixed = dataclasses.replace(RULE, exit_trust_floor=TrustFloor.FIXED)
    assert first_spell(w, fixed)["exit_year"] == 15


def test_readings_are_world_parameters_and_bad_ones_are_refused():
    p = WorldParams(exit_growth_reading="yearly", exit_trust_reading="final",
                    exit_trust_floor="fixed")
    r = EpisodeRule.from_params(p)
    assert (r.exit_growth_reading, r.exit_trust_reading, r.exit_trust_floor) == (
        GrowthReading.YEARLY, TrustReading.FINAL, TrustFloor.FIXED)
    assert EpisodeRule.from_params(WorldParams()) .exit_growth_reading == GrowthReading.TREND
    with pytest.raises(ParameterError, match="exit_trust_reading"):
        EpisodeRule(exit_trust_reading="median")
    with pytest.raises(ParameterError, match="exit_growth_reading"):
        WorldParams(exit_growth_reading="each")


# --- the three users agree -------------------------------------------------------------------

def random_paths(worlds: int = 200, n: int = 3, steps: int = 90, seed: int = 11) -> dict:
    """Seeker worlds with races, trust swings, noisy spending, disputes and a few wars."""
    rng = np.random.default_rng(seed)
    t1 = steps + 1
    regime = rng.random((worlds, t1, n)) < 0.05  # a state's racing years come in bursts
    regime = np.maximum.reduce([np.roll(regime, k, axis=1) for k in range(4)])
    growth = np.where(regime, 0.12, 0.02) + rng.normal(0.0, 0.012, (worlds, t1, n))
    spend = np.exp(np.cumsum(growth, axis=1))
    cap = 10.0 * np.exp(np.cumsum(rng.normal(0.02, 0.005, (worlds, t1, n)), axis=1))
    e = rng.normal(0.0, 0.5, (worlds, t1, n, n))
    z = np.zeros_like(e)
    for t in range(1, t1):  # log-odds of mistrust around -1.5, reverting 30% a year
        z[:, t] = 0.7 * z[:, t - 1] + e[:, t]
    mu = 1.0 / (1.0 + np.exp(-(z + np.swapaxes(z, 2, 3)) / 2 + 1.5))
    mu[:, :, np.arange(n), np.arange(n)] = 0.0
    dispute = rng.random((worlds, t1, n, n)) < 0.01
    cause = np.where(rng.random((worlds, t1, n, n)) < 0.002,
                     rng.integers(1, 5, (worlds, t1, n, n)), 0).astype(np.int8)
    cause[:, :, np.arange(n), np.arange(n)] = 0
    seeker = rng.random((worlds, t1, n)) > 0.002
    seeker = np.minimum.accumulate(seeker, axis=1)  # a turnover is for good
    return {"spending": spend, "cap": cap, "mistrust": mu, "seeker": seeker,
            "alive": np.ones((worlds, t1, n), dtype=bool), "war_cause": cause,
            "dispute": dispute, "at_war": np.zeros((worlds, t1, n, n), dtype=bool)}


READINGS = [
    {},
    {"exit_growth_reading": "yearly"},
    {"exit_trust_reading": "window_mean"},
    {"exit_trust_reading": "final", "exit_trust_floor": "fixed"},
]


@pytest.mark.parametrize("reading", READINGS, ids=lambda d: "+".join(d.values()) or "shipped")
def test_online_offline_and_pair_follow_end_every_spell_alike(reading):
    paths = random_paths()
    rule = EpisodeRule(burn_in=5, race_growth=0.05, entry_trust_fall=0.05, exit_years=6,
                       exit_trust=0.5, exit_growth_band=0.03, **reading)
    offline = detect_episodes(paths, rule)
    w, t1, n = paths["spending"].shape
    det = EpisodeDetector(w, n, rule)
    for t in range(t1):
        det.update(**{k: v[:, t] for k, v in paths.items()})
    online = det.finish()
    assert offline.spells.equals(online.spells) and offline.worlds.equals(online.worlds)
    spells = offline.spells
    ends = spells["end"].value_counts()
    assert ends.get("exit", 0) >= 5 and ends.get("censored", 0) >= 1  # the check has bite
    assert ends.get("left", 0) + ends.get("war", 0) >= 1
    # the paths' cap already is B Y: a budget share of 1 in every world
    params = SimpleNamespace(budget_share=1.0, world_value=lambda name, trailing=0: 1.0)
    checked = 0
    for s in spells.itertuples():
        te, wi, i, j = int(s.entry_year), int(s.world), int(s.i), int(s.j)
        state = SimpleNamespace(worlds=1, spending=paths["spending"][[wi], te],
                                output=paths["cap"][[wi], te])
        entry = Entry(te, state, np.array([wi]), np.array([i]), np.array([j]),  # type: ignore
                      np.array([s.pre_entry_trust], dtype=np.float32))
        fol = PairFollow(entry, params, rule)  # type: ignore[arg-type]
        for t in range(te + 1, t1):
            fol.update({k: v[[wi], t] for k, v in paths.items()})
            if fol.done:
                break
        end = int(fol.end[0])
        if s.end == "censored":
            assert end == 0
            continue
        assert SpellEnd(end).label == s.end
        if s.end == "exit":
            assert te + int(fol.exit_year[0]) == s.exit_year
        else:
            assert te + int(fol.end_year[0]) == s.end_year
        checked += 1
    assert checked >= 10
