"""Compile a loop twice, parallel and serial, and pick by the size of the work.

A parallel region costs a scheduling round trip: negligible on an idle
machine, but on a busy one (more runnable threads than cores) each region can
wait for a time slice. Small batches therefore run the serial build; large
ones the parallel build. Both are the same Python function, so they give the
same numbers (worlds are independent, and each world is one iteration).
"""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any

import numba as nb
import numpy as np

__all__ = ["PARALLEL_MIN_WORK", "dual"]

#: Array elements from which the parallel build is used.
PARALLEL_MIN_WORK = 1 << 18


class _Dual:
    def __init__(self, fn: Callable[..., Any]) -> None:
        self.parallel = nb.njit(parallel=True, cache=True)(fn)
        serial = types.FunctionType(fn.__code__, fn.__globals__, fn.__name__ + "_serial",
                                    fn.__defaults__, fn.__closure__)
        serial.__qualname__ = fn.__qualname__ + "_serial"
        self.serial = nb.njit(cache=True)(serial)
        self.__doc__ = fn.__doc__
        self.__name__ = fn.__name__

    def __call__(self, *args: Any) -> Any:
        work = max((a.size for a in args if isinstance(a, np.ndarray)), default=0)
        kernel = self.parallel if work >= PARALLEL_MIN_WORK else self.serial
        return kernel(*args)


def dual(fn: Callable[..., Any]) -> _Dual:
    """Decorator: compile ``fn`` parallel and serial; call the one the work size calls for."""
    return _Dual(fn)
