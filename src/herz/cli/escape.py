"""``herz escape``: run the escape map (herz's main job) and write its report."""

from __future__ import annotations

from pathlib import Path

import typer

from herz.cli._common import JSON_OPTION, console, err_console, print_json

HERZ_OUTPUT = "herz-output"

SIZE_HELP = ("tiny (seconds; tests) or default (minutes; the main job). "
             "Default: $HERZ_ESCAPE_SIZE, else default.")


def register(parent: typer.Typer) -> None:
    """Add ``escape`` to ``parent``."""
    parent.command("escape")(escape_cmd)


def escape_cmd(
    out: str = typer.Option(HERZ_OUTPUT, "-o", "--out",
                             help="Folder for the results and escape_report.html."),
    size: str = typer.Option(None, "--size", help=SIZE_HELP),
    workers: int = typer.Option(None, "--workers", "-w", min=1,
                                help="Worker processes (default: all cores; 1: in this process)."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bars."),
    json: bool = JSON_OPTION,
    escape_map: bool = typer.Option(False, "--map",
                                    help="Run version 1's escape map (stored sweeps) instead."),
) -> None:
    """Run the escape study: entries into the dilemma, routes as paired branches, verdict.

    The report goes to OUT/escape_report.html (figures in OUT/escape_report_figures),
    the numbers to OUT/escape_report.json. With --map: version 1's escape map
    (stored sweeps in OUT/results, resumed if they exist).
    """
    if not escape_map:
        _study(Path(out), size, workers, progress, json)
        return
    from herz.studies.escape import run_escape_map, size_from_env

    config = size_from_env(size)  # a bad size stops here
    if not json:
        err_console.print(f"herz escape map ({config.name}): {config.odb_levels} x "
                          f"{config.d_levels} cells, {config.n_states} states, {config.steps} "
                          f"years; results in {Path(out) / 'results'}")
    run = run_escape_map(Path(out), config.name, workers=workers, progress=progress and not json)
    an = run.analysis
    assert an is not None and an.verdict is not None and run.report is not None
    v = an.verdict
    if json:
        print_json({"report": str(run.report.resolve()), "results": str(run.results.resolve()),
                    "seconds": run.seconds, "sweep_seconds": run.sweep_seconds,
                    "statuses": run.statuses, "failed_chunks": run.failed_chunks,
                    "max_escape_halfwidth": float(an.rates["escape_halfwidth"].max()),
                    "verdict": v.to_dict()})
    else:
        console.print(v.summary)
        console.print(f"report: [bold]{run.report.resolve()}[/bold] ({run.seconds:.0f} s)")
        console.print(f"next: herz verify {run.results / 'map'}  |  herz query "
                      f"{run.results / 'map'} \"SELECT outcome, count(*) FROM results GROUP BY "
                      "outcome\"", highlight=False, markup=False)
    if any(s != "complete" for s in run.statuses.values()):
        raise typer.Exit(1)


def _study(out: Path, size: str | None, workers: int | None, progress: bool, json: bool) -> None:
    from herz.report.escape import write_study_report
    from herz.studies.escape_routes import run_escape_study, study_json, study_size, write_study_json

    sz = study_size(size)  # a bad size stops here
    if not json:
        err_console.print(f"herz escape study ({sz.name}): {sz.points} parameter draws x "
                          f"{sz.worlds} worlds, branched at every entry into the dilemma; "
                          f"report in {out}")
    res = run_escape_study(sz, workers=workers, progress=progress and not json)
    report = write_study_report(res, out / "escape_report.html")
    data = write_study_json(res, out / "escape_report.json")
    for name, table in res.tables.items():  # the branch tables, for reanalysis
        table.to_parquet(out / f"escape_branches_{name.replace('=', '').replace(' ', '_')}.parquet")
    if json:
        print_json({"report": str(report.resolve()), "json": str(data.resolve()),
                    **study_json(res)})
    else:
        from herz.report.escape import opening_paragraph

        console.print(opening_paragraph(res), highlight=False, markup=False)
        console.print(res.verdict_text, highlight=False, markup=False)
        console.print(f"report: [bold]{report.resolve()}[/bold] ({res.seconds:.0f} s wall, "
                      f"{res.cpu_seconds:.0f} s CPU)")
