"""``herz data``: list the shipped datasets, cite them, show their provenance."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from herz.cli._common import JSON_OPTION, console, print_json
from herz.data import DATASETS, dataset, load, provenance_text
from herz.errors import ParameterError

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


PAIRS = typer.Argument(None, help="Pairs by COW abbreviations, e.g. IND-PAK GRC-TUR; none: "
                       "every pair of states in the system.")
STATES = typer.Option(None, "--states", help="Without pairs: only pairs among these states, "
                      "comma-separated (e.g. IND,PAK,CHN).")
#: Most dyad-years printed as JSON to the terminal (more need --out).
MAX_JSON_ROWS = 50_000
CSV_OUT = typer.Option(None, "--out", help="Write the table to this CSV file.")


@app.command("dyad-years")
def dyad_years_cmd(
    pairs: list[str] = PAIRS,
    start: int = typer.Option(1816, "--start", help="First year (1816-2022)."),
    end: int = typer.Option(2022, "--end", help="Last year (1816-2022)."),
    states: str | None = STATES,
    out: Path | None = CSV_OUT,
    json: bool = JSON_OPTION,
) -> None:
    """Non-directed dyad-years: MIDs, wars, rivalries, GRH races, ATOP, NMC, SIPRI burden."""
    from herz.data.dyadyears import dyad_years

    chosen = [s.strip().upper() for s in states.split(",") if s.strip()] if states else None
    if pairs and chosen:
        raise ParameterError("--states", states, "is for all pairs; give pairs or --states")
    frame = dyad_years(pairs or None, start, end, chosen)
    if out is not None:
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            frame.to_csv(out, index=False)
        except OSError as exc:
            raise ParameterError("--out", str(out), f"cannot write here ({exc.strerror})") from None
    if json and out is None and len(frame) > MAX_JSON_ROWS:
        raise ParameterError("--json", f"{len(frame)} rows", f"prints at most {MAX_JSON_ROWS} "
                             "rows; add --out FILE.csv to write them all")
    if json:
        rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
        print_json({"rows": len(frame), "columns": list(frame.columns),
                    "file": None if out is None else str(out),
                    "data": rows if out is None else rows[:0]})
        return
    console.print(f"{len(frame)} dyad-years, {frame.year.min()}-{frame.year.max()}, "
                  f"{frame[['ccode1', 'ccode2']].drop_duplicates().shape[0]} pairs")
    import pandas as pd

    shown = frame if len(frame) <= 60 else frame.head(60)
    cols = {"stateabb1": "A", "stateabb2": "B", "year": "year", "mid_onset": "MID",
            "mid_hostlev": "host", "mid_peaceyears": "peace", "war_ongoing": "war",
            "tss_rivalry": "rival", "grh_race": "race", "atop_defense": "ally",
            "cap_ratio": "cap", "milburden1": "burd A", "milburden2": "burd B"}
    table = Table()
    for c in cols.values():
        table.add_column(c, no_wrap=True)
    for r in shown[list(cols)].itertuples(index=False):
        table.add_row(*["" if pd.isna(v) else ({True: "1", False: "0"}[v] if isinstance(v, bool)
                        else f"{v:.3g}" if isinstance(v, float) else str(v)) for v in r])
    console.print(table)
    if len(frame) > 60:
        console.print(f"first 60 of {len(frame)} rows shown; --out FILE.csv writes them all")
    if out is not None:
        console.print(f"wrote {out}")

