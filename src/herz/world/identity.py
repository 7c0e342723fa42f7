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

from herz.world.beliefs import SIGNAL_NONE
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
    acts = np.where(built, -1.0, 1.0)
    if signals.any():
        acts += np.swapaxes(signals, 1, 2) != SIGNAL_NONE
    if arms_control.any():
        acts += arms_control
    rate = params.identity_plasticity * (1.0 - ontological_security)
    new = identity + rate[:, :, None] * acts
    if attacks.any():
        fought = attacks | np.swapaxes(attacks, 1, 2)
        new -= params.war_enmity * fought
    np.clip(new, -1.0, 1.0, out=new)
    n = new.shape[-1]
    idx = np.arange(n)
    new[:, idx, idx] = 1.0
    return new
