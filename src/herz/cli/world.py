"""``herz world params`` and ``herz run``: the world from the command line.

``herz world params`` prints the world's parameter schema
(:func:`herz.world.schema.world_fields`): one line per parameter at any terminal
width, ``herz world params NAME`` one parameter in full, ``--filter WORD`` the
parameters whose name, meaning, unit or source mention WORD, ``--json`` every field
with its range, unit, meaning and source.

``herz run SCENARIO.toml`` reads the file through the one scenario reader
(:func:`herz.experiment.scenario.read_scenario`, the same as ``herz sweep``'s, with
``[run]``'s ``worlds``, ``steps`` and ``seed`` as short names and defaults 100, 200
and 0) and runs its worlds; ``--set NAME=VALUE`` sets any world parameter of the
schema (``--set mechanisms.war=false`` a switch) with the same checks and messages.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import typer
from rich.table import Table
from rich.text import Text

from herz.cli._common import JSON_OPTION, console, print_json
from herz.errors import ParameterError

world_app = typer.Typer(help="The batched agent-based world.", no_args_is_help=True)

#: ``herz run``'s defaults for what a scenario file leaves out.
RUN_DEFAULTS = {"replicates": 100, "steps": 200, "seed": 0}


def register(parent: typer.Typer) -> None:
    """Add the ``world`` group and the ``run`` command to ``parent``."""
    parent.add_typer(world_app, name="world")
    parent.command("run")(run_cmd)


def _names(incomplete: str = "") -> list[str]:
    from herz.world.schema import world_fields

    return [s.name for s in world_fields() if s.name.startswith(incomplete)]


def _param_record(spec: Any) -> dict[str, Any]:
    rec = spec.to_dict()
    rec["range"] = spec.range_text()
    return rec


NAME = typer.Argument(None, help="One parameter to show in full (e.g. distinguishability).",
                      autocompletion=_names, show_default=False)
FILTER = typer.Option(None, "--filter", "-f", show_default=False,
                      help="Only parameters whose name, meaning, unit or source mention this.")


@world_app.command("params")
def params_cmd(name: str | None = NAME, filter_: str | None = FILTER,
               json: bool = JSON_OPTION) -> None:
    """Every world parameter: default, allowed range, unit, meaning and source."""
    import difflib

    from herz.world.schema import field_spec, world_fields

    specs = list(world_fields())
    if name is not None:
        if name not in {s.name for s in specs}:
            close = difflib.get_close_matches(name, [s.name for s in specs], n=3, cutoff=0.5)
            hint = ("; did you mean " + " or ".join(close) + "?") if close else \
                "; `herz world params` lists them"
            raise ParameterError("NAME", name, "is not a world parameter" + hint)
        specs = [field_spec(name)]
    if filter_:
        word = filter_.lower()
        specs = [s for s in specs if any(word in t.lower() for t in
                                         (s.name, s.meaning, s.unit, s.source))]
    if json:
        print_json({"params": [_param_record(s) for s in specs]})
        return
    if name is not None:
        s = specs[0]
        table = Table(show_header=False, box=None, pad_edge=False)
        table.add_column(style="bold", no_wrap=True)
        table.add_column(overflow="fold")
        for key, value in (("name", s.name), ("default", s.default_text()),
                           ("allowed", s.range_text()), ("unit", s.unit),
                           ("meaning", s.meaning), ("source", s.source)):
            table.add_row(key, Text(value))
        console.print(table)
        return
    if not specs:
        console.print(f"no world parameter mentions {filter_!r}")
        return
    # One line per parameter, names, defaults and ranges whole (they are copied into
    # scenarios); the meaning where the terminal has room for it (NAME shows it in full).
    rows = [(s.name, s.default_text(), s.range_text(), s.meaning) for s in specs]
    wide = console.width >= 110
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    table = Table(box=None, pad_edge=False, header_style="bold")
    for head, w in zip(("name", "default", "allowed"), widths, strict=True):
        table.add_column(head, no_wrap=True, min_width=w)
    if wide:
        table.add_column("meaning", no_wrap=True, overflow="ellipsis",
                         max_width=console.width - sum(widths) - 8)
    for r in rows:
        table.add_row(*(Text(c) for c in (r if wide else r[:3])))
    console.print(table)
    console.print(f"{len(specs)} parameters. `herz world params NAME` shows one in full "
                  "(meaning, unit, source); --filter WORD narrows the list; --json lists "
                  "everything.", highlight=False, markup=False)


def _overrides(sets: list[str] | None) -> dict[str, dict[str, Any]]:
    """``NAME=VALUE`` pairs (VALUE in TOML syntax) as ``[world]`` and ``[mechanisms]`` keys."""
    out: dict[str, dict[str, Any]] = {"world": {}, "mechanisms": {}}
    for item in sets or []:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ParameterError("--set", item, "must read NAME=VALUE, e.g. n_states=5")
        try:
            value = tomllib.loads(f"v = {text.strip()}")["v"]
        except tomllib.TOMLDecodeError:
            value = text.strip()  # a bare word: a choice such as culture=kantian
        section, _, field = key.rpartition(".")
        if section == "mechanisms":
            out["mechanisms"][field] = value
        elif section == "":
            out["world"][key] = value
        else:
            raise ParameterError("--set", item, "NAME is a world parameter or "
                                 "mechanisms.NAME (see `herz world params`)")
    return out


SCENARIO = typer.Argument(None, help="Scenario TOML (\\[world], \\[mechanisms], \\[run] or "
                          "\\[experiment]); the same format as `herz sweep`'s.")
PRESET = typer.Option(None, "--preset", help="Run a shipped preset sweep (see `herz presets`).")
RESULTS = typer.Option(None, "--results", hidden=True)  # the older spelling of --out with --preset
WORLDS = typer.Option(None, "--worlds", help="Override the number of worlds.")
STEPS = typer.Option(None, "--steps", help="Override the number of steps.")
SEED = typer.Option(None, "--seed", help="Override the root seed.")
OUT = typer.Option(None, "--out", "-o", help="With --preset: the results folder (default: the "
                   "preset's \\[output] directory). With a scenario: a .csv or .parquet file of "
                   "per-world outcomes.")
SET = typer.Option(None, "--set", metavar="NAME=VALUE", autocompletion=_names,
                   help="Set a world parameter (any name of `herz world params`; "
                        "mechanisms.NAME for a switch); repeatable.")


def run_cmd(
    scenario: Path | None = SCENARIO, worlds: int | None = WORLDS, steps: int | None = STEPS,
    seed: int | None = SEED, out: Path | None = OUT, json: bool = JSON_OPTION,
    preset: str | None = PRESET, results: Path | None = RESULTS,
    set_: list[str] | None = SET,
) -> None:
    """Run a scenario's worlds (or a preset sweep) and print the share of each outcome."""
    from herz.experiment.scenario import parse_scenario, read_scenario
    from herz.world import WorldParams, simulate

    if scenario is not None and preset is not None:
        raise ParameterError("scenario/--preset", f"{scenario} / {preset}",
                             "give one of SCENARIO.toml or --preset NAME, not both")
    if scenario is None and preset is None and not set_:
        raise ParameterError("scenario", None, "give SCENARIO.toml, --preset NAME or "
                             "--set NAME=VALUE")
    if preset is not None:
        if set_:
            raise ParameterError("--set", set_[0], "a preset runs as shipped; copy it to a "
                                 "file to change it")
        _run_preset(preset, out if out is not None else results, json)
        return
    overrides = _overrides(set_)
    if scenario is None:
        sc = parse_scenario("", source="--set", defaults=RUN_DEFAULTS, overrides=overrides)
    else:
        sc = read_scenario(scenario, defaults=RUN_DEFAULTS, overrides=overrides)
    if sc.model != "world":
        raise ParameterError("experiment.model", sc.model, "herz run runs the world; run "
                             "other models with `herz sweep`")
    if sc.method != "single":
        raise ParameterError("design.method", sc.method, "herz run runs one point; run a "
                             f"design with `herz sweep {scenario}`")
    params = WorldParams.from_dict({**dict(sc.params), "mechanisms": dict(sc.mechanisms)})
    n = worlds if worlds is not None else sc.replicates
    t = steps if steps is not None else sc.steps
    s = seed if seed is not None else sc.seed
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
        "scenario": str(scenario) if scenario is not None else None, "worlds": n, "steps": t,
        "seed": s, "outcome_shares": {k: float(v) for k, v in shares.items()},
        "escape": float(df["escaped"].mean()),
        "mean_wars": float(df["n_wars"].mean()),
        "mean_arms_ratio": float(df["arms_ratio"].mean()),
        "mean_trust_change": float(df["trust_change"].mean()),
    }
    if json:
        print_json(summary)
        return
    title = scenario.name if scenario is not None else "defaults"
    table = Table(title=f"{title}: {n} worlds, {t} steps, seed {s}")
    table.add_column("outcome")
    table.add_column("share", justify="right")
    for k, v in sorted(shares.items()):
        table.add_row(str(k), f"{v:.3f}")
    table.add_row("escape (mitigated + transcended)", f"{summary['escape']:.3f}")
    console.print(table)


def _run_preset(name: str, results: Path | None, json: bool) -> None:
    """Run a shipped preset through the experiment layer (resumable, on the store)."""
    from herz.analysis.outcomes import outcome_rates
    from herz.experiment import load_preset, query, run_scenario

    sc = load_preset(name)
    where = results if results is not None else Path(sc.output)
    res = run_scenario(sc, output=where, resume=where.exists(), progress=not json)
    rates = outcome_rates(query(res.path, "SELECT point, outcome FROM results"))
    design = query(res.path, "SELECT * FROM design ORDER BY point").set_index("point")
    factors = [f.name for f in sc.factors]
    cols = ["point", *factors, "n", "escape_count", "p_escape", "escape_low", "escape_high"]
    for f in factors:
        rates[f] = design.loc[rates["point"], f].to_numpy()
    table = rates[cols]
    summary = {
        "preset": name, "results": str(res.path), "status": res.status,
        "done": res.done, "failed": res.failed,
        "escape": table.to_dict(orient="records"),
    }
    if json:
        print_json(summary)
        return
    from herz.cli._common import print_sweep_summary

    console.print(f"preset {name}: {res.status}, {res.done} chunks done, {res.failed} failed; "
                  f"results in {res.path}", highlight=False)
    print_sweep_summary(res.path)
