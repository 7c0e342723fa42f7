"""Queries of a results directory: DuckDB over the chunks that the integrity check passed.

:func:`query` and :func:`connect` read a results directory only after
:func:`herz.experiment.integrity.scan` has checked it (or, with ``partial=True``, read
the chunks it found sound and say what is left out).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from herz.experiment.files import ResultsError, read_plain
from herz.experiment.integrity import scan
from herz.experiment.store import Store

__all__ = ["connect", "query"]



def _refusal(store: Store, found: Any) -> ResultsError:
    problems = found.problems()
    more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
    if found.provenance:
        return ResultsError(f"{store.path}: the manifest does not match its files: "
                            f"{'; '.join(problems[:3])}{more}; `herz verify {store.path}` "
                            "lists every discrepancy")
    return ResultsError(f"{store.path}: damaged results: {'; '.join(problems[:3])}{more}; "
                        f"`herz resume {store.path}` recomputes damaged chunks and moves "
                        "stray files aside")


def connect(results: str | Path, *, partial: bool = False) -> Any:
    """An in-memory DuckDB connection with views over a verified results directory.

    Views: ``results`` (every row of every finished chunk), ``design`` (one row per
    design point), ``chunks`` (the manifest's chunk records), ``failures`` (failed
    chunks with their errors) and ``runs`` (``results`` with each world's ``run_id``,
    ``p{point}-r{replicate}``, as ``herz replay`` takes it).

    The directory is first checked by :func:`herz.experiment.integrity.scan`: damaged,
    foreign or stray files, an edited manifest, or (unless ``partial``) an unfinished
    sweep raise :class:`ResultsError` instead of giving wrong rows. With ``partial``
    the views hold the finished chunks that verify, and the connection's
    ``herz_partial`` attribute says what is left out. Only those files are read
    (through Arrow), and DuckDB runs with external access, extension installation and
    autoloading off and its configuration locked: a query reads nothing else and
    writes nothing.
    """
    import duckdb

    store = Store(results)
    man = store.read_manifest()
    found = scan(store, man)
    if found.provenance or found.design or (not partial and not found.sound):
        raise _refusal(store, found)
    if found.incomplete and not partial:
        raise ResultsError(
            f"{store.path}: incomplete results (status {found.status!r}): "
            f"{found.progress()}; `herz resume {store.path}` completes them, or "
            "`herz query --partial` reads the verified chunks and says what is missing")
    note = None
    if not found.ok:
        note = (f"partial results: {found.progress()}"
                + (f"; left out: {'; '.join(found.problems()[:3])}" if not found.sound else ""))
    con = duckdb.connect(":memory:", config={"autoinstall_known_extensions": False,
                                             "autoload_known_extensions": False,
                                             "allow_community_extensions": False})
    try:
        _views(con, store, man, [store.chunk_path(c) for c in found.good])
        con.execute("SET allowed_directories = []")
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
    except duckdb.Error as exc:
        con.close()
        raise ResultsError(f"{store.path}: cannot read the results ({exc})") from None
    return _Connection(con, note)


class _Connection:
    """A DuckDB connection and the label of partial results (``herz_partial``)."""

    def __init__(self, con: Any, note: str | None) -> None:
        self._con = con
        self.herz_partial = note

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)

    def __enter__(self) -> _Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self._con.close()


def _dataset(files: list[Path], fallback: Path) -> Any:
    import pyarrow.dataset as pads

    fmt = pads.ParquetFileFormat(default_fragment_scan_options=pads.ParquetFragmentScanOptions(
        page_checksum_verification=True))
    if not files:
        schema = pq.read_schema(fallback)
        return pa.table({n: pa.array([], type=schema.field(n).type) for n in schema.names})
    schemas = [pq.read_schema(f) for f in files]
    schema = pa.unify_schemas([s.remove_metadata() for s in schemas])
    return pads.dataset([str(f) for f in files], schema=schema, format=fmt)


def _views(con: Any, store: Store, man: Mapping[str, Any], files: list[Path]) -> Any:
    con.register("_results", _dataset(files, store.design_path))
    con.execute("CREATE VIEW results AS SELECT * FROM _results")
    con.register("_design", pq.read_table(io.BytesIO(read_plain(store.design_path))))
    con.execute("CREATE VIEW design AS SELECT * FROM _design")
    cols = ["id", "point", "start", "stop", "round", "status", "rows", "seconds", "worker",
            "finished", "attempts", "error"]
    recs = [{c: rec.get(c) for c in cols} for rec in man["chunks"].values()]
    chunk_df = pd.DataFrame(recs, columns=cols).astype(
        {"id": "string", "status": "string", "worker": "string", "finished": "string",
         "error": "string"})
    con.register("_chunks_df", chunk_df)
    con.execute("CREATE VIEW chunks AS SELECT * FROM _chunks_df")
    con.execute("CREATE VIEW failures AS SELECT id, point, start, stop, attempts, error "
                "FROM chunks WHERE status = 'failed'")
    # Every stored world's id for `herz replay RESULTS RUN_ID` (herz.experiment.replay).
    run_id = "concat('p', point, '-r', replicate)" if files else "CAST(NULL AS VARCHAR)"
    con.execute(f"CREATE VIEW runs AS SELECT {run_id} AS run_id, * FROM results")
    return con


def query(results: str | Path, sql: str, *, partial: bool = False) -> pd.DataFrame:
    """Run DuckDB SQL over a verified results directory and return a DataFrame.

    ``partial``: read the verified chunks of an unfinished or damaged directory; the
    frame's ``attrs["herz_partial"]`` then says what is left out (see :func:`connect`).

    >>> query("results/escape-map",
    ...       "SELECT point, avg(outcome IN ('mitigated', 'transcended')) AS p_escape "
    ...       "FROM results GROUP BY point ORDER BY point")  # doctest: +SKIP
    """
    import duckdb

    if not isinstance(sql, str) or not sql.strip():
        from herz.errors import ParameterError

        raise ParameterError("sql", sql, "must be a DuckDB query, e.g. "
                             "\"SELECT count(*) FROM results\"")
    con = connect(results, partial=partial)
    try:
        df: pd.DataFrame = con.execute(sql).df()
        if con.herz_partial:
            df.attrs["herz_partial"] = con.herz_partial
    except duckdb.Error as exc:
        raise ResultsError(f"query failed: {exc}") from None
    finally:
        con.close()
    return df
