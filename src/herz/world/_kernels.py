"""Compiled loops (Numba) shared by the v1 mechanisms kept on the v2 state.

The v2 kernels live with their mechanisms (:mod:`herz.world.economy`,
:mod:`herz.world.beliefs`).

Each kernel is the loop form of the NumPy expression documented in its
mechanism's module, parallel over worlds (``prange``): the rows of one world
never read another's, so results do not depend on the batch. Tests check them
against hand-computed cases and against the NumPy definitions.
"""

from __future__ import annotations

from herz.world.noise import _FI, _KI, _WI

__all__ = ["ZIG"]

ZIG = (_KI, _WI, _FI)
