"""A wall-clock limit for one fuzz case: a hang becomes a failure, not a stuck CI job."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from typing import Any


class Hang(TimeoutError):
    """A fuzz case ran past its time limit."""


@contextlib.contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Raise :class:`Hang` in the block after ``seconds`` (POSIX; no limit on Windows)."""
    def alarm(signum: int, frame: Any) -> None:
        raise Hang(f"no result after {seconds} s")

    if not hasattr(signal, "SIGALRM"):  # Windows: no alarm; a hang then shows as a stuck test
        yield
        return
    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
