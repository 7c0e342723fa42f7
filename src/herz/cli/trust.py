"""``herz replay`` and ``herz verify``: trust the stored results of a sweep.

``herz replay RESULTS RUN_ID`` reruns one stored world and checks it bit for bit;
``herz verify RESULTS`` checks checksums, completeness, duplicates and the scenario,
and replays a seeded sample of runs. Both exit 1 on a discrepancy and 2 on bad input.
"""

from __future__ import annotations

import typer
from rich.table import Table

from herz.cli._common import JSON_OPTION, console, print_json


def register(parent: typer.Typer) -> None:
    """Add ``replay`` and ``verify`` to ``parent``."""
    parent.command("replay")(replay_cmd)
    parent.command("verify")(verify_cmd)


def _show(value: object) -> str:
    return "null" if value is None else repr(value) if isinstance(value, float) else str(value)


def replay_cmd(
    results: str = typer.Argument(..., help="Results directory of a sweep."),
    run_id: str = typer.Argument(..., help="The run: pP-rR (design point P, replicate R; "
                                 "e.g. p3-r12), P:R or NAME/pP-rR. `herz query RESULTS "
                                 "\"SELECT run_id FROM runs\"` lists them."),
    trajectory: str = typer.Option(None, "--trajectory", metavar="OUT.nc|OUT.csv",
                                   help="Also write the run's full trajectory (world "
                                   "model): NetCDF (.nc) or one row per step (.csv)."),
    json: bool = JSON_OPTION,
) -> None:
    """Rerun one stored run from the manifest and check it is bit-identical to its row."""
    from herz.errors import ParameterError
    from herz.experiment.replay import replay, write_trajectory

    if trajectory is not None and not trajectory.lower().endswith((".nc", ".csv")):
        raise ParameterError("--trajectory", trajectory, "must end in .nc (NetCDF) or .csv")
    res = replay(results, run_id, trajectory=trajectory is not None)
    out = res.to_dict()
    if trajectory is not None:
        path = write_trajectory(res.trajectory, trajectory)
        out["trajectory"] = str(path)
    if json:
        print_json(out)
    else:
        table = Table(title=f"replay {res.experiment}/{res.run_id} (chunk {res.chunk})")
        for col in ("column", "stored", "replayed", "equal"):
            table.add_column(col)
        for name, ok in res.equal.items():
            table.add_row(name, _show(res.stored.get(name)), _show(res.recomputed.get(name)),
                          "yes" if ok else "[red]NO[/red]")
        console.print(table)
        if res.identical:
            console.print(f"{res.run_id}: bit-identical ({len(res.equal)} columns)")
        else:
            console.print(f"[red]{res.run_id}: DIFFERS[/red] in " + ", ".join(res.mismatches))
        if trajectory is not None:
            ds = res.trajectory
            console.print(f"trajectory: {out['trajectory']} ({ds.sizes['step']} steps, "
                          f"{ds.sizes['state']} states)"
                          + ("" if res.trajectory_consistent else
                             "; [red]its outcome differs from the replayed row[/red]"))
    if not res.identical or res.trajectory_consistent is False:
        raise typer.Exit(1)


def verify_cmd(
    results: str = typer.Argument(..., help="Results directory of a sweep."),
    sample: int = typer.Option(10, "--sample", "-n", min=0,
                               help="Runs to replay, drawn at random (0: none)."),
    seed: int = typer.Option(0, "--seed", min=0,
                             help="Seed of the sample (the same seed replays the same runs)."),
    json: bool = JSON_OPTION,
) -> None:
    """Check a results directory: checksums, every run present once, the scenario, replays."""
    from herz.experiment.verify import CATEGORIES, verify

    rep = verify(results, sample=sample, seed=seed)
    if json:
        print_json(rep.to_dict())
    else:
        summary = {
            "provenance": "the manifest's seal and the files' scenario agree with it",
            "scenario_changed": f"{rep.scenario or '?'} ({rep.scenario_hash[:12]})",
            "checksum_failures": f"{rep.chunks_checked} chunk files checked (SHA-256, "
                                 "Parquet page checksums)",
            "missing_chunks": f"{rep.chunks} chunks planned",
            "unexpected_chunks": "chunks/ holds only planned, finished chunks",
            "chunk_errors": "each chunk holds exactly its own runs",
            "incomplete_points": f"{rep.points} points, {rep.runs_found} of "
                                 f"{rep.runs_expected} runs stored",
            "duplicates": "each run stored once",
            "replay_mismatches": f"{rep.replay_matched} of {rep.replayed} sampled runs "
                                 f"bit-identical (seed {rep.seed})",
        }
        table = Table(title=f"herz verify {rep.path}")
        for col in ("check", "result", "details"):
            table.add_column(col)
        for cat, title in CATEGORIES.items():
            msgs = getattr(rep, cat)
            if not msgs:
                table.add_row(title, "[green]ok[/green]", summary[cat])
            else:
                table.add_row(title, f"[red]{len(msgs)} FAILED[/red]", "\n".join(msgs))
        console.print(table)
        for note in rep.notes:
            console.print(f"note: {note}")
        n = len(rep.problems)
        if rep.ok:
            console.print(f"OK: {rep.path} verified; {rep.replay_matched} of {rep.replayed} "
                          "replayed runs bit-identical")
        else:
            console.print(f"[red]FAILED[/red]: {n} discrepanc{'y' if n == 1 else 'ies'} in "
                          f"{rep.path}")
    if not rep.ok:
        raise typer.Exit(1)
