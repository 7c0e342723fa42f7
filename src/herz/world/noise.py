"""The random stream of each world: NumPy's Philox generator, keyed by the world's seed.

Every random number a world uses comes from NumPy's counter-based Philox4x64-10
bit generator (Salmon et al. 2011), keyed by the world's key: two 64-bit words
drawn from the world's :class:`numpy.random.SeedSequence`
(``herz.rng.child_seed(seed, world)``). Draw ``e`` of a stream at a step is the
first draw of its own :class:`numpy.random.Generator`::

    numpy.random.Generator(numpy.random.Philox(key=world_key,
                                               counter=[0, e, step, stream]))

``.random()`` for a uniform, ``.standard_normal()`` for a normal deviate (the
ziggurat of NumPy, with NumPy's tables; its rare slow path continues on the same
generator). :func:`draw_generator` returns that Generator, and the tests check
the compiled kernels against it bit for bit.

Why one generator per draw rather than one sequential generator per world: the
kernels run over thousands of worlds in parallel (Numba ``prange``), and a draw
that is a pure function of (world key, stream, step, index) never depends on how
many other worlds share a batch, on the batch size, on the order in which worlds
are processed or on the number of threads: world ``w`` gives the same numbers in
a batch of 10,000 worlds as alone. Counter-based generators exist for exactly
this (Salmon et al. 2011); Philox is the one NumPy ships, so every draw is
reproducible with NumPy alone.

References
----------
Salmon, J. K., Moraes, M. A., Dror, R. O. and Shaw, D. E. (2011). Parallel
random numbers: as easy as 1, 2, 3. *Proceedings of SC11*. doi:10.1145/2063384.2063405.

Marsaglia, G. and Tsang, W. W. (2000). The ziggurat method for generating random
variables. *Journal of Statistical Software* 5(8). doi:10.18637/jss.v005.i08.
"""

from __future__ import annotations

import enum
from typing import Any

import numba as nb
import numpy as np
from llvmlite import ir
from numba import types
from numba.extending import intrinsic
from numba.np.random import _constants as _numpy_ziggurat
from numpy.typing import NDArray

from herz.errors import ParameterError
from herz.rng import child_seed
from herz.world._dual import dual

__all__ = [
    "BLOCK",
    "MAX_STEP",
    "PairDraws",
    "Stream",
    "block_scratch",
    "draw_generator",
    "fill_normal",
    "fill_normal_pairs",
    "fill_uniform",
    "fill_uniform_at",
    "fill_uniform_pairs",
    "normal_pair_row",
    "uniform_pairs_at",
    "world_keys",
]

#: Largest step a counter word holds.
MAX_STEP = (1 << 64) - 1


class Stream(enum.IntEnum):
    """Stream tags: which mechanism a draw belongs to (word 3 of the Philox counter)."""

    INIT_TYPES = 1
    INIT_ARMS = 2
    INIT_POSITIONS = 3
    INIT_OUTPUT = 4
    INIT_GROWTH = 5
    PERCEPTION = 10
    WAR_OUTCOME = 11
    MOTIVE_DRIFT = 12
    WAR_DURATION = 13
    SCHEDULE = 14
    SPENDING_SHOCK = 15
    PERCEPTION_DEFENCE = 16
    MOTIVE_TURNOVER = 17
    MOTIVE_TURNOVER_TYPE = 18
    # --- war v2 (world-war): 20-29
    WAR_DECISION = 20
    WAR_END = 21
    WAR_WINNER = 22
    BALANCING = 23
    REGIME = 24
    REGIME_TYPE = 25

    # --- trajectory outcomes (world-outcomes): 30-39

    # --- signals and arms control (issue 18): 40-49
    SIGNAL_COST = 40
    TREATY_ALARM = 41

    # --- identity and communities (issue 19): 50-59
    IDENTITY = 50


# Philox4x64-10 constants (Salmon et al. 2011; NumPy's philox.h).
_PHILOX_M0 = np.uint64(0xD2E7470EE14C6C93)
_PHILOX_M1 = np.uint64(0xCA5A826395121157)
_PHILOX_W0 = np.uint64(0x9E3779B97F4A7C15)
_PHILOX_W1 = np.uint64(0xBB67AE8584CAA73B)
_S8 = np.uint64(8)
_S11 = np.uint64(11)
_ONE = np.uint64(1)
_MASK52 = np.uint64(0x000FFFFFFFFFFFFF)
_MASK8 = np.uint64(0xFF)
_INV53 = 1.0 / 9007199254740992.0

# NumPy's own ziggurat tables (numpy/random/src/distributions/ziggurat_constants.h,
# as vendored by Numba so that its Generator matches NumPy's bit for bit).
_KI = np.asarray(_numpy_ziggurat.ki_double, dtype=np.uint64)
_WI = np.asarray(_numpy_ziggurat.wi_double, dtype=np.float64)
_FI = np.asarray(_numpy_ziggurat.fi_double, dtype=np.float64)
_ZIG_R = float(_numpy_ziggurat.ziggurat_nor_r)
_ZIG_INV_R = float(_numpy_ziggurat.ziggurat_nor_inv_r)


def _mulhilo_typing(typingctx, a, b):  # pragma: no cover - compiled
    """Full 64 x 64 -> 128-bit product as (high, low) words: one machine multiply."""
    sig = types.UniTuple(types.uint64, 2)(types.uint64, types.uint64)

    def codegen(context, builder, signature, args):
        i128 = ir.IntType(128)
        product = builder.mul(builder.zext(args[0], i128), builder.zext(args[1], i128))
        lo = builder.trunc(product, ir.IntType(64))
        hi = builder.trunc(builder.lshr(product, ir.Constant(i128, 64)), ir.IntType(64))
        return context.make_tuple(builder, signature.return_type, [hi, lo])

    return sig, codegen


_mulhilo: Any = intrinsic(_mulhilo_typing)


@nb.njit(inline="always")
def _philox(c0, c1, c2, c3, k0, k1):  # pragma: no cover - compiled
    """Philox4x64-10 of counter (c0, c1, c2, c3) under key (k0, k1): four 64-bit words."""
    for r in range(10):
        if r > 0:
            k0 += _PHILOX_W0
            k1 += _PHILOX_W1
        hi0, lo0 = _mulhilo(_PHILOX_M0, c0)
        hi1, lo1 = _mulhilo(_PHILOX_M1, c2)
        c0, c1, c2, c3 = hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0
    return c0, c1, c2, c3


@nb.njit(inline="always")
def _unit(h):  # pragma: no cover - compiled
    """NumPy's ``next_double``: the top 53 bits of a word, scaled to [0, 1)."""
    return float(h >> _S11) * _INV53


@nb.njit(inline="always")
def _uniform(k0, k1, e, step, stream):  # pragma: no cover - compiled
    """First ``random()`` of ``Generator(Philox(key=(k0, k1), counter=[0, e, step, stream]))``."""
    return _unit(_philox(_ONE, e, step, stream, k0, k1)[0])


@nb.njit(inline="always")
def _ziggurat_word(r, wi):  # pragma: no cover - compiled
    """One word of the ziggurat as NumPy reads it: (rectangle ``idx``, ``rabs``, candidate ``x``).

    The low 8 bits pick the rectangle, the next bit the sign, the 52 above it
    ``rabs``; ``x`` is accepted when ``rabs < ki[idx]``.
    """
    idx = r & _MASK8
    r = r >> _S8
    rabs = (r >> _ONE) & _MASK52
    x = float(rabs) * wi[idx]
    if r & _ONE:
        x = -x
    return idx, rabs, x


@nb.njit(inline="always")
def _next_word(block, pos, seq, e, step, stream, k0, k1):  # pragma: no cover - compiled
    """Word ``pos`` of the Philox ``block``, the next block when this one is used up.

    Returns (word, block, pos + 1, seq): NumPy's Philox hands out the four words
    of counter ``[seq, e, step, stream]`` in turn, then increments ``seq``.
    """
    if pos == 4:
        seq += _ONE
        block = _philox(seq, e, step, stream, k0, k1)
        pos = 0
    return block[pos], block, pos + 1, seq


@nb.njit
def _normal_slow(k0, k1, e, step, stream, block, rabs, idx, x, ki, wi, fi):  # pragma: no cover
    """The ziggurat's rare paths (about 1 draw in 80), continuing the same generator."""
    seq = _ONE
    pos = 1
    while True:
        # ``x`` was rejected from the rectangle: NumPy's random_standard_normal goes on.
        if idx == 0:
            while True:
                h1, block, pos, seq = _next_word(block, pos, seq, e, step, stream, k0, k1)
                h2, block, pos, seq = _next_word(block, pos, seq, e, step, stream, k0, k1)
                xx = -_ZIG_INV_R * np.log1p(-_unit(h1))
                yy = -np.log1p(-_unit(h2))
                if yy + yy > xx * xx:
                    return -(_ZIG_R + xx) if ((rabs >> _S8) & _ONE) else _ZIG_R + xx
        else:
            h, block, pos, seq = _next_word(block, pos, seq, e, step, stream, k0, k1)
            if (fi[idx - 1] - fi[idx]) * _unit(h) + fi[idx] < np.exp(-0.5 * x * x):
                return x
        # Start over with the next word of the same generator.
        h, block, pos, seq = _next_word(block, pos, seq, e, step, stream, k0, k1)
        idx, rabs, x = _ziggurat_word(h, wi)
        if rabs < ki[idx]:
            return x


@nb.njit(inline="always")
def _normal(k0, k1, e, step, stream, ki, wi, fi):  # pragma: no cover - compiled
    """First ``standard_normal()`` of the draw's Generator (NumPy's ziggurat, fast path inline)."""
    block = _philox(_ONE, e, step, stream, k0, k1)
    idx, rabs, x = _ziggurat_word(block[0], wi)
    if rabs < ki[idx]:
        return x
    return _normal_slow(k0, k1, e, step, stream, block, rabs, idx, x, ki, wi, fi)


def draw_generator(key: NDArray[np.uint64], stream: Stream, step: int, index: int) -> np.random.Generator:
    """The NumPy Generator whose first draw is draw ``index`` of ``stream`` at ``step``.

    ``key`` is a world's two-word key (a row of :func:`world_keys`). A uniform of
    the world is this generator's first ``random()``; a normal its first
    ``standard_normal()``. Use it to audit or reproduce any single draw with
    NumPy alone.
    """
    step_word, stream_word = _words(stream, step)
    bit_generator = np.random.Philox(key=np.asarray(key, dtype=np.uint64),
                                     counter=np.array([0, index, step_word, stream_word], dtype=np.uint64))
    return np.random.Generator(bit_generator)


def _words(stream: Stream, step: int) -> tuple[np.uint64, np.uint64]:
    if not 0 <= step <= MAX_STEP:
        raise ParameterError("step", step, f"must be between 0 and {MAX_STEP}")
    return np.uint64(step), np.uint64(int(stream))


#: Draws computed together by the blocked ziggurat (:func:`_normal_block`).
BLOCK = 256


@nb.njit
def _normal_redo(k0, k1, e, step, stream, ki, wi, fi):  # pragma: no cover - compiled
    """Draw ``e`` in full (:func:`_normal`): the blocked path's rare rejections."""
    return _normal(k0, k1, e, step, stream, ki, wi, fi)


@nb.njit(inline="always")
def block_scratch():  # pragma: no cover - compiled
    """The scratch arrays ``es``, ``words``, ``reject`` of :func:`normal_pair_row` (length ``BLOCK``)."""
    return (np.empty(BLOCK, dtype=np.uint64), np.empty(BLOCK, dtype=np.uint64),
            np.empty(BLOCK, dtype=np.int64))


@nb.njit(inline="always")
def _normal_block(k0, k1, step, stream, es, n, out, o0, words, reject, ki, wi,
                  fi):  # pragma: no cover - compiled
    """``out[o0 + t]`` = normal draw ``es[t]`` for t < n, equal to :func:`_normal` bit for bit.

    Three passes over the block instead of one branchy loop: (1) the first
    Philox word of every draw, a straight-line loop whose iterations the CPU
    overlaps (the ten rounds are a chain of multiplies; independent draws hide
    its latency); (2) the ziggurat's fast path for all, branch-free (the sign
    applied as a product with +-1.0, which is exact, so x equals NumPy's
    ``-x`` and ``x`` to the bit); (3) the about 1 in 80 draws rejected (listed in ``reject``) from
    their rectangle are drawn again in full by :func:`_normal`, which
    continues the same generator as NumPy does.
    """
    for t in range(n):
        words[t] = _philox(_ONE, es[t], step, stream, k0, k1)[0]
    n_rej = 0
    for t in range(n):
        r = words[t]
        idx = r & _MASK8
        r = r >> _S8
        rabs = (r >> _ONE) & _MASK52
        out[o0 + t] = float(rabs) * wi[idx] * (1.0 - 2.0 * float(r & _ONE))
        reject[n_rej] = t  # branch-free list of the rejected: kept only if rejected
        n_rej += rabs >= ki[idx]
    for k in range(n_rej):
        t = reject[k]
        out[o0 + t] = _normal_redo(k0, k1, es[t], step, stream, ki, wi, fi)


@dual
def _fill_normal(keys, step, stream, out, ki, wi, fi):  # pragma: no cover - compiled
    n_worlds, m = out.shape
    for w in nb.prange(n_worlds):
        k0 = keys[w, 0]
        k1 = keys[w, 1]
        es, words, reject = block_scratch()
        row = out[w]
        for e0 in range(0, m, BLOCK):
            n = min(BLOCK, m - e0)
            for t in range(n):
                es[t] = np.uint64(e0 + t)
            _normal_block(k0, k1, step, stream, es, n, row, e0, words, reject, ki, wi, fi)


@dual
def _fill_normal_reference(keys, step, stream, out, ki, wi, fi):  # pragma: no cover - compiled
    """The one-draw-at-a-time loop the blocked :func:`_fill_normal` replaced (tests compare them)."""
    n_worlds, m = out.shape
    for w in nb.prange(n_worlds):
        k0 = keys[w, 0]
        k1 = keys[w, 1]
        for e in range(m):
            out[w, e] = _normal(k0, k1, np.uint64(e), step, stream, ki, wi, fi)


@dual
def _fill_uniform(keys, step, stream, out):  # pragma: no cover - compiled
    n_worlds, m = out.shape
    for w in nb.prange(n_worlds):
        k0 = keys[w, 0]
        k1 = keys[w, 1]
        for e in range(m):
            out[w, e] = _uniform(k0, k1, np.uint64(e), step, stream)


@nb.njit(inline="always")
def normal_pair_row(k0, k1, step, stream, labels_w, i, out, es, words, reject, ki, wi,
                    fi):  # pragma: no cover - compiled
    """``out[j]`` = the normal draw of pair (i, j) of one world (labels ``labels_w``), blocked.

    Draw ``labels_w[i] * N + labels_w[j]``, as :func:`fill_normal_pairs`;
    ``es``, ``words`` and ``reject`` are scratch arrays of length ``BLOCK``
    (:func:`block_scratch`). For
    compiled kernels that need a row of pair noise without a (W, N, N) array.
    """
    n = labels_w.shape[0]
    row = labels_w[i] * n
    for j0 in range(0, n, BLOCK):
        m = min(BLOCK, n - j0)
        for t in range(m):
            es[t] = np.uint64(row + labels_w[j0 + t])
        _normal_block(k0, k1, step, stream, es, m, out, j0, words, reject, ki, wi, fi)


@dual
def _fill_normal_pairs(keys, step, stream, labels, out, ki, wi, fi):  # pragma: no cover - compiled
    n_worlds, n, _ = out.shape
    for w in nb.prange(n_worlds):
        k0 = keys[w, 0]
        k1 = keys[w, 1]
        es, words, reject = block_scratch()
        for i in range(n):
            normal_pair_row(k0, k1, step, stream, labels[w], i, out[w, i], es, words, reject,
                            ki, wi, fi)


@dual
def _fill_uniform_at(keys, step, stream, labels, out):  # pragma: no cover - compiled
    n_worlds, n = out.shape
    for w in nb.prange(n_worlds):
        k0 = keys[w, 0]
        k1 = keys[w, 1]
        for i in range(n):
            out[w, i] = _uniform(k0, k1, np.uint64(labels[w, i]), step, stream)


@dual
def _fill_uniform_pairs(keys, step, stream, labels, out):  # pragma: no cover - compiled
    n_worlds, n, _ = out.shape
    for w in nb.prange(n_worlds):
        k0 = keys[w, 0]
        k1 = keys[w, 1]
        for i in range(n):
            row = labels[w, i] * n
            for j in range(n):
                out[w, i, j] = _uniform(k0, k1, np.uint64(row + labels[w, j]), step, stream)


@dual
def _uniform_pairs_at(keys, step, stream, labels, ww, ii, jj, out):  # pragma: no cover - compiled
    n = labels.shape[1]
    for k in nb.prange(out.shape[0]):
        w = ww[k]
        e = labels[w, ii[k]] * n + labels[w, jj[k]]
        out[k] = _uniform(keys[w, 0], keys[w, 1], np.uint64(e), step, stream)


def uniform_pairs_at(keys: NDArray[np.uint64], stream: Stream, step: int,
                     labels: NDArray[np.int64], ww: NDArray[np.intp], ii: NDArray[np.intp],
                     jj: NDArray[np.intp]) -> NDArray[np.float64]:
    """The uniforms of :func:`fill_uniform_pairs` at the pairs ``(ww[k], ii[k], jj[k])`` only.

    Each draw is a pure function of (key, stream, step, labels), so this gives the
    numbers of the full fill at those pairs bit for bit, without the (W, N, N) fill.
    """
    out = np.empty(len(ww))
    _uniform_pairs_at(keys, *_words(stream, step), labels, np.ascontiguousarray(ww, np.int64),
                      np.ascontiguousarray(ii, np.int64), np.ascontiguousarray(jj, np.int64), out)
    return out


class PairDraws:
    """The uniforms of one stream at one step over all pairs, drawn only where they are read.

    A stand-in for the (W, N, N) array of :func:`fill_uniform_pairs` for a mechanism
    that reads a few pairs: :meth:`at` draws at given pairs (:func:`uniform_pairs_at`),
    :meth:`full` makes the whole array. Either way the numbers are the same.
    """

    def __init__(self, keys: NDArray[np.uint64], stream: Stream, step: int,
                 labels: NDArray[np.int64]) -> None:
        self.keys, self.stream, self.step, self.labels = keys, stream, step, labels

    def at(self, ww: NDArray[np.intp], ii: NDArray[np.intp],
           jj: NDArray[np.intp]) -> NDArray[np.float64]:
        """The draws at pairs (ww[k], ii[k], jj[k]), a 1-d array."""
        return uniform_pairs_at(self.keys, self.stream, self.step, self.labels, ww, ii, jj)

    def full(self) -> NDArray[np.float64]:
        """The (W, N, N) array :func:`fill_uniform_pairs` fills."""
        w, n = self.labels.shape
        return fill_uniform_pairs(self.keys, self.stream, self.step, self.labels,
                                  np.empty((w, n, n)))


def fill_uniform_pairs(keys: NDArray[np.uint64], stream: Stream, step: int,
                       labels: NDArray[np.int64], out: NDArray[np.float64]) -> NDArray[np.float64]:
    """Fill ``out`` (W, N, N) with uniform draw ``label_i * N + label_j`` of each pair."""
    _fill_uniform_pairs(keys, *_words(stream, step), labels, out)
    return out


def fill_normal_pairs(keys: NDArray[np.uint64], stream: Stream, step: int,
                      labels: NDArray[np.int64], out: NDArray[np.float64]) -> NDArray[np.float64]:
    """Fill ``out`` (W, N, N) with the normal draw of each pair of state labels.

    ``out[w, i, j]`` is draw ``labels[w, i] * N + labels[w, j]``: the draw
    belongs to the pair of states, not to their positions in the arrays, so
    relabelling the states permutes the draws with them. With labels 0..N-1
    this equals :func:`fill_normal`.
    """
    _fill_normal_pairs(keys, *_words(stream, step), labels, out, _KI, _WI, _FI)
    return out


def fill_uniform_at(keys: NDArray[np.uint64], stream: Stream, step: int,
                    labels: NDArray[np.int64], out: NDArray[np.float64]) -> NDArray[np.float64]:
    """Fill ``out`` (W, N) with uniform draw ``labels[w, i]`` of each state."""
    _fill_uniform_at(keys, *_words(stream, step), labels, out)
    return out


def fill_normal(keys: NDArray[np.uint64], stream: Stream, step: int,
                out: NDArray[np.float64]) -> NDArray[np.float64]:
    """Fill ``out`` (worlds, ...) with standard normal draws of ``stream`` at ``step``.

    Row ``w`` depends only on ``keys[w]``, the stream, the step and the position
    in the row (draw ``e`` is element ``e`` of the flattened row): never on the
    other rows.
    """
    flat = out.reshape(out.shape[0], -1)
    _fill_normal(keys, *_words(stream, step), flat, _KI, _WI, _FI)
    return out


def fill_uniform(keys: NDArray[np.uint64], stream: Stream, step: int,
                 out: NDArray[np.float64]) -> NDArray[np.float64]:
    """Fill ``out`` (worlds, ...) with uniform draws on [0, 1) of ``stream`` at ``step``."""
    flat = out.reshape(out.shape[0], -1)
    _fill_uniform(keys, *_words(stream, step), flat)
    return out


def world_keys(seed: int | np.random.SeedSequence, worlds: int,
               world_offset: int = 0) -> NDArray[np.uint64]:
    """Return the (worlds, 2) keys of worlds ``world_offset ... world_offset + worlds - 1``.

    World ``i`` is keyed by ``herz.rng.child_seed(seed, i)``, so asking for worlds
    i..j of a design point gives exactly the keys the full batch would use.
    """
    if worlds < 0 or world_offset < 0:
        raise ParameterError("worlds", worlds, "worlds and world_offset must be >= 0")
    keys = np.empty((worlds, 2), dtype=np.uint64)
    for n in range(worlds):
        keys[n] = child_seed(seed, world_offset + n).generate_state(2, np.uint64)
    return keys
