"""Shared pieces of the command line: JSON output, number lists, tables, human values.

Tables (:func:`print_table`) fit the terminal (80 columns when output is not one):
columns a user copies (names, paths, commands) are never cut, the others wrap at
word boundaries, and numbers show four significant digits (:func:`human`).
"""

from __future__ import annotations

import json
import math
import re
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import typer
from rich.console import Console

from herz.errors import ParameterError

console = Console()
err_console = Console(stderr=True)

JSON_OPTION = typer.Option(False, "--json", help="Print exactly one JSON object on stdout.")


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _jsonable(obj.tolist())
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        f = float(obj)
        return f if math.isfinite(f) else None
    if isinstance(obj, complex | np.complexfloating):
        return {"re": float(obj.real), "im": float(obj.imag)}
    return obj


def print_json(payload: dict[str, Any]) -> None:
    """Print one JSON object (NaN and infinities become null) on stdout."""
    typer.echo(json.dumps(_jsonable(payload), allow_nan=False))


def parse_floats(field: str, text: str) -> list[float]:
    """Parse a comma-separated list of numbers, naming ``field`` on error."""
    try:
        values = [float(part) for part in text.split(",") if part.strip() != ""]
    except ValueError:
        raise ParameterError(field, text, "must be comma-separated numbers, e.g. 0,1,2.5") from None
    if not values:
        raise ParameterError(field, text, "must hold at least one number")
    if not all(math.isfinite(v) for v in values):
        raise ParameterError(field, text, "must hold finite numbers")
    return values


def human(value: Any, digits: int = 4) -> str:
    """A value as a person writes it: 4 significant digits, yes/no, "-" for nothing.

    ``human(0.1234567) == "0.1235"``, ``human(True) == "yes"``, ``human(None) == "-"``,
    ``human({"spiral": 1.0}) == "spiral 1"``.
    """
    if value is None:
        return "-"
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        f = float(value)
        if math.isnan(f):
            return "-"
        if math.isinf(f):
            return "inf" if f > 0 else "-inf"
        return f"{f:.{digits}g}"
    if isinstance(value, dict):
        return ", ".join(f"{k} {human(v, digits)}" for k, v in value.items()) or "-"
    if isinstance(value, list | tuple | np.ndarray):
        return ", ".join(human(v, digits) for v in value) or "-"
    return str(value)


@dataclass(frozen=True)
class Col:
    """One column of :func:`print_table`.

    ``copy``: the user copies these cells (a name, a path, a command), so they are never
    cut or wrapped; other columns wrap at word boundaries. ``right``: numbers.
    """

    header: str
    copy: bool = False
    right: bool = False


def _min_width(col: Col, texts: list[str]) -> int:
    if col.copy:
        return max(len(t) for t in texts)
    return max((len(w) for t in texts for w in t.split()), default=1)


def make_table(columns: Sequence[Col | str], rows: Iterable[Sequence[Any]],
               title: str | None = None, header: bool = True,
               width: int | None = None) -> str:
    """A plain-text table that fits ``width`` columns without cutting what users copy.

    Copied columns keep their full width, the others wrap at word boundaries; when even
    that does not fit, each row becomes a block of ``header: value`` lines (the narrow
    view), so nothing is ever cut.
    """
    cols = [c if isinstance(c, Col) else Col(c) for c in columns]
    cells = [[human(v) for v in row] for row in rows]
    # headers may break after an underscore (identity_ / plasticity): never cut, just folded
    heads = [c.header.replace("_", "_ ") if header else "" for c in cols]  # for widths only
    mins = [max(_min_width(Col(col.header), [heads[i]]),
                _min_width(col, [r[i] for r in cells]) if cells else 0)
            for i, col in enumerate(cols)]
    naturals = [max(len(t) for t in [heads[i].replace("_ ", "_"), *(r[i] for r in cells)])
                for i in range(len(cols))]
    width = width or console.width
    room = width - GAP * (len(cols) - 1)
    lines = [title] if title else []
    if sum(mins) > room:
        return "\n".join(lines + _narrow(cols, cells, width))
    widths = _fit(mins, naturals, [not c.copy for c in cols], room)
    if header:
        lines += _row([c.header for c in cols], cols, widths, wrap=_wrap_header)
        lines.append("-" * (sum(widths) + GAP * (len(cols) - 1)))
    for r in cells:
        lines += _row(r, cols, widths)
    return "\n".join(lines)


def _wrap_header(text: str, width: int) -> list[str]:
    """A header folded to ``width`` at spaces or after underscores (identity_ / plasticity)."""
    pieces = re.findall(r"[^\s_]*_|[^\s_]+\s*|\s+", text)
    lines = [""]
    for piece in pieces:
        if lines[-1] and len((lines[-1] + piece).rstrip()) > width:
            lines.append("")
        lines[-1] += piece if lines[-1] or not piece.isspace() else ""
    return [line.rstrip() for line in lines]


def _wrap_cell(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [""]


def _row(cells: Sequence[str], cols: Sequence[Col], widths: Sequence[int],
         wrap: Any = None) -> list[str]:
    """One table row, its cells wrapped to their widths, as lines of text.

    Copied cells are never wrapped; ``wrap`` (text, width) -> lines folds the others
    (and, for the header row, every cell).
    """
    wrapped = [wrap(c, w) if wrap is not None else (_wrap_cell(c, w) if not col.copy else [c])
               for c, col, w in zip(cells, cols, widths, strict=True)]
    out = []
    for k in range(max(len(w) for w in wrapped)):
        parts = []
        for col, w, lines in zip(cols, widths, wrapped, strict=True):
            text = lines[k] if k < len(lines) else ""
            parts.append(text.rjust(w) if col.right else text.ljust(w))
        out.append((" " * GAP).join(parts).rstrip())
    return out


def _fit(mins: list[int], naturals: list[int], wraps: list[bool], room: int) -> list[int]:
    """Column widths: natural when they fit, else wrapping columns share what is left."""
    if sum(naturals) <= room:
        return naturals
    widths = [n if not w else m for m, n, w in zip(mins, naturals, wraps, strict=True)]
    spare = room - sum(widths)
    wants = [n - w if wrap else 0 for n, w, wrap in zip(naturals, widths, wraps, strict=True)]
    total = sum(wants)
    if spare > 0 and total > 0:
        widths = [w + spare * want // total for w, want in zip(widths, wants, strict=True)]
    return widths


def _narrow(cols: list[Col], cells: list[list[str]], width: int) -> list[str]:
    """One block per row: the first cell, then indented ``header: value`` lines."""
    out: list[str] = []
    for r in cells:
        out.append(r[0])
        for col, value in zip(cols[1:], r[1:], strict=True):
            label = f"{col.header}: " if col.header else ""
            out += textwrap.wrap(label + value, max(width - 2, 20), initial_indent="  ",
                                 subsequent_indent="    ", break_long_words=False,
                                 break_on_hyphens=False) or ["  " + label]
    return out


#: Spaces between table columns.
GAP = 2


def print_table(columns: Sequence[Col | str], rows: Iterable[Sequence[Any]],
                title: str | None = None, header: bool = True) -> None:
    """Print :func:`make_table` on stdout, as plain text (safe to copy and to pipe)."""
    typer.echo(make_table(columns, rows, title, header))


def show_record(out: dict[str, Any], title: str, json: bool) -> None:
    """Print one result: a JSON object with ``--json``, else a two-column table."""
    if json:
        print_json(out)
        return
    print_table([Col("", copy=True), Col("")], [(k, v) for k, v in out.items()], title=title,
                header=False)


def sweep_summary(results: Any) -> tuple[list[str], Any]:
    """Per design point of a results folder: factor values, worlds, P(escape), outcome.

    P(escape) comes with its 95% Wilson interval and the point's most common outcome,
    for models that define escape (the world does); other models get the worlds per
    point only. Returns the factor names and the table.
    """
    from herz.analysis.intervals import proportion_interval
    from herz.experiment import query
    from herz.experiment.models import get_model
    from herz.experiment.store import Store

    scenario = Store(results).read_manifest()["scenario"]
    factors = [f["name"] for f in (scenario.get("design") or {}).get("factors", [])]
    columns = set(query(results, "SELECT * FROM results LIMIT 0").columns)
    factors = [f for f in factors if f in columns]
    try:
        spec = get_model(scenario["model"])
        escape, outcome = spec.escape_outcomes, spec.outcome_column
    except Exception:  # a model registered only in another session: no escape columns
        escape, outcome = (), "outcome"
    if escape and outcome in columns:
        listed = ", ".join("'" + e.replace("'", "''") + "'" for e in escape)
        table = query(results, f'SELECT point, count(*) AS n, count(*) FILTER ("{outcome}" IN '
                               f"({listed})) AS escapes FROM results GROUP BY point")
        n, k = table["n"].to_numpy(), table["escapes"].to_numpy()
        table["p_escape"] = k / n
        table["ci_low"], table["ci_high"] = proportion_interval(k, n, 0.95, "wilson")
        top = query(results, f'SELECT point, mode("{outcome}") AS outcome FROM results '
                             "GROUP BY point")
        table = table.merge(top, on="point")
    else:
        table = query(results, "SELECT point, count(*) AS n FROM results GROUP BY point")
    cols = ", ".join(f'any_value("{f}") AS "{f}"' for f in factors)
    if cols:
        values = query(results, f"SELECT point, {cols} FROM results GROUP BY point")
        table = table.merge(values, on="point")
    return factors, table.sort_values("point")


def print_sweep_summary(results: Any) -> None:
    """Print :func:`sweep_summary` as a table, then the commands to look further."""
    factors, table = sweep_summary(results)
    escape = "p_escape" in table.columns
    rows = [(r["point"], *(r[f] for f in factors), r["n"],
             *((r["p_escape"], f"[{human(r['ci_low'], 2)}, {human(r['ci_high'], 2)}]",
                r["outcome"]) if escape else ()))
            for _, r in table.iterrows()]
    print_table([Col("point", right=True), *(Col(f, right=True) for f in factors),
                 Col("worlds", right=True),
                 *((Col("P(escape)", right=True), Col("95% CI", copy=True), "top outcome")
                   if escape else ())], rows)
    path = str(results)
    typer.echo(f"\nNext: herz query {path} \"SELECT point, outcome, count(*) AS n FROM results "
               "GROUP BY ALL ORDER BY ALL\"\n"
               f"      herz verify {path} --sample 20    (checksums and replays)"
               if escape else
               f"\nNext: herz query {path} \"SELECT * FROM results LIMIT 20\"\n"
               f"      herz verify {path} --sample 20    (checksums and replays)")
