"""Mechanism 7, identity: anarchy is what states make of it.

s[i, j] in [-1, 1] runs from enmity to friendship. Every act i observes of j
moves it: restraint (no build-up seen), a costly signal and a kept arms-control
treaty count +1 each, a build-up -1, at a rate ``identity_plasticity`` slowed by
i's ontological security rho[i] (Mitzen: attachment to routinised
relationships, even conflictual ones, resists change, even change for the
better):

    s[i, j] <- s[i, j] + identity_plasticity * (1 - rho[i]) * acts[i, j]

A war between i and j lowers both identities by ``war_enmity``. Friendly
identity lowers perceived threat (the fear weight of :mod:`herz.world.arms`)
and the value of attacking (:mod:`herz.world.war`).

Motive drift (:func:`drift_motives`). Preferences themselves may change with
experience: Yoder and Haynes (2024) make them endogenous to the security
dilemma. Their model has not been available to herz, so this is a **labelled
stand-in** [D, a herz design after MODELS.md section 6, not Yoder and Haynes's
model]: each step a greedy state becomes a security seeker with probability
``motive_drift_to_seeker`` and a security seeker becomes greedy with
probability ``motive_drift_to_greedy`` (a two-state Markov chain; without
identity its long-run share of greedy states is g / (g + s)). With
``motive_drift_identity`` = kappa > 0 the rates follow practice: with i's mean
identity toward the others s_i (in [-1, 1]),

    P(greedy -> seeker) = min(1, motive_drift_to_seeker * (1 + kappa * s_i))
    P(seeker -> greedy) = min(1, motive_drift_to_greedy * (1 - kappa * s_i))

so friendship (a record of mutual cooperation) tames greed and enmity breeds
it, as MODELS.md's drift of temptation (down with mutual cooperation, up when
exploited) would. Draws are ``Stream.MOTIVE_DRIFT`` keyed by the state's
label; motives change at the end of a step and act from the next. Both rates 0
(the default) leave motives fixed, as in Glaser's and Kydd's models.

References
----------
Wendt, A. (1992). Anarchy is what states make of it: the social construction of
power politics. *International Organization* 46(2): 391-425.
doi:10.1017/S0020818300027764.

Wendt, A. (1999). *Social Theory of International Politics*. Cambridge UP.

Mitzen, J. (2006). Ontological security in world politics: state identity and
the security dilemma. *European Journal of International Relations* 12(3):
341-370. doi:10.1177/1354066106067346. [R]

Yoder, B. K. and Haynes, K. (2024). Endogenous preferences, credible signaling,
and the security dilemma. *American Journal of Political Science*. (Not
available to herz; see MODELS.md sections 6 and 11.)
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from herz.world._kernels import identity_kernel
from herz.world.noise import Stream, fill_uniform_at
from herz.world.params import WorldParams
from herz.world.state import WorldState

__all__ = ["drift_motives", "drift_rates", "drifting", "update_identity"]


def drifting(params: WorldParams) -> bool:
    """Whether motives can drift (either rate above 0)."""
    return params.motive_drift_to_seeker > 0.0 or params.motive_drift_to_greedy > 0.0


def drift_rates(identity: NDArray[np.float64] | None, params: WorldParams, n: int
                ) -> tuple[NDArray[np.float64] | float, NDArray[np.float64] | float]:
    """Per-step probabilities (to seeker, to greedy), (W, N) each or floats.

    ``identity`` is s[i, j] (W, N, N) with 1 on the diagonal; it is read only
    when ``motive_drift_identity`` > 0.
    """
    to_s, to_g = params.motive_drift_to_seeker, params.motive_drift_to_greedy
    kappa = params.motive_drift_identity
    if kappa <= 0.0 or identity is None:
        return to_s, to_g
    idx = np.arange(n)
    mean_s = (identity.sum(axis=2) - identity[:, idx, idx]) / max(n - 1, 1)
    return (np.clip(to_s * (1.0 + kappa * mean_s), 0.0, 1.0),
            np.clip(to_g * (1.0 - kappa * mean_s), 0.0, 1.0))


def drift_motives(state: WorldState, params: WorldParams, identity: NDArray[np.float64]
                  ) -> NDArray[np.bool_]:
    """Motives after this step's drift, (W, N); counts changes in ``state.counts["motive_changes"]``.

    See the module docstring. ``identity`` is the identity the drift reads
    (the step's start in simultaneous update, its result in sequential).
    """
    to_s, to_g = drift_rates(identity, params, state.n_states)
    u = np.empty((state.worlds, state.n_states))
    fill_uniform_at(state.keys, Stream.MOTIVE_DRIFT, state.t, state.label, u)
    flip = np.where(state.greedy, u < to_s, u < to_g)
    state.counts["motive_changes"] += flip.sum(axis=1)
    return state.greedy ^ flip


def update_identity(identity: NDArray[np.float64], ontological_security: NDArray[np.float64],
                    built: NDArray[np.bool_], signals: NDArray[np.int8],
                    arms_control: NDArray[np.bool_], attacks: NDArray[np.bool_],
                    params: WorldParams) -> NDArray[np.float64]:
    """Return the new identities s[i, j] (see the module docstring).

    ``built[i, j]``: i saw j build up; ``signals[j, i]``: j signalled i;
    ``arms_control[i, j]``: a treaty kept; ``attacks[i, j]``: i attacked j.
    """
    rate = params.identity_plasticity * (1.0 - ontological_security)
    has_sig, has_ac, has_att = bool(signals.any()), bool(arms_control.any()), bool(attacks.any())
    out = np.empty_like(identity)
    identity_kernel(identity, np.ascontiguousarray(rate, dtype=float), built,
                    signals if has_sig else _NO_SIGNAL, has_sig,
                    arms_control if has_ac else _NO_BOOL, has_ac,
                    attacks if has_att else _NO_BOOL, has_att, float(params.war_enmity), out)
    return out


_NO_SIGNAL = np.zeros((1, 1, 1), dtype=np.int8)
_NO_BOOL = np.zeros((1, 1, 1), dtype=np.bool_)
