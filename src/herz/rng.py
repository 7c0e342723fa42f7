"""One way to turn a user's ``rng`` argument into a NumPy generator.

Every stochastic function in herz takes ``rng: numpy.random.Generator | int |
None`` and passes it through :func:`as_generator` (or :func:`resolve_rng`, where an
older ``seed`` keyword is still accepted: giving both is an error). Seeds form a tree
(experiment -> design point -> replicate) built with
:meth:`numpy.random.SeedSequence.spawn`, so the stream of any one run depends
only on its own key, never on how many other runs share a process.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from herz.errors import ParameterError

__all__ = ["RngLike", "as_generator", "as_seed_sequence", "child_seed", "int_seed",
           "resolve_rng"]

RngLike = np.random.Generator | np.random.SeedSequence | int | None


def as_generator(rng: RngLike = None) -> np.random.Generator:
    """Return a :class:`numpy.random.Generator` for ``rng``.

    A Generator is passed through unchanged (so the caller's stream advances);
    an int or a SeedSequence seeds a new PCG64 generator; ``None`` draws fresh
    entropy (not reproducible: the caller asked for that).
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, np.random.SeedSequence):
        return np.random.Generator(np.random.PCG64(rng))
    if rng is None or isinstance(rng, int | np.integer):
        return np.random.default_rng(_seed(rng))
    raise TypeError(
        f"rng = {rng!r}: must be a numpy.random.Generator, a SeedSequence, an int seed or None"
    )


def as_seed_sequence(rng: RngLike = None) -> np.random.SeedSequence:
    """Return the :class:`numpy.random.SeedSequence` that a tree of streams is keyed from.

    For code whose draws are keyed per run or per match (:func:`child_seed`):
    a SeedSequence is passed through; an int seeds one; ``None`` draws fresh
    entropy; a Generator gives one 63-bit draw, so the caller's stream advances
    and the result is reproducible from it.
    """
    if isinstance(rng, np.random.SeedSequence):
        return rng
    if isinstance(rng, np.random.Generator):
        return np.random.SeedSequence(int(rng.integers(0, 2**63)))
    if rng is None or (isinstance(rng, int | np.integer) and not isinstance(rng, bool)):
        return np.random.SeedSequence(None if rng is None else int(_seed(rng)))
    raise ParameterError("rng", rng, "must be a numpy.random.Generator, a SeedSequence, "
                         "an int seed >= 0 or None")


def child_seed(seed: int | np.random.SeedSequence, *key: int) -> np.random.SeedSequence:
    """Return the SeedSequence at path ``key`` below ``seed``.

    Unlike :meth:`SeedSequence.spawn`, this is stateless: the child at a given
    key is the same no matter how many children were made before, which is what
    lets any single run be replayed from its key alone.
    """
    ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(_seed(seed))
    return np.random.SeedSequence(ss.entropy, spawn_key=(*ss.spawn_key, *key))


def _seed(seed: Any) -> Any:
    # NumPy's own error for a negative seed is a bare ValueError deep in a traceback.
    if isinstance(seed, int | np.integer) and not isinstance(seed, bool) and seed < 0:
        raise ParameterError("seed", int(seed), "must be an integer >= 0")
    return seed


def resolve_rng(rng: RngLike = None, seed: int | None = None) -> np.random.Generator:
    """The generator of a function that takes ``rng`` and, for older callers, ``seed``.

    Raises :class:`~herz.errors.ParameterError` when both are given: one draw has
    one source.
    """
    if rng is not None and seed is not None:
        raise ParameterError("seed", seed, "give either seed or rng, not both")
    return as_generator(rng if rng is not None else seed)


def int_seed(rng: RngLike = None, seed: int | None = None) -> int:
    """An integer seed in [0, 2**32) drawn from ``rng`` (for libraries that take only ints).

    The same ``rng`` (an int, or a generator in the same state) gives the same seed.
    """
    return int(resolve_rng(rng, seed).integers(0, 2**32))
