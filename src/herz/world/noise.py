"""The random stream of each world: a counter-based generator keyed by its seed.

Every random number a world uses is a pure function of four things: the
world's key (two 64-bit words drawn from the world's
:class:`numpy.random.SeedSequence`), a stream tag (which mechanism draws it),
the step and the index of the draw inside that step. Nothing depends on how
many other worlds share a batch, on the batch size, on the order in which
worlds are processed or on the number of threads: the result of world ``w`` is
the same in a batch of 10,000 worlds as alone. This is the counter-based design
of Salmon et al. (2011), used by NumPy's Philox and by JAX.

The hash is two rounds of the SplitMix64 finaliser (Steele, Lea and Flood 2014)
over ``key0 + counter * golden`` and ``key1``; normal deviates come from the
Marsaglia and Tsang (2000) ziggurat with 256 layers (the layout NumPy uses),
whose rare slow path draws further hashes on a side counter.

The streams are *not* those of :class:`numpy.random.Generator`: NumPy's
generators are sequential, so a batch of worlds would have to loop over one
generator per world every step. The kernels here run in parallel over worlds
(Numba ``prange``) at about the speed of NumPy's own ``standard_normal``.

References
----------
Salmon, J. K., Moraes, M. A., Dror, R. O. and Shaw, D. E. (2011). Parallel
random numbers: as easy as 1, 2, 3. *Proceedings of SC11*. doi:10.1145/2063384.2063405.

Steele, G. L., Lea, D. and Flood, C. H. (2014). Fast splittable pseudorandom
number generators. *OOPSLA 2014*. doi:10.1145/2660193.2660195.

Marsaglia, G. and Tsang, W. W. (2000). The ziggurat method for generating random
variables. *Journal of Statistical Software* 5(8). doi:10.18637/jss.v005.i08.
"""

from __future__ import annotations

import enum

import numba as nb
import numpy as np
from numpy.typing import NDArray

from herz.errors import ParameterError
from herz.rng import child_seed
from herz.world._dual import dual

__all__ = [
    "Stream",
    "fill_normal",
    "fill_normal_pairs",
    "fill_uniform",
    "fill_uniform_at",
    "stream_base",
    "world_keys",
]

#: Largest step the counter layout allows (24 bits).
MAX_STEP = (1 << 24) - 1
#: Largest number of draws per (stream, step) the counter layout allows (32 bits).
MAX_DRAWS = 1 << 32


class Stream(enum.IntEnum):
    """Stream tags: which mechanism a draw belongs to (8 bits of the counter)."""

    INIT_TYPES = 1
    INIT_ARMS = 2
    INIT_POSITIONS = 3
    PERCEPTION = 10
    WAR_OUTCOME = 11
    MOTIVE_DRIFT = 12
    WAR_DURATION = 13
    SCHEDULE = 14


_GOLD = np.uint64(0x9E3779B97F4A7C15)
_GOLD2 = np.uint64(0xD1B54A32D192ED03)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S8 = np.uint64(8)
_S11 = np.uint64(11)
_S27 = np.uint64(27)
_S30 = np.uint64(30)
_S31 = np.uint64(31)
_ONE = np.uint64(1)
_MASK52 = np.uint64(0x000FFFFFFFFFFFFF)
_MASK8 = np.uint64(0xFF)
_INV53 = 1.0 / 9007199254740992.0


def _ziggurat_tables() -> tuple[NDArray[np.uint64], NDArray[np.float64], NDArray[np.float64]]:
    """Marsaglia-Tsang tables for 256 layers and 52-bit mantissas."""
    m1 = 2.0**52
    dn = 3.6541528853610088
    tn = dn
    vn = 4.92867323399e-3
    ki = np.zeros(256, dtype=np.uint64)
    wi = np.zeros(256)
    fi = np.zeros(256)
    q = vn / np.exp(-0.5 * dn * dn)
    ki[0] = np.uint64((dn / q) * m1)
    ki[1] = np.uint64(0)
    wi[0] = q / m1
    wi[255] = dn / m1
    fi[0] = 1.0
    fi[255] = np.exp(-0.5 * dn * dn)
    for i in range(254, 0, -1):
        dn = np.sqrt(-2.0 * np.log(vn / dn + np.exp(-0.5 * dn * dn)))
        ki[i + 1] = np.uint64((dn / tn) * m1)
        tn = dn
        fi[i] = np.exp(-0.5 * dn * dn)
        wi[i] = dn / m1
    return ki, wi, fi


_KI, _WI, _FI = _ziggurat_tables()
_ZIG_R = 3.6541528853610088
_ZIG_INV_R = 1.0 / _ZIG_R


@nb.njit(inline="always")
def _mix(z: np.uint64) -> np.uint64:  # pragma: no cover - compiled
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@nb.njit(inline="always")
def _hash(k0: np.uint64, k1: np.uint64, c: np.uint64, side: np.uint64) -> np.uint64:
    return _mix(_mix(k0 + c * _GOLD) ^ (k1 + side * _GOLD2))


@nb.njit(inline="always")
def _unit(h: np.uint64) -> float:  # pragma: no cover - compiled
    return float(h >> _S11) * _INV53


@nb.njit(inline="always")
def _normal(k0, k1, c, ki, wi, fi):  # pragma: no cover
    side = np.uint64(0)
    while True:
        r = _hash(k0, k1, c, side)
        side += _ONE
        idx = r & _MASK8
        r = r >> _S8
        sign = r & _ONE
        rabs = (r >> _ONE) & _MASK52
        x = float(rabs) * wi[idx]
        if sign == _ONE:
            x = -x
        if rabs < ki[idx]:
            return x
        if idx == 0:
            while True:
                xx = -_ZIG_INV_R * np.log1p(-_unit(_hash(k0, k1, c, side)))
                yy = -np.log1p(-_unit(_hash(k0, k1, c, side + _ONE)))
                side += np.uint64(2)
                if yy + yy > xx * xx:
                    return -(_ZIG_R + xx) if ((rabs >> _S8) & _ONE) else _ZIG_R + xx
        else:
            u = _unit(_hash(k0, k1, c, side))
            side += _ONE
            if (fi[idx - 1] - fi[idx]) * u + fi[idx] < np.exp(-0.5 * x * x):
                return x


@dual
def _fill_normal(keys, base, out, ki, wi, fi):  # pragma: no cover
    n_worlds, m = out.shape
    for w in nb.prange(n_worlds):
        k0 = keys[w, 0]
        k1 = keys[w, 1]
        for e in range(m):
            out[w, e] = _normal(k0, k1, base + np.uint64(e), ki, wi, fi)


@dual
def _fill_uniform(keys, base, out):  # pragma: no cover
    n_worlds, m = out.shape
    for w in nb.prange(n_worlds):
        k0 = keys[w, 0]
        k1 = keys[w, 1]
        for e in range(m):
            out[w, e] = _unit(_hash(k0, k1, base + np.uint64(e), np.uint64(0)))


def stream_base(stream: Stream, step: int, size: int) -> np.uint64:
    """First counter of ``stream`` at ``step`` for ``size`` draws (checked)."""
    return _base(stream, step, size)


@dual
def _fill_normal_pairs(keys, base, labels, out, ki, wi, fi):  # pragma: no cover - compiled
    n_worlds, n, _ = out.shape
    for w in nb.prange(n_worlds):
        k0 = keys[w, 0]
        k1 = keys[w, 1]
        for i in range(n):
            row = labels[w, i] * n
            for j in range(n):
                c = base + np.uint64(row + labels[w, j])
                out[w, i, j] = _normal(k0, k1, c, ki, wi, fi)


@dual
def _fill_uniform_at(keys, base, labels, out):  # pragma: no cover - compiled
    n_worlds, n = out.shape
    for w in nb.prange(n_worlds):
        k0 = keys[w, 0]
        k1 = keys[w, 1]
        for i in range(n):
            out[w, i] = _unit(_hash(k0, k1, base + np.uint64(labels[w, i]), np.uint64(0)))


def fill_normal_pairs(keys: NDArray[np.uint64], stream: Stream, step: int,
                      labels: NDArray[np.int64], out: NDArray[np.float64]) -> NDArray[np.float64]:
    """Fill ``out`` (W, N, N) with the normal draw of each pair of state labels.

    ``out[w, i, j]`` is draw ``labels[w, i] * N + labels[w, j]``: the draw
    belongs to the pair of states, not to their positions in the arrays, so
    relabelling the states permutes the draws with them. With labels 0..N-1
    this equals :func:`fill_normal`.
    """
    n = out.shape[-1]
    _fill_normal_pairs(keys, _base(stream, step, n * n), labels, out, _KI, _WI, _FI)
    return out


def fill_uniform_at(keys: NDArray[np.uint64], stream: Stream, step: int,
                    labels: NDArray[np.int64], out: NDArray[np.float64]) -> NDArray[np.float64]:
    """Fill ``out`` (W, N) with uniform draw ``labels[w, i]`` of each state."""
    _fill_uniform_at(keys, _base(stream, step, out.shape[-1]), labels, out)
    return out


def _base(stream: Stream, step: int, size: int) -> np.uint64:
    if not 0 <= step <= MAX_STEP:
        raise ParameterError("step", step, f"must be between 0 and {MAX_STEP}")
    if size > MAX_DRAWS:
        raise ParameterError("draws per step", size, f"must be at most {MAX_DRAWS}")
    return np.uint64((int(stream) << 56) | (step << 32))


def fill_normal(keys: NDArray[np.uint64], stream: Stream, step: int,
                out: NDArray[np.float64]) -> NDArray[np.float64]:
    """Fill ``out`` (worlds, ...) with standard normal draws of ``stream`` at ``step``.

    Row ``w`` depends only on ``keys[w]``, the stream, the step and the shape of
    the row: never on the other rows.
    """
    flat = out.reshape(out.shape[0], -1)
    _fill_normal(keys, _base(stream, step, flat.shape[1]), flat, _KI, _WI, _FI)
    return out


def fill_uniform(keys: NDArray[np.uint64], stream: Stream, step: int,
                 out: NDArray[np.float64]) -> NDArray[np.float64]:
    """Fill ``out`` (worlds, ...) with uniform draws on [0, 1) of ``stream`` at ``step``."""
    flat = out.reshape(out.shape[0], -1)
    _fill_uniform(keys, _base(stream, step, flat.shape[1]), flat)
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
