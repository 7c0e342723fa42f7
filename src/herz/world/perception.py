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

import numpy as np
from numpy.typing import NDArray

from herz.world._kernels import perceive_kernel
from herz.world.noise import Stream, fill_normal_pairs
from herz.world.params import WorldParams
from herz.world.state import WorldState

__all__ = [
    "Perception",
    "institution_strength",
    "noise_factor",
    "noise_modifiers",
    "perceive",
    "true_threat",
]


@dataclass
class Perception:
    """What every state perceived of every other this step.

    threat : (W, N, N) perceived threat P[i, j] (0 on the diagonal).
    built : (W, N, N) True where i saw j build up.
    """

    threat: NDArray[np.float64]
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
             inst: NDArray[np.float64] | None = None) -> Perception:
    """Perceived threats and observed build-ups at step ``state.t``.

    With the mechanism switched off (``params.mechanisms.perception`` False)
    states see each other's threat exactly. The noise of pair (i, j) is draw
    label_i * N + label_j of the world's perception stream at this step.
    """
    w, n = state.worlds, state.n_states
    sigma, scale, mult = noise_modifiers(state, params, inst)
    factor = noise_factor(state, sigma, scale)
    threat = np.empty((w, n, n))
    built = np.empty((w, n, n), dtype=np.bool_)
    perceive_kernel(
        state.offense, state.defense, float(params.distinguishability),
        _ONE if factor is None else factor, factor is not None,
        _ONE if mult is None else mult, mult is not None,
        state.last_threat, 1.0 + float(params.build_threshold), state.t == 0, threat, built)
    return Perception(threat=threat, built=built)


_ONE = np.ones((1, 1, 1))


def noise_factor(state: WorldState, sigma: float, scale: NDArray[np.float64] | None
                 ) -> NDArray[np.float64] | None:
    """Lognormal factors exp(s z - s^2 / 2), s = sigma * scale, of every pair, or None.

    z[i, j] is draw label_i * N + label_j of the world's perception stream at
    this step (labels are the states' indices unless the states were relabelled).
    The buffer is kept in ``state.extra`` and reused.
    """
    if sigma <= 0.0:
        return None
    buf = state.extra.get("noise")
    if buf is None or buf.shape != state.mistrust.shape:
        buf = state.extra["noise"] = np.empty(state.mistrust.shape)
    fill_normal_pairs(state.keys, Stream.PERCEPTION, state.t, state.label, buf)
    if scale is None:
        buf *= sigma
        buf -= 0.5 * sigma * sigma
    else:
        s = sigma * scale
        buf *= s
        buf -= 0.5 * s * s
    np.exp(buf, out=buf)
    return buf


def noise_modifiers(state: WorldState, params: WorldParams,
                    inst: NDArray[np.float64] | None = None,
                    ) -> tuple[float, NDArray[np.float64] | None, NDArray[np.float64] | None]:
    """Return (sigma, per-pair noise scale or None, per-pair threat multiplier or None).

    The scale holds what verified arms control, institutions and perspective-taking
    remove from the noise; the multiplier is perspective-taking's backfire.
    """
    sigma = params.perception_noise if params.mechanisms.perception else 0.0
    scale: NDArray[np.float64] | None = None
    mult: NDArray[np.float64] | None = None
    if sigma > 0.0:
        if params.mechanisms.signalling and state.arms_control.any():
            scale = np.asarray(1.0 - params.verification * state.arms_control, dtype=float)
        if inst is not None:
            cut = 1.0 - params.community_noise_cut * inst
            scale = cut if scale is None else scale * cut
        if params.perspective_taking > 0.0:
            secure = state.identity >= params.identity_threat_threshold
            pt = np.where(secure, 1.0 - params.perspective_taking, 1.0)
            scale = pt if scale is None else scale * pt
            mult = np.where(secure, 1.0, 1.0 + params.perspective_taking)
    if scale is not None:
        scale = np.ascontiguousarray(scale, dtype=float)
    if mult is not None:
        mult = np.ascontiguousarray(mult, dtype=float)
    return float(sigma), scale, mult
