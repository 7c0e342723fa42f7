"""State of a batch of worlds: arrays over (worlds, states) and (worlds, states, states).

Version 2 (DESIGN.md section 2): output, spending and stocks; private types;
beliefs as log-odds with an unbiased shadow and a second-order belief; wars in
progress; alive flags; politically relevant pairs.

Memory: the pairwise arrays dominate. A batch holds about ten float64 pairwise
arrays (beliefs, shadow and second-order beliefs, informativeness, identities,
routine age, status quo, war start, threat weights with geography), four
(W, N, N, 2) spending filters, the filters' error state (W, N, N, 2, 4) (64
bytes a pair, 128 with the misperception bias: issue 17) and a handful of
boolean ones, and the war's step allocates some twenty float64 temporaries of
the same shape: measured peak (tracemalloc, the state plus 3 steps, W = 24, N =
193; 2026-12-03, after issue 17's filter), 493 bytes per world and ordered pair
with the default mechanisms, 584 with signals, arms control, identity and
communities on, 611 with the misperception bias (the same measure before the
filter: 429, 520, 483). :func:`bytes_per_dyad` gives the estimate with a margin
(:data:`BYTES_PER_DYAD`, :data:`EXTENSION_BYTES_PER_DYAD`), and
:func:`herz.world.simulate` runs worlds in batches that fit its budget. Asymmetric buffers (``buffer_depth`` or
``buffer_asymmetry``) add one more float64 pairwise array, ``shield``.

Buffer zones (Garver 2001). A buffer b[i, j] >= 0 is the strategic depth that
shields i from j: i feels j's threat, and j's offence reaches i, only
exp(-b[i, j]) as strongly (Boulding's loss-of-strength gradient over the
buffer). Buffers are directed: Tibet shielded China from India once China held
it, while Indian territory lay open beyond the Himalayan passes. ``shield``
holds exp(-b) per world. ``buffer_depth`` (one number for every pair, or
the user's directed matrix) applies in every
world; ``buffer_asymmetry`` = a adds, in each pair of states, a depth a * u
(u uniform) on one side drawn at random (probability 1/2 each), the other side
none. Those draws are draw ``label_i * N + label_j`` of the geography stream
(``Stream.INIT_POSITIONS``) at counter step 1 (positions use step 0).

References
----------
Garver, J. W. (2001). *Protracted Contest: Sino-Indian Rivalry in the Twentieth
Century*. Seattle: University of Washington Press.

Boulding, K. E. (1962). *Conflict and Defense: A General Theory*. New York: Harper.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from herz.world.noise import Stream, fill_uniform
from herz.world.params import Geography, WorldParams

__all__ = ["BIAS_BYTES_PER_DYAD", "BYTES_PER_DYAD", "COUNTS", "EXTENSION_BYTES_PER_DYAD", "WorldState", "buffer_depths",
           "buffer_shield", "bytes_per_dyad", "initial_state", "logit"]

#: Bytes of memory per world per ordered pair of states, state plus step temporaries
#: (measured peak 493 at N = 193 with the default mechanisms, war included; with a margin).
BYTES_PER_DYAD = 540

#: Bytes per dyad added when any extension mechanism is on (signalling, arms control,
#: identity, community; measured +91 at N = 193; with a margin).
EXTENSION_BYTES_PER_DYAD = 100

#: Bytes per dyad added by the misperception bias (the biased filters, their error state
#: and the shadow beliefs; measured +118 at N = 193; with a margin).
BIAS_BYTES_PER_DYAD = 130

_EXTENSIONS = ("signalling", "arms_control", "identity", "community")


def bytes_per_dyad(params: WorldParams) -> int:
    """Estimated peak bytes per world and ordered pair for ``params``' mechanisms."""
    extra = any(getattr(params.mechanisms, name) for name in _EXTENSIONS)
    bias = BIAS_BYTES_PER_DYAD if params.mechanisms.misperception else 0
    return BYTES_PER_DYAD + (EXTENSION_BYTES_PER_DYAD if extra else 0) + bias

#: Per-world counters kept in ``WorldState.counts`` (all int64, shape (W,)).
COUNTS: tuple[str, ...] = (
    "n_wars_predation", "n_wars_preemption", "n_wars_prevention", "n_wars_inadvertent",
    "n_disputes", "n_states_dead", "war_years", "motive_changes",
)


def logit(p: float) -> float:
    """log(p / (1 - p)), with p clipped away from 0 and 1."""
    q = min(max(float(p), 1e-15), 1.0 - 1e-15)
    return float(np.log(q / (1.0 - q)))


@dataclass
class WorldState:
    """The state of W worlds of N states at step ``t`` (version 2, DESIGN.md section 2).

    Pair arrays are (W, N, N) and index [w, i, j] as "i about (or against) j";
    their diagonal carries no meaning. Dead states (``alive`` False) are masked
    in every mechanism. The table of fields with their meaning is
    ``/docs``' world reference and the interfaces note; in short:

    output, growth, spending : (W, N) output Y, its yearly growth rate, arms spending m.
    offense, defense : (W, N) stocks O, D (arms units).
    added : (W, N, 2) this step's purchases u = (dO, dD) (the yearly changes others perceive).
    greedy, alive : (W, N) private type (True: greedy), existence.
    logodds : (W, N, N) l[i, j], i's log-odds that j is greedy; ``mistrust`` = Lambda(l).
    logodds_shadow : (W, N, N) l*, the same without the misperception bias.
    second_order : (W, N, N) nu[i, j], log-odds i thinks j holds that i is greedy.
    informativeness : (W, N, N) I[i, j] = |u^G_j - u^S_j|^2 in units of the noise.
    expected_spending, expected_spending_var : (W, N, N, 2) i's filter (mean, variance) of
        j's spending under the hypotheses [seeker, greedy]; ``*_shadow``: the unbiased
        observer's (the same arrays without the misperception bias).
    identity, routine_age, community, ontological_security : identities, age of each
        pair's routine (years since the relationship last changed kind), community labels,
        Mitzen's rho (:mod:`herz.world.identity`, :mod:`herz.world.community`; the
        institution stock is ``mech["community.institutions"]``).
    status_quo : (W, N, N) x[i, j], i's share of the pair's status quo.
    at_war, war_attacker, war_start, war_cause : wars in progress (symmetric flag, who
        started it, step it started, its cause code); ``war_cause`` also keeps the cause
        of a war started in the last step that ended in it.
    war_weariness : (W, N) war-weariness W_i.
    attacks, disputes, died : events of the last step.
    relevant, weight, shield, positions : geography (politically relevant pairs, threat
        weights or None, buffers or None, positions or None).
    signals, arms_control : v1 signalling (off by default).
    counts : per-world counters (:data:`COUNTS`).
    mech : arrays owned by one mechanism module (keys ``"war.*"``, ``"outcomes.*"``,
        ``"community.*"``).
    runaway_step : (W,) first step a stock reached the runaway level, -1 if none.
    keys, label, world_index : random keys, state labels (key the draws), world indices.
    extra : scratch buffers reused between steps (not part of the state).
    """

    output: NDArray[np.float64]
    growth: NDArray[np.float64]
    spending: NDArray[np.float64]
    offense: NDArray[np.float64]
    defense: NDArray[np.float64]
    added: NDArray[np.float64]
    greedy: NDArray[np.bool_]
    alive: NDArray[np.bool_]
    logodds: NDArray[np.float64]
    logodds_shadow: NDArray[np.float64]
    second_order: NDArray[np.float64]
    informativeness: NDArray[np.float64]
    expected_spending: NDArray[np.float64]
    expected_spending_var: NDArray[np.float64]
    expected_spending_shadow: NDArray[np.float64]
    expected_spending_shadow_var: NDArray[np.float64]
    identity: NDArray[np.float64]
    routine_age: NDArray[np.float64]
    community: NDArray[np.int64]
    ontological_security: NDArray[np.float64]
    status_quo: NDArray[np.float64]
    at_war: NDArray[np.bool_]
    war_attacker: NDArray[np.bool_]
    war_start: NDArray[np.int64]
    war_cause: NDArray[np.int8]
    war_weariness: NDArray[np.float64]
    attacks: NDArray[np.bool_]
    disputes: NDArray[np.bool_]
    died: NDArray[np.bool_]
    relevant: NDArray[np.bool_]
    weight: NDArray[np.float64] | None
    shield: NDArray[np.float64] | None
    positions: NDArray[np.float64] | None
    signals: NDArray[np.int8]
    arms_control: NDArray[np.bool_]
    counts: dict[str, NDArray[np.int64]]
    mech: dict[str, NDArray[Any]]
    runaway_step: NDArray[np.int64]
    keys: NDArray[np.uint64]
    label: NDArray[np.int64]
    world_index: NDArray[np.int64]
    t: int = 0
    extra: dict[str, NDArray[np.float64]] = field(default_factory=dict)

    @property
    def worlds(self) -> int:
        """Number of worlds W in the batch."""
        return int(self.offense.shape[0])

    @property
    def n_states(self) -> int:
        """Number of states N."""
        return int(self.offense.shape[1])

    @property
    def mistrust(self) -> NDArray[np.float64]:
        """mu[i, j] = Lambda(l[i, j]), i's probability that j is greedy (a new array)."""
        return _expit(self.logodds)

    @property
    def mistrust_shadow(self) -> NDArray[np.float64]:
        """Lambda(l*): the unbiased (rational) mistrust."""
        return _expit(self.logodds_shadow)

    @property
    def community_age(self) -> NDArray[np.float64]:
        """v1 name of :attr:`routine_age`."""
        return self.routine_age

    def arms(self) -> NDArray[np.float64]:
        """Total arsenal O + D per state, (W, N)."""
        return self.offense + self.defense

    def copy(self) -> WorldState:
        """A deep copy."""
        kw: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            v = getattr(self, name)
            if isinstance(v, np.ndarray):
                kw[name] = v.copy()
            elif isinstance(v, dict):
                kw[name] = {k: a.copy() for k, a in v.items()}
            else:
                kw[name] = v
        kw["extra"] = {}  # scratch buffers are not shared between copies
        return WorldState(**kw)


def _expit(x: NDArray[np.float64]) -> NDArray[np.float64]:
    out = np.empty_like(x)
    np.negative(x, out=out)
    np.exp(out, out=out)
    out += 1.0
    np.reciprocal(out, out=out)
    return out


def initial_state(params: WorldParams, keys: NDArray[np.uint64],
                  world_index: NDArray[np.int64] | None = None) -> WorldState:
    """Draw the starting state of one world per row of ``keys``.

    Motives are greedy with probability ``p_greedy`` x ``greedy_draw_scale``
    (:meth:`~herz.world.params.WorldParams.drawn_p_greedy`; beliefs keep p_greedy); output is
    ``initial_output`` times a uniform factor in [1 - output_spread, 1 +
    output_spread] and grows at ``growth_rate`` +- ``growth_spread`` (uniform,
    per state); arsenals are ``initial_arms`` times a uniform factor in [1 -
    spread, 1 + spread], split by ``initial_offense_share``; spending starts at
    the level that keeps the arsenal constant (fatigue times arsenal, within the
    budget cap). Beliefs start at the correct prior, log-odds logit(p_greedy)
    plus ``prior_bias`` (DESIGN.md section 2, rule 1), and so do the
    second-order beliefs; identities at the culture's value; positions
    (geography ``plane``) uniform in the unit square, pairs politically
    relevant within ``reach``; buffers as in the module docstring. Every draw
    comes from the world's own stream. Scheduled parameters take their value at
    step 0.
    """
    params = params.at(0)
    w, n = keys.shape[0], params.n_states
    u = np.empty((w, n))
    fill_uniform(keys, Stream.INIT_TYPES, 0, u)
    greedy = u < params.drawn_p_greedy(1)
    fill_uniform(keys, Stream.INIT_ARMS, 0, u)
    base = np.asarray(params.per_state("initial_arms"))
    arms = base * (1.0 + params.initial_arms_spread * (2.0 * u - 1.0))
    offense = arms * params.initial_offense_share
    defense = arms - offense
    fill_uniform(keys, Stream.INIT_OUTPUT, 0, u)
    output = np.asarray(params.per_state("initial_output")) * (
        1.0 + params.output_spread * (2.0 * u - 1.0))
    fill_uniform(keys, Stream.INIT_GROWTH, 0, u)
    growth = np.asarray(params.per_state("growth_rate")) + params.growth_spread * (2.0 * u - 1.0)
    fatigue = np.asarray(params.per_state("fatigue"))
    spending = np.minimum(fatigue * arms, params.world_value("budget_share", 1) * output)
    off = ~np.eye(n, dtype=bool)
    lim = logit(1.0 - params.belief_floor)

    def prior(p_greedy: float) -> float:
        return min(max(logit(p_greedy) + params.prior_bias, -lim), lim)

    if "p_greedy" in params.world_values:
        l0w = params.world_map("p_greedy", prior, w)
        logodds = np.where(off, l0w[:, None, None], 0.0) * np.ones((w, 1, 1))
    else:
        logodds = np.where(off, prior(params.p_greedy), 0.0) * np.ones((w, 1, 1))
    identity = np.where(off, params.culture.identity, 1.0) * np.ones((w, 1, 1))
    weight = positions = None
    relevant = np.broadcast_to(off, (w, n, n)).copy()
    if params.geography is Geography.PLANE:
        positions = np.empty((w, n, 2))
        fill_uniform(keys, Stream.INIT_POSITIONS, 0, positions)
        dist = np.sqrt(((positions[:, :, None, :] - positions[:, None, :, :]) ** 2).sum(-1))
        relevant &= dist <= params.reach
        weight = np.exp(-dist / params.distance_scale) * relevant
    shield = buffer_shield(params, keys)
    zeros_b = np.zeros((w, n, n), dtype=bool)
    neg = -np.ones(w, dtype=np.int64)
    return WorldState(
        output=output, growth=growth, spending=spending, offense=offense, defense=defense,
        added=np.zeros((w, n, 2)), greedy=greedy, alive=np.ones((w, n), dtype=bool),
        logodds=logodds, logodds_shadow=logodds.copy(), second_order=logodds.copy(),
        informativeness=np.zeros((w, n, n)),
        expected_spending=np.repeat(np.broadcast_to(spending[:, None, :, None], (w, n, n, 1)),
                                    2, axis=3),
        expected_spending_var=np.zeros((w, n, n, 2)),
        expected_spending_shadow=np.repeat(
            np.broadcast_to(spending[:, None, :, None], (w, n, n, 1)), 2, axis=3),
        expected_spending_shadow_var=np.zeros((w, n, n, 2)), identity=identity,
        routine_age=np.zeros((w, n, n)), community=-np.ones((w, n), dtype=np.int64),
        ontological_security=np.full((w, n), params.ontological_security),
        status_quo=np.where(off, 0.5, 0.0) * np.ones((w, 1, 1)),
        at_war=zeros_b.copy(), war_attacker=zeros_b.copy(),
        war_start=-np.ones((w, n, n), dtype=np.int64), war_cause=np.zeros((w, n, n), np.int8),
        war_weariness=np.zeros((w, n)), attacks=zeros_b.copy(), disputes=zeros_b.copy(),
        died=np.zeros((w, n), dtype=bool), relevant=relevant,
        weight=weight, shield=shield, positions=positions,
        signals=np.zeros((w, n, n), dtype=np.int8), arms_control=zeros_b.copy(),
        counts={k: np.zeros(w, dtype=np.int64) for k in COUNTS}, mech={},
        runaway_step=neg.copy(),
        keys=keys, label=np.tile(np.arange(n, dtype=np.int64), (w, 1)),
        world_index=(np.arange(w, dtype=np.int64) if world_index is None
                     else np.asarray(world_index, dtype=np.int64)),
    )


def buffer_depths(params: WorldParams, keys: NDArray[np.uint64]) -> NDArray[np.float64] | None:
    """Buffer depth b[i, j] shielding i from j in each world, (W, N, N), or None if none.

    ``buffer_depth`` (a number for every pair, or the user's matrix) plus, with ``buffer_asymmetry`` = a > 0,
    a random one-sided buffer in each pair (see the module docstring).
    """
    w, n = keys.shape[0], params.n_states
    given = params.buffer_depth
    if (not isinstance(given, tuple) and given <= 0.0) and params.buffer_asymmetry <= 0.0:
        return None
    depth = np.zeros((w, n, n))
    if isinstance(given, tuple):
        depth += np.asarray(given, dtype=float)
    elif given > 0.0:
        depth += given  # the same depth on every pair (the diagonal is cleared below)
    if params.buffer_asymmetry > 0.0:
        u = np.empty((w, n, n))
        fill_uniform(keys, Stream.INIT_POSITIONS, 1, u)  # draw i * N + j for the pair (i, j)
        upper = np.triu(np.ones((n, n), dtype=bool), 1)
        size = params.buffer_asymmetry * u  # depth of the pair {i < j}: u[i, j]
        lower_holds = np.swapaxes(u, 1, 2) < 0.5  # side: u[j, i]; i (lower index) shielded
        depth += np.where(upper & lower_holds, size, 0.0)
        depth += np.swapaxes(np.where(upper & ~lower_holds, size, 0.0), 1, 2)
    idx = np.arange(n)
    depth[:, idx, idx] = 0.0
    return depth


def buffer_shield(params: WorldParams, keys: NDArray[np.uint64]) -> NDArray[np.float64] | None:
    """exp(-b[i, j]) per world, (W, N, N), or None without buffers (1 on the diagonal)."""
    depth = buffer_depths(params, keys)
    return None if depth is None else np.exp(-depth)
