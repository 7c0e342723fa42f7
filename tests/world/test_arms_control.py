"""Arms control with verification (DESIGN.md 2.8, issue 18): the rules on explicit arrays.

Signing at mu = 1/2 rises with verification v (verification substitutes for
trust); the cheating rule is the comparison of cheating until caught with
keeping the treaty; alarms end treaties and move trust by Bayes' rule, with
the alarm rates they were drawn with (Monte Carlo over worlds, fixed seed).
"""

from __future__ import annotations

import numpy as np
import pytest

from herz.world import WorldParams, initial_state, step
from herz.world.arms_control import (
    TREATY_ALARMS,
    TREATY_COOLDOWN,
    TREATY_FALSE_ENDS,
    cheating_pays,
    detection_probability,
    false_alarm_rate,
    monitor,
    treaty_gain,
    treaty_step,
)
from herz.world.noise import world_keys
from herz.world.perception import noise_scale


def test_detection_rises_with_verification_and_the_size_of_the_cheat():
    v = np.linspace(0.0, 1.0, 11)
    pd = detection_probability(v, 0.05, 0.1)
    assert pd[0] == 0.0 and np.all(np.diff(pd) > 0)
    assert pd[-1] == pytest.approx(1 - np.exp(-0.5))
    assert detection_probability(0.5, 0.2, 0.1) > detection_probability(0.5, 0.1, 0.1)


@pytest.mark.parametrize(("disc", "tu"), [(0.9, 1.5), (0.5, 2.0), (0.8, 1.1)])
def test_a_greedy_party_cheats_iff_cheating_until_caught_beats_keeping_the_treaty(disc, tu):
    p = WorldParams(shadow_of_future=disc, greedy_temptation=tu)
    pd = np.linspace(0.0, 1.0, 201)
    cheat_value = tu / (1 - disc * (1 - pd))  # t_U a year until detected
    keep_value = 1 / (1 - disc)
    clear = np.abs(cheat_value - keep_value) > 1e-9  # off the knife-edge
    np.testing.assert_array_equal(cheating_pays(pd, p)[clear], (cheat_value > keep_value)[clear])
    assert cheating_pays(0.0, p) and not cheating_pays(1.0, p)


def test_signing_at_even_odds_rises_with_verification():
    """At mu = 1/2 a treaty pays only if verification deters or catches cheating."""
    p = WorldParams(treaty_cost=0.2, exploitation_cost=1.0)
    rng = np.random.default_rng(1)
    # a population of pairs: cheaters' yearly offence purchases relative to the noise
    ratio = rng.lognormal(np.log(0.6), 0.8, size=5000)
    shares = []
    for v in np.linspace(0.0, 1.0, 11):
        pd = detection_probability(v, ratio, 1.0)
        g = treaty_gain(0.5, pd, cheating_pays(pd, p.replace(verification=v)), p)
        shares.append(float(np.mean(g > 0)))
    assert shares[0] == 0.0  # no verification: at even odds nobody signs
    assert np.all(np.diff(shares) >= 0) and shares[-1] > 0.95
    assert 0.05 < shares[1] < 0.95  # and the rise is gradual across pairs
    # trust substitutes for verification: without it, low mistrust signs
    pd0 = detection_probability(0.0, ratio, 1.0)
    assert np.all(treaty_gain(0.1, pd0, cheating_pays(pd0, p), p) > 0)


def _treaty_world(params: WorldParams, worlds: int, greedy_j: bool, seed: int = 3):
    s = initial_state(params, world_keys(seed, worlds))
    s.greedy[:] = False
    s.greedy[:, 1] = greedy_j
    return s


def test_detected_cheating_lowers_trust_by_bayes_rule():
    # a temptation no verification deters (t_U large, short shadow): greedy members cheat
    p = WorldParams(n_states=2, p_greedy=0.1, greedy_temptation=5.0, shadow_of_future=0.5,
                    verification=0.9, false_alarm=0.05, mechanisms={"arms_control": True})
    s = _treaty_world(p, 4000, greedy_j=True)
    tr = treaty_step(s, p)
    assert tr.treaty[:, 0, 1].all() and tr.cheating[:, 1].all() and not tr.cheating[:, 0].any()
    before = s.logodds.copy()
    monitor(s, p, tr, learn=True)
    alarm = s.mech[TREATY_ALARMS][:, 0, 1]
    alpha = false_alarm_rate(p)
    pd = tr.detect[:, 1]
    p_alarm = 1 - (1 - pd) * (1 - alpha)
    # alarms sound at the rate of detection plus false alarms (binomial, 4 sd)
    sd = np.sqrt(np.mean(p_alarm * (1 - p_alarm)) / alarm.size)
    assert alarm.mean() == pytest.approx(p_alarm.mean(), abs=4 * sd)
    dl = s.logodds[:, 0, 1] - before[:, 0, 1]
    np.testing.assert_allclose(dl[alarm], np.log(p_alarm / alpha)[alarm], rtol=1e-12)
    np.testing.assert_allclose(dl[~alarm], np.log1p(-pd)[~alarm], rtol=1e-12)
    assert dl[alarm].min() > 2.0  # detected cheating: trust falls hard
    assert not s.arms_control[alarm].any()  # and the treaty ends
    assert (s.mech[TREATY_COOLDOWN][alarm, 0, 1] == p.treaty_cooldown).all()


def test_false_alarms_end_treaties_between_seekers():
    # weak verification: a greedy member would cheat, so an alarm is evidence of greed
    p = WorldParams(n_states=2, p_greedy=0.1, verification=0.02, false_alarm=0.1,
                    mechanisms={"arms_control": True})
    s = _treaty_world(p, 3000, greedy_j=False)
    tr = treaty_step(s, p)
    assert tr.treaty[:, 0, 1].all() and not tr.cheating.any()
    before = s.logodds.copy()
    monitor(s, p, tr, learn=True)
    alarms = s.mech[TREATY_ALARMS]
    ended = alarms[:, 0, 1] | alarms[:, 1, 0]
    both = 1 - (1 - false_alarm_rate(p)) ** 2  # either side's monitor may cry wolf
    assert ended.mean() == pytest.approx(both, abs=4 * np.sqrt(both * (1 - both) / ended.size))
    assert ended.any() and not s.arms_control[ended].any()
    assert s.mech[TREATY_FALSE_ENDS].sum() == ended.sum()
    # a false alarm about a state that would cheat if greedy raises mistrust between seekers
    would = bool(tr.would_cheat[0, 1])
    dl = s.logodds[:, 0, 1] - before[:, 0, 1]
    hit = alarms[:, 0, 1]
    assert would and np.all(dl[hit] > 0.05) and np.all(dl[~hit] < 0)


def test_verification_cuts_the_parties_noise():
    p = WorldParams(n_states=3, verification=0.7, mechanisms={"arms_control": True})
    s = initial_state(p, world_keys(0, 2))
    s.arms_control[:, 0, 1] = s.arms_control[:, 1, 0] = True
    scale = noise_scale(s, p)
    assert scale is not None
    assert scale[0, 0, 1] == pytest.approx(0.3) and scale[0, 1, 0] == pytest.approx(0.3)
    assert scale[0, 0, 2] == 1.0 and scale[1, 2, 1] == 1.0
    off = p.replace(mechanisms={"arms_control": False})
    assert noise_scale(s, off) is None


def test_perfect_verification_is_read_at_the_noise_floor_not_divided_by_zero():
    """v = 1 cuts a treaty pair's noise to 0; the belief update reads it at MIN_NOISE.

    (It raised ZeroDivisionError in the belief kernel: the squared noise underflowed.)
    """
    p = WorldParams(n_states=4, p_greedy=0.3, verification=1.0,
                    mechanisms={"arms_control": True})
    s = initial_state(p, world_keys(5, 40))
    near = p.replace(verification=0.999)
    t = initial_state(near, world_keys(5, 40))
    treaty_years = 0
    for _ in range(40):
        step(s, p)
        step(t, near)
        treaty_years += int(s.arms_control.sum())
        assert np.isfinite(s.logodds).all() and np.isfinite(s.second_order).all()
    assert treaty_years > 100  # treaties were in force: the zero noise was read
    # and v = 1 is the limit of v -> 1: mistrust as at v = 0.999 (same worlds)
    live = s.alive[:, :, None] & s.alive[:, None, :] & ~np.eye(p.n_states, dtype=bool)
    assert abs(s.mistrust[live].mean() - t.mistrust[live].mean()) < 0.02
