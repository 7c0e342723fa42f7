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
import json
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.compute as pc
import pyarrow.parquet as pq

from herz.experiment.design import POINT_KEY, adaptive_additions
from herz.experiment.runners import Runner, Task, TaskResult, make_runner
from herz.experiment.scenario import Scenario, load_scenario, parse_scenario
from herz.experiment.store import ResultsError, Store, chunk_id, query

__all__ = ["SweepInterrupted", "SweepResult", "manifest_scenario", "resume", "run_scenario",
           "sweep"]


class SweepInterrupted(KeyboardInterrupt):
    """The sweep was stopped (Ctrl-C); everything finished so far is kept."""

    def __init__(self, result: SweepResult) -> None:
        self.result = result
        super().__init__(f"{result.path}: interrupted after {result.done} of "
                           f"{result.planned} chunks; complete it with "
                           f"`herz resume {result.path}`")


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
                "recomputed": self.recomputed, "seconds": self.seconds,
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
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from herz.cli._common import err_console

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


def _verify(store: Store, scenario: Scenario) -> list[str]:
    recomputed = []
    store.clean_temporary()
    on_disk = {p.stem for p in store.chunks_dir.glob("*.parquet")}
    for cid in sorted(on_disk | {c for c, r in store.chunks.items() if r["status"] == "done"}):
        if cid not in store.chunks:
            store.quarantine(cid, "not in the plan")
            continue
        why = store.verify_chunk(cid, scenario.hash)
        if why is None:
            rec = store.chunks[cid]
            if rec["status"] != "done":
                rec.update(status="done")
                rec.pop("error", None)
                rec.pop("traceback", None)
        else:
            if why != "missing" or store.chunks[cid]["status"] == "done":
                recomputed.append(f"{cid}: {why}")
            store.quarantine(cid, why)
    store.save(force=True)
    return recomputed


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
    out = Path(output if output is not None else scenario.output)
    store = Store(out, **dict(store_options or {}))
    if store.exists():
        man = store.read_manifest()
        if man["scenario_hash"] != scenario.hash:
            raise ResultsError(
                f"{out}: holds results of another scenario ({man['scenario'].get('name')!r}, "
                f"hash {man['scenario_hash'][:12]}); this scenario ({scenario.name!r}) hashes "
                f"to {scenario.hash[:12]}. Use another output directory.")
        if not resume:
            raise ResultsError(f"{out}: already holds results of this scenario; "
                               f"complete them with `herz resume {out}` (or choose another "
                               "output folder)")
    elif out.exists() and any(p.name != ".lock" for p in out.iterdir()):
        raise ResultsError(f"{out}: exists and is not a herz results directory; "
                           "choose an empty or new directory")
    if runner is None or isinstance(runner, str):
        runner = make_runner(runner, workers=workers, scheduler=scheduler)

    with store.lock():
        if store.exists():
            store.read_manifest()
            recomputed = _verify(store, scenario)
        else:
            store.create(scenario, design_frame(scenario), scenario.text)
            recomputed = []
        planned: list[dict[str, Any]] = []
        for p in range(len(scenario.points)):
            planned += _chunk_records(scenario, p, 0, scenario.replicates, 0)
        store.plan(planned)
        result = SweepResult(path=out, scenario_hash=scenario.hash, status="running",
                             planned=0, done=0, failed=0, ran=0, skipped=0,
                             recomputed=recomputed, runner=runner.name)
        interrupted = False
        with runner:
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
        raise SweepInterrupted(result)
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
    text = man.get("scenario_toml") or ""
    scen = man.get("scenario")
    source = str(scen.get("source", "<manifest>")) if isinstance(scen, dict) else "<manifest>"
    if text:
        return parse_scenario(text, source=source)
    if isinstance(man.get("scenario_document"), dict):  # built in Python, not from a file
        return Scenario.from_dict(man["scenario_document"], source=source)
    raise ResultsError(f"{results}: the manifest holds no scenario")


def resume(results: str | Path, *, runner: Runner | str | None = None,
           workers: int | None = None, scheduler: Any = None, retry_failed: bool = True,
           progress: bool = False,
           on_chunk: Callable[[Task, TaskResult], None] | None = None) -> SweepResult:
    """Complete the sweep in ``results`` from the scenario its manifest records."""
    store = Store(results)
    man = store.read_manifest()
    scenario = manifest_scenario(man, results)
    if scenario.hash != man["scenario_hash"]:
        raise ResultsError(f"{results}: the recorded scenario now hashes to "
                           f"{scenario.hash[:12]}, not {man['scenario_hash'][:12]} (a "
                           "different herz or model version?); start a new directory")
    return sweep(scenario, output=results, runner=runner, workers=workers, scheduler=scheduler,
                 resume=True, retry_failed=retry_failed, progress=progress, on_chunk=on_chunk)


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


def escape_summary(results: str | Path, escape: tuple[str, ...] | None = None,
                   confidence: float = 0.95) -> pd.DataFrame:
    """P(escape) per design point with its Wilson interval, from a results directory."""
    from herz.experiment.design import wilson_interval

    store = Store(results)
    man = store.read_manifest()
    if escape is None:
        from herz.experiment.models import get_model

        escape = get_model(man["scenario"]["model"]).escape_outcomes
    values = ", ".join("'" + e.replace("'", "''") + "'" for e in escape) or "NULL"
    df = query(results, f"SELECT point, count(*) AS n, sum(CASE WHEN outcome IN ({values}) "
                        "THEN 1 ELSE 0 END) AS escapes FROM results GROUP BY point ORDER BY point")
    lo_hi = [wilson_interval(int(k), int(n), confidence)
             for k, n in zip(df["escapes"], df["n"], strict=True)]
    df["p_escape"] = df["escapes"] / df["n"]
    df["ci_low"] = [x[0] for x in lo_hi]
    df["ci_high"] = [x[1] for x in lo_hi]
    return df

