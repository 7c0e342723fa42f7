"""Costly signals in the integrated world (issue 18): paired seeds, stated tolerances.

The world's calibration (issue 17) still gives almost no entries into the
dilemma at the DESIGN thresholds, so the tests of exits use the world team's
MEDIUM thresholds and RACING world (tests/world/test_outcomes_world.py).
"""

from __future__ import annotations

import numpy as np
import pytest

from herz.world import WorldParams, initial_state, step
from herz.world.bite import bite_test
from herz.world.noise import world_keys
from herz.world.signalling import SIGNAL_ELIGIBLE, SIGNAL_MIMICRY, SIGNAL_SENT
from tests.world.setups import (
    MEDIUM,
    RACING,
    calibration_table,
    early_rule,
    params,
    runner_with_exit_column,
)

BASE = {**RACING, **MEDIUM, "p_greedy": 0.3}


def _params(**kw) -> WorldParams:
    return params(BASE, kw)


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


@pytest.mark.slow
def test_effect_of_signals_on_exit_is_not_monotone_in_cost():
    """Too cheap pools (teaches little), too dear is never sent; in between, more exits."""
    res = {c: bite_test(BASE, {"mechanisms.signalling": True, "signal_cost": c},
                        {"mechanisms.signalling": False, "signal_cost": c}, "exit_within_h",
                        worlds=800, steps=100, seed=2, runner=runner_with_exit_column)
           for c in (1e-7, 0.1, 1.0)}
    cheap, mid, dear = res[1e-7], res[0.1], res[1.0]
    assert mid.low > 0.0, mid  # measured +0.071 [0.030, 0.110] (cheap: -0.003 [-0.046, 0.040])
    assert dear.difference == 0.0 and dear.value_on == dear.value_off  # never sent
    assert cheap.low < 0.0 < cheap.high and cheap.difference < mid.difference, cheap


@pytest.mark.slow
def test_signals_pass_the_bite_test_and_do_not_settle_the_dilemma_at_once():
    res = bite_test(BASE, {"mechanisms.signalling": True, "signal_cost": 0.1},
                    {"mechanisms.signalling": False, "signal_cost": 0.1}, "exit_within_h",
                    worlds=800, steps=100, seed=2, runner=runner_with_exit_column)
    assert res.significant and res.difference > 0.03, res
    # the harness's own spell-level rule (its default runner): <= 5% at t <= 2 in both arms
    early = bite_test(BASE, {"mechanisms.signalling": True, "signal_cost": 0.1},
                      {"mechanisms.signalling": False, "signal_cost": 0.1}, "exited",
                      worlds=200, steps=100, seed=4)
    assert early.early_ok, early
    # DESIGN rule 2, measured on the spells as the world team does (MEDIUM thresholds)
    p = {**RACING, **MEDIUM, "p_greedy": 0.1, "signal_cost": 0.1,
         "mechanisms": {"signalling": True}}
    r = early_rule(p, {"signalling": False})
    assert r["n_entries"] >= 300 and r["n_exits"] >= 30, r
    assert r["entries"] <= 0.05 and r["exits"] <= 0.05, r
    # worlds whose dilemma is settled by t <= 2: no more than in the same worlds without
    # the mechanism, within 2 points (measured without: 5.7%, a property of the thresholds)
    assert r["settled_on"] <= r["settled_off"] + 0.02, r


def test_beliefs_stay_calibrated_with_signals_and_silences():
    """Correct specification: among pairs with mu in a bin, the greedy share is the bin's mu.

    Signals, silences and the window's cap are all read with the probabilities that
    generated them (measured: every bin within 0.011).
    """
    rows = calibration_table("signalling", signal_cost=0.01)
    assert len(rows) >= 4
    for mean_mu, share, count in rows:
        assert abs(share - mean_mu) < 0.03, (mean_mu, share, count)


#: N = 5 at the calibrated world's defaults with the medium thresholds (issue 17): the racing
#: world's exits are rare once calibrated (P(exit within 40 years) 0.018).
DEFAULT = {"n_states": 5, **MEDIUM, "p_greedy": 0.1}


def test_greedy_mimicry_falls_with_cost_in_the_calibrated_world():
    """The share of greedy states' chances to signal (eligible sender-years) they take.

    Measured (200 worlds, 60 years; scripts/mechanism_curves.py --base default): 0.888
    [0.859, 0.916] at cost 0.003, 0.400 [0.368, 0.432] at 0.03, 0.100 [0.089, 0.111] at
    0.3, matching the equilibrium rate m (0.873, 0.381, 0.077) within a few points.
    """
    rates, model = [], []
    for cost in (0.003, 0.03, 0.3):
        p = params(DEFAULT, signal_cost=cost, mechanisms={"signalling": True})
        s = initial_state(p, world_keys(2, 200))
        took = chances = m = 0.0
        for _ in range(60):
            step(s, p)
            ok = s.mech[SIGNAL_ELIGIBLE] & s.greedy
            chances += ok.sum()
            took += (s.mech[SIGNAL_SENT] & ok).sum()
            m += s.mech[SIGNAL_MIMICRY][ok].sum()
        assert chances > 1000
        rates.append(took / chances)
        model.append(m / chances)
    print("mimicry", np.round(rates, 3), "equilibrium", np.round(model, 3))
    assert rates[0] > 0.7 and rates[1] < 0.6 * rates[0] and rates[2] < 0.5 * rates[1]
    assert np.allclose(rates, model, atol=0.05)  # the realised rate is the equilibrium's


@pytest.mark.slow
def test_effect_of_signals_on_exit_is_not_monotone_in_cost_in_the_calibrated_world():
    """Paired bite tests, 800 worlds, 100 years, exit within 40 years of burn-in.

    Measured with the exit rule's window trend of the burden (December 2026): cost 1e-7:
    -0.063 [-0.101, -0.025]; 0.1: -0.095 [-0.135, -0.056]; 3: +0.001 [-0.009, +0.010]
    (with the old yearly growth reading: -0.018 [-0.053, +0.017], -0.055 [-0.089, -0.023],
    +0.000 [-0.009, +0.008]). Not monotone: the effect is largest in size in the middle,
    and dear signals are hardly sent; in the calibrated default world signals move exits
    down (the offence cut and its rebuilding after the window), where the
    pre-calibration racing world's went up (+0.071 [+0.030, +0.110] at 0.1). Asserted:
    the middle effect's interval excludes 0; the dear end's covers it; both ends are
    smaller in size than the middle (cheap signals, which now also lower exits, by 0.03).
    """
    res = {c: bite_test(DEFAULT, {"mechanisms.signalling": True, "signal_cost": c},
                        {"mechanisms.signalling": False, "signal_cost": c}, "exit_within_h",
                        worlds=800, steps=100, seed=2, runner=runner_with_exit_column)
           for c in (1e-7, 0.1, 3.0)}
    cheap, mid, dear = res[1e-7], res[0.1], res[3.0]
    print(cheap, mid, dear, sep="\n")
    assert mid.significant, mid
    assert dear.low <= 0.0 <= dear.high, dear
    for end in (cheap, dear):
        assert abs(end.difference) < abs(mid.difference), end
