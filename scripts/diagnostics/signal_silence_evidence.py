"""Paired: seeker-seeker mistrust on vs off by year; evidence of silences vs of signals."""
import numpy as np
from herz.world import initial_state, step
from herz.world.noise import world_keys
from herz.world.signalling import SIGNAL_ELIGIBLE, SIGNAL_MIMICRY, SIGNAL_SENT, SIGNAL_SEEKER
from tests.world.setups import params, MEDIUM
W, T = 300, 60
DEFAULT = {"n_states": 5, **MEDIUM, "p_greedy": 0.1}
on = params(DEFAULT, signal_cost=0.1, mechanisms={"signalling": True})
off = params(DEFAULT, signal_cost=0.1)
a, b = initial_state(on, world_keys(2, W)), initial_state(off, world_keys(2, W))
n = on.n_states
ss = ~a.greedy[:, :, None] & ~a.greedy[:, None, :] & ~np.eye(n, dtype=bool)
ev_sil = ev_sent = 0.0; n_sil = n_sent = 0; elig_seek = sent_seek = 0
rows = []
for t in range(T):
    step(a, on); step(b, off)
    live = ss & a.alive[:, :, None] & a.alive[:, None, :] & b.alive[:, :, None] & b.alive[:, None, :]
    da = a.mistrust[live] - b.mistrust[live]
    rows.append((t, a.mistrust[live].mean(), b.mistrust[live].mean(), da.mean(), 1.96 * da.std() / np.sqrt(live.sum())))
    m = np.clip(a.mech[SIGNAL_MIMICRY], 1e-9, 1 - 1e-9); p = np.clip(a.mech[SIGNAL_SEEKER], 1e-9, 1 - 1e-9)
    el, se = a.mech[SIGNAL_ELIGIBLE] & ~a.greedy & a.alive, a.mech[SIGNAL_SENT]
    e = np.where(se, np.log(m) - np.log(p), np.log1p(-m) - np.log1p(-p))
    ev_sil += e[el & ~se].sum(); n_sil += (el & ~se).sum()
    ev_sent += e[el & se].sum(); n_sent += (el & se).sum()
for r in rows[::5]:
    print("t=%2d mistrust seeker pairs on %.3f off %.3f diff %+.3f +- %.3f" % r)
print(f"seeker sender-years eligible {n_sil + n_sent}: sent {n_sent} ({n_sent/(n_sil+n_sent):.3f})")
print(f"log-odds evidence per silent seeker-year {ev_sil/n_sil:+.4f} (sum per seeker {ev_sil/(~a.greedy).sum():+.2f}); per signal {ev_sent/max(n_sent,1):+.3f} (sum per seeker {ev_sent/(~a.greedy).sum():+.2f})")
