"""Shared setups of the world tests: the racing world, medium thresholds, paired runs.

One home for what the tests of signals, arms control, identity, communities
and blocs (issues 18 and 19) and of the outcomes (issue 17) share, so that a
change of the world's calibration is made once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from herz.world import WorldParams, initial_state, simulate, step
from herz.world.bite import spell_early_shares
from herz.world.noise import world_keys
from herz.world.simulate import seeker_war_years
from tests.world.pre_calibration import PRE_CALIBRATION

#: A world where seekers race: offence dominant, defence hard to tell from offence (in the
#: calibrated economy: the world's defaults).
RACING_CALIBRATED: dict[str, Any] = {"n_states": 5, "offense_defense_balance": 0.5,
                                     "distinguishability": 0.2}
#: The racing world of the mechanism tests, on the economy their tolerances were measured
#: on: before the calibration of issue 17 (tests/world/pre_calibration.py).
RACING: dict[str, Any] = {**RACING_CALIBRATED, **PRE_CALIBRATION}
#: Thresholds looser than DESIGN's (race at 2% a year, any fall of trust; 5 calm years with
#: growth within 20% and trust >= 0.5): DESIGN's own thresholds give few entries and exits
#: at N = 5 (tests/world/test_outcomes_world.py).
MEDIUM: dict[str, Any] = {"race_growth": 0.02, "entry_trust_fall": 0.0,
                          "exit_growth_band": 0.2, "exit_years": 5, "exit_trust": 0.5}
#: Exits counted within this many years after the burn-in.
H = 40


def params(*bases: Mapping[str, Any], **kw: Any) -> WorldParams:
    """WorldParams from the defaults, then ``bases`` and ``kw`` in order; switches are merged.

    ``mechanisms`` in any of them switches the named mechanisms only (the
    others keep their defaults).
    """
    d = WorldParams().to_dict()
    mech = dict(d["mechanisms"])
    flat: dict[str, Any] = {}
    for part in (*bases, kw):
        part = dict(part)
        mech.update(part.pop("mechanisms", {}) or {})
        flat.update(part)
    return WorldParams.from_dict({**d, **flat, "mechanisms": mech})


def exit_within(frame: pd.DataFrame, h: int = H) -> np.ndarray:
    """1.0 for worlds that entered the dilemma and left it within ``h`` years of burn-in."""
    return (frame["exited"] & (frame["time_to_entry"] + frame["time_to_exit"] <= h)
            ).to_numpy(float)


def runner_with_exit_column(p: WorldParams, **kw: Any) -> pd.DataFrame:
    """simulate with the column ``exit_within_h`` (:func:`exit_within`), for bite_test."""
    frame = simulate(p, **kw)
    frame["exit_within_h"] = exit_within(frame)
    return frame


def settled(frame: pd.DataFrame, within: float = 2.0) -> float:
    """Share of worlds whose dilemma was entered and left by t <= ``within`` after burn-in."""
    return float((frame["exited"]
                  & (frame["time_to_entry"] + frame["time_to_exit"] <= within)).mean())


def spell_shares(pairs: pd.DataFrame, p: WorldParams, within: float = 2.0
                 ) -> tuple[float, float, int, int]:
    """(entries, exits at t <= ``within``, n entries, n exits) over the spells after burn-in.

    The shares are :func:`herz.world.bite.spell_early_shares` (the harness's rule).
    """
    fresh = pairs[~pairs["at_start"].astype(bool)]
    entries, exits = spell_early_shares(pairs, p, within)
    return entries, exits, len(fresh), int(fresh["exit_year"].notna().sum())


def early_rule(p: Mapping[str, Any], off: Mapping[str, bool], worlds: int = 300,
               steps: int = 130, seed: int = 5) -> dict[str, float]:
    """DESIGN rule 2 measured on the spells: shares of entries and exits at t <= 2.

    Runs ``p`` and the same worlds with the switches ``off`` (paired seeds);
    returns the spell shares of ``p`` (:func:`spell_shares`: entries,
    exits, n_entries, n_exits) and the share of worlds settled by t <= 2 in
    each arm (settled_on, settled_off).
    """
    frame, pairs = simulate(dict(p), worlds=worlds, steps=steps, seed=seed, pairs=True)
    entries, exits, n_entries, n_exits = spell_shares(pairs, params(p))
    mech = {**dict(p).get("mechanisms", {}), **off}
    base = simulate({**p, "mechanisms": mech}, worlds=worlds, steps=steps, seed=seed)
    return {"entries": entries, "exits": exits, "n_entries": n_entries, "n_exits": n_exits,
            "settled_on": settled(frame), "settled_off": settled(base)}


def calibration_table(switch: str, **kw: Any) -> list[tuple[float, float, int]]:
    """(bin mean of mu, greedy share, count) over pairs, war off, 1000 worlds, steps 4, 8, 12.

    On the pre-calibration economy (:data:`RACING`): at the calibrated one this racing
    world's spending often sits at the budget cap, a clip the likelihood leaves out (a
    stated limit of herz.world.beliefs), and high bins overstate greed by up to 0.14.
    """
    p = params(RACING, {"p_greedy": 0.3}, kw, mechanisms={switch: True, "war": False})
    s = initial_state(p, world_keys(11, 1000))
    off = ~np.eye(p.n_states, dtype=bool)
    mus, gs = [], []
    for t in range(12):
        # the type in force during the step: types turn over at its end (motive_turnover)
        greedy = np.broadcast_to(s.greedy[:, None, :], s.mistrust.shape)[:, off].ravel()
        step(s, p)
        if t in (3, 7, 11):
            mus.append(s.mistrust[:, off].ravel())
            gs.append(greedy)
    mu, g = np.concatenate(mus), np.concatenate(gs)
    rows = []
    for lo in np.arange(0.0, 1.0, 0.1):
        sel = (mu >= lo) & (mu < lo + 0.1)
        if sel.sum() >= 500:
            rows.append((float(mu[sel].mean()), float(g[sel].mean()), int(sel.sum())))
    return rows


@dataclass(frozen=True)
class Paired:
    """:func:`herz.world.simulate.seeker_war_years` of the same worlds with a mechanism off and on.

    ``war`` and ``years`` are the per-world differences on - off (seeker war as 0/1, years in
    the dilemma); ``war_half`` and ``years_half`` the half-widths of their means' 95% normal
    intervals.
    """

    off: tuple[Any, ...]
    on: tuple[Any, ...]
    war: np.ndarray
    years: np.ndarray
    war_half: float
    years_half: float


def paired_seeker_effect(make: Callable[[bool], WorldParams], worlds: int, steps: int,
                         seed: int) -> Paired:
    """The paired on/off measurement of the community tests: ``make(on)`` for on in (False, True).

    Prints P(seeker war) and the years in the dilemma in both arms with the paired differences.
    """
    off, on = (seeker_war_years(make(flag), worlds, steps, seed) for flag in (False, True))
    dwar = on[0].astype(float) - off[0]
    dyears = on[1] - off[1]
    half_w = 1.96 * dwar.std() / np.sqrt(len(dwar))
    half_y = 1.96 * dyears.std() / np.sqrt(len(dyears))
    print(f"P(seeker war) {off[0].mean():.3f} -> {on[0].mean():.3f} "
          f"({dwar.mean():+.3f} +- {half_w:.3f}); years in dilemma {off[1].mean():.1f} -> "
          f"{on[1].mean():.1f} ({dyears.mean():+.1f} +- {half_y:.1f})")
    return Paired(off, on, dwar, dyears, float(half_w), float(half_y))


#: war bookkeeping read from the cause of the wars started each step: since wars that end
#: within their first year are counted (they were lost before), these differ from earlier
#: worlds while the dynamics are the same bit for bit, so digests leave them out
BOOKKEEPING = ("n_wars", "n_wars_predation", "n_wars_preemption", "n_wars_prevention",
               "n_wars_inadvertent", "war_years", "path", "outcome")


def dynamics_digest(ds: Any) -> str:
    """SHA-256 (16 hex digits) of every per-world column of ``simulate`` but the war bookkeeping."""
    m = hashlib.sha256()
    for k in sorted(set(ds.data_vars) - set(BOOKKEEPING)):
        a = ds[k].values
        if a.dtype.kind in "fbiu":
            m.update(np.ascontiguousarray(a).tobytes())
        else:
            m.update(str(a.tolist()).encode())
    return m.hexdigest()[:16]
