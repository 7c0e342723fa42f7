"""Compiled loops (Numba) shared by the v1 mechanisms kept on the v2 state.

The v2 kernels live with their mechanisms (:mod:`herz.world.economy`,
:mod:`herz.world.beliefs`).

Each kernel is the loop form of the NumPy expression documented in its
mechanism's module, parallel over worlds (``prange``): the rows of one world
never read another's, so results do not depend on the batch. Tests check them
against hand-computed cases and against the NumPy definitions.
"""

from __future__ import annotations

import numba as nb

from herz.world._dual import dual
from herz.world.noise import _FI, _KI, _WI

__all__ = ["ZIG", "identity_kernel"]

ZIG = (_KI, _WI, _FI)


@dual
def identity_kernel(identity, rate, built, signals, has_signals, treaty, has_treaty, attacks,
                    has_attacks, war_enmity, out):  # pragma: no cover - compiled
    n_worlds, n, _ = identity.shape
    for w in nb.prange(n_worlds):
        for i in range(n):
            r = rate[w, i]
            for j in range(n):
                if i == j:
                    out[w, i, j] = 1.0
                    continue
                acts = -1.0 if built[w, i, j] else 1.0
                if has_signals and signals[w, j, i] != 0:
                    acts += 1.0
                if has_treaty and treaty[w, i, j]:
                    acts += 1.0
                s = identity[w, i, j] + r * acts
                if has_attacks and (attacks[w, i, j] or attacks[w, j, i]):
                    s -= war_enmity
                out[w, i, j] = min(max(s, -1.0), 1.0)
