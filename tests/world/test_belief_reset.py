"""The regime change's reset of beliefs, written in place, equals np.where bit for bit.

:func:`herz.world.beliefs._reset_pairs` writes the prior (or 0) at the rows or
columns of the states whose type was redrawn, instead of rewriting whole
(W, N, N, ...) arrays with ``np.where`` (issue 17, performance); here it is
compared as uint64 with the ``np.where`` it replaces, on random arrays with
several changed states per world, worlds without any, per-world values,
trailing axes and read-only inputs.
"""

from __future__ import annotations

import numpy as np
import pytest

from herz.world.beliefs import _reset_pairs


def _where(arr: np.ndarray, changed: np.ndarray, value: object, rows: bool) -> np.ndarray:
    n = changed.shape[1]
    mask = (changed[:, :, None] if rows else changed[:, None, :]) & ~np.eye(n, dtype=bool)
    if isinstance(value, np.ndarray):  # (W, 1, 1): one value per world
        value = value.reshape((-1,) + (1,) * (arr.ndim - 1))
    return np.where(mask.reshape(mask.shape + (1,) * (arr.ndim - 3)), value, arr)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("trailing", [(), (2, 4)])
@pytest.mark.parametrize("rows", [True, False])
@pytest.mark.parametrize("per_world", [False, True])
def test_reset_pairs_equals_where(seed: int, trailing: tuple[int, ...], rows: bool,
                                  per_world: bool) -> None:
    rng = np.random.default_rng(seed)
    w, n = 5, 7
    arr = rng.normal(size=(w, n, n, *trailing))
    changed = rng.random((w, n)) < 0.3
    changed[0] = False  # a world without a change
    changed[1, :3] = True  # several in one world, next to each other
    value = rng.normal(size=(w, 1, 1)) if per_world else float(rng.normal())
    want = _where(arr, changed, value, rows)
    got = _reset_pairs(arr.copy(), changed, value, rows)
    assert np.array_equal(got.view(np.uint64), want.view(np.uint64))
    frozen = arr.copy()
    frozen.flags.writeable = False
    got = _reset_pairs(frozen, changed, value, rows)
    assert np.array_equal(got.view(np.uint64), want.view(np.uint64))
    assert np.array_equal(frozen, arr)  # the read-only input is left as it was


def test_reset_pairs_writes_in_place_and_nothing_else() -> None:
    rng = np.random.default_rng(3)
    arr = rng.normal(size=(3, 6, 6))
    changed = np.zeros((3, 6), dtype=bool)
    changed[2, 4] = True
    before = arr.copy()
    out = _reset_pairs(arr, changed, -1.5, rows=False)
    assert out is arr
    touched = np.zeros(arr.shape, dtype=bool)
    touched[2, :, 4] = True
    touched[2, 4, 4] = False
    assert np.all(arr[touched] == -1.5)
    assert np.array_equal(arr[~touched], before[~touched])
    assert _reset_pairs(arr, np.zeros((3, 6), dtype=bool), 9.0, rows=True) is arr
    assert np.array_equal(arr[~touched], before[~touched])
