"""The results store: Parquet chunks, a JSON manifest, DuckDB to query them.

A results directory holds::

    RESULTS/
      manifest.json        the scenario, its hash, the design (and design.parquet's
                           SHA-256), the seed tree, versions, every run's start and
                           end, and each chunk's status and SHA-256
      design.parquet       one row per design point with its full parameters
      chunks/*.parquet     one file per finished chunk of replicates
      corrupt/             chunks found damaged on resume (kept for inspection)
      stray/               files resume found in chunks/ that are no chunk of the plan
      .lock                who writes here (PID, host, start) while the directory is locked

The manifest is untrusted input: it is read through one validated schema
(:mod:`herz.experiment.manifest`), every chunk id must be the strict name of its own
point and replicates, and no file of the directory may be a symbolic link, so nothing
a manifest says makes herz read or write outside the directory.

Every file is written under a temporary name in the same directory and renamed
into place (:func:`os.replace`, atomic on POSIX), so a crash, a ``kill -9`` or a
full disk never leaves a half-written chunk or manifest under its final name. The
manifest is rewritten at most every ``manifest_interval`` seconds while a sweep
runs (and always at its end); a chunk that finished after the last rewrite is
still found on resume, because resume checks the files themselves: each chunk
carries its id and the scenario hash in its Parquet metadata and page checksums,
and is read back in full (and compared with its SHA-256 where the manifest has
it). Damaged chunks are moved to ``corrupt/`` and computed again. The manifest's
``seal`` (a hash chain over the scenario, the design and every finished chunk) ties it
to its files; :mod:`herz.experiment.integrity` is the one check that query
(:mod:`herz.experiment.query`), resume,
verify and replay share, and :mod:`herz.experiment.locking` the lock.

The store reads only Parquet and JSON; it never unpickles anything.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import os
import platform
import socket
import stat
import time
from collections.abc import Iterator, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from herz import __version__
from herz.experiment import manifest as manifest_mod
from herz.experiment.files import ResultsError, _atomic_write, is_plain_file, now, read_plain

__all__ = [
    "FORMAT",
    "ResultsError",
    "Store",
    "chunk_id",
    "decode_chunk",
    "encode_chunk",
    "versions",
]

FORMAT = "herz-sweep/1"
SMALL_CHUNK_BYTES = 256 * 1024
_DEPENDENCIES = ("numpy", "scipy", "pandas", "pyarrow", "duckdb", "pydantic", "numba", "statsmodels",
                 "SALib", "xarray", "nashpy", "prim", "matplotlib", "dask", "distributed", "axelrod")


def versions() -> dict[str, str]:
    """Herz's version, Python's and those of the dependencies that shape results."""
    out = {"herz": __version__, "python": platform.python_version()}
    for name in _DEPENDENCIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


def _with_model(vers: dict[str, str], scenario: Any) -> dict[str, str]:
    """``vers`` plus ``model``: the version of what the scenario's model means ("world 2")."""
    from herz.experiment.models import model_version

    label = model_version(scenario.spec)
    return vers if label is None else {**vers, "model": label}


chunk_id = manifest_mod.chunk_id


def encode_chunk(table: pa.Table, chunk: str, scenario_hash: str) -> bytes:
    """Encode one chunk as Parquet bytes, deterministic for equal input.

    The chunk id and the scenario hash go into the file's key-value metadata; page
    checksums let a reader detect damaged pages. Nothing time- or host-dependent is
    written, so every runner produces byte-identical files.
    """
    meta = dict(table.schema.metadata or {})
    meta[b"herz.chunk"] = chunk.encode()
    meta[b"herz.scenario_hash"] = scenario_hash.encode()
    table = table.replace_schema_metadata(meta)
    buf = io.BytesIO()
    # Small chunks are written uncompressed (compression costs more time than it saves
    # space there); the rule depends only on the data, so every runner agrees.
    compression = "zstd" if table.nbytes > SMALL_CHUNK_BYTES else "none"
    pq.write_table(table, buf, compression=compression, write_page_checksum=True,
                   write_statistics=True)
    return buf.getvalue()


def decode_chunk(data: bytes) -> pa.Table:
    """Read Parquet bytes (as written by :func:`encode_chunk`) back into a table.

    Page checksums are verified; bytes that are not a readable Parquet file raise
    :class:`ResultsError`.
    """
    try:
        return pq.read_table(io.BytesIO(data), page_checksum_verification=True)
    except (pa.ArrowException, OSError, ValueError, TypeError, IndexError) as exc:
        raise ResultsError(f"not a readable Parquet chunk ({type(exc).__name__}: {exc})") from None


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        return value.item()
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


class Store:
    """A results directory (see the module docstring).

    The store is used by one writer at a time: :meth:`lock` takes an exclusive
    ``flock`` that the kernel releases when the process ends, however it ends.
    """

    def __init__(self, path: str | Path, manifest_interval: float = 0.5,
                 fsync: bool = False) -> None:
        self.path = Path(path)
        self.manifest_path = self.path / "manifest.json"
        self.design_path = self.path / "design.parquet"
        self.chunks_dir = self.path / "chunks"
        self.corrupt_dir = self.path / "corrupt"
        self.manifest: dict[str, Any] | None = None
        self.manifest_interval = manifest_interval
        self._interval = manifest_interval
        self.fsync = fsync
        self._last_save = 0.0
        self._dirty = False
        self._dirlock: Any = None
        self.seconds = 0.0  # time spent writing (for the benchmark's store share)

    # ---------------------------------------------------------------- lifecycle

    def exists(self) -> bool:
        """Whether this directory holds a manifest."""
        return self.manifest_path.is_file()

    def read_manifest(self) -> dict[str, Any]:
        """Read and validate ``manifest.json`` (raise :class:`ResultsError`, one line)."""
        self.check_layout()
        try:
            man = manifest_mod.read_manifest(self.manifest_path)
        except FileNotFoundError:
            if self.path.is_dir() and any(self.path.glob(".manifest.json.tmp-*")):
                raise ResultsError(f"{self.path}: no manifest.json: a sweep was stopped while "
                                   f"writing its first one; `herz resume {self.path}` recovers "
                                   "it if it is whole (otherwise run the sweep again)"
                                   ) from None
            raise ResultsError(f"{self.path}: not a herz results directory "
                               "(no manifest.json)") from None
        except OSError as exc:
            raise ResultsError(f"{self.manifest_path}: cannot read the manifest "
                               f"({exc.strerror or exc})") from None
        except ValueError as exc:
            raise ResultsError(f"{self.manifest_path}: damaged manifest: {exc}") from None
        self.manifest = man
        return man

    def check_layout(self) -> None:
        """Refuse a directory whose own parts are links or of the wrong kind."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return
        except OSError as exc:
            raise ResultsError(f"{self.path}: cannot use the results directory "
                               f"({exc.strerror or exc})") from None
        if not stat.S_ISDIR(st.st_mode):
            raise ResultsError(f"{self.path}: the results directory is a file, not a directory")
        for name, kind in (("chunks", stat.S_ISDIR), ("corrupt", stat.S_ISDIR),
                           ("stray", stat.S_ISDIR), ("manifest.json", stat.S_ISREG),
                           ("design.parquet", stat.S_ISREG)):
            try:
                mode = os.lstat(self.path / name).st_mode
            except FileNotFoundError:
                continue
            if stat.S_ISLNK(mode):
                raise ResultsError(f"{self.path / name}: is a symbolic link; a results "
                                   "directory must hold its own files (refused)")
            if not kind(mode):
                raise ResultsError(f"{self.path / name}: is not a "
                                   f"{'directory' if kind is stat.S_ISDIR else 'regular file'}")

    def prepare(self) -> bool:
        """Make the directory if needed (return whether it was made here)."""
        if self.path.exists() and not self.path.is_dir():
            raise ResultsError(f"output = {str(self.path)!r}: is a file, not a directory; "
                               "choose a new or empty directory")
        made = not self.path.exists()
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            raise ResultsError(f"output = {str(self.path)!r}: a part of the path is a file, "
                               "not a directory") from None
        return made

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the directory's exclusive lock (raise naming the holder if another has it).

        See :mod:`herz.experiment.locking`.
        """
        from herz.experiment.locking import DirectoryLock

        self.prepare()
        self.check_layout()
        with DirectoryLock(self.path) as held:
            self._dirlock = held
            try:
                yield
            finally:
                self._dirlock = None

    def create(self, scenario: Any, design: pd.DataFrame, source_text: str) -> dict[str, Any]:
        """Start a new results directory for ``scenario`` (a :class:`Scenario`)."""
        self.chunks_dir.mkdir(parents=True, exist_ok=True)
        table = pa.Table.from_pandas(design, preserve_index=False)
        design_bytes = encode_chunk(table, "design", scenario.hash)
        _atomic_write(self.design_path, design_bytes)
        self.manifest = {
            "format": FORMAT,
            "scenario_hash": scenario.hash,
            "scenario": _jsonable(scenario.to_dict()),
            "scenario_toml": source_text,
            "scenario_document": _jsonable(dict(scenario.document)),
            "design": {**_jsonable(scenario.canonical()["design"]), "points": len(design),
                       "file": "design.parquet",
                       "sha256": hashlib.sha256(design_bytes).hexdigest()},
            "seed_tree": {
                "seed": scenario.seed,
                "design": [0],
                "point": [1, "POINT"],
                "replicate": [1, "POINT", "REPLICATE"],
                "how": "herz.rng.child_seed(seed, *key)",
            },
            "versions": _with_model(versions(), scenario),
            "created": now(),
            "status": "created",
            "runs": [],
            "chunks": {},
        }
        self.save(force=True)
        return self.manifest

    def save(self, force: bool = False) -> None:
        """Rewrite the manifest atomically (at most every ``manifest_interval`` s)."""
        if self.manifest is None:
            return
        t = time.perf_counter()
        if not force and t - self._last_save < self._interval:
            self._dirty = True
            return
        self.manifest["seal"] = manifest_mod.seal(self.manifest)
        # No indent: json's C encoder only serves compact output (ten times faster).
        data = json.dumps(self.manifest, separators=(",", ":"), allow_nan=False).encode()
        _atomic_write(self.manifest_path, data, fsync=self.fsync)
        if self._dirlock is not None and not os.path.lexists(self.path / ".lock"):
            self._dirlock.describe()  # someone deleted the holder's record: write it again
        self._last_save = time.perf_counter()
        self._dirty = False
        cost = self._last_save - t
        self.seconds += cost
        # A big manifest is rewritten less often: at most ~2 % of the time goes into it.
        self._interval = max(self.manifest_interval, 50.0 * cost)

    # ---------------------------------------------------------------- runs

    def begin_run(self, runner: str, workers: int | None) -> dict[str, Any]:
        """Record the start of a run (a sweep or a resume) in the manifest."""
        assert self.manifest is not None
        run = {"started": now(), "ended": None, "status": "running", "runner": runner,
               "workers": workers, "host": socket.gethostname(), "pid": os.getpid(),
               "versions": versions()}
        self.manifest["runs"].append(run)
        self.manifest["status"] = "running"
        self.save(force=True)
        return run

    def end_run(self, status: str) -> None:
        """Record the end of the current run and the sweep's status."""
        assert self.manifest is not None
        if self.manifest["runs"]:
            self.manifest["runs"][-1].update(ended=now(), status=status)
        self.manifest["status"] = status
        if status == "complete":
            self.manifest["completed"] = now()
        self.save(force=True)

    # ---------------------------------------------------------------- chunks

    @property
    def chunks(self) -> dict[str, dict[str, Any]]:
        """The manifest's chunk records by chunk id."""
        assert self.manifest is not None
        chunks: dict[str, dict[str, Any]] = self.manifest["chunks"]
        return chunks

    def plan(self, records: list[dict[str, Any]]) -> None:
        """Add planned chunks (status ``pending``) that the manifest does not hold yet."""
        for rec in records:
            self.chunks.setdefault(rec["id"], {**rec, "status": "pending"})
        self.save(force=True)

    def chunk_path(self, chunk: str) -> Path:
        """Where chunk ``chunk`` lives once finished (a strict name: never outside ``chunks/``)."""
        if not isinstance(chunk, str) or not manifest_mod.CHUNK_ID.match(chunk):
            raise ResultsError(f"chunk id {str(chunk)[:80]!r}: not a chunk name "
                               "(pNNNNNN-rNNNNNNN-NNNNNNN)")
        return self.chunks_dir / f"{chunk}.parquet"

    def write_chunk(self, chunk: str, data: bytes, info: Mapping[str, Any]) -> None:
        """Write a finished chunk atomically and mark it done."""
        t = time.perf_counter()
        _atomic_write(self.chunk_path(chunk), data, fsync=self.fsync)
        rec = self.chunks[chunk]
        rec.update(info)
        rec.update(status="done", finished=now(), bytes=len(data))
        rec.pop("error", None)
        rec.pop("traceback", None)
        self.seconds += time.perf_counter() - t
        self.save()

    def record_failure(self, chunk: str, error: str, traceback: str,
                       info: Mapping[str, Any] | None = None) -> None:
        """Mark a chunk failed, with its error (never a row of NaN)."""
        rec = self.chunks[chunk]
        rec.update(info or {})
        rec.update(status="failed", error=error, traceback=traceback, finished=now(),
                   attempts=int(rec.get("attempts", 0)) + 1)
        self.save()

    def clean_temporary(self) -> list[str]:
        """Remove files a crashed writer left under temporary names (hold the lock)."""
        removed = []
        for d in (self.path, self.chunks_dir):
            if not d.is_dir():
                continue
            for p in d.iterdir():
                if p.name.startswith(".") and ".tmp-" in p.name and (p.is_symlink()
                                                                     or not p.is_dir()):
                    p.unlink(missing_ok=True)
                    removed.append(p.name)
        return removed

    def verify_chunk(self, chunk: str, scenario_hash: str) -> str | None:
        """Return why the file of ``chunk`` is not a good finished chunk, or None."""
        path = self.chunk_path(chunk)
        rec = self.chunks.get(chunk, {})
        if not os.path.lexists(path):
            return "missing"
        try:
            data = read_plain(path)
        except OSError:
            return "not a regular file (a symbolic link or a directory; refused)"
        sha = rec.get("sha256")
        if rec.get("status") == "done" and sha and hashlib.sha256(data).hexdigest() != sha:
            return "SHA-256 differs from the manifest"
        try:
            pf = pq.ParquetFile(io.BytesIO(data), page_checksum_verification=True)
            meta = pf.schema_arrow.metadata or {}
            if meta.get(b"herz.chunk") != chunk.encode():
                return "not this chunk (metadata)"
            if meta.get(b"herz.scenario_hash") != scenario_hash.encode():
                return "written for another scenario (metadata)"
            table = pf.read()
        except Exception as exc:  # any decoding error means a damaged file
            return f"unreadable Parquet ({type(exc).__name__}: {exc})"
        expected = int(rec["stop"]) - int(rec["start"]) if "stop" in rec else None
        if expected is not None and table.num_rows != expected:
            return f"{table.num_rows} rows, expected {expected}"
        if not sha:
            # No SHA-256 to compare with (finished after the manifest's last rewrite): the
            # footer is not checksummed, so check what it says against the plan and the
            # schema of a chunk whose SHA-256 did match.
            why = self._check_unrecorded(chunk, rec, table)
            if why:
                return why
            rec["sha256"] = hashlib.sha256(data).hexdigest()
            rec["rows"] = table.num_rows
            rec["bytes"] = len(data)
        return None

    def _check_unrecorded(self, chunk: str, rec: Mapping[str, Any], table: pa.Table) -> str | None:
        try:
            if "point" in rec:
                points = table.column("point").to_pylist()
                if points != [int(rec["point"])] * table.num_rows:
                    return "point column differs from the plan"
            if "start" in rec and "stop" in rec:
                if table.column("replicate").to_pylist() != list(range(int(rec["start"]), int(rec["stop"]))):
                    return "replicate column differs from the plan"
        except (KeyError, pa.ArrowException) as exc:
            return f"not a chunk of this sweep ({type(exc).__name__}: {exc})"
        ref = self._reference_schema(chunk)
        if ref is not None:
            if not table.schema.equals(ref, check_metadata=False):
                return "schema differs from the other chunks"
            meta = {k: v for k, v in (table.schema.metadata or {}).items() if k != b"herz.chunk"}
            ref_meta = {k: v for k, v in (ref.metadata or {}).items() if k != b"herz.chunk"}
            if meta != ref_meta:
                return "schema metadata differs from the other chunks"
        return None

    def _reference_schema(self, chunk: str) -> pa.Schema | None:
        """The schema of a finished chunk whose SHA-256 matches the manifest (cached)."""
        cached = getattr(self, "_ref_schema", None)
        if cached is not None:
            return cached
        for cid, rec in self.chunks.items():
            sha = rec.get("sha256")
            path = self.chunk_path(cid)
            if cid == chunk or rec.get("status") != "done" or not sha or not is_plain_file(path):
                continue
            try:
                data = read_plain(path)
                if hashlib.sha256(data).hexdigest() != sha:
                    continue
                schema: pa.Schema = pq.read_schema(io.BytesIO(data))
            except (OSError, pa.ArrowException):
                continue
            self._ref_schema = schema
            return schema
        return None

    def quarantine(self, chunk: str, reason: str) -> None:
        """Move a damaged chunk file to ``corrupt/`` and mark the chunk pending."""
        path = self.chunk_path(chunk)
        if os.path.lexists(path):
            self.corrupt_dir.mkdir(exist_ok=True)
            stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
            os.replace(path, self.corrupt_dir / f"{chunk}.{stamp}.parquet")
        rec = self.chunks.get(chunk)
        if rec is None:  # no record: nothing to plan again (never a record without its runs)
            return
        rec.update(status="pending", recomputed_because=reason)
        for key in ("sha256", "rows", "bytes", "finished"):
            rec.pop(key, None)
