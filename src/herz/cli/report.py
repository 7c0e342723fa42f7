"""``herz report``: write herz's reports."""

from __future__ import annotations

from pathlib import Path

import typer

from herz.cli._common import JSON_OPTION, console, print_json

app = typer.Typer(help="Write reports.", no_args_is_help=True)


def register(parent: typer.Typer) -> None:
    """Add the ``report`` group to ``parent``."""
    parent.add_typer(app, name="report")


@app.command()
def richardson(
    out: Path = typer.Option(Path("herz-output"), "-o", "--out", help="Folder to write into."),
    json: bool = JSON_OPTION,
) -> None:
    """Fit Richardson's model to the pre-1914 blocs and rival dyads; write an HTML report."""
    from herz.report import richardson as rr

    report = rr.compute()
    paths = rr.write(report, out)
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
