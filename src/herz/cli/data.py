"""``herz data``: list the shipped datasets, cite them, show their provenance."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from herz.cli._common import JSON_OPTION, console, print_json
from herz.data import DATASETS, dataset, load, provenance_text

app = typer.Typer(help="Real historical data shipped with herz.", no_args_is_help=True)


def register(parent: typer.Typer) -> None:
    """Add the ``data`` group to ``parent``."""
    parent.add_typer(app, name="data")


@app.command("list")
def list_(json: bool = JSON_OPTION) -> None:
    """List the datasets with their rows and titles."""
    rows: list[dict[str, Any]] = [
        {"name": d.name, "file": d.filename, "rows": len(load(d.name)), "title": d.title,
         "units": d.units} for d in DATASETS.values()
    ]
    if json:
        print_json({"datasets": rows})
        return
    table = Table(title="herz datasets")
    for col in ("name", "rows", "title"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["name"], str(r["rows"]), r["title"])
    console.print(table)


@app.command()
def cite(name: str = typer.Argument(..., help="Dataset name, see `herz data list`."),
         bibtex: bool = typer.Option(False, "--bibtex", help="Print BibTeX entries."),
         json: bool = JSON_OPTION) -> None:
    """Print how to cite a dataset (as text, or as BibTeX with --bibtex)."""
    d = dataset(name)
    entries = bibtex_entries(d.name)
    if json:
        print_json({"name": d.name, "citation": d.citation, "units": d.units, "file": d.filename,
                    "bibtex": "\n\n".join(entries)})
        return
    typer.echo("\n\n".join(entries) if bibtex else d.citation)


def bibtex_entries(name: str) -> list[str]:
    """The BibTeX entries (files/citations.bib) whose ``herzdata`` field names ``name``."""
    import re
    from importlib.resources import files

    text = files("herz.data").joinpath("files/citations.bib").read_text(encoding="utf-8")
    out = []
    for entry in re.split(r"\n(?=@)", text)[1:]:
        tags = re.search(r"herzdata\s*=\s*\{([^}]*)\}", entry)
        if tags and name in tags.group(1).split():
            out.append(entry.strip())
    return out


@app.command()
def provenance(name: str = typer.Argument(None, help="Dataset name; all if omitted.")) -> None:
    """Print where a dataset came from, how it was converted, and its caveats."""
    typer.echo(provenance_text(name))
