"""Mechanism 1, perception: the dilemma of interpretation begins with what i sees of j.

i perceives j's offensive threat as ``O[j] + (1 - d) * D[j]`` times lognormal
noise, where ``d`` is offense-defense distinguishability: at d = 0 every shield
looks like a sword, at d = 1 defensive arms threaten no one. The noise has log
standard deviation ``perception_noise`` and mean one (a mean-preserving
lognormal); verified arms control and mature institutions inside a security
community remove part of it. Perspective-taking removes a further share when i
does not feel its identity threatened by j (s[i, j] at or above
``identity_threat_threshold``) and backfires otherwise, scaling the perceived
threat up by ``1 + perspective_taking`` (the sign of Kertzer, Brutger and Quek's
finding; the size is a herz assumption).

i "sees j build up" when the perceived threat grew by more than
``build_threshold`` since the last step: this is the observation that the
belief update (Kydd) and identity change (Wendt) read.

References
----------
Jervis, R. (1978). Cooperation under the security dilemma. *World Politics*
30(2): 167-214. doi:10.2307/2009958.

Tang, S. (2009). The security dilemma: a conceptual analysis. *Security
Studies* 18(3): 587-623. doi:10.1080/09636410903133050.

Kertzer, J. D., Brutger, R. and Quek, K. (2024). Perspective-taking and security
dilemma thinking: experimental evidence from China and the United States.
*World Politics* 76(2). doi:10.1353/wp.2024.a924509.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from herz.world.noise import Stream, fill_normal
from herz.world.params import WorldParams
from herz.world.state import WorldState

__all__ = ["Perception", "institution_strength", "perceive", "true_threat"]


@dataclass
class Perception:
    """What every state perceived of every other this step.

    threat : (W, N, N) perceived threat P[i, j] (0 on the diagonal).
    log_threat : (W, N, N) log P[i, j], kept for next step's growth.
    built : (W, N, N) True where i saw j build up.
    """

    threat: NDArray[np.float64]
    log_threat: NDArray[np.float64]
    built: NDArray[np.bool_]


def true_threat(offense: NDArray[np.float64], defense: NDArray[np.float64],
                distinguishability: float) -> NDArray[np.float64]:
    """Offensive threat of each state as others would see it without noise: O + (1 - d) D."""
    return offense + (1.0 - distinguishability) * defense


def institution_strength(state: WorldState, params: WorldParams) -> NDArray[np.float64] | None:
    """Maturity 1 - exp(-age / institution_time) of the institutions i and j share, or None."""
    if not params.mechanisms.community or not np.any(state.community_age > 0):
        return None
    return -np.expm1(-state.community_age / params.institution_time)


def perceive(state: WorldState, params: WorldParams,
             inst: NDArray[np.float64] | None = None,
             noise: NDArray[np.float64] | None = None) -> Perception:
    """Perceived threats and observed build-ups at step ``state.t``.

    ``noise`` is an optional (W, N, N) buffer for the normal draws. With the
    mechanism switched off (``params.mechanisms.perception`` False) states see
    each other's threat exactly.
    """
    w, n = state.worlds, state.n_states
    base = true_threat(state.offense, state.defense, params.distinguishability)
    threat = np.empty((w, n, n))
    threat[:] = base[:, None, :]
    sigma = params.perception_noise if params.mechanisms.perception else 0.0
    if sigma > 0.0:
        scale: NDArray[np.floating[Any]] | float = 1.0
        if params.mechanisms.signalling and state.arms_control.any():
            scale = 1.0 - params.verification * state.arms_control
        if inst is not None:
            scale = scale * (1.0 - params.community_noise_cut * inst)
        backfire: NDArray[np.bool_] | None = None
        if params.perspective_taking > 0.0:
            secure = state.identity >= params.identity_threat_threshold
            scale = scale * np.where(secure, 1.0 - params.perspective_taking, 1.0)
            backfire = ~secure
        eps = noise if noise is not None else np.empty((w, n, n))
        fill_normal(state.keys, Stream.PERCEPTION, state.t, eps)
        if isinstance(scale, float):
            eps *= sigma
            eps -= 0.5 * sigma * sigma
        else:
            s = sigma * scale
            eps *= s
            eps -= 0.5 * s * s
        np.exp(eps, out=eps)
        threat *= eps
        if backfire is not None:
            threat *= np.where(backfire, 1.0 + params.perspective_taking, 1.0)
    idx = np.arange(n)
    threat[:, idx, idx] = 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        log_threat = np.log(threat)
        growth = log_threat - state.log_threat
    built = growth > np.log1p(params.build_threshold)
    if state.t == 0:
        built[:] = False
    return Perception(threat=threat, log_threat=log_threat, built=built)
