"""Identity reads the year's evidence, not the prediction step of the Markov beliefs (issue 17).

With types turning over (``motive_turnover``), every year each belief first
moves toward p_greedy (:func:`herz.world.beliefs.predict_types`): for a
trusted seeker that is a rise of l_ij that j did nothing to cause. Identity's
build-up event (a perceived rise above ``buildup_evidence``) must compare the
updated belief with the predicted prior. Measured (5 states, 300 worlds, seed
4, years 30-59, war off, identity on, calibrated defaults): build-up events in
13% of pair-years (7.9% of pairs whose target is a seeker, 59% of those whose
target is greedy: a greedy state's build is real evidence every year); compared
with last year's posterior instead, 29%. Mean identity after 130 years: -0.55
with the fix, -0.98 without.
"""

import importlib

import numpy as np

from herz.world import Mechanisms, WorldParams, initial_state, step
from herz.world.beliefs import _predict_logodds, belief_limit
from herz.world.noise import world_keys

step_module = importlib.import_module("herz.world.step")  # the module, not herz.world.step()
N, WORLDS, YEARS = 5, 300, 60


def _params() -> WorldParams:
    return WorldParams(n_states=N, mechanisms=Mechanisms(war=False, identity=True))


def test_perceived_rise_excludes_the_prediction_step(monkeypatch):
    p = _params()
    seen = []
    real = step_module.identity_events

    def spy(state, params, **kw):
        seen.append(kw["perceived_rise"].copy())
        return real(state, params, **kw)

    monkeypatch.setattr(step_module, "identity_events", spy)
    s = initial_state(p, world_keys(4, WORLDS))
    off = ~np.eye(N, dtype=bool)
    rises, naive = [], []
    for t in range(YEARS):
        before = s.logodds.copy()
        predicted = _predict_logodds(before, p.motive_turnover, p.p_greedy, belief_limit(p))[0]
        step(s, p)
        # war off: the belief after the step is the updated one; the rise is from the prediction
        np.testing.assert_allclose(seen[-1][:, off], (s.logodds - predicted)[:, off], atol=1e-9)
        if t >= 30:
            rises.append(seen[-1][:, off])
            naive.append((s.logodds - before)[:, off])
    c = p.buildup_evidence
    share = float((np.array(rises) > c).mean())
    share_naive = float((np.array(naive) > c).mean())
    assert share < 0.2, share
    assert share_naive > share + 0.1, (share, share_naive)
