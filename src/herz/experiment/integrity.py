"""One integrity check of a results directory, shared by query, resume, verify and replay.

:func:`scan` reads the (validated) manifest and looks at every file the directory
holds, without writing anything:

- ``damaged``: chunks the manifest marks done whose file is missing, not a regular
  file (a symbolic link is refused, never followed), of another size than the
  manifest's ``bytes`` or SHA-256;
- ``pending_files``: files of chunks not marked done (finished after the manifest's
  last rewrite, or left by a killed writer): nobody reads them before resume has
  checked their contents;
- ``strays``: anything in ``chunks/`` that is no chunk of the plan (a sync tool's
  copy, a macOS ``._`` file, a chunk whose record was removed, a directory, a link);
- ``design``: ``design.parquet`` missing, not regular, or not the manifest's SHA-256;
- ``provenance``: the manifest disagrees with the files it describes: its seal (the
  hash chain of :func:`herz.experiment.manifest.seal`) does not match its records,
  or ``design.parquet`` or a chunk whose SHA-256 the manifest records was written for
  another scenario than the manifest's (an edited, re-hashed scenario);
- ``incomplete``: the sweep has not finished (status, or chunks not done).

:attr:`Scan.good` lists the done chunks whose files match the manifest.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from herz.experiment.files import read_plain
from herz.experiment.manifest import CHUNK_ID
from herz.experiment.manifest import seal as seal_of
from herz.experiment.store import Store

__all__ = ["Scan", "file_sha", "plan_problems", "scan", "scenario_hash_of"]

#: SHA-256 of files already read, by (path, inode, size, mtime): each file is hashed once
#: per process however often it is queried. A file changed less than two seconds before
#: it was hashed is not remembered (its mtime may not yet tell a rewrite apart).
_CHECKED: dict[tuple[str, int, int, int], tuple[str, bytes | None]] = {}


def _is_temporary(name: str) -> bool:
    return name.startswith(".") and ".tmp-" in name


def file_sha(path: Path) -> tuple[str, bytes | None]:
    """(SHA-256, the Parquet file's herz.scenario_hash or None) of a regular file."""
    st = os.lstat(path)
    if not stat.S_ISREG(st.st_mode):
        raise IsADirectoryError(f"{path}: not a regular file")
    key = (str(path), st.st_ino, st.st_size, st.st_mtime_ns)
    hit = _CHECKED.get(key)
    if hit is not None:
        return hit
    data = read_plain(path)
    out = (hashlib.sha256(data).hexdigest(), scenario_hash_of(data))
    if time.time_ns() - st.st_mtime_ns > 2_000_000_000:
        _CHECKED[key] = out
    return out


def scenario_hash_of(data: bytes) -> bytes | None:
    """The ``herz.scenario_hash`` a Parquet file's footer records (None if unreadable)."""
    try:
        meta = pq.read_schema(io.BytesIO(data)).metadata or {}
    except (pa.ArrowException, OSError, ValueError, IndexError):
        return None
    value = meta.get(b"herz.scenario_hash")
    return value if isinstance(value, bytes) else None


@dataclass
class Scan:
    """What :func:`scan` found (messages name the file)."""

    path: Path
    chunks: int = 0
    runs_planned: int = 0
    runs_done: int = 0
    status: str = ""
    good: list[str] = field(default_factory=list)
    damaged: dict[str, str] = field(default_factory=dict)
    wrong_bytes: dict[str, int] = field(default_factory=dict)
    pending_files: list[str] = field(default_factory=list)
    strays: list[str] = field(default_factory=list)
    design: str | None = None
    provenance: list[str] = field(default_factory=list)
    not_done: int = 0
    failed: int = 0

    @property
    def incomplete(self) -> bool:
        """True while the sweep has not finished (chunks pending, or stopped or running)."""
        return self.status not in ("complete", "incomplete") or self.not_done > self.failed

    @property
    def sound(self) -> bool:
        """True when every file the manifest relies on matches it (completeness aside)."""
        return not (self.damaged or self.wrong_bytes or self.pending_files or self.strays
                    or self.design or self.provenance)

    @property
    def ok(self) -> bool:
        """True when every chunk is done and every file matches the manifest."""
        return self.sound and not self.incomplete and not self.not_done

    def problems(self) -> list[str]:
        """Every finding as one message."""
        out = list(self.provenance)
        if self.design:
            out.append(f"design.parquet: {self.design}")
        out += [f"chunks/{c}.parquet: {why}" for c, why in sorted(self.damaged.items())]
        out += [f"chunks/{c}.parquet has {n} bytes, the manifest says a different size"
                for c, n in sorted(self.wrong_bytes.items())]
        out += [f"chunks/{c}.parquet: the manifest does not mark it done (unchecked)"
                for c in self.pending_files]
        out += [f"chunks/{n}: not a chunk of this sweep" for n in self.strays]
        return out

    def progress(self) -> str:
        """``N of M runs (K of L chunks) verified``, and how many chunks failed."""
        return (f"{self.runs_done} of {self.runs_planned} runs ({len(self.good)} of "
                f"{self.chunks} chunks) verified"
                + (f", {self.failed} chunk(s) failed (the failures view lists them)"
                   if self.failed else ""))


def scan(store: Store, man: Mapping[str, Any] | None = None, *,
         only: set[str] | None = None) -> Scan:
    """Check every file of ``store`` against its manifest (read-only; see the module doc).

    ``only``: check just these chunks' files (and the manifest and the design).
    """
    if man is None:
        man = store.read_manifest()
    chunks: Mapping[str, Mapping[str, Any]] = man["chunks"]
    recorded = str(man["scenario_hash"]).encode()
    out = Scan(path=store.path, chunks=len(chunks), status=str(man.get("status", "")))
    out.runs_planned = sum(int(r["stop"]) - int(r["start"]) for r in chunks.values())
    if man.get("seal") is not None and man["seal"] != seal_of(man):
        out.provenance.append("manifest.json: its seal (the hash chain over the scenario, "
                              "the design and the chunks' SHA-256) does not match its records "
                              "(the manifest was edited)")

    # design.parquet
    supports = 0  # files whose footer names the manifest's scenario
    others: set[bytes] = set()
    try:
        dsha, dscen = file_sha(store.design_path)
    except FileNotFoundError:
        out.design = "missing"
    except OSError:
        out.design = "not a regular file (refused)"
    else:
        if dsha != man["design"]["sha256"]:
            out.design = "SHA-256 differs from the manifest (damaged)"
        elif dscen != recorded:
            out.provenance.append(
                f"design.parquet was written for scenario {(dscen or b'?')[:12].decode()}, "
                f"the manifest records {recorded[:12].decode()} (the manifest's scenario was "
                "edited)")
        if dscen == recorded:
            supports += 1
        elif dscen:
            others.add(dscen)

    # chunks/
    on_disk: dict[str, os.DirEntry[str]] = {}
    if store.chunks_dir.is_dir():
        with os.scandir(store.chunks_dir) as it:
            for entry in it:
                if _is_temporary(entry.name):
                    continue
                stem = entry.name[:-len(".parquet")] if entry.name.endswith(".parquet") else ""
                if stem and CHUNK_ID.match(stem) and stem in chunks:
                    on_disk[stem] = entry
                else:
                    out.strays.append(entry.name)
    out.strays.sort()
    for cid in sorted(chunks) if only is None else sorted(only & set(chunks)):
        rec = chunks[cid]
        item = on_disk.get(cid)
        if rec["status"] != "done":
            out.not_done += 1
            out.failed += rec["status"] == "failed"
            if item is not None:
                out.pending_files.append(cid)
            continue
        if item is None:
            out.damaged[cid] = "missing"
            continue
        if item.is_symlink() or not item.is_file(follow_symlinks=False):
            out.damaged[cid] = "not a regular file (a symbolic link or a directory; refused)"
            continue
        try:
            sha, scen = file_sha(Path(item.path))
        except OSError as exc:
            out.damaged[cid] = f"cannot be read ({exc.strerror or exc})"
            continue
        if sha != rec.get("sha256"):
            out.damaged[cid] = "SHA-256 differs from the manifest (damaged)"
            continue
        if scen != recorded:
            out.provenance.append(
                f"chunks/{cid}.parquet matches its SHA-256 but was written for scenario "
                f"{(scen or b'?')[:12].decode()}, the manifest records {recorded[:12].decode()}"
                " (the manifest's scenario was edited)")
            if scen:
                others.add(scen)
            continue
        supports += 1
        size = item.stat(follow_symlinks=False).st_size
        if rec.get("bytes") is not None and rec["bytes"] != size:
            out.wrong_bytes[cid] = size
        out.good.append(cid)
        out.runs_done += int(rec["stop"]) - int(rec["start"])
    if not supports and others and not out.provenance:
        out.provenance.append("no file here was written for the manifest's scenario "
                              f"{recorded[:12].decode()} (the manifest's scenario was edited)")
    return out


def plan_problems(man: Mapping[str, Any], scenario: Any) -> dict[str, str]:
    """Chunk records that do not fit the planned grid of ``scenario``: ``{id: why}``.

    Round 0 must be exactly the scenario's chunks (each point's replicates cut into
    ``chunk_size``); adaptive rounds stay within ``max_replicates`` and ``chunk_size``.
    """
    size = int(scenario.chunk_size)
    reps = int(scenario.replicates)
    top = reps if scenario.adaptive is None else int(scenario.adaptive.max_replicates)
    n_points = len(scenario.points)
    out: dict[str, str] = {}
    for cid, rec in man["chunks"].items():
        p, a, b = int(rec["point"]), int(rec["start"]), int(rec["stop"])
        if p >= n_points:
            out[cid] = f"point {p} is outside the design (points 0..{n_points - 1})"
        elif b - a > size:
            out[cid] = f"{b - a} replicates, more than chunk_size {size}"
        elif int(rec.get("round", 0)) == 0:
            if a % size or b != min(a + size, reps):
                out[cid] = f"not a chunk of the plan (chunks of {size} replicates up to {reps})"
        elif b > top:
            out[cid] = f"replicates beyond max_replicates {top}"
    return out
