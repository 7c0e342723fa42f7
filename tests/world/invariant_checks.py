"""Checks shared by the world's Hypothesis invariants (base mechanisms and extensions)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from herz.world import WorldParams, WorldState, simulate


def assert_batch_equals_single_worlds(p: WorldParams, seed: int) -> None:
    """Five worlds in one batch, one at a time and in batches of two give the same frame."""
    batch = simulate(p, worlds=5, steps=25, seed=seed, batch_size=5)
    singles = pd.concat([simulate(p, worlds=1, steps=25, seed=seed, world_offset=i)
                         for i in range(5)], ignore_index=True)
    pd.testing.assert_frame_equal(batch, singles, check_exact=True)
    odd = simulate(p, worlds=5, steps=25, seed=seed, batch_size=2)
    pd.testing.assert_frame_equal(batch, odd, check_exact=True)


def permuted(state: WorldState, perm: np.ndarray) -> WorldState:
    """A copy of ``state`` with its states reordered by ``perm`` (labels move with them)."""
    b = state.copy()
    n = state.n_states
    for name in state.__dataclass_fields__:
        if name in ("keys", "world_index", "extra"):
            continue
        v = getattr(b, name)
        if isinstance(v, np.ndarray):
            setattr(b, name, _perm(v, perm, n, pair=name not in PER_STATE))
        elif isinstance(v, dict):
            setattr(b, name, {k: _perm(a, perm, n) for k, a in v.items()})  # (W,), (W,N,N)
    return b


#: Fields whose second axis is a state and whose third (if any) is not: (W, N, k).
PER_STATE = frozenset({"added"})


def _perm(v: np.ndarray, perm: np.ndarray, n: int, pair: bool = True) -> np.ndarray:
    if v.ndim >= 2 and v.shape[1] == n:
        v = v[:, perm]
        if pair and v.ndim >= 3 and v.shape[2] == n:
            v = v[:, :, perm]
    return v.copy()


def assert_permuted(a: WorldState, b: WorldState, perm: np.ndarray) -> None:
    """Every array of ``b`` is that of ``a`` with its states reordered by ``perm``."""
    n = a.n_states
    for name in a.__dataclass_fields__:
        if name in ("keys", "world_index", "extra", "label", "t"):
            continue
        va, vb = getattr(a, name), getattr(b, name)
        if name == "community":  # labels name a member's index: compare who is with whom
            same_a = (va[:, :, None] == va[:, None, :]) & (va[:, :, None] >= 0)
            same_b = (vb[:, :, None] == vb[:, None, :]) & (vb[:, :, None] >= 0)
            np.testing.assert_array_equal(same_b, same_a[:, perm][:, :, perm], err_msg=name)
        elif isinstance(va, dict):
            for k in va:
                _close(_perm(va[k], perm, n), vb[k], f"{name}[{k}]")
        elif isinstance(va, np.ndarray):
            _close(_perm(va, perm, n, pair=name not in PER_STATE), vb, name)


def _close(want: np.ndarray, got: np.ndarray, name: str) -> None:
    if want.dtype.kind in "biu":
        np.testing.assert_array_equal(got, want, err_msg=name)
    else:
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9, err_msg=name)
