"""``herz models jervis``: which game are we in, the four worlds, the class map."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import typer

from herz.cli._common import JSON_OPTION, Col, console, print_json, print_table
from herz.cli.games import flag_names, print_summary, summary_2x2
from herz.errors import ParameterError
from herz.models import jervis as jm
from herz.models import kydd as km

app = typer.Typer(help="Jervis's security dilemma (1978): games and four worlds.",
                  no_args_is_help=True)

WAR_GAIN = typer.Option(jm.DEFAULT_WAR_GAIN, "--war-gain",
                        help="v > 0: the conqueror's gain from exploiting.")
WAR_LOSS = typer.Option(jm.DEFAULT_WAR_LOSS, "--war-loss", help="L >= v: the victim's loss.")
ARMS_COST = typer.Option(jm.DEFAULT_ARMS_COST, "--arms-cost", help="k > 0: the cost of arming.")
OUT = typer.Option(..., "--out", help="Write the figure here (.png, .pdf, .svg).")


def register(parent: typer.Typer) -> None:
    """Add the ``jervis`` group to ``parent``."""
    parent.add_typer(app, name="jervis")


@app.command()
@flag_names
def game(
    offense_defense_balance: float | None = typer.Option(
        None, "--offense-defense-balance", "--delta",
        help="delta > 0: < 1 offense has the advantage, > 1 defense."),
    distinguishability: float | None = typer.Option(
        None, "--distinguishability", "--d",
        help="d in [0, 1]: 0 offense and defense cannot be told apart (Jervis's rho = (1+d)/2)."),
    world: int | None = typer.Option(
        None, "--world", help="Use the representative point of Jervis's world 1-4 instead."),
    war_gain: float = WAR_GAIN, war_loss: float = WAR_LOSS, arms_cost: float = ARMS_COST,
    status_quo: float = typer.Option(0.0, "--status-quo", help="Value of the status quo."),
    json: bool = JSON_OPTION,
) -> None:
    """Which game are we in? The security game at a parameter point."""
    if world is not None:
        if offense_defense_balance is not None or distinguishability is not None:
            raise ParameterError("--world", world, "give either --world or --delta/--d")
        if world not in (1, 2, 3, 4):
            raise ParameterError("--world", world, "must be 1, 2, 3 or 4")
        w = jm.four_worlds(war_gain=war_gain, war_loss=war_loss, arms_cost=arms_cost)[world - 1]
        offense_defense_balance = w.offense_defense_balance
        distinguishability = w.distinguishability
    if offense_defense_balance is None:
        raise ParameterError("--offense-defense-balance", None, "is required (or --world)")
    d = 0.0 if distinguishability is None else distinguishability
    kw = {"war_gain": war_gain, "war_loss": war_loss, "arms_cost": arms_cost}
    g = jm.security_game(offense_defense_balance, d, status_quo=status_quo, **kw)
    r, s, t, p = g.rstp()
    out: dict[str, object] = {
        "offense_defense_balance": offense_defense_balance, "distinguishability": d,
        "rho": jm.rho(d),
        "conquest_probability": jm.conquest_probability(offense_defense_balance, d),
        "world": jm.world_of(offense_defense_balance, d),
    }
    out.update(summary_2x2(r, s, t, p))
    kt, kc = km.normalise(r, s, t, p)
    out["kydd"] = {"temptation": kt, "exploitation_cost": kc,
                   "trustworthy": kt < 1.0,
                   "trust_threshold": km.trust_threshold(kc, kt) if kt < 1.0 else None}
    d_pd, d_h = jm.regime_boundaries(d, **kw)
    out["boundaries"] = {"prisoners_dilemma_below_delta": d_pd, "harmony_above_delta": d_h}
    if json:
        print_json(out)
        return
    print_summary(out, "Security game (Jervis 1978; herz MODELS.md 2.3)")


@app.command()
@flag_names
def worlds(
    offense_dominant: float = typer.Option(
        0.5, "--offense-dominant", help="delta for offense (< 1)."),
    defense_dominant: float = typer.Option(
        2.0, "--defense-dominant", help="delta for defense (> 1)."),
    indistinguishable: float = typer.Option(
        0.0, "--indistinguishable", help="d in [0, 1], indistinguishable."),
    distinguishable: float = typer.Option(
        0.8, "--distinguishable", help="d in [0, 1], distinguishable."),
    war_gain: float = WAR_GAIN, war_loss: float = WAR_LOSS, arms_cost: float = ARMS_COST,
    json: bool = JSON_OPTION,
) -> None:
    """Jervis's four worlds with their game class and cooperation threshold."""
    ws = jm.four_worlds(offense_dominant=offense_dominant, defense_dominant=defense_dominant,
                        indistinguishable=indistinguishable, distinguishable=distinguishable,
                        war_gain=war_gain, war_loss=war_loss, arms_cost=arms_cost)
    if json:
        print_json({"worlds": [w.to_dict() for w in ws],
                    "parameters": {"war_gain": war_gain, "war_loss": war_loss,
                                   "arms_cost": arms_cost}})
        return
    print_table(["world", "offense dominant", "distinguishable", "balance", "d", "rho", "game",
                 Col("q*", right=True)],
                [(f"{w.number}. {w.label}", w.offense_dominant, w.distinguishable,
                  w.offense_defense_balance, w.distinguishability, jm.rho(w.distinguishability),
                  w.game_class.value,
                  "none" if w.cooperation_threshold is None else w.cooperation_threshold)
                 for w in ws], title="Jervis's four worlds")


@app.command(name="map")
@flag_names
def map_(
    out: Path = OUT,
    delta_min: float = typer.Option(0.1, "--delta-min", help="Smallest offense-defense balance."),
    delta_max: float = typer.Option(10.0, "--delta-max", help="Largest offense-defense balance."),
    n: int = typer.Option(121, "--n", help="Grid points per axis."),
    war_gain: float = WAR_GAIN, war_loss: float = WAR_LOSS, arms_cost: float = ARMS_COST,
    json: bool = JSON_OPTION,
) -> None:
    """Map of game classes over offense-defense balance x distinguishability."""
    if not 0 < delta_min < delta_max:
        raise ParameterError("--delta-min", delta_min,
                             f"must be > 0 and < --delta-max = {delta_max:g}")
    if n < 2:
        raise ParameterError("--n", n, "must be >= 2")
    if out.suffix.lower() not in (".png", ".pdf", ".svg"):
        raise ParameterError("--out", str(out), "must end in .png, .pdf or .svg")
    from herz.plot import jervis_class_map

    odb = np.geomspace(delta_min, delta_max, n)
    dist = np.linspace(0.0, 1.0, n)
    kw = {"war_gain": war_gain, "war_loss": war_loss, "arms_cost": arms_cost}
    fig = jervis_class_map(odb, dist, war_gain=war_gain, war_loss=war_loss, arms_cost=arms_cost)
    try:
        fig.savefig(out, dpi=150)
    except OSError as exc:
        raise ParameterError("--out", str(out), f"cannot be written ({exc.strerror})") from None
    classes = jm.class_map(odb, dist, **kw)
    shares = {c.value: float(np.mean(classes == c)) for c in set(classes.ravel())}
    if json:
        print_json({"out": str(out), "n": n, "delta_range": [delta_min, delta_max],
                    "distinguishability_range": [0.0, 1.0], "class_shares": shares})
        return
    console.print(f"wrote {out}")
