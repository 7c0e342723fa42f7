"""Qualitative results the literature predicts, as statistical tests over many worlds.

Each test fixes its seed and states its tolerance. They compare the world with
itself under a change of one parameter (never with stored output of herz).
With the same seed, world i draws the same random numbers in both arms of a
comparison (common random numbers), so differences are paired.
"""

import numpy as np
import pytest

from herz.world import Mechanisms, WorldParams, initial_state, run_batch, simulate
from herz.world.arms import fear
from herz.world.noise import world_keys

WORLDS = 300


def only(**on):
    return Mechanisms(**{**{k: False for k in Mechanisms().__dict__}, **on})


CORE = only(perception=True, belief_update=True, arms_policy=True, offense_defense=True)


def test_noise_without_signalling_makes_security_seekers_spiral():
    """Jervis (1976), Kydd (1997): misread build-ups raise mistrust among security seekers."""
    p = WorldParams(n_states=6, p_greedy=0.0, mechanisms=CORE)
    noisy = simulate(p.replace(perception_noise=0.2), worlds=WORLDS, steps=100, seed=11)
    clear = simulate(p.replace(perception_noise=0.0), worlds=WORLDS, steps=100, seed=11)
    # with noise mean trust falls from 0.6 by more than 0.3; without it, it rises
    assert noisy["trust_change"].mean() < -0.3
    assert clear["trust_change"].mean() > 0.2
    assert (noisy["outcome"] == "spiral").mean() > 0.8
    assert (clear["outcome"] == "spiral").mean() == 0.0


@pytest.mark.parametrize(("change", "value"), [("distinguishability", 1.0),
                                                ("offense_defense_balance", 3.0)])
def test_distinguishability_and_defense_advantage_lower_the_spiral_rate(change, value):
    """Jervis (1978), Glaser (1997): distinguishable postures or defence dominance mitigate."""
    p = WorldParams(n_states=6, p_greedy=0.0, mechanisms=CORE, perception_noise=0.15,
                    distinguishability=0.5, offense_defense_balance=1.0)
    low = simulate(p, worlds=WORLDS, steps=100, seed=12)
    high = simulate(p.replace(**{change: value}), worlds=WORLDS, steps=100, seed=12)
    rate_low = (low["outcome"] == "spiral").mean()
    rate_high = (high["outcome"] == "spiral").mean()
    # tolerance: the spiral rate falls by at least 0.3 (binomial sd at n = 300 is <= 0.03)
    assert rate_low - rate_high > 0.3
    assert high["arms_ratio"].mean() < low["arms_ratio"].mean()


def _trust_by_type(p: WorldParams, seed: int, steps: int = 100):
    st = initial_state(p, world_keys(seed, WORLDS))
    run_batch(p, st, steps)
    seek = ~st.greedy
    n = p.n_states
    trust = 1.0 - st.mistrust
    ss = seek[:, :, None] & seek[:, None, :] & ~np.eye(n, dtype=bool)
    sg = seek[:, :, None] & st.greedy[:, None, :]
    return trust[ss].mean(), trust[sg].mean()


def test_costly_signals_reassure_security_seekers_but_not_about_greedy_states():
    """Kydd (2000, 2005): a signal above the separating threshold only security seekers send."""
    p = WorldParams(n_states=8, p_greedy=0.3, perception_noise=0.2, mechanisms=CORE,
                    greedy_temptation=1.5, signal_cost=2.0)
    # m = 2 > pi * t_U for every trust pi <= 1: greedy types never mimic
    ss_off, _sg_off = _trust_by_type(p, seed=5)
    sig = p.replace(mechanisms=Mechanisms(**{**CORE.__dict__, "signalling": True}))
    ss_on, sg_on = _trust_by_type(sig, seed=5)
    assert ss_on - ss_off > 0.5  # trust between security seekers rises
    assert sg_on < 0.15  # trust in greedy states stays low
    assert ss_on - sg_on > 0.7


def test_friendly_identity_lowers_perceived_threat():
    """Wendt (1992): the same arms threaten less between friends."""
    mu = np.full((1, 2, 2), 0.5)
    p = WorldParams()
    assert fear(mu, np.full((1, 2, 2), 0.5), p)[0, 0, 1] < fear(mu, np.zeros((1, 2, 2)),
                                                                 p)[0, 0, 1]
    arms = {}
    for culture in ("hobbesian", "lockean", "kantian"):
        q = WorldParams(n_states=8, p_greedy=0.0, culture=culture, mechanisms=CORE,
                        perception_noise=0.1)
        arms[culture] = simulate(q, worlds=WORLDS, steps=100, seed=6)["arms_end"].mean()
    assert arms["kantian"] < arms["lockean"] < arms["hobbesian"]


def test_security_community_lowers_arms_inside_it():
    """Adler & Barnett (1998): institutions cut threat and noise among members."""
    mech = Mechanisms(**{**CORE.__dict__, "identity": True})
    p = WorldParams(n_states=8, p_greedy=0.0, culture="kantian", perception_noise=0.15,
                    identity_plasticity=0.05, grievance=0.01)
    states = {}
    for comm in (False, True):
        q = p.replace(mechanisms=Mechanisms(**{**mech.__dict__, "community": comm}))
        st = initial_state(q, world_keys(7, 200))
        run_batch(q, st, 150)
        states[comm] = st
    members = states[True].community >= 0
    assert members.mean() > 0.5  # communities formed
    on = states[True].arms()[members].mean()
    off = states[False].arms()[members].mean()  # the same states without communities
    assert on < 0.97 * off


def test_offense_dominance_makes_war_more_likely():
    """Jervis (1978), Van Evera (1998): when offence has the advantage, greed pays."""
    p = WorldParams(n_states=6, p_greedy=0.3)
    offense = simulate(p.replace(offense_defense_balance=0.5), worlds=WORLDS, steps=100, seed=8)
    defense = simulate(p.replace(offense_defense_balance=4.0), worlds=WORLDS, steps=100, seed=8)
    # tolerance: a fall of at least 0.15 in the war rate (binomial sd at n = 300 <= 0.03)
    assert (offense["n_wars"] > 0).mean() - (defense["n_wars"] > 0).mean() > 0.15
