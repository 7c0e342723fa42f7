"""``herz calibrate A-B``: fit the two-state world to a rivalry, then ask it counterfactuals."""

from __future__ import annotations

import json as jsonlib
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from herz.cli._common import JSON_OPTION, _jsonable, console, print_json
from herz.errors import ParameterError, require_choice

#: Counterfactuals run when none is given.
DEFAULT_COUNTERFACTUALS: tuple[str, ...] = ("distinguishability=0.9", "signal_cost=1")

SOURCE = typer.Option("nmc", "--source", help="nmc (COW NMC v7.0, nominal) or sipri "
                      "(constant 2022 US$, from 1949).")
OUT = typer.Option(Path("herz-calibrate"), "--out", help="Folder for calibration.json and "
                   "counterfactual.png.")
COUNTERFACTUAL = typer.Option(
    None, "--counterfactual", help="KEY=VALUE[,KEY=VALUE...]: one counterfactual world "
    "(repeat for more). Default: distinguishability=0.9 and signal_cost=1 (costly signals on).")


def register(parent: typer.Typer) -> None:
    """Add ``calibrate`` to ``parent``."""
    parent.command("calibrate")(calibrate)


def parse_counterfactual(text: str) -> dict[str, Any]:
    """``"distinguishability=0.9,signal_cost=1"`` -> dict, checked against the valid keys."""
    from herz.analysis.calibration import COUNTERFACTUAL_KEYS, parse_changes

    changes: dict[str, Any] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        key = key.strip()
        if not sep or not value.strip():
            raise ParameterError("--counterfactual", text, "must be KEY=VALUE[,KEY=VALUE...] "
                                 "with keys among " + ", ".join(COUNTERFACTUAL_KEYS))
        changes[key] = value.strip()
    parse_changes(changes)  # raises naming the valid keys
    return changes


def calibrate(
    name: str = typer.Argument(..., help="Rival pair by COW abbreviations, e.g. IND-PAK."),
    source: str = SOURCE,
    start: int | None = typer.Option(None, "--start", help="First year (default: rivalry span)."),
    end: int | None = typer.Option(None, "--end", help="Last year (default: rivalry span)."),
    bootstrap: int = typer.Option(50, "--bootstrap", help="Parametric-bootstrap replicates."),
    seed: int = typer.Option(0, "--seed", help="Root seed of the fit, bootstrap and runs."),
    counterfactual: list[str] | None = COUNTERFACTUAL,
    fit: str = typer.Option("reaction,grievance,spending_shock", "--fit",
                            help="Fitted parameters, among reaction, fatigue, grievance, "
                            "spending_shock."),
    refit: str = typer.Option("kstep", "--refit", help="Bootstrap refits: kstep (3 "
                              "Gauss-Newton steps) or full (Nelder-Mead)."),
    level: float = typer.Option(0.95, "--level", help="Coverage of the intervals."),
    worlds: int = typer.Option(200, "--worlds", help="Simulated worlds per counterfactual."),
    horizon: int = typer.Option(0, "--horizon", help="Years to run past the data."),
    measure: str = typer.Option("spending", "--measure", help="spending, or burden (SIPRI "
                                "share of GDP, from 1949: trend growth is not read as reaction)."),
    match_lagged: float = typer.Option(1.0, "--match-lagged", help="Multiply the weights of "
                                       "the two lagged cross-correlations (the moments that "
                                       "carry reaction) by this factor."),
    profile: bool = typer.Option(True, "--profile/--no-profile", help="Refit at fatigue 0.02, "
                                 "0.05, 0.1, 0.2, 0.3 and show each counterfactual's spread."),
    out: Path = OUT,
    json: bool = JSON_OPTION,
) -> None:
    """Calibrate the two-state world to a rival dyad's spending; run counterfactuals."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from herz.analysis import calibration as cal
    from herz.cli.dyad import _check_dyad, _check_years

    require_choice("--source", source, ("nmc", "sipri"))
    require_choice("--refit", refit, ("kstep", "full"))
    require_choice("--measure", measure, ("spending", "burden"))
    if not match_lagged > 0:
        raise ParameterError("--match-lagged", match_lagged, "must be > 0 (1: no emphasis)")
    emphasis = ({"corr_A_on_lagged_B": match_lagged, "corr_B_on_lagged_A": match_lagged}
                if match_lagged != 1.0 else None)
    if measure == "burden" and source != "sipri":
        raise ParameterError("--measure", measure, "needs --source sipri (SIPRI's share of GDP)")
    key = _check_dyad(name, source)
    _check_years(key, source, start, end)
    if start is not None and end is not None and start > end:
        raise ParameterError("--start", start, f"must not be after --end = {end}")
    if bootstrap < 0 or bootstrap == 1:
        raise ParameterError("--bootstrap", bootstrap, "must be 0 (no intervals) or >= 2")
    if worlds < 1:
        raise ParameterError("--worlds", worlds, "must be >= 1")
    fit_names = tuple(f.strip() for f in fit.split(",") if f.strip())
    for f in fit_names:
        if f not in cal.FITTABLE:
            raise ParameterError("--fit", f, "must be among " + ", ".join(cal.FITTABLE))
    scenarios = [parse_counterfactual(t) for t in (counterfactual or DEFAULT_COUNTERFACTUALS)]

    with console.status(f"calibrating {key} ..."):
        res = cal.calibrate_dyad(key, source, start, end, measure, fit=fit_names,
                                 bootstrap=bootstrap, seed=seed, level=level, refit=refit,
                                 emphasis=emphasis)
        cfs = [cal.counterfactual(res, ch, worlds=worlds, seed=seed, horizon=horizon)
               for ch in scenarios]
        prof = None
        if profile and "fatigue" not in fit_names:
            prof = cal.profile_fatigue(res.series(), scenarios, worlds=min(worlds, 100),
                                       seed=seed, fit=fit_names, measure=res.measure,
                                       emphasis=emphasis)
    out.mkdir(parents=True, exist_ok=True)
    json_path = out / "calibration.json"
    png_path = out / "counterfactual.png"
    payload = {"calibration": res.to_dict(), "counterfactuals": [c.to_dict() for c in cfs],
               "fatigue_profile": None if prof is None else prof.to_dict()}
    json_path.write_text(jsonlib.dumps(_jsonable(payload), indent=1, allow_nan=False) + "\n",
                         encoding="utf-8")
    fig = cal.counterfactual_figure(res, cfs)
    fig.savefig(png_path, dpi=130)
    plt.close(fig)
    if json:
        summary = {"calibration": res.to_dict(),
                   "counterfactuals": [_summary(c) for c in cfs],
                   "fatigue_profile": None if prof is None else prof.to_dict(),
                   "files": [str(json_path), str(png_path)]}
        print_json(summary)
        return
    _print(res, cfs, prof)
    console.print(f"wrote {json_path}, {png_path}")


def _summary(c: Any) -> dict[str, Any]:
    d = c.to_dict()
    return {k: v for k, v in d.items() if k not in ("baseline", "scenario")}


def _print(res: Any, cfs: list[Any], prof: Any = None) -> None:
    left, right = res.dyad.split("-")
    console.print(f"[bold]{res.dyad}[/bold] {res.years[0]}-{res.years[-1]} ({res.n_years} years), "
                  f"{res.source}, {res.unit}; each series divided by its mean")
    table = Table(title=f"fitted world ({round(100 * res.level)}% parametric-bootstrap "
                  f"intervals, B = {res.bootstrap_estimates.shape[0]}, refit {res.refit})")
    for col in ("parameter", "estimate", "interval", "identified"):
        table.add_column(col)
    for name, val in res.params.items():
        if name in res.fit:
            lo, hi = res.intervals[name]
            table.add_row(name, f"{val:.4g}", f"[{lo:.4g}, {hi:.4g}]",
                          "yes" if res.identified[name] else "no")
        else:
            table.add_row(name, f"{val:.4g}", "fixed", "-")
    console.print(table)
    mt = Table(title=f"moments of log growth (objective {res.objective:.3g}; J = "
               f"{res.j_stat:.2f} on {res.j_df} df, p = {res.j_p:.3g})")
    for col in ("moment", "data", "fitted", "sd (one dyad)", "misfit z"):
        mt.add_column(col)
    for n, d, f, s, z in zip(res.to_dict()["moments"], res.moments_data, res.moments_fitted,
                             res.moments_sd, res.misfit, strict=True):
        mark = " !" if abs(z) > 1.5 else ""
        mt.add_row(n["name"], f"{d:.4f}", f"{f:.4f}", f"{s:.4f}", f"{z:+.2f}{mark}")
    console.print(mt)
    for c in cfs:
        console.print(f"[bold]counterfactual {c.label}[/bold] ({c.worlds} worlds, paired with "
                      "the baseline)")
        for k, s in enumerate((left, right)):
            lo, med, hi = c.final_ratio[:, k]
            clo, cmed, chi = c.cumulative_ratio[:, k]
            console.print(f"  {s}: final-year spending x{med:.3f} [{lo:.3f}, {hi:.3f}], "
                          f"cumulative x{cmed:.3f} [{clo:.3f}, {chi:.3f}] of the baseline "
                          "(over worlds)")
            plo, pmed, phi = c.final_ratio_params[:, k]
            if pmed == pmed:  # not NaN: bootstrap draws were run
                console.print(f"  {s}: median final-year ratio over parameter draws "
                              f"x{pmed:.3f} [{plo:.3f}, {phi:.3f}]")
        console.print(f"  outcomes baseline {c.baseline_outcomes} -> {c.scenario_outcomes}; "
                      f"trust at the end {c.trust_end[0]:.3f} -> {c.trust_end[1]:.3f}")
    if prof is not None:
        pt = Table(title=f"fatigue profile: refitted at each fixed fatigue; median final-year "
                   f"ratio {left}/{right} per counterfactual")
        short = {"reaction": "k", "grievance": "g", "perception_noise": "noise"}
        for col in ("a", "J", "J p", *[short.get(k, k) for k in res.fit],
                    *[f"cf{c + 1}" for c in range(len(prof.labels))]):
            pt.add_column(col, no_wrap=True)
        for i, (v, f) in enumerate(zip(prof.values, prof.fits, strict=True)):
            ratios = [f"{prof.final_ratio[c, i, 1, 0]:.2f}/{prof.final_ratio[c, i, 1, 1]:.2f}"
                      for c in range(len(prof.labels))]
            pt.add_row(f"{v:g}", f"{f.j_stat:.1f}", f"{f.j_p:.2g}",
                       *[f"{f.params[k]:.3g}" for k in res.fit], *ratios)
        console.print(pt)
        for c, lab in enumerate(prof.labels):
            lo = prof.final_ratio[c, :, 1, :].min(axis=0)
            hi = prof.final_ratio[c, :, 1, :].max(axis=0)
            console.print(f"  cf{c + 1} = {lab}: over fatigue {prof.values[0]:g}-"
                          f"{prof.values[-1]:g} the median ratio spans {left} "
                          f"x{lo[0]:.2f}-x{hi[0]:.2f}, {right} x{lo[1]:.2f}-x{hi[1]:.2f}")
    console.print("[bold yellow]caveats[/bold yellow]")
    for c in res.caveats:
        console.print(f"[yellow]- {c}[/yellow]")
    for note in res.notes:
        console.print(f"- {note}")
