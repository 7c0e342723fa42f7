"""Security communities with institutions, defection and blocs (DESIGN.md 2.10).

Each pair carries an institution stock I_ij = I_ji in [0, 1]
(``state.mech["community.institutions"]``) that grows with cooperation and
decays without it (Keohane 1984: institutions are kept up by use):

    I <- I + dt [r_I (1 - I) coop_ij - kappa_I I],
    coop_ij = 0 in a year with a war, an attack or a dispute between i and j, else
              min(1, max(0, min(s_ij, s_ji)) + 1[a cooperative event in the pair]),

so institutions follow mutual identity (the weaker side's friendship: Adler
and Barnett's collective identity) and the pair's cooperative acts (costly
signals, treaties kept, restraint; :func:`herz.world.identity.identity_events`),
not the clock. r_I is ``institution_growth``, kappa_I ``institution_decay``.
Institutions can be founded at any trust: ``seeded_communities`` groups of
consecutive states start at ``institution_seed`` (the European Coal and Steel
Community was founded five years after the war, between states that did not
yet trust each other; Haas 1958).

Institutions are kept agreements: each year a pair's institutions count as
a treaty kept, weighted by their stock (an identity event of weight
0.2 I_ij, :func:`institution_events`), so institutions founded at low trust
can build the identity that later sustains them (Deutsch's and Adler and
Barnett's path from transactions to a "we-feeling"); that event does not count
as cooperation for the institutions themselves (they would sustain themselves
by decree).

Effects of a pair's institutions: its perception noise is multiplied by
(1 - a_sigma I) (``community_noise_cut``; :mod:`herz.world.perception`), the
fear weight by (1 - cut I) (``community_threat_cut``; :mod:`herz.world.economy`),
and -a_w I enters the war index (``community_war_weight``;
:func:`herz.world.identity.war_shift`). A community is a connected group of
two or more states linked by I >= ``community_link`` (label: its lowest
index; ``state.community``). Members pool defence against outsiders
(``defense_pooling``; :func:`herz.world.war.pooled_defense`).

Defection: a member that attacks a fellow member (same community at the
start of the year) loses its institutions with every member (I = 0: it
leaves), and every other member sees an event of weight -``defection_penalty``
by it (:mod:`herz.world.identity`).

Blocs: outsiders see a community's offence summed. An outsider i adds
``bloc_threat`` times the offence of j's fellow members to the threat T_ij it
perceives from each member j (:func:`bloc_pressure`): two communities facing
each other read each other's every build-up as the bloc's, the "new security
dilemma" of the founding paper (Snyder 1984's alliance security dilemma).

References
----------
Adler, E. and Barnett, M. (eds.) (1998). *Security Communities*. Cambridge
University Press. doi:10.1017/CBO9780511598661.

Deutsch, K. W. et al. (1957). *Political Community and the North Atlantic Area*.
Princeton University Press.

Haas, E. B. (1958). *The Uniting of Europe*. Stanford University Press.

Keohane, R. O. (1984). *After Hegemony*. Princeton University Press.

Snyder, G. H. (1984). The security dilemma in alliance politics. *World
Politics* 36(4): 461-495. doi:10.2307/2010183.
"""

from __future__ import annotations

import numba as nb
import numpy as np
from numpy.typing import NDArray

from herz.world._dual import dual
from herz.world.economy import threat_factor
from herz.world.identity import EVENT_WEIGHTS
from herz.world.params import WorldParams
from herz.world.state import WorldState

__all__ = ["COMMUNITY_PAIRS", "INSTITUTIONS", "bloc_pressure", "building_pairs",
           "community_labels", "cooperation", "defections",
           "ensure_institutions", "initial_institutions", "institution_events", "linked",
           "update_institutions"]

F8 = NDArray[np.float64]
B1 = NDArray[np.bool_]

#: Key of the (W, N, N) institution stock in ``state.mech``.
INSTITUTIONS = "community.institutions"
#: Optional (W, N, N) bool mask in ``state.mech``: the pairs whose institutions may grow (a
#: route of one pair, :mod:`herz.studies.branching`). Absent: every pair's may.
COMMUNITY_PAIRS = "community.pairs"


@dual
def _components(adj, out):  # pragma: no cover - compiled
    n_worlds, n, _ = adj.shape
    for w in nb.prange(n_worlds):
        parent = np.arange(n)
        for i in range(n):
            for j in range(i + 1, n):
                if adj[w, i, j]:
                    ri = i
                    while parent[ri] != ri:
                        ri = parent[ri]
                    rj = j
                    while parent[rj] != rj:
                        rj = parent[rj]
                    if ri != rj:
                        if ri < rj:
                            parent[rj] = ri
                        else:
                            parent[ri] = rj
        size = np.zeros(n, dtype=np.int64)
        for i in range(n):
            r = i
            while parent[r] != r:
                r = parent[r]
            parent[i] = r
            size[r] += 1
        for i in range(n):
            out[w, i] = parent[i] if size[parent[i]] >= 2 else -1


def community_labels(adjacency: B1) -> NDArray[np.int64]:
    """Label each state by the lowest index of its connected group of >= 2, else -1."""
    adj = np.ascontiguousarray(adjacency, dtype=np.bool_)
    out = np.empty(adj.shape[:2], dtype=np.int64)
    _components(adj, out)
    return out


def initial_institutions(params: WorldParams, worlds: int) -> F8:
    """I at year 0: ``institution_seed`` inside each of the seeded groups, else 0."""
    n, k = params.n_states, int(params.seeded_communities)
    inst = np.zeros((worlds, n, n))
    if k > 0:
        group = (np.arange(n) * min(k, n)) // n
        same = (group[:, None] == group[None, :]) & ~np.eye(n, dtype=bool)
        inst[:, same] = float(params.institution_seed)
    return inst


def linked(inst: F8, alive: B1, params: WorldParams) -> B1:
    """Pairs whose institutions make them members of one community, (W, N, N)."""
    adj = (inst >= params.community_link) & alive[:, :, None] & alive[:, None, :]
    idx = np.arange(inst.shape[-1])
    adj[:, idx, idx] = False
    return np.asarray(adj)


def ensure_institutions(state: WorldState, params: WorldParams) -> F8:
    """The institution stock of ``state`` (seeded at its first use), with the labels it implies."""
    inst = state.mech.get(INSTITUTIONS)
    if inst is None or inst.shape != state.identity.shape:
        inst = state.mech[INSTITUTIONS] = initial_institutions(params, state.worlds)
        state.community = community_labels(linked(inst, state.alive, params))
    return np.asarray(inst)


def institution_events(state: WorldState, params: WorldParams) -> F8:
    """Identity events of the pairs' institutions: a treaty kept, weighted by I_ij, (W, N, N)."""
    inst = state.mech.get(INSTITUTIONS)
    if inst is None:
        return np.zeros(state.identity.shape)
    both = state.alive[:, :, None] & state.alive[:, None, :]
    return np.asarray(np.where(both, EVENT_WEIGHTS["treaty_kept"] * params.dt * inst, 0.0))


def cooperation(identity: F8, cooperative: B1, hostile: B1) -> F8:
    """coop_ij (module docstring) from identities, cooperative and hostile events of the pair.

    ``cooperative`` and ``hostile`` are symmetrised here (an event in either
    direction counts for the pair).
    """
    coop_ev = cooperative | np.swapaxes(cooperative, 1, 2)
    host = hostile | np.swapaxes(hostile, 1, 2)
    mutual = np.maximum(np.minimum(identity, np.swapaxes(identity, 1, 2)), 0.0)
    return np.asarray(np.where(host, 0.0, np.minimum(1.0, mutual + coop_ev)))


def building_pairs(state: WorldState, coop: F8) -> F8:
    """``coop`` where institutions may grow: the pairs of ``state.mech["community.pairs"]``.

    Absent, ``coop`` itself (every pair builds institutions: the system-wide
    mechanism). Elsewhere coop = 0, so institutions there only decay.
    """
    pairs = state.mech.get(COMMUNITY_PAIRS)
    if pairs is None:
        return coop
    return np.asarray(np.where(pairs | np.swapaxes(pairs, 1, 2), coop, 0.0))


def defections(attacks: B1, labels: NDArray[np.int64], params: WorldParams
               ) -> tuple[B1, F8 | None]:
    """Members that attacked a fellow member, (W, N), and the event weights [k, i] others see.

    The weight is -``defection_penalty`` for every other member k of the
    defector i's community (its victim already sees the attack), or None.
    """
    same = (labels[:, :, None] == labels[:, None, :]) & (labels[:, :, None] >= 0)
    defector = np.asarray((attacks & same).any(axis=2))
    if not defector.any():
        return defector, None
    seen = same & defector[:, None, :] & ~np.swapaxes(attacks, 1, 2)
    idx = np.arange(labels.shape[1])
    seen[:, idx, idx] = False
    return defector, np.where(seen, -float(params.defection_penalty), 0.0)


def update_institutions(inst: F8, coop: F8, defector: B1, labels: NDArray[np.int64],
                        alive: B1, params: WorldParams) -> F8:
    """I after a year: growth with cooperation, decay, defection (module docstring)."""
    dt = params.dt
    new = inst + dt * (params.institution_growth * (1.0 - inst) * coop
                       - params.institution_decay * inst)
    if defector.any():
        same = (labels[:, :, None] == labels[:, None, :]) & (labels[:, :, None] >= 0)
        leave = same & (defector[:, :, None] | defector[:, None, :])
        new = np.where(leave, 0.0, new)
    both = alive[:, :, None] & alive[:, None, :]
    new = np.where(both, np.clip(new, 0.0, 1.0), 0.0)
    idx = np.arange(inst.shape[-1])
    new[:, idx, idx] = 0.0
    return np.asarray(new)


def bloc_pressure(state: WorldState, params: WorldParams, fear_w: F8, norm: F8) -> F8:
    """Extra pressure each state feels from blocs it is not in, (W, N).

    sum_j w_ij f_ij shield_ij b k (O_bloc(j) - O_j) / norm_i over the members j
    of communities i does not belong to (b = ``bloc_threat``); ``fear_w`` is
    the fear weight f_ij of the arms policy and ``norm`` its normaliser
    (:class:`herz.world.economy.Pressure`). The bloc's offence is read as the
    world's one threat reads offence: k = ((1 + f)/delta)^eta_T
    (:func:`herz.world.economy.threat_factor`).
    """
    lab = state.community
    w, n = lab.shape
    if params.bloc_threat <= 0.0 or not (lab >= 0).any():
        return np.zeros((w, n))
    alive = state.alive
    o = np.where(alive, state.offense, 0.0)
    member = lab >= 0
    same = (lab[:, :, None] == lab[:, None, :]) & member[:, :, None]
    bloc_o = np.einsum("wjk,wk->wj", same.astype(float), o)  # includes O_j
    extra = np.where(member, bloc_o - o, 0.0)  # (W, N): fellow members' offence of j
    outsider = ~same & alive[:, :, None] & alive[:, None, :] & ~np.eye(n, dtype=bool)
    x = fear_w * extra[:, None, :] * outsider
    if state.shield is not None:
        x = x * state.shield
    if state.weight is not None:
        x = x * state.weight
    total = params.bloc_threat * x.sum(axis=2)
    k = threat_factor(params)
    if not np.all(k == 1.0):
        total = total * k
    return np.asarray(np.divide(total, norm, out=np.zeros_like(total), where=norm > 0) * alive)
