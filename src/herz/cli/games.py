"""``herz models game``: classify symmetric 2x2 games and solve bimatrix games."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import typer
from rich.table import Table

from herz.cli._common import JSON_OPTION, console, parse_floats, print_json
from herz.errors import ParameterError
from herz.models import games as gm

app = typer.Typer(help="Two-player games: taxonomy, Nash equilibria, thresholds.",
                  no_args_is_help=True)

PAYOFFS_HELP = "R,S,T,P: reward, sucker, temptation, punishment (e.g. 3,0,5,1)."

F = TypeVar("F", bound=Callable[..., Any])


def _option_flags(func: Callable[..., Any]) -> set[str]:
    flags: set[str] = set()
    for name, prm in inspect.signature(func).parameters.items():
        decls = getattr(prm.default, "param_decls", None) or ()
        flags.update(d for d in decls if d.startswith("--"))
        flags.add("--" + name.replace("_", "-"))
    return flags


def renamed(func: F, **aliases: str) -> F:
    """Rename a model's ParameterError field to the command's option, where one matches.

    A model raises ``ParameterError("exploitation_cost", ...)``; on the command
    line the user typed ``--exploitation-cost``, so the one-line error names
    that. ``aliases`` maps model fields to options whose names differ.
    """
    flags = _option_flags(func)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ParameterError as exc:
            flag = aliases.get(exc.field, "--" + exc.field.replace("_", "-"))
            if flag in flags:
                raise ParameterError(flag, exc.value, exc.allowed) from None
            raise

    return wrapper  # type: ignore[return-value]


def flag_names(func: F) -> F:
    """Decorator form of :func:`renamed` without aliases."""
    return renamed(func)


def register(parent: typer.Typer) -> None:
    """Add the ``game`` group to ``parent``."""
    parent.add_typer(app, name="game")


def parse_rstp(text: str, field: str = "--payoffs") -> tuple[float, float, float, float]:
    """Parse ``R,S,T,P`` into four numbers, naming ``field`` on error."""
    values = parse_floats(field, text)
    if len(values) != 4:
        raise ParameterError(field, text, "must be four numbers R,S,T,P")
    r, s, t, p = values
    return r, s, t, p


def parse_matrix(field: str, text: str) -> list[list[float]]:
    """Parse a matrix written row by row, rows separated by ';', entries by ','."""
    rows = [parse_floats(field, row) for row in text.split(";") if row.strip()]
    if not rows or any(len(r) != len(rows[0]) for r in rows):
        raise ParameterError(field, text, "must be rows of equal length, e.g. 3,0;5,1")
    return rows


def summary_2x2(r: float, s: float, t: float, p: float) -> dict[str, Any]:
    """Everything the command line reports about a symmetric 2x2 game."""
    game = gm.symmetric_2x2(r, s, t, p)
    cls = gm.classify(r, s, t, p)
    eqs = gm.equilibria(game)
    region = gm.best_response_region(r, s, t, p)
    rd = gm.risk_dominant(game)
    return {
        "payoffs": {"R": r, "S": s, "T": t, "P": p},
        "game": cls.game_class.value,
        "ordering": cls.ordering,
        "ties": list(cls.ties),
        "neighbours": [g.value for g in cls.neighbours],
        "equilibria": [e.to_dict() for e in eqs.equilibria],
        "degenerate": eqs.degenerate,
        "cooperation_threshold": gm.cooperation_threshold(r, s, t, p),
        "cooperate_best_response_for_q": None if region.empty else [region.low, region.high],
        "risk_dominant": None if rd is None else "".join("CD"[i] for i in rd),
        "repeated_threshold": gm.repeated_cooperation_threshold(r, s, t, p),
        "notes": list(eqs.notes),
    }


def print_summary(out: dict[str, Any], title: str) -> None:
    """Print a summary dict as a two-column table."""
    table = Table(title=title, show_header=False)
    for key, val in out.items():
        if key == "equilibria":
            val = "; ".join(
                f"row {[round(v, 6) for v in e['row']]} col {[round(v, 6) for v in e['col']]}"
                f" ({e['kind']})" for e in val)
        table.add_row(key, str(val))
    console.print(table)


@app.command()
@flag_names
def classify(
    payoffs: str = typer.Option(..., "--payoffs", help=PAYOFFS_HELP),
    json: bool = JSON_OPTION,
) -> None:
    """Name a symmetric 2x2 game, its equilibria and the cooperation threshold q*."""
    out = summary_2x2(*parse_rstp(payoffs))
    if json:
        print_json(out)
        return
    print_summary(out, "Symmetric 2x2 game")


@app.command()
@flag_names
def solve(
    row: str = typer.Option(..., "--row", help="Row player's payoffs, rows by ';': 3,0;5,1."),
    col: str | None = typer.Option(None, "--col", help="Column player's payoffs (default: "
                                   "row transposed, a symmetric game)."),
    json: bool = JSON_OPTION,
) -> None:
    """Nash equilibria of an n x m bimatrix game by support enumeration (nashpy)."""
    a = np.array(parse_matrix("--row", row))
    if col is None:
        game = gm.Game.symmetric(a)
    else:
        game = gm.Game(a, np.array(parse_matrix("--col", col)))
    eqs = gm.equilibria(game)
    out = eqs.to_dict()
    if json:
        print_json(out)
        return
    print_summary(out, f"{game.shape[0]} x {game.shape[1]} game")
