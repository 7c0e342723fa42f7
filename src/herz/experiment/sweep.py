"""The sweep: a scenario's design, run by a runner, into a store.

:func:`sweep` plans the chunks (every design point's replicates, cut into chunks of
``chunk_size``), skips those already finished, runs the rest on a runner and writes
each as it finishes. With ``[design.adaptive]`` it then adds replicates, round after
round, where the escape probability's interval is still too wide; each round's plan
depends only on the finished rounds, so a resumed sweep makes the same plan.

:func:`resume` completes a results directory from its manifest alone.
:func:`run_scenario` is the one-call entry point for a scenario file or a preset.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.compute as pc
import pyarrow.parquet as pq

from herz.errors import ParameterError
from herz.experiment.design import POINT_KEY, adaptive_additions
from herz.experiment.integrity import plan_problems, scan
from herz.experiment.manifest import MAX_CHUNKS
from herz.experiment.models import BUILTIN_MODELS, ModelSpec, get_model, model_version
from herz.experiment.query import query
from herz.experiment.runners import Runner, Task, TaskResult, make_runner
from herz.experiment.scenario import Scenario, load_scenario, parse_scenario
from herz.experiment.store import (
    ResultsError,
    Store,
    _atomic_write,
    chunk_id,
    encode_chunk,
)

__all__ = ["SweepInterrupted", "SweepResult", "check_model_version", "manifest_scenario", "plan_size", "resume",
           "run_scenario", "sweep", "trust_model"]


class SweepInterrupted(KeyboardInterrupt):
    """The sweep was stopped (Ctrl-C or SIGTERM); everything finished so far is kept."""

    def __init__(self, result: SweepResult, signum: int = signal.SIGINT) -> None:
        self.result = result
        self.signum = signum
        how = "terminated (SIGTERM)" if signum == signal.SIGTERM else "interrupted"
        super().__init__(f"{result.path}: {how} after {result.done} of "
                           f"{result.planned} chunks; complete it with "
                           f"`herz resume {result.path}`")


def plan_size(scenario: Scenario) -> int:
    """The most chunks the sweep of ``scenario`` can plan (adaptive rounds included)."""
    per_point = -(-scenario.replicates // scenario.chunk_size)
    ad = scenario.adaptive
    if ad is not None:
        batch = ad.batch if ad.batch is not None else scenario.replicates
        rounds = -(-max(0, ad.max_replicates - scenario.replicates) // batch)
        per_point += rounds * -(-batch // scenario.chunk_size)
    return len(scenario.points) * per_point


def check_size(scenario: Scenario) -> int:
    """Refuse a sweep that would plan more than :data:`MAX_CHUNKS` chunks."""
    n = plan_size(scenario)
    if n > MAX_CHUNKS:
        raise ParameterError(
            "experiment.chunk_size", scenario.chunk_size,
            f"the sweep would plan up to {n} chunks ({len(scenario.points)} design points); at "
            f"most {MAX_CHUNKS} are allowed: raise experiment.chunk_size or lower the "
            "replicates or the design's size")
    return n


@dataclass
class SweepResult:
    """What a sweep did and where its results are (query them with :meth:`query`)."""

    path: Path
    scenario_hash: str
    status: str
    planned: int
    done: int
    failed: int
    ran: int
    skipped: int
    recomputed: list[str] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)
    seconds: float = 0.0
    store_seconds: float = 0.0
    model_seconds: float = 0.0
    encode_seconds: float = 0.0
    runner: str = ""
    workers: int | None = None

    @property
    def ok(self) -> bool:
        """True when every planned chunk finished."""
        return self.status == "complete"

    def query(self, sql: str) -> pd.DataFrame:
        """Run DuckDB SQL over these results (views ``results``, ``design``, ``chunks``)."""
        return query(self.path, sql)

    def results(self) -> pd.DataFrame:
        """Every row, ordered by point and replicate."""
        return self.query("SELECT * FROM results ORDER BY point, replicate")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        return {"path": str(self.path), "scenario_hash": self.scenario_hash,
                "status": self.status, "planned": self.planned, "done": self.done,
                "failed": self.failed, "ran": self.ran, "skipped": self.skipped,
                "recomputed": self.recomputed, "repairs": self.repairs,
                "seconds": self.seconds,
                "runner": self.runner, "workers": self.workers}


def design_frame(scenario: Scenario) -> pd.DataFrame:
    """One row per design point: its index, seed key and every parameter."""
    rows = []
    for i, pt in enumerate(scenario.points):
        row: dict[str, Any] = {"point": i, "seed_key": json.dumps([POINT_KEY, i])}
        for k, v in pt.items():
            row[k] = v if isinstance(v, int | float | str | bool) else json.dumps(v, default=str)
        rows.append(row)
    return pd.DataFrame(rows)


def _chunk_records(scenario: Scenario, point: int, start: int, stop: int,
                   rnd: int) -> list[dict[str, Any]]:
    out = []
    for a in range(start, stop, scenario.chunk_size):
        b = min(a + scenario.chunk_size, stop)
        out.append({"id": chunk_id(point, a, b), "point": point, "start": a, "stop": b,
                    "round": rnd, "seed_key": [POINT_KEY, point]})
    return out


def _task(scenario: Scenario, rec: Mapping[str, Any]) -> Task:
    p = int(rec["point"])
    pt = scenario.points[p]
    return Task(chunk=rec["id"], point=p, start=int(rec["start"]), stop=int(rec["stop"]),
                model=scenario.spec, params=dict(pt),
                factors={f.name: pt[f.name] for f in scenario.factors},
                mechanisms=dict(scenario.mechanisms), steps=scenario.steps,
                seed=scenario.seed, scenario_hash=scenario.hash)


def _escape_counts(store: Store, scenario: Scenario) -> dict[int, tuple[int, int]]:
    spec = scenario.spec
    counts = {i: [0, 0] for i in range(len(scenario.points))}
    escape = _string_array(list(spec.escape_outcomes))
    for rec in store.chunks.values():
        if rec["status"] != "done":
            continue
        table = pq.read_table(store.chunk_path(rec["id"]), columns=[spec.outcome_column])
        col = table.column(spec.outcome_column)
        esc = pc.sum(pc.is_in(col, value_set=escape)).as_py()
        c = counts[int(rec["point"])]
        c[0] += table.num_rows
        c[1] += int(esc or 0)
    return {k: (v[0], v[1]) for k, v in counts.items()}


def _string_array(values: list[str]) -> Any:
    """A pyarrow string array (helper for :func:`pyarrow.compute.is_in`)."""
    import pyarrow as pa

    return pa.array(values, type=pa.string())


@contextlib.contextmanager
def _progress_bar(enabled: bool, total: int, title: str) -> Iterator[Callable[..., None]]:
    if not enabled:
        yield lambda **kw: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    err_console = Console(stderr=True)

    class _Rate(TextColumn):
        def __init__(self) -> None:
            super().__init__("")

        def render(self, task: Any) -> Any:
            from rich.text import Text

            speed = task.finished_speed or task.speed
            return Text("" if speed is None else f"{speed:,.1f} chunks/s", style="cyan")

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TaskProgressColumn(), _Rate(), TimeElapsedColumn(), TextColumn("ETA"),
               TimeRemainingColumn())
    with Progress(*columns, console=err_console, transient=False) as progress:
        tid = progress.add_task(title, total=total)

        def update(advance: int = 0, total: int | None = None, description: str | None = None
                   ) -> None:
            kw: dict[str, Any] = {"advance": advance}
            if total is not None:
                kw["total"] = total
            if description is not None:
                kw["description"] = description
            progress.update(tid, **kw)

        yield update


def design_bytes(scenario: Scenario) -> bytes:
    """``design.parquet``'s bytes for ``scenario`` (deterministic)."""
    import pyarrow as pa

    table = pa.Table.from_pandas(design_frame(scenario), preserve_index=False)
    return encode_chunk(table, "design", scenario.hash)


def _stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")


def _move_aside(store: Store, name: str) -> str:
    """Move ``chunks/NAME`` (a file, a link or a directory) to ``stray/``; return where."""
    stray = store.path / "stray"
    stray.mkdir(exist_ok=True)
    store.check_layout()
    dest = stray / f"{name.lstrip('.') or 'file'}.{_stamp()}"
    os.replace(store.chunks_dir / name, dest)
    return f"stray/{dest.name}"


def _repair(store: Store, scenario: Scenario) -> tuple[list[str], list[str]]:
    """Check the directory (the shared scan) and repair what it flags, under the lock.

    Returns (chunks recomputed because damaged, other repairs), each as messages.
    Refuses (raises) when the manifest does not match its files (an edited manifest).
    """
    man = store.manifest
    assert man is not None
    repairs: list[str] = []
    removed = store.clean_temporary()
    if removed:
        repairs.append(f"removed {len(removed)} temporary file(s) a stopped writer left")
    found = scan(store, man)
    if found.provenance:
        raise ResultsError(f"{store.path}: refused to resume: {found.provenance[0]}; nothing "
                           f"was changed (`herz verify {store.path}` lists every discrepancy; "
                           "start a new directory, or restore the original manifest)")
    for cid, why in plan_problems(man, scenario).items():
        rec = man["chunks"].pop(cid)
        repairs.append(f"chunk record {cid} dropped: {why}")
        if os.path.lexists(store.chunk_path(cid)):
            found.strays.append(f"{cid}.parquet")
        found.damaged.pop(cid, None)
        found.wrong_bytes.pop(cid, None)
        if cid in found.pending_files:
            found.pending_files.remove(cid)
        del rec
    if found.design:
        data = design_bytes(scenario)
        if os.path.lexists(store.design_path):
            store.corrupt_dir.mkdir(exist_ok=True)
            os.replace(store.design_path, store.corrupt_dir / f"design.{_stamp()}.parquet")
        _atomic_write(store.design_path, data)
        man["design"]["sha256"] = hashlib.sha256(data).hexdigest()
        repairs.append(f"design.parquet: {found.design}; rebuilt from the scenario")
    for name in sorted(set(found.strays)):
        where = _move_aside(store, name)
        repairs.append(f"chunks/{name}: not a chunk of this sweep; moved to {where}")
    for cid, size in found.wrong_bytes.items():
        repairs.append(f"chunk {cid}: the manifest said {man['chunks'][cid].get('bytes')} "
                       f"bytes, the file has {size}; corrected")
        man["chunks"][cid]["bytes"] = size
    recomputed = []
    for cid, why in sorted(found.damaged.items()):
        recomputed.append(f"{cid}: {why}")
        store.quarantine(cid, why)
    for cid in found.pending_files:
        bad = store.verify_chunk(cid, scenario.hash)
        rec = store.chunks[cid]
        if bad is None:
            rec.update(status="done")
            rec.pop("error", None)
            rec.pop("traceback", None)
        else:
            recomputed.append(f"{cid}: {bad}")
            store.quarantine(cid, bad)
    store.save(force=True)
    return recomputed, repairs


#: Files a sweep stopped before its first manifest was written may leave behind.
def _early_leftovers(path: Path) -> list[Path] | None:
    """The files of a sweep killed before its manifest existed (None: something else is here)."""
    out = []
    for p in path.iterdir():
        name = p.name
        if name in (".lock", ".lock.filelock"):
            continue
        if name.startswith(".") and ".tmp-" in name and (p.is_symlink() or not p.is_dir()):
            out.append(p)
        elif name == "design.parquet" and _herz_design(p):
            out.append(p)
        elif name == "chunks" and p.is_dir() and not p.is_symlink() and all(
                q.name.startswith(".") and ".tmp-" in q.name for q in p.iterdir()):
            out.append(p)
        else:
            return None
    return out


def _herz_design(path: Path) -> bool:
    """Whether ``path`` is a design.parquet herz wrote (its footer says so)."""
    try:
        meta = pq.read_schema(path).metadata or {}
    except Exception:  # any decoding error: not herz's
        return False
    return bool(meta.get(b"herz.chunk") == b"design" and not path.is_symlink())


def _clear(leftovers: list[Path]) -> None:
    for p in leftovers:
        if p.is_dir() and not p.is_symlink():
            for q in p.iterdir():
                q.unlink()
            p.rmdir()
        else:
            p.unlink()


class _Terminate:
    """Turn SIGTERM into the KeyboardInterrupt of Ctrl-C while a sweep runs (main thread)."""

    def __init__(self) -> None:
        self.signum: int = signal.SIGINT
        self._old: Any = None

    def _handler(self, signum: int, frame: Any) -> None:
        self.signum = signum
        raise KeyboardInterrupt

    def __enter__(self) -> _Terminate:
        if threading.current_thread() is threading.main_thread():
            self._old = signal.signal(signal.SIGTERM, self._handler)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._old is not None:
            signal.signal(signal.SIGTERM, self._old)


def sweep(
    scenario: Scenario | str | Path,
    *,
    output: str | Path | None = None,
    runner: Runner | str | None = None,
    workers: int | None = None,
    scheduler: Any = None,
    resume: bool = False,
    retry_failed: bool = True,
    progress: bool = False,
    on_chunk: Callable[[Task, TaskResult], None] | None = None,
    store_options: Mapping[str, Any] | None = None,
) -> SweepResult:
    """Run a scenario's design into a results directory and return a summary.

    Parameters
    ----------
    scenario:
        A :class:`Scenario`, a path to a scenario file, or a preset's name.
    output:
        The results directory (default: the scenario's ``[output] directory``).
    runner, workers, scheduler:
        A :class:`~herz.experiment.runners.Runner`, or a kind (``inprocess``,
        ``processes``, ``dask``) with a worker count and a Dask scheduler address.
        Default: local processes on all cores.
    resume:
        Complete a directory that holds a sweep of the *same* scenario (same
        hash), skipping finished chunks and recomputing damaged ones. Without it an
        existing directory is refused; a different scenario always is.
    retry_failed:
        On resume, run failed chunks again (default) or leave them failed.
    progress:
        Show a rich progress bar (rate and ETA) on stderr.
    on_chunk:
        Called in the driver with ``(task, result)`` after each chunk is stored.
    store_options:
        Keyword arguments of :class:`~herz.experiment.store.Store` (``fsync``,
        ``manifest_interval``).

    Raises
    ------
    ScenarioError
        The scenario is not valid (nothing on disk is touched).
    ResultsError
        The directory holds another scenario, is in use, or (without ``resume``)
        already holds results.
    SweepInterrupted
        Ctrl-C: the finished chunks are kept and the manifest says "interrupted".
    """
    t_start = time.perf_counter()
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    check_size(scenario)
    out = Path(output if output is not None else scenario.output)
    store = Store(out, **dict(store_options or {}))
    if out.exists() and not out.is_dir():
        raise ParameterError("output" if output is not None else "output.directory", str(out),
                             "is a file, not a directory; choose a new or empty directory")
    store.check_layout()
    if out.is_dir() and not store.exists() and _early_leftovers(out) is None:
        raise ResultsError(f"{out}: exists and is not a herz results directory; "
                           "choose an empty or new directory")
    if runner is None or isinstance(runner, str):
        runner = make_runner(runner, workers=workers, scheduler=scheduler)

    with store.lock():
        repairs: list[str] = []
        if store.exists():
            man = store.read_manifest()
            if man["scenario_hash"] != scenario.hash:
                raise ResultsError(
                    f"{out}: holds results of another scenario ({man['scenario'].get('name')!r}, "
                    f"hash {man['scenario_hash'][:12]}); this scenario ({scenario.name!r}) "
                    f"hashes to {scenario.hash[:12]}. Use another output directory.")
            if not resume:
                raise ResultsError(f"{out}: already holds results of this scenario; complete "
                                   f"them with `herz resume {out}` (or sweep with --resume)")
            check_model_version(man, scenario.spec, out)
            recomputed, repairs = _repair(store, scenario)
        else:
            leftovers = _early_leftovers(out)
            if leftovers is None:
                raise ResultsError(f"{out}: exists and is not a herz results directory; "
                                   "choose an empty or new directory")
            if leftovers:
                _clear(leftovers)
                repairs.append(f"{out}: a sweep stopped before its manifest was written; "
                               f"removed what it left ({len(leftovers)} file(s)) and started "
                               "afresh")
            store.create(scenario, design_frame(scenario), scenario.text)
            recomputed = []
        planned: list[dict[str, Any]] = []
        for p in range(len(scenario.points)):
            planned += _chunk_records(scenario, p, 0, scenario.replicates, 0)
        store.plan(planned)
        result = SweepResult(path=out, scenario_hash=scenario.hash, status="running",
                             planned=0, done=0, failed=0, ran=0, skipped=0,
                             recomputed=recomputed, repairs=repairs, runner=runner.name)
        interrupted = False
        with runner, _Terminate() as term:
            result.workers = runner.workers
            store.begin_run(runner.name, runner.workers)
            todo = _todo(store, retry_failed)
            result.skipped = sum(1 for r in store.chunks.values() if r["status"] == "done")
            with _progress_bar(progress, len(store.chunks), scenario.name) as bar:
                bar(advance=result.skipped)
                try:
                    while True:
                        _run_tasks(store, scenario, runner, todo, result, bar, on_chunk)
                        failed = [r for r in store.chunks.values() if r["status"] != "done"]
                        if failed or scenario.adaptive is None:
                            break
                        rnd = 1 + max(int(r.get("round", 0)) for r in store.chunks.values())
                        extra = _adaptive_round(store, scenario, rnd)
                        if not extra:
                            break
                        bar(total=len(store.chunks), description=f"{scenario.name} "
                            f"(adaptive round {rnd})")
                        todo = extra
                except KeyboardInterrupt:
                    interrupted = True
                    runner.cancel()
        status = "interrupted" if interrupted else (
            "complete" if all(r["status"] == "done" for r in store.chunks.values())
            else "incomplete")
        store.end_run(status)
        result.status = status
        result.planned = len(store.chunks)
        result.done = sum(1 for r in store.chunks.values() if r["status"] == "done")
        result.failed = sum(1 for r in store.chunks.values() if r["status"] == "failed")
        result.store_seconds = store.seconds
        result.seconds = time.perf_counter() - t_start
    if interrupted:
        raise SweepInterrupted(result, term.signum)
    return result


def _todo(store: Store, retry_failed: bool) -> list[dict[str, Any]]:
    ok = ("pending", "failed") if retry_failed else ("pending",)
    return [r for r in store.chunks.values() if r["status"] in ok]


def _adaptive_round(store: Store, scenario: Scenario, rnd: int) -> list[dict[str, Any]]:
    ad = scenario.adaptive
    assert ad is not None
    counts = _escape_counts(store, scenario)
    batch = ad.batch if ad.batch is not None else scenario.replicates
    extra = adaptive_additions(counts, ad.target_ci_width, ad.max_replicates, batch,
                               ad.confidence)
    new: list[dict[str, Any]] = []
    for point, add in extra.items():
        n = counts[point][0]
        new += _chunk_records(scenario, point, n, n + add, rnd)
    store.plan(new)
    return [store.chunks[r["id"]] for r in new if store.chunks[r["id"]]["status"] != "done"]


def _run_tasks(store: Store, scenario: Scenario, runner: Runner,
               records: list[dict[str, Any]], result: SweepResult,
               bar: Callable[..., None], on_chunk: Callable[[Task, TaskResult], None] | None
               ) -> None:
    tasks = (_task(scenario, r) for r in records)
    for task, res in runner.run(tasks):
        info = {"seconds": round(res.seconds, 6), "worker": res.worker}
        if res.ok and res.data is not None:
            store.write_chunk(task.chunk, res.data, {**info, "sha256": res.sha256,
                                                     "rows": res.rows})
            result.model_seconds += res.seconds
            result.encode_seconds += res.encode_seconds
        else:
            store.record_failure(task.chunk, res.error or "unknown error",
                                 res.traceback or "", info)
        result.ran += 1
        bar(advance=1)
        if on_chunk is not None:
            on_chunk(task, res)


def manifest_scenario(man: Mapping[str, Any], results: str | Path = "<results>") -> Scenario:
    """The scenario a manifest records (its TOML text, or the document built in Python).

    The caller compares its hash with ``man["scenario_hash"]``; a TOML that no longer
    validates raises :class:`~herz.experiment.scenario.ScenarioError`.
    """
    import tomllib

    text = man.get("scenario_toml") or ""
    scen = man.get("scenario")
    source = str(scen.get("source", "<manifest>")) if isinstance(scen, dict) else "<manifest>"
    doc = man.get("scenario_document")
    if text:
        try:
            doc = tomllib.loads(text)
        except (tomllib.TOMLDecodeError, RecursionError) as exc:
            raise ResultsError(f"{results}: the manifest's scenario_toml is not valid TOML "
                               f"({' '.join(str(exc).split())[:120]})") from None
    if not isinstance(doc, dict):
        raise ResultsError(f"{results}: the manifest holds no scenario")
    _check_model(doc, results)
    if text:
        return parse_scenario(text, source=source)
    return Scenario.from_dict(doc, source=source)  # built in Python, not from a file


def _check_model(doc: Mapping[str, Any], results: str | Path) -> None:
    """Refuse a manifest whose model is an import path outside the herz package.

    A results directory may come from anyone: herz imports no module it names, except
    herz's own (a model of your own is named on the command line or registered in Python).
    """
    from herz.experiment.manifest import MODEL_NAME

    ex = doc.get("experiment")
    model = ex.get("model", "world") if isinstance(ex, dict) else "world"
    if not isinstance(model, str) or not MODEL_NAME.match(model):
        raise ResultsError(f"{results}: the manifest's experiment.model = {str(model)[:80]!r} "
                           "is neither a model name nor an import path module.path:attr")
    if ":" in model and not model.startswith("herz.") and not trusted_model(model):
        raise ResultsError(f"{results}: the manifest's experiment.model = {model!r} is a module "
                           "outside the herz package; herz imports no module a results "
                           f"directory names unless you trust it: set {TRUST_ENV}={model}")


#: Environment variable naming, comma-separated, the models outside herz that a results
#: directory may name and herz may import (``module.path:attr`` each).
TRUST_ENV = "HERZ_TRUST_MODELS"


def trusted_model(model: str) -> bool:
    """True when the user trusts ``model`` (``module:attr``) outside the herz package.

    Trust is given by the user, never by the results directory: the model is named,
    ``module:attr`` exactly, in ``$HERZ_TRUST_MODELS`` (comma-separated) or was passed
    to :func:`trust_model` in this process.
    """
    import os

    trusted = {m.strip() for m in os.environ.get(TRUST_ENV, "").split(",") if m.strip()}
    return model in trusted or model in _TRUSTED


_TRUSTED: set[str] = set()


def trust_model(model: str) -> None:
    """Let resume, replay and verify import ``model`` (``module.path:attr``) in this process.

    For a model of your own: ``trust_model("mymodels:COIN")`` before ``resume(...)``
    (on the command line, ``HERZ_TRUST_MODELS=mymodels:COIN herz resume DIR``).
    """
    from herz.experiment.manifest import MODEL_NAME

    if not isinstance(model, str) or ":" not in model or not MODEL_NAME.match(model):
        raise ParameterError("model", model, "must be an import path module.path:attr")
    _TRUSTED.add(model)


def check_model_version(man: dict[str, Any], spec: ModelSpec, path: str | Path) -> None:
    """Refuse a results directory that another version of the model wrote (one line).

    The manifest's ``versions.model`` (``"world 2"``) must be this model's
    :func:`~herz.experiment.models.model_version`; a directory without it was
    written before models recorded one (the world's version 1).
    """
    expected = model_version(spec)
    if expected is None:
        return
    found = man.get("versions", {}).get("model") or f"{spec.name} 1 (no model version recorded)"
    if found != expected:
        raise ResultsError(f"{path}: written by {found}, this herz runs {expected}; results "
                           "of another model version do not resume: start a new directory")


def resume(results: str | Path, *, runner: Runner | str | None = None,
           workers: int | None = None, scheduler: Any = None, retry_failed: bool = True,
           progress: bool = False,
           on_chunk: Callable[[Task, TaskResult], None] | None = None) -> SweepResult:
    """Complete the sweep in ``results`` from the scenario its manifest records.

    A directory whose sweep was stopped while its first manifest was being renamed
    into place is recovered from that manifest when it validates.
    """
    store = Store(results)
    adopted = None
    if not store.exists() and store.path.is_dir():
        adopted = _adopt_first_manifest(store)
    man = store.read_manifest()
    model = str(man.get("scenario", {}).get("model", ""))
    if model in BUILTIN_MODELS:  # before the scenario is read: its parameters may be gone
        check_model_version(man, get_model(model), results)
    scenario = manifest_scenario(man, results)
    if scenario.hash != man["scenario_hash"]:
        raise ResultsError(f"{results}: the recorded scenario now hashes to "
                           f"{scenario.hash[:12]}, not {man['scenario_hash'][:12]} (a "
                           "different herz or model version?); start a new directory")
    result = sweep(scenario, output=results, runner=runner, workers=workers,
                   scheduler=scheduler, resume=True, retry_failed=retry_failed,
                   progress=progress, on_chunk=on_chunk)
    if adopted:
        result.repairs.insert(0, adopted)
    return result


def _adopt_first_manifest(store: Store) -> str | None:
    from herz.experiment import manifest as manifest_mod

    tmps = sorted(store.path.glob(".manifest.json.tmp-*"))
    if not tmps:
        return None
    with store.lock():
        for tmp in tmps:
            try:
                manifest_mod.read_manifest(tmp)
            except (OSError, ValueError):
                continue
            os.replace(tmp, store.manifest_path)
            return (f"{tmp.name}: the first manifest of a sweep stopped while renaming it; "
                    "it validates and is now manifest.json")
    raise ResultsError(f"{store.path}: a sweep was stopped before its first manifest was "
                       "written (no chunk had finished); start it again with `herz sweep "
                       f"SCENARIO -o {store.path}`")


def run_scenario(path_or_preset: str | Path | Scenario, *, output: str | Path | None = None,
                 runner: Runner | str | None = None, workers: int | None = None,
                 scheduler: Any = None, resume: bool = False, progress: bool = False
                 ) -> SweepResult:
    """Run a scenario file or a preset (by name) and return its :class:`SweepResult`.

    This is what ``herz run SCENARIO.toml`` and ``herz run --preset NAME`` call.
    With ``resume=True`` an existing directory of the same scenario is completed.
    """
    return sweep(path_or_preset, output=output, runner=runner, workers=workers,
                 scheduler=scheduler, resume=resume, progress=progress)
