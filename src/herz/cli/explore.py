"""``herz explore``: start the interactive explorer in the browser (Streamlit).

The explorer binds to 127.0.0.1 by default, so only this machine can reach it;
asking for another address prints a warning, because the explorer has no
login and anyone who can reach the port can run simulations on this machine.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import os
import subprocess
import sys
from pathlib import Path

import typer

from herz.errors import HerzError, ParameterError


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine only: ``localhost`` or a loopback address."""
    name = host.strip().lower().strip("[]")
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:  # a host name or an interface: may be reachable from elsewhere
        return False


class MissingExtraError(HerzError):
    """The explorer's optional dependencies are not installed."""


def streamlit_command(host: str, port: int, open_browser: bool = False) -> list[str]:
    """The command line that serves the explorer's page."""
    app = Path(__file__).resolve().parents[1] / "explorer" / "app.py"
    return [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.address", host, "--server.port", str(port),
        "--server.headless", "false" if open_browser else "true",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
        "--server.runOnSave", "false",
        "--global.developmentMode", "false",
        "--client.toolbarMode", "minimal",
        "--theme.base", "light",
    ]


def host_warning(host: str) -> str | None:
    """The warning printed when the explorer is bound to a non-loopback address."""
    if is_loopback(host):
        return None
    return (f"herz explore: warning: binding to {host} makes the explorer reachable from "
            "other machines; it has no login, and anyone who reaches the port can run "
            "simulations here. Use 127.0.0.1 unless you trust the network.")


def register(parent: typer.Typer) -> None:
    """Add ``explore`` to ``parent``."""

    @parent.command("explore")
    def explore(
        host: str = typer.Option("127.0.0.1", "--host", "--address",
                                 help="Address to bind (default: 127.0.0.1, this machine only; "
                                 "any other address prints a warning)."),
        port: int = typer.Option(8501, "--port", help="Port to serve on."),
        open_browser: bool = typer.Option(False, "--open", help="Open a browser tab."),
        dry_run: bool = typer.Option(False, "--dry-run",
                                     help="Print the server command and exit."),
    ) -> None:
        """Start the interactive explorer (needs: pip install 'herz[explorer]')."""
        if not 1 <= port <= 65535:
            raise ParameterError("--port", port, "must be between 1 and 65535")
        if not host.strip():
            raise ParameterError("--host", host, "must be an address such as 127.0.0.1")
        warning = host_warning(host)
        if warning:
            typer.echo(warning, err=True)
        cmd = streamlit_command(host, port, open_browser)
        if dry_run:
            typer.echo(" ".join(cmd))
            return
        if importlib.util.find_spec("streamlit") is None:
            raise MissingExtraError(
                "the explorer needs its optional dependencies: pip install 'herz[explorer]'")
        shown = f"[{host}]" if ":" in host else host
        typer.echo(f"herz explorer on http://{shown}:{port} (Ctrl-C stops it)", err=True)
        sys.stdout.flush()
        sys.stderr.flush()
        if os.name == "posix":  # become the server: signals reach it directly
            os.execv(cmd[0], cmd)
        try:  # pragma: no cover - other platforms
            rc = subprocess.call(cmd)
        except KeyboardInterrupt:
            rc = 130
        raise typer.Exit(rc)
