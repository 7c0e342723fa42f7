"""Damaged and foreign Parquet files: a clean ResultsError or a quarantined chunk, never wrong data.

A tiny sweep (the toy model: 4 design points x 2 chunks of 2 replicates) gives real chunk
files. Each case damages one or more of them, by truncating at an offset, flipping bits at
positions, or putting a foreign file in their place (CSV, JSON, random bytes, an empty
file, a valid Parquet file with another schema, the same chunk of another scenario, another
chunk of the same sweep), then reads them the ways herz does:

- ``decode_chunk``: a table or a ResultsError, never another exception;
- ``Store.verify_chunk`` (what resume runs), with the manifest's SHA-256 and without it (a
  chunk that finished after the manifest's last rewrite): every damaged file is refused,
  or reads back exactly as the original;
- ``query``: the original rows or a ResultsError, never other rows;
- ``resume``: damaged chunks are moved to corrupt/ and computed again, and the results equal
  the undamaged sweep's exactly.

Generated cases (fixed, derandomized, so CI runs the same ones every time):
``test_fuzz_decode_chunk`` 600, ``test_fuzz_verify_chunk`` 400, ``test_fuzz_query`` 300,
``test_fuzz_resume`` 60.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from herz.experiment import ResultsError, Store, parse_scenario, query, resume, sweep
from herz.experiment.manifest import seal
from herz.experiment.store import decode_chunk

TOY = """
[experiment]
name = "fuzz-parquet"
model = "toy"
seed = {seed}
steps = 10
replicates = 4
chunk_size = 2

[design]
method = "grid"
[design.factors]
offense_defense_balance = [0.5, 2.0]
distinguishability = [0.0, 1.0]
"""
ALL = "SELECT * FROM results ORDER BY point, replicate"


#: The two sweeps, their chunk bytes, tables and rows (module state: Hypothesis would print a
#: fixture's value, bytes and all, with every failing case).
S: dict[str, Any] = {}


@pytest.fixture(scope="module", autouse=True)
def sweeps() -> Iterator[None]:
    with tempfile.TemporaryDirectory(prefix="herz-fuzz-parquet-") as d:
        root = Path(d)
        main = sweep(parse_scenario(TOY.format(seed=11)), output=root / "main", runner="inprocess")
        other = sweep(parse_scenario(TOY.format(seed=12)), output=root / "other", runner="inprocess")
        assert main.ok and other.ok and main.done == 8
        chunks = {p.stem: p.read_bytes() for p in sorted((root / "main" / "chunks").glob("*.parquet"))}
        S.update(root=root, main=root / "main", other=root / "other", chunks=chunks,
                 rows=query(root / "main", ALL),
                 tables={c: pq.read_table(io.BytesIO(b)) for c, b in chunks.items()})
        yield
        S.clear()


def _foreign(kind: str, chunk: str, s: dict[str, Any]) -> bytes:
    if kind == "csv":
        return s["rows"].to_csv(index=False).encode()
    if kind == "json":
        return json.dumps({"point": [0], "replicate": [0]}).encode()
    if kind == "empty":
        return b""
    if kind == "magic-only":
        return b"PAR1PAR1"
    if kind == "other-schema":
        buf = io.BytesIO()
        pq.write_table(pa.table({"a": [1, 2], "b": ["x", "y"]}), buf)
        return buf.getvalue()
    if kind == "same-rows-no-metadata":  # the right rows, but not written by herz for this sweep
        buf = io.BytesIO()
        pq.write_table(s["tables"][chunk].replace_schema_metadata(None), buf)
        return buf.getvalue()
    if kind == "other-scenario":
        return (s["other"] / "chunks" / f"{chunk}.parquet").read_bytes()
    assert kind == "other-chunk"
    names = sorted(s["chunks"])
    return s["chunks"][names[(names.index(chunk) + 1) % len(names)]]


FOREIGN = ["csv", "json", "empty", "magic-only", "other-schema", "same-rows-no-metadata", "other-scenario",
           "other-chunk"]


@st.composite
def damage(draw: st.DrawFn, chunks: list[str]) -> tuple[str, str, Any]:
    """(chunk, how, detail): truncate at an offset, flip bits, or a foreign file."""
    chunk = draw(st.sampled_from(chunks))
    how = draw(st.sampled_from(["truncate", "flip", "flip", "flip", "foreign", "random"]))
    if how == "truncate":
        return chunk, how, draw(st.floats(0, 1, exclude_max=True))
    if how == "flip":
        return chunk, how, draw(st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(1, 255)),
                                         min_size=1, max_size=3))
    if how == "foreign":
        return chunk, how, draw(st.sampled_from(FOREIGN))
    return chunk, how, draw(st.binary(min_size=1, max_size=300))


def damaged_bytes(case: tuple[str, str, Any], s: dict[str, Any]) -> bytes:
    chunk, how, detail = case
    data = s["chunks"][chunk]
    if how == "truncate":
        return data[: int(detail * len(data))]
    if how == "flip":
        out = bytearray(data)
        for where, mask in detail:
            out[int(where * len(out))] ^= mask
        return bytes(out)
    if how == "foreign":
        return _foreign(detail, chunk, s)
    return bytes(detail)


CHUNK_NAMES = [f"p{p:06d}-r{a:07d}-{a + 2:07d}" for p in range(4) for a in (0, 2)]
FIXTURE = [HealthCheck.too_slow]


def test_the_chunk_names_are_those_of_the_sweep() -> None:
    assert sorted(S["chunks"]) == CHUNK_NAMES
    assert len(S["rows"]) == 16


@settings(max_examples=600, derandomize=True, deadline=None, suppress_health_check=FIXTURE)
@given(case=damage(CHUNK_NAMES))
def test_fuzz_decode_chunk(case: tuple[str, str, Any]) -> None:
    data = damaged_bytes(case, S)
    try:
        table = decode_chunk(data)
    except ResultsError as exc:
        assert "Parquet" in str(exc)
        return
    # decode_chunk has no checksum of the whole file to compare with (it decodes fresh
    # bytes from a worker); what it returns is a table, and stored chunks are read
    # through verify_chunk and query below, which compare the manifest's SHA-256.
    assert isinstance(table, pa.Table)


def _copy(s: dict[str, Any], name: str) -> Path:
    dest = s["root"] / name
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(s["main"], dest)
    return dest


@settings(max_examples=400, derandomize=True, deadline=None, suppress_health_check=FIXTURE)
@given(case=damage(CHUNK_NAMES), recorded=st.booleans())
def test_fuzz_verify_chunk(case: tuple[str, str, Any], recorded: bool) -> None:
    chunk = case[0]
    data = damaged_bytes(case, S)
    d = _copy(S, "verify")
    (d / "chunks" / f"{chunk}.parquet").write_bytes(data)
    store = Store(d)
    man = store.read_manifest()
    if not recorded:  # finished after the manifest's last rewrite: no SHA-256 to compare with
        rec = store.chunks[chunk]
        for key in ("sha256", "rows", "bytes"):
            rec.pop(key)
        rec["status"] = "pending"
    why = store.verify_chunk(chunk, man["scenario_hash"])
    if data == S["chunks"][chunk]:
        assert why is None
    elif why is None:  # accepted: then it must read back exactly as the original chunk
        assert not recorded
        assert pq.read_table(io.BytesIO(data)).equals(S["tables"][chunk]), case
    else:
        assert isinstance(why, str) and why


@settings(max_examples=300, derandomize=True, deadline=None, suppress_health_check=FIXTURE)
@given(cases=st.lists(damage(CHUNK_NAMES), min_size=1, max_size=3), extra=st.booleans())
def test_fuzz_query(cases: list[tuple[str, str, Any]], extra: bool) -> None:
    d = _copy(S, "query")
    for case in cases:
        (d / "chunks" / f"{case[0]}.parquet").write_bytes(damaged_bytes(case, S))
    changed = any((d / "chunks" / f"{c}.parquet").read_bytes() != b for c, b in S["chunks"].items())
    if extra:  # a stray Parquet file that is no chunk of this sweep
        (d / "chunks" / "p000009-r0000000-0000002.parquet").write_bytes(S["chunks"][CHUNK_NAMES[0]])
        changed = True
    try:
        rows = query(d, ALL)
    except ResultsError as exc:
        assert "damaged results" in str(exc) and "herz resume" in str(exc)
        assert changed
        return
    assert not changed
    pd.testing.assert_frame_equal(rows, S["rows"])


@settings(max_examples=60, derandomize=True, deadline=None, suppress_health_check=FIXTURE)
@given(cases=st.lists(damage(CHUNK_NAMES), min_size=1, max_size=3, unique_by=lambda c: c[0]),
       unrecorded=st.booleans())
def test_fuzz_resume(cases: list[tuple[str, str, Any]], unrecorded: bool) -> None:
    d = _copy(S, "resume")
    damaged = []
    for case in cases:
        data = damaged_bytes(case, S)
        (d / "chunks" / f"{case[0]}.parquet").write_bytes(data)
        if data != S["chunks"][case[0]]:
            damaged.append(case[0])
    if unrecorded:  # as if the sweep died before the manifest recorded these chunks
        man = json.loads((d / "manifest.json").read_text())
        for case in cases:
            rec = man["chunks"][case[0]]
            for key in ("sha256", "rows", "bytes"):
                rec.pop(key)
            rec["status"] = "pending"
        man["seal"] = seal(man)  # as herz writes it: the writer died before recording them
        (d / "manifest.json").write_text(json.dumps(man))
    res = resume(d, runner="inprocess")
    assert res.ok and res.done == 8
    quarantined = {p.name.split(".")[0] for p in (d / "corrupt").glob("*.parquet")}
    assert quarantined <= set(damaged)
    if not unrecorded:
        assert quarantined == set(damaged)
    for name, data in S["chunks"].items():
        now = (d / "chunks" / f"{name}.parquet").read_bytes()
        if name in quarantined or not unrecorded:  # recomputed, or checked by SHA-256
            assert hashlib.sha256(now).hexdigest() == hashlib.sha256(data).hexdigest(), name
        else:  # kept without a SHA-256 to compare with: only if it reads as the original
            assert pq.read_table(io.BytesIO(now)).equals(S["tables"][name]), name
    pd.testing.assert_frame_equal(query(d, ALL), S["rows"])
