"""``herz sweep``, ``herz resume``, ``herz query``, ``herz presets``: experiments at scale.

``herz run --preset NAME`` and ``herz run SCENARIO.toml`` belong to the world's
command, which calls :func:`herz.experiment.run_scenario`.
"""

from __future__ import annotations

import sys
from typing import Any

import typer

from herz.cli._common import (
    JSON_OPTION,
    Col,
    console,
    err_console,
    human,
    print_json,
    print_sweep_summary,
    print_table,
)

RUNNER_HELP = "Where tasks run: inprocess, processes (default) or dask."
WORKERS_HELP = "Worker processes (default: all cores; with --runner dask: a LocalCluster of N)."
SCHEDULER_HELP = "Dask scheduler address, e.g. tcp://HOST:8786 (implies --runner dask)."


def register(parent: typer.Typer) -> None:
    """Add ``sweep``, ``resume``, ``query`` and ``presets`` to ``parent``."""
    parent.command("sweep")(sweep_cmd)
    parent.command("resume")(resume_cmd)
    parent.command("query")(query_cmd)
    parent.command("presets")(presets_cmd)


def _report(result: Any, json: bool) -> None:
    for msg in result.repairs:
        err_console.print(f"herz: repaired: {msg}", markup=False, highlight=False,
                          soft_wrap=True)
    for msg in result.recomputed:
        err_console.print(f"herz: damaged, recomputed: {msg}", markup=False, highlight=False,
                          soft_wrap=True)
    if json:
        print_json(result.to_dict())
        return
    msg = (f"{result.path}: {result.status}; {result.done} of {result.planned} chunks done "
           f"({result.ran} run now, {result.skipped} skipped"
           + (f", {result.failed} failed" if result.failed else "")
           + (f", {len(result.recomputed)} damaged and recomputed" if result.recomputed else "")
           + f") in {result.seconds:.1f} s on {result.runner}")
    console.print(msg)
    if result.status == "complete":
        print_sweep_summary(result.path)
    if result.failed:
        err_console.print(f"failed chunks are listed by `herz query {result.path} "
                          "\"SELECT * FROM failures\"`; `herz resume` retries them")


def _finish(result: Any, json: bool) -> None:
    _report(result, json)
    if result.status != "complete":
        raise typer.Exit(1)


def _interrupted(exc: Any) -> None:
    import signal

    err_console.print(f"herz: {exc}", markup=False, highlight=False,
                          soft_wrap=True)
    sys.exit(143 if getattr(exc, "signum", None) == signal.SIGTERM else 130)


def sweep_cmd(
    scenario: str = typer.Argument(..., help="Scenario file (TOML) or a preset's name."),
    output: str = typer.Option(None, "--out", "-o",
                               help="Results folder (default: the scenario's \\[output] directory)."),
    output_alias: str = typer.Option(None, "--output", hidden=True),
    resume: bool = typer.Option(False, "--resume",
                                help="Complete an existing directory of this scenario."),
    runner: str = typer.Option(None, "--runner", help=RUNNER_HELP),
    workers: int = typer.Option(None, "--workers", "-w", min=1, help=WORKERS_HELP),
    scheduler: str = typer.Option(None, "--scheduler", help=SCHEDULER_HELP),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar."),
    check: bool = typer.Option(False, "--check",
                               help="Only validate the scenario and print its plan."),
    json: bool = JSON_OPTION,
) -> None:
    """Run a scenario's design into a results directory (Parquet chunks + manifest)."""
    from herz.experiment import SweepInterrupted, load_scenario, sweep
    from herz.experiment.sweep import check_size

    output = output or output_alias
    sc = load_scenario(scenario)  # a bad scenario stops here, before anything is touched
    chunks = check_size(sc)  # so does one too large for a results directory
    if check:
        plan = {"scenario": sc.source, "name": sc.name, "hash": sc.hash, "model": sc.model,
                "design": sc.method, "points": len(sc.points), "replicates": sc.replicates,
                "chunk_size": sc.chunk_size, "chunks": chunks, "steps": sc.steps,
                "seed": sc.seed, "adaptive": sc.adaptive is not None,
                "output": str(output or sc.output)}
        if json:
            print_json(plan)
        else:
            console.print(f"{sc.source}: valid; " + ", ".join(f"{k} {human(v)}" for k, v in
                                                               plan.items() if k != "scenario"))
        return
    try:
        result = sweep(sc, output=output, runner=runner, workers=workers, scheduler=scheduler,
                       resume=resume, progress=progress and not json)
    except SweepInterrupted as exc:
        _interrupted(exc)
        return
    _finish(result, json)


def resume_cmd(
    results: str = typer.Argument(..., help="Results directory of an unfinished sweep."),
    runner: str = typer.Option(None, "--runner", help=RUNNER_HELP),
    workers: int = typer.Option(None, "--workers", "-w", min=1, help=WORKERS_HELP),
    scheduler: str = typer.Option(None, "--scheduler", help=SCHEDULER_HELP),
    retry_failed: bool = typer.Option(True, "--retry-failed/--no-retry-failed",
                                      help="Run failed chunks again."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar."),
    json: bool = JSON_OPTION,
) -> None:
    """Complete a sweep: skip finished chunks, recompute damaged ones, run the rest."""
    from herz.experiment import SweepInterrupted
    from herz.experiment import resume as resume_fn

    try:
        result = resume_fn(results, runner=runner, workers=workers, scheduler=scheduler,
                           retry_failed=retry_failed, progress=progress and not json)
    except SweepInterrupted as exc:
        _interrupted(exc)
        return
    _finish(result, json)


def query_cmd(
    results: str = typer.Argument(..., help="Results directory."),
    sql: str = typer.Argument(..., help="DuckDB SQL over the views results, design, chunks, "
                              "failures, runs."),
    partial: bool = typer.Option(False, "--partial",
                                 help="Read the verified chunks of an unfinished or damaged "
                                 "directory (stderr says what is left out)."),
    limit: int = typer.Option(50, "--limit", help="Rows to print (the table view)."),
    csv: bool = typer.Option(False, "--csv", help="Print CSV on stdout."),
    json: bool = JSON_OPTION,
) -> None:
    """Query verified results with DuckDB SQL (read-only: no other file, no extension).

    Example: herz query RESULTS "SELECT outcome, count(*) FROM results GROUP BY 1"
    """
    from herz.experiment import query

    df = query(results, sql, partial=partial)
    if df.attrs.get("herz_partial"):
        err_console.print(f"herz: note: {df.attrs['herz_partial']}", markup=False,
                          highlight=False, soft_wrap=True)
    if json:
        print_json({"columns": [str(c) for c in df.columns],
                    "rows": [list(r) for r in df.itertuples(index=False)]})
        return
    if csv:
        typer.echo(df.to_csv(index=False), nl=False)
        return
    print_table([str(c) for c in df.columns], df.head(limit).itertuples(index=False))
    if len(df) > limit:
        console.print(f"({len(df)} rows; {limit} shown: --limit N, --csv or --json for all)")


def presets_cmd(
    name: str = typer.Argument(None, help="Print this preset's TOML (with its comments)."),
    json: bool = JSON_OPTION,
) -> None:
    """List the preset scenarios for the paper's cases (or print one)."""
    from herz.experiment.presets import preset_info, preset_names, preset_path

    if name is not None:
        text = preset_path(name).read_text(encoding="utf-8")
        if json:
            print_json({"name": name, "toml": text})
        else:
            typer.echo(text, nl=False)
        return
    rows = [{**r, "points": int(r["points"]), "replicates": int(r["replicates"])}
            for r in (preset_info(n) for n in preset_names())]
    if json:
        print_json({"presets": rows})
        return
    print_table([Col("name", copy=True), "title", Col("points", right=True),
                 Col("replicates", right=True)],
                [(r["name"], r["title"], r["points"], r["replicates"]) for r in rows],
                title="herz presets")
    console.print("Run one: herz run --preset NAME (a summary) or herz sweep NAME --out FOLDER; "
                  "herz presets NAME prints its TOML.")
