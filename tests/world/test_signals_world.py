"""Costly signals in the integrated world (issue 18): paired seeds, stated tolerances.

The world's calibration (issue 17) still gives almost no entries into the
dilemma at the DESIGN thresholds, so the tests of exits use the world team's
MEDIUM thresholds and RACING world (tests/world/test_outcomes_world.py).
"""

from __future__ import annotations

import numpy as np
import pytest

from herz.world import WorldParams, initial_state, simulate, step
from herz.world.bite import bite_test
from herz.world.noise import world_keys
from tests.world.pre_calibration import PRE_CALIBRATION

# the racing world of the mechanism tests, on the pre-calibration economy (issue 17)
RACING = {"n_states": 5, "offense_defense_balance": 0.5, "distinguishability": 0.2,
          **PRE_CALIBRATION}
MEDIUM = {"race_growth": 0.02, "entry_trust_fall": 0.0, "exit_growth_band": 0.2,
          "exit_years": 5, "exit_trust": 0.5}
BASE = {**RACING, **MEDIUM, "p_greedy": 0.3}
#: exits within this many years after the burn-in
H = 40


def _params(**kw) -> WorldParams:
    d = WorldParams().to_dict()
    mech = {**d["mechanisms"], **kw.pop("mechanisms", {})}
    return WorldParams.from_dict({**d, **BASE, **kw, "mechanisms": mech})


def _paired_windows(cost: float, worlds: int = 200, steps: int = 50):
    """Run the same worlds with and without signals; collect seekers' years in a window."""
    on, off = _params(signal_cost=cost, mechanisms={"signalling": True}), _params(signal_cost=cost)
    a, b = initial_state(on, world_keys(7, worlds)), initial_state(off, world_keys(7, worlds))
    n = on.n_states
    rec = {k: [] for k in ("o_on", "o_off", "hit_on", "hit_off", "sq_on", "sq_off")}
    sent_at = []
    for _ in range(steps):
        step(a, on)
        step(b, off)
        sent_at.append(a.mech["signals.sent"].copy())
        win = (a.mech["signals.window"] > 0) & ~a.greedy & ~b.greedy & a.alive & b.alive
        rec["o_on"].append(a.offense[win])
        rec["o_off"].append(b.offense[win])
        rec["hit_on"].append(a.attacks.any(axis=1)[win])  # attacked this year
        rec["hit_off"].append(b.attacks.any(axis=1)[win])
        off_diag = ~np.eye(n, dtype=bool)
        rec["sq_on"].append((a.status_quo * off_diag).sum(axis=2)[win] / (n - 1))
        rec["sq_off"].append((b.status_quo * off_diag).sum(axis=2)[win] / (n - 1))
    out = {k: np.concatenate(v) for k, v in rec.items()}
    return out, np.array(sent_at), a


def test_the_cost_shows_in_the_signallers_arms_and_in_wars_during_the_window():
    rec, sent, state = _paired_windows(0.05)
    assert rec["o_on"].size > 2000  # seeker-years inside a window
    # the cut is real capability: a quarter less offence than the same state without signals
    assert rec["o_on"].mean() < 0.85 * rec["o_off"].mean()
    # and it costs bargaining power: the status quo moves against the signaller
    assert rec["sq_on"].mean() < rec["sq_off"].mean() - 0.003
    # wars during the window: a pure offence cut leaves the signaller's defence (its
    # defence against a first strike) whole and lowers the others' fear of it, so it is
    # attacked less, not more (measured: 0.046 vs 0.087 per seeker-year at N = 5)
    hits_on, hits_off = rec["hit_on"].sum(), rec["hit_off"].sum()
    se = np.sqrt(hits_on + hits_off)
    assert hits_off - hits_on > 3 * se, (hits_on, hits_off)
    # who signals when: not everyone in year 0, and on through the run
    assert 0.05 < sent[0].mean() < 0.9
    assert sent[30:].any(axis=(1, 2)).mean() > 0.9
    # seekers send, greedy states mimic rarely at this cost
    greedy_share = (sent & state.greedy[None]).sum() / sent.sum()
    assert greedy_share < 0.1


def _exit_within(frame):
    return (frame["exited"] & (frame["time_to_entry"] + frame["time_to_exit"] <= H)).to_numpy(float)


def _runner_with_exit_column(params, **kw):
    frame = simulate(params, **kw)
    frame["exit_within_h"] = _exit_within(frame)
    return frame


@pytest.mark.slow
def test_effect_of_signals_on_exit_is_not_monotone_in_cost():
    """Too cheap pools (teaches little), too dear is never sent; in between, more exits."""
    res = {c: bite_test(BASE, {"mechanisms.signalling": True, "signal_cost": c},
                        {"mechanisms.signalling": False, "signal_cost": c}, "exit_within_h",
                        worlds=800, steps=100, seed=2, runner=_runner_with_exit_column)
           for c in (1e-7, 0.1, 1.0)}
    cheap, mid, dear = res[1e-7], res[0.1], res[1.0]
    assert mid.low > 0.0, mid  # measured +0.071 [0.030, 0.110] (cheap: -0.003 [-0.046, 0.040])
    assert dear.difference == 0.0 and dear.value_on == dear.value_off  # never sent
    assert cheap.low < 0.0 < cheap.high and cheap.difference < mid.difference, cheap


@pytest.mark.slow
def test_signals_pass_the_bite_test_and_do_not_settle_the_dilemma_at_once():
    res = bite_test(BASE, {"mechanisms.signalling": True, "signal_cost": 0.1},
                    {"mechanisms.signalling": False, "signal_cost": 0.1}, "exit_within_h",
                    worlds=800, steps=100, seed=2, runner=_runner_with_exit_column)
    assert res.significant and res.difference > 0.03, res
    # the harness's own spell-level rule (its default runner): <= 5% at t <= 2 in both arms
    early = bite_test(BASE, {"mechanisms.signalling": True, "signal_cost": 0.1},
                      {"mechanisms.signalling": False, "signal_cost": 0.1}, "exited",
                      worlds=200, steps=100, seed=4)
    assert early.early_ok, early
    # DESIGN rule 2, measured on the spells as the world team does (MEDIUM thresholds)
    p = {**RACING, **MEDIUM, "p_greedy": 0.1, "signal_cost": 0.1,
         "mechanisms": {"signalling": True}}
    frame, pairs = simulate(p, worlds=300, steps=130, seed=5, pairs=True)
    fresh = pairs[~pairs["at_start"]]
    exits = fresh["exit_year"].dropna() - WorldParams().burn_in
    assert len(fresh) >= 300 and len(exits) >= 30
    assert float((fresh["time_to_entry"] <= 2).mean()) <= 0.05
    assert float((exits <= 2).mean()) <= 0.05
    # worlds whose dilemma is settled by t <= 2: no more than in the same worlds without
    # the mechanism, within 2 points (measured without: 5.7%, a property of the thresholds)
    base = simulate({**p, "mechanisms": {"signalling": False}}, worlds=300, steps=130, seed=5)

    def settled(df):
        return float((df["exited"] & (df["time_to_entry"] + df["time_to_exit"] <= 2)).mean())

    assert settled(frame) <= settled(base) + 0.02, (settled(frame), settled(base))


def calibration_table(switch: str, **kw):
    """(bin mean of mu, greedy share, count) over pairs, war off, 1000 worlds, steps 4, 8, 12."""
    d = WorldParams().to_dict()
    # pinned to the pre-calibration economy (issue 17): at the calibrated one this racing
    # world's spending often sits at the budget cap, a clip the likelihood leaves out
    # (a stated limit of herz.world.beliefs), and high bins overstate greed by up to 0.14
    p = WorldParams.from_dict({**d, **RACING, **PRE_CALIBRATION, "p_greedy": 0.3, **kw,
                               "mechanisms": {**d["mechanisms"], switch: True, "war": False}})
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
            rows.append((mu[sel].mean(), g[sel].mean(), int(sel.sum())))
    return rows


def test_beliefs_stay_calibrated_with_signals_and_silences():
    """Correct specification: among pairs with mu in a bin, the greedy share is the bin's mu.

    Signals, silences and the window's cap are all read with the probabilities that
    generated them (measured: every bin within 0.011).
    """
    rows = calibration_table("signalling", signal_cost=0.01)
    assert len(rows) >= 4
    for mean_mu, share, count in rows:
        assert abs(share - mean_mu) < 0.03, (mean_mu, share, count)
