"""Each preset runs in world v2 units, and the mechanism it is named for bites there.

A preset names a mechanism (cold-war: costly signals and verified treaties;
kantian-community and europe-2025: communities; offensive-realist: the
worst-case fear of offensive realism; offense-dominant-multipolar: offence
dominance; sino-indian-tibet: its buffer, in test_presets_science.py). At one
of the preset's own design points, the same worlds (paired seeds, the
preset's seed and steps) run with that mechanism on and off; the named
outcome must move in the stated direction, its paired 95% interval clear of 0.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import herz
from herz.experiment.presets import load_preset
from herz.world import WorldParams, initial_state, step
from herz.world.noise import world_keys


def _world(name: str, point: int, change: dict[str, Any] | None = None) -> dict[str, Any]:
    """The preset's world at design point ``point`` (as herz sweep builds it), with a change."""
    sc = load_preset(name)
    p = {**sc.points[point], "mechanisms": dict(sc.mechanisms)}
    for key, value in (change or {}).items():
        if key.startswith("mechanisms."):
            p["mechanisms"][key.split(".", 1)[1]] = value
        else:
            p[key] = value
    return p


def _paired(name: str, point: int, off: dict[str, Any], outcome: str, worlds: int = 200):
    """Mean on, mean off, paired difference and its 95% half-width (normal)."""
    sc = load_preset(name)
    a = herz.simulate(_world(name, point), worlds=worlds, steps=sc.steps, seed=sc.seed)
    b = herz.simulate(_world(name, point, off), worlds=worlds, steps=sc.steps, seed=sc.seed)
    x, y = a[outcome].to_numpy(float), b[outcome].to_numpy(float)
    d = x - y
    return x.mean(), y.mean(), d.mean(), 1.96 * d.std() / np.sqrt(len(d))


# (preset, design point, switched off, outcome, direction, least size); measured at 200
# worlds in the calibrated world (issue 17; before it: trust_end +0.117 for cold-war's
# signals, disputes -1.89 for kantian-community)
CASES = [
    # Kydd 2005: a binding cut of offence (cost 0.3 of B Y, point 7): arms 59.7 -> 53.6
    ("cold-war", 7, {"mechanisms.signalling": False}, "arms_end", -1, 2.0),
    # Adler & Barnett 1998: members arm less against each other (16.9 -> 16.3)
    ("kantian-community", 4, {"mechanisms.community": False}, "arms_end", -1, 0.3),
    # a seeded, mature community keeps trust among its members (0.939 -> 0.964)
    ("europe-2025", 4, {"mechanisms.community": False}, "trust_end", +1, 0.01),
    # Mearsheimer 2001: worst-case fear arms everyone (arms at the end 25.8 -> 36.3)
    ("offensive-realist", 4, {"offensive_realism": False}, "arms_end", +1, 5.0),
    # Jervis 1978: offence dominance brings war (wars per world 3.9 -> 25.1)
    ("offense-dominant-multipolar", 4, {"offense_defense_balance": 2.0}, "n_wars", +1, 10.0),
]


@pytest.mark.parametrize(("name", "point", "off", "outcome", "sign", "least"), CASES,
                         ids=[c[0] for c in CASES])
def test_each_presets_named_mechanism_bites(name, point, off, outcome, sign, least):
    on_mean, off_mean, d, half = _paired(name, point, off, outcome)
    print(f"{name}: {outcome} {off_mean:.4g} -> {on_mean:.4g} ({d:+.4g} +- {half:.2g})")
    assert sign * d > least and sign * d - half > 0, (on_mean, off_mean, d, half)


def test_cold_war_treaties_are_signed_and_hold_offence_down():
    """Verified treaties (v = 0.5, signal cost 0.03; design point 5), 200 worlds, 100 years.

    Measured (calibrated world): the pair is under a treaty in 79% of the years after
    burn-in, and the two states' offence is 3.34 +- 0.60 lower (5.12 -> 1.78) than in the
    same worlds without arms control (before the calibration: 3.44 -> 2.23). Asserted:
    treaties in force at least 40% of the years, offence lower with the paired interval
    clear of 0.
    """
    sc = load_preset("cold-war")
    out = {}
    for on in (True, False):
        p = WorldParams.from_dict(_world("cold-war", 5, {"mechanisms.arms_control": on}))
        s = initial_state(p, world_keys(sc.seed, 200))
        years, offence = 0, []
        for t in range(sc.steps):
            step(s, p)
            if t >= p.burn_in:
                years += int(s.arms_control[:, 0, 1].sum())
                offence.append(s.offense.sum(axis=1))
        out[on] = (years / (200 * (sc.steps - p.burn_in)), np.mean(offence, axis=0))
    d = out[True][1] - out[False][1]
    half = 1.96 * d.std() / np.sqrt(len(d))
    print(f"treaty years {out[True][0]:.3f}; offence {out[False][1].mean():.2f} -> "
          f"{out[True][1].mean():.2f} ({d.mean():+.2f} +- {half:.2f})")
    assert out[True][0] >= 0.4 and out[False][0] == 0.0
    assert d.mean() + half < 0


@pytest.mark.parametrize("name", ["cold-war", "kantian-community", "europe-2025"])
def test_presets_use_world_v2_units(name):
    """Signal costs as shares of the budget cap (v1's 0.2-3.0 are never sent in v2);
    identity plasticity per unit event over the range where outcomes respond smoothly."""
    sc = load_preset(name)
    for pt in sc.points:
        assert pt["signal_cost"] <= 0.3
        assert 0.01 <= pt["identity_plasticity"] <= 0.4
    if name == "cold-war":
        assert sc.mechanisms["signalling"] and sc.mechanisms["arms_control"]
        assert {pt["verification"] for pt in sc.points} == {0.02, 0.1, 0.5}
