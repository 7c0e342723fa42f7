"""The ``herz`` command line.

Each group of commands lives in a module of its own. The tables :data:`COMMANDS` and
:data:`MODELS` name, for every command, the module that registers it and a one-line
summary; a module is imported only when one of its commands runs (or its own help is
asked for), so ``herz --version`` and ``herz --help`` start in a fraction of a second
instead of importing statsmodels, nashpy and the compiled world first.

To add a command: write ``herz/cli/NAME.py`` with ``register(parent)`` and add one line to
the table (tests/cli/test_startup.py checks that the tables and the modules agree).

:func:`main` is the entry point: it turns every input error (ours or click's) into one
line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any, ClassVar

import typer
from typer import _click as click  # typer vendors its own click
from typer._click.exceptions import NoArgsIsHelpError
from typer.core import TyperGroup
from typer.exceptions import TyperException

from herz import __version__
from herz.errors import HerzError, ParameterError

#: Top-level commands, in the order ``herz --help`` lists them: name -> (module, summary).
COMMANDS: dict[str, tuple[str, str]] = {
    "escape": ("escape", "Run the escape map, herz's main job, and write its report."),
    "run": ("world", "Run a scenario's worlds (or a preset sweep); print the outcomes."),
    "sweep": ("experiment", "Run a scenario's design into a results folder (Parquet)."),
    "presets": ("experiment", "List the preset scenarios for the paper's cases."),
    "resume": ("experiment", "Complete an interrupted sweep."),
    "query": ("experiment", "Query results with DuckDB SQL."),
    "verify": ("trust", "Check a results folder: checksums, completeness, replays."),
    "replay": ("trust", "Rerun one stored world and check it bit for bit."),
    "report": ("report", "Write reports (the escape map, Richardson)."),
    "world": ("world", "The batched agent-based world (its parameters)."),
    "models": ("", "The classic formal models."),
    "data": ("data", "Real historical data shipped with herz, with citations."),
    "dyad": ("dyad", "Was a rival dyad an action-reaction arms race?"),
    "dyads": ("dyad", "The dyad analysis over every rivalry."),
    "escalation": ("escalation", "Did rivals' disputes escalate more often during arms races?"),
    "calibrate": ("calibrate", "Calibrate the two-state world to a rival dyad."),
    "validate": ("validate", "Fit the world to the record's patterns (ABC, history matching)."),
    "explore": ("explore", "Start the interactive explorer in the browser."),
    "info": ("info", "Versions and platform, for a methods section."),
}

#: Commands under ``herz models``: name -> (module, summary).
MODELS: dict[str, tuple[str, str]] = {
    "richardson": ("richardson", "Richardson's arms-race model (1960)."),
    "game": ("games", "Two-player games: taxonomy, Nash equilibria, thresholds."),
    "jervis": ("jervis", "Jervis's security dilemma (1978): games and four worlds."),
    "kydd": ("kydd", "Kydd's trust and reassurance (1997, 2000, 2005)."),
    "preemption": ("preemption", "Fearon (1995): bargaining, preemption, prevention."),
    "identity": ("identity", "Identity as payoff transformation (Wendt)."),
    "replicator": ("replicator", "Replicator dynamics: rest points and basins."),
    "ipd": ("ipd", "Iterated 2x2 games under noise and misperception."),
}

#: Click commands already built, per (table, module): a module registers once per process.
_LOADED: dict[tuple[str, str], dict[str, click.Command]] = {}


def _load(table: str, module: str) -> dict[str, click.Command]:
    """Import ``herz.cli.MODULE``, let it register on a fresh app and return its commands."""
    key = (table, module)
    if key not in _LOADED:
        mod = importlib.import_module(f"herz.cli.{module}")
        holder = typer.Typer(rich_markup_mode=None, add_completion=False)
        mod.register(holder)
        group = typer.main.get_group(holder)
        for cmd in group.commands.values():
            _whole_summaries(cmd)
        _LOADED[key] = dict(group.commands)
    return _LOADED[key]


def _format_whole(self: Any, ctx: click.Context, formatter: click.HelpFormatter) -> None:
    """A group's command list with each summary whole (wrapped, never cut with "...")."""
    rows = [(name, cmd.get_short_help_str(limit=1000))
            for name in self.list_commands(ctx)
            if (cmd := self.get_command(ctx, name)) is not None and not cmd.hidden]
    if rows:
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _whole_summaries(cmd: click.Command) -> None:
    """Let ``cmd`` (and the groups under it) list their commands' summaries whole."""
    if isinstance(cmd, TyperGroup):
        cmd.format_commands = types.MethodType(_format_whole, cmd)  # type: ignore[method-assign]
        for sub in cmd.commands.values():
            _whole_summaries(sub)


class _LazyCommands(dict[str, click.Command]):
    """A group's commands, each module imported when one of its commands is looked up.

    Looking up one name imports one module; iterating (a test walking the command tree)
    imports them all.
    """

    def __init__(self, eager: dict[str, click.Command], table: dict[str, tuple[str, str]],
                 table_name: str) -> None:
        super().__init__(eager)
        self._table = table
        self._table_name = table_name

    def _fetch(self, name: str) -> None:
        if not dict.__contains__(self, name) and name in self._table and self._table[name][0]:
            for key, cmd in _load(self._table_name, self._table[name][0]).items():
                dict.setdefault(self, key, cmd)

    def present(self) -> list[str]:
        """The names already built, without importing anything."""
        return list(dict.keys(self))

    def peek(self, name: str) -> click.Command:
        """A command already built, without importing anything."""
        return dict.__getitem__(self, name)

    def _fetch_all(self) -> None:
        for name in self._table:
            self._fetch(name)

    def __getitem__(self, name: str) -> click.Command:
        self._fetch(name)
        return dict.__getitem__(self, name)

    def get(self, name: str, default: Any = None) -> Any:
        self._fetch(name)
        return dict.get(self, name, default)

    def __contains__(self, name: object) -> bool:
        return name in self._table or dict.__contains__(self, name)

    def __iter__(self) -> Any:
        self._fetch_all()
        return dict.__iter__(self)

    def __len__(self) -> int:
        self._fetch_all()
        return dict.__len__(self)

    def keys(self) -> Any:
        self._fetch_all()
        return dict.keys(self)

    def values(self) -> Any:
        self._fetch_all()
        return dict.values(self)

    def items(self) -> Any:
        self._fetch_all()
        return dict.items(self)


class _LazyGroup(TyperGroup):
    """A group whose commands are imported on first use, listed from a static table."""

    table: ClassVar[dict[str, tuple[str, str]]] = {}
    table_name: ClassVar[str] = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = _LazyCommands(dict(self.commands), self.table, self.table_name)
        self.commands = self.lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        extra = [n for n in self.lazy.present() if n not in self.table]
        return [*self.table, *extra]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            if name in self.table:
                rows.append((name, self.table[name][1]))
            else:
                cmd = self.lazy.peek(name)
                if not cmd.hidden:
                    rows.append((name, cmd.get_short_help_str(80)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


class _RootGroup(_LazyGroup):
    table = COMMANDS
    table_name = "herz"


class _ModelsGroup(_LazyGroup):
    table = MODELS
    table_name = "models"


app = typer.Typer(
    name="herz",
    cls=_RootGroup,
    help="herz: a laboratory for the security dilemma.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,  # plain help: brackets such as herz[explorer] print as written
)
models_app = typer.Typer(cls=_ModelsGroup, help="The classic formal models.",
                         no_args_is_help=True, rich_markup_mode=None)
app.add_typer(models_app, name="models")


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"herz {__version__}")
        raise typer.Exit()


@app.callback(epilog="Start with `herz escape` (the main job) or `herz presets`; "
              "`herz COMMAND --help` explains each command.")
def _root(
    version: bool = typer.Option(
        False, "--version", help="Print herz's version and exit.", callback=_version_callback,
        is_eager=True,
    ),
) -> None:
    """herz: a laboratory for the security dilemma."""


def human_error(exc: HerzError) -> str:
    """The error as one sentence: a missing value reads "--x is required", not "--x = None"."""
    if isinstance(exc, ParameterError) and exc.value is None:
        sep = " " if exc.allowed.startswith(("is ", "must ")) else ": "
        return f"{exc.field}{sep}{exc.allowed}"
    return str(exc)


def main(argv: list[str] | None = None) -> None:
    """Run the command line; input errors print one line and exit with status 2.

    A run the machine cannot complete (out of memory, a file-system error) prints one
    line too and exits with status 1.
    """
    try:
        rv: Any = app(args=argv, prog_name="herz", standalone_mode=False)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("herz: aborted", err=True)
        sys.exit(130)
    except NoArgsIsHelpError as exc:  # a group named without a command: its help, status 2
        ctx = getattr(exc, "ctx", None)
        path = getattr(ctx, "command_path", "herz") or "herz"
        typer.echo(exc.format_message(), err=True)
        typer.echo(f"{path}: error: missing command (one of those listed above)", err=True)
        sys.exit(2)
    except TyperException as exc:
        message = " ".join(exc.format_message().split())
        ctx = getattr(exc, "ctx", None)
        path = getattr(ctx, "command_path", "herz") or "herz"
        typer.echo(f"{path}: error: {message}", err=True)
        sys.exit(2)
    except HerzError as exc:
        typer.echo(f"herz: error: {human_error(exc)}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        typer.echo("herz: interrupted", err=True)
        sys.exit(130)
    except MemoryError as exc:  # a run too large for this machine: say so, in one line
        typer.echo(f"herz: error: not enough memory ({' '.join(str(exc).split()) or 'MemoryError'})",
                   err=True)
        sys.exit(1)
    except OSError as exc:  # the file system (a folder that cannot be made, a full disk, ...)
        typer.echo(f"herz: error: {exc}", err=True)
        sys.exit(1)
    if isinstance(rv, int):
        sys.exit(rv)
