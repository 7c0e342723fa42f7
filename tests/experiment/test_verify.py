"""``verify`` of a results directory: a clean store passes, every corruption tried is caught.

Counts (asserted below): the clean toy store (6 design points x 6 replicates = 36 runs in
12 chunks) verifies ok, replaying a seeded sample of 10 runs (10 of 10 bit-identical),
and with ``--sample 36`` every run (36 of 36). A clean world-model store (2 points x 4
replicates) verifies ok through the command line with all 8 runs replayed (8 of 8).
Corruptions tried: 9 - a flipped byte, a deleted chunk, a row duplicated in place of
another (file and manifest checksum rewritten to look correct), a row appended twice
(likewise), the manifest's scenario TOML changed, its scenario hash changed, its
scenario summary changed, a stored value changed by one ulp (checksums rewritten, so
only the replay can see it) and a stray chunk file; 9 detected, each exits 1 with a
specific message.
"""

from __future__ import annotations

import hashlib
import json
import math
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from experiment_helpers import toy_text, world_text, write_manifest
from typer.testing import CliRunner

from herz.cli import app, main
from herz.errors import ParameterError
from herz.experiment import parse_scenario, sweep
from herz.experiment.store import ResultsError, decode_chunk, encode_chunk
from herz.experiment.verify import CATEGORIES, verify

cli = CliRunner()
CHUNK = "p000002-r0000003-0000006"  # point 2, replicates 3, 4, 5
RUNS, CHUNKS = 36, 12


@pytest.fixture(scope="module")
def clean(tmp_path_factory: Any) -> Path:
    out = tmp_path_factory.mktemp("verify") / "clean"
    res = sweep(parse_scenario(toy_text()), output=out, runner="inprocess")
    assert res.ok
    return out


@pytest.fixture
def store(clean: Path, tmp_path: Path) -> Path:
    """A fresh copy of the clean store to damage."""
    return Path(shutil.copytree(clean, tmp_path / "r"))


def _manifest(path: Path) -> dict[str, Any]:
    man: dict[str, Any] = json.loads((path / "manifest.json").read_text())
    return man


def _write_manifest(path: Path, man: dict[str, Any]) -> None:
    write_manifest(path, man)


def _rewrite_chunk(path: Path, cid: str, table: pa.Table) -> None:
    """Write ``table`` as chunk ``cid`` and update the manifest so both look correct."""
    man = _manifest(path)
    data = encode_chunk(table.replace_schema_metadata(None), cid, man["scenario_hash"])
    (path / "chunks" / f"{cid}.parquet").write_bytes(data)
    man["chunks"][cid].update(sha256=hashlib.sha256(data).hexdigest(), rows=table.num_rows,
                              bytes=len(data))
    _write_manifest(path, man)


def _chunk_table(path: Path, cid: str) -> pa.Table:
    return decode_chunk((path / "chunks" / f"{cid}.parquet").read_bytes())


def _failed(path: Path, **kw: Any) -> dict[str, list[str]]:
    """Verify ``path``; assert the CLI exits 1; return the non-empty categories."""
    rep = verify(path, **kw)
    assert not rep.ok
    out = cli.invoke(app, ["verify", str(path), "--json"])
    assert out.exit_code == 1, out.output
    assert json.loads(out.stdout)["ok"] is False
    return {c: getattr(rep, c) for c in CATEGORIES if getattr(rep, c)}


def test_clean_store_verifies(clean: Path) -> None:
    """Clean store: no discrepancy; 10 sampled runs replayed, 10 bit-identical."""
    rep = verify(clean)
    assert rep.ok and rep.problems == []
    assert rep.chunks == rep.chunks_checked == CHUNKS
    assert rep.runs_expected == rep.runs_found == RUNS and rep.points == 6
    assert rep.replayed == rep.replay_matched == 10 and len(set(rep.replayed_ids)) == 10
    full = verify(clean, sample=RUNS)
    assert full.ok and full.replayed == full.replay_matched == RUNS


def test_sample_is_seeded(clean: Path) -> None:
    a, b = verify(clean, sample=5, seed=7), verify(clean, sample=5, seed=7)
    assert a.replayed_ids == b.replayed_ids and len(a.replayed_ids) == 5
    others = {tuple(verify(clean, sample=5, seed=s).replayed_ids) for s in (8, 9, 10)}
    assert others - {tuple(a.replayed_ids)}  # another seed draws another sample
    assert verify(clean, sample=0).replayed == 0
    with pytest.raises(ParameterError, match="sample"):
        verify(clean, sample=-1)


def test_flipped_byte_is_detected(store: Path) -> None:
    """Corruption 1: one byte of a chunk flipped -> SHA-256 mismatch naming the chunk."""
    f = store / "chunks" / f"{CHUNK}.parquet"
    data = bytearray(f.read_bytes())
    data[len(data) // 2] ^= 0xFF
    f.write_bytes(bytes(data))
    found = _failed(store)
    assert any(CHUNK in m and "SHA-256" in m and "differs from the manifest" in m
               for m in found["checksum_failures"])
    assert set(found) <= {"checksum_failures", "incomplete_points"}


def test_deleted_chunk_is_detected(store: Path) -> None:
    """Corruption 2: a chunk file deleted -> missing chunk and the point's missing runs."""
    (store / "chunks" / f"{CHUNK}.parquet").unlink()
    found = _failed(store)
    assert found["missing_chunks"] == [f"chunk {CHUNK} (point 2, replicates 3..5): file "
                                       f"chunks/{CHUNK}.parquet is missing"]
    assert found["incomplete_points"] == ["point 2: 3 of 6 replicates stored; missing "
                                          "p2-r3, p2-r4, p2-r5"]


def test_row_duplicated_in_place_is_detected(store: Path) -> None:
    """Corruption 3: replicate 4's row replaced by a copy of replicate 3's; file and
    manifest checksum rewritten to look correct -> duplicate run and a missing run."""
    t = _chunk_table(store, CHUNK)
    _rewrite_chunk(store, CHUNK, pa.concat_tables([t.slice(0, 1), t.slice(0, 1), t.slice(2)]))
    found = _failed(store)
    assert found["duplicates"] == [f"run p2-r3 is stored 2 times (chunk {CHUNK})"]
    assert found["incomplete_points"] == ["point 2: 5 of 6 replicates stored; missing p2-r4"]
    assert "checksum_failures" not in found


def test_row_appended_twice_is_detected(store: Path) -> None:
    """Corruption 4: a chunk rewritten with one row twice (4 rows), checksums updated."""
    t = _chunk_table(store, CHUNK)
    _rewrite_chunk(store, CHUNK, pa.concat_tables([t, t.slice(2, 1)]))
    found = _failed(store)
    assert found["duplicates"] == [f"run p2-r5 is stored 2 times (chunk {CHUNK})"]
    assert found["chunk_errors"] == [f"chunk {CHUNK}: 4 rows, expected 3 (point 2, "
                                     "replicates 3..5)"]
    assert "checksum_failures" not in found


def test_changed_scenario_toml_is_detected(store: Path) -> None:
    """Corruption 5: the manifest's scenario TOML edited (steps 30 -> 31)."""
    man = _manifest(store)
    man["scenario_toml"] = man["scenario_toml"].replace("steps = 30", "steps = 31")
    _write_manifest(store, man)
    found = _failed(store)
    assert any("scenario changed: the manifest's scenario TOML hashes to" in m
               for m in found["scenario_changed"])
    assert any("summary differs from its TOML validated now in steps" in m
               for m in found["scenario_changed"])
    rep = verify(store)
    assert rep.replayed == 0 and any("no runs replayed" in n for n in rep.notes)


def test_changed_scenario_hash_is_detected(store: Path) -> None:
    """Corruption 6: the manifest's scenario_hash replaced."""
    man = _manifest(store)
    old = man["scenario_hash"]
    man["scenario_hash"] = hashlib.sha256(b"another scenario").hexdigest()
    _write_manifest(store, man)
    found = _failed(store)
    msgs = found["scenario_changed"]
    assert any(f"hashes to {old[:12]}, the manifest records scenario_hash "
               f"{man['scenario_hash'][:12]}" in m for m in msgs)
    assert sum(f"was written for scenario {old[:12]}" in m for m in msgs) == CHUNKS + 1


def test_changed_scenario_summary_is_detected(store: Path) -> None:
    """Corruption 7: the manifest's scenario summary edited (seed) while the TOML is kept."""
    man = _manifest(store)
    man["scenario"]["seed"] = 1
    _write_manifest(store, man)
    found = _failed(store)
    assert found == {"scenario_changed": [
        "scenario changed: the manifest's scenario summary differs from its TOML validated "
        "now in seed (an edited manifest, or a herz whose model defaults changed)"]}


def test_changed_value_is_caught_by_replay(store: Path) -> None:
    """Corruption 8: one stored float moved by one ulp, checksums rewritten: only the
    replay of every run (sample 36) can see it."""
    t = _chunk_table(store, CHUNK)
    col = next(c for c in t.column_names if pa.types.is_floating(t.schema.field(c).type)
               and c not in ("offense_defense_balance", "distinguishability"))
    values = t.column(col).to_numpy().copy()
    values[1] = np.nextafter(values[1], math.inf)
    _rewrite_chunk(store, CHUNK, t.set_column(t.schema.get_field_index(col), col,
                                              pa.array(values)))
    rep = verify(store, sample=RUNS)
    assert not rep.ok and rep.replayed == RUNS and rep.replay_matched == RUNS - 1
    assert rep.replay_mismatches == [f"run p2-r4 (chunk {CHUNK}): replay differs in {col}"]
    assert [c for c in CATEGORIES if getattr(rep, c)] == ["replay_mismatches"]
    out = cli.invoke(app, ["verify", str(store), "--sample", str(RUNS)])
    assert out.exit_code == 1 and "FAILED" in out.stdout


def test_stray_chunk_file_is_detected(store: Path) -> None:
    """Corruption 9: a chunk file the manifest does not know."""
    shutil.copy(store / "chunks" / f"{CHUNK}.parquet", store / "chunks" / "extra.parquet")
    found = _failed(store)
    assert found == {"unexpected_chunks": ["chunks/extra.parquet: not in the manifest"]}


def test_unfinished_chunk_is_missing(store: Path) -> None:
    man = _manifest(store)
    man["chunks"][CHUNK].update(status="failed", error="RuntimeError: boom")
    _write_manifest(store, man)
    found = _failed(store)
    assert found["missing_chunks"] == [f"chunk {CHUNK} (point 2, replicates 3..5) is failed: "
                                       "RuntimeError: boom"]
    assert found["unexpected_chunks"] == [f"chunks/{CHUNK}.parquet: the manifest marks it "
                                          "failed"]


WORLD = world_text(name="verify-world", seed=5, steps=20, replicates=4)


def test_verify_command_on_a_clean_world_store(tmp_path: Path) -> None:
    """World model, 2 points x 4 replicates: exit 0, all 8 runs replayed and matched."""
    res = sweep(parse_scenario(WORLD), output=tmp_path / "w", runner="inprocess")
    out = cli.invoke(app, ["verify", str(res.path), "--sample", "8", "--seed", "3"])
    assert out.exit_code == 0, out.output
    text = " ".join(out.stdout.split())  # rich wraps long lines
    assert "OK:" in text and "8 of 8 replayed runs bit-identical" in text
    out = cli.invoke(app, ["verify", str(res.path), "--sample", "8", "--json"])
    d = json.loads(out.stdout)
    assert out.exit_code == 0 and d["ok"] is True and d["discrepancies"] == 0
    assert d["replayed"] == d["replay_matched"] == 8 and d["runs_found"] == 8


def test_verify_command_bad_input_exits_2(tmp_path: Path, clean: Path, capsys: Any) -> None:
    for args, msg in (([str(tmp_path / "none")], "no manifest.json"),
                      ([str(clean), "--sample", "-1"], "--sample")):
        with pytest.raises(SystemExit) as info:
            main(["verify", *args])
        assert info.value.code == 2
        err = capsys.readouterr().err
        assert msg in err and len(err.strip().splitlines()) == 1
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "manifest.json").write_text("{")
    with pytest.raises(ResultsError, match="damaged manifest"):
        verify(tmp_path / "bad")
