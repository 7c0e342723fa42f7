"""Perspective-taking through the misperception bias, and its backfire (DESIGN.md 2.3; issue 19).

Kertzer, Brutger and Quek (2024): taking the other's perspective lowers
security-dilemma thinking toward a state seen as a partner and raises it toward
one seen as an enemy. In the world it acts on the bias beta of the belief
update (beta (1 - PT) if s_ij >= s_thr, beta (1 + PT) otherwise;
:func:`herz.world.identity.biased_share`), so it moves the psychological
spiral l - l* (the mistrust the bias adds to the rational belief l*), not the
noise (v1's perspective-taking was a noise cut: at 1.0 it equalled noise 0).
"""

import numpy as np
import pytest

from herz.world import Mechanisms, WorldParams, initial_state, simulate, step
from herz.world.identity import biased_share
from herz.world.noise import world_keys

WORLDS = 200


def test_biased_share_rule():
    assert biased_share(0.3, 0.5, 0.0, -0.25) == pytest.approx(0.15)
    assert biased_share(0.3, 0.5, -0.5, -0.25) == pytest.approx(0.45)
    assert biased_share(0.8, 1.0, -0.5, -0.25) == 1.0  # a share of one's own arsenal: at most 1
    assert biased_share(0.3, 0.0, -0.5, -0.25) == pytest.approx(0.3)


#: The domestic shock the tolerances below were measured with (v2.0: on output, sigma_m
#: 0.03). On today's default (a share of last year's spending, 0.08) the same runs give
#: Kantian 0.073 -> 0.033 -> 0.000 and Hobbesian 0.075 -> 0.128 -> 0.196: the same
#: directions and the same shares of the spiral (steps -0.55 and +0.70 of it at PT 0.5).
V2_0_SHOCK = dict(shock_base=0.0, spending_shock=0.03)


def _spiral(culture, pt):
    p = WorldParams(n_states=4, p_greedy=0.2, culture=culture, perspective_taking=pt,
                    mechanisms=Mechanisms(misperception=True), **V2_0_SHOCK)
    return simulate(p, worlds=WORLDS, steps=50, seed=2)["psychological_spiral"].to_numpy()


@pytest.mark.parametrize("culture, sign", [("kantian", -1.0), ("hobbesian", 1.0)])
def test_perspective_taking_lowers_the_spiral_between_friends_and_raises_it_between_enemies(
        culture, sign):
    """Paired seeds: mean (l - l*) over seeker pairs at year 50, PT 0 -> 0.5 -> 1.

    PT scales the bias between friends by (1 - PT) and between enemies by (1 + PT)
    (up to b = 1), and the spiral l - l* is about linear in b, so PT 0.5 should remove
    about half of the spiral between friends and add about half between enemies; PT = 1
    between friends removes it exactly (l and l* are then the same filter). Tolerance: a
    step of at least 0.4 of the spiral at PT 0 (the linear 0.5 less twice the 95%
    half-width of the measured ratio, about 0.06) with the paired 95% interval excluding 0.

    Measured (200 worlds, seed 2): Kantian 0.077 -> 0.035 -> 0.000 (steps -0.042 +- 0.005,
    -0.55 of the spiral, and -0.077 +- 0.009); Hobbesian 0.080 -> 0.144 -> 0.233 (+0.065 +-
    0.010, +0.80 of it, and +0.152 +- 0.024). The tolerance was an absolute 0.05 before
    issue 17's joint filter of the error in nu (then Kantian 0.104 -> 0.050 -> 0.000, step
    -0.054, -0.52 of the spiral; Hobbesian 0.139 -> 0.211 -> 0.280, +0.52): the biased
    filter, like the shadow, now reads part of a seeker's unexplained build as the error in
    its estimate of the seeker's fear, so the spiral is smaller (Kantian -26%, Hobbesian
    -42%) while the share of it that PT moves is unchanged (Kantian) or larger
    (Hobbesian). The spiral's size is the filter's, the bound on the share is the
    mechanism's, so the bound is stated on the share.
    """
    base = _spiral(culture, 0.0)
    assert np.nanmean(base) > 0.05  # the bias makes a psychological spiral
    prev = base
    for pt in (0.5, 1.0):
        d = _spiral(culture, pt) - base
        half = 1.96 * np.nanstd(d) / np.sqrt(np.isfinite(d).sum())
        assert sign * np.nanmean(d) > 0.4 * np.nanmean(base) and sign * np.nanmean(d) - half > 0
        cur = base + d
        assert sign * (np.nanmean(cur) - np.nanmean(prev)) > 0  # monotone in PT
        prev = cur
    if sign < 0:
        assert np.nanmean(prev) == pytest.approx(0.0, abs=1e-9)  # PT = 1 between friends


def test_backfire_occurs_in_a_lockean_world_once_identities_move():
    """v1: the backfire needed s below -0.25, which never happened in Lockean worlds.

    With identity moved by events, hostile pairs appear (greedy states' attacks
    and disputes); among them perspective-taking raises l - l*.
    """
    def run(pt):
        p = WorldParams(n_states=5, p_greedy=0.3, perspective_taking=pt,
                        mechanisms=Mechanisms(misperception=True, identity=True))
        st = initial_state(p, world_keys(3, WORLDS))
        for _ in range(60):
            step(st, p)
        hostile = (st.identity < p.identity_threat_threshold) & st.alive[:, :, None] \
            & st.alive[:, None, :]
        return hostile, st.logodds - st.logodds_shadow
    h0, s0 = run(0.0)
    h1, s1 = run(1.0)
    print("hostile pairs", int(h0.sum()), int(h1.sum()), "spiral", s0[h0].mean(), s1[h1].mean())
    assert h0.sum() > 100 and h1.sum() > 100
    assert s1[h1].mean() > s0[h0].mean() + 0.1
