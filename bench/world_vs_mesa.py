"""herz.world (version 2) against the same world written as an ordinary Mesa model.

Mechanisms compared (DESIGN.md 2.1, 2.2, 2.4-2.6): the economy (output growth,
spending toward a target with inertia and a domestic shock (a share of last
year's spending, or of output: ``shock_base``), within a budget,
offence and defence stocks), perception of the yearly purchases with noise and
distinguishability, the correctly specified belief update (a Kalman filter of
the other's spending jointly with the error in its fear of the observer under
each type hypothesis, the log-likelihood ratio, the second-order belief and its
spread), and war: the yearly decision of every
pair with bargaining (contests with a first-strike advantage, the value of war
over the status quo, the level-2 fear of being attacked first through the
second-order belief, the prevention term over ``prevention_horizon`` years,
war-weariness, the logit with its dispute cutpoint, one target a year, mutual
attacks as one war, each war's cause), balancing (third parties join the
defence), a year of every war (destruction, the hazard of ending, the winner,
transfers, regime change of the loser, state death with the remains to the
enemies, dissolving alliances), peaceful change of the status quo, the budget
cap on the output the war left, and the attack and restraint evidence of the
same policy with the prior restored for a new regime. The twin is idiomatic
Mesa: one agent per state, per-pair Python loops, wars as a dict of pairs,
dead states removed from the model; it calls none of herz's kernels.

Not in the twin (all off or neutral in the benchmark's world, so herz and the
twin run the same model): geography (reach, threat weights, buffers), signals
and arms control, identity and communities (their terms in the war index,
pooled defence, blocs), motive turnover and drift (types change only by regime
change), the misperception bias (so l = l*, and the twin keeps no shadow
belief), per-world and scheduled parameters, the informativeness output, the
chosen-target probability of the actual type (read only by identity and
signals) and the counters herz keeps for outcomes (``war_years``, runaways).

1. Check: on a small case (6 states, 20 worlds, 60 years, war made common by
   ``CHECK_WAR``), herz and Mesa are fed the same random draws (herz's
   per-world counter-based streams) and must give the same output, spending,
   stocks, beliefs, second-order beliefs, status quo and war-weariness in every
   world (relative difference below ``CHECK_RTOL``), and exactly the same
   types, live states, wars in progress, alliances, wars by cause, and every
   step's attacks, disputes and deaths. It fails if any kind of event (attack,
   dispute, death, war end, transfer, regime change, balancing, each cause)
   never happened.
2. Timing, war on in both: herz at N = 20, 100, 193 states (W worlds, 100
   steps from year 0); Mesa at the same N for a few steps (4 at N = 193) from
   herz's state at year ``MESA_START``, after one untimed warm-up step; and a
   bare NumPy loop of the same step, war included (the near-limit), all in
   this process. All three are measured the same way: every step is timed
   alone (throughput normalised to dyad-steps per second), each model is run
   three times, and the best step (timeit's convention), the median step and
   the mean (all dyad-steps over all the time) over those runs are printed,
   with the 1, 5 and 15-minute load averages before and after each size. herz's own cost of war (war off over war on at
   N = 100) is printed beside.
3. Peak memory of simulate(worlds=1000) at N = 193 (default batch size, all
   default mechanisms, war included), in a child process (its own high-water
   mark, VmHWM).

Prints one JSON line of figures (and each size's figures to stderr as they come).
Run: ``.venv/bin/python bench/world_vs_mesa.py`` (``--quick`` for 20 steps and
fewer worlds; ``--sizes 193`` for some sizes only; ``--no-memory`` to skip 3). Mesa is a benchmark-only dependency
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
from herz.world.bargaining import Cause
from herz.world.beliefs import FEAR_ERR_SHADOW, NU_VAR
from herz.world.economy import SHOCK_FLOOR, inertia, offense_shares, reference_output
from herz.world.noise import (
    Stream,
    fill_normal,
    fill_normal_pairs,
    fill_uniform_at,
    fill_uniform_pairs,
    world_keys,
)
from herz.world.war import ALLY_KEY

MECH = Mechanisms(perception=True, belief_update=True, arms_policy=True, offense_defense=True,
                  signalling=False, war=True, identity=False, community=False)


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


def _shock_base(p, size, m_prev):
    """The base of the domestic shock (its sd is spending_shock times it): herz's shock_scale."""
    b = p.shock_base
    if b > 0.0:
        return (1.0 - b) * size + b * max(m_prev, SHOCK_FLOOR * size)
    return size


def _predict(m_prev, target, inert, cap):
    return min(max(m_prev + inert * (target - m_prev), 0.0), cap)


def _kalman2(m_prev, p_prev, e, pme, pee, target, inert, c, q, cap, h0, h1, o0, o1, s2):
    """herz's joint filter of (j's spending, the error e in j's fear of i): beliefs._kalman2."""
    m = _predict(m_prev, target, inert, cap)
    a, g = 1.0 - inert, inert * c
    pv = max(a * a * p_prev + 2.0 * a * g * pme + g * g * pee + q, 0.0)
    pme2 = a * pme + g * pee
    ll, _ = _loglik(o0 - h0 * m, o1 - h1 * m, h0, h1, s2, pv)
    hh = h0 * h0 + h1 * h1
    denom = s2 + pv * hh
    innov = (h0 * (o0 - h0 * m) + h1 * (o1 - h1 * m)) / denom
    return (ll, m + pv * innov, pv * s2 / denom,
            [e + pme2 * innov, pme2 * s2 / denom, max(pee - pme2 * pme2 * hh / denom, 0.0)])


def _phi_prior(err, vf):
    """This year's prior of the error (E e, Cov(m, e), Var e) from last year's: beliefs._phi_prior."""
    e, cov, var, vref = err
    if vf < vref:
        r = math.sqrt(vf / vref)
        return e * r, cov * r, var * r * r
    return e, cov, var + (vf - vref)


def _fear(lg, p):
    return p.fear_floor + (1.0 - p.fear_floor) / (1.0 + math.exp(-lg))


def _fear_spread(lg, var, p):
    """E and Var of fear(l), l ~ N(lg, var): herz's three-point Gauss-Hermite (beliefs._fear_spread)."""
    f0 = _fear(lg, p)
    if var <= 0.0:
        return f0, 0.0
    h = math.sqrt(3.0 * var)
    fm, fp = _fear(lg - h, p), _fear(lg + h, p)
    mean = (2.0 / 3.0) * f0 + (fm + fp) / 6.0
    return mean, (2.0 / 3.0) * (f0 - mean) ** 2 + ((fm - mean) ** 2 + (fp - mean) ** 2) / 6.0


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
        var = st.mech.get(NU_VAR)  # Var(nu): starts at 0 (the common prior)
        self.nu_var = [0.0] * n if var is None else [float(x) for x in var[w, idx]]
        self.filt = [[float(st.expected_spending[w, idx, j, k]) for k in range(2)]
                     for j in range(n)]
        self.fvar = [[float(st.expected_spending_var[w, idx, j, k]) for k in range(2)]
                     for j in range(n)]
        # per other and type hypothesis: the error e in j's fear of i (E e, Cov(m, e), Var e,
        # the Var f last seen); zeros at the common prior
        err = st.mech.get(FEAR_ERR_SHADOW)
        self.ferr = [[[0.0] * 4 if err is None else [float(x) for x in err[w, idx, j, k]]
                      for k in range(2)] for j in range(n)]
        self.added = (0.0, 0.0)
        # war (DESIGN 2.5-2.6): alive, weariness, the status quo x[j] with every other
        self.alive = bool(st.alive[w, idx])
        self.weariness = float(st.war_weariness[w, idx])
        self.status_quo = [float(x) for x in st.status_quo[w, idx]]

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
        self.press = tot / self.norm if self.norm > 0.0 else 0.0
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
        sp += p.spending_shock * _shock_base(p, size, self.spending) * m.shock(self.idx)
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
        self.new_filt = {}
        for other in m.states:
            j = other.idx
            if j == i:
                continue
            size_j = other.output / m.yref
            cap_j = p.budget_share * other.output
            s2 = (p.perception_noise * size_j) ** 2
            q = (p.spending_shock * _shock_base(p, size_j, other.spending_prev)) ** 2
            # j's target is linear in j's fear of i, which i sees as E f (over nu's spread)
            # plus the error e its filters carry
            coef = p.reaction * m.threat[i] / other.norm if other.norm > 0.0 else 0.0
            t0 = (p.reaction * other.press + p.grievance * size_j
                  - coef * _fear(other.logodds[i], p))
            ef, vf = _fear_spread(self.nu[j], self.nu_var[j], p)
            z0, z1 = m.normal_pair(i, j)
            u0, u1 = other.added
            o0 = u0 + (1.0 - d) * u1 + p.perception_noise * size_j * z0
            o1 = d * u1 + p.perception_noise * size_j * z1
            f = self.filt[j]
            v = self.fvar[j]
            out = []
            for k, (h0, h1) in enumerate((a_s, a_g)):
                e, cm, pe = _phi_prior(self.ferr[j][k], vf)
                out.append(_kalman2(f[k], v[k], e, cm, pe,
                                    t0 + coef * (ef + e) + k * p.greed_build * size_j, m.inert,
                                    coef, q, cap_j, dt * h0, dt * h1, o0, o1, s2))
            (ll_s, ms, vs, es), (ll_g, mg, vg, eg) = out
            new_l[j] = min(max(self.logodds[j] + ll_g - ll_s, -m.lim), m.lim)
            self.new_filt[j] = ([ms, mg], [vs, vg], [[*es, vf], [*eg, vf]])
            # nu: what j learns about i from i's true purchases
            size_i = self.output / m.yref
            cap_i = p.budget_share * self.output
            s22 = (p.perception_noise * size_i) ** 2
            v2 = (dt * p.spending_shock * _shock_base(p, size_i, self.spending_prev)) ** 2
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
        for j, (f, v, e) in self.new_filt.items():
            self.filt[j], self.fvar[j], self.ferr[j] = f, v, e

    # ------------------------------------------------------------------ war (DESIGN 2.5)
    def assess_war(self):
        """Contests, prevention and the value of war over peace against every other state."""
        m = self.model
        p = m.p
        tau, c = p.war_transfer, p.war_cost_share
        i = self.idx
        self.can_act = not m.busy(self)
        self.shift = -p.war_weariness * self.weariness
        self.pf, self.ps, self.prev = {}, {}, {}
        self.gain, self.rest, self.loss = {}, {}, {}
        for other in m.states:
            j = other.idx
            if j == i:
                continue
            pf = m.contest(self.offense, other.defense)
            ps = 1.0 - m.contest(other.offense, self.defense)
            power = 0.5 * (pf + ps)
            prev = 0.0  # prevention: the discounted projected fall of bargaining power
            for h in range(1, p.prevention_horizon + 1):
                fi, fj = (1.0 + self.growth) ** h, (1.0 + other.growth) ** h
                ps_h = 1.0 - m.contest(other.offense * fj, self.defense * fi)
                future = 0.5 * (m.contest(self.offense * fi, other.defense * fj) + ps_h)
                prev += p.prevention_discount ** h * max(0.0, power - future)
            ratio = other.output / self.output if self.output > 0.0 else 0.0
            self.pf[j], self.ps[j], self.prev[j] = pf, ps, prev
            self.gain[j] = pf * tau * ratio - tau * (self.status_quo[j] * (1.0 + ratio) - 1.0)
            self.rest[j] = -(1.0 - pf) * tau - c + tau * prev
            self.loss[j] = (1.0 - ps) * tau + c

    def typed_policy(self, omega, fear):
        """P(self attacks j | value of gains omega, fear of each j), one target a year."""
        m = self.model
        if not self.can_act:
            return {}
        z, pr = {}, {}
        for j in self.gain:
            margin = omega * self.gain[j] + self.rest[j] + fear.get(j, 0.0) * self.loss[j]
            z[j] = m.p.war_rationality * margin + m.p.war_intercept + self.shift
            pr[j] = _expit(z[j])
        return _choose(z, pr)

    def level0(self):
        """What each type of this state would do fearing nobody."""
        p = self.model.p
        self.a_greedy = self.typed_policy(p.greedy_value, {})
        self.a_seeker = self.typed_policy(p.seeker_value, {})

    def level2(self):
        """Each type fearing j at j's level 0, through j's second-order belief (nu[j][self])."""
        p = self.model.p
        fear = {}
        for other in self.model.states:
            if other is not self:
                nu = _expit(other.nu[self.idx])
                fear[other.idx] = (nu * other.a_greedy.get(self.idx, 0.0)
                                   + (1.0 - nu) * other.a_seeker.get(self.idx, 0.0))
        self.next_policy = (self.typed_policy(p.greedy_value, fear),
                            self.typed_policy(p.seeker_value, fear))

    def adopt_level2(self):
        self.a_greedy, self.a_seeker = self.next_policy

    def decide_war(self):
        """Fear of every j, the war index, then one uniform per pair: attack or dispute."""
        m = self.model
        p = m.p
        tau, c, lam = p.war_transfer, p.war_cost_share, p.war_rationality
        i = self.idx
        omega = p.greedy_value if self.greedy else p.seeker_value
        self.target, self.disputed, self.z, self.parts = None, [], {}, {}
        best = None
        for other in m.states:
            j = other.idx
            if j == i:
                continue
            u = m.uniform(Stream.WAR_DECISION, i, j)
            if not self.can_act:
                continue
            mu = _expit(self.logodds[j])
            h = 0.0
            if p.fear_depth > 0:
                h = mu * other.a_greedy.get(i, 0.0) + (1.0 - mu) * other.a_seeker.get(i, 0.0)
            base = omega * self.gain[j] - (1.0 - self.pf[j]) * tau - c
            fear_term = h * self.loss[j]
            prev_term = tau * self.prev[j]
            z = lam * (base + fear_term + prev_term) + p.war_intercept + self.shift
            self.z[j], self.parts[j] = z, (fear_term, prev_term, base)
            if u < _expit(z):
                if best is None or z > self.z[best]:  # the highest index; ties: lowest label
                    best = j
            elif u < _expit(z + p.dispute_cutpoint):
                self.disputed.append(j)
        self.target = best

    def cause(self, j):
        """Why the war on j started (herz.world.bargaining.classify_causes, per pair)."""
        lam = self.model.p.war_rationality
        z = self.z[j]
        fear_term, prev_term, base = self.parts[j]
        if base > 0.0:
            return Cause.PREDATION
        p_full = _expit(z)
        if _expit(z - lam * fear_term - lam * prev_term) >= 0.5 * p_full:
            return Cause.INADVERTENT
        fear_needed = _expit(z - lam * fear_term) < 0.5 * p_full
        prev_needed = _expit(z - lam * prev_term) < 0.5 * p_full
        larger = fear_term >= prev_term
        if (fear_needed and not prev_needed) or (fear_needed == prev_needed and larger):
            return Cause.PREEMPTION
        return Cause.PREVENTION

    def learn_from_war(self):
        """The attack or restraint evidence of this year's war policy (herz: war_evidence)."""
        m = self.model
        i = self.idx
        for other in m.states:
            j = other.idx
            if j == i:
                continue
            # what j did to me tells me about j; what I did to j tells j about me (nu)
            ev_j = _evidence(other.a_greedy.get(i, 0.0), other.a_seeker.get(i, 0.0),
                             (j, i) in m.attacks)
            ev_i = _evidence(self.a_greedy.get(j, 0.0), self.a_seeker.get(j, 0.0),
                             (i, j) in m.attacks)
            self.logodds[j] = min(max(self.logodds[j] + ev_j, -m.lim), m.lim)
            self.nu[j] = min(max(self.nu[j] + ev_i, -m.lim), m.lim)


def _expit(z):
    if z >= 0.0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def _choose(z, pr):
    """P(j chosen) = p_j prod over the targets ranked above j of (1 - p_k).

    A state attacks at most one target a year: of those triggered, the one of
    the highest index (ties: the lowest label). Triggers below 1e-12 rank last.
    """
    ranked = sorted((j for j in pr if pr[j] > 1e-12), key=lambda j: (-z[j], j))
    out, survive = {}, 1.0
    for j in ranked:
        out[j] = pr[j] * survive
        survive *= 1.0 - pr[j]
    for j in pr:
        if not pr[j] > 1e-12:
            out[j] = pr[j] * survive
    return out


def _evidence(a_g, a_s, attacked):
    """Log-likelihood ratio (greedy over seeker) of an attack or a restraint."""
    a_g, a_s = min(max(a_g, 0.0), 1.0), min(max(a_s, 0.0), 1.0)
    if attacked:
        return math.log(max(a_g, 1e-300)) - math.log(max(a_s, 1e-300))
    return math.log1p(-min(a_g, 1.0 - 1e-16)) - math.log1p(-min(a_s, 1.0 - 1e-16))


class MesaWorld(mesa.Model):
    """The same world as herz's (mechanisms MECH), one Mesa model per world.

    ``keys`` given: the shocks, perception noise and war's uniforms are herz's
    draws for that world (the check); otherwise they come from the model's own
    numpy Generator. Wars are a dict {(attacker, defender): (start, cause)};
    ``allies[i]`` holds the states that joined the defence against attacker i.
    A dead state is removed from the model (``Agent.remove``) and kept in
    ``everyone`` with zero output and arms.
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
        # offence counts at the contest's exchange rate ((1 + f) / delta)^eta_T (economy.py)
        self.threat_factor = ((1.0 + p.first_strike_advantage) / p.offense_defense_balance
                              ) ** p.threat_balance_elasticity
        self.everyone = [StateAgent(self, i, st, w) for i in range(p.n_states)]
        self.states = [a for a in self.everyone if a.alive]
        for a in self.everyone:
            if not a.alive:
                a.remove()  # the dead take no part in the model's steps
        # wars in progress {(attacker, defender): (start, cause)} and alliances, as in st
        self.wars = {(int(i), int(j)): (int(st.war_start[w, i, j]), Cause(st.war_cause[w, i, j]))
                     for i, j in zip(*np.nonzero(st.war_attacker[w]), strict=True)}
        self.allies = {}
        ally = st.mech.get(ALLY_KEY)
        for k, i in zip(*np.nonzero(ally[w] if ally is not None else np.zeros((0, 0))),
                        strict=True):
            self.allies.setdefault(int(i), set()).add(int(k))
        self.attacks = set()
        self.events = {"disputes": [], "attacks": [], "died": [], "ended": 0, "transfers": 0,
                       "regime_changes": 0, "joins": 0}
        self.counts = {c: 0 for c in Cause if c is not Cause.NONE}

    def shock(self, i):
        return self._xi[i] if self.keys is not None else self.rng.standard_normal()

    def normal_pair(self, i, j):
        if self.keys is None:
            return self.rng.standard_normal(), self.rng.standard_normal()
        return self._z0[i, j], self._z1[i, j]

    def uniform(self, stream, i, j=None):
        """Uniform draw of a pair [i, j] (or a state i) of a war stream at this step."""
        if self.keys is None:
            return self.rng.random()
        n = self.p.n_states
        lab = np.arange(n, dtype=np.int64)[None]
        if stream not in self._u:
            if j is None:
                self._u[stream] = fill_uniform_at(self.keys, stream, self.t, lab,
                                                  np.empty((1, n)))[0]
            else:
                self._u[stream] = fill_uniform_pairs(self.keys, stream, self.t, lab,
                                                     np.empty((1, n, n)))[0]
        return self._u[stream][i] if j is None else self._u[stream][i, j]

    def contest(self, offense, defense):
        """(phi O)^g / ((phi O)^g + (delta D)^g): the attacker's chance (0 if both are 0)."""
        p = self.p
        a = (1.0 + p.first_strike_advantage) * offense
        b = p.offense_defense_balance * defense
        if p.contest_exponent != 1.0:
            a, b = a ** p.contest_exponent, b ** p.contest_exponent
        return a / (a + b) if a + b > 0.0 else 0.0

    def busy(self, state):
        """Fighting already: a party to a war or an ally against an attacker at war."""
        i = state.idx
        return (any(i in pair for pair in self.wars)
                or any(i in allies for allies in self.allies.values()))

    def step(self):
        n = self.p.n_states
        self._u = {}
        if self.keys is not None:
            lab = np.arange(n, dtype=np.int64)[None]
            self._xi = fill_normal(self.keys, Stream.SPENDING_SHOCK, self.t, np.empty((1, n)))[0]
            self._z0 = fill_normal_pairs(self.keys, Stream.PERCEPTION, self.t, lab,
                                         np.empty((1, n, n)))[0]
            self._z1 = fill_normal_pairs(self.keys, Stream.PERCEPTION_DEFENCE, self.t, lab,
                                         np.empty((1, n, n)))[0]
        d = self.p.distinguishability
        self.threat = [(a.offense + (1.0 - d) * a.defense) * self.threat_factor
                       for a in self.everyone]
        self.agents.do("observe_public")
        self.agents.do("decide_arms")
        self.agents.do("update_beliefs")
        self.agents.do("advance")
        if self.p.mechanisms.war:
            self.war()
        self.t += 1

    # ------------------------------------------------------------------ war (DESIGN 2.5-2.6)
    def war(self):
        p = self.p
        self.agents.do("assess_war")
        self.agents.do("level0")
        if p.fear_depth == 2:
            self.agents.do("level2")
            self.agents.do("adopt_level2")
        self.agents.do("decide_war")
        by = {a.idx: a for a in self.states}
        self.attacks = {(a.idx, a.target) for a in self.states if a.target is not None}
        for a in self.states:
            self.events["disputes"] += [(self.t, a.idx, j) for j in a.disputed]
        self.events["attacks"] += [(self.t, i, j) for i, j in sorted(self.attacks)]
        for i, j in sorted(self.attacks):
            if (j, i) in self.attacks:  # attacked each other: one war, the higher index's
                zi, zj = by[i].z[j], by[j].z[i]
                if not (zi > zj or (zi == zj and i < j)):
                    continue
            cause = by[i].cause(j)
            self.wars[(i, j)] = (self.t, cause)
            self.counts[cause] += 1
        self.balance(by)
        out_before = {a.idx: a.output for a in self.states}  # the bargaining point's outputs
        self.fight_year(by)
        self.peaceful_change(by, out_before)
        self.agents.do("learn_from_war")
        self.reset_regimes()

    def balance(self, by):
        """Third parties join the defence against attackers (Walt 1987)."""
        p = self.p
        active = {i for i, _ in self.wars}
        mean_y = sum(a.output for a in self.states) / len(self.states)
        for k in self.states:
            for i in sorted(active):
                if i == k.idx:
                    continue
                u = self.uniform(Stream.BALANCING, k.idx, i)
                if ((k.idx, i) in self.wars or (i, k.idx) in self.wars
                        or k.idx in self.allies.get(i, set())):
                    continue
                threat = _expit(k.logodds[i]) * (by[i].output / mean_y if mean_y > 0 else 0.0)
                if u < _expit(p.balancing_intercept + p.balancing_rationality * threat):
                    self.allies.setdefault(i, set()).add(k.idx)
                    self.events["joins"] += 1
        self.allies = {i: ks for i, ks in self.allies.items() if i in active}

    def fight_year(self, by):
        """A year of every war: destruction, ends, transfers, regime change, deaths."""
        p = self.p
        tau = p.war_transfer
        wars = sorted(self.wars)
        chance = {(i, j): self.contest(by[i].offense,
                                       by[j].defense + sum(by[k].defense
                                                           for k in self.allies.get(i, ())))
                  for i, j in wars}
        fighting = {s for pair in wars for s in pair}
        fighting |= {k for ks in self.allies.values() for k in ks}
        for s in fighting:
            a = by[s]
            a.output *= 1.0 - p.war_output_destruction
            a.offense *= 1.0 - p.war_arms_destruction
            a.defense *= 1.0 - p.war_arms_destruction
        ended, losses = set(), {}
        for i, j in wars:
            pw = chance[(i, j)]
            hazard = min(max(p.war_end_base + p.war_end_slope * abs(pw - 0.5), 0.0), 1.0)
            u_end = self.uniform(Stream.WAR_END, i, j)
            u_win = self.uniform(Stream.WAR_WINNER, i, j)
            if u_end < hazard:
                ended.add((i, j))
                winner, loser = (i, j) if u_win < pw else (j, i)
                losses.setdefault(loser, []).append(winner)
        paid = {}
        for loser, winners in losses.items():  # losing n wars: 1 - (1 - tau)^n, split evenly
            share = by[loser].output * (1.0 - (1.0 - tau) ** len(winners)) / len(winners)
            for winner in winners:
                paid[loser] = paid.get(loser, 0.0) - share
                paid[winner] = paid.get(winner, 0.0) + share
                self.events["transfers"] += 1
        for s, amount in paid.items():
            by[s].output += amount
        changed = []
        for s in sorted(by):
            u_reg = self.uniform(Stream.REGIME, s)
            u_typ = self.uniform(Stream.REGIME_TYPE, s)
            if s in losses and u_reg < p.regime_change:
                by[s].greedy = u_typ < p.p_greedy * p.greedy_draw_scale  # beliefs keep p_greedy
                changed.append(s)
        self.changed = changed
        self.events["regime_changes"] += len(changed)
        mean_y = sum(a.output for a in self.states) / len(self.states)
        dies = {s for s in sorted(fighting) if by[s].output < p.death_threshold * mean_y}
        active = {i for i, _ in wars}
        for s in sorted(dies):  # its remains go to this year's enemies
            enemies = {b for pair in wars if s in pair for b in pair if b != s}
            enemies |= self.allies.get(s, set())
            enemies |= {i for i in active if s in self.allies.get(i, set())}
            enemies -= dies
            for b in enemies:
                by[b].output += by[s].output / len(enemies)
        for i, j in wars:
            if i in dies or j in dies:
                ended.add((i, j))
        self.events["ended"] += len(ended)
        for pair in ended:
            del self.wars[pair]
        still = {i for i, _ in self.wars}
        self.allies = {i: {k for k in ks if k not in dies} for i, ks in self.allies.items()
                       if i in still}
        for a in self.states:
            a.weariness = p.weariness_decay * a.weariness + (a.idx in fighting)
        for s in sorted(dies):
            a = by[s]
            a.alive = False
            a.output = a.offense = a.defense = a.spending = a.weariness = 0.0
            a.remove()
            self.events["died"].append((self.t, s))
        self.states = [a for a in self.states if a.alive]
        for a in self.states:  # the budget cap binds on the output the war left
            a.spending = min(a.spending, p.budget_share * a.output)

    def peaceful_change(self, by, out_before):
        """The status quo moves toward the Nash bargaining point of this year's contests."""
        p = self.p
        tau, c = p.war_transfer, p.war_cost_share
        for a in by.values():
            for j, pf in a.pf.items():
                target = 0.5 * (pf + a.ps[j])
                if tau > 0.0:
                    yi, yj = out_before[a.idx], out_before[j]
                    tot = yi + yj
                    shift = c * (yj - yi) / (2.0 * tau * tot) if tot > 0.0 else 0.0
                    target = min(max(target + shift, 0.0), 1.0)
                a.status_quo[j] += p.peaceful_change * (target - a.status_quo[j])

    def reset_regimes(self):
        """A new regime's type was redrawn: beliefs about it start again from the prior."""
        p = self.p
        q = min(max(p.p_greedy, 1e-15), 1.0 - 1e-15)
        l0 = min(max(math.log(q / (1.0 - q)) + p.prior_bias, -self.lim), self.lim)
        for s in self.changed:
            for a in self.everyone:
                if a.idx != s:
                    # both spending filters of the new regime: the mixture of the old ones
                    # weighted by a's belief about the old regime (herz's _regime_mix)
                    u = _expit(a.logodds[s])
                    (m_s, m_g), (v_s, v_g) = a.filt[s], a.fvar[s]
                    m0 = (1.0 - u) * m_s + u * m_g
                    v0 = (1.0 - u) * (v_s + (m_s - m0) ** 2) + u * (v_g + (m_g - m0) ** 2)
                    es, eg = a.ferr[s]
                    e0 = (1.0 - u) * es[0] + u * eg[0]
                    e_new = [e0,
                             (1.0 - u) * (es[1] + (m_s - m0) * (es[0] - e0))
                             + u * (eg[1] + (m_g - m0) * (eg[0] - e0)),
                             (1.0 - u) * (es[2] + (es[0] - e0) ** 2)
                             + u * (eg[2] + (eg[0] - e0) ** 2),
                             (1.0 - u) * es[3] + u * eg[3]]
                    a.filt[s], a.fvar[s] = [m0, m0], [v0, v0]
                    a.ferr[s] = [list(e_new), list(e_new)]
                    a.logodds[s] = l0
                    self.everyone[s].nu[a.idx] = l0
                    self.everyone[s].nu_var[a.idx] = 0.0
                    self.everyone[s].ferr[a.idx] = [[0.0] * 4, [0.0] * 4]


# --------------------------------------------------------------------------- 1. the check
#: The check's world: war made common enough that every consequence happens in a few
#: hundred world-years (wars of every cause but prevention are frequent at the defaults;
#: a first-strike advantage, offence dominance and wider growth differences bring
#: preemption and prevention: with the shock on spending, the default since issue 17's
#: recalibration, the check's world at parity had no preemptive war).
CHECK_WAR = dict(p_greedy=0.2, war_intercept=-2.0, death_threshold=0.5, balancing_intercept=-1.0,
                 first_strike_advantage=0.5, growth_spread=0.15, prevention_discount=1.0,
                 offense_defense_balance=0.5)
#: The world v2.0's domestic shock (a share of output), checked as well.
CHECK_V2_0 = dict(shock_base=0.0, spending_shock=0.03)
#: Relative tolerance of the continuous state (output, spending, stocks, beliefs, status quo,
#: weariness): the two compute the same operations in a different order (sums, exp in numba
#: and in math), and the belief filters amplify rounding over the years.
CHECK_RTOL = 1e-8


def check(n: int = 6, worlds: int = 20, steps: int = 60, extra: dict | None = None) -> dict:
    """herz against the Mesa twin on the same draws: every state variable and every event.

    The twin runs from the start, and again from herz's state a quarter of the way in
    (wars and alliances under way), which must end where the first run did.

    Continuous fields within CHECK_RTOL (relative, floor 1e-9); the discrete ones exactly:
    alive, types, wars in progress, alliances, and for every step the attacks, disputes
    and deaths; the wars' counts by cause. The check also requires that each kind of
    event happened at least once, so that it compares what the war does, not its absence.
    ``extra``: further parameters of the check's world (``CHECK_V2_0``: the output shock).
    """
    p = bench_params(n).replace(**CHECK_WAR, **(extra or {}))
    keys = world_keys(2025, worlds)
    state = initial_state(p, keys)
    start = state.copy()
    herz_events: dict = {"attacks": set(), "disputes": set(), "died": set()}
    resume = steps // 4  # the twin also starts from herz's state at this year (wars under way)
    for t in range(steps):
        if t == resume:
            mid = state.copy()
        run_batch(p, state, 1)
        for name in ("attacks", "disputes"):
            herz_events[name] |= {(int(w), t, int(i), int(j))
                                  for w, i, j in zip(*np.nonzero(getattr(state, name)), strict=True)}
        herz_events["died"] |= {(int(w), t, int(i)) for w, i in zip(*np.nonzero(state.died),
                                                                    strict=True)}
    ally = state.mech.get(ALLY_KEY, np.zeros((worlds, n, n), dtype=bool))
    worst, worst_field = 0.0, ""
    mismatch: list[str] = []
    twin_events: dict = {"attacks": set(), "disputes": set(), "died": set()}
    seen = {"ended": 0, "transfers": 0, "regime_changes": 0, "joins": 0}
    causes = {c.name.lower(): 0 for c in Cause if c is not Cause.NONE}
    for w in range(worlds):
        m = MesaWorld(p, start, w, keys=keys[w:w + 1])
        for _ in range(steps):
            m.step()
        for name in twin_events:
            twin_events[name] |= {(w, *e) for e in m.events[name]}
        for name in seen:
            seen[name] += m.events[name]
        for c, k in m.counts.items():
            causes[c.name.lower()] += k
            if k != state.counts[f"n_wars_{c.name.lower()}"][w]:
                mismatch.append(f"world {w}: wars of cause {c.name}")
        m2 = MesaWorld(p, mid, w, keys=keys[w:w + 1])
        m2.t = resume
        for _ in range(steps - resume):
            m2.step()
        for a, b in zip(m.everyone, m2.everyone, strict=True):
            if a.alive != b.alive or a.greedy != b.greedy or abs(a.output - b.output) > (
                    CHECK_RTOL * max(abs(a.output), 1e-9)):
                mismatch.append(f"world {w}: resumed at year {resume}, state {a.idx}")
        ev = m.everyone
        got = {"output": [a.output for a in ev], "spending": [a.spending for a in ev],
               "offense": [a.offense for a in ev], "defense": [a.defense for a in ev],
               "logodds": [a.logodds for a in ev], "second_order": [a.nu for a in ev],
               "status_quo": [a.status_quo for a in ev],
               "war_weariness": [a.weariness for a in ev]}
        for name, vals in got.items():
            ref = getattr(state, name)[w]
            diff = np.abs(np.asarray(vals) - ref) / np.maximum(np.abs(ref), 1e-9)
            if float(np.max(diff)) > worst:
                worst, worst_field = float(np.max(diff)), name
        wars = np.zeros((n, n), dtype=bool)
        for i, j in m.wars:
            wars[i, j] = True
        allies = np.zeros((n, n), dtype=bool)
        for i, ks in m.allies.items():
            for k in ks:
                allies[k, i] = True
        exact = {"alive": ([a.alive for a in ev], state.alive[w]),
                 "greedy": ([a.greedy for a in ev], state.greedy[w]),
                 "war_attacker": (wars, state.war_attacker[w]), "ally": (allies, ally[w])}
        mismatch += [f"world {w}: {k}" for k, (a, b) in exact.items()
                     if not np.array_equal(np.asarray(a), b)]
    mismatch += [f"{k}: herz {len(herz_events[k] - twin_events[k])} not in Mesa, "
                 f"Mesa {len(twin_events[k] - herz_events[k])} not in herz"
                 for k in herz_events if herz_events[k] != twin_events[k]]
    assert not mismatch, "herz and Mesa differ: " + "; ".join(mismatch[:10])
    assert worst < CHECK_RTOL, f"herz and Mesa differ by {worst:g} (relative, {worst_field})"
    counted = {"attacks": len(herz_events["attacks"]), "disputes": len(herz_events["disputes"]),
               "deaths": len(herz_events["died"]), **seen,
               **{f"wars_{c}": k for c, k in causes.items()}}
    absent = [k for k, v in counted.items() if v == 0]
    assert not absent, f"the check's world never had: {absent}"
    mu = state.mistrust
    g = state.greedy[:, None, :] & ~np.eye(n, dtype=bool)
    s = ~state.greedy[:, None, :] & ~np.eye(n, dtype=bool)
    return {"check_worlds": worlds, "check_states": n, "check_steps": steps,
            "check_params": CHECK_WAR, "check_rtol": CHECK_RTOL,
            "check_max_rel_diff": worst, "check_max_rel_diff_field": worst_field,
            "check_events": counted,
            "check_mean_mistrust_of_greedy": round(float(mu[g].mean()), 3),
            "check_mean_mistrust_of_seekers": round(float(mu[s].mean()), 3)}


# --------------------------------------------------------------------------- 2. timing
#: Wars started per world-year in the last timed run of each (model, N, war): the three
#: timed models must fight (the Mesa twin's few years from MESA_START count its warm-up
#: year too; herz and NumPy average years 1-100).
WARS: dict = {}


class _Clock:
    """A tracker for run_batch that notes the time after every step (one run, each step timed)."""

    def __init__(self) -> None:
        self.marks = [time.perf_counter()]

    def update(self, state) -> None:
        self.marks.append(time.perf_counter())

    def seconds(self) -> list[float]:
        return [b - a for a, b in zip(self.marks[:-1], self.marks[1:], strict=True)]


def time_herz(n: int, worlds: int, steps: int, war: bool = True) -> list[float]:
    """herz's W worlds from year 0, each of ``steps`` steps timed alone: dyad-steps per second."""
    p = bench_params(n)
    if not war:
        p = p.replace(mechanisms=Mechanisms(**{**MECH.__dict__, "war": False}))
    warm = initial_state(p, world_keys(1, worlds))  # compile for this batch size
    run_batch(p, warm, 2)
    state = initial_state(p, world_keys(1, worlds))
    clock = _Clock()
    run_batch(p, state, steps, tracker=clock)  # type: ignore[arg-type]
    rates = [worlds * n * (n - 1) / dt for dt in clock.seconds()]
    WARS[("herz", n, war)] = sum(int(state.counts[f"n_wars_{c.name.lower()}"].sum())
                                 for c in Cause if c is not Cause.NONE) / (worlds * steps)
    return rates


#: The year (the DESIGN's burn-in) at which the twin's timing starts, from herz's state.
MESA_START = 30


def time_mesa(n: int, steps: int, war: bool = True) -> list[float]:
    """The twin from herz's state at MESA_START: one warm-up step, then ``steps`` timed alone."""
    p = bench_params(n)
    if not war:
        p = p.replace(mechanisms=Mechanisms(**{**MECH.__dict__, "war": False}))
    # start past the first years' burst of wars (at N = 193 herz's 100 years average 1.9
    # wars a year, year 1 alone 38): states at war skip the policy passes, so a twin timed
    # from year 0 would be timed on cheaper years than herz's average
    state = initial_state(p, world_keys(1, 1))
    run_batch(p, state, MESA_START)
    m = MesaWorld(p, state, 0, keys=None, seed=1)
    m.t = MESA_START
    m.step()  # warm
    rates = []
    for _ in range(steps):
        t0 = time.perf_counter()
        m.step()
        rates.append(n * (n - 1) / (time.perf_counter() - t0))
    WARS[("mesa", n, war)] = sum(m.counts.values()) / (steps + 1)
    return rates


def _expit_np(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _chosen_np(z, pr):
    """The choice rule vectorised: P(j chosen) = p_j prod_{k ranked above j} (1 - p_k)."""
    order = np.argsort(-z, axis=2, kind="stable")  # ties: the lower position first
    ps = np.take_along_axis(pr, order, axis=2)
    surv = np.cumprod(1.0 - ps, axis=2)
    chosen = ps.copy()
    chosen[..., 1:] *= surv[..., :-1]
    out = np.empty_like(pr)
    np.put_along_axis(out, order, chosen, axis=2)
    return out


def time_bare_numpy(n: int, worlds: int, steps: int) -> list[float]:
    """The same step (economy, perception, Kalman belief update, war) in plain vectorised NumPy.

    The near-limit: no masks for the dead outside the war (a dead state leaves the
    war's pairs but its economy runs on), no second-order belief (the level-2 fear
    reads the other's first-order belief in its place), no schedules.
    """
    p = bench_params(n)
    rng = np.random.Generator(np.random.SFC64(0))
    st = initial_state(p, world_keys(1, worlds))
    y, g, sp = st.output.copy(), st.growth.copy(), st.spending.copy()
    o, dd, greedy = st.offense.copy(), st.defense.copy(), st.greedy.copy()
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
    # war
    tau, c, lam = p.war_transfer, p.war_cost_share, p.war_rationality
    alive = np.ones((worlds, n), dtype=bool)
    x = st.status_quo.copy()
    war = np.zeros((worlds, n, n), dtype=bool)  # [attacker, defender]
    ally = np.zeros((worlds, n, n), dtype=bool)  # [k, attacker]
    weary = np.zeros((worlds, n))
    n_wars = 0
    rates = []
    for _ in range(steps):
        t0 = time.perf_counter()
        threat = o + (1 - d) * dd
        fear = p.fear_floor + (1 - p.fear_floor) / (1 + np.exp(-lg))
        press = (fear * threat[:, None, :] * off).sum(axis=2) / (n - 1)
        y *= 1 + g
        size = y / yref
        cap = p.budget_share * y
        target = p.reaction * press + (p.grievance + p.greed_build * greedy) * size
        rng.standard_normal(out=xi)
        base = (size if p.shock_base <= 0.0 else (1 - p.shock_base) * size
                + p.shock_base * np.maximum(sp, SHOCK_FLOOR * size))  # last year's spending
        sp = np.clip(sp + inert * (target - sp) + p.spending_shock * base * xi, 0, cap)
        q = np.where(greedy, q_g, q_s)
        add_o, add_d = q * sp, (1 - q) * sp
        o, dd = 0.9 * o + add_o, 0.9 * dd + add_d
        rng.standard_normal(out=z)
        sd = (p.perception_noise * size)[:, None, :]
        obs0 = (add_o + (1 - d) * add_d)[:, None, :] + sd * z[..., 0]
        obs1 = (d * add_d)[:, None, :] + sd * z[..., 1]
        s2 = sd * sd
        qv = ((p.spending_shock * base) ** 2)[:, None, :]
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
        # war: contests, prevention, level-2 fear, the index, one draw per pair
        pair = alive[:, :, None] & alive[:, None, :] & off
        mu = _expit_np(lg)
        pf = np.where(pair, o[:, :, None] / np.maximum(o[:, :, None] + dd[:, None, :], 1e-300), 0)
        ps = np.where(pair, 1.0 - pf.transpose(0, 2, 1), 0.0)
        power = 0.5 * (pf + ps)
        prev = np.zeros_like(pf)
        for h in range(1, p.prevention_horizon + 1):
            oh, dh = o * (1 + g) ** h, dd * (1 + g) ** h
            pfh = oh[:, :, None] / np.maximum(oh[:, :, None] + dh[:, None, :], 1e-300)
            prev += p.prevention_discount ** h * np.maximum(
                0.0, power - 0.5 * (pfh + 1.0 - pfh.transpose(0, 2, 1)))
        ratio = y[:, None, :] / y[:, :, None]
        gain = pf * tau * ratio - tau * (x * (1 + ratio) - 1)
        rest = -(1 - pf) * tau - c + tau * prev
        loss = (1 - ps) * tau + c
        busy = war.any(axis=2) | war.any(axis=1) | (ally & war.any(axis=2)[:, None, :]).any(2)
        act = pair & ~busy[:, :, None]
        shift = -p.war_weariness * weary[:, :, None]

        def typed(omega, h, act=act, gain=gain, rest=rest, loss=loss, shift=shift):
            zz = np.where(act, lam * (omega * gain + rest + h * loss) + p.war_intercept
                          + shift, -np.inf)
            return _chosen_np(zz, np.where(act, _expit_np(zz), 0.0))

        a_g, a_s = typed(p.greedy_value, 0.0), typed(p.seeker_value, 0.0)
        nu_t = mu.transpose(0, 2, 1)
        h1 = np.where(pair, nu_t * a_g.transpose(0, 2, 1) + (1 - nu_t) * a_s.transpose(0, 2, 1),
                      0.0)
        a_g, a_s = typed(p.greedy_value, h1), typed(p.seeker_value, h1)
        a_gt, a_st = a_g.transpose(0, 2, 1), a_s.transpose(0, 2, 1)
        h = np.where(pair, mu * a_gt + (1 - mu) * a_st, 0.0)
        omega = np.where(greedy, p.greedy_value, p.seeker_value)[:, :, None]
        zz = np.where(act, lam * (omega * gain - (1 - pf) * tau - c + h * loss + tau * prev)
                      + p.war_intercept + shift, -np.inf)
        u = rng.random((worlds, n, n))
        trig = u < _expit_np(zz)
        zt = np.where(trig, zz, -np.inf)
        attacks = trig & (np.arange(n) == zt.argmax(axis=2)[:, :, None])
        starts = attacks & ~(attacks.transpose(0, 2, 1) & (zz < zz.transpose(0, 2, 1)))
        n_wars += int(starts.sum())
        war |= starts
        # balancing, a year of war, transfers, regime change, deaths
        active = war.any(axis=2)
        both = war | war.transpose(0, 2, 1)
        mean_y = (y * alive).sum(axis=1) / alive.sum(axis=1)
        join = (pair & active[:, None, :] & ~both & (rng.random((worlds, n, n)) < _expit_np(
            p.balancing_intercept + p.balancing_rationality * mu * (y / mean_y[:, None])[:, None])))
        ally = (ally | join) & active[:, None, :]
        fighting = both.any(axis=2) | (ally & active[:, None, :]).any(axis=2)
        extra = np.einsum("wki,wk->wi", ally.astype(float), dd)
        pw = o[:, :, None] / np.maximum(o[:, :, None] + dd[:, None, :] + extra[:, :, None], 1e-300)
        y = np.where(fighting, y * (1 - p.war_output_destruction), y)
        keep = np.where(fighting, 1 - p.war_arms_destruction, 1.0)
        o, dd = o * keep, dd * keep
        ends = war & (rng.random((worlds, n, n)) < np.clip(
            p.war_end_base + p.war_end_slope * np.abs(pw - 0.5), 0, 1))
        won = ends & (rng.random((worlds, n, n)) < pw)
        n_lost = (ends & ~won).sum(axis=2) + won.sum(axis=1)
        per = y * (1 - (1 - tau) ** n_lost) / np.maximum(n_lost, 1)
        pay = (ends & ~won) * per[:, :, None] + (won * per[:, None, :]).transpose(0, 2, 1)
        y = y - pay.sum(axis=2) + pay.sum(axis=1)
        redraw = (n_lost > 0) & (rng.random((worlds, n)) < p.regime_change)
        greedy = np.where(redraw, rng.random((worlds, n)) < p.p_greedy, greedy)
        dies = fighting & (y < p.death_threshold * mean_y[:, None])
        alive &= ~dies
        war &= ~ends & alive[:, :, None] & alive[:, None, :]
        ally &= war.any(axis=2)[:, None, :] & alive[:, :, None]
        weary = p.weariness_decay * weary + fighting
        x = np.where(pair, x + p.peaceful_change * (np.clip(power + c * (
            y[:, None, :] - y[:, :, None]) / (2 * tau * (y[:, :, None] + y[:, None, :])), 0, 1)
            - x), x)
        # the attack and restraint evidence
        ev = np.where(attacks, np.log(np.maximum(a_g, 1e-300)) - np.log(np.maximum(a_s, 1e-300)),
                      np.log1p(-np.minimum(a_g, 1 - 1e-16)) - np.log1p(-np.minimum(a_s, 1 - 1e-16)))
        lg = np.clip(lg + np.where(pair, ev.transpose(0, 2, 1), 0.0), -20.7, 20.7)
        rates.append(worlds * n * (n - 1) / (time.perf_counter() - t0))
    WARS[("numpy", n, True)] = n_wars / (worlds * steps)
    return rates


# --------------------------------------------------------------------------- 3. memory
# The child's own peak: /proc/self/status VmHWM (kiB), the high-water mark of this process's
# memory; ru_maxrss is kept across fork and exec on Linux, so it would report the bench
# process's size at the fork when that is larger (the fallback where /proc is absent).
_MEM_CHILD = """
import resource, sys, time
def peak():
    try:
        with open('/proc/self/status') as f:
            return next(int(x.split()[1]) for x in f if x.startswith('VmHWM:'))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
import herz.world as hw
base = peak()
p = hw.WorldParams(n_states=193)
t = time.perf_counter()
hw.simulate(p, worlds=int(sys.argv[1]), steps=int(sys.argv[2]), seed=0)
print(base, peak(), time.perf_counter() - t, hw.default_batch_size(193, params=p))
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
    """Per-step throughput over REPEATS runs of ``fn`` (each returns every timed step's figure).

    The best step (timeit's convention on a busy machine) and the median step, the same for
    herz, the twin and the bare NumPy loop: each step is timed alone.
    """
    rates = [r for _ in range(REPEATS) for r in fn(*args)]
    MEANS[(fn.__name__, *args)] = len(rates) / sum(1.0 / r for r in rates)
    return max(rates), float(np.median(rates))


#: The mean throughput of the same timed steps (all the dyad-steps over all the time: the
#: harmonic mean of the per-step figures), by (function name, arguments).
MEANS: dict = {}


def _load() -> list[float]:
    """The 1, 5 and 15-minute load averages (os.getloadavg) to print with every figure."""
    return [round(x, 2) for x in os.getloadavg()]


def main() -> None:
    quick = "--quick" in sys.argv
    fig: dict = {"herz_version": herz.__version__, "mesa_version": mesa.__version__,
                 "mechanisms": list(MECH.on()),
                 "load_average_1min_before": round(os.getloadavg()[0], 2),
                 "load_average_1_5_15min_before": [round(x, 2) for x in os.getloadavg()],
                 "cores": os.cpu_count(), "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
                 "numba_threads": int(os.environ.get("NUMBA_NUM_THREADS", os.cpu_count() or 1))}
    fig.update(check())
    fig["check_v2_0_max_rel_diff"] = check(extra=CHECK_V2_0)["check_max_rel_diff"]
    # (herz's worlds, the twin's timed steps after its warm-up step)
    plan = {20: (200 if quick else 1000, 10), 100: (10 if quick else 50, 4),
            193: (4 if quick else 15, 2 if quick else 4)}
    if "--sizes" in sys.argv:  # e.g. --sizes 193: a shorter run on a busy machine
        sizes = {int(x) for x in sys.argv[sys.argv.index("--sizes") + 1].split(",")}
        plan = {n: v for n, v in plan.items() if n in sizes}
    steps = 20 if quick else 100
    fig["steps"] = steps
    for n, (worlds, mesa_steps) in plan.items():
        load = _load()
        h, h_med = best_and_median(time_herz, n, worlds, steps)
        m, m_med = best_and_median(time_mesa, n, mesa_steps)
        b, b_med = best_and_median(time_bare_numpy, n, worlds, steps)
        fig[f"N{n}"] = {"worlds": worlds, "herz_dyad_steps_per_s": round(h),
                        "mesa_dyad_steps_per_s": round(m), "ratio_herz_over_mesa": round(h / m, 1),
                        "bare_numpy_dyad_steps_per_s": round(b),
                        "bare_numpy_over_herz": round(b / h, 2), "mesa_steps_timed": mesa_steps,
                        "median_herz": round(h_med), "median_mesa": round(m_med),
                        "median_bare_numpy": round(b_med), "mesa_start_year": MESA_START,
                        "median_ratio_herz_over_mesa": round(h_med / m_med, 1),
                        "median_bare_numpy_over_herz": round(b_med / h_med, 2),
                        "mean_herz": round(MEANS[("time_herz", n, worlds, steps)]),
                        "mean_mesa": round(MEANS[("time_mesa", n, mesa_steps)]),
                        "mean_bare_numpy": round(MEANS[("time_bare_numpy", n, worlds, steps)]),
                        "mean_ratio_herz_over_mesa": round(
                            MEANS[("time_herz", n, worlds, steps)]
                            / MEANS[("time_mesa", n, mesa_steps)], 1),
                        "timing": f"per step, best and median of {REPEATS} runs x steps "
                                  f"(herz and NumPy {steps}, Mesa {mesa_steps} after 1 warm-up)",
                        "load_average_1min": [load[0], _load()[0]],
                        "load_average_1_5_15min_before_after": [load, _load()],
                        "wars_per_world_year": {k: round(WARS[(k, n, True)], 3)
                                                for k in ("herz", "mesa", "numpy")}}
        print(f"N{n}", json.dumps(fig[f"N{n}"]), file=sys.stderr, flush=True)
    # the cost of war in herz: war off against war on at the same size (10 worlds, 20 steps)
    war_off, _ = best_and_median(time_herz, 100, 10, 20, False)
    war_on, _ = best_and_median(time_herz, 100, 10, 20, True)
    fig["load_average_1_5_15min_war_cost"] = _load()
    fig["herz_war_off_dyad_steps_per_s_N100"] = round(war_off)
    fig["herz_war_on_dyad_steps_per_s_N100"] = round(war_on)
    fig["herz_war_off_over_on_N100"] = round(war_off / war_on, 2)
    # the same for the twin (2 steps each): what war costs a Mesa model
    m_off, _ = best_and_median(time_mesa, 100, 2, False)
    m_on, _ = best_and_median(time_mesa, 100, 2, True)
    fig["mesa_war_off_dyad_steps_per_s_N100"] = round(m_off)
    fig["mesa_war_on_dyad_steps_per_s_N100"] = round(m_on)
    fig["mesa_war_off_over_on_N100"] = round(m_off / m_on, 2)
    fig["war_off_ratio_herz_over_mesa_N100"] = round(war_off / m_off, 1)
    if not quick and "--no-memory" not in sys.argv:
        fig.update(peak_memory(steps=1))
    fig["load_average_1min_after"] = round(os.getloadavg()[0], 2)
    fig["load_average_1_5_15min_after"] = _load()
    for n in plan:
        r = fig[f"N{n}"]
        print(f"N = {n}: herz / Mesa {r['ratio_herz_over_mesa']}x (median "
              f"{r['median_ratio_herz_over_mesa']}x, mean {r['mean_ratio_herz_over_mesa']}x), "
              f"bare NumPy / herz {r['bare_numpy_over_herz']} "
              f"(median {r['median_bare_numpy_over_herz']}), load 1/5/15 min before "
              f"{r['load_average_1_5_15min_before_after'][0]}, after "
              f"{r['load_average_1_5_15min_before_after'][1]}", file=sys.stderr)
    print(json.dumps(fig))


if __name__ == "__main__":
    main()
