"""``herz dyad A-B`` and ``herz dyads``: action-reaction verdicts on real rivalries."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import typer
from rich.table import Table

from herz.cli._common import JSON_OPTION, console, print_json
from herz.data import RIVAL_DYADS, load, read_deflator, split_dyad
from herz.errors import ParameterError, require_choice

if TYPE_CHECKING:
    from matplotlib.figure import Figure

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
ADJUST = typer.Option("holm", "--adjust", help="Multiple-testing adjustment over the "
                      "command's family of tests: holm, fdr_bh (Benjamini-Hochberg) or none.")
WAR_DUMMIES = typer.Option(False, "--war-dummies", help="One impulse dummy per year the pair "
                           "was at war (COW inter-state wars).")
SEED = typer.Option(0, "--seed", help="Seed of the wild bootstrap of the effect intervals.")
BOOT = typer.Option(999, "--bootstrap", help="Wild-bootstrap replicates of the effect intervals.")
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
    deflator_base: int | None = DEFLATOR_BASE, adjust: str = ADJUST,
    war_dummies: bool = WAR_DUMMIES, bootstrap: int = BOOT, seed: int = SEED,
    json: bool = JSON_OPTION,
) -> None:
    """Was a rival dyad an action-reaction arms race? Richardson fits and Toda-Yamamoto tests."""
    from herz.analysis import empirical as em

    require_choice("--source", source, ("nmc", "sipri"))
    require_choice("--transform", transform, ("log", "level"))
    require_choice("--criterion", criterion, ("bic", "aic"))
    require_choice("--adjust", adjust, ("holm", "fdr_bh", "none"))
    if bootstrap < 20:
        raise ParameterError("--bootstrap", bootstrap, "must be >= 20")
    key = _check_dyad(name, source)
    _check_years(key, source, start, end)
    index = read_deflator(str(deflator)) if deflator is not None else None
    res = em.analyse_dyad(key, start, end, source, transform, alpha,  # type: ignore[arg-type]
                          max_lags, index, deflator_base, criterion, adjust, war_dummies,
                          bootstrap=bootstrap, rng=seed)
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
        console.print(f"cointegration (description only): Engle-Granger {eg}; Johansen trace "
                      f"rank {co['johansen_trace_rank']} (deterministic {co['deterministic']})")
    else:
        console.print(f"cointegration: not tested ({co.get('why_not', '')})")
    left, right = s.dyad.split("-")
    console.print(f"Richardson: x = {left}, y = {right}; k = {left}'s reaction to {right}, "
                  f"a = {left}'s fatigue, g = {left}'s grievance; l, b, h the same for {right}")
    for fit, label in ((res.levels_fit, "levels"), (res.differences_fit, "first differences")):
        if fit is None:
            continue
        table = Table(title=f"Richardson system, OLS in {label} (regressor: {fit.regressor} "
                      "level)")
        for col in ("coef", "estimate", "se", "95% CI", "p", "p (Holm, 6 coefs)"):
            table.add_column(col)
        for cname, c in fit.coefficients.items():
            table.add_row(cname, f"{c.estimate:.4g}", f"{c.se:.3g}",
                          f"[{c.ci_low:.3g}, {c.ci_high:.3g}]", f"{c.p_value:.3g}",
                          f"{c.p_adjusted:.3g}")
        console.print(table)
        verdict = ("not a Richardson system (a coefficient has the wrong sign)"
                   if fit.stability is None else fit.stability.value)
        console.print(f"stability ({label}): {verdict}")
    console.print("[bold]action-reaction verdicts[/bold]")
    for d in res.directions:
        console.print(f"  {d.line()}")
    console.print(f"pattern: [bold]{res.pattern}[/bold]")
    for w in res.data_warnings:
        console.print(f"[yellow]data warning:[/yellow] {w}")
    for note in (*s.notes, *res.notes):
        console.print(f"- {note}")


def dyads(
    out: Path = OUT, scope: str = SCOPE,
    transform: str = TRANSFORM, alpha: float = ALPHA, criterion: str = CRITERION,
    adjust: str = ADJUST, war_dummies: bool = WAR_DUMMIES, seed: int = SEED,
    bootstrap: int = typer.Option(199, "--bootstrap", help="Wild-bootstrap replicates."),
    json: bool = JSON_OPTION,
) -> None:
    """Run the dyad analysis over every rivalry (one Holm family); cross-tabulate with GRH and wars."""
    import matplotlib.pyplot as plt

    from herz.analysis import empirical as em

    require_choice("--scope", scope, ("classic", "all"))
    require_choice("--transform", transform, ("log", "level"))
    require_choice("--adjust", adjust, ("holm", "fdr_bh", "none"))
    if bootstrap < 20:
        raise ParameterError("--bootstrap", bootstrap, "must be >= 20")
    try:  # before the analysis: a folder that cannot be made stops here, not minutes later
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ParameterError("--out", str(out), f"cannot make this folder ({exc.strerror})") from None
    with console.status("analysing rivalries..."):
        table = em.analyse_rivalries(scope, transform, alpha, criterion,  # type: ignore[arg-type]
                                     adjust, war_dummies, bootstrap, rng=seed)
    tabs = em.cross_tabulate(table)
    csv_path = out / "dyads.csv"
    table.to_csv(csv_path, index=False)
    fig = verdict_figure(table, alpha)
    fig_path = out / "dyads_verdicts.png"
    fig.savefig(fig_path, dpi=150)
    plt.close(fig)
    md_path = out / "dyads.md"
    md_path.write_text(_markdown(table, tabs, scope, transform, alpha, criterion, adjust),
                       encoding="utf-8")
    counts = table["pattern"].value_counts().to_dict()
    if json:
        print_json({"episodes": len(table), "patterns": counts, "adjustment": adjust,
                    "family_size": table.attrs.get("family_size", 0),
                    "crosstabs": {k: v.to_dict() for k, v in tabs.items()},
                    "files": [str(csv_path), str(md_path), str(fig_path)],
                    "rows": table.to_dict("records")})
        return
    console.print(f"{len(table)} rivalry episodes ({scope}); patterns: {counts} "
                  f"({adjust} over {table.attrs.get('family_size', 0)} direction tests)")
    console.print("[yellow]the cross-tabulations below ignore timing: a rivalry episode "
                  "(median 25 years) is not a dispute; `herz escalation` tests the claim on "
                  "disputes[/yellow]")
    for tab in tabs.values():
        console.print(f"[bold]{tab.name}[/bold] (n = {tab.n}, Fisher exact p = {tab.fisher_p:.3g})")
        console.print(tab.table.to_string())
        console.print(f"share with the outcome: {tab.share_with_mutual:.2f} with mutual reaction, "
                      f"{tab.share_without_mutual:.2f} without")
    console.print(f"wrote {csv_path}, {md_path}, {fig_path}")


def _markdown(
    table: pd.DataFrame, tabs: dict[str, CrossTab], scope: str, transform: str, alpha: float,
    criterion: str, adjust: str,
) -> str:
    lines = [
        "# herz dyads: action-reaction verdicts per rivalry episode", "",
        f"Scope: {scope}; source COW NMC v7.0 (nominal); Toda-Yamamoto tests on {transform} "
        f"spending; alpha = {alpha:g}; lags by {criterion.upper()}; p-values adjusted by "
        f"{adjust} over all {table.attrs.get('family_size', 0)} direction tests (raw p beside). "
        "A = first state of the dyad name, B = second. Effect: summed reaction with its "
        "wild-bootstrap interval.", "",
        "| dyad | years | pattern | B reacts to A (p raw, p adj; effect [interval]) | "
        "A reacts to B (p raw, p adj; effect [interval]) | GRH race | war onsets | "
        "SIPRI check (years: pattern) |",
        "|---|---|---|---|---|---|---|---|",
    ]

    def cell(r: dict[Any, Any], tag: str) -> str:
        return (f"{r[tag[0] + '_reacts_to_' + ('a' if tag[0] == 'b' else 'b')]} "
                f"({float(r['p_' + tag]):.3g}, {float(r['p_adj_' + tag]):.3g}; "
                f"{float(r['effect_' + tag]):+.2f} [{float(r['effect_low_' + tag]):+.2f}, "
                f"{float(r['effect_high_' + tag]):+.2f}])")

    for r in table.to_dict("records"):
        if r["pattern"] == "failed":
            lines.append(f"| {r['dyad']} | {r['start']}-{r['end']} | failed: {r['error']} | | | "
                         f"{r['grh_races']} | {r['war_onsets']} | |")
            continue
        sp = r.get("sipri_pattern")
        sipri = (f"{int(r['sipri_start'])}-{int(r['sipri_end'])}: {sp}"
                 if isinstance(sp, str) and sp != "failed" else "")
        lines.append(
            f"| {r['dyad']} | {r['start']}-{r['end']} | {r['pattern']} | {cell(r, 'b_reacts')} "
            f"| {cell(r, 'a_reacts')} | {r['grh_races']} | {r['war_onsets']} | {sipri} |")
    lines += ["", "## Cross-tabulations (episodes: they ignore timing; see `herz escalation`)",
              ""]
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


def verdict_figure(results: pd.DataFrame, alpha: float = 0.05) -> Figure:
    """Scatter of the two directions' adjusted p-values per episode, marked by GRH race and war."""
    import matplotlib.pyplot as plt

    from herz.plot import OKABE_ITO

    ok = results[results["pattern"] != "failed"]
    fig, ax = plt.subplots(figsize=(9.0, 6.0), layout="constrained")
    floor = 1e-6
    for (race, war), marker, colour, label in (
        ((False, False), "o", OKABE_ITO[7], "no GRH race, no war"),
        ((True, False), "s", OKABE_ITO[4], "GRH race, no war"),
        ((False, True), "^", OKABE_ITO[5], "war, no GRH race"),
        ((True, True), "D", OKABE_ITO[0], "GRH race and war"),
    ):
        sub = ok[(ok.grh_race == race) & (ok.war_onset == war)]
        if sub.empty:
            continue
        ax.scatter(np.maximum(sub.p_adj_b_reacts.to_numpy(float), floor),
                   np.maximum(sub.p_adj_a_reacts.to_numpy(float), floor),
                   marker=marker, color=colour, label=label, alpha=0.85)
        if len(ok) <= 40:
            for r in sub.itertuples():
                px, py = float(r.p_adj_b_reacts), float(r.p_adj_a_reacts)  # type: ignore[arg-type]
                ax.annotate(f"{r.dyad} {r.start}", (max(px, floor), max(py, floor)),
                            fontsize=7, xytext=(3, 3), textcoords="offset points")
    ax.set_xscale("log")
    ax.set_yscale("log")
    for f in (ax.axvline, ax.axhline):
        f(alpha, color="grey", lw=0.8, ls="--")
    ax.set_xlabel("adjusted p: second state reacts to first (Toda-Yamamoto)")
    ax.set_ylabel("adjusted p: first state reacts to second (Toda-Yamamoto)")
    ax.set_title("Action-reaction tests per rivalry episode, multiplicity-adjusted "
                 f"(dashed: p = {alpha:g}; lower left: both reject)", fontsize=10)
    fig.legend(fontsize=8, loc="outside right upper")
    return fig
