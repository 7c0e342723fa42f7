"""Files of a results directory: atomic writes, reads that refuse links, the error.

The lowest level of the store: :mod:`herz.experiment.store`, the lock
(:mod:`herz.experiment.locking`) and the integrity check build on it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import stat
from pathlib import Path

from herz.errors import HerzError

__all__ = ["ResultsError", "atomic_write", "is_plain_file", "now", "read_plain"]


class ResultsError(HerzError):
    """A results directory is missing, in use, damaged or holds another scenario."""


def now() -> str:
    """The current UTC time, ISO 8601."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def _atomic_write(path: Path, data: bytes, fsync: bool = False) -> None:
    """Write ``data`` under a temporary name and rename it to ``path``.

    The temporary file is created afresh (``O_EXCL``, ``O_NOFOLLOW``): a link planted
    under its name is removed, never followed.
    """
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with contextlib.suppress(FileNotFoundError):
        os.unlink(tmp)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(tmp, flags, 0o644)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        if fsync:
            fh.flush()
            os.fsync(fh.fileno())
    os.replace(tmp, path)


def is_plain_file(path: Path) -> bool:
    """Whether ``path`` is a regular file and not a symbolic link."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def read_plain(path: Path) -> bytes:
    """Read a regular file of a results directory; refuse a symbolic link (OSError)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise IsADirectoryError(f"{path}: not a regular file")
        return fh.read()


atomic_write = _atomic_write
