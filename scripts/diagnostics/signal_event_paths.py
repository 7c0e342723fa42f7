"""Paired diagnosis: receivers' mistrust and senders' burden around seeker signals."""
import sys, numpy as np
from herz.world import initial_state, step
from herz.world.noise import world_keys
from tests.world.setups import params, MEDIUM
W = int(sys.argv[1]) if len(sys.argv) > 1 else 300
T = int(sys.argv[2]) if len(sys.argv) > 2 else 60
DEFAULT = {"n_states": 5, **MEDIUM, "p_greedy": 0.1}
on = params(DEFAULT, signal_cost=0.1, mechanisms={"signalling": True})
off = params(DEFAULT, signal_cost=0.1)
a, b = initial_state(on, world_keys(2, W)), initial_state(off, world_keys(2, W))
mu_a, mu_b, sp_a, sp_b, of_a, of_b, sent, grd = [], [], [], [], [], [], [], []
for t in range(T):
    step(a, on); step(b, off)
    mu_a.append(a.mistrust.copy()); mu_b.append(b.mistrust.copy())
    sp_a.append(a.spending / a.output); sp_b.append(b.spending / b.output)
    of_a.append(a.offense.copy()); of_b.append(b.offense.copy())
    sent.append(a.mech["signals.sent"].copy())
mu_a, mu_b, sp_a, sp_b, of_a, of_b, sent = map(np.array, (mu_a, mu_b, sp_a, sp_b, of_a, of_b, sent))
greedy = a.greedy
lags = range(-2, 11)
# first signal by a seeker j in world w at t (so the paths before are unaffected by signals of j)
ev = []
for w in range(W):
    for j in range(on.n_states):
        if greedy[w, j]:
            continue
        for t0 in np.flatnonzero(sent[:, w, j]):
            if 2 <= t0 < T - 10:
                ev.append((w, j, t0))
print("events", len(ev), "of", W, "worlds")
n = on.n_states
def path(arr_a, arr_b, recv):
    rows = []
    for w, j, t in ev:
        for k in lags:
            pass
    out = []
    for k in lags:
        d = []
        for w, j, t in ev:
            if recv:
                m = [i for i in range(n) if i != j and not greedy[w, i]]
                d += [(arr_a[t + k, w, i, j] - arr_a[t - 1, w, i, j]) - (arr_b[t + k, w, i, j] - arr_b[t - 1, w, i, j]) for i in m]
            else:
                d.append((arr_a[t + k, w, j] - arr_a[t-1, w, j]) - (arr_b[t + k, w, j] - arr_b[t-1, w, j]))
        d = np.array(d); d = d[np.isfinite(d)]
        out.append((k, d.mean(), 1.96 * d.std() / np.sqrt(len(d))))
    return out
for name, A, B, r in (("mistrust seeker receivers about sender (on-off)", mu_a, mu_b, True),
                      ("sender burden spending/output (on-off)", sp_a, sp_b, False),
                      ("sender offence (on-off)", of_a, of_b, False)):
    print(name)
    for k, m, h in path(A, B, r):
        print(f"  {k:+d}: {m:+.4f} +- {h:.4f}")
# level of mistrust on path (on) for context
print("levels at t-1: on mistrust", np.mean([mu_a[t-1, w, i, j] for w, j, t in ev for i in range(n) if i != j and not greedy[w, i]]), "off", np.mean([mu_b[t-1, w, i, j] for w, j, t in ev for i in range(n) if i != j and not greedy[w, i]]), "burden on", np.mean([sp_a[t-1,w,j] for w,j,t in ev]))
print("x", np.mean([mu_a[t-1, w, i, j] for w, j, t in ev for i in range(n) if i != j and not greedy[w, i]]))
