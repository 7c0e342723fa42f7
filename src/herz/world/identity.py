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

Motives themselves do not drift here: the "endogenous preferences" stand-in
of MODELS.md section 6 is not implemented.

References
----------
Wendt, A. (1992). Anarchy is what states make of it: the social construction of
power politics. *International Organization* 46(2): 391-425.
doi:10.1017/S0020818300027764.

Wendt, A. (1999). *Social Theory of International Politics*. Cambridge UP.

Mitzen, J. (2006). Ontological security in world politics: state identity and
the security dilemma. *European Journal of International Relations* 12(3):
341-370. doi:10.1177/1354066106067346. [R]
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from herz.world._kernels import identity_kernel
from herz.world.params import WorldParams

__all__ = ["update_identity"]


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
