"""``herz report``: write herz's reports.

``herz report RESULTS -o report.html`` (short for ``herz report escape RESULTS``)
writes the escape-map report of a results folder; ``herz report richardson``
writes the Richardson report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from typer.core import TyperGroup

from herz.cli._common import JSON_OPTION, console, print_json

HERZ_OUTPUT = "herz-output"
REPORT_HTML = "escape_report.html"


class _DefaultEscape(TyperGroup):
    """A group whose first argument, when it names no command, is a results folder."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            args = ["escape", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(cls=_DefaultEscape, no_args_is_help=True,
                  help="Write reports: `herz report RESULTS -o report.html` (the escape map) "
                       "or `herz report richardson`.")


def register(parent: typer.Typer) -> None:
    """Add the ``report`` group to ``parent``."""
    parent.add_typer(app, name="report")


@app.command()
def escape(
    results: str = typer.Argument(..., help="Results folder of `herz escape` (or its "
                                   "results/ folder, or a sweep of the world model)."),
    out: str = typer.Option(HERZ_OUTPUT, "-o", "--out",
                             help=f"Folder for {REPORT_HTML} (a path ending in .html names the "
                             "file itself)."),
    json: bool = JSON_OPTION,
) -> None:
    """Write the escape-map report (one self-contained HTML file) from results."""
    from herz.report.escape import write_report
    from herz.studies.escape import analyse_results as analyse

    an = analyse(results)
    path = write_report(an, Path(out) if out.endswith(".html") else Path(out) / REPORT_HTML)
    v = an.verdict
    assert v is not None
    if json:
        payload: dict[str, Any] = {"report": str(path), "verdict": v.to_dict()}
        print_json(payload)
        return
    console.print(v.summary)
    console.print(f"report: [bold]{path}[/bold]")


@app.command()
def richardson(
    out: str = typer.Option(HERZ_OUTPUT, "-o", "--out", help="Folder to write into."),
    json: bool = JSON_OPTION,
) -> None:
    """Fit Richardson's model to the pre-1914 blocs and rival dyads; write an HTML report."""
    from herz.report import richardson as rr

    report = rr.compute()
    paths = rr.write(report, Path(out))
    summary = report.summary()
    if json:
        print_json({"files": {k: str(v) for k, v in paths.items()}, **summary})
        return
    b = summary["blocs"]["fit"]
    console.print(
        f"pre-1914 blocs, NMC v7.0, 1909-1913: increase of U+V = {b['slope']:.3f} x "
        f"(U+V - {b['zero_point']:.1f}) GBP m, R^2 = {b['r_squared']:.3f}; "
        "Richardson 1960: 0.73 x (U+V - 194)"
    )
    for name, d in summary["dyads"].items():
        console.print(f"{name} {d['years'][0]}-{d['years'][1]} ({d['source']}): "
                      f"stability {d['stability'] or 'not a Richardson system'}")
    console.print(f"report: [bold]{paths['html']}[/bold]")
