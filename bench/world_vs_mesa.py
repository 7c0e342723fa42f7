"""herz.world (version 2) against the same world written as an ordinary Mesa model.

Mechanisms compared (DESIGN.md 2.1, 2.2, 2.4): the economy (output growth,
spending toward a target with inertia and a domestic shock, within a budget,
offence and defence stocks), perception of the yearly purchases with noise and
distinguishability, and the correctly specified belief update (a Kalman filter
of the other's spending under each type hypothesis, the log-likelihood ratio,
the second-order belief). The war of DESIGN 2.5-2.6 (bargaining, consequences,
balancing) is not in the twin (a faithful, checked Mesa twin of it is some 1,000
lines of herz's kernels written again): the twin and herz are both timed with war
off, so the ratio compares the same mechanisms, and war is timed in herz alone,
as the cost of switching it on (``herz_war_on_over_off``).

1. Check: on a small case, herz and Mesa are fed the same random draws (herz's
   per-world counter-based streams) and must give the same output, spending,
   stocks and beliefs in every world (relative difference below 1e-8).
2. Timing: herz at N = 20, 100, 193 states (W worlds, 100 steps); Mesa at the
   same N for a few steps (throughput normalised to dyad-steps per second); and
   a bare NumPy loop of the same step (the near-limit), all in this process.
   Each is timed three times; the best (timeit's convention) and the median are
   printed, with the 1-minute load average before and after.
3. Peak memory of simulate(worlds=1000) at N = 193 (default batch size, all
   default mechanisms, war included), in a child process.

Prints one JSON line of figures. Run: ``.venv/bin/python bench/world_vs_mesa.py``
(``--quick`` for a shorter run). Mesa is a benchmark-only dependency
(``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time

import mesa
import numpy as np

import herz
from herz.world import Mechanisms, WorldParams, initial_state, run_batch
from herz.world.economy import inertia, offense_shares, reference_output
from herz.world.noise import Stream, fill_normal, fill_normal_pairs, world_keys

MECH = Mechanisms(perception=True, belief_update=True, arms_policy=True, offense_defense=True,
                  signalling=False, war=False, identity=False, community=False)


def bench_params(n: int) -> WorldParams:
    # types fixed for life (motive_turnover = 0: the Markov prediction step is the
    # identity, so the twin needs none); the second-order spread nu_spread is in the twin
    return WorldParams(n_states=n, mechanisms=MECH, p_greedy=0.2, perception_noise=0.15,
                       motive_turnover=0.0)


# --------------------------------------------------------------------------- the Mesa model
def _loglik(r0, r1, a0, a1, s2, v):
    aa = a0 * a0 + a1 * a1
    c = v / (s2 + v * aa) if v > 0.0 else 0.0
    ar = a0 * r0 + a1 * r1
    quad = (r0 * r0 + r1 * r1 - c * ar * ar) / s2
    logdet = math.log1p(v * aa / s2) if v > 0.0 else 0.0
    return -0.5 * quad - 0.5 * logdet, 2.0 - c * aa


def _predict(m_prev, target, inert, cap):
    return min(max(m_prev + inert * (target - m_prev), 0.0), cap)


def _kalman(m_prev, p_prev, target, inert, q, cap, h0, h1, o0, o1, s2):
    m = _predict(m_prev, target, inert, cap)
    pv = (1.0 - inert) * (1.0 - inert) * p_prev + q
    ll, _ = _loglik(o0 - h0 * m, o1 - h1 * m, h0, h1, s2, pv)
    denom = s2 + pv * (h0 * h0 + h1 * h1)
    m_post = m + pv * (h0 * (o0 - h0 * m) + h1 * (o1 - h1 * m)) / denom
    return ll, m_post, pv * s2 / denom


def _fear(lg, p):
    return p.fear_floor + (1.0 - p.fear_floor) / (1.0 + math.exp(-lg))


def _fear_spread(lg, var, p):
    """E[fear(l)], l ~ N(lg, var): herz's three-point Gauss-Hermite (beliefs._fear_spread)."""
    f0 = _fear(lg, p)
    if var <= 0.0:
        return f0
    h = math.sqrt(3.0 * var)
    return (2.0 / 3.0) * f0 + (_fear(lg - h, p) + _fear(lg + h, p)) / 6.0


class StateAgent(mesa.Agent):
    """One state: output, spending, stocks, motive, beliefs and filters about every other."""

    def __init__(self, model, idx, st, w):
        super().__init__(model)
        n = st.n_states
        self.idx = idx
        self.output = float(st.output[w, idx])
        self.growth = float(st.growth[w, idx])
        self.spending = float(st.spending[w, idx])
        self.offense = float(st.offense[w, idx])
        self.defense = float(st.defense[w, idx])
        self.greedy = bool(st.greedy[w, idx])
        self.logodds = [float(x) for x in st.logodds[w, idx]]
        self.nu = [float(x) for x in st.second_order[w, idx]]
        self.nu_var = [0.0] * n  # Var(nu): starts at 0 (the common prior)
        self.filt = [[float(st.expected_spending[w, idx, j, k]) for k in range(2)]
                     for j in range(n)]
        self.fvar = [[float(st.expected_spending_var[w, idx, j, k]) for k in range(2)]
                     for j in range(n)]
        self.added = (0.0, 0.0)

    # the public state at t
    def observe_public(self):
        m = self.model
        p = m.p
        tot = 0.0
        for other in m.states:
            if other is self:
                continue
            tot += _fear(self.logodds[other.idx], p) * m.threat[other.idx]
        self.norm = float(len(m.states) - 1)
        self.press = tot / self.norm
        self.spending_prev = self.spending
        self.offense_old = self.offense

    # the economy and the dilemma of response
    def decide_arms(self):
        m = self.model
        p = m.p
        self.output *= 1.0 + self.growth * p.dt
        size = self.output / m.yref
        cap = p.budget_share * self.output
        target = p.reaction * self.press + (p.grievance + p.greed_build * self.greedy) * size
        sp = self.spending + m.inert * (target - self.spending)
        sp += p.spending_shock * size * m.shock(self.idx)
        sp = min(max(sp, 0.0), cap)
        q = m.q_g if self.greedy else m.q_s
        keep = 1.0 - p.fatigue * p.dt
        add_o = p.dt * q * sp
        add_d = p.dt * sp - add_o
        self.spending = sp
        self.added = (add_o, add_d)
        self.offense = min(max(keep * self.offense + add_o, 0.0), p.runaway_level)
        self.defense = min(max(keep * self.defense + add_d, 0.0), p.runaway_level)

    # the dilemma of interpretation
    def update_beliefs(self):
        m = self.model
        p = m.p
        d, dt = p.distinguishability, p.dt
        a_s = (1.0 - d * (1.0 - m.q_s), d * (1.0 - m.q_s))
        a_g = (1.0 - d * (1.0 - m.q_g), d * (1.0 - m.q_g))
        i = self.idx
        new_l, new_nu, new_var = list(self.logodds), list(self.nu), list(self.nu_var)
        for other in m.states:
            j = other.idx
            if j == i:
                continue
            size_j = other.output / m.yref
            cap_j = p.budget_share * other.output
            s2 = (p.perception_noise * size_j) ** 2
            q = (p.spending_shock * size_j) ** 2
            base = other.press + (_fear_spread(self.nu[j], self.nu_var[j], p)
                                  - _fear(other.logodds[i], p)) * m.threat[i] / other.norm
            t_s = p.reaction * base + p.grievance * size_j
            z0, z1 = m.normal_pair(i, j)
            u0, u1 = other.added
            o0 = u0 + (1.0 - d) * u1 + p.perception_noise * size_j * z0
            o1 = d * u1 + p.perception_noise * size_j * z1
            f = self.filt[j]
            v = self.fvar[j]
            ll_s, ms, vs = _kalman(f[0], v[0], t_s, m.inert, q, cap_j, dt * a_s[0],
                                   dt * a_s[1], o0, o1, s2)
            ll_g, mg, vg = _kalman(f[1], v[1], t_s + p.greed_build * size_j, m.inert, q, cap_j,
                                   dt * a_g[0], dt * a_g[1], o0, o1, s2)
            new_l[j] = min(max(self.logodds[j] + ll_g - ll_s, -m.lim), m.lim)
            self.new_filt = getattr(self, "new_filt", {})
            self.new_filt[j] = ([ms, mg], [vs, vg])
            # nu: what j learns about i from i's true purchases
            size_i = self.output / m.yref
            cap_i = p.budget_share * self.output
            s22 = (p.perception_noise * size_i) ** 2
            v2 = (dt * p.spending_shock * size_i) ** 2
            ti = p.reaction * self.press + p.grievance * size_i
            mi_s = _predict(self.spending_prev, ti, m.inert, cap_i)
            mi_g = _predict(self.spending_prev, ti + p.greed_build * size_i, m.inert, cap_i)
            x0 = self.added[0] + (1.0 - d) * self.added[1]
            x1 = d * self.added[1]
            e_s, tr_s = _loglik(x0 - dt * mi_s * a_s[0], x1 - dt * mi_s * a_s[1], a_s[0],
                                a_s[1], s22, v2)
            e_g, tr_g = _loglik(x0 - dt * mi_g * a_g[0], x1 - dt * mi_g * a_g[1], a_g[0],
                                a_g[1], s22, v2)
            inc = (e_g - 0.5 * tr_g) - (e_s - 0.5 * tr_s)
            new_nu[j] = min(max(self.nu[j] + inc, -m.lim), m.lim)
            new_var[j] = self.nu_var[j] + 2.0 * abs(inc)
        self.new_l, self.new_nu_, self.new_var = new_l, new_nu, new_var

    def advance(self):
        self.logodds, self.nu, self.nu_var = self.new_l, self.new_nu_, self.new_var
        for j, (f, v) in self.new_filt.items():
            self.filt[j], self.fvar[j] = f, v


class MesaWorld(mesa.Model):
    """The same world as herz's (mechanisms MECH), one Mesa model per world.

    ``keys`` given: the shocks and perception noise are herz's draws for that
    world (the check); otherwise they come from the model's own numpy Generator.
    """

    def __init__(self, p, st, w, keys=None, seed=0):
        super().__init__(seed=seed)
        self.p = p
        self.t = 0
        self.keys = keys
        self.yref = reference_output(p)
        self.inert = inertia(p)
        self.q_s, self.q_g = offense_shares(p)
        self.lim = math.log((1.0 - p.belief_floor) / p.belief_floor)
        self.states = [StateAgent(self, i, st, w) for i in range(p.n_states)]

    def shock(self, i):
        return self._xi[i] if self.keys is not None else self.rng.standard_normal()

    def normal_pair(self, i, j):
        if self.keys is None:
            return self.rng.standard_normal(), self.rng.standard_normal()
        return self._z0[i, j], self._z1[i, j]

    def step(self):
        n = self.p.n_states
        if self.keys is not None:
            lab = np.arange(n, dtype=np.int64)[None]
            self._xi = fill_normal(self.keys, Stream.SPENDING_SHOCK, self.t, np.empty((1, n)))[0]
            self._z0 = fill_normal_pairs(self.keys, Stream.PERCEPTION, self.t, lab,
                                         np.empty((1, n, n)))[0]
            self._z1 = fill_normal_pairs(self.keys, Stream.PERCEPTION_DEFENCE, self.t, lab,
                                         np.empty((1, n, n)))[0]
        d = self.p.distinguishability
        self.threat = [a.offense + (1.0 - d) * a.defense for a in self.states]
        self.agents.do("observe_public")
        self.agents.do("decide_arms")
        self.agents.do("update_beliefs")
        self.agents.do("advance")
        self.t += 1


# --------------------------------------------------------------------------- 1. the check
def check(n: int = 6, worlds: int = 20, steps: int = 60) -> dict:
    p = bench_params(n).replace(p_greedy=0.4)
    keys = world_keys(2025, worlds)
    state = initial_state(p, keys)
    start = state.copy()
    run_batch(p, state, steps)
    worst = 0.0
    for w in range(worlds):
        m = MesaWorld(p, start, w, keys=keys[w:w + 1])
        for _ in range(steps):
            m.step()
        got = {"output": [a.output for a in m.states], "spending": [a.spending for a in m.states],
               "offense": [a.offense for a in m.states], "defense": [a.defense for a in m.states],
               "logodds": [a.logodds for a in m.states],
               "second_order": [a.nu for a in m.states]}
        for name, vals in got.items():
            ref = getattr(state, name)[w]
            diff = np.abs(np.asarray(vals) - ref) / np.maximum(np.abs(ref), 1e-9)
            worst = max(worst, float(np.max(diff)))
    # 3e-13 before the second-order spread; with its Gauss-Hermite fear average 2e-9
    # after 60 steps (rounding of the two exp() at nu +- h, amplified by the filters)
    assert worst < 1e-8, f"herz and Mesa differ by {worst:g} (relative)"
    mu = state.mistrust
    g = state.greedy[:, None, :] & ~np.eye(n, dtype=bool)
    s = ~state.greedy[:, None, :] & ~np.eye(n, dtype=bool)
    return {"check_worlds": worlds, "check_states": n, "check_steps": steps,
            "check_max_rel_diff": worst,
            "check_mean_mistrust_of_greedy": round(float(mu[g].mean()), 3),
            "check_mean_mistrust_of_seekers": round(float(mu[s].mean()), 3)}


# --------------------------------------------------------------------------- 2. timing
def time_herz(n: int, worlds: int, steps: int, war: bool = False) -> float:
    p = bench_params(n)
    if war:
        p = p.replace(mechanisms=Mechanisms(**{**MECH.__dict__, "war": True}))
    warm = initial_state(p, world_keys(1, worlds))  # compile for this batch size
    run_batch(p, warm, 2)
    state = initial_state(p, world_keys(1, worlds))
    t0 = time.perf_counter()
    run_batch(p, state, steps)
    dt = time.perf_counter() - t0
    return worlds * n * (n - 1) * steps / dt


def time_mesa(n: int, steps: int) -> float:
    p = bench_params(n)
    state = initial_state(p, world_keys(1, 1))
    m = MesaWorld(p, state, 0, keys=None, seed=1)
    m.step()  # warm
    t0 = time.perf_counter()
    for _ in range(steps):
        m.step()
    dt = time.perf_counter() - t0
    return n * (n - 1) * steps / dt


def time_bare_numpy(n: int, worlds: int, steps: int) -> float:
    """The same step (economy, perception, Kalman belief update) in plain vectorised NumPy.

    The near-limit: no masks for the dead, no second-order belief, no schedules.
    """
    p = bench_params(n)
    rng = np.random.Generator(np.random.SFC64(0))
    st = initial_state(p, world_keys(1, worlds))
    y, g, sp = st.output.copy(), st.growth.copy(), st.spending.copy()
    o, dd, greedy = st.offense.copy(), st.defense.copy(), st.greedy
    lg = st.logodds.copy()
    filt = st.expected_spending.copy()
    fvar = st.expected_spending_var.copy()
    yref, inert = reference_output(p), inertia(p)
    q_s, q_g = offense_shares(p)
    d = p.distinguishability
    a = np.array([[1 - d * (1 - q_s), d * (1 - q_s)], [1 - d * (1 - q_g), d * (1 - q_g)]])
    off = ~np.eye(n, dtype=bool)
    z = np.empty((worlds, n, n, 2))
    xi = np.empty((worlds, n))
    t0 = time.perf_counter()
    for _ in range(steps):
        threat = o + (1 - d) * dd
        fear = p.fear_floor + (1 - p.fear_floor) / (1 + np.exp(-lg))
        press = (fear * threat[:, None, :] * off).sum(axis=2) / (n - 1)
        y *= 1 + g
        size = y / yref
        cap = p.budget_share * y
        target = p.reaction * press + (p.grievance + p.greed_build * greedy) * size
        rng.standard_normal(out=xi)
        sp = np.clip(sp + inert * (target - sp) + p.spending_shock * size * xi, 0, cap)
        q = np.where(greedy, q_g, q_s)
        add_o, add_d = q * sp, (1 - q) * sp
        o, dd = 0.9 * o + add_o, 0.9 * dd + add_d
        rng.standard_normal(out=z)
        sd = (p.perception_noise * size)[:, None, :]
        obs0 = (add_o + (1 - d) * add_d)[:, None, :] + sd * z[..., 0]
        obs1 = (d * add_d)[:, None, :] + sd * z[..., 1]
        s2 = sd * sd
        qv = ((p.spending_shock * size) ** 2)[:, None, :]
        tgt = (p.reaction * press + p.grievance * size)[:, None, :]
        ll = []
        for k in range(2):
            m = np.clip(filt[..., k] + inert * (tgt + k * p.greed_build * size[:, None, :]
                                                - filt[..., k]), 0, cap[:, None, :])
            pv = (1 - inert) ** 2 * fvar[..., k] + qv
            h0, h1 = a[k]
            r0, r1 = obs0 - h0 * m, obs1 - h1 * m
            hh = h0 * h0 + h1 * h1
            denom = s2 + pv * hh
            hr = h0 * r0 + h1 * r1
            ll.append(-0.5 * (r0 * r0 + r1 * r1 - pv / denom * hr * hr) / s2
                      - 0.5 * np.log1p(pv * hh / s2))
            filt[..., k] = m + pv * hr / denom
            fvar[..., k] = pv * s2 / denom
        lg = np.clip(lg + (ll[1] - ll[0]) * off, -20.7, 20.7)
    dt = time.perf_counter() - t0
    return worlds * n * (n - 1) * steps / dt


# --------------------------------------------------------------------------- 3. memory
_MEM_CHILD = """
import resource, sys, time
import herz.world as hw
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
p = hw.WorldParams(n_states=193)
t = time.perf_counter()
hw.simulate(p, worlds=int(sys.argv[1]), steps=int(sys.argv[2]), seed=0)
print(base, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, time.perf_counter() - t,
      hw.default_batch_size(193, params=p))
"""


def peak_memory(worlds: int = 1000, steps: int = 3) -> dict:
    out = subprocess.run([sys.executable, "-c", _MEM_CHILD, str(worlds), str(steps)],
                         capture_output=True, text=True, check=True).stdout.split()
    base, peak, secs, batch = int(out[0]), int(out[1]), float(out[2]), int(out[3])
    return {"mem_worlds": worlds, "mem_states": 193, "mem_batch_size": batch,
            "mem_peak_rss_mib": round(peak / 1024, 1),
            "mem_after_import_mib": round(base / 1024, 1),
            "mem_seconds": round(secs, 1)}


REPEATS = 3


def best_and_median(fn, *args) -> tuple[float, float]:
    """Throughput over REPEATS runs: the best (timeit's convention on a busy machine) and median."""
    runs = [fn(*args) for _ in range(REPEATS)]
    return max(runs), float(np.median(runs))


def main() -> None:
    quick = "--quick" in sys.argv
    fig: dict = {"herz_version": herz.__version__, "mesa_version": mesa.__version__,
                 "steps": 100, "mechanisms": list(MECH.on()),
                 "load_average_1min_before": round(os.getloadavg()[0], 2),
                 "load_average_1_5_15min_before": [round(x, 2) for x in os.getloadavg()],
                 "cores": os.cpu_count(), "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
                 "numba_threads": int(os.environ.get("NUMBA_NUM_THREADS", os.cpu_count() or 1))}
    fig.update(check())
    plan = {20: (200 if quick else 1000, 5), 100: (10 if quick else 50, 2),
            193: (4 if quick else 15, 1)}
    steps = 20 if quick else 100
    for n, (worlds, mesa_steps) in plan.items():
        load = round(os.getloadavg()[0], 2)
        h, h_med = best_and_median(time_herz, n, worlds, steps)
        m, m_med = best_and_median(time_mesa, n, mesa_steps)
        b, b_med = best_and_median(time_bare_numpy, n, worlds, steps)
        fig[f"N{n}"] = {"worlds": worlds, "herz_dyad_steps_per_s": round(h),
                        "mesa_dyad_steps_per_s": round(m), "ratio_herz_over_mesa": round(h / m, 1),
                        "bare_numpy_dyad_steps_per_s": round(b),
                        "bare_numpy_over_herz": round(b / h, 2), "mesa_steps_timed": mesa_steps,
                        "median_herz": round(h_med), "median_mesa": round(m_med),
                        "median_bare_numpy": round(b_med),
                        "median_ratio_herz_over_mesa": round(h_med / m_med, 1),
                        "load_average_1min": [load, round(os.getloadavg()[0], 2)]}
    war_on, _ = best_and_median(time_herz, 100, 10, 20, True)
    fig["herz_war_on_dyad_steps_per_s_N100"] = round(war_on)
    fig["herz_war_on_over_off_N100"] = round(fig["N100"]["herz_dyad_steps_per_s"] / war_on, 2)
    if not quick:
        fig.update(peak_memory(steps=1))
    fig["load_average_1min_after"] = round(os.getloadavg()[0], 2)
    for n in plan:
        r = fig[f"N{n}"]
        print(f"N = {n}: herz / Mesa {r['ratio_herz_over_mesa']}x (median "
              f"{r['median_ratio_herz_over_mesa']}x), bare NumPy / herz {r['bare_numpy_over_herz']}, "
              f"load {r['load_average_1min']}", file=sys.stderr)
    print(json.dumps(fig))


if __name__ == "__main__":
    main()
