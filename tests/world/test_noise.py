"""The world's random streams are NumPy's Philox generators, bit for bit.

Every draw of a world is the first draw of
``Generator(Philox(key=world_key, counter=[0, index, step, stream]))``; these tests
compare the compiled kernels with NumPy itself, including the ziggurat's rare
slow paths (wedge and tail), which consume further words of the same generator.
"""

from __future__ import annotations

import numba
import numpy as np
import pytest

from herz.errors import ParameterError
from herz.world import noise
from herz.world.noise import (
    Stream,
    draw_generator,
    fill_normal,
    fill_normal_pairs,
    fill_uniform,
    fill_uniform_at,
    world_keys,
)


def test_philox_block_equals_numpy_philox() -> None:
    """Five consecutive Philox4x64-10 blocks (20 words) equal NumPy's ``random_raw``."""
    key = world_keys(2026, 1)[0]
    counter = np.array([0, 17, 3, int(Stream.PERCEPTION)], dtype=np.uint64)
    raw = np.random.Philox(key=key, counter=counter).random_raw(20)
    ours = [w for seq in range(1, 6)
            for w in noise._philox(np.uint64(seq), counter[1], counter[2], counter[3], key[0], key[1])]
    assert np.array_equal(np.array(ours, dtype=np.uint64), raw)


def test_normals_equal_numpy_generator_including_slow_paths() -> None:
    """60,000 normals of three worlds equal NumPy's ``standard_normal`` of each draw's generator.

    Among them the ziggurat leaves its fast path several hundred times (wedge)
    and dozens of times in the tail; both counts are checked to be non-zero so
    the slow paths are really compared.
    """
    keys = world_keys(7, 3)
    out = fill_normal(keys, Stream.PERCEPTION, 5, np.empty((3, 20_000)))
    wedge = tail = 0
    for w in range(3):
        for e in range(out.shape[1]):
            gen = draw_generator(keys[w], Stream.PERCEPTION, 5, e)
            first = int(np.random.Philox(key=keys[w], counter=gen.bit_generator.state["state"]["counter"])
                        .random_raw())
            idx = first & 0xFF
            rabs = (first >> 9) & 0x000FFFFFFFFFFFFF
            if rabs >= int(noise._KI[idx]):
                tail += idx == 0
                wedge += idx != 0
            assert gen.standard_normal() == out[w, e], (w, e)
    assert wedge > 100
    assert tail > 5


def test_uniforms_equal_numpy_generator() -> None:
    """2,000 uniforms equal NumPy's ``random()`` of each draw's generator."""
    keys = world_keys(11, 2)
    out = fill_uniform(keys, Stream.WAR_OUTCOME, 9, np.empty((2, 1000)))
    expect = [[draw_generator(keys[w], Stream.WAR_OUTCOME, 9, e).random() for e in range(1000)] for w in range(2)]
    assert np.array_equal(out, np.array(expect))


def test_pair_draws_follow_the_labels() -> None:
    """Relabelling the states permutes the pair draws and the per-state draws with them."""
    keys = world_keys(3, 4)
    n = 6
    ident = np.tile(np.arange(n), (4, 1)).astype(np.int64)
    perm = np.stack([np.random.default_rng(w).permutation(n) for w in range(4)]).astype(np.int64)
    base = fill_normal_pairs(keys, Stream.PERCEPTION, 2, ident, np.empty((4, n, n)))
    moved = fill_normal_pairs(keys, Stream.PERCEPTION, 2, perm, np.empty((4, n, n)))
    for w in range(4):
        assert np.array_equal(moved[w], base[w][np.ix_(perm[w], perm[w])])
    assert np.array_equal(base.reshape(4, -1), fill_normal(keys, Stream.PERCEPTION, 2, np.empty((4, n * n))))
    u0 = fill_uniform_at(keys, Stream.WAR_OUTCOME, 4, ident, np.empty((4, n)))
    u1 = fill_uniform_at(keys, Stream.WAR_OUTCOME, 4, perm, np.empty((4, n)))
    assert np.array_equal(u1, np.take_along_axis(u0, perm, axis=1))


def test_streams_and_steps_are_distinct() -> None:
    """Different streams, steps and worlds give different numbers."""
    keys = world_keys(5, 2)
    a = fill_uniform(keys, Stream.PERCEPTION, 1, np.empty((2, 50)))
    b = fill_uniform(keys, Stream.WAR_OUTCOME, 1, np.empty((2, 50)))
    c = fill_uniform(keys, Stream.PERCEPTION, 2, np.empty((2, 50)))
    assert not np.any(a == b) and not np.any(a == c) and not np.any(a[0] == a[1])


def test_negative_step_is_refused() -> None:
    with pytest.raises(ParameterError, match="step = -1"):
        fill_uniform(world_keys(1, 1), Stream.PERCEPTION, -1, np.empty((1, 3)))


@pytest.mark.parametrize("seed", [0, 1, 2026, 2**40 + 7])
def test_blocked_normals_equal_the_one_at_a_time_reference(seed: int) -> None:
    """The blocked ziggurat (three passes per block of draws) equals the old loop bit for bit.

    A grid of keys, steps, streams and row lengths (below, at and across the
    block size, so partial blocks are covered), serial and parallel builds,
    and the pair draws under permuted labels.
    """
    keys = world_keys(seed, 5)
    for step in (0, 1, 99):
        for stream in (Stream.PERCEPTION, Stream.PERCEPTION_DEFENCE, Stream.IDENTITY):
            for m in (1, 7, noise.BLOCK, noise.BLOCK + 3, 3 * noise.BLOCK + 1):
                words = (np.uint64(step), np.uint64(int(stream)))
                ref = np.empty((5, m))
                noise._fill_normal_reference.serial(keys, *words, ref, noise._KI, noise._WI, noise._FI)
                new = fill_normal(keys, stream, step, np.empty((5, m)))
                par = np.empty((5, m))
                # on every thread Numba has (a pytest-xdist worker runs on one by default)
                prev = numba.get_num_threads()
                numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
                try:
                    noise._fill_normal.parallel(keys, *words, par, noise._KI, noise._WI, noise._FI)
                finally:
                    numba.set_num_threads(prev)
                assert np.array_equal(ref.view(np.uint64), new.view(np.uint64)), (step, stream, m)
                assert np.array_equal(ref.view(np.uint64), par.view(np.uint64)), (step, stream, m)
    n = 300  # rows longer than a block
    perm = np.stack([np.random.default_rng(w).permutation(n) for w in range(2)]).astype(np.int64)
    pairs = fill_normal_pairs(keys[:2], Stream.PERCEPTION, 4, perm, np.empty((2, n, n)))
    flat = np.empty((2, n * n))
    noise._fill_normal_reference.serial(keys[:2], np.uint64(4), np.uint64(int(Stream.PERCEPTION)), flat,
                                        noise._KI, noise._WI, noise._FI)
    flat = flat.reshape(2, n, n)
    for w in range(2):
        assert np.array_equal(pairs[w].view(np.uint64), flat[w][np.ix_(perm[w], perm[w])].view(np.uint64))
