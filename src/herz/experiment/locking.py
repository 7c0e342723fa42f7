"""One writer per results directory: a lock that names its holder.

Where POSIX ``fcntl`` is available (Linux, macOS, the BSDs) the lock is an exclusive
``flock`` on the results *directory itself* (its open file descriptor), not on a file
inside it: deleting, replacing or truncating ``.lock`` releases nothing, and the
kernel releases the lock when the holder ends, however it ends (``kill -9``
included), so a stale lock never blocks anyone. ``.lock`` only *describes* the
holder (PID, host, start time, as JSON), so that a second writer is told "in use by
PID 1234 on HOST since ...".

Where ``fcntl`` is missing (Windows), or a file system cannot ``flock`` a directory, the
lock is :class:`filelock.FileLock` on
``.lock.filelock`` (``msvcrt.locking``; Windows refuses to delete a file another
process holds open, so the deletion trick fails there too). On a platform with neither,
``filelock`` falls back to a lock file whose mere existence is the lock (a deleted lock
file then admits a second writer, and one left by a killed writer must be removed by
hand; ``filelock`` warns "only soft file lock is available").
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import socket
from pathlib import Path
from types import TracebackType
from typing import Any

from herz.experiment.files import ResultsError, _atomic_write, now, read_plain

__all__ = ["DirectoryLock", "holder"]

HOLDER_FILE = ".lock"


def holder(path: str | Path) -> str:
    """Who holds the lock of results directory ``path``, in words (from ``.lock``)."""
    try:
        info = json.loads(read_plain(Path(path) / HOLDER_FILE)[:4096].decode("utf-8"))
        pid, host, since = int(info["pid"]), str(info["host"])[:200], str(info["since"])[:40]
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError):
        return "another process (its .lock record is missing or unreadable)"
    return f"PID {pid} on {host} since {since}"


class DirectoryLock:
    """An exclusive, non-blocking lock on a results directory (a context manager).

    Raises :class:`ResultsError` naming the holder when another process holds it.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._fd: int | None = None
        self._file_lock: Any = None
        self.info: dict[str, Any] = {}

    def acquire(self) -> None:
        """Take the lock now or raise."""
        try:
            import fcntl
        except ImportError:  # Windows: filelock's msvcrt lock
            self._acquire_filelock()
        else:
            fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                os.close(fd)
                if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    # a file system that cannot lock a directory: filelock's lock file
                    self._acquire_filelock()
                else:
                    raise ResultsError(f"{self.path}: in use by {holder(self.path)}; wait for "
                                       "it to finish or stop it (the lock is released when "
                                       "it ends)") from None
            else:
                self._fd = fd
        self.info = {"pid": os.getpid(), "host": socket.gethostname(), "since": now()}
        self.describe()

    def describe(self) -> None:
        """(Re)write ``.lock``, the holder's record (after it was deleted, say)."""
        _atomic_write(self.path / HOLDER_FILE, json.dumps(self.info).encode())

    def _acquire_filelock(self) -> None:
        from filelock import FileLock, Timeout

        lock = FileLock(str(self.path / ".lock.filelock"), timeout=0)
        try:
            lock.acquire()
        except Timeout:
            raise ResultsError(f"{self.path}: in use by {holder(self.path)}") from None
        self._file_lock = lock

    def release(self) -> None:
        """Release the lock (and remove ``.lock`` when it still describes this holder)."""
        try:
            with contextlib.suppress(OSError, ValueError, UnicodeDecodeError):
                if json.loads(read_plain(self.path / HOLDER_FILE).decode()) == self.info:
                    os.unlink(self.path / HOLDER_FILE)
        finally:
            if self._fd is not None:
                os.close(self._fd)  # closing the descriptor releases the flock
                self._fd = None
            if self._file_lock is not None:
                self._file_lock.release()
                self._file_lock = None

    def __enter__(self) -> DirectoryLock:
        self.acquire()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()
