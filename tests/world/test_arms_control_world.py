"""Arms control in the integrated world (issue 18): paired seeds, stated tolerances.

Exits need the world team's MEDIUM thresholds in the current calibration
(tests/world/test_outcomes_world.py); see test_signals_world.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from herz.world import WorldParams, initial_state, step
from herz.world.arms_control import (
    TREATY_ALARMS,
    TREATY_FALSE_ENDS,
    TREATY_TRUE_ALARMS,
    cheating_pays,
    detection_probability,
    false_alarm_rate,
    treaty_gain,
)
from herz.world.bite import bite_test
from herz.world.economy import offense_shares, reference_output
from herz.world.noise import world_keys
from tests.world.setups import (
    MEDIUM,
    RACING,
    RACING_CALIBRATED,
    calibration_table,
    early_rule,
    params,
)


def _params(**kw) -> WorldParams:
    return params(RACING, kw)


def test_signing_at_even_odds_rises_with_verification_on_the_worlds_own_states():
    p = _params(p_greedy=0.3)
    s = initial_state(p, world_keys(3, 150))
    for _ in range(40):
        step(s, p)
    _, q_g = offense_shares(p)
    excess = p.dt * q_g * s.spending
    sigma = p.perception_noise * s.output / reference_output(p)
    live = s.alive[:, :, None] & s.alive[:, None, :] & ~np.eye(p.n_states, dtype=bool)
    shares = []
    for v in (0.0, 0.02, 0.05, 0.1, 0.5):
        pv = p.replace(verification=v)
        pd = detection_probability(v, excess, sigma)
        g = treaty_gain(0.5, pd[:, None, :], cheating_pays(pd, pv)[:, None, :], pv)
        signs = (g > 0) & (np.swapaxes(g, 1, 2) > 0) & live
        shares.append(signs.sum() / live.sum())
    assert shares[0] == 0.0 and shares[-1] == 1.0
    assert np.all(np.diff(shares) >= 0) and 0.0 < shares[2] < 1.0, shares


def _run(p: WorldParams, worlds: int, steps: int, seed: int):
    s = initial_state(p, world_keys(seed, worlds))
    rec = {"treaty": [], "alarm": [], "true": [], "dl": [], "seekers": []}
    for _ in range(steps):
        before = s.logodds.copy()
        step(s, p)
        alarm = s.mech[TREATY_ALARMS]
        rec["alarm"].append(alarm)
        rec["true"].append(s.mech[TREATY_TRUE_ALARMS])
        rec["dl"].append(s.logodds - before)
        rec["treaty"].append(s.arms_control.copy())
        rec["seekers"].append(~s.greedy[:, :, None] & ~s.greedy[:, None, :])
    return s, {k: np.array(v) for k, v in rec.items()}


def test_treaties_between_seekers_sometimes_end_by_false_alarm_and_are_signed_again():
    # weak verification: a greedy member would cheat, so a false alarm is read as greed
    p = _params(p_greedy=0.1, verification=0.03, false_alarm=0.1,
                mechanisms={"arms_control": True})
    s, rec = _run(p, 60, 60, seed=1)
    seeker_alarms = rec["alarm"] & rec["seekers"]
    assert seeker_alarms.sum() >= 20 and s.mech[TREATY_FALSE_ENDS].sum() >= 20
    # a pair that lost its treaty to a false alarm signs again after the cooldown
    t_alarm, w, i, j = np.nonzero(seeker_alarms[: -(p.treaty_cooldown + 5)])
    again = [rec["treaty"][t + 1: t + p.treaty_cooldown + 5, w_, i_, j_].any()
             for t, w_, i_, j_ in zip(t_alarm, w, i, j, strict=True)]
    assert not rec["treaty"][t_alarm, w, i, j].any()  # ended in the alarm's year
    assert np.mean(again) > 0.3
    # and mistrust between the seekers rises (against the same year's other evidence in
    # treaties without an alarm): a source of re-entry
    quiet = rec["treaty"] & rec["seekers"] & ~rec["alarm"]
    assert rec["dl"][seeker_alarms].mean() > rec["dl"][quiet].mean() + 0.05


def test_detected_cheating_lowers_trust_in_the_world():
    p = _params(p_greedy=0.3, verification=0.03, mechanisms={"arms_control": True})
    _, rec = _run(p, 80, 40, seed=2)
    true = rec["true"]
    assert true.sum() >= 20
    assert np.median(rec["dl"][true]) > 0.2  # mistrust of the detected cheater jumps


@pytest.mark.slow
def test_arms_control_passes_the_bite_test_and_does_not_settle_the_dilemma_at_once():
    base = {**RACING, **MEDIUM, "p_greedy": 0.3}
    res = bite_test(base, {"mechanisms.arms_control": True}, {"mechanisms.arms_control": False},
                    "war_years", worlds=200, steps=100, seed=4)
    assert res.high < -0.5, res  # treaties that hold offence end predation
    assert res.early_ok, res  # the harness's spell-level rule: <= 5% at t <= 2 in both arms
    p = {**RACING, **MEDIUM, "p_greedy": 0.1, "mechanisms": {"arms_control": True}}
    r = early_rule(p, {"arms_control": False})
    assert r["n_entries"] >= 300 and r["n_exits"] >= 30, r
    assert r["entries"] <= 0.05 and r["exits"] <= 0.05, r
    # worlds whose dilemma is settled by t <= 2: no more than in the same worlds without
    # the mechanism, within 2 points (measured without: 5.7%, a property of the thresholds)
    assert r["settled_on"] <= r["settled_off"] + 0.02, r


def test_beliefs_stay_calibrated_with_treaties_alarms_and_cheating():
    """Correct specification with treaties (weak verification: greedy members cheat)."""
    rows = calibration_table("arms_control", verification=0.03)
    assert len(rows) >= 8
    for mean_mu, share, count in rows:
        assert abs(share - mean_mu) < 0.03, (mean_mu, share, count)


def test_false_alarms_end_seeker_treaties_at_the_rate_of_two_monitors():
    """In the world, a treaty between seekers ends by false alarm at 1 - (1 - alpha)^2 a
    treaty-year (either side's monitor may cry wolf), alpha = alpha_0 (1 - v).

    The calibrated racing world (its own economy, not pinned), defaults alpha_0 = 0.05,
    v = 0.5: predicted 0.0494 per seeker treaty-year; measured (100 worlds, 60 years,
    p_greedy 0.1) 0.0504 +- 0.0011 over 39,910 (pre-calibration: 0.0499 over 42,374).
    """
    p = params(RACING_CALIBRATED, p_greedy=0.1, mechanisms={"arms_control": True})
    s = initial_state(p, world_keys(1, 100))
    upper = np.triu(np.ones((p.n_states, p.n_states), dtype=bool), 1)
    years = ends = 0
    for _ in range(60):
        seekers = ~s.greedy[:, :, None] & ~s.greedy[:, None, :] & upper  # types at the treaty
        step(s, p)
        alarm = s.mech[TREATY_ALARMS]
        ended = (alarm | np.swapaxes(alarm, 1, 2)) & seekers
        years += int(((s.arms_control & seekers) | ended).sum())
        ends += int(ended.sum())
    alpha = false_alarm_rate(p)
    predicted = 1.0 - (1.0 - alpha) ** 2
    sd = np.sqrt(predicted * (1.0 - predicted) / years)
    assert years > 20_000
    assert abs(ends / years - predicted) < 4 * sd, (ends / years, predicted, sd)
