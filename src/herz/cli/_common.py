"""Shared pieces of the command line: JSON output, number lists, console."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

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


def show_record(out: dict[str, Any], title: str, json: bool) -> None:
    """Print one result: a JSON object with ``--json``, else a two-column table."""
    if json:
        print_json(out)
        return
    table = Table(title=title, show_header=False)
    for key, val in out.items():
        table.add_row(key, str(val))
    console.print(table)
