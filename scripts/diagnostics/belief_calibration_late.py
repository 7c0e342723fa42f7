"""Calibration of beliefs per bin of mu, in years 1-10 and 11-60 (issue 17, stop 28).

tests/world/test_beliefs.py checks calibration within 0.02 per bin in the first ten
years, tests/world/test_beliefs_late.py in years 11-60. Before issue 17's joint filter of
the error in nu (main 3b2f24e, 1200 worlds, seed 5) the gap after year 10 was 0.038 in the
default world (bins 0.45-0.75 at +0.03-0.04), 0.055 with war on, 0.156 clean; with the
filter 0.012, 0.032 and 0.105. Not fixed by it: war on, a gap in years 1-10 (bin 0.65:
0.062 before, 0.051 with the filter; war's own evidence), and clean worlds (the level-1
proxy in nu's increment; see the closing note of issue 17).

Run: NUMBA_NUM_THREADS=1 PYTHONPATH=src nice python scripts/diagnostics/belief_calibration_late.py default defaultwar clean
"""
import sys, numpy as np
from herz.world import Mechanisms, WorldParams, initial_state, step
from herz.world.noise import world_keys
N = 6; OFF = ~np.eye(N, dtype=bool)
def bins(g, mu):
    k = np.minimum((mu * 10).astype(int), 9); out=[]
    for b in range(10):
        sel = k == b
        if sel.sum() >= 1000:
            out.append((b, round(float(mu[sel].mean()),3), round(float(g[sel].mean()),3), int(sel.sum())))
    return out
def run(war, worlds, steps, **kw):
    p = WorldParams(n_states=N, mechanisms=Mechanisms(war=war), **kw)
    s = initial_state(p, world_keys(5, worlds))
    T, M, A = [], [], []
    for t in range(steps):
        T.append(np.broadcast_to(s.greedy[:, None, :], (worlds, N, N))[:, OFF].copy())
        step(s, p)
        M.append(s.mistrust[:, OFF]); A.append((s.alive[:, None, :] & s.alive[:, :, None])[:, OFF])
    return np.array(T), np.array(M), np.array(A)
CFG = {"default": (False, {}), "defaultwar": (True, {}),
       "clean": (False, dict(spending_shock=0.0, spending_inertia=1.0, budget_share=1.0, growth_rate=0.0, growth_spread=0.0)),
       "pg02": (False, dict(p_greedy=0.2, greed_build=0.2)),
       "hotwar": (True, dict(offense_defense_balance=0.5, first_strike_advantage=0.5))}
for name in sys.argv[1:]:
    war, kw = CFG[name]
    T, M, A = run(war, 400, 60, **kw)
    worst = 0.0
    for lab, sl in (("yrs1-10", slice(0, 10)), ("yrs11-60", slice(10, None))):
        b = bins(T[sl][A[sl]], M[sl][A[sl]])
        worst = max([worst] + [abs(x[1]-x[2]) for x in b])
        print(name, lab, b)
    print(name, "worst gap %.3f" % worst); sys.stdout.flush()
