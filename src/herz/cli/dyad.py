"""``herz dyad A-B`` and ``herz dyads``: action-reaction verdicts on real rivalries."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from herz.cli._common import JSON_OPTION, console, print_json
from herz.data import RIVAL_DYADS, load, read_deflator, split_dyad
from herz.errors import ParameterError, require_choice

if TYPE_CHECKING:
    import pandas as pd

    from herz.analysis.empirical import CrossTab

SOURCE = typer.Option("nmc", "--source", help="nmc (COW NMC v7.0, nominal) or sipri "
                      "(constant 2022 US$, from 1949).")
TRANSFORM = typer.Option("log", "--transform", help="log (tests on log spending) or level.")
ALPHA = typer.Option(0.05, "--alpha", help="Significance level of the verdicts.")
MAX_LAGS = typer.Option(None, "--max-lags", help="Cap of the lag search.")
CRITERION = typer.Option("bic", "--criterion", help="Lag selection: bic or aic.")
DEFLATOR = typer.Option(
    None, "--deflator", help="CSV with columns year and a price index, in the series' "
    "currency: deflates nominal NMC spending to real terms.")
DEFLATOR_BASE = typer.Option(None, "--deflator-base", help="Price year of the deflated series.")
OUT = typer.Option(Path("herz-dyads"), "--out", help="Folder for the table and figure.")
SCOPE = typer.Option("all", "--scope", help="classic (the 18 rival pairs) or all "
                     "(plus every strategic rivalry with NMC data).")


def register(parent: typer.Typer) -> None:
    """Add ``dyad`` and ``dyads`` to ``parent``."""
    parent.command("dyad")(dyad)
    parent.command("dyads")(dyads)


def _check_dyad(name: str, source: str) -> str:
    """Normalise ``name`` and check both states have data, naming the valid options."""
    a, b = split_dyad(name)
    if source == "nmc":
        known = set(load("cow_nmc")["stateabb"])
    else:
        known = set(load("sipri_milex")["stateabb"])
    missing = [s for s in (a, b) if s not in known]
    if missing:
        raise ParameterError(
            "dyad", name,
            f"{', '.join(missing)} has no {source} spending data; classic rival dyads: "
            + ", ".join(RIVAL_DYADS)
            + ("" if source == "nmc" else "; SIPRI states: " + ", ".join(sorted(known))),
        )
    return f"{a}-{b}"


def _check_years(key: str, source: str, start: int | None, end: int | None) -> None:
    from herz.analysis.empirical import pair_spending

    frame = pair_spending(key, source, start).dropna()
    if frame.empty:
        raise ParameterError("dyad", key, f"has no years with {source} data for both states; "
                             "classic rival dyads: " + ", ".join(RIVAL_DYADS))
    lo, hi = int(frame.index.min()), int(frame.index.max())
    for fname, val in (("--start", start), ("--end", end)):
        if val is not None and not lo <= val <= hi:
            raise ParameterError(fname, val, f"{key} has {source} spending for both states in "
                                 f"{lo}-{hi} only; choose years in that range")


def dyad(
    name: str = typer.Argument(..., help="Rival pair by COW abbreviations, e.g. IND-PAK."),
    start: int | None = typer.Option(None, "--start", help="First year (default: rivalry span)."),
    end: int | None = typer.Option(None, "--end", help="Last year (default: rivalry span)."),
    source: str = SOURCE, transform: str = TRANSFORM, alpha: float = ALPHA,
    max_lags: int | None = MAX_LAGS, criterion: str = CRITERION, deflator: Path | None = DEFLATOR,
    deflator_base: int | None = DEFLATOR_BASE,
    json: bool = JSON_OPTION,
) -> None:
    """Was a rival dyad an action-reaction arms race? Richardson fits and Granger tests."""
    from herz.analysis import empirical as em

    require_choice("--source", source, ("nmc", "sipri"))
    require_choice("--transform", transform, ("log", "level"))
    require_choice("--criterion", criterion, ("bic", "aic"))
    key = _check_dyad(name, source)
    _check_years(key, source, start, end)
    index = read_deflator(str(deflator)) if deflator is not None else None
    res = em.analyse_dyad(key, start, end, source, transform, alpha,  # type: ignore[arg-type]
                          max_lags, index, deflator_base, criterion)
    if json:
        print_json(res.to_dict())
        return
    s = res.series
    console.print(f"[bold]{s.dyad}[/bold] {res.years[0]}-{res.years[1]} ({len(s.years)} years), "
                  f"{s.source}, {s.unit}")
    console.print(f"span: {res.span_reason}")
    for t in res.stationarity:
        console.print(f"stationarity ({res.transform}): {t.describe()}")
    co = res.cointegration
    if co.get("tested"):
        eg = ", ".join(f"{k} p = {v:.3f}" for k, v in co["engle_granger_p"].items())
        console.print(f"cointegration: Engle-Granger {eg}; Johansen trace rank "
                      f"{co['johansen_trace_rank']} -> "
                      f"{'cointegrated' if co['cointegrated'] else 'not cointegrated'}")
    else:
        console.print(f"cointegration: not tested ({co.get('why_not', '')})")
    left, right = s.dyad.split("-")
    console.print(f"Richardson: x = {left}, y = {right}; k = {left}'s reaction to {right}, "
                  f"a = {left}'s fatigue, g = {left}'s grievance; l, b, h the same for {right}")
    for fit, label in ((res.levels_fit, "levels"), (res.differences_fit, "first differences")):
        if fit is None:
            continue
        table = Table(title=f"Richardson system, OLS in {label}")
        for col in ("coef", "estimate", "se", "95% CI", "p"):
            table.add_column(col)
        for cname, c in fit.coefficients.items():
            table.add_row(cname, f"{c.estimate:.4g}", f"{c.se:.3g}",
                          f"[{c.ci_low:.3g}, {c.ci_high:.3g}]", f"{c.p_value:.3g}")
        console.print(table)
        verdict = ("not a Richardson system (a coefficient has the wrong sign)"
                   if fit.stability is None else fit.stability.value)
        console.print(f"stability ({label}): {verdict}")
    console.print("[bold]action-reaction verdicts[/bold]")
    for d in res.directions:
        console.print(f"  {d.line()}")
    console.print(f"pattern: [bold]{res.pattern}[/bold]")
    for note in (*s.notes, *res.notes):
        console.print(f"- {note}")


def dyads(
    out: Path = OUT, scope: str = SCOPE,
    transform: str = TRANSFORM, alpha: float = ALPHA, criterion: str = CRITERION,
    json: bool = JSON_OPTION,
) -> None:
    """Run the dyad analysis over every rivalry; cross-tabulate with GRH races and wars."""
    import matplotlib.pyplot as plt

    from herz.analysis import empirical as em

    require_choice("--scope", scope, ("classic", "all"))
    require_choice("--transform", transform, ("log", "level"))
    try:  # before the analysis: a folder that cannot be made stops here, not minutes later
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ParameterError("--out", str(out), f"cannot make this folder ({exc.strerror})") from None
    with console.status("analysing rivalries..."):
        table = em.analyse_rivalries(scope, transform, alpha, criterion)  # type: ignore[arg-type]
    tabs = em.cross_tabulate(table)
    csv_path = out / "dyads.csv"
    table.to_csv(csv_path, index=False)
    fig = em.verdict_figure(table, alpha)
    fig_path = out / "dyads_verdicts.png"
    fig.savefig(fig_path, dpi=150)
    plt.close(fig)
    md_path = out / "dyads.md"
    md_path.write_text(_markdown(table, tabs, scope, transform, alpha, criterion),
                       encoding="utf-8")
    counts = table["pattern"].value_counts().to_dict()
    if json:
        print_json({"episodes": len(table), "patterns": counts,
                    "crosstabs": {k: v.to_dict() for k, v in tabs.items()},
                    "files": [str(csv_path), str(md_path), str(fig_path)],
                    "rows": table.to_dict("records")})
        return
    console.print(f"{len(table)} rivalry episodes ({scope}); patterns: {counts}")
    for tab in tabs.values():
        console.print(f"[bold]{tab.name}[/bold] (n = {tab.n}, Fisher exact p = {tab.fisher_p:.3g})")
        console.print(tab.table.to_string())
        console.print(f"share with the outcome: {tab.share_with_mutual:.2f} with mutual reaction, "
                      f"{tab.share_without_mutual:.2f} without")
    console.print(f"wrote {csv_path}, {md_path}, {fig_path}")


def _markdown(
    table: pd.DataFrame, tabs: dict[str, CrossTab], scope: str, transform: str, alpha: float,
    criterion: str,
) -> str:
    lines = [
        "# herz dyads: action-reaction verdicts per rivalry episode", "",
        f"Scope: {scope}; source COW NMC v7.0 (nominal); tests on {transform} spending; "
        f"alpha = {alpha:g}; lags by {criterion.upper()}. "
        "A = first state of the dyad name, B = second.", "",
        "| dyad | years | pattern | B reacts to A (p model, p Granger) | A reacts to B "
        "(p model, p Granger) | GRH race | war onsets | SIPRI check (years: pattern) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in table.to_dict("records"):
        if r["pattern"] == "failed":
            lines.append(f"| {r['dyad']} | {r['start']}-{r['end']} | failed: {r['error']} | | | "
                         f"{r['grh_races']} | {r['war_onsets']} | |")
            continue
        sp = r.get("sipri_pattern")
        sipri = (f"{int(r['sipri_start'])}-{int(r['sipri_end'])}: {sp}"
                 if isinstance(sp, str) and sp != "failed" else "")
        lines.append(
            f"| {r['dyad']} | {r['start']}-{r['end']} | {r['pattern']} | {r['b_reacts_to_a']} "
            f"({r['p_model_b_reacts']:.3g}, {r['p_granger_b_reacts']:.3g}) | {r['a_reacts_to_b']} "
            f"({r['p_model_a_reacts']:.3g}, {r['p_granger_a_reacts']:.3g}) | {r['grh_races']} | "
            f"{r['war_onsets']} | {sipri} |")
    lines += ["", "## Cross-tabulations", ""]
    for tab in tabs.values():
        lines += [f"### {tab.name}", "", tab.table.to_markdown() if _has_tabulate()
                  else "```\n" + tab.table.to_string() + "\n```", "",
                  f"n = {tab.n}; Fisher exact p = {tab.fisher_p:.3g}; share with the outcome: "
                  f"{tab.share_with_mutual:.2f} with mutual reaction, "
                  f"{tab.share_without_mutual:.2f} without.", ""]
    return "\n".join(lines)


def _has_tabulate() -> bool:
    try:
        import tabulate  # noqa: F401
    except ImportError:
        return False
    return True
