"""Economy and arms policy (DESIGN.md 2.4): output, a budget, spending with inertia, two stocks.

Each state has output Y_i that grows at its own yearly rate g_i (drawn at the
start: differences in growth are power transitions, Organski and Kugler 1980;
Gilpin 1981). It spends m_i on arms out of a budget capped at a share B of
output. Spending moves toward a target with inertia alpha (domestic politics:
budgets are sticky, Ostrom 1978) and a domestic shock sigma_m that is no
reaction to anyone (so that a type is not revealed at once, and the record's
weak Granger patterns are possible):

    m*_i   = kappa_i P_i + (g_i + greedy_i * greed_build) Y_i / Y_ref
    m_i   <- clip(m_i + alpha (m*_i - m_i) + sigma_m s_i xi_i, 0, B Y_i)
    s_i    = (1 - b) Y_i / Y_ref + b max(m_i, F Y_i / Y_ref)   (:func:`shock_scale`)
    P_i    = sum_j w_ij f_ij T_ij / sum_j w_ij       (``mean``; ``sum`` drops the division)
    f_ij   = (f_S + (1 - f_S) mu_ij) (1 - identity_threat_weight s+_ij) (1 - cut I_ij)
    T_ij   = (O_j + (1 - d) D_j) ((1 + f)/delta)^eta_T shield_ij    (public lagged stocks)

The shock's base s_i is set by ``shock_base`` b. At b = 1 (the default) it
is last year's spending m_i (at t, before this year's update): budget
incrementalism, where this year's budget is last year's base moved by a share
of it (Davis, Dempster and Wildavsky 1966), so sigma_m is the sd of a year's
change in per cent of the budget at every burden. At b = 0 (the world v2.0,
with sigma_m 0.03) it is the state's output: the shock is a share of the
economy, so in per cent of spending it is larger where the military burden is
smaller, and races among seekers do not fall as defence gains (issue 17).
F = :data:`SHOCK_FLOOR` (0.01 arms units a year at the reference output, 1%
of the budget cap B Y_ref at the defaults; a calibrated state spends 0.2-0.5)
keeps a state at zero spending from being frozen.
Output and last year's spending are public (the belief filter reads the same
s_j, :mod:`herz.world.beliefs`).

Baseline spending (grievance g, and a greedy state's extra ``greed_build``)
is stated at the reference output Y_ref (the mean of ``initial_output``) and
grows with the state's output, as the budget does: defence spending is a
share of the economy, so a world whose outputs all grow keeps its military
burden, and a rising power's baseline rises with it.

f_S is ``fear_floor`` (the weight of a threat from a state surely benign; a
greedy state's threat weighs 1), mu_ij = Lambda(l_ij) the belief, s_ij the
identity and I_ij the institutions of a common community (the v1 mechanisms,
neutral by default), w_ij the threat weight of a politically relevant pair
(distance within ``reach``; Lemke and Reed 2001) and shield_ij a buffer.
Under offensive realism f = 1 (Mearsheimer 2001). A purchase is split into
offence and defence by the offence share

    q_S = (1 - zeta d) / (1 + delta^eta),   q_G = min(1, q_S + dq),

falling with distinguishability d (defence that is seen as defence is worth
buying) and with the offense-defense balance delta (Glaser and Kaufmann 1998);
eta = 1 and zeta = 0 give v1's 1/(1 + delta). The threat counts offence at the
contest's exchange rate (1 + f)/delta with defence, raised to
``threat_balance_elasticity`` eta_T (:func:`threat_factor`, derived there from
the contest function): offence dominance and a first-strike advantage make the
same arsenal more threatening (Jervis 1978). The stocks depreciate at
``fatigue`` a:

    O_i <- (1 - a dt) O_i + dt q_i m_i,    D_i <- (1 - a dt) D_i + dt (1 - q_i) m_i.

The purchases u_i = dt (q_i m_i, (1 - q_i) m_i) are the "yearly changes" that
the others perceive (:mod:`herz.world.perception`); depreciation and war
damage are public and no part of them.

Richardson reduction: two states, alpha = 1, no shock, no budget cap, d = 0,
constant output at Y_ref, beliefs fixed: the arsenal x = O + D follows x' = x + dt (k f y - a x + g),
Richardson's discrete map with reaction k f (test_reductions_richardson).

References
----------
Richardson, L. F. (1960). *Arms and Insecurity*. Pittsburgh: Boxwood Press.

Glaser, C. L. and Kaufmann, C. (1998). What is the offense-defense balance and
can we measure it? *International Security* 22(4): 44-82. doi:10.2307/2539240.

Jervis, R. (1978). Cooperation under the security dilemma. *World Politics*
30(2): 167-214. doi:10.2307/2009958.

Organski, A. F. K. and Kugler, J. (1980). *The War Ledger*. University of Chicago Press.

Davis, O. A., Dempster, M. A. H. and Wildavsky, A. (1966). A theory of the
budgetary process. *American Political Science Review* 60(3): 529-547.
doi:10.2307/1952969.

Gilpin, R. (1981). *War and Change in World Politics*. Cambridge University Press.

Ostrom, C. W. (1978). A reactive linkage model of the U.S. defense expenditure
policymaking process. *American Political Science Review* 72(3): 941-957.

Lemke, D. and Reed, W. (2001). The relevance of politically relevant dyads.
*Journal of Conflict Resolution* 45(1): 126-144.

Mearsheimer, J. J. (2001). *The Tragedy of Great Power Politics*. Norton.
"""

from __future__ import annotations

from typing import Any

import numba as nb
import numpy as np
from numpy.typing import NDArray

from herz.world._dual import dual
from herz.world.noise import Stream, fill_normal
from herz.world.params import ThreatAggregation, WorldParams
from herz.world.state import WorldState

__all__ = ["SHOCK_FLOOR", "Pressure", "fear", "grievance", "grievance_table", "grow_output",
           "has_world_shares", "inertia",
           "inertia_worlds", "offense_shares", "offense_shares_worlds", "perceived_pressure",
           "pressure", "public_threat", "reference_output", "shock_scale", "target_spending",
           "threat_factor", "update_arms"]

#: F: the floor of the spending base of the domestic shock, arms units a year at the
#: reference output (scaled by Y_i / Y_ref): 1% of the budget cap B Y_ref at the defaults,
#: below every calibrated state's spending (0.2-0.5), so it only keeps a state at zero
#: spending from being frozen (``shock_base`` > 0).
SHOCK_FLOOR = 0.01


def offense_shares(params: WorldParams) -> tuple[float, float]:
    """(q_S, q_G): offence share of a security seeker's and a greedy state's purchases."""
    return _offense_shares(params, float(params.distinguishability),
                           float(params.offense_defense_balance))


def _offense_shares(params: WorldParams, d: float, balance: float) -> tuple[float, float]:
    if params.mechanisms.offense_defense:
        q_s = (1.0 - params.offense_share_distinguishability * d) / (
            1.0 + balance ** params.offense_share_elasticity)
    else:
        q_s = params.initial_offense_share
    return float(q_s), float(min(1.0, q_s + params.greedy_offense_premium))


def offense_shares_worlds(params: WorldParams, worlds: int
                          ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """:func:`offense_shares` of every world, ((W, 1), (W, 1)): per-world d and delta if set.

    Each world's shares come from the scalar formula at its own values (bit for
    bit those of a scalar run), computed once per distinct pair of values.
    """
    d = params.world_array("distinguishability", worlds)
    b = params.world_array("offense_defense_balance", worlds)
    memo: dict[tuple[float, float], tuple[float, float]] = {}
    q = np.empty((worlds, 2))
    for k, key in enumerate(zip(d.tolist(), b.tolist(), strict=True)):
        if key not in memo:
            memo[key] = _offense_shares(params, *key)
        q[k] = memo[key]
    return q[:, :1], q[:, 1:]


def has_world_shares(params: WorldParams) -> bool:
    """Whether the offence shares differ by world (per-world d or delta)."""
    return any(k in params.world_values for k in ("distinguishability",
                                                   "offense_defense_balance"))


def inertia(params: WorldParams) -> float:
    """Share of the gap to the target closed in one step: 1 - (1 - alpha)^dt."""
    return _inertia(params.spending_inertia, params.dt)


def _inertia(alpha: float, dt: float) -> float:
    return float(1.0 - (1.0 - alpha) ** dt)


def inertia_worlds(params: WorldParams, worlds: int) -> NDArray[np.float64]:
    """:func:`inertia` for every world, (W,): per-world ``spending_inertia`` if set."""
    dt = params.dt
    return params.world_map("spending_inertia", lambda a: _inertia(a, dt), worlds)


def grow_output(state: WorldState, params: WorldParams) -> None:
    """Y <- Y (1 + g dt) for living states, in place."""
    state.output *= 1.0 + state.growth * params.dt
    state.output *= state.alive


def threat_factor(params: WorldParams) -> float | NDArray[np.float64]:
    """((1 + f) / delta)^eta_T: the exchange rate of offence into the defence it takes to hold it.

    Derivation from the world's one contest function
    (:func:`herz.world.bargaining.contest_success`): j striking i first wins
    with probability

        p^f_ji = ((1 + f) O_j)^g / (((1 + f) O_j)^g + (delta D_i)^g)
               = X^g / (X^g + D_i^g),   X = O_j (1 + f) / delta,

    so the contest depends on j's offence only through X: measured in the
    units of i's defence that it takes to hold it (Glaser and Kaufmann 1998
    define the balance as exactly such a cost ratio of attacking to defending
    forces), one unit of j's offence is worth (1 + f) / delta units. At equal
    X and D_i the odds of conquest are (X / D_i)^g: halving delta (offence
    dominance) or a first-strike advantage f raises the odds as much as
    doubling or multiplying j's arsenal by (1 + f) would. A threat read in
    arms units is therefore T_j = (O_j + (1 - d) D_j) ((1 + f) / delta)^eta_T
    (the share 1 - d of defence that is taken for offence counts as
    offence): eta_T = 1 (the default) is this exchange rate itself, eta_T = g
    lets the threat scale as the contest's odds, eta_T = 0 is the threat of
    the world before this factor (the balance in the contest only). This is
    Jervis's (1978) claim that under offence dominance (and with
    first-strike advantages) "the same" arsenal is more threatening, so
    security seekers react to each other more strongly.

    The factor is 1 exactly (and the threat bit-identical to the old one) at
    delta = 1, f = 0 or eta_T = 0, and when the ``offense_defense`` mechanism
    is off (the balance then shapes neither purchases nor perceived threat).
    With a per-world balance (``WorldParams.world_value``) the factor is a
    (W, 1) array that broadcasts over (W, N), the same numbers bit for bit as
    the scalar path when the values are equal.

    References: Jervis, R. (1978). Cooperation under the security dilemma.
    *World Politics* 30(2): 167-214. Glaser, C. L. and Kaufmann, C. (1998).
    What is the offense-defense balance and can we measure it? *International
    Security* 22(4): 44-82.
    """
    eta = float(params.threat_balance_elasticity)
    if not params.mechanisms.offense_defense or eta == 0.0:
        return 1.0
    delta = params.world_value("offense_defense_balance", 1)
    k = ((1.0 + float(params.first_strike_advantage)) / delta) ** eta
    return float(k) if np.ndim(k) == 0 else np.asarray(k, dtype=float)


def public_threat(state: WorldState, params: WorldParams) -> NDArray[np.float64]:
    """T_j = (O_j + (1 - d) D_j) ((1 + f) / delta)^eta_T of every state (0 for dead ones), (W, N).

    The one threat of the world: the arms policy's pressure, the belief
    update's predictions (:mod:`herz.world.beliefs`), the value of trust of
    costly signals (:func:`herz.world.signalling.trust_unit`) and the bloc
    pressure of communities (:func:`herz.world.community.bloc_pressure`) all
    read it; the factor is :func:`threat_factor` (per world where delta is).
    """
    t = state.offense + (1.0 - params.world_value("distinguishability", 1)) * state.defense
    k = threat_factor(params)
    if not np.all(k == 1.0):
        t = t * k
    return np.asarray(t * state.alive)


def fear(mistrust: NDArray[np.float64], identity: NDArray[np.float64], params: WorldParams,
         inst: NDArray[np.float64] | None = None) -> NDArray[np.float64]:
    """Weight f[i, j] of the threat i perceives from j (the NumPy definition)."""
    if params.offensive_realism:
        f = np.ones_like(mistrust)
    else:
        f = params.fear_floor + (1.0 - params.fear_floor) * mistrust
    if params.identity_threat_weight > 0.0:
        f = f * (1.0 - params.identity_threat_weight * np.maximum(identity, 0.0))
    if inst is not None:
        f = f * (1.0 - params.community_threat_cut * inst)
    return np.asarray(f)


def perceived_pressure(threat: NDArray[np.float64], fear_w: NDArray[np.float64],
                       weight: NDArray[np.float64] | None, aggregation: ThreatAggregation,
                       shield: NDArray[np.float64] | None = None,
                       alive: NDArray[np.bool_] | None = None) -> NDArray[np.float64]:
    """P_i, (W, N): weighted mean (or sum) over living j != i of f_ij T_j shield_ij.

    The NumPy definition of :func:`pressure` (which runs it as one compiled
    loop). ``threat`` is T_j, (W, N); ``shield`` scales each threat after the
    weighting, so the mean does not normalise it away.
    """
    w, n = threat.shape
    live = np.ones((w, n), dtype=bool) if alive is None else alive
    mask = live[:, :, None] & live[:, None, :] & ~np.eye(n, dtype=bool)
    x = fear_w * threat[:, None, :]
    if shield is not None:
        x = x * shield
    wt = np.ones((w, n, n)) if weight is None else weight
    wt = wt * mask
    total = (x * wt).sum(axis=2)
    if aggregation is ThreatAggregation.MEAN:
        norm = wt.sum(axis=2)
        total = np.divide(total, norm, out=np.zeros_like(total), where=norm > 0)
    return np.asarray(total * live)


class Pressure:
    """The pressure P_i each state reacts to and the normaliser of its mean, (W, N) each."""

    def __init__(self, value: NDArray[np.float64], norm: NDArray[np.float64]) -> None:
        self.value = value
        self.norm = norm


@nb.njit(inline="always")
def fear_weight(lg, s, inst_ij, fear_floor, realism, identity_weight,
                threat_cut):  # pragma: no cover - compiled
    """f_ij from the log-odds l_ij (see the module docstring)."""
    if realism:
        f = 1.0
    else:
        f = fear_floor + (1.0 - fear_floor) / (1.0 + np.exp(-lg))
    if identity_weight > 0.0 and s > 0.0:
        f = f * (1.0 - identity_weight * s)
    if threat_cut > 0.0:
        f = f * (1.0 - threat_cut * inst_ij)
    return f


@dual
def pressure_kernel(logodds, threat, alive, weight, has_weight, shield, has_shield, identity,
                    inst, has_inst, fear_floor, realism, identity_weight, threat_cut, mean,
                    out, norm_out):  # pragma: no cover - compiled
    """P_i and its normaliser for every living i (0 for dead states)."""
    n_worlds, n = threat.shape
    for w in nb.prange(n_worlds):
        for i in range(n):
            tot = 0.0
            norm = 0.0
            if alive[w, i]:
                for j in range(n):
                    if i == j or not alive[w, j]:
                        continue
                    ins = inst[w, i, j] if has_inst else 0.0
                    f = fear_weight(logodds[w, i, j], identity[w, i, j], ins, fear_floor,
                                    realism, identity_weight, threat_cut if has_inst else 0.0)
                    x = f * threat[w, j]
                    if has_shield:
                        x = x * shield[w, i, j]
                    if has_weight:
                        x = x * weight[w, i, j]
                        norm += weight[w, i, j]
                    else:
                        norm += 1.0
                    tot += x
            if not mean:
                norm = 1.0
            out[w, i] = tot / norm if norm > 0.0 else 0.0
            norm_out[w, i] = norm


_ONE3 = np.ones((1, 1, 1))


def pressure(state: WorldState, params: WorldParams, threat: NDArray[np.float64],
             inst: NDArray[np.float64] | None = None) -> Pressure:
    """The pressure each living state reacts to, from beliefs and public stocks at t."""
    w, n = state.worlds, state.n_states
    out = np.empty((w, n))
    norm = np.empty((w, n))
    pressure_kernel(state.logodds, np.ascontiguousarray(threat), state.alive,
                    _ONE3 if state.weight is None else state.weight, state.weight is not None,
                    _ONE3 if state.shield is None else state.shield, state.shield is not None,
                    state.identity, _ONE3 if inst is None else inst, inst is not None,
                    float(params.fear_floor), bool(params.offensive_realism),
                    float(params.identity_threat_weight), float(params.community_threat_cut),
                    params.threat_aggregation is ThreatAggregation.MEAN, out, norm)
    return Pressure(out, norm)


def reference_output(params: WorldParams) -> float:
    """Y_ref: the output at which baseline spending is stated (mean of ``initial_output``)."""
    return float(np.mean(params.per_state("initial_output")))


def grievance(params: WorldParams) -> Any:
    """Richardson's g as the arms policy reads it: (N,) per state, or (W, 1) per world.

    Per world (the history fit's draws, :meth:`WorldParams.with_world_values`) one
    value holds for all the world's states; either array broadcasts over a (W, N)
    one with the same numbers, bit for bit, when the values are equal.
    """
    if "grievance" in params.world_values:
        return params.world_value("grievance", 1)
    return np.asarray(params.per_state("grievance"))


def grievance_table(params: WorldParams, worlds: int) -> NDArray[np.float64]:
    """Grievance of every state of every world, a contiguous (W, N) array (the belief kernel's)."""
    g = np.broadcast_to(grievance(params), (worlds, params.n_states))
    return np.ascontiguousarray(g, dtype=float)


def target_spending(state: WorldState, params: WorldParams, p: Pressure) -> NDArray[np.float64]:
    """m*_i = kappa_i P_i + (g_i + greedy_i greed_build) Y_i / Y_ref, (W, N)."""
    k = np.asarray(params.per_state("reaction"))
    g = grievance(params)
    size = state.output / reference_output(params)
    return np.asarray(k * p.value + (g + params.greed_build * state.greedy) * size)


def shock_scale(params: WorldParams, output: NDArray[np.float64],
                spending: NDArray[np.float64]) -> Any:
    """s_i, (W, N): the base of each state's domestic shock, whose sd is sigma_m s_i.

    s_i = (1 - b) Y_i / Y_ref + b max(m_i, F Y_i / Y_ref) with b = ``shock_base``
    (per world if set), ``output`` Y (this year's) and ``spending`` m (last
    year's, the public lagged value). At b = 0 in every world it is Y / Y_ref
    exactly, the same operation as the world before ``shock_base``.
    :func:`herz.world.beliefs._shock_sd` is the same formula for one state.
    """
    size = output / reference_output(params)
    b = params.world_value("shock_base", 1)
    if not np.any(b > 0.0):
        return size
    return (1.0 - b) * size + b * np.maximum(spending, SHOCK_FLOOR * size)


def update_arms(state: WorldState, params: WorldParams, p: Pressure,
                offense_capped: NDArray[np.bool_] | None = None,
                shares: tuple[NDArray[np.float64], NDArray[np.float64]] | None = None) -> None:
    """Spending, purchases and stocks of step t -> t + 1, in place (output already grown).

    Writes ``spending``, ``added`` (the purchases u = dt (q m, (1 - q) m)),
    ``offense`` and ``defense``. The domestic shock of state i is draw
    ``label_i`` of ``Stream.SPENDING_SHOCK`` at this step. Parties to arms
    control (``offense_capped``) buy no offence. ``shares`` = (q_S, q_G), (W, N)
    each, replaces the offence shares of :func:`offense_shares` state by state
    (caps of signals and treaties, :func:`herz.world.arms_control.purchase_shares`).
    """
    dt = params.dt
    cap = params.world_value("budget_share", 1) * state.output
    target = target_spending(state, params, p)
    if "spending_inertia" in params.world_values:
        inert: Any = inertia_worlds(params, state.worlds)[:, None]
    else:
        inert = inertia(params)
    m = state.spending + inert * (target - state.spending)
    shock = params.world_value("spending_shock", 1)
    if np.any(shock > 0.0):
        xi = np.empty_like(m)
        _shock(state, xi)
        m += shock * shock_scale(params, state.output, state.spending) * xi
    np.clip(m, 0.0, cap, out=m)
    m *= state.alive
    q_s: Any
    q_g: Any
    if shares is not None:
        q_s, q_g = shares
    elif has_world_shares(params):
        q_s, q_g = offense_shares_worlds(params, state.worlds)
    else:
        q_s, q_g = offense_shares(params)
    q = np.where(state.greedy, q_g, q_s)
    if offense_capped is not None:
        q = np.where(offense_capped, 0.0, q)
    a = np.asarray(params.per_state("fatigue"))
    keep = 1.0 - a * dt
    add_o = dt * q * m
    add_d = dt * m - add_o
    state.spending = m
    state.added[..., 0] = add_o
    state.added[..., 1] = add_d
    new_o = keep * state.offense + add_o
    new_d = keep * state.defense + add_d
    np.clip(new_o, 0.0, params.runaway_level, out=new_o)
    np.clip(new_d, 0.0, params.runaway_level, out=new_d)
    state.offense, state.defense = new_o, new_d


def _shock(state: WorldState, out: NDArray[np.float64]) -> None:
    """Standard normal shock of each state: draw label_i of the spending stream."""
    if np.array_equal(state.label, np.broadcast_to(np.arange(state.n_states), state.label.shape)):
        fill_normal(state.keys, Stream.SPENDING_SHOCK, state.t, out)
        return
    full = np.empty_like(out)
    fill_normal(state.keys, Stream.SPENDING_SHOCK, state.t, full)
    out[...] = np.take_along_axis(full, state.label, axis=1)
