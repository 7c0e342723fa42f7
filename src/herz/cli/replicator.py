"""``herz models replicator``: rest points, stability and basins of symmetric games."""

from __future__ import annotations

from typing import Any

import numpy as np
import typer
from rich.table import Table

from herz.cli._common import JSON_OPTION, console, parse_floats, print_json
from herz.cli.games import parse_matrix, parse_rstp, renamed
from herz.errors import ParameterError
from herz.models import replicator as rp


def register(parent: typer.Typer) -> None:
    """Add the ``replicator`` command to ``parent``."""
    parent.command(name="replicator")(renamed(replicator, continuation="--tft-alld"))


def replicator(
    payoffs: str | None = typer.Option(None, "--payoffs", help="R,S,T,P of a 2x2 game."),
    matrix: str | None = typer.Option(
        None, "--matrix", help="n x n payoff matrix, rows by ';', e.g. 1,0,0;0,1,0;0,0,1."),
    tft_alld: float | None = typer.Option(
        None, "--tft-alld", help="Continuation probability w: play TFT vs ALLD on --payoffs."),
    x0: str | None = typer.Option(None, "--x0", help="Initial shares to integrate from."),
    t: float = typer.Option(50.0, "--t", help="Integrate --x0 up to this time."),
    samples: int = typer.Option(2000, "--samples", help="Starts for sampled basins (n > 2)."),
    seed: int = typer.Option(0, "--seed", help="Seed for the sampled basins."),
    json: bool = JSON_OPTION,
) -> None:
    """Replicator dynamics: rest points, their stability and basins of attraction."""
    if (payoffs is None) == (matrix is None):
        raise ParameterError("--payoffs/--matrix", None,
                             "give exactly one of --payoffs or --matrix")
    if tft_alld is not None and payoffs is None:
        raise ParameterError("--tft-alld", tft_alld, "needs --payoffs R,S,T,P")
    if payoffs is not None:
        r, s, tt, p = parse_rstp(payoffs)
        a = (rp.tft_alld_payoffs(r, s, tt, p, tft_alld) if tft_alld is not None
             else np.array([[r, s], [tt, p]]))
    else:
        assert matrix is not None
        a = np.array(parse_matrix("--matrix", matrix))
    points, notes = rp.rest_points(a)
    basins = (rp.basins_2x2(*a.ravel()) if a.shape == (2, 2)
              else rp.sample_basins(a, samples, rng=seed))
    out: dict[str, Any] = {
        "payoffs": a.tolist(),
        "rest_points": [pt.to_dict() for pt in points],
        "basins": basins.to_dict(),
        "notes": list(notes),
    }
    if x0 is not None:
        start = parse_floats("--x0", x0)
        if len(start) != a.shape[0]:
            raise ParameterError("--x0", x0, f"must give {a.shape[0]} shares")
        if not t > 0:
            raise ParameterError("--t", t, "must be > 0")
        traj = rp.integrate(a, start, [0.0, t])
        out["trajectory"] = {"t": traj.t.tolist(), "x": traj.x.tolist(), "method": traj.method}
    if json:
        print_json(out)
        return
    table = Table(title="Replicator dynamics: rest points")
    for col in ("x", "stability", "eigenvalues"):
        table.add_column(col)
    for pt in points:
        table.add_row(str(np.round(pt.x, 6).tolist()), pt.stability.value,
                      str(np.round(pt.eigenvalues, 6).tolist()))
    console.print(table)
    for b in basins.basins:
        console.print(f"basin of {np.round(b.attractor, 6).tolist()}: {b.size:.4g}"
                      + ("" if b.stderr is None else f" (se {b.stderr:.2g})"))
    if "trajectory" in out:
        console.print(f"x({t:g}) = {np.round(out['trajectory']['x'][-1], 6).tolist()}")
