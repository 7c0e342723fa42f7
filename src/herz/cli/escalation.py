"""``herz escalation``: the arms-race escalation test on disputes between rivals."""

from __future__ import annotations

import typer
from rich.table import Table

from herz.cli._common import JSON_OPTION, console, print_json
from herz.errors import ParameterError, require_choice


def register(parent: typer.Typer) -> None:
    """Add ``escalation`` to ``parent``."""
    parent.command("escalation")(escalation)


def escalation(
    measure: str = typer.Option("both", "--measure", help="Arms race at onset: grh (Gibler, "
                                "Rider & Hutchison 2005), nmc (mutual build-up from NMC, Horn/"
                                "Diehl style) or both (one Holm family)."),
    outcome: str = typer.Option("hostlev", "--outcome", help="War: hostlev (both sides at MID "
                                "hostility 5) or cow (a COW war between the pair began)."),
    start: int = typer.Option(1816, "--start", help="First onset year."),
    end: int = typer.Option(2010, "--end", help="Last onset year (GML MIDs end in 2010)."),
    controls: bool = typer.Option(True, "--controls/--no-controls", help="Log capability "
                                  "ratio, earlier disputes in the pair, post-1945."),
    level: float = typer.Option(0.95, "--level", help="Coverage of the odds-ratio interval."),
    json: bool = JSON_OPTION,
) -> None:
    """Logit of escalation to war on an arms race at dispute onset, rivals only, clustered by dyad."""
    from herz.analysis import escalation as es
    from herz.analysis.timeseries import adjust

    require_choice("--measure", measure, ("both", *es.MEASURES))
    require_choice("--outcome", outcome, es.OUTCOMES)
    if not 0.5 < level < 1.0:
        raise ParameterError("--level", level, "must be between 0.5 and 1")
    if start > end:
        raise ParameterError("--start", start, f"must not be after --end = {end}")
    measures = es.MEASURES if measure == "both" else (measure,)
    results = [es.escalation_test(m, outcome, es.CONTROLS if controls else (), start, end, level)
               for m in measures]
    p_holm = adjust([r.p_value for r in results], "holm")
    if json:
        print_json({"results": [r.to_dict() | {"p_holm": float(p)}
                                for r, p in zip(results, p_holm, strict=True)],
                    "family": f"Holm over {len(results)} test(s)"})
        return
    for r, p in zip(results, p_holm, strict=True):
        console.print(f"[bold]arms race ({r.measure}) at onset -> war ({r.outcome})[/bold]: "
                      f"odds ratio {r.odds_ratio:.2f} [{r.ci_low:.2f}, {r.ci_high:.2f}] "
                      f"({round(100 * level)}%, clustered by dyad), p = {r.p_value:.3g}, "
                      f"Holm p = {p:.3g}; {r.n} disputes between rivals, {r.clusters} dyads")
        t = Table(title="disputes between strategic rivals")
        t.add_column("")
        for c in r.table.columns:
            t.add_column(str(c), justify="right")
        t.add_column("share war", justify="right")
        for name, row in r.table.iterrows():
            total = int(row.sum())
            t.add_row(str(name), *[str(int(v)) for v in row],
                      f"{row.iloc[0] / total:.3f}" if total else "-")
        console.print(t)
        ctl = ", ".join(f"{k} OR {v['odds_ratio']:.3g} (p {v['p']:.3g})"
                        for k, v in r.coefficients.items() if k not in ("const", "race"))
        if ctl:
            console.print(f"controls: {ctl}")
        for note in r.notes:
            console.print(f"- {note}")
