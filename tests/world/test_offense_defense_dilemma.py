"""The offense-defense variables in the threat a state perceives (issue 17).

The perceived threat counts offence at the contest's exchange rate with
defence, T_j = (O_j + (1 - d) D_j) ((1 + f)/delta)^eta_T
(:func:`herz.world.economy.threat_factor`). These tests check the derivation,
that every reader of the threat reads the same one and that the world is
bit-identical to the old threat where the factor is 1, and the behaviour of
issue 17 among security seekers alone (paired seeds: every comparison runs the
same world keys; tolerances stated per test).
"""

from __future__ import annotations

import numpy as np
import pytest

from herz.world import Mechanisms, WorldParams, initial_state, simulate
from herz.world.bargaining import contest_success
from herz.world.community import bloc_pressure, ensure_institutions
from herz.world.economy import fear, pressure, public_threat, threat_factor
from herz.world.noise import world_keys
from herz.world.signalling import trust_unit


@pytest.mark.parametrize("g", [1.0, 2.5])
def test_threat_factor_is_the_contest_exchange_rate_of_offence(g):
    """The contest depends on the attacker's offence only through O (1 + f) / delta: j's
    offence scaled by the factor wins against i's defence at delta = 1, f = 0 exactly as
    often as the unscaled offence does at (delta, f)."""
    o, d = np.array([0.3, 1.0, 2.0, 7.0]), np.array([1.0, 0.5, 2.0, 3.0])
    for delta, f in ((0.5, 0.0), (0.5, 0.5), (2.0, 0.0), (4.0, 1.0)):
        p = WorldParams(offense_defense_balance=delta, first_strike_advantage=f,
                        contest_exponent=g)
        k = threat_factor(p)
        assert k == pytest.approx((1.0 + f) / delta)
        np.testing.assert_allclose(contest_success(k * o, d, 1.0, 0.0, g),
                                   contest_success(o, d, delta, f, g), rtol=1e-12)
        assert threat_factor(p.replace(threat_balance_elasticity=2.0)) == pytest.approx(k**2)
        assert threat_factor(p.replace(threat_balance_elasticity=0.0)) == 1.0
        off = p.replace(mechanisms=Mechanisms(offense_defense=False))
        assert threat_factor(off) == 1.0
    assert threat_factor(WorldParams()) == 1.0   # delta = 1, f = 0


def _bloc_state(p: WorldParams):
    st = initial_state(p, world_keys(5, 2))
    ensure_institutions(st, p)  # communities {0, 1} and {2, 3}
    rng = np.random.default_rng(3)
    st.offense = rng.uniform(0.5, 3.0, st.offense.shape)
    st.defense = rng.uniform(0.5, 3.0, st.defense.shape)
    st.alive[1, 3] = False
    return st


def test_every_reader_reads_one_threat_bit_identical_to_the_old_one_where_the_factor_is_1():
    """public_threat, trust_unit and bloc_pressure: at eta_T = 0, and at delta = 1, f = 0,
    exactly the old threat O + (1 - d) D; at delta = 0.5, f = 0.5 exactly 3 times it."""
    base = WorldParams(n_states=4, seeded_communities=2, bloc_threat=1.0,
                       distinguishability=0.3, mechanisms=Mechanisms(community=True))
    st = _bloc_state(base)
    inst = st.mech["community.institutions"]
    old = (st.offense + 0.7 * st.defense) * st.alive

    def readers(p):
        t = public_threat(st, p)
        press = pressure(st, p, t, inst)
        f = fear(st.mistrust, st.identity, p, inst)
        return t, trust_unit(st, p, press), bloc_pressure(st, p, f, press.norm)

    t0, r0, b0 = readers(base)
    np.testing.assert_array_equal(t0, old)
    strong = base.replace(offense_defense_balance=0.5, first_strike_advantage=0.5)
    for p in (base.replace(threat_balance_elasticity=3.0), strong.replace(
            threat_balance_elasticity=0.0)):
        for a, b in zip(readers(p), (t0, r0, b0), strict=True):
            np.testing.assert_array_equal(a, b)
    t3, r3, b3 = readers(strong)
    np.testing.assert_allclose(t3, 3.0 * old, rtol=1e-14)
    # the trust unit is kappa f T / norm: the factor passes through; so does the bloc's offence
    np.testing.assert_allclose(r3, 3.0 * r0, rtol=1e-12)
    np.testing.assert_allclose(b3, 3.0 * b0, rtol=1e-12)
    assert b0.any() and r0.any()


RICH = dict(n_states=5, p_greedy=0.3, misperception_bias=0.3, distinguishability=0.3,
            mechanisms=Mechanisms(signalling=True, identity=True, community=True,
                                  misperception=True))


def test_the_world_is_bit_identical_where_the_factor_is_1_and_moves_where_it_is_not():
    """Every mechanism that reads the threat on: at delta = 1, f = 0 the per-world frame is
    the same for eta_T = 0, 1 and 2.5; at delta = 0.5, f = 0.5 eta_T = 0 and 1 differ (the
    test can fail)."""
    def frame(**kw):
        return simulate(WorldParams(**RICH, **kw), worlds=24, steps=60, seed=9)

    ref = frame(threat_balance_elasticity=0.0)
    for eta in (1.0, 2.5):
        pd_eq = frame(threat_balance_elasticity=eta)
        assert ref.drop(columns="path").equals(pd_eq.drop(columns="path"))
        assert (ref["path"] == pd_eq["path"]).all()
    off = dict(offense_defense_balance=0.5, first_strike_advantage=0.5)
    a = frame(threat_balance_elasticity=0.0, **off)
    b = frame(threat_balance_elasticity=1.0, **off)
    assert not np.allclose(a["arms_end"], b["arms_end"])
