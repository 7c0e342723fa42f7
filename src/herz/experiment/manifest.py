"""The manifest of a results directory, read through one validated schema.

A results directory may come from anywhere (a colleague, a download, a sync tool), so
``manifest.json`` is untrusted input. :func:`read_manifest` reads it with bounded
memory (the file's size is capped before it is read; JSON nesting errors are caught),
refuses a symbolic link, and validates it with :class:`Manifest` (pydantic, strict
types, bounded ranges and sizes): every chunk id must follow the strict name pattern
``pNNNNNN-rNNNNNNN-NNNNNNN`` and equal the name of its own point and replicate range,
so no id can name a path outside ``chunks/``. Whatever is wrong comes back as one
:class:`~herz.experiment.store.ResultsError` line naming the field, never a traceback.

:func:`seal` is the manifest's hash chain over the scenario hash, ``design.parquet``'s
SHA-256 and every finished chunk's id and SHA-256 (in id order). It is rewritten with
every manifest save; a manifest edited by hand (a chunk's SHA-256 changed to match a
modified file, a scenario edited and re-hashed) no longer matches it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

__all__ = [
    "CHUNK_ID",
    "MAX_CHUNKS",
    "MAX_MANIFEST_BYTES",
    "MODEL_NAME",
    "Manifest",
    "chunk_id",
    "parse_manifest",
    "read_manifest",
    "seal",
]

FORMAT = "herz-sweep/1"
#: The most chunks one results directory may plan (keeps the manifest tens of MB at most).
MAX_CHUNKS = 100_000
#: The largest manifest.json read (100,000 finished chunk records take about 32 MB).
MAX_MANIFEST_BYTES = 128 * 1024 * 1024
MAX_REPLICATES = 10_000_000
MAX_POINTS = 1_000_000
MAX_RUNS = 100_000
MAX_TEXT = 1024 * 1024
#: A chunk's name: point (6+ digits), first replicate and end (7+ digits), zero-padded.
CHUNK_ID = re.compile(r"^p(\d{6,7})-r(\d{7,8})-(\d{7,8})$")
#: A model: a registered short name, or an import path ``module.path:attr``.
MODEL_NAME = re.compile(r"^(?:[A-Za-z][A-Za-z0-9_\-]{0,63}|[A-Za-z_][A-Za-z0-9_]*"
                        r"(?:\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_]*)$")
SHA256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
Count = Annotated[int, Field(ge=0, le=2**62)]
Text = Annotated[str, Field(max_length=MAX_TEXT)]
Short = Annotated[str, Field(max_length=4096)]


def chunk_id(point: int, start: int, stop: int) -> str:
    """The name of the chunk of replicates ``start..stop-1`` of ``point``."""
    return f"p{point:06d}-r{start:07d}-{stop:07d}"


_CFG = ConfigDict(strict=True, extra="forbid")
_OPEN = ConfigDict(strict=True, extra="allow")


class ChunkRecord(BaseModel):
    """One chunk's record: which runs, its status, and (once done) its size and SHA-256."""

    model_config = _CFG

    id: Annotated[str, Field(pattern=CHUNK_ID.pattern)]
    point: Annotated[int, Field(ge=0, lt=MAX_POINTS)]
    start: Annotated[int, Field(ge=0, lt=MAX_REPLICATES)]
    stop: Annotated[int, Field(ge=1, le=MAX_REPLICATES)]
    status: Literal["pending", "done", "failed"]
    round: Annotated[int, Field(ge=0, le=MAX_REPLICATES)] = 0
    seed_key: list[int] | None = None
    sha256: SHA256 | None = None
    rows: Count | None = None
    bytes: Count | None = None
    seconds: Annotated[float, Field(ge=0)] | None = None
    worker: Short | None = None
    finished: Short | None = None
    attempts: Annotated[int, Field(ge=0, le=1_000_000)] | None = None
    error: Text | None = None
    traceback: Text | None = None
    recomputed_because: Text | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ChunkRecord:
        if self.stop <= self.start:
            raise ValueError(f"stop ({self.stop}) must be greater than start ({self.start})")
        if self.id != chunk_id(self.point, self.start, self.stop):
            raise ValueError(f"id {self.id!r} is not the name of point {self.point}, replicates "
                             f"{self.start}..{self.stop - 1} "
                             f"({chunk_id(self.point, self.start, self.stop)!r})")
        if self.status == "done" and self.sha256 is None:
            raise ValueError("a done chunk needs its sha256")
        return self


class RunRecord(BaseModel):
    """One sweep or resume that wrote here."""

    model_config = _OPEN

    started: Short
    ended: Short | None = None
    status: Literal["running", "complete", "incomplete", "interrupted", "failed"]
    runner: Short = ""
    workers: Annotated[int, Field(ge=0, le=1_000_000)] | None = None
    host: Short = ""
    pid: Annotated[int, Field(ge=0)] | None = None
    versions: dict[Short, Short] = Field(default_factory=dict)


class DesignRecord(BaseModel):
    """The design's summary and ``design.parquet``'s SHA-256."""

    model_config = _OPEN

    points: Annotated[int, Field(ge=1, le=MAX_POINTS)]
    file: Literal["design.parquet"] = "design.parquet"
    sha256: SHA256
    method: Short | None = None


class ScenarioSummary(BaseModel):
    """The manifest's summary of the scenario (checked against its TOML by verify)."""

    model_config = _OPEN

    name: Annotated[str, Field(max_length=200)] = ""
    model: Annotated[str, Field(max_length=300, pattern=MODEL_NAME.pattern)]
    source: Annotated[str, Field(max_length=4096)] = "<manifest>"


class Manifest(BaseModel):
    """The whole manifest (see :mod:`herz.experiment.store` for what each part means)."""

    model_config = _OPEN

    format: Literal["herz-sweep/1"]
    scenario_hash: SHA256
    scenario: ScenarioSummary
    scenario_toml: Text = ""
    scenario_document: dict[str, Any] | None = None
    design: DesignRecord
    seed_tree: dict[str, Any] = Field(default_factory=dict)
    versions: dict[Short, Short] = Field(default_factory=dict)
    created: Short = ""
    completed: Short | None = None
    status: Literal["created", "running", "complete", "incomplete", "interrupted", "failed"]
    runs: Annotated[list[RunRecord], Field(max_length=MAX_RUNS)]
    chunks: Annotated[dict[Annotated[str, Field(pattern=CHUNK_ID.pattern)], ChunkRecord],
                      Field(max_length=MAX_CHUNKS)]
    seal: SHA256 | None = None

    @model_validator(mode="after")
    def _plan(self) -> Manifest:
        if not self.scenario_toml and self.scenario_document is None:
            raise ValueError("holds no scenario (neither scenario_toml nor scenario_document)")
        for key, rec in self.chunks.items():
            if key != rec.id:
                raise ValueError(f"chunks.{key}: its record's id is {rec.id!r}")
            if rec.point >= self.design.points:
                raise ValueError(f"chunks.{key}: point {rec.point} is outside the design "
                                 f"(points 0..{self.design.points - 1})")
        return self


def _describe(exc: ValidationError) -> str:
    errs = exc.errors(include_url=False)
    first = errs[0]
    parts = [str(x) for x in first["loc"]]
    loc = ".".join(x for x in parts if x != "[key]") or "(top level)"
    if "[key]" in parts:
        loc += " (a key)"
    msg = str(first["msg"]).removeprefix("Value error, ")
    if CHUNK_ID.pattern in msg:
        msg = ("must be a chunk name pNNNNNN-rNNNNNNN-NNNNNNN (the zero-padded point, first "
               "replicate and end; never a path)")
    value = first.get("input")
    shown = repr(value) if isinstance(value, str | int | float | bool) or value is None \
        else type(value).__name__
    if len(shown) > 60:
        shown = shown[:57] + "..."
    more = f" (and {len(errs) - 1} more problem(s))" if len(errs) > 1 else ""
    if first["type"] in ("missing",):
        return f"{loc}: missing{more}"
    return f"{loc} = {shown}: {msg}{more}"


def parse_manifest(data: Any) -> dict[str, Any]:
    """Validate a manifest already decoded from JSON; return it (raise ValueError on bad input)."""
    if not isinstance(data, dict):
        raise ValueError(f"(top level) = {type(data).__name__}: must be a JSON object")
    if data.get("format") != FORMAT:
        raise ValueError(f"format = {str(data.get('format'))[:40]!r}: not a {FORMAT} manifest")
    try:
        Manifest.model_validate(data)
    except ValidationError as exc:
        raise ValueError(_describe(exc)) from None
    except RecursionError:
        raise ValueError("nested too deeply") from None
    return data


def _no_constant(name: str) -> Any:
    """NaN and Infinity are not JSON (herz writes them never): refuse them."""
    raise json.JSONDecodeError(f"{name} is not a JSON number", name, 0)


def read_manifest(path: Path) -> dict[str, Any]:
    """Read and validate ``path`` (raise ValueError, or FileNotFoundError when absent).

    A symbolic link is refused; a file over :data:`MAX_MANIFEST_BYTES` is refused before
    it is read.
    """
    try:
        st = os.lstat(path)
    except NotADirectoryError:
        raise FileNotFoundError(str(path)) from None
    if stat.S_ISLNK(st.st_mode):
        raise ValueError("is a symbolic link (refused: a results directory holds its own files)")
    if not stat.S_ISREG(st.st_mode):
        raise ValueError("is not a regular file")
    if st.st_size > MAX_MANIFEST_BYTES:
        raise ValueError(f"{st.st_size} bytes: larger than the {MAX_MANIFEST_BYTES} bytes a "
                         "manifest may have")
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as fh:
        raw = fh.read(MAX_MANIFEST_BYTES + 1)
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ValueError(f"damaged JSON ({' '.join(str(exc).split())[:120]})") from None
    return parse_manifest(data)


def seal(man: Mapping[str, Any]) -> str:
    """The manifest's hash chain: scenario hash, design SHA-256, then each done chunk.

    ``h = sha256(format, scenario_hash, design sha256)``, then for every done chunk in id
    order ``h = sha256(h, id, sha256)``.
    """
    design = man.get("design") or {}
    h = hashlib.sha256(f"{FORMAT}\n{man.get('scenario_hash')}\n{design.get('sha256')}\n"
                       .encode()).digest()
    chunks = man.get("chunks") or {}
    for cid in sorted(chunks):
        rec = chunks[cid]
        if rec.get("status") == "done":
            h = hashlib.sha256(h + f"{cid}\n{rec.get('sha256')}\n".encode()).digest()
    return h.hex()
