"""Replay one stored run of a sweep and check that it is bit-identical.

Every stored world (a *run*) is replicate ``r`` of design point ``p`` of the
experiment in a results directory; its id is ``p{p}-r{r}`` (``p12-r345``; the
``runs`` view of :func:`herz.experiment.query` lists them). :func:`parse_run_id`
also takes ``P:R`` (``12:345``), zero-padded numbers (``p000012-r0000345``, as in
chunk names) and an optional experiment prefix ``NAME/p12-r345``.

:func:`replay` rebuilds the scenario from the manifest alone (its TOML text, whose
hash must still equal the manifest's), reruns that one run through the same path
as the sweep (:func:`herz.experiment.runners.execute` on a one-replicate task, so
the row is encoded to Parquet and decoded exactly like a stored chunk) and compares
it with the stored row column by column: same Arrow type, same nulls, and for
floating-point columns the same bits (NaN equals NaN only as the same NaN in the
same place; ``0.0`` and ``-0.0`` differ). With ``trajectory=True`` the world model
also returns the run's full trajectory (:func:`herz.world.simulate` with
``trajectories=True``) as an :class:`xarray.Dataset`, checked against the stored
outcome.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from herz.errors import ParameterError
from herz.experiment.design import POINT_KEY
from herz.experiment.integrity import scan
from herz.experiment.runners import Task, execute
from herz.experiment.scenario import Scenario
from herz.experiment.store import ResultsError, Store, decode_chunk, read_plain

__all__ = [
    "ReplayResult",
    "columns_equal",
    "format_run_id",
    "parse_run_id",
    "replay",
    "replay_run",
    "trajectory_frame",
    "write_trajectory",
]

RUN_ID_FORMAT = "pP-rR (e.g. p0-r0), P:R or NAME/pP-rR"
_RUN_ID = re.compile(r"^(?:(?P<exp>[^/\s]+)/)?"
                     r"(?:[pP](?P<p>\d+)-[rR](?P<r>\d+)|(?P<p2>\d+):(?P<r2>\d+))$")


def format_run_id(point: int, replicate: int) -> str:
    """The id of replicate ``replicate`` of design point ``point``: ``p{point}-r{replicate}``."""
    return f"p{int(point)}-r{int(replicate)}"


def parse_run_id(text: str) -> tuple[str | None, int, int]:
    """Split a run id into (experiment name or None, point, replicate).

    Raises :class:`~herz.errors.ParameterError` (field ``run_id``) when ``text`` is
    not of the form ``pP-rR``, ``P:R`` or ``NAME/pP-rR``.
    """
    m = _RUN_ID.match(str(text).strip())
    if m is None:
        raise ParameterError("run_id", text, f"must be {RUN_ID_FORMAT}")
    p = m.group("p") if m.group("p") is not None else m.group("p2")
    r = m.group("r") if m.group("r") is not None else m.group("r2")
    return m.group("exp"), int(p), int(r)


# --------------------------------------------------------------------------- comparison


def _float_bits(arr: pa.Array) -> np.ndarray:
    width = arr.type.bit_width
    values = arr.fill_null(0).to_numpy(zero_copy_only=False)
    return np.ascontiguousarray(values).view(f"u{width // 8}")


def columns_equal(a: pa.Array | pa.ChunkedArray, b: pa.Array | pa.ChunkedArray) -> bool:
    """Exact equality of two Arrow columns: type, nulls and (for floats) every bit."""
    if isinstance(a, pa.ChunkedArray):
        a = a.combine_chunks()
    if isinstance(b, pa.ChunkedArray):
        b = b.combine_chunks()
    if a.type != b.type or len(a) != len(b):
        return False
    if not a.is_null().equals(b.is_null()):
        return False
    if pa.types.is_floating(a.type):
        return bool(np.array_equal(_float_bits(a), _float_bits(b)))
    return bool(a.equals(b))


def _bits(value: Any) -> str | None:
    if isinstance(value, float):
        return "0x" + np.float64(value).view(np.uint64).tobytes()[::-1].hex()
    return None


# --------------------------------------------------------------------------- result


@dataclass
class ReplayResult:
    """One replayed run: the stored row, the recomputed one and their comparison.

    ``equal`` maps every column of either row to whether it is bit-identical (a
    column only one row has is unequal); ``identical`` is True when all are.
    """

    run_id: str
    experiment: str
    point: int
    replicate: int
    chunk: str
    stored: dict[str, Any]
    recomputed: dict[str, Any]
    equal: dict[str, bool]
    types: dict[str, tuple[str, str]] = field(default_factory=dict)
    trajectory: Any = None
    trajectory_consistent: bool | None = None

    @property
    def identical(self) -> bool:
        """True when every column of the recomputed row equals the stored one bit for bit."""
        return bool(self.equal) and all(self.equal.values())

    @property
    def mismatches(self) -> list[str]:
        """The columns that differ."""
        return [c for c, ok in self.equal.items() if not ok]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description (floats that differ also as their bit patterns)."""
        cols = []
        for name, ok in self.equal.items():
            s, r = self.stored.get(name), self.recomputed.get(name)
            entry: dict[str, Any] = {"column": name, "stored": s, "recomputed": r, "equal": ok}
            if name in self.types:
                entry["type"] = self.types[name][0]
                if self.types[name][0] != self.types[name][1]:
                    entry["recomputed_type"] = self.types[name][1]
            if not ok and (_bits(s) or _bits(r)):
                entry.update(stored_bits=_bits(s), recomputed_bits=_bits(r))
            cols.append(entry)
        return {"run_id": self.run_id, "experiment": self.experiment, "point": self.point,
                "replicate": self.replicate, "chunk": self.chunk,
                "identical": self.identical, "mismatches": self.mismatches, "columns": cols,
                "trajectory_consistent": self.trajectory_consistent}


# --------------------------------------------------------------------------- replay


def _one_replicate_task(scenario: Scenario, point: int, replicate: int) -> Task:
    pt = scenario.points[point]
    return Task(chunk=f"replay-{format_run_id(point, replicate)}", point=point,
                start=replicate, stop=replicate + 1, model=scenario.spec, params=dict(pt),
                factors={f.name: pt[f.name] for f in scenario.factors},
                mechanisms=dict(scenario.mechanisms), steps=scenario.steps,
                seed=scenario.seed, scenario_hash=scenario.hash)


def _world_trajectory(scenario: Scenario, point: int, replicate: int) -> Any:
    from herz.rng import child_seed
    from herz.world import simulate

    params = {**dict(scenario.points[point]), "mechanisms": dict(scenario.mechanisms)}
    return simulate(params, steps=int(scenario.steps),
                    seed=child_seed(scenario.seed, POINT_KEY, point),
                    world_indices=[replicate], trajectories=True)


def _trajectory_consistent(ds: Any, row: Mapping[str, Any]) -> bool:
    """Whether the trajectory's per-world outcome variables equal the recomputed row's."""
    checked = 0
    for name, value in row.items():
        if name not in ds.data_vars or ds[name].dims != ("world",):
            continue
        got = ds[name].values[0]
        if value is None:  # Arrow stores pandas' NaN as null
            if not (isinstance(got, float | np.floating) and np.isnan(got)):
                return False
        elif isinstance(value, float):
            if np.float64(got).view(np.uint64) != np.float64(value).view(np.uint64):
                return False
        elif isinstance(value, str):
            if str(got) != value:
                return False
        elif got != value:
            return False
        checked += 1
    return checked > 0


def replay_run(scenario: Scenario, point: int, replicate: int, stored: pa.Table, *,
               chunk: str = "", trajectory: bool = False) -> ReplayResult:
    """Recompute run ``(point, replicate)`` of ``scenario`` and compare it with ``stored``.

    ``stored`` is the run's stored row (a one-row table). Raises
    :class:`ResultsError` when the model fails on replay.
    """
    res = execute(_one_replicate_task(scenario, point, replicate))
    if not res.ok or res.data is None:
        raise ResultsError(f"replay of {format_run_id(point, replicate)} failed: {res.error}")
    again = decode_chunk(res.data)
    names = list(stored.column_names) + [c for c in again.column_names
                                         if c not in stored.column_names]
    equal: dict[str, bool] = {}
    types: dict[str, tuple[str, str]] = {}
    for name in names:
        if name in stored.column_names and name in again.column_names:
            a, b = stored.column(name), again.column(name)
            equal[name] = columns_equal(a, b)
            types[name] = (str(a.type), str(b.type))
        else:
            equal[name] = False
    stored_row = stored.to_pylist()[0] if stored.num_rows else {}
    again_row = again.to_pylist()[0] if again.num_rows else {}
    out = ReplayResult(run_id=format_run_id(point, replicate), experiment=scenario.name,
                       point=point, replicate=replicate, chunk=chunk, stored=stored_row,
                       recomputed=again_row, equal=equal, types=types)
    if trajectory:
        if scenario.model != "world":
            raise ParameterError("trajectory", scenario.model,
                                 "only the world model records trajectories")
        out.trajectory = _world_trajectory(scenario, point, replicate)
        out.trajectory_consistent = _trajectory_consistent(out.trajectory, again_row)
    return out


def _chunk_for(store: Store, point: int, replicate: int) -> dict[str, Any] | None:
    for rec in store.chunks.values():
        if (int(rec.get("point", -1)) == point and int(rec.get("start", 0)) <= replicate
                < int(rec.get("stop", 0))):
            return rec
    return None


def valid_range(store: Store) -> str:
    """A description of the run ids a results directory holds (for error messages)."""
    by_point: dict[int, int] = {}
    for rec in store.chunks.values():
        p = int(rec.get("point", -1))
        by_point[p] = max(by_point.get(p, 0), int(rec.get("stop", 0)))
    if not by_point:
        return "this directory plans no runs"
    points = sorted(by_point)
    reps = sorted(set(by_point.values()))
    rep_text = (f"replicates 0..{reps[0] - 1}" if len(reps) == 1
                else f"replicates 0..{reps[0] - 1} to 0..{reps[-1] - 1} (by point)")
    return (f"must be {RUN_ID_FORMAT} with point 0..{points[-1]} and {rep_text}")


def read_stored_row(store: Store, rec: Mapping[str, Any], replicate: int) -> pa.Table:
    """The stored row of ``replicate`` in chunk ``rec`` (page checksums verified)."""
    cid = str(rec["id"])
    path = store.chunk_path(cid)
    try:
        data = read_plain(path)
    except FileNotFoundError:
        raise ResultsError(f"{path}: chunk file is missing; nothing stored to replay") from None
    except OSError:
        raise ResultsError(f"{path}: not a regular file (a symbolic link or a directory; "
                           "refused)") from None
    try:
        table = pq.ParquetFile(io.BytesIO(data), page_checksum_verification=True).read()
    except Exception as exc:  # any decoding error means a damaged file
        raise ResultsError(f"{path}: unreadable Parquet ({type(exc).__name__}: {exc})"
                           ) from None
    mask = pc.and_(pc.equal(table.column("point"), int(rec["point"])),
                   pc.equal(table.column("replicate"), replicate))
    rows = table.filter(mask)
    rid = format_run_id(int(rec["point"]), replicate)
    if rows.num_rows == 0:
        raise ResultsError(f"{path}: holds no row for run {rid}")
    if rows.num_rows > 1:
        raise ResultsError(f"{path}: holds {rows.num_rows} rows for run {rid} (duplicated)")
    return rows.replace_schema_metadata(None)


def replay(results: str | Path, run_id: str, *, trajectory: bool = False) -> ReplayResult:
    """Replay run ``run_id`` of the sweep in ``results`` (see the module docstring).

    Raises
    ------
    ParameterError
        ``run_id`` is malformed, names another experiment, or no such run is planned
        (the message names the valid range).
    ResultsError
        The directory is not a results directory, its scenario no longer hashes to
        the manifest's hash, or the run's chunk is not finished, missing or damaged.
    """
    from herz.experiment.sweep import manifest_scenario

    store = Store(results)
    man = store.read_manifest()
    exp, point, replicate = parse_run_id(run_id)
    name = str(man.get("scenario", {}).get("name", ""))
    if exp is not None and exp != name and not man["scenario_hash"].startswith(exp):
        raise ParameterError("run_id", run_id, f"names experiment {exp!r}, but {results} "
                             f"holds {name!r} (hash {man['scenario_hash'][:12]})")
    rec = _chunk_for(store, point, replicate)
    if rec is None:
        raise ParameterError("run_id", run_id, valid_range(store))
    found = scan(store, man, only={str(rec["id"])})
    if found.provenance:
        raise ResultsError(f"{results}: the manifest does not match its files: "
                           f"{found.provenance[0]} (see `herz verify {results}`)")
    if str(rec["id"]) in found.damaged:
        raise ResultsError(f"{results}: run {format_run_id(point, replicate)} is in chunk "
                           f"{rec['id']}, whose file is {found.damaged[str(rec['id'])]}; "
                           f"`herz resume {results}` recomputes it")
    scenario = manifest_scenario(man, results)
    if scenario.hash != man["scenario_hash"]:
        raise ResultsError(f"{results}: the manifest's scenario now hashes to "
                           f"{scenario.hash[:12]}, not {man['scenario_hash'][:12]}; "
                           "its runs cannot be replayed (see `herz verify`)")
    if rec.get("status") != "done":
        raise ResultsError(f"run {format_run_id(point, replicate)} is in chunk {rec['id']}, "
                           f"which is {rec.get('status')}: nothing stored to replay "
                           f"(complete it with `herz resume {results}`)")
    stored = read_stored_row(store, rec, replicate)
    return replay_run(scenario, point, replicate, stored, chunk=str(rec["id"]),
                      trajectory=trajectory)


# --------------------------------------------------------------------------- trajectories


def trajectory_frame(ds: Any) -> Any:
    """One world's trajectory as a wide table: one row per step (for CSV and plots).

    Per-step series keep their names; per-state variables become ``NAME_S`` and
    per-pair ones ``NAME_S_O`` (state ``S``'s view of ``O``).
    """
    import pandas as pd

    if "world" in ds.dims and ds.sizes["world"] != 1:
        raise ParameterError("trajectory", ds.sizes["world"], "must hold exactly one world")
    one = ds.isel(world=0) if "world" in ds.dims else ds
    cols: dict[str, Any] = {"step": one["step"].values}
    for name, var in one.data_vars.items():
        if not var.dims or var.dims[0] != "step":
            continue
        values = np.asarray(var.values)
        if values.ndim == 1:
            cols[str(name)] = values
        else:
            flat = values.reshape(values.shape[0], -1)
            for k, idx in enumerate(np.ndindex(*values.shape[1:])):
                cols[f"{name}_" + "_".join(str(i) for i in idx)] = flat[:, k]
    return pd.DataFrame(cols)


def write_trajectory(ds: Any, path: str | Path) -> Path:
    """Write a trajectory as NetCDF (``.nc``) or a one-row-per-step CSV (``.csv``)."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in (".nc", ".csv"):
        raise ParameterError("--trajectory", str(path), "must end in .nc (NetCDF) or .csv")
    if p.parent and not p.parent.is_dir():
        raise ParameterError("--trajectory", str(path), "its directory does not exist")
    if suffix == ".nc":
        ds.to_netcdf(p)
    else:
        trajectory_frame(ds).to_csv(p, index=False)
    return p
