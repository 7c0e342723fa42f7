"""``herz validate``: the world against history (pattern-oriented fit, docs/validation.md)."""

from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path
from typing import Any

import typer

from herz.cli._common import console
from herz.errors import ParameterError


def register(parent: typer.Typer) -> None:
    """Add ``validate`` to ``parent``."""
    parent.command("validate")(validate)


def validate(
    out_dir: str = typer.Option(..., "--out", help="Directory for validation.json, "
                             "validation.html and region.json (created if missing)."),
    draws: int = typer.Option(300, "--draws", help="Parameter draws in the reference table "
                              "(one simulated history each)."),
    variant_draws: int = typer.Option(100, "--variant-draws", help="Draws per model variant "
                                      "(bias on, inertia off; the baseline reuses its first "
                                      "ones)."),
    worlds: int = typer.Option(40, "--worlds", help="Worlds per simulated history."),
    states: int = typer.Option(10, "--states", help="States per world."),
    checks: int = typer.Option(20, "--checks", help="Posterior predictive histories."),
    reaction_checks: int = typer.Option(4, "--reaction-checks", help="Of those, how many "
                                        "also run the action-reaction tests (slow)."),
    scope: str = typer.Option("classic", "--scope", help="Rivalry episodes of the observed "
                              "action-reaction share: classic (18 pairs, seconds) or all "
                              "(127 episodes, about 2 minutes)."),
    quantile: float = typer.Option(0.25, "--quantile", help="Share of draws ABC keeps."),
    jobs: int = typer.Option(2, "--jobs", help="Worker processes for the reference tables."),
    emulator: str = typer.Option("knn", "--emulator", help="History matching's emulator: knn "
                                 "(nearest draws) or linear (regression on the parameters)."),
    seed: int = typer.Option(0, "--seed", help="Root seed."),
) -> None:
    """Fit the world to six patterns of the record; predictive checks; variants; region."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from herz.analysis.validation import run_validation

    if scope not in ("classic", "all"):
        raise ParameterError("--scope", scope, "must be classic or all")
    if not 0 < quantile <= 1:
        raise ParameterError("--quantile", quantile, "must be in (0, 1]")
    if jobs < 1:
        raise ParameterError("--jobs", jobs, "must be >= 1")
    if emulator not in ("knn", "linear"):
        raise ParameterError("--emulator", emulator, "must be knn or linear")
    if worlds < 1 or states < 2:
        raise ParameterError("--worlds/--states", (worlds, states),
                             "need at least 1 world of 2 states")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tasks: dict[str, Any] = {}
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn(
            "{task.completed}/{task.total}"), TimeElapsedColumn(), console=console,
            transient=False) as bar:
        def progress(stage: str, k: int, n: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=n)
            bar.update(tasks[stage], completed=k)

        console.print("observed patterns of the record ...")
        result = run_validation(draws=draws, variant_draws=variant_draws, worlds=worlds,
                                n_states=states, checks=checks,
                                reaction_checks=reaction_checks, scope=scope,
                                quantile=quantile, rng=seed, jobs=jobs, progress=progress,
                                emulator=emulator)
    (out / "validation.json").write_text(json.dumps(result, indent=2, allow_nan=False))
    region = result["plausible_region"] | {"settings": result["settings"], "seed": seed}
    (out / "region.json").write_text(json.dumps(region, indent=2))
    (out / "validation.html").write_text(render_html(result))
    for p in result["patterns"]:
        sim = "n/a" if p["simulated"] is None else f"{p['simulated']:.4g}"
        console.print(f"{p['name']}: observed {p['observed']:.4g} "
                      f"[{p['observed_ci'][0]:.4g}, {p['observed_ci'][1]:.4g}], simulated "
                      f"{sim}, consistent: {p['consistent']}")
    console.print(f"preferred variant: {result['preferred_variant']}; total "
                  f"{result['timing_s']['total']:.0f} s; wrote {out}/validation.json, "
                  "validation.html, region.json")


def _figure(p: dict[str, Any]) -> str:
    """A histogram of the posterior predictive with the observed value and interval (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    vals = np.asarray([v for v in p["simulated_values"] if v is not None], float)
    fig, ax = plt.subplots(figsize=(4.2, 2.6))
    if vals.size:
        ax.hist(vals, bins=min(20, max(5, vals.size // 2)), color="#8aa", label="simulated")
    lo, hi = p["observed_ci"]
    ax.axvspan(lo, hi, color="#e66", alpha=0.25, label="observed interval")
    ax.axvline(p["observed"], color="#c00", label="observed")
    ax.set_title(p["name"].replace("_", " "), fontsize=9)
    ax.set_xlabel(p["unit"], fontsize=8)
    ax.legend(fontsize=6)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90)
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _fmt(v: Any) -> str:
    if v is None:
        return "n/a"
    if isinstance(v, list):
        return "[" + ", ".join(_fmt(x) for x in v) + "]"
    return f"{v:.4g}" if isinstance(v, float) else html.escape(str(v))


def render_html(result: dict[str, Any]) -> str:
    """One self-contained page: the pattern table, predictive checks, posterior, variants."""
    rows = "".join(
        f"<tr><td>{html.escape(p['name'])}</td><td>{_fmt(p['observed'])}</td>"
        f"<td>{_fmt(p['observed_ci'])}</td><td>{_fmt(p['simulated'])}</td>"
        f"<td>{_fmt(p['simulated_ci'])}</td><td>{'yes' if p['consistent'] else 'no'}</td>"
        f"<td>{'fit' if p['in_fit'] else 'check only'}</td></tr>" for p in result["patterns"])
    figs = "".join(f"<img alt='{html.escape(p['name'])}' src='data:image/png;base64,"
                   f"{_figure(p)}'>" for p in result["patterns"])
    post = "".join(
        f"<tr><td>{html.escape(k)}</td><td>{_fmt(v['prior'])}</td><td>{_fmt(v['median'])}</td>"
        f"<td>{_fmt([v['low'], v['high']])}</td><td>{'yes' if v['identified'] else 'no'}</td>"
        f"</tr>" for k, v in result["posterior"].items())
    pr = result["plausible_region"]
    region = "".join(f"<tr><td>{html.escape(k)}</td><td>{_fmt(v)}</td></tr>"
                     for k, v in pr["region"].items())
    var = "".join(f"<tr><td>{html.escape(v['name'])}</td><td>{_fmt(v['posterior_probability'])}"
                  f"</td><td>{_fmt(v['share_with_rivalries'])}</td></tr>"
                  for v in result["variants"])
    s = result["settings"]
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>herz validate</title>
<style>body{{font-family:sans-serif;max-width:70em;margin:1em auto}}table{{border-collapse:
collapse}}td,th{{border:1px solid #ccc;padding:2px 6px}}img{{margin:4px}}</style></head><body>
<h1>The world against history</h1>
<p>Reference table of {s['draws']} draws, each one simulated history of {s['worlds']} worlds x
{s['n_states']} states x {s['years']} years after a {s['burn_in']}-year burn-in; rejection ABC
with regression adjustment (accepted {s['accepted']}), history matching (implausibility &lt; 3).
Consistent: the observed value lies inside the {s['level']:.0%} posterior predictive interval.
Total time {result['timing_s']['total']:.0f} s. See docs/validation.md.</p>
<h2>Patterns</h2><table><tr><th>pattern</th><th>observed</th><th>observed CI</th>
<th>simulated</th><th>simulated interval</th><th>consistent</th><th>use</th></tr>{rows}</table>
<h2>Posterior predictive checks</h2>{figs}
<h2>Posterior</h2><table><tr><th>parameter</th><th>prior</th><th>median</th><th>interval</th>
<th>identified</th></tr>{post}</table>
<h2>Not-implausible region (history matching)</h2><p>share of draws not implausible on all
patterns: {_fmt(result['history_match']['share_not_implausible'])}; on the patterns some draw
matches ({html.escape(', '.join(pr['statistics']))}):
{_fmt(pr['share_not_implausible'])}. Patterns no draw matches:
{html.escape(', '.join(pr['unmatched']) or 'none')}.</p><table>{region}</table>
<h2>Variants (ABC model choice)</h2><table><tr><th>variant</th><th>posterior probability</th>
<th>share of draws with a measurable history</th></tr>{var}</table>
<p>Preferred: {html.escape(result['preferred_variant'])}</p></body></html>
"""
