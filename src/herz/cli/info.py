"""``herz info``: versions and platform, in a form to paste into a methods section."""

from __future__ import annotations

import os
import platform

import typer

from herz.cli._common import JSON_OPTION, print_json


def register(parent: typer.Typer) -> None:
    """Add the ``info`` command to ``parent``."""
    parent.command("info")(info)


def info(json: bool = JSON_OPTION) -> None:
    """Print herz's version, its scientific dependencies' versions and the platform."""
    from herz.experiment.store import versions

    vers = versions()
    plat = {
        "system": platform.system(), "release": platform.release(), "machine": platform.machine(),
        "processor": platform.processor() or platform.machine(), "cpus": os.cpu_count(),
        "python_implementation": platform.python_implementation(),
    }
    if json:
        print_json({"versions": vers, "platform": plat})
        return
    deps = ", ".join(f"{k} {v}" for k, v in vers.items() if k not in ("herz", "python"))
    typer.echo(
        f"Simulations were run with herz {vers['herz']} on Python {vers['python']} "
        f"({plat['python_implementation']}, {plat['system']} {plat['release']}, {plat['machine']}, "
        f"{plat['cpus']} CPUs), with {deps}."
    )
