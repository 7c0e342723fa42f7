"""Paired: the pre-entry trust (the exit's trust floor) of seeker-pair episodes, on vs off."""
import numpy as np
from herz.world import simulate
from tests.world.setups import params, MEDIUM
DEFAULT = {"n_states": 5, **MEDIUM, "p_greedy": 0.1}
for s in (True, False):
    p = params(DEFAULT, signal_cost=0.1, mechanisms={"signalling": s})
    out = simulate(p, worlds=300, steps=100, seed=2, pairs=True)
    ep = out[1] if isinstance(out, tuple) else out
    cols = [c for c in ep.columns if c in ("pre_entry_trust", "exited", "route")]
    print("signals", s, "episodes", len(ep))
    if "pre_entry_trust" in ep:
        pt = ep["pre_entry_trust"].to_numpy(float)
        print(f"  pre_entry_trust mean {np.nanmean(pt):.3f}, share > 0.5: {np.nanmean(pt > 0.5):.3f}, "
              f"median {np.nanmedian(pt):.3f}")
        print("  ends:", ep["end"].value_counts().to_dict())
        print("  routes:", ep["route"].value_counts().to_dict())
