"""Verify a results directory: checksums, completeness, duplicates, scenario, replays.

:func:`verify` reads the manifest and every chunk file and checks that

- the scenario is unchanged: the manifest's scenario TOML (the stored source) still
  validates and hashes to the manifest's ``scenario_hash``, the manifest's summary of
  the scenario agrees with it, and ``design.parquet`` and every chunk were written
  for that hash (their Parquet metadata);
- the manifest matches its files (:func:`herz.experiment.integrity.scan`, the check
  query, resume and replay share): its seal (hash chain) matches its records, and
  ``design.parquet`` and the chunks were written for its scenario;
- every chunk the manifest marks done exists as a regular file (a symbolic link is
  refused), its size and SHA-256 equal the manifest's and it decodes with Parquet page
  checksums verified; chunks not done are missing; any other file in ``chunks/`` is
  unexpected; every chunk record fits the scenario's planned grid;
- every chunk holds exactly its own runs (its point, replicates ``start..stop-1``);
- every design point has all its planned replicates and no run is stored twice;
- a seeded random sample of runs replays bit-identically
  (:mod:`herz.experiment.replay`); the same ``seed`` samples the same runs.

The :class:`VerifyReport` lists every discrepancy with a message that names the
chunk or run; :attr:`VerifyReport.ok` is True when there are none.
"""

from __future__ import annotations

import hashlib
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq

from herz.errors import ParameterError
from herz.experiment.integrity import plan_problems, scan
from herz.experiment.replay import format_run_id, read_stored_row, replay_run
from herz.experiment.store import ResultsError, Store, read_plain
from herz.rng import as_generator

__all__ = ["CATEGORIES", "DEFAULT_SAMPLE", "DEFAULT_SEED", "VerifyReport", "verify"]

DEFAULT_SAMPLE = 10
DEFAULT_SEED = 0
_SHOW = 5  # missing or duplicated run ids named per message
_ABSENT = object()

#: The kinds of discrepancy, in report order, with their titles.
CATEGORIES = {
    "provenance": "provenance",
    "scenario_changed": "scenario",
    "checksum_failures": "checksums",
    "missing_chunks": "missing chunks",
    "unexpected_chunks": "unexpected files",
    "chunk_errors": "chunk contents",
    "incomplete_points": "design points",
    "duplicates": "duplicate runs",
    "replay_mismatches": "replays",
}


@dataclass
class VerifyReport:
    """What :func:`verify` found (every list holds one message per discrepancy)."""

    path: str
    scenario: str = ""
    scenario_hash: str = ""
    status: str = ""
    points: int = 0
    chunks: int = 0
    chunks_checked: int = 0
    runs_expected: int = 0
    runs_found: int = 0
    sample: int = DEFAULT_SAMPLE
    seed: int = DEFAULT_SEED
    replayed: int = 0
    replay_matched: int = 0
    replayed_ids: list[str] = field(default_factory=list)
    provenance: list[str] = field(default_factory=list)
    scenario_changed: list[str] = field(default_factory=list)
    checksum_failures: list[str] = field(default_factory=list)
    missing_chunks: list[str] = field(default_factory=list)
    unexpected_chunks: list[str] = field(default_factory=list)
    chunk_errors: list[str] = field(default_factory=list)
    incomplete_points: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    replay_mismatches: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no check found a discrepancy."""
        return not any(getattr(self, c) for c in CATEGORIES)

    @property
    def problems(self) -> list[tuple[str, str]]:
        """Every discrepancy as (category, message), in report order."""
        return [(c, m) for c in CATEGORIES for m in getattr(self, c)]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready report."""
        out: dict[str, Any] = {
            "path": self.path, "ok": self.ok, "scenario": self.scenario,
            "scenario_hash": self.scenario_hash, "status": self.status,
            "points": self.points, "chunks": self.chunks,
            "chunks_checked": self.chunks_checked, "runs_expected": self.runs_expected,
            "runs_found": self.runs_found, "sample": self.sample, "seed": self.seed,
            "replayed": self.replayed, "replay_matched": self.replay_matched,
            "replayed_ids": self.replayed_ids,
            "discrepancies": len(self.problems),
        }
        for c in CATEGORIES:
            out[c] = list(getattr(self, c))
        out["notes"] = list(self.notes)
        return out


# _read_note: verify reads small files one by one, so it reads them without Arrow's CPU
# thread pool. A threaded read leaves the pool's C++ threads running to interpreter exit,
# where Arrow's teardown can race them and abort the process ("terminate called without
# an active exception", SIGABRT; apache/arrow#34314) after the command has finished.

def _ids(point: int, reps: list[int]) -> str:
    shown = ", ".join(format_run_id(point, r) for r in reps[:_SHOW])
    return shown + (f" and {len(reps) - _SHOW} more" if len(reps) > _SHOW else "")


def _check_scenario(report: VerifyReport, store: Store, man: dict[str, Any]) -> Any:
    """Check the stored scenario; return it (or None when it cannot be rebuilt)."""
    from herz.experiment.scenario import ScenarioError
    from herz.experiment.store import _jsonable
    from herz.experiment.sweep import manifest_scenario

    recorded = str(man.get("scenario_hash", ""))
    try:
        sc = manifest_scenario(man, store.path)
    except (ScenarioError, ResultsError) as exc:
        msg = " ".join(str(exc).split())
        report.scenario_changed.append(f"the manifest's scenario no longer validates: {msg}")
        return None
    if sc.hash != recorded:
        report.scenario_changed.append(
            f"scenario changed: the manifest's scenario TOML hashes to {sc.hash[:12]}, the "
            f"manifest records scenario_hash {recorded[:12]}")
    summary = man.get("scenario")
    if isinstance(summary, dict):
        canon = _jsonable(sc.canonical())
        differ = []
        for k in sorted(canon):
            old, new = summary.get(k), canon[k]
            if isinstance(old, dict) and isinstance(new, dict):
                differ += [f"{k}.{s}" for s in sorted(set(old) | set(new))
                           if old.get(s, _ABSENT) != new.get(s, _ABSENT)]
            elif old != new:
                differ.append(k)
        if differ:
            report.scenario_changed.append(
                "scenario changed: the manifest's scenario summary differs from its TOML "
                "validated now in " + ", ".join(differ[:8])
                + (f" and {len(differ) - 8} more" if len(differ) > 8 else "")
                + " (an edited manifest, or a herz whose model defaults changed)")
    design = man.get("design", {})
    if isinstance(design, dict) and design.get("points") not in (None, len(sc.points)):
        report.scenario_changed.append(
            f"design.points: the manifest records {design.get('points')} design points, the "
            f"scenario has {len(sc.points)}")
    try:
        data = read_plain(store.design_path)
    except FileNotFoundError:
        report.missing_chunks.append("design.parquet is missing")
        return sc
    except OSError:
        report.checksum_failures.append("design.parquet: not a regular file (refused)")
        return sc
    sha = design.get("sha256") if isinstance(design, dict) else None
    if sha and hashlib.sha256(data).hexdigest() != sha:
        report.checksum_failures.append(
            f"design.parquet: SHA-256 {hashlib.sha256(data).hexdigest()[:12]} differs from "
            f"the manifest's {str(sha)[:12]}")
    try:
        pf = pq.ParquetFile(io.BytesIO(data), page_checksum_verification=True)
        meta_hash = (pf.schema_arrow.metadata or {}).get(b"herz.scenario_hash", b"").decode()
        rows = pf.read(use_threads=False).num_rows  # no Arrow CPU pool: see _read_note
    except Exception as exc:  # any decoding error means a damaged file
        report.checksum_failures.append(
            f"design.parquet: unreadable Parquet ({type(exc).__name__}: {exc})")
        return sc
    if meta_hash != recorded:
        report.scenario_changed.append(
            f"design.parquet was written for scenario {meta_hash[:12]}, the manifest records "
            f"{recorded[:12]}")
    if rows != len(sc.points):
        report.chunk_errors.append(
            f"design.parquet: {rows} rows, the scenario has {len(sc.points)} design points")
    return sc


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _scenario_file_note(report: VerifyReport, man: dict[str, Any], sc: Any) -> None:
    """Compare the scenario file the manifest names, where it is present, with the manifest."""
    from herz.experiment.scenario import ScenarioError, load_scenario

    source = str(man["scenario"].get("source", ""))
    if source.startswith(("<", "preset:")):
        return
    path = Path(source)
    try:
        if not path.is_file() or path.stat().st_size > 1024 * 1024:
            return
        other = load_scenario(path)
    except (OSError, ScenarioError):
        return
    if other.hash != report.scenario_hash:
        report.notes.append(f"the scenario file {source} now hashes to {other.hash[:12]}, the "
                            f"manifest records {report.scenario_hash[:12]} (edited since the "
                            "sweep, or the manifest was)")


def verify(results: str | Path, *, sample: int = DEFAULT_SAMPLE,
           seed: int = DEFAULT_SEED) -> VerifyReport:
    """Check a results directory (see the module docstring) and return the report.

    ``sample`` runs (0: none) are drawn with ``herz.rng.as_generator(seed)`` from the
    runs whose chunks passed every check, and replayed.

    Raises
    ------
    ResultsError
        ``results`` is not a herz results directory (no or an unreadable manifest).
    ParameterError
        ``sample`` or ``seed`` is negative.
    """
    if isinstance(sample, bool) or int(sample) < 0:
        raise ParameterError("sample", sample, "must be a whole number >= 0")
    if isinstance(seed, bool) or int(seed) < 0:
        raise ParameterError("seed", seed, "must be a whole number >= 0")
    store = Store(results)
    man = store.read_manifest()  # validated: types, ranges, sizes, strict chunk ids
    chunks = man["chunks"]
    recorded = str(man["scenario_hash"])
    report = VerifyReport(path=str(store.path), scenario_hash=recorded,
                          scenario=str(man["scenario"].get("name", "")),
                          status=str(man.get("status", "")), chunks=len(chunks),
                          sample=int(sample), seed=int(seed))
    if report.status != "complete":
        report.notes.append(f"the manifest's status is {report.status!r}, not 'complete'")
    found = scan(store, man)
    report.provenance += found.provenance
    sc = _check_scenario(report, store, man)
    n_points = len(sc.points) if sc is not None else int(man["design"]["points"])
    report.points = n_points
    if sc is not None:
        _scenario_file_note(report, man, sc)
        for cid, why in sorted(plan_problems(man, sc).items()):
            report.chunk_errors.append(f"chunk record {cid}: {why}")

    # ---- every chunk: present, checksum, decodes, its own runs
    planned: dict[int, list[tuple[int, int]]] = defaultdict(list)
    found_runs: Counter[tuple[int, int]] = Counter()
    where: dict[tuple[int, int], list[str]] = defaultdict(list)
    good: dict[str, dict[str, Any]] = {}
    for cid in sorted(chunks):
        rec = chunks[cid]
        p, a, b = int(rec["point"]), int(rec["start"]), int(rec["stop"])
        planned[p].append((a, b))
        span = f"point {p}, replicates {a}..{b - 1}"
        status = rec.get("status")
        path = store.chunk_path(cid)
        if status != "done":
            why = f": {rec['error']}" if rec.get("error") else ""
            report.missing_chunks.append(f"chunk {cid} ({span}) is {status}{why}")
            continue
        try:
            data = read_plain(path)
        except FileNotFoundError:
            report.missing_chunks.append(f"chunk {cid} ({span}): file chunks/{path.name} is "
                                         "missing")
            continue
        except OSError:
            report.checksum_failures.append(f"chunk {cid}: chunks/{path.name} is not a regular "
                                            "file (a symbolic link or a directory; refused)")
            continue
        report.chunks_checked += 1
        sha_ok = True
        digest = hashlib.sha256(data).hexdigest()
        if digest != rec["sha256"]:
            sha_ok = False
            report.checksum_failures.append(
                f"chunk {cid}: SHA-256 {digest[:12]} differs from the manifest's "
                f"{str(rec['sha256'])[:12]} (the file changed after it was written)")
        elif rec.get("bytes") is not None and rec["bytes"] != len(data):
            report.checksum_failures.append(
                f"chunk {cid}: the manifest says {rec['bytes']} bytes, the file has "
                f"{len(data)} (a wrong size record; resume corrects it)")
        try:
            pf = pq.ParquetFile(io.BytesIO(data), page_checksum_verification=True)
            meta = pf.schema_arrow.metadata or {}
            table = pf.read(columns=None, use_threads=False)  # see _read_note
        except Exception as exc:  # any decoding error means a damaged file
            report.checksum_failures.append(
                f"chunk {cid}: unreadable Parquet ({type(exc).__name__}: "
                f"{' '.join(str(exc).split())})")
            continue
        ok = sha_ok
        if meta.get(b"herz.chunk") != cid.encode():
            ok = False
            report.chunk_errors.append(f"chunk {cid}: its metadata names chunk "
                                       f"{meta.get(b'herz.chunk', b'').decode()!r}")
        if meta.get(b"herz.scenario_hash") != recorded.encode():
            ok = False
            report.scenario_changed.append(
                f"chunk {cid} was written for scenario "
                f"{meta.get(b'herz.scenario_hash', b'').decode()[:12]}, the manifest records "
                f"{recorded[:12]}")
        if "point" not in table.column_names or "replicate" not in table.column_names:
            report.chunk_errors.append(f"chunk {cid}: no point or replicate column")
            continue
        points = np.asarray(table.column("point").to_numpy(zero_copy_only=False))
        reps = np.asarray(table.column("replicate").to_numpy(zero_copy_only=False))
        if table.num_rows != b - a:
            ok = False
            report.chunk_errors.append(f"chunk {cid}: {table.num_rows} rows, expected {b - a} "
                                       f"({span})")
        outside = [(int(x), int(y)) for x, y in zip(points, reps, strict=True)
                   if x != p or not a <= y < b]
        if outside:
            ok = False
            report.chunk_errors.append(
                f"chunk {cid} holds {len(outside)} run(s) outside {span}: "
                + ", ".join(format_run_id(*k) for k in outside[:_SHOW]))
        for key in zip(points.tolist(), reps.tolist(), strict=True):
            found_runs[key] += 1
            where[key].append(cid)
        if ok:
            good[cid] = rec

    # ---- files nobody planned or finished
    for name in found.strays:
        report.unexpected_chunks.append(f"chunks/{name}: not in the manifest")
    for cid in found.pending_files:
        report.unexpected_chunks.append(f"chunks/{cid}.parquet: the manifest marks it "
                                        f"{chunks[cid].get('status')}")
    if store.corrupt_dir.is_dir() and any(store.corrupt_dir.iterdir()):
        n = sum(1 for _ in store.corrupt_dir.iterdir())
        report.notes.append(f"corrupt/ holds {n} quarantined file(s) (damaged chunks a resume "
                            "recomputed)")

    # ---- completeness and duplicates (interval arithmetic: bounded by the stored rows)
    merged = {p: _merge(v) for p, v in planned.items()}
    if sc is not None:
        for p in range(n_points):
            have = sum(min(b, sc.replicates) - a for a, b in merged.get(p, []) if a < sc.replicates)
            if have < sc.replicates:
                report.incomplete_points.append(
                    f"point {p}: the manifest plans {have} of its {sc.replicates} replicates")
    for p in sorted(planned):
        if not 0 <= p < n_points:
            report.chunk_errors.append(f"point {p} has chunks but the design has points "
                                       f"0..{n_points - 1}")
    report.runs_expected = sum(b - a for v in merged.values() for a, b in v)
    report.runs_found = len(found_runs)
    have_by_point: dict[int, set[int]] = defaultdict(set)
    for q, r in found_runs:
        have_by_point[q].add(r)
    for p in sorted(planned):
        have = have_by_point.get(p, set())
        total = sum(b - a for a, b in merged[p])
        inside = sum(1 for r in have if any(a <= r < b for a, b in merged[p]))
        if inside < total:
            missing = []
            for a, b in merged[p]:
                for r in range(a, b):
                    if r not in have:
                        missing.append(r)
                        if len(missing) > _SHOW:
                            break
                if len(missing) > _SHOW:
                    break
            n_missing = total - inside
            shown = ", ".join(format_run_id(p, r) for r in missing[:_SHOW])
            more = f" and {n_missing - _SHOW} more" if n_missing > _SHOW else ""
            report.incomplete_points.append(
                f"point {p}: {inside} of {total} replicates stored; missing {shown}{more}")
        overlap = sum(b - a for a, b in planned[p]) - total
        if overlap:
            report.duplicates.append(f"point {p}: the manifest plans {overlap} replicate(s) in "
                                     "more than one chunk")
    for key in sorted(k for k, n in found_runs.items() if n > 1):
        report.duplicates.append(
            f"run {format_run_id(*key)} is stored {found_runs[key]} times (chunk "
            + ", ".join(sorted(set(where[key]))) + ")")

    # ---- replay a seeded sample of runs from chunks that passed every check
    if sample and sc is not None and not report.scenario_changed and not report.provenance:
        candidates = sorted(k for k, n in found_runs.items() if n == 1 and where[k][0] in good)
        k = min(int(sample), len(candidates))
        rng = as_generator(int(seed))
        picks = sorted(int(i) for i in rng.choice(len(candidates), size=k, replace=False))
        for i in picks:
            point, rep = candidates[i]
            rec = good[where[(point, rep)][0]]
            rid = format_run_id(point, rep)
            report.replayed_ids.append(rid)
            report.replayed += 1
            try:
                stored = read_stored_row(store, rec, rep)
                res = replay_run(sc, point, rep, stored, chunk=str(rec["id"]))
            except Exception as exc:  # a failing model is a discrepancy too
                report.replay_mismatches.append(f"run {rid}: replay failed "
                                                f"({type(exc).__name__}: {exc})")
                continue
            if res.identical:
                report.replay_matched += 1
            else:
                report.replay_mismatches.append(
                    f"run {rid} (chunk {rec['id']}): replay differs in "
                    + ", ".join(res.mismatches))
        if k < int(sample):
            report.notes.append(f"{k} run(s) could be sampled (asked for {sample})")
    elif sample:
        report.notes.append("no runs replayed: the scenario changed, so a replay would "
                            "not be of the stored runs")
    return report
