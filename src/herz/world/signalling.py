"""Mechanism 5, signalling and reassurance: costly signals and verified arms control.

A state may send another a costly signal (a unilateral cut of its offence,
costing it ``signal_cost`` = m in payoff units). Following MODELS.md section
3.4 (a herz construction consistent with Kydd 2000), a sender that trusts the
receiver with probability pi values being trusted at

    G_T = pi / (1 - delta) - (1 - pi) c      (trustworthy sender)
    G_U = pi * t_U                            (untrustworthy sender: exploit once)

with ``shadow_of_future`` = delta, ``exploitation_cost`` = c and
``greedy_temptation`` = t_U. A separating equilibrium exists iff
G_U <= m <= G_T: only security seekers signal, and the receiver learns the
sender is one. If m < G_U and m <= G_T both types send (pooling): the signal
is cheap and teaches nothing. If m > G_T no one sends. The least costly
separating signal is m* = pi * t_U. A security seeker signals only if it would
still cooperate once trusted, G_T >= pi * t_T (``seeker_temptation`` = t_T).

Signals are sent every ``signal_interval`` years; a sender scraps
``signal_offense_cut`` of its offence once per round. Two states that trust
each other at least ``arms_control_trust`` sign verified arms control: it caps
their offence (new arms go to defence) and removes ``verification`` of the
noise with which they see each other.

References
----------
Kydd, A. (2000). Trust, reassurance, and cooperation. *International
Organization* 54(2): 325-357. doi:10.1162/002081800551190.

Kydd, A. H. (2005). *Trust and Mistrust in International Relations*.
Princeton University Press.

Montgomery, E. B. (2006). Breaking out of the security dilemma: realism,
reassurance, and the problem of uncertainty. *International Security* 31(2):
151-185. doi:10.1162/isec.2006.31.2.151.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from herz.world.beliefs import SIGNAL_NONE, SIGNAL_POOLING, SIGNAL_SEPARATING
from herz.world.params import WorldParams
from herz.world.state import WorldState

__all__ = [
    "arms_control",
    "decide_signals",
    "separating_threshold",
    "signal_values",
]


def signal_values(trust_in_receiver: ArrayLike, params: WorldParams
                  ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Return (G_T, G_U): the value of being trusted for a trustworthy and a greedy sender."""
    pi = np.asarray(trust_in_receiver, dtype=float)
    g_t = pi / (1.0 - params.shadow_of_future) - (1.0 - pi) * params.exploitation_cost
    g_u = pi * params.greedy_temptation
    return g_t, g_u


def separating_threshold(trust_in_receiver: ArrayLike, params: WorldParams
                         ) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Least costly separating signal m* = pi t_U, and whether separation is feasible.

    Separation is feasible iff G_U <= G_T.
    """
    g_t, g_u = signal_values(trust_in_receiver, params)
    return g_u, g_u <= g_t


def decide_signals(state: WorldState, params: WorldParams, mistrust: NDArray[np.float64]
                   ) -> tuple[NDArray[np.int8], NDArray[np.bool_]]:
    """Signals sent this step, (W, N, N) codes, and which states sent any, (W, N).

    Only in signalling rounds (t a multiple of ``signal_interval``).
    """
    w, n = state.worlds, state.n_states
    codes = np.zeros((w, n, n), dtype=np.int8)
    if state.t % params.signal_interval != 0:
        return codes, np.zeros((w, n), dtype=bool)
    m = params.signal_cost
    g_t, g_u = signal_values(1.0 - mistrust, params)
    # a trustworthy sender signals only if it still prefers to cooperate once
    # trusted: G_T >= pi * t_T (MODELS.md 3.4)
    keen = g_t >= (1.0 - mistrust) * params.seeker_temptation
    separating = (g_u <= m) & (m <= g_t) & keen
    pooling = (m < g_u) & (m <= g_t) & keen
    greedy = state.greedy[:, :, None]
    send_sep = separating & ~greedy
    send_pool = pooling
    codes[send_sep] = SIGNAL_SEPARATING
    codes[send_pool] = SIGNAL_POOLING
    idx = np.arange(n)
    codes[:, idx, idx] = SIGNAL_NONE
    sent = (codes != SIGNAL_NONE).any(axis=2)
    return codes, sent


def arms_control(mistrust: NDArray[np.float64], params: WorldParams) -> NDArray[np.bool_]:
    """Pairs (i, j) in verified arms control: both trust each other >= ``arms_control_trust``."""
    trusting = (1.0 - mistrust) >= params.arms_control_trust
    ac = trusting & np.swapaxes(trusting, 1, 2)
    n = ac.shape[-1]
    idx = np.arange(n)
    ac[:, idx, idx] = False
    return ac
