"""The escape-map report: one self-contained HTML file that answers the paper's question.

"How inescapable is the security dilemma?" The report shows the scenario and the
design, the verdict (the share of the parameter space where escape is more likely
than not, with its interval, and the mechanism that moves escape most), the phase
diagrams with Jervis's game classes drawn on, the rates per cell with intervals,
Booth and Wheeler's logics, survival curves, sample trajectories, Sobol indices,
PRIM boxes, where the evidence cuts against the paper, the thresholds of the
outcome classification and the provenance. Images are embedded as data URIs; the
file loads nothing from the network.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd

from herz import __version__
from herz.analysis.escape import SENSITIVITY_PROBLEM, EscapeAnalysis
from herz.report.html import figure_png, img_tag, page, table_html

__all__ = ["SECTIONS", "render", "write_report"]

#: (id, title) of every section, in order.
SECTIONS = (
    ("verdict", "Verdict: how inescapable is the security dilemma?"),
    ("against", "Where the evidence cuts against the paper"),
    ("scenario", "Scenario"),
    ("design", "Design"),
    ("maps", "Escape map"),
    ("game-classes", "Jervis's game classes"),
    ("logics", "Booth and Wheeler's three logics"),
    ("survival", "Time to escape and time to war"),
    ("trajectories", "Sample worlds"),
    ("sensitivity", "Sensitivity: which mechanism moves escape"),
    ("discovery", "Scenario discovery: PRIM boxes"),
    ("cells", "Rates per cell"),
    ("thresholds", "Outcome classification thresholds"),
    ("provenance", "Provenance"),
)

THRESHOLDS = ("burn_in", "race_years", "race_growth", "entry_trust_fall", "exit_years",
              "exit_growth_band", "exit_cap_share", "exit_trust", "transcended_institutions",
              "transcended_identity", "durable_years")


def _pct(p: float, digits: int = 0) -> str:
    return f"{100 * p:.{digits}f}%"


def _ci(p: float, lo: float, hi: float) -> str:
    return f"{_pct(p)} [{_pct(lo)}, {_pct(hi)}]"


def _fig(fig: Any, alt: str, caption: str, files: dict[str, bytes], name: str) -> str:
    png = figure_png(fig)
    plt.close(fig)
    files[name] = png
    return (f'<figure id="fig-{html.escape(name)}">{img_tag(png, alt)}'
            f"<figcaption>{caption}</figcaption></figure>")


def _section(sid: str, body: str) -> str:
    title = dict(SECTIONS)[sid]
    return f'<section id="{sid}"><h2>{html.escape(title)}</h2>{body}</section>'


def render(an: EscapeAnalysis) -> tuple[str, dict[str, bytes]]:
    """The report's HTML and its figures as PNG bytes (``{name: png}``)."""
    from herz import plot

    files: dict[str, bytes] = {}
    v = an.verdict
    assert v is not None
    sc = an.map_scenario
    e = html.escape
    parts: list[str] = []

    # ---------------------------------------------------------------- verdict
    rows = [["escape more likely than not (P(escape) > 0.5)",
             f"{_pct(v.share_escape_likely)} of {v.n_points} points",
             f"[{_pct(v.share_low)}, {_pct(v.share_high)}]", e(v.space)],
            ["same, map cells only (other parameters at defaults)",
             f"{_pct(v.map_share)} of {v.map_cells} cells", f"[{_pct(v.map_low)}, "
             f"{_pct(v.map_high)}]", "offense-defense balance x distinguishability"],
            ["worlds of the map that escaped", _pct(v.pooled_escape, 1),
             f"[{_pct(v.pooled_low, 1)}, {_pct(v.pooled_high, 1)}]", "all worlds pooled"],
            ["worlds of the map that went to war", _pct(v.pooled_war, 1), "", ""]]
    mech = ""
    if v.top_mechanism is not None:
        mech = (f"<p>The factor that moves escape most (largest total Sobol index of "
                f"P(escape)) is <b>{e(SENSITIVITY_PROBLEM.label(v.top_mechanism))}</b>: "
                f"S<sub>T</sub> = {v.top_st:.2f} ± {v.top_st_conf:.2f}; next is "
                f"{e(SENSITIVITY_PROBLEM.label(v.runner_up or ''))} with "
                f"{v.runner_up_st:.2f} ± {v.runner_up_st_conf:.2f}"
                + (" (the intervals overlap: the ranking is not certain)."
                   if v.top_st - v.top_st_conf < v.runner_up_st + v.runner_up_st_conf
                   else ".") + "</p>")
        if v.top_route is not None:
            mech += (f"<p>Of the paper's routes out (mitigation and transcendence), "
                     f"<b>{e(SENSITIVITY_PROBLEM.label(v.top_route))}</b> moves escape most: "
                     f"S<sub>T</sub> = {v.top_route_st:.2f} ± {v.top_route_st_conf:.2f}.</p>")
    parts.append(_section("verdict", (
        "<p>The founding paper (Khan 2025) concludes that the security dilemma is "
        "“primarily escapable” through mitigation (offense-defense differentiation, "
        "signals) and transcendence (identity change, security communities). herz asks the "
        "world model: in how much of the parameter space do states escape the spiral more "
        "often than not?</p>"
        f'<p class="note"><b>{e(v.summary)}</b></p>'
        + table_html(["quantity", "estimate", "95% interval", "over"], rows)
        + ("<p>These shares are shares of a chosen space: they depend on the ranges of the "
           "factors (see the table and the Design section). On the map, where the other "
           "parameters keep their defaults "
           f"(share of greedy states {an.params.get('p_greedy')}), escape is likelier than not "
           f"in {_pct(v.map_share)} of the cells; over the wider factor box of the sensitivity "
           f"sweep, in {_pct(v.share_escape_likely)}.</p>"
           if v.n_points != v.map_cells else "") + mech
        + "<p>Intervals: Wilson 95% for rates; for shares of the space, a bootstrap over the "
        "points (by Saltelli block) combined with each point's Jeffreys posterior for its "
        "P(escape), so both the sampling of the space and the replicate noise count.</p>")))

    # ---------------------------------------------------------------- against
    parts.append(_section("against", (
        "<p>Stated plainly, from these runs (see herz MODELS.md section 10 for the literature "
        "that cuts against “primarily escapable”):</p><ul>"
        + "".join(f"<li>{e(s)}</li>" for s in v.against) + "</ul>")))

    # ---------------------------------------------------------------- scenario
    on = [k for k, val in an.mechanisms.items() if val]
    off = [k for k, val in an.mechanisms.items() if not val]
    base_rows = [[k, an.params[k]] for k in ("n_states", "culture", "p_greedy", "prior_bias",
                                             "perception_noise", "signal_cost",
                                             "identity_plasticity", "ontological_security",
                                             "war_transfer", "war_cost_share", "budget_share",
                                             "reaction", "fatigue") if k in an.params]
    parts.append(_section("scenario", (
        f"<p>{e(str(sc.get('name')))}: {e(str(sc.get('description', '')))}. The world of "
        f"<code>herz.world</code>: {an.params.get('n_states')} states, {an.steps} steps of "
        f"{an.dt:g} year. Mechanisms on: {e(', '.join(on))}; off: "
        f"{e(', '.join(off) or 'none')}. Parameters not listed keep their defaults "
        "(<code>herz world params</code>).</p>"
        + table_html(["parameter", "value"], base_rows))))

    # ---------------------------------------------------------------- design
    fac = sc["design"]["factors"]
    fac_rows = [[f["name"], f"{f['low']:g} .. {f['high']:g}" if f.get("low") is not None
                 else ", ".join(map(str, f.get("values") or [])),
                 f.get("levels") or len(f.get("values") or []), f.get("scale", "linear")]
                for f in fac]
    ad = sc["design"].get("adaptive")
    hw = an.rates["escape_halfwidth"]
    design_html = (
        f"<p>Map: a full grid over {len(an.rates)} cells; {sc['replicates']} worlds per cell "
        + (f"to start, then adaptive replication in batches of {ad['batch']} until the 95% "
           f"Wilson interval of P(escape) is at most {ad['target_ci_width']:g} wide "
           f"(half-width {ad['target_ci_width'] / 2:g}) or {ad['max_replicates']} worlds"
           if ad else "") + f". Worlds per cell: {int(an.rates['n'].min())} to "
        f"{int(an.rates['n'].max())} ({int(an.rates['n'].sum())} in all). Largest half-width "
        f"of P(escape): {100 * hw.max():.1f} points (median {100 * hw.median():.1f}); of "
        f"P(war): {100 * an.rates['war_halfwidth'].max():.1f} points.</p>"
        + table_html(["factor", "range", "levels", "scale"], fac_rows))
    if an.sensitivity is not None and an.sens_manifest is not None:
        ss = an.sens_manifest["scenario"]
        srows = [[nm, f"{lo:g} .. {hi:g}", "log" if lg else "linear", SENSITIVITY_PROBLEM.label(nm)]
                 for nm, (lo, hi), lg in zip(SENSITIVITY_PROBLEM.names, SENSITIVITY_PROBLEM.bounds,
                                             SENSITIVITY_PROBLEM.log, strict=True)]
        design_html += (
            f"<p>Sensitivity: Saltelli's design (SALib), {ss['params']['saltelli_n']} base "
            f"samples x ({SENSITIVITY_PROBLEM.d} + 2) = {ss['points']} points, "
            f"{ss['replicates']} worlds each; other parameters as in the map.</p>"
            + table_html(["factor", "range", "sampled", "mechanism"], srows))
    if an.failures is not None and len(an.failures):
        design_html += (f"<p class=\"note\">{len(an.failures)} chunk(s) of the map failed and are "
                        "left out of the rates (listed in the results' <code>failures</code> "
                        "view).</p>")
    parts.append(_section("design", design_html))

    # ---------------------------------------------------------------- maps
    maps = ""
    if {"offense_defense_balance", "distinguishability"} <= set(an.rates.columns) and \
            an.rates["offense_defense_balance"].nunique() > 1 and \
            an.rates["distinguishability"].nunique() > 1:
        for value, what in (("escape", "escape (mitigated or transcended)"),
                            ("war", "war"), ("transcended", "transcendence"),
                            ("spiral", "a spiral")):
            maps += _fig(plot.phase_diagram(an.rates, value, an.params),
                         f"phase diagram of P({value})",
                         f"P({e(what)}) per cell with its 95% Wilson interval (percent). Lines: "
                         "Jervis's game classes of the one-shot security game at the world's "
                         "payoffs (war gain, war loss, cost of arming): prisoner's dilemma below "
                         "and left of the solid line, stag hunt between the lines, harmony above "
                         "and right of the dashed line.", files, f"map_{value}")
    else:
        maps = "<p>This sweep does not vary both the offense-defense balance and " \
               "distinguishability, so there is no phase diagram.</p>"
    parts.append(_section("maps", maps))

    # ---------------------------------------------------------------- game classes
    cr = an.class_rates
    crow = [[r["game_class"], int(r["cells"]), int(r["n"]),
             _ci(r["p_escape"], r["escape_low"], r["escape_high"]),
             _ci(r["p_war"], r["war_low"], r["war_high"]),
             _ci(r["p_transcended"], r["transcended_low"], r["transcended_high"])]
            for _, r in cr.iterrows()]
    sentences = "".join(
        f"<li>Where the game is a <b>{e(str(r['game_class']))}</b> ({int(r['cells'])} cells), "
        f"{_ci(r['p_escape'], r['escape_low'], r['escape_high'])} of worlds escaped.</li>"
        for _, r in cr.iterrows())
    parts.append(_section("game-classes", (
        "<p>At each cell, Jervis's one-shot security game (herz.models.jervis) with the world's "
        "payoffs; the world's distinguishability d is Jervis's Youden index, ρ = (1 + d)/2.</p>"
        f"<ul>{sentences}</ul>"
        + table_html(["game class", "cells", "worlds", "P(escape)", "P(war)", "P(transcended)"],
                     crow))))

    # ---------------------------------------------------------------- logics
    lrows = [[r["logic"], r["outcomes"], int(r["count"]), _ci(r["share"], r["low"], r["high"])]
             for _, r in an.logics.iterrows()]
    parts.append(_section("logics", (
        "<p>Fatalist: the dilemma ran its course (a spiral or a war). Mitigator: arms bounded "
        "without war or community. Transcender: a security community covers most states and "
        "arms fell. Unresolved: none of these by the end of the run.</p>"
        + table_html(["logic", "outcomes", "worlds", "share [95% CI]"], lrows)
        + _fig(plot.logic_bars(an.logics, an.logics_by_class), "shares by logic",
               "Share of worlds under each logic, over all worlds of the map and by Jervis's "
               "game class.", files, "logics"))))

    # ---------------------------------------------------------------- survival
    by_class_esc = {k.split("| ")[1]: c for k, c in an.survival.items() if k.startswith("escape |")}
    by_class_war = {k.split("| ")[1]: c for k, c in an.survival.items() if k.startswith("war |")}
    srow = []
    for key in ("escape", "war"):
        c = an.survival[key]
        end = c.table.iloc[-1]
        srow.append([key, c.n, c.events, f"{c.median:g}" if c.median == c.median else
                     f"not reached by year {c.horizon:g}",
                     _ci(1 - end["survival"], 1 - end["high"], 1 - end["low"])])
    parts.append(_section("survival", (
        "<p>Kaplan-Meier curves (statsmodels) of the time until a world escapes (its mean "
        "arsenal never again grows by more than the bounded-growth threshold) and until its "
        "first war. Worlds without the event are censored at the end of the run. Read the "
        "time to escape with its definition in mind (herz.world.outcomes): a world whose "
        "arsenal never again rises more than the bounded-growth share above its level at a "
        "step has escaped from that step on, so a world that disarms from the start has "
        f"escaped at year 0 ({_pct(an.survival['escape'].share_at_zero)} of all worlds "
        "here).</p>"
        + table_html(["event", "worlds", "events", "median time (years)",
                      "P(event by the end) [95% CI]"], srow)
        + _fig(plot.survival_curves({**{"all worlds": an.survival["escape"]}, **by_class_esc},
                                    "Time to escape", "P(not yet escaped)"),
               "survival curves of time to escape", "Time to escape, all worlds and by game "
               "class, with pointwise 95% bands.", files, "survival_escape")
        + _fig(plot.survival_curves({**{"all worlds": an.survival["war"]}, **by_class_war},
                                    "Time to war", "P(no war yet)"),
               "survival curves of time to war", "Time to the first war, all worlds and by game "
               "class.", files, "survival_war"))))

    # ---------------------------------------------------------------- trajectories
    if an.trajectories:
        notes = "; ".join(f"{k}: cell {s['point']}, world {s['replicates']}"
                          + ("" if s["replay_matches"] else " (replay differs!)")
                          for k, s in an.trajectories.items())
        traj = (_fig(plot.outcome_trajectories(an.trajectories), "sample trajectories",
                     "Mean arsenal and trust among security seekers in one world of each outcome, "
                     "replayed from the stored seeds at the cell where that outcome is most "
                     "common.", files, "trajectories")
                + f"<p>Replayed worlds: {e(notes)}.</p>")
    else:
        traj = "<p>No trajectories replayed.</p>"
    parts.append(_section("trajectories", traj))

    # ---------------------------------------------------------------- sensitivity
    if an.sensitivity is not None:
        s = an.sensitivity
        t = s.table.sort_values("ST", ascending=False)
        rows_s = [[r["label"], f"{r['S1']:.3f} ± {r['S1_conf']:.3f}",
                   f"{r['ST']:.3f} ± {r['ST_conf']:.3f}", f"{r['spearman']:+.2f}"]
                  for _, r in t.iterrows()]
        w = an.sensitivity_war
        assert w is not None
        tw = w.table.sort_values("ST", ascending=False)
        rows_w = [[r["label"], f"{r['S1']:.3f} ± {r['S1_conf']:.3f}",
                   f"{r['ST']:.3f} ± {r['ST_conf']:.3f}", f"{r['spearman']:+.2f}"]
                  for _, r in tw.iterrows()]
        sens = (
            f"<p>Sobol indices (SALib) of the replicate mean of escape per design point "
            f"({s.blocks_used} complete Saltelli blocks"
            + (f", {s.blocks_dropped} dropped because a run failed" if s.blocks_dropped else "")
            + f"; {s.replicates_per_point:.1f} worlds per point). Replicate variance share "
            f"E[Var(escape | parameters)] / Var(escape) = {s.replicate_variance_share:.2f}: "
            "that much of a single world's outcome is its own randomness. Noise share of the "
            f"per-point means: {s.mean_noise_share:.2f} (the part of the variance the indices "
            "analyse that is still replicate noise). Intervals: SALib's bootstrap, 95%. "
            "Direction: Spearman correlation of the factor with the point's P(escape).</p>"
            + table_html(["factor (mechanism)", "S1", "ST", "direction"], rows_s)
            + _fig(plot.sobol_bars(s.table, "Sensitivity of P(escape)",
                                   dict(SENSITIVITY_PROBLEM.labels)),
                   "Sobol indices of escape", "First- and total-order Sobol indices of "
                   "P(escape), with 95% bootstrap intervals.", files, "sobol_escape")
            + "<h3>Sensitivity of P(war)</h3>"
            + table_html(["factor (mechanism)", "S1", "ST", "direction"], rows_w)
            + _fig(plot.sobol_bars(w.table, "Sensitivity of P(war)",
                                   dict(SENSITIVITY_PROBLEM.labels)),
                   "Sobol indices of war", "First- and total-order Sobol indices of P(war).",
                   files, "sobol_war"))
    else:
        sens = "<p>No sensitivity sweep in these results.</p>"
    parts.append(_section("sensitivity", sens))

    # ---------------------------------------------------------------- discovery
    if an.boxes and an.prim_x is not None:
        disc = ("<p>PRIM (the <code>prim</code> package) over the worlds of the sensitivity "
                "sweep: the box with the largest coverage whose density reaches 80% (or the "
                "densest box). Coverage: the share of all such worlds inside the box. Density: "
                "the share of the box's worlds that are such worlds. The offense-defense balance "
                "enters as its log10.</p>")
        brow = []
        for key, b in an.boxes.items():
            brow.append([f"{key} likely", b.describe(), _pct(b.coverage), _pct(b.density),
                         _pct(b.mass), _pct(b.base_rate)])
        disc += table_html(["outcome", "box", "coverage", "density", "mass", "base rate"], brow)
        for key, b in an.boxes.items():
            disc += _fig(plot.prim_box_plot(an.prim_x, an.prim_y[key], b),
                         f"PRIM box where {key} is likely",
                         f"Worlds in the plane of the box's first two factors; the box where "
                         f"{e(key)} is likely: {e(b.describe())}.", files, f"prim_{key}")
    else:
        disc = "<p>No sensitivity sweep in these results, so no PRIM boxes.</p>"
    parts.append(_section("discovery", disc))

    # ---------------------------------------------------------------- cells
    cols = [c for c in ("offense_defense_balance", "distinguishability") if c in an.rates]
    crows = []
    for _, r in an.rates.iterrows():
        crows.append([int(r["point"]), *[f"{r[c]:.3g}" for c in cols], r["game_class"],
                      int(r["n"]), _ci(r["p_escape"], r["escape_low"], r["escape_high"]),
                      _ci(r["p_war"], r["war_low"], r["war_high"]),
                      _ci(r["p_spiral"], r["spiral_low"], r["spiral_high"]),
                      _ci(r["p_transcended"], r["transcended_low"], r["transcended_high"]),
                      _pct(r["p_unresolved"])])
    parts.append(_section("cells", (
        "<p>In this region the game is … and so many worlds escaped: every cell, with "
        "95% Wilson intervals.</p>"
        + table_html(["cell", *[c.replace("_", " ") for c in cols], "game class", "worlds",
                      "P(escape)", "P(war)", "P(spiral)", "P(transcended)", "unresolved"],
                     crows))))

    # ---------------------------------------------------------------- thresholds
    from herz.world import WorldParams, params_table

    wp = WorldParams.from_dict({k: val for k, val in an.params.items()
                                if k in WorldParams().to_dict() and k != "mechanisms"})
    trows = [[r["name"], r["value"], r["unit"], r["meaning"], r["source"]]
             for r in params_table(wp) if r["name"] in THRESHOLDS]
    parts.append(_section("thresholds", (
        "<p>Outcomes are measured over the whole trajectory after a burn-in of "
        "<code>burn_in</code> years (herz.world.outcomes, DESIGN section 3): a pair of security "
        "seekers enters the dilemma with a race (both spend at least <code>race_growth</code> "
        "more a year for <code>race_years</code> years) and a fall of mutual trust of at least "
        "<code>entry_trust_fall</code>; it exits after <code>exit_years</code> calm years "
        "(spending growth within <code>exit_growth_band</code>, below "
        "<code>exit_cap_share</code> of the budget cap, trust at least "
        "<code>exit_trust</code>), transcended if institutions and identity exceed their "
        "thresholds, else mitigated. A world's label is that of its first spell: mitigated, "
        "transcended, war, unresolved (still in at the horizon: censoring) or no_dilemma. "
        "Escape = mitigated or transcended.</p>"
        + table_html(["threshold", "value", "unit", "meaning", "source"], trows))))

    # ---------------------------------------------------------------- provenance
    man = an.map_manifest
    prow = [["herz version (report)", __version__],
            ["herz version (map sweep)", man.get("versions", {}).get("herz", "?")],
            ["map scenario hash", man.get("scenario_hash", "")],
            ["map seed", sc.get("seed")],
            ["map created", man.get("created", "")],
            ["map status", man.get("status", "")]]
    if an.sens_manifest is not None:
        sm = an.sens_manifest
        prow += [["sensitivity scenario hash", sm.get("scenario_hash", "")],
                 ["sensitivity seed", sm["scenario"].get("seed")],
                 ["Saltelli seed", sm["scenario"]["params"].get("saltelli_seed")],
                 ["sensitivity status", sm.get("status", "")]]
    if an.meta:
        cfg = an.meta.get("config", {})
        prow += [["escape-map size", cfg.get("name", "")],
                 ["sweep wall time (s)", json.dumps({k: round(val, 1) for k, val in
                                                     an.meta.get("sweep_seconds", {}).items()})],
                 ["CPUs, load average at the end", f"{an.meta.get('cpu_count')}, "
                  f"{an.meta.get('load_average')}"]]
    vers = man.get("versions", {})
    prow += [[f"version of {k}", val] for k, val in vers.items() if k != "herz"]
    parts.append(_section("provenance", (
        "<p>Every world can be replayed: world r of cell p runs from "
        "<code>child_seed(seed, 1, p)</code>, world index r. Results: "
        f"<code>{e(str(an.path))}</code> (query with <code>herz query</code>).</p>"
        + table_html(["", ""], prow))))

    toc = "".join(f'<li><a href="#{sid}">{e(t)}</a></li>' for sid, t in SECTIONS)
    body = ("<h1>herz: the escape map</h1><p>How inescapable is the security dilemma? "
            f"herz {e(__version__)}.</p><nav><ol>{toc}</ol></nav>" + "".join(parts)
            + "<h2>References</h2><ul><li>Khan (2025), Between Fear and Strategy: How "
            "Inescapable is the Security Dilemma? (the founding paper).</li><li>Jervis, R. (1978). "
            "Cooperation under the security dilemma. World Politics 30(2).</li><li>Booth, K. and "
            "Wheeler, N. J. (2008). The Security Dilemma. Palgrave Macmillan.</li><li>Sobol' "
            "(2001); Saltelli et al. (2010); Herman and Usher (2017), SALib.</li><li>Friedman "
            "and Fisher (1999), PRIM; Bryant and Lempert (2010).</li><li>Kaplan and Meier "
            "(1958).</li><li>Wilson (1927).</li></ul>")
    return page("herz: the escape map", body), files


def write_report(an: EscapeAnalysis, path: str | Path, figures: bool = True) -> Path:
    """Write the report to ``path`` (and, with ``figures``, the PNGs and a JSON summary beside)."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    text, files = render(an)
    out.write_text(text, encoding="utf-8")
    if figures:
        fig_dir = out.parent / (out.stem + "_figures")
        fig_dir.mkdir(exist_ok=True)
        for name, png in files.items():
            (fig_dir / f"{name}.png").write_bytes(png)
        summary = summary_dict(an)
        (out.parent / (out.stem + ".json")).write_text(json.dumps(summary, indent=2,
                                                                  default=str),
                                                       encoding="utf-8")
    return out


def summary_dict(an: EscapeAnalysis) -> dict[str, Any]:
    """The headline numbers as plain values."""
    v = an.verdict
    rates = an.rates
    cols = ["point", "offense_defense_balance", "distinguishability", "game_class", "n",
            "p_escape", "escape_low", "escape_high", "p_war", "war_low", "war_high"]
    return {
        "herz_version": __version__,
        "verdict": None if v is None else v.to_dict(),
        "max_escape_halfwidth": float(rates["escape_halfwidth"].max()),
        "max_war_halfwidth": float(rates["war_halfwidth"].max()),
        "cells": pd.DataFrame(rates[[c for c in cols if c in rates]]).to_dict(orient="records"),
        "sensitivity": None if an.sensitivity is None else an.sensitivity.to_dict(),
        "boxes": {k: b.to_dict() for k, b in an.boxes.items()},
        "meta": an.meta,
    }
