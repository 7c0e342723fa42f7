"""Mechanism 8, security communities: dependable expectations of peaceful change.

Two states are linked when each regards the other as a friend (s >=
``community_identity``) and trusts it (1 - mu >= ``community_trust``); a
security community is a connected group of two or more linked states
(labelled by its lowest member index). Institutions mature with the time two
states have shared a community, 1 - exp(-age / ``institution_time``)
(institutionalisation takes time and initial trust), and cut perception noise
and perceived threat inside it (:mod:`herz.world.perception`,
:mod:`herz.world.arms`); members pool defence against outsiders
(:mod:`herz.world.war`). A member that attacks a member defects: every member
lowers its identity toward it by ``defection_penalty``, which costs it its
membership. Communities that face each other are blocs: their pooled defence
and the threat they pose are what outsiders perceive and fight.

References
----------
Adler, E. and Barnett, M. (eds.) (1998). *Security Communities*. Cambridge
University Press. doi:10.1017/CBO9780511598661.

Deutsch, K. W. et al. (1957). *Political Community and the North Atlantic Area*.
Princeton University Press.
"""

from __future__ import annotations

import numba as nb
import numpy as np
from numpy.typing import NDArray

from herz.world._dual import dual
from herz.world.params import WorldParams

__all__ = ["community_labels", "linked", "update_community"]


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


def community_labels(adjacency: NDArray[np.bool_]) -> NDArray[np.int64]:
    """Label each state by the lowest index of its connected group of >= 2, else -1."""
    adj = np.ascontiguousarray(adjacency, dtype=np.bool_)
    out = np.empty(adj.shape[:2], dtype=np.int64)
    _components(adj, out)
    return out


def linked(identity: NDArray[np.float64], mistrust: NDArray[np.float64],
           params: WorldParams) -> NDArray[np.bool_]:
    """Pairs that meet both thresholds in both directions, (W, N, N)."""
    one_way = (identity >= params.community_identity) & (
        (1.0 - mistrust) >= params.community_trust)
    adj = one_way & np.swapaxes(one_way, 1, 2)
    n = adj.shape[-1]
    idx = np.arange(n)
    adj[:, idx, idx] = False
    return adj


def update_community(labels: NDArray[np.int64], age: NDArray[np.float64],
                     identity: NDArray[np.float64], mistrust: NDArray[np.float64],
                     attacks: NDArray[np.bool_], params: WorldParams,
                     ) -> tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.float64] | None]:
    """Return new (labels, community age, identity penalty) after defection and re-forming.

    ``labels`` and ``age`` are the communities before this step, ``attacks`` the
    attacks the step reacts to. The penalty (or None) is what defection takes
    off identities, to be subtracted from s[k, i]; links are judged on
    ``identity`` minus the penalty.
    """
    same_old = (labels[:, :, None] == labels[:, None, :]) & (labels[:, :, None] >= 0)
    penalty = None
    if attacks.any():
        defector = (attacks & same_old).any(axis=2)  # i attacked a fellow member
        if defector.any():
            # every member k lowers s[k, i] toward the defector i
            penalty = params.defection_penalty * (same_old & defector[:, None, :])
            identity = identity - penalty
    new_labels = community_labels(linked(identity, mistrust, params))
    same_new = (new_labels[:, :, None] == new_labels[:, None, :]) & (new_labels[:, :, None] >= 0)
    new_age = np.where(same_new, np.where(same_old, age, 0.0) + params.dt, 0.0)
    return new_labels, new_age, penalty
