"""War consequences and balancing (DESIGN.md 2.6) on explicit arrays.

Statistical checks use fixed seeds and a tolerance of 4 binomial standard errors.
"""

from __future__ import annotations

import numpy as np
import pytest

from herz.world.bargaining import (
    logistic,
    pair_contests,
    pair_mask,
    war_policy,
)
from herz.world.consequences import (
    allied_defense,
    fight_year,
    join_balancers,
    mean_alive,
    participants,
)

BASE = dict(balance=1.0, first_strike=0.0, exponent=1.0, end_base=0.4, end_slope=1.0,
            output_destruction=0.05, arms_destruction=0.2, transfer=0.2, death_threshold=0.1,
            regime_change=0.3, p_greedy=0.5, weariness_decay=0.8)


def _fight(war, ally, o, d, y, alive, greedy, wear, *, u_end, u_win, u_regime=None, u_type=None,
           **kw):
    w, n = y.shape
    args = {**BASE, **kw}
    return fight_year(war, ally, o, d, y, alive, greedy, wear, u_end=u_end, u_win=u_win,
                      u_regime=np.ones((w, n)) if u_regime is None else u_regime,
                      u_type=np.ones((w, n)) if u_type is None else u_type, **args)


def _two(w=1, n=3):
    war = np.zeros((w, n, n), dtype=bool)
    war[:, 0, 1] = True  # 0 attacks 1; 2 stands by
    return (war, np.zeros((w, n, n), dtype=bool), np.ones((w, n)), np.ones((w, n)),
            np.full((w, n), 10.0), np.ones((w, n), dtype=bool), np.zeros((w, n), dtype=bool),
            np.zeros((w, n)))


def test_conquest_moves_output_and_destruction_hits_only_participants():
    war, ally, o, d, y, alive, greedy, wear = _two()
    f = _fight(war, ally, o, d, y, alive, greedy, wear, u_end=np.zeros((1, 3, 3)),
               u_win=np.zeros((1, 3, 3)))  # ends, attacker wins
    after = 10.0 * 0.95
    assert f.ended[0, 0, 1] and f.attacker_won[0, 0, 1]
    assert f.output[0, 1] == pytest.approx(after * 0.8)
    assert f.output[0, 0] == pytest.approx(after * 1.2)
    assert f.output[0, 2] == 10.0 and f.offense[0, 2] == 1.0   # bystander untouched
    assert f.offense[0, 0] == pytest.approx(0.8) and f.defense[0, 1] == pytest.approx(0.8)
    assert not f.war_attacker.any() and f.lost.tolist() == [[False, True, False]]
    # the defender wins instead: the attacker pays
    f = _fight(war, ally, o, d, y, alive, greedy, wear, u_end=np.zeros((1, 3, 3)),
               u_win=np.ones((1, 3, 3)))
    assert f.output[0, 0] == pytest.approx(after * 0.8) and f.output[0, 1] == pytest.approx(after * 1.2)
    # a war that goes on: destruction only, no transfer
    f = _fight(war, ally, o, d, y, alive, greedy, wear, u_end=np.ones((1, 3, 3)),
               u_win=np.zeros((1, 3, 3)))
    assert f.war_attacker[0, 0, 1] and f.output[0, 0] == f.output[0, 1] == pytest.approx(after)
    np.testing.assert_allclose(f.weariness[0], [1.0, 1.0, 0.0])


def test_losing_two_wars_at_once_pays_tau_twice_in_all():
    w, n = 1, 3
    war = np.zeros((w, n, n), dtype=bool)
    war[0, 0, 2] = war[0, 1, 2] = True
    y = np.full((w, n), 10.0)
    f = _fight(war, np.zeros_like(war), np.ones((w, n)), np.ones((w, n)), y,
               np.ones((w, n), bool), np.zeros((w, n), bool), np.zeros((w, n)),
               u_end=np.zeros((w, n, n)), u_win=np.zeros((w, n, n)), output_destruction=0.0)
    assert f.output[0, 2] == pytest.approx(10.0 * 0.8 ** 2)
    assert f.output[0, 0] == pytest.approx(10.0 + 10.0 * (1 - 0.64) / 2)
    assert f.output.sum() == pytest.approx(30.0)


def test_dead_states_die_below_the_threshold_are_absorbed_and_stay_dead():
    war, ally, o, d, y, alive, greedy, wear = _two(n=4)
    y[:, 1] = 1.0   # the victim is small: after the transfer it falls below 0.1 mean(Y)
    f = _fight(war, ally, o, d, y, alive, greedy, wear, u_end=np.zeros((1, 4, 4)),
               u_win=np.zeros((1, 4, 4)), transfer=0.5, death_threshold=0.1)
    assert f.died.tolist() == [[False, True, False, False]]
    assert not f.alive[0, 1] and f.output[0, 1] == 0 and f.offense[0, 1] == 0
    # its remains went to the winner: output is conserved up to the destruction
    total = 10 * 0.95 + 1 * 0.95 + 20.0
    assert f.output.sum() == pytest.approx(total)
    # dead stays dead: another year, a new policy: masked everywhere
    g = _fight(f.war_attacker, f.ally, f.offense, f.defense, f.output, f.alive, f.greedy,
               f.weariness, u_end=np.zeros((1, 4, 4)), u_win=np.zeros((1, 4, 4)),
               death_threshold=0.99)
    assert not g.alive[0, 1] and g.output[0, 1] == 0
    mask = pair_mask(g.alive)
    con = pair_contests(g.offense, g.defense, mask, balance=0.3, first_strike=1.0, exponent=1.0)
    pol = war_policy(con, g.output, np.full((1, 4, 4), 0.5), np.ones((1, 4, 4)),
                     np.ones((1, 4, 4)), np.zeros((1, 4, 4)), np.ones((1, 4), bool), mask,
                     greedy_value=5.0, seeker_value=0.0, transfer=0.3, cost=0.01,
                     rationality=30.0, intercept=5.0, dispute_cutpoint=1.0, fear_depth=2)
    assert pol.p_war[0, 1].max() == 0 and pol.p_war[0, :, 1].max() == 0
    assert mean_alive(g.output, g.alive)[0] == pytest.approx(g.output[0, g.alive[0]].mean())


def test_only_states_at_war_die():
    war, ally, o, d, y, alive, greedy, wear = _two(n=4)
    y[:, 3] = 0.5   # a tiny bystander at peace survives; a tiny belligerent would not
    f = _fight(war, ally, o, d, y, alive, greedy, wear, u_end=np.ones((1, 4, 4)),
               u_win=np.zeros((1, 4, 4)), death_threshold=0.1)
    assert f.alive.all() and f.output[0, 3] == 0.5


def test_a_death_mid_war_ends_it_with_the_survivor_winning():
    war, ally, o, d, y, alive, greedy, wear = _two(n=3)
    y[:, 0] = 0.5   # the attacker is tiny and the year's destruction kills it
    f = _fight(war, ally, o, d, y, alive, greedy, wear, u_end=np.ones((1, 3, 3)),
               u_win=np.zeros((1, 3, 3)), death_threshold=0.1)
    assert f.died[0, 0] and f.ended[0, 0, 1] and not f.attacker_won[0, 0, 1]
    assert f.output[0, 1] == pytest.approx(10 * 0.95 + 0.5 * 0.95)


def test_war_ends_at_hazard_h0_plus_h1_distance_from_even():
    w, n = 20000, 2
    rng = np.random.default_rng(11)
    war = np.zeros((w, n, n), dtype=bool)
    war[:, 0, 1] = True
    for oi, want in ((1.0, 0.4), (3.0, 0.4 + 0.25)):   # p = 1/2 and p = 3/4
        o = np.tile([oi, 1.0], (w, 1))
        f = _fight(war, np.zeros_like(war), o, np.ones((w, n)), np.full((w, n), 10.0),
                   np.ones((w, n), bool), np.zeros((w, n), bool), np.zeros((w, n)),
                   u_end=rng.uniform(size=(w, n, n)), u_win=rng.uniform(size=(w, n, n)))
        share = f.ended[:, 0, 1].mean()
        assert share == pytest.approx(want, abs=4 * np.sqrt(want * (1 - want) / w))
        won = f.attacker_won[:, 0, 1][f.ended[:, 0, 1]].mean()
        p = oi / (oi + 1)
        assert won == pytest.approx(p, abs=4 * np.sqrt(p * (1 - p) / f.ended[:, 0, 1].sum()))


def test_losers_regime_is_redrawn_at_rate_r_reg():
    w, n = 20000, 2
    rng = np.random.default_rng(12)
    war = np.zeros((w, n, n), dtype=bool)
    war[:, 0, 1] = True
    greedy = np.ones((w, n), dtype=bool)
    f = _fight(war, np.zeros_like(war), np.ones((w, n)), np.ones((w, n)), np.full((w, n), 10.0),
               np.ones((w, n), bool), greedy, np.zeros((w, n)), u_end=np.zeros((w, n, n)),
               u_win=rng.uniform(size=(w, n, n)), u_regime=rng.uniform(size=(w, n)),
               u_type=rng.uniform(size=(w, n)), regime_change=0.3, p_greedy=0.2)
    rate = f.regime_changed[f.lost].mean()
    assert rate == pytest.approx(0.3, abs=4 * np.sqrt(0.21 / w))
    assert not f.regime_changed[~f.lost].any()
    became_seeker = (~f.greedy)[f.regime_changed].mean()
    assert became_seeker == pytest.approx(0.8, abs=4 * np.sqrt(0.16 / f.regime_changed.sum()))


def test_balancers_join_the_defender_with_the_logistic_of_threat():
    w, n = 4000, 6
    rng = np.random.default_rng(13)
    war = np.zeros((w, n, n), dtype=bool)
    war[:, 0, 1] = True
    y = np.full((w, n), 10.0)
    y[:, 0] = 20.0  # the attacker is twice the mean... of the others
    mu = np.full((w, n, n), 0.8)
    u = rng.uniform(size=(w, n, n))
    ally = join_balancers(war, np.zeros_like(war), np.ones((w, n), bool), mu, y, u,
                          rationality=2.0, intercept=-3.0)
    threat = 0.8 * 20.0 / (70.0 / 6)
    p = logistic(-3.0 + 2.0 * threat)[()]
    share = ally[:, 2:, 0].mean()
    assert share == pytest.approx(p, abs=4 * np.sqrt(p * (1 - p) / (4 * w)))
    # nobody balances the defender, the belligerents themselves or against a peaceful state
    assert not ally[:, :, 1:].any() and not ally[:, 0, 0].any() and not ally[:, 1, 0].any()
    # allies join the fight: the attacker's chance falls, and they share the destruction
    d = np.ones((w, n))
    f = _fight(war, ally, np.ones((w, n)), d, y, np.ones((w, n), bool), np.zeros((w, n), bool),
               np.zeros((w, n)), u_end=np.ones((w, n, n)), u_win=np.ones((w, n, n)))
    k = ally[:, :, 0].sum(axis=1)
    np.testing.assert_allclose(f.p_attacker[:, 0, 1], 1.0 / (1.0 + 1.0 + k))
    np.testing.assert_array_equal(participants(war, ally)[:, 2:], ally[:, 2:, 0])
    np.testing.assert_allclose(allied_defense(ally, d)[:, 0], k)
    # alliances dissolve once the attacker's wars are over
    again = join_balancers(np.zeros_like(war), ally, np.ones((w, n), bool), mu, y, u,
                           rationality=2.0, intercept=-3.0)
    assert not again.any()


def test_balancing_off_means_nobody_joins():
    w, n = 100, 8
    war = np.zeros((w, n, n), dtype=bool)
    war[:, 0, 1] = True
    ally = join_balancers(war, np.zeros_like(war), np.ones((w, n), bool), np.ones((w, n, n)),
                          np.full((w, n), 10.0), np.full((w, n, n), 1e-12), rationality=0.0,
                          intercept=-50.0)
    assert not ally.any()
