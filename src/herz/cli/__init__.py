"""The ``herz`` command line.

Each group of commands lives in a module of its own and is registered here.
:func:`main` is the entry point: it turns every input error (ours or click's)
into one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import sys

import typer
from typer.exceptions import TyperException

from herz import __version__
from herz.errors import HerzError

app = typer.Typer(
    name="herz",
    help="herz: a laboratory for the security dilemma.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
models_app = typer.Typer(help="The classic formal models.", no_args_is_help=True)
app.add_typer(models_app, name="models")


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"herz {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", help="Print herz's version and exit.", callback=_version_callback,
        is_eager=True,
    ),
) -> None:
    """herz: a laboratory for the security dilemma."""


def _register() -> None:
    # One line per command group; each module adds its commands to the app it is given.
    from herz.cli import calibrate as calibrate_cli
    from herz.cli import data as data_cli
    from herz.cli import dyad as dyad_cli
    from herz.cli import escalation as escalation_cli
    from herz.cli import escape as escape_cli
    from herz.cli import experiment as experiment_cli
    from herz.cli import explore as explore_cli
    from herz.cli import games as games_cli
    from herz.cli import identity as identity_cli
    from herz.cli import info as info_cli
    from herz.cli import ipd as ipd_cli
    from herz.cli import jervis as jervis_cli
    from herz.cli import kydd as kydd_cli
    from herz.cli import preemption as preemption_cli
    from herz.cli import replicator as replicator_cli
    from herz.cli import report as report_cli
    from herz.cli import richardson as richardson_cli
    from herz.cli import trust as trust_cli
    from herz.cli import validate as validate_cli
    from herz.cli import world as world_cli

    richardson_cli.register(models_app)
    games_cli.register(models_app)
    jervis_cli.register(models_app)
    kydd_cli.register(models_app)
    preemption_cli.register(models_app)
    identity_cli.register(models_app)
    replicator_cli.register(models_app)
    ipd_cli.register(models_app)
    data_cli.register(app)
    dyad_cli.register(app)
    escalation_cli.register(app)
    experiment_cli.register(app)
    report_cli.register(app)
    escape_cli.register(app)
    world_cli.register(app)
    info_cli.register(app)
    explore_cli.register(app)
    calibrate_cli.register(app)
    trust_cli.register(app)
    validate_cli.register(app)


_register()


def main(argv: list[str] | None = None) -> None:
    """Run the command line; input errors print one line and exit with status 2.

    A run the machine cannot complete (out of memory, a file-system error) prints one
    line too and exits with status 1.
    """
    try:
        rv = app(args=argv, prog_name="herz", standalone_mode=False)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("herz: aborted", err=True)
        sys.exit(130)
    except TyperException as exc:
        message = " ".join(exc.format_message().split())
        ctx = getattr(exc, "ctx", None)
        path = getattr(ctx, "command_path", "herz") or "herz"
        typer.echo(f"{path}: error: {message}", err=True)
        sys.exit(2)
    except HerzError as exc:
        typer.echo(f"herz: error: {exc}", err=True)
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
