"""``herz world params`` and ``herz run SCENARIO.toml``: the world from the command line.

``herz run`` reads a minimal TOML scenario: ``[world]`` holds the fields of
:class:`herz.world.WorldParams`, ``[mechanisms]`` the switches of
:class:`herz.world.Mechanisms`, and ``[run]`` (or ``[experiment]``) the keys
``worlds`` (or ``replicates``), ``steps`` and ``seed``. The full scenario format
(designs, sweeps, stores) is ``herz sweep``'s.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from herz.cli._common import JSON_OPTION, console, print_json
from herz.errors import ParameterError

world_app = typer.Typer(help="The batched agent-based world.", no_args_is_help=True)


def register(parent: typer.Typer) -> None:
    """Add the ``world`` group and the ``run`` command to ``parent``."""
    parent.add_typer(world_app, name="world")
    parent.command("run")(run_cmd)


@world_app.command("params")
def params_cmd(json: bool = JSON_OPTION) -> None:
    """Every world parameter: default, unit, allowed range, meaning and source."""
    from herz.world import params_table

    rows = params_table()
    if json:
        print_json({"params": rows})
        return
    table = Table(title="herz world parameters (defaults)")
    for col in ("name", "value", "unit", "range", "meaning", "source"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(*(r[c] for c in ("name", "value", "unit", "range", "meaning", "source")))
    console.print(table)


#: What ``herz run`` reads from ``[run]`` or ``[experiment]``; the other keys of a sweep's
#: ``[experiment]`` (and its ``[design]`` and ``[output]``) are allowed and not used here.
RUN_KEYS = ("worlds", "replicates", "steps", "seed")
EXPERIMENT_KEYS = (*RUN_KEYS, "name", "description", "model", "chunk_size")
SECTIONS = ("world", "mechanisms", "run", "experiment", "design", "output")


def _setting(section: str, key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParameterError(f"{section}.{key}", value, "must be an integer")
    return value


def read_scenario(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return (world parameters as a dict, run settings) from a TOML scenario."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ParameterError("scenario", str(path), "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ParameterError("scenario", str(path), f"cannot be read ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ParameterError("scenario", str(path), f"is not valid TOML ({exc})") from None
    for key, value in data.items():
        if key not in SECTIONS:
            raise ParameterError(key, value, "unknown section; allowed: " + ", ".join(SECTIONS))
        if not isinstance(value, dict):
            raise ParameterError(key, value, "must be a table ([" + key + "])")
    world = dict(data.get("world", {}))
    if "mechanisms" in data:
        world["mechanisms"] = dict(data["mechanisms"])
    run: dict[str, Any] = {}
    for section, allowed in (("experiment", EXPERIMENT_KEYS), ("run", RUN_KEYS)):
        for key, value in data.get(section, {}).items():
            if key not in allowed:
                raise ParameterError(f"{section}.{key}", value,
                                     "unknown key; allowed: " + ", ".join(allowed))
            if key in RUN_KEYS:
                run[key] = _setting(section, key, value)
    settings = {
        "worlds": run.get("worlds", run.get("replicates", 100)),
        "steps": run.get("steps", 200),
        "seed": run.get("seed", 0),
    }
    return world, settings


SCENARIO = typer.Argument(None, help="TOML file with \\[world], \\[mechanisms], \\[run] tables.")
PRESET = typer.Option(None, "--preset", help="Run a shipped preset sweep (see `herz presets`).")
RESULTS = typer.Option(None, "--results", help="With --preset: results folder (default herz-results/NAME).")
WORLDS = typer.Option(None, "--worlds", help="Override the number of worlds.")
STEPS = typer.Option(None, "--steps", help="Override the number of steps.")
SEED = typer.Option(None, "--seed", help="Override the root seed.")
OUT = typer.Option(None, "--out", help="Write per-world outcomes (.csv or .parquet).")


def run_cmd(
    scenario: Path | None = SCENARIO, worlds: int | None = WORLDS, steps: int | None = STEPS,
    seed: int | None = SEED, out: Path | None = OUT, json: bool = JSON_OPTION,
    preset: str | None = PRESET, results: Path | None = RESULTS,
) -> None:
    """Run a scenario's worlds (or a preset sweep) and print the share of each outcome."""
    from herz.world import WorldParams, simulate

    if (scenario is None) == (preset is None):
        raise ParameterError("scenario/--preset", scenario or preset,
                             "give exactly one of SCENARIO.toml or --preset NAME")
    if preset is not None:
        _run_preset(preset, results, json)
        return
    assert scenario is not None

    world, settings = read_scenario(scenario)
    params = WorldParams.from_dict(world)
    n = worlds if worlds is not None else settings["worlds"]
    t = steps if steps is not None else settings["steps"]
    s = seed if seed is not None else settings["seed"]
    df = simulate(params, worlds=n, steps=t, seed=s)
    if out is not None:
        if out.suffix == ".parquet":
            df.to_parquet(out)
        elif out.suffix == ".csv":
            df.to_csv(out, index=False)
        else:
            raise ParameterError("out", str(out), "must end in .csv or .parquet")
    shares = df["outcome"].value_counts(normalize=True).to_dict()
    summary = {
        "scenario": str(scenario), "worlds": n, "steps": t, "seed": s,
        "outcome_shares": {k: float(v) for k, v in shares.items()},
        "escape": float(df["escaped"].mean()),
        "mean_wars": float(df["n_wars"].mean()),
        "mean_arms_ratio": float(df["arms_ratio"].mean()),
        "mean_trust_change": float(df["trust_change"].mean()),
    }
    if json:
        print_json(summary)
        return
    table = Table(title=f"{scenario.name}: {n} worlds, {t} steps, seed {s}")
    table.add_column("outcome")
    table.add_column("share", justify="right")
    for k, v in sorted(shares.items()):
        table.add_row(str(k), f"{v:.3f}")
    table.add_row("escape (mitigated + transcended)", f"{summary['escape']:.3f}")
    console.print(table)


def _run_preset(name: str, results: Path | None, json: bool) -> None:
    """Run a shipped preset through the experiment layer (resumable, on the store)."""
    from herz.experiment import escape_summary, run_scenario

    where = results if results is not None else Path("herz-results") / name
    res = run_scenario(name, output=where, resume=where.exists(), progress=not json)
    table = escape_summary(res.path)
    summary = {
        "preset": name, "results": str(res.path), "status": res.status,
        "done": res.done, "failed": res.failed,
        "escape": table.to_dict(orient="records"),
    }
    if json:
        print_json(summary)
        return
    console.print(f"preset {name}: {res.status}, {res.done} chunks done, {res.failed} failed; "
                  f"results in {res.path}")
    console.print(table.to_string(index=False))
