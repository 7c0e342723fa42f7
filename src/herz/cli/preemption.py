"""``herz models preemption``: bargaining range, preemptive and preventive war."""

from __future__ import annotations

import typer

from herz.cli._common import JSON_OPTION, show_record
from herz.cli.games import flag_names
from herz.models import preemption as pm

app = typer.Typer(help="Fearon (1995): bargaining, preemption, prevention.", no_args_is_help=True)

COST_A = typer.Option(..., "--cost-a", help="A's cost of war (> 0).")
COST_B = typer.Option(..., "--cost-b", help="B's cost of war (> 0).")


def register(parent: typer.Typer) -> None:
    """Add the ``preemption`` group to ``parent``."""
    parent.add_typer(app, name="preemption")


_show = show_record


@app.command(name="range")
@flag_names
def range_(
    p: float = typer.Option(..., "--p", help="A's probability of winning a war."),
    cost_a: float = COST_A, cost_b: float = COST_B, json: bool = JSON_OPTION,
) -> None:
    """Fearon's bargaining range [p - c_A, p + c_B]."""
    _show(pm.bargaining_range(p, cost_a, cost_b).to_dict(), "Bargaining range", json)


@app.command()
@flag_names
def strike(
    p_first: float = typer.Option(..., "--p-first", help="A's chance if A strikes first."),
    p_second: float = typer.Option(..., "--p-second", help="A's chance if B strikes first."),
    cost_a: float = COST_A, cost_b: float = COST_B, json: bool = JSON_OPTION,
) -> None:
    """Preemptive war: peace iff p_first - p_second <= c_A + c_B."""
    _show(pm.preemption(p_first, p_second, cost_a, cost_b).to_dict(), "Preemption", json)


@app.command()
@flag_names
def balance(
    offense_defense_balance: float = typer.Option(
        ..., "--offense-defense-balance", "--delta", help="delta > 0 (< 1 offense dominant)."),
    cost_a: float = COST_A, cost_b: float = COST_B,
    forces_a: float = typer.Option(1.0, "--forces-a", help="A's forces."),
    forces_b: float = typer.Option(1.0, "--forces-b", help="B's forces."),
    json: bool = JSON_OPTION,
) -> None:
    """Preemption from the offense-defense balance via the contest success function."""
    res = pm.preemption_from_balance(offense_defense_balance, cost_a, cost_b, forces_a, forces_b)
    out = res.to_dict()
    out["offense_defense_balance"] = offense_defense_balance
    out["critical_balance"] = (pm.critical_balance(cost_a, cost_b)
                               if forces_a == forces_b else None)
    _show(out, "Preemption and the offense-defense balance", json)


@app.command()
@flag_names
def prevent(
    p_now: float = typer.Option(..., "--p-now", help="A's chance of winning today."),
    p_next: float = typer.Option(..., "--p-next", help="A's chance after the shift."),
    discount: float = typer.Option(..., "--discount", help="Discount factor in (0, 1)."),
    cost_a: float = COST_A, json: bool = JSON_OPTION,
) -> None:
    """Preventive war as a commitment problem (declining A)."""
    _show(pm.preventive_war(p_now, p_next, discount, cost_a).to_dict(), "Preventive war", json)
