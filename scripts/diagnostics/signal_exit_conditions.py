"""Paired: entries and exits on vs off, with exit conditions relaxed one at a time."""
import numpy as np
from herz.world import simulate
from tests.world.setups import params, MEDIUM, exit_within
DEFAULT = {"n_states": 5, **MEDIUM, "p_greedy": 0.1}
W = 300
for label, kw in (("as is", {}), ("trust floor fixed 0.5", {"exit_trust_floor": "fixed"}),
                  ("trust final", {"exit_trust_reading": "final"}),
                  ("burden band 1.0", {"exit_growth_band": 1.0}),
                  ("trust 0 + fixed", {"exit_trust": 0.0, "exit_trust_floor": "fixed"})):
    res = {}
    for s in (True, False):
        p = params(DEFAULT, kw, signal_cost=0.1, mechanisms={"signalling": s})
        f = simulate(p, worlds=W, steps=100, seed=2)
        res[s] = (f["entered"].to_numpy(float), exit_within(f))
    de = res[True][0] - res[False][0]; dx = res[True][1] - res[False][1]
    print(f"{label:24s} P(enter) on {res[True][0].mean():.3f} off {res[False][0].mean():.3f}; "
          f"P(exit<=H) on {res[True][1].mean():.3f} off {res[False][1].mean():.3f} "
          f"diff {dx.mean():+.3f} +- {1.96*dx.std()/np.sqrt(W):.3f}", flush=True)
