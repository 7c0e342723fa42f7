"""herz.world against the same world written as an ordinary Mesa model.

Mechanisms compared: perception (distinguishability, lognormal noise),
Bayesian belief update, the arms policy (Richardson reaction with mistrust,
offense-defense split) and war (greedy attack, preemption, contest outcomes).

1. Check: on a small case, herz and Mesa are fed the same random draws (herz's
   per-world counter-based streams) and must give the same stocks, beliefs,
   wars and Booth-Wheeler outcome in every world.
2. Timing: herz at N = 20, 100, 193 states (100 steps, W worlds); Mesa at the
   same N for a few steps (Mesa is slow at N = 193; throughput is normalised to
   dyad-steps per second); and a bare NumPy loop of the perception + policy
   update alone (the near-limit), all in this one process. Each is timed
   three times; the best (timeit's convention) and the median are printed.
3. Peak memory of simulate(worlds=1000) at N = 193 (default batch size), in a
   child process.

Prints one JSON line of figures. Run: ``.venv/bin/python bench/world_vs_mesa.py``
(``--quick`` for a shorter run). Mesa is a benchmark-only dependency
(``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import time

import mesa
import numpy as np

import herz
from herz.world import Mechanisms, WorldParams, initial_state, run_batch
from herz.world.noise import Stream, fill_normal, fill_uniform, world_keys
from herz.world.outcomes import classify

MECH = Mechanisms(perception=True, belief_update=True, arms_policy=True, offense_defense=True,
                  signalling=False, war=True, identity=False, community=False)


def bench_params(n: int) -> WorldParams:
    return WorldParams(n_states=n, mechanisms=MECH, p_greedy=0.2, perception_noise=0.15)


# --------------------------------------------------------------------------- the Mesa model
class StateAgent(mesa.Agent):
    """One state: arsenal, motive, beliefs about every other state."""

    def __init__(self, model, idx, offense, defense, greedy, mistrust, last_threat):
        super().__init__(model)
        self.idx = idx
        self.offense = float(offense)
        self.defense = float(defense)
        self.greedy = bool(greedy)
        self.mistrust = [float(x) for x in mistrust]
        self.last_threat = [float(x) for x in last_threat]
        self.threat = [0.0] * len(mistrust)
        self.built = [False] * len(mistrust)
        self.attacked_last = False

    # dilemma of interpretation
    def perceive(self):
        m = self.model
        p = m.p
        s = p.perception_noise
        growth = 1.0 + p.build_threshold
        first = m.t == 0
        for other in m.states:
            j = other.idx
            if j == self.idx:
                continue
            t = other.offense + (1.0 - p.distinguishability) * other.defense
            if s > 0.0:
                z = m.normal(self.idx, j)
                t = t * math.exp(s * z - 0.5 * s * s)
            self.threat[j] = t
            self.built[j] = (not first) and t > self.last_threat[j] * growth

    def update_beliefs(self):
        p = self.model.p
        seen = p.build_prob_greedy / p.build_prob_seeker
        restrained = (1.0 - p.build_prob_greedy) / (1.0 - p.build_prob_seeker)
        new = [0.0] * len(self.mistrust)
        for other in self.model.states:
            j = other.idx
            if j == self.idx:
                continue
            lr = seen if self.built[j] else restrained
            if other.attacked_last:
                lr = lr * p.attack_evidence
            mu = self.mistrust[j]
            post = mu * lr
            post = post / (post + (1.0 - mu))
            new[j] = min(max(post, p.belief_floor), 1.0 - p.belief_floor)
        self.new_mistrust = new

    # dilemma of response
    def decide_arms(self):
        p = self.model.p
        n = len(self.mistrust)
        tot = 0.0
        for j in range(n):
            if j == self.idx:
                continue
            f = p.fear_floor + (1.0 - p.fear_floor) * self.mistrust[j]
            f = f * (1.0 - p.identity_threat_weight * p.culture.identity)
            tot += f * self.threat[j]
        pressure = tot / (n - 1)
        build = p.dt * (p.reaction * pressure + p.grievance + p.greed_build * float(self.greedy))
        build = min(build, p.arms_budget * p.dt)
        q = 1.0 if self.greedy else 1.0 / (1.0 + p.offense_defense_balance)
        gain, cut = max(build, 0.0), min(build, 0.0)
        o, d = self.offense, self.defense
        total = o + d
        share_o = o / total if total > 0 else 0.5
        keep = 1.0 - p.fatigue * p.dt
        self.new_offense = min(max(keep * o + q * gain + share_o * cut, 0.0), p.runaway_level)
        self.new_defense = min(max(keep * d + (1.0 - q) * gain + (1.0 - share_o) * cut, 0.0),
                               p.runaway_level)

    def decide_war(self):
        p = self.model.p
        f, delta, c = p.first_strike_advantage, p.offense_defense_balance, p.war_cost
        best, best_j, best_p = -math.inf, -1, 0.0
        oi = (1.0 + f) * self.offense
        for other in self.model.states:
            j = other.idx
            if j == self.idx:
                continue
            pf = _contest(oi, delta * other.defense)
            if self.greedy:
                score = pf * p.war_gain - c
            elif self.mistrust[j] >= p.preemption_mistrust:
                pji = _contest((1.0 + f) * other.offense, delta * self.defense)
                gap = pf - (1.0 - pji) - 2.0 * c
                score = gap if gap > 0.0 else -math.inf
            else:
                score = -math.inf
            if score > best:
                best, best_j, best_p = score, j, pf
        self.target, self.p_win = (best_j, best_p) if best > 0.0 else (-1, 0.0)

    def advance(self):
        self.offense, self.defense = self.new_offense, self.new_defense
        self.mistrust = self.new_mistrust
        self.last_threat = list(self.threat)


def _contest(o, d):
    total = o + d
    return o / total if total > 0.0 else 0.0


class MesaWorld(mesa.Model):
    """The same world as herz's (mechanisms MECH), one Mesa model per world.

    ``keys`` given: the noise and war draws are herz's for that world (the check);
    otherwise they come from the model's own numpy Generator (the timing).
    """

    def __init__(self, p, offense, defense, greedy, mistrust, last_threat, keys=None, seed=0):
        super().__init__(seed=seed)
        self.p = p
        self.t = 0
        self.keys = keys
        self.n_wars = 0
        self.first_war_step = -1
        self.states = [StateAgent(self, i, offense[i], defense[i], greedy[i], mistrust[i],
                                  last_threat[i]) for i in range(p.n_states)]
        self._z = None

    def normal(self, i, j):
        if self.keys is None:
            return self.rng.standard_normal()
        return self._z[i, j]

    def step(self):
        n = self.p.n_states
        if self.keys is not None:
            self._z = fill_normal(self.keys, Stream.PERCEPTION, self.t, np.empty((1, n, n)))[0]
        self.agents.do("perceive")
        self.agents.do("update_beliefs")
        self.agents.do("decide_arms")
        self.agents.do("decide_war")
        self.resolve_wars()
        self.agents.do("advance")
        self.t += 1

    def resolve_wars(self):
        p = self.p
        attackers = [a for a in self.states if a.target >= 0]
        for a in self.states:
            a.attacked_last = False
        if not attackers:
            return
        n = p.n_states
        if self.keys is not None:
            u = fill_uniform(self.keys, Stream.WAR_OUTCOME, self.t, np.empty((1, n)))[0]
        else:
            u = self.rng.random(n)
        keep, lose = 1.0 - p.war_destruction, 1.0 - p.defeat_loss
        factor = [1.0] * n
        won = {a.idx: u[a.idx] < a.p_win for a in attackers}
        for a in attackers:
            factor[a.idx] *= keep if won[a.idx] else keep * lose
        for a in attackers:
            factor[a.target] *= keep * lose if won[a.idx] else keep
        for a in self.states:
            a.new_offense *= factor[a.idx]
            a.new_defense *= factor[a.idx]
        for a in attackers:
            a.attacked_last = True
        if self.first_war_step < 0:
            self.first_war_step = self.t
        self.n_wars += len(attackers)


def mesa_from_herz(p, state, w, keys=None, seed=0):
    return MesaWorld(p, state.offense[w], state.defense[w], state.greedy[w], state.mistrust[w],
                     state.last_threat[w], keys=keys, seed=seed)


# --------------------------------------------------------------------------- 1. the check
def check(n: int = 6, worlds: int = 20, steps: int = 60) -> dict:
    p = bench_params(n).replace(p_greedy=0.4, war_cost=0.3)  # wars happen
    keys = world_keys(2025, worlds)
    state = initial_state(p, keys)
    start = state.copy()
    rec = run_batch(p, state, steps)
    herz_out = classify(p, rec["arms_mean"], rec["trust_seekers"], rec["community_coverage"],
                        state.n_wars, state.runaway_step)
    worst = 0.0
    same_outcomes = 0
    for w in range(worlds):
        m = mesa_from_herz(p, start, w, keys=keys[w:w + 1])
        arms = [np.mean([a.offense + a.defense for a in m.states])]
        trust = [_trust(m)]
        for _ in range(steps):
            m.step()
            arms.append(np.mean([a.offense + a.defense for a in m.states]))
            trust.append(_trust(m))
        o = np.array([a.offense for a in m.states])
        d = np.array([a.defense for a in m.states])
        mu = np.array([a.mistrust for a in m.states])
        for got, ref in ((o, state.offense[w]), (d, state.defense[w]), (mu, state.mistrust[w])):
            worst = max(worst, float(np.max(np.abs(got - ref) / np.maximum(np.abs(ref), 1e-12))))
        assert m.n_wars == state.n_wars[w] and m.first_war_step == state.first_war_step[w]
        mesa_out = classify(p, np.array([arms]), np.array([trust]), np.zeros((1, steps + 1)),
                            np.array([m.n_wars]), np.array([-1]))
        same_outcomes += int(mesa_out["outcome"].iloc[0] == herz_out["outcome"].iloc[w])
    assert same_outcomes == worlds, "herz and Mesa disagree on an outcome"
    assert worst < 1e-9, f"herz and Mesa differ by {worst:g} (relative)"
    return {"check_worlds": worlds, "check_states": n, "check_steps": steps,
            "check_max_rel_diff": worst, "check_same_outcomes": same_outcomes,
            "check_wars": int(state.n_wars.sum()),
            "check_outcomes": herz_out["outcome"].value_counts().to_dict()}


def _trust(m):
    seekers = [a for a in m.states if not a.greedy]
    if len(seekers) < 2:
        seekers = m.states
    vals = [1.0 - a.mistrust[b.idx] for a in seekers for b in seekers if a is not b]
    return float(np.mean(vals))


# --------------------------------------------------------------------------- 2. timing
def time_herz(n: int, worlds: int, steps: int) -> float:
    p = bench_params(n)
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
    m = mesa_from_herz(p, state, 0, keys=None, seed=1)
    m.step()  # warm
    t0 = time.perf_counter()
    for _ in range(steps):
        m.step()
    dt = time.perf_counter() - t0
    return n * (n - 1) * steps / dt


def time_bare_numpy(n: int, worlds: int, steps: int) -> float:
    """Perception + policy update alone, plain vectorised NumPy (the near-limit)."""
    p = bench_params(n)
    rng = np.random.Generator(np.random.SFC64(0))
    o = np.ones((worlds, n))
    d = np.ones((worlds, n))
    fear = np.full((worlds, n, n), 0.7)
    s = p.perception_noise
    eps = np.empty((worlds, n, n))
    q = 1.0 / (1.0 + p.offense_defense_balance)
    t0 = time.perf_counter()
    for _ in range(steps):
        rng.standard_normal(out=eps)
        eps *= s
        eps -= 0.5 * s * s
        np.exp(eps, out=eps)
        eps *= (o + (1.0 - p.distinguishability) * d)[:, None, :]
        eps *= fear
        build = p.reaction * eps.sum(axis=2) / (n - 1) + p.grievance
        o = (1.0 - p.fatigue) * o + q * build
        d = (1.0 - p.fatigue) * d + (1.0 - q) * build
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
      hw.default_batch_size(193))
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
                 "steps": 100, "mechanisms": list(MECH.on())}
    fig.update(check())
    plan = {20: (200 if quick else 1000, 5), 100: (10 if quick else 50, 2),
            193: (4 if quick else 15, 1)}
    steps = 20 if quick else 100
    for n, (worlds, mesa_steps) in plan.items():
        h, h_med = best_and_median(time_herz, n, worlds, steps)
        m, m_med = best_and_median(time_mesa, n, mesa_steps)
        b, b_med = best_and_median(time_bare_numpy, n, worlds, steps)
        fig[f"N{n}"] = {"worlds": worlds, "herz_dyad_steps_per_s": round(h),
                        "mesa_dyad_steps_per_s": round(m), "ratio_herz_over_mesa": round(h / m, 1),
                        "bare_numpy_dyad_steps_per_s": round(b),
                        "bare_numpy_over_herz": round(b / h, 2), "mesa_steps_timed": mesa_steps,
                        "median_herz": round(h_med), "median_mesa": round(m_med),
                        "median_bare_numpy": round(b_med),
                        "median_ratio_herz_over_mesa": round(h_med / m_med, 1)}
    if not quick:
        fig.update(peak_memory())
    print(json.dumps(fig))


if __name__ == "__main__":
    main()
