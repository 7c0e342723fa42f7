"""``herz models identity``: the game as identity moves from enmity to friendship."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from herz.cli._common import JSON_OPTION, console, print_json
from herz.cli.games import PAYOFFS_HELP, flag_names, parse_rstp
from herz.models import identity as im


def register(parent: typer.Typer) -> None:
    """Add the ``identity`` command to ``parent``."""
    parent.command(name="identity")(identity)


@flag_names
def identity(
    payoffs: str = typer.Option("3,0,5,1", "--payoffs", help=PAYOFFS_HELP),
    identity_weight: float | None = typer.Option(
        None, "--identity-weight", "--lambda",
        help="lambda in [-1, 1]: also report the transformed game there."),
    json: bool = JSON_OPTION,
) -> None:
    """Identity as payoff transformation (Wendt): game class in each band of lambda."""
    r, s, t, p = parse_rstp(payoffs)
    bands = im.identity_bands(r, s, t, p)
    out: dict[str, Any] = {
        "payoffs": {"R": r, "S": s, "T": t, "P": p},
        "bands": [b.to_dict() for b in bands],
        "thresholds": [b.low for b in bands[1:]],
    }
    if t > r > p > s:
        rt, sp = im.identity_thresholds(r, s, t, p)
        out["reward_beats_temptation_at"] = rt
        out["sucker_beats_punishment_at"] = sp
    if identity_weight is not None:
        tr = im.transform(r, s, t, p, identity_weight)
        out["at"] = {"identity_weight": identity_weight,
                     "payoffs": dict(zip(("R", "S", "T", "P"), tr, strict=True)),
                     "game": im.transformed_class(r, s, t, p, identity_weight).game_class.value}
    if json:
        print_json(out)
        return
    table = Table(title="Identity as payoff transformation (herz MODELS.md 7.5)")
    for col in ("lambda from", "to", "game"):
        table.add_column(col)
    for b in bands:
        table.add_row(f"{b.low:.4g}", f"{b.high:.4g}", b.game_class.value)
    console.print(table)
    if "at" in out:
        console.print(f"at lambda = {identity_weight:g}: {out['at']}")
