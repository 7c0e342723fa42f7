"""State of a batch of worlds: arrays over (worlds, states) and (worlds, states, states).

Memory: the pairwise arrays dominate. A batch holds five float64 pairwise
arrays (beliefs, identities, last perceived threat, community age, threat
weights when geography is on) and three boolean ones (signals, attacks, arms
control), and a step allocates about six float64 temporaries of the same
shape, so a batch of W worlds of N states needs about ``W * N**2 * 100`` bytes
(W = 100, N = 193: about 0.4 GB). :func:`herz.world.simulate` runs worlds in
batches of ``batch_size`` to bound it. Asymmetric buffers (``buffer_depth`` or
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

__all__ = ["BYTES_PER_DYAD", "WorldState", "buffer_depths", "buffer_shield", "initial_state"]

#: Bytes of memory per world per ordered pair of states, state plus step temporaries.
BYTES_PER_DYAD = 100


@dataclass
class WorldState:
    """The state of W worlds of N states at step ``t``.

    Attributes
    ----------
    offense, defense : (W, N) capability stocks O[i], D[i] >= 0 (arms units).
    greedy : (W, N) private motive: True for greedy (revisionist) states.
    mistrust : (W, N, N) mu[i, j], i's probability that j is greedy (trust = 1 - mu).
    identity : (W, N, N) s[i, j] in [-1, 1], enmity (-1) to friendship (+1).
    ontological_security : (W, N) rho[i] in [0, 1].
    weight : (W, N, N) threat weight w[i, j] from geography, or None (all ones).
    shield : (W, N, N) exp(-buffer depth) shielding i from j, or None (no buffers).
    positions : (W, N, 2) positions in the unit square, or None.
    last_threat : (W, N, N) threat i perceived from j last step.
    signals : (W, N, N) code of the signal i sent j last step (see herz.world.beliefs).
    attacks : (W, N, N) True where i attacked j last step.
    arms_control : (W, N, N) True where i and j are parties to verified arms control.
    community : (W, N) community label (lowest member index), -1 outside any.
    community_age : (W, N, N) years i and j have been in one community.
    n_wars, first_war_step, first_war_attacker, first_war_target : (W,) war record.
    war_target : (W, N) the state i is fighting in a war it started, -1 if none
        (only with ``war_duration`` > 1: one-step wars end in the step they start).
    war_p : (W, N) i's chance of winning that war (the contest at its start).
    war_start : (W, N) step at which that war started, -1 if none.
    war_steps : (W,) steps of war fought, summed over wars.
    wars_ended, war_steps_ended : (W,) wars that ended and their summed durations.
    motive_changes : (W,) number of motive changes (motive drift).
    runaway_step : (W,) first step an arsenal reached the runaway level, -1 if none.
    keys : (W, 2) the counter-based random keys of the worlds.
    label : (W, N) each state's label, which keys its random draws (its index at
        the start; relabelling the states permutes labels with them).
    world_index : (W,) index of each world in its design point.
    extra : scratch buffers reused between steps (not part of the state).
    """

    offense: NDArray[np.float64]
    defense: NDArray[np.float64]
    greedy: NDArray[np.bool_]
    mistrust: NDArray[np.float64]
    identity: NDArray[np.float64]
    ontological_security: NDArray[np.float64]
    weight: NDArray[np.float64] | None
    shield: NDArray[np.float64] | None
    positions: NDArray[np.float64] | None
    last_threat: NDArray[np.float64]
    signals: NDArray[np.int8]
    attacks: NDArray[np.bool_]
    arms_control: NDArray[np.bool_]
    community: NDArray[np.int64]
    community_age: NDArray[np.float64]
    n_wars: NDArray[np.int64]
    first_war_step: NDArray[np.int64]
    first_war_attacker: NDArray[np.int64]
    first_war_target: NDArray[np.int64]
    war_target: NDArray[np.int64]
    war_p: NDArray[np.float64]
    war_start: NDArray[np.int64]
    war_steps: NDArray[np.int64]
    wars_ended: NDArray[np.int64]
    war_steps_ended: NDArray[np.int64]
    motive_changes: NDArray[np.int64]
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

    def arms(self) -> NDArray[np.float64]:
        """Total arsenal O + D per state, (W, N)."""
        return self.offense + self.defense

    def copy(self) -> WorldState:
        """A deep copy."""
        kw: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            v = getattr(self, name)
            kw[name] = v.copy() if isinstance(v, np.ndarray) else v
        kw["extra"] = {}  # scratch buffers are not shared between copies
        return WorldState(**kw)


def initial_state(params: WorldParams, keys: NDArray[np.uint64],
                  world_index: NDArray[np.int64] | None = None) -> WorldState:
    """Draw the starting state of one world per row of ``keys``.

    Motives are greedy with probability ``p_greedy``; arsenals are
    ``initial_arms`` times a uniform factor in [1 - spread, 1 + spread], split by
    ``initial_offense_share``; beliefs start at 1 - ``initial_trust``; identities
    at the culture's value; positions (geography ``plane``) uniform in the unit
    square; buffers as in the module docstring. Every draw comes from the
    world's own stream. Scheduled parameters take their value at step 0.
    """
    params = params.at(0)
    w, n = keys.shape[0], params.n_states
    u = np.empty((w, n))
    fill_uniform(keys, Stream.INIT_TYPES, 0, u)
    greedy = u < params.p_greedy
    fill_uniform(keys, Stream.INIT_ARMS, 0, u)
    base = np.asarray(params.per_state("initial_arms"))
    arms = base * (1.0 + params.initial_arms_spread * (2.0 * u - 1.0))
    offense = arms * params.initial_offense_share
    defense = arms - offense
    off = ~np.eye(n, dtype=bool)
    mistrust = np.where(off, 1.0 - params.initial_trust, 0.0) * np.ones((w, 1, 1))
    floor = params.belief_floor
    mistrust = np.where(off, np.clip(mistrust, floor, 1.0 - floor), 0.0)
    identity = np.where(off, params.culture.identity, 1.0) * np.ones((w, 1, 1))
    weight = positions = None
    if params.geography is Geography.PLANE:
        positions = np.empty((w, n, 2))
        fill_uniform(keys, Stream.INIT_POSITIONS, 0, positions)
        dist = np.sqrt(((positions[:, :, None, :] - positions[:, None, :, :]) ** 2).sum(-1))
        weight = np.exp(-dist / params.distance_scale) * off
    shield = buffer_shield(params, keys)
    threat = offense[:, None, :] + (1.0 - params.distinguishability) * defense[:, None, :]
    last_threat = np.broadcast_to(threat, (w, n, n)) * off
    zeros_b = np.zeros((w, n, n), dtype=bool)
    neg = -np.ones(w, dtype=np.int64)
    return WorldState(
        offense=offense, defense=defense, greedy=greedy, mistrust=mistrust, identity=identity,
        ontological_security=np.full((w, n), params.ontological_security),
        weight=weight, shield=shield, positions=positions, last_threat=last_threat,
        signals=np.zeros((w, n, n), dtype=np.int8), attacks=zeros_b.copy(),
        arms_control=zeros_b.copy(),
        community=-np.ones((w, n), dtype=np.int64), community_age=np.zeros((w, n, n)),
        n_wars=np.zeros(w, dtype=np.int64), first_war_step=neg.copy(),
        first_war_attacker=neg.copy(), first_war_target=neg.copy(),
        war_target=-np.ones((w, n), dtype=np.int64), war_p=np.zeros((w, n)),
        war_start=-np.ones((w, n), dtype=np.int64), war_steps=np.zeros(w, dtype=np.int64),
        wars_ended=np.zeros(w, dtype=np.int64), war_steps_ended=np.zeros(w, dtype=np.int64),
        motive_changes=np.zeros(w, dtype=np.int64), runaway_step=neg.copy(),
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
