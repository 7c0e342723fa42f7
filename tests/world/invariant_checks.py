"""Checks shared by the world's Hypothesis invariants (base mechanisms and extensions)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from herz.world import WorldParams, initial_state, simulate, step
from herz.world.noise import world_keys


def assert_batch_equals_single_worlds(p: WorldParams, seed: int) -> None:
    """Five worlds in one batch, one at a time and in batches of two give the same frame."""
    batch = simulate(p, worlds=5, steps=25, seed=seed, batch_size=5)
    singles = pd.concat([simulate(p, worlds=1, steps=25, seed=seed, world_offset=i)
                         for i in range(5)], ignore_index=True)
    pd.testing.assert_frame_equal(batch, singles, check_exact=True)
    odd = simulate(p, worlds=5, steps=25, seed=seed, batch_size=2)
    pd.testing.assert_frame_equal(batch, odd, check_exact=True)


def assert_fused_equals_in_turn(p: WorldParams, seed: int, names: Iterable[str]) -> None:
    """20 fused steps of 3 worlds equal 20 steps of the mechanisms in turn, in every named array."""
    a = initial_state(p, world_keys(seed, 3))
    b = a.copy()
    for _ in range(20):
        step(a, p, fused=True)
        step(b, p, fused=False)
    for name in names:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
