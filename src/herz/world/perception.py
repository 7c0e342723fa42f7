"""Perception (DESIGN.md 2.1): i observes j's yearly changes, with independent noise.

What i sees of j each year are j's purchases u_j = (dO_j, dD_j) (the yearly
changes of :mod:`herz.world.economy`), read through distinguishability d and
blurred by noise that is drawn afresh every year:

    u~_ij = A_d u_j + sigma_ij (Y_j / Y_ref) eps_ij,     A_d = [[1, 1 - d], [0, d]],

so a share 1 - d of new defence is read as offence (at d = 0 every shield
looks like a sword; at d = 1 defence is seen for what it is; Jervis 1978). The
noise is in arms units per year at the reference output Y_ref (the mean of
``initial_output``) and grows with the observed state's output (big states'
changes are as hard to read, relative to their size, as small ones'), and sigma_ij is
``perception_noise`` times what verified arms control (``verification``) and
mature institutions of a common community (``community_noise_cut``) leave of
it. eps_ij = (draw label_i N + label_j of ``Stream.PERCEPTION``, the same draw
of ``Stream.PERCEPTION_DEFENCE``) at this step: independent across years, so
successive readings are not correlated (v1 compared two noisy levels, which
widened the noise by sqrt 2 and correlated readings at -0.5; DESIGN.md 0).

With the mechanism off states see the changes exactly; the belief update then
assumes a noise of :data:`MIN_NOISE` so that its likelihoods stay defined, and
it never assumes less: perfect verification (``verification`` = 1 cuts a
treaty pair's noise to 0) is read with the noise :data:`MIN_NOISE` (a finite,
very informative likelihood, not a division by zero).

References
----------
Jervis, R. (1978). Cooperation under the security dilemma. *World Politics*
30(2): 167-214. doi:10.2307/2009958.

Tang, S. (2009). The security dilemma: a conceptual analysis. *Security
Studies* 18(3): 587-623. doi:10.1080/09636410903133050.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from herz.world.noise import Stream, fill_normal_pairs
from herz.world.params import WorldParams
from herz.world.state import WorldState

__all__ = ["MIN_NOISE", "institution_strength", "noise_scale", "observe", "perceived_mean"]

#: Noise (share of the budget cap) the belief update assumes when perception is exact.
MIN_NOISE = 1e-3


def institution_strength(state: WorldState, params: WorldParams) -> NDArray[np.float64] | None:
    """The institution stock I_ij of each pair (:mod:`herz.world.community`), or None."""
    inst = state.mech.get("community.institutions") if params.mechanisms.community else None
    if inst is None or not np.any(inst > 0):
        return None
    return np.asarray(inst)


def noise_scale(state: WorldState, params: WorldParams,
                inst: NDArray[np.float64] | None = None) -> NDArray[np.float64] | None:
    """What verification and institutions leave of the noise, (W, N, N), or None (all ones)."""
    scale: NDArray[np.float64] | None = None
    if params.mechanisms.arms_control and state.arms_control.any():
        scale = np.asarray(1.0 - params.verification * state.arms_control, dtype=float)
    if inst is not None:
        cut = 1.0 - params.community_noise_cut * inst
        scale = cut if scale is None else scale * cut
    return None if scale is None else np.ascontiguousarray(scale, dtype=float)


def perceived_mean(added: NDArray[np.float64], d: Any) -> NDArray[np.float64]:
    """A_d u: (dO + (1 - d) dD, d dD) for every state, (..., 2); d a float or (W, 1)."""
    out = np.empty_like(added)
    out[..., 0] = added[..., 0] + (1.0 - d) * added[..., 1]
    out[..., 1] = d * added[..., 1]
    return out


def observe(state: WorldState, params: WorldParams,
            scale: NDArray[np.float64] | None = None,
            out: NDArray[np.float64] | None = None) -> NDArray[np.float64]:
    """u~[w, i, j, :] of every pair at step ``state.t`` (0 on the diagonal), (W, N, N, 2).

    Reads ``state.added`` (this step's purchases) and ``state.output``.
    """
    w, n = state.worlds, state.n_states
    if out is None:
        out = np.empty((w, n, n, 2))
    mean = perceived_mean(state.added, params.world_value("distinguishability", 1))  # (W, N, 2)
    sigma = params.world_value("perception_noise", 2) if params.mechanisms.perception else 0.0
    if np.any(sigma > 0.0):
        z = state.extra.get("perception_z")
        if z is None or z.shape != (w, n, n):
            z = state.extra["perception_z"] = np.empty((w, n, n))
        yref = float(np.mean(params.per_state("initial_output")))
        sd = sigma * state.output[:, None, :] / yref  # (W, 1, N): the size of j
        if scale is not None:
            sd = sd * scale
        for c, stream in enumerate((Stream.PERCEPTION, Stream.PERCEPTION_DEFENCE)):
            fill_normal_pairs(state.keys, stream, state.t, state.label, z)
            np.multiply(z, sd, out=out[..., c])
            out[..., c] += mean[:, None, :, c]
    else:
        out[...] = mean[:, None, :, :]
    idx = np.arange(n)
    out[:, idx, idx, :] = 0.0
    return out
