"""The escape-map report: one self-contained HTML file that answers the paper's question.

"How inescapable is the security dilemma?" The report shows the scenario and the
design, the verdict (the share of the parameter space where escape is more likely
than not, with its interval, and the mechanism that moves escape most), the phase
diagrams with Jervis's game classes drawn on, the rates per cell with intervals,
Booth and Wheeler's logics, survival curves, sample trajectories, Sobol indices,
PRIM boxes, where the evidence cuts against the paper, the thresholds of the
outcome classification and the provenance. Images are embedded as data URIs; the
file loads nothing from the network.

The page is the Jinja2 template ``templates/escape_report.html.j2`` (autoescaped);
:func:`context` computes its values from an :class:`~herz.analysis.escape.EscapeAnalysis`.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

import jinja2
import matplotlib.pyplot as plt
import pandas as pd

from herz import __version__
from herz.analysis.escape import BACKGROUND_PAGE, EscapeAnalysis
from herz.report.html import STYLE, data_uri, figure_png

__all__ = ["SECTIONS", "STUDY_SECTIONS", "averaged_over", "cite", "context", "estimand_text",
           "opening_paragraph",
           "render", "study_context", "summary_dict", "write_report", "write_study_report"]

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
              "transcended_identity", "durable_years", "exit_growth_reading",
              "exit_trust_reading", "exit_trust_floor")


#: The documentation page of the outcome classification (what the thresholds decide).
OUTCOMES_PAGE = "docs/background/outcomes.md"
_DESIGN_FILES = re.compile(r"\b(?:DESIGN|MODELS)\.md(?:[ ,]*(?:sec(?:tion)?\.? ?)?[0-9][0-9.]*"
                           r"(?: and [0-9][0-9.]*)?)?(?: rule [0-9]+)?")


def cite(source: str, page: str) -> str:
    """A parameter's source as the report cites it.

    The design notes outside the repository (DESIGN.md, MODELS.md) are replaced by the
    documentation page that describes the rule.
    """
    return _DESIGN_FILES.sub(f"herz design, {page}", source)


def _pct(p: float, digits: int = 0) -> str:
    return f"{100 * p:.{digits}f}%"


def _ci(p: float, lo: float, hi: float) -> str:
    return f"{_pct(p)} [{_pct(lo)}, {_pct(hi)}]"


def _fig(fig: Any, alt: str, caption: str, files: dict[str, bytes], name: str
         ) -> dict[str, str]:
    """A figure for the template (its PNG also kept in ``files``)."""
    png = figure_png(fig)
    plt.close(fig)
    files[name] = png
    return {"name": name, "uri": data_uri(png), "alt": alt, "caption": caption}


@functools.cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("herz.report", "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=False)
    return env.get_template("escape_report.html.j2")


def _verdict_rows(v: Any) -> list[list[str]]:
    return [["escape more likely than not (P(escape) > 0.5)",
             f"{_pct(v.share_escape_likely)} of {v.n_points} points",
             f"[{_pct(v.share_low)}, {_pct(v.share_high)}]", v.space],
            ["same, map cells only (other parameters at defaults)",
             f"{_pct(v.map_share)} of {v.map_cells} cells",
             f"[{_pct(v.map_low)}, {_pct(v.map_high)}]",
             "offense-defense balance x distinguishability"],
            ["worlds of the map that escaped", _pct(v.pooled_escape, 1),
             f"[{_pct(v.pooled_low, 1)}, {_pct(v.pooled_high, 1)}]", "all worlds pooled"],
            ["worlds of the map that went to war", _pct(v.pooled_war, 1), "", ""]]


def _sensitivity_design(an: EscapeAnalysis) -> dict[str, Any] | None:
    if an.sensitivity is None or an.sens_manifest is None or an.problem is None:
        return None
    from herz.world.schema import field_spec

    ss = an.sens_manifest["scenario"]
    prob = an.problem
    rows = []
    for nm, (lo, hi), lg in zip(prob.names, prob.bounds, prob.log, strict=True):
        spec = field_spec(nm)
        rows.append([nm, f"{lo:g} .. {hi:g}", "log" if lg else "linear", prob.label(nm),
                     spec.unit, spec.range_text()])
    return {"samples": ss["design"]["samples"], "d": prob.d, "points": ss["points"],
            "replicates": ss["replicates"], "rows": rows}


def _sobol_rows(table: pd.DataFrame) -> list[list[str]]:
    t = table.sort_values("ST", ascending=False)
    return [[r["label"], f"{r['S1']:.3f} ± {r['S1_conf']:.3f}",
             f"{r['ST']:.3f} ± {r['ST_conf']:.3f}", f"{r['spearman']:+.2f}"]
            for _, r in t.iterrows()]


def context(an: EscapeAnalysis) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The template's values for ``an`` and the report's figures as PNG bytes."""
    from herz import plot
    from herz.world import WorldParams, params_table

    files: dict[str, bytes] = {}
    v = an.verdict
    assert v is not None
    sc = an.map_scenario
    label = an.problem.label if an.problem is not None else str
    figures: dict[str, Any] = {}

    base_rows = [[k, an.params[k]] for k in ("n_states", "culture", "p_greedy", "prior_bias",
                                             "perception_noise", "signal_cost",
                                             "identity_plasticity", "ontological_security",
                                             "war_transfer", "war_cost_share", "budget_share",
                                             "reaction", "fatigue") if k in an.params]
    hw = an.rates["escape_halfwidth"]
    design = {
        "n_min": int(an.rates["n"].min()), "n_max": int(an.rates["n"].max()),
        "n_sum": int(an.rates["n"].sum()), "hw_max": 100 * hw.max(),
        "hw_median": 100 * hw.median(), "war_hw_max": 100 * an.rates["war_halfwidth"].max(),
        "factor_rows": [[f["name"], f"{f['low']:g} .. {f['high']:g}"
                         if f.get("low") is not None
                         else ", ".join(map(str, f.get("values") or [])),
                         f.get("levels") or len(f.get("values") or []),
                         f.get("scale", "linear")] for f in sc["design"]["factors"]]}

    map_figures = []
    if {"offense_defense_balance", "distinguishability"} <= set(an.rates.columns) and \
            an.rates["offense_defense_balance"].nunique() > 1 and \
            an.rates["distinguishability"].nunique() > 1:
        for value, what in (("escape", "escape (mitigated or transcended)"),
                            ("war", "war"), ("transcended", "transcendence"),
                            ("spiral", "a spiral")):
            map_figures.append(_fig(
                plot.phase_diagram(an.rates, value, an.params), f"phase diagram of P({value})",
                f"P({what}) per cell with its 95% Wilson interval (percent). Lines: Jervis's "
                "game classes of the one-shot security game at the world's payoffs (war gain, "
                "war loss, cost of arming): prisoner's dilemma below and left of the solid "
                "line, stag hunt between the lines, harmony above and right of the dashed "
                "line.", files, f"map_{value}"))

    cr = an.class_rates
    class_rows = [[r["game_class"], int(r["cells"]), int(r["n"]),
                   _ci(r["p_escape"], r["escape_low"], r["escape_high"]),
                   _ci(r["p_war"], r["war_low"], r["war_high"]),
                   _ci(r["p_transcended"], r["transcended_low"], r["transcended_high"])]
                  for _, r in cr.iterrows()]
    class_sentences = [{"game_class": str(r["game_class"]), "cells": int(r["cells"]),
                        "escape": _ci(r["p_escape"], r["escape_low"], r["escape_high"])}
                       for _, r in cr.iterrows()]
    logic_rows = [[r["logic"], r["outcomes"], int(r["count"]),
                   _ci(r["share"], r["low"], r["high"])] for _, r in an.logics.iterrows()]
    figures["logics"] = _fig(plot.logic_bars(an.logics, an.logics_by_class), "shares by logic",
                             "Share of worlds under each logic, over all worlds of the map and "
                             "by Jervis's game class.", files, "logics")

    by_class_esc = {k.split("| ")[1]: c for k, c in an.survival.items() if k.startswith("escape |")}
    by_class_war = {k.split("| ")[1]: c for k, c in an.survival.items() if k.startswith("war |")}
    survival_rows = []
    for key in ("escape", "war"):
        c = an.survival[key]
        end = c.table.iloc[-1]
        survival_rows.append([key, c.n, c.events, f"{c.median:g}" if c.median == c.median else
                              f"not reached by year {c.horizon:g}",
                              _ci(1 - end["survival"], 1 - end["high"], 1 - end["low"])])
    figures["survival_escape"] = _fig(
        plot.survival_curves({"all worlds": an.survival["escape"], **by_class_esc},
                             "Time to escape", "P(not yet escaped)"),
        "survival curves of time to escape", "Time to escape, all worlds and by game class, "
        "with pointwise 95% bands.", files, "survival_escape")
    figures["survival_war"] = _fig(
        plot.survival_curves({"all worlds": an.survival["war"], **by_class_war},
                             "Time to war", "P(no war yet)"),
        "survival curves of time to war", "Time to the first war, all worlds and by game "
        "class.", files, "survival_war")

    trajectory_notes = ""
    figures["trajectories"] = None
    if an.trajectories:
        trajectory_notes = "; ".join(f"{k}: cell {s['point']}, world {s['replicates']}"
                                     + ("" if s["replay_matches"] else " (replay differs!)")
                                     for k, s in an.trajectories.items())
        figures["trajectories"] = _fig(
            plot.outcome_trajectories(an.trajectories), "sample trajectories",
            "Mean arsenal and trust among security seekers in one world of each outcome, "
            "replayed from the stored seeds at the cell where that outcome is most common.",
            files, "trajectories")

    sens = None
    if an.sensitivity is not None and an.sensitivity_war is not None and an.problem is not None:
        s = an.sensitivity
        sens = {"blocks_used": s.blocks_used, "blocks_dropped": s.blocks_dropped,
                "replicates_per_point": s.replicates_per_point,
                "replicate_variance_share": s.replicate_variance_share,
                "mean_noise_share": s.mean_noise_share,
                "escape_rows": _sobol_rows(s.table),
                "war_rows": _sobol_rows(an.sensitivity_war.table)}
        labels = dict(an.problem.labels)
        figures["sobol_escape"] = _fig(
            plot.sobol_bars(s.table, "Sensitivity of P(escape)", labels),
            "Sobol indices of escape", "First- and total-order Sobol indices of P(escape), with "
            "95% bootstrap intervals.", files, "sobol_escape")
        figures["sobol_war"] = _fig(
            plot.sobol_bars(an.sensitivity_war.table, "Sensitivity of P(war)", labels),
            "Sobol indices of war", "First- and total-order Sobol indices of P(war).", files,
            "sobol_war")

    boxes: list[list[str]] = []
    box_figures = []
    if an.boxes and an.prim_x is not None:
        for key, b in an.boxes.items():
            boxes.append([f"{key} likely", b.describe(), _pct(b.coverage), _pct(b.density),
                          _pct(b.mass), _pct(b.base_rate)])
            box_figures.append(_fig(plot.prim_box_plot(an.prim_x, an.prim_y[key], b),
                                    f"PRIM box where {key} is likely",
                                    f"Worlds in the plane of the box's first two factors; the "
                                    f"box where {key} is likely: {b.describe()}.", files,
                                    f"prim_{key}"))

    cols = [c for c in ("offense_defense_balance", "distinguishability") if c in an.rates]
    cell_rows = [[int(r["point"]), *[f"{r[c]:.3g}" for c in cols], r["game_class"], int(r["n"]),
                  _ci(r["p_escape"], r["escape_low"], r["escape_high"]),
                  _ci(r["p_war"], r["war_low"], r["war_high"]),
                  _ci(r["p_spiral"], r["spiral_low"], r["spiral_high"]),
                  _ci(r["p_transcended"], r["transcended_low"], r["transcended_high"]),
                  _pct(r["p_unresolved"])] for _, r in an.rates.iterrows()]
    cell_header = ["cell", *[c.replace("_", " ") for c in cols], "game class", "worlds",
                   "P(escape)", "P(war)", "P(spiral)", "P(transcended)", "unresolved"]

    wp = WorldParams.from_dict({k: val for k, val in an.params.items()
                                if k in WorldParams().to_dict() and k != "mechanisms"})
    threshold_rows = [[r["name"], r["value"], r["unit"], r["meaning"],
                       cite(r["source"], OUTCOMES_PAGE)]
                      for r in params_table(wp) if r["name"] in THRESHOLDS]

    man = an.map_manifest
    prow: list[list[Any]] = [
        ["herz version (report)", __version__],
        ["herz version (map sweep)", man.get("versions", {}).get("herz", "?")],
        ["map scenario hash", man.get("scenario_hash", "")],
        ["map seed", sc.get("seed")],
        ["map created", man.get("created", "")],
        ["map status", man.get("status", "")]]
    if an.sens_manifest is not None:
        sm = an.sens_manifest
        prow += [["sensitivity scenario hash", sm.get("scenario_hash", "")],
                 ["sensitivity seed", sm["scenario"].get("seed")],
                 ["sensitivity status", sm.get("status", "")]]
    if an.meta:
        cfg = an.meta.get("config", {})
        prow += [["escape-map size", cfg.get("name", "")],
                 ["sweep wall time (s)", json.dumps({k: round(val, 1) for k, val in
                                                     an.meta.get("sweep_seconds", {}).items()})],
                 ["CPUs, load average at the end", f"{an.meta.get('cpu_count')}, "
                  f"{an.meta.get('load_average')}"]]
    prow += [[f"version of {k}", val] for k, val in man.get("versions", {}).items()
             if k != "herz"]

    ctx = {
        "style": STYLE, "version": __version__, "sections": SECTIONS, "titles": dict(SECTIONS),
        "v": v, "pct": _pct, "label": label, "background_page": BACKGROUND_PAGE,
        "verdict_rows": _verdict_rows(v), "params": an.params,
        "scenario": {"name": str(sc.get("name")), "description": str(sc.get("description", "")),
                     "replicates": sc["replicates"]},
        "steps": an.steps, "dt": an.dt,
        "mechanisms_on": [k for k, val in an.mechanisms.items() if val],
        "mechanisms_off": [k for k, val in an.mechanisms.items() if not val],
        "base_rows": base_rows, "rates": an.rates.to_dict(orient="records"),
        "adaptive": sc["design"].get("adaptive"), "design": design,
        "sensitivity_design": _sensitivity_design(an),
        "failures": 0 if an.failures is None else len(an.failures),
        "map_figures": map_figures, "class_rows": class_rows,
        "class_sentences": class_sentences, "logic_rows": logic_rows,
        "survival_rows": survival_rows, "escape_at_zero": an.survival["escape"].share_at_zero,
        "figures": figures, "trajectory_notes": trajectory_notes, "sens": sens,
        "boxes": boxes, "box_figures": box_figures, "cell_header": cell_header,
        "cell_rows": cell_rows, "threshold_rows": threshold_rows,
        "results_path": str(an.path), "provenance_rows": prow,
    }
    return ctx, files


def render(an: EscapeAnalysis) -> tuple[str, dict[str, bytes]]:
    """The report's HTML (from the package's Jinja2 template) and its figures as PNG bytes."""
    ctx, files = context(an)
    return _template().render(**ctx), files


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


# --- the escape study on world version 2 (issue 20): branching at entry, routes, verdict

#: (id, title) of every section of the study report, in order.
STUDY_SECTIONS = (
    ("answer", "How often do states in the dilemma get out?"),
    ("verdict", "Verdict (rule fixed in advance)"),
    ("routes", "Routes out: paired effects"),
    ("robustness", "Robustness"),
    ("surfaces", "Response surfaces"),
    ("outcomes", "How spells end: exit, war, predation (apart)"),
    ("design", "Design: entries, branches, arms"),
    ("ranges", "Parameter ranges E is averaged over"),
    ("thresholds", "Entry and exit thresholds"),
    ("provenance", "Provenance"),
)

#: Pages of the repository's documentation the study report cites.
STUDY_PAGES = {
    "outcomes": "docs/background/outcomes.md",
    "routes": "docs/escape.md",
    "background": BACKGROUND_PAGE,
}


@functools.cache
def _study_template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("herz.report", "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=False)
    return env.get_template("escape_study.html.j2")


def _pp(x: float | None) -> str:
    """A difference of probabilities in percentage points."""
    return "n/a" if x is None or x != x else f"{100 * x:+.1f}"


def _pci(t: tuple[float, float] | None) -> str:
    return "n/a" if t is None else f"[{100 * t[0]:+.1f}, {100 * t[1]:+.1f}]"


def _p(x: float | None) -> str:
    return "n/a" if x is None or x != x else f"{100 * x:.1f}%"


def _pc(t: tuple[float, float] | None) -> str:
    return "n/a" if t is None else f"[{100 * t[0]:.1f}%, {100 * t[1]:.1f}%]"


def _half_out(median: float | None) -> str:
    """The median time to exit in words; fewer than half out means there is no median."""
    if median is None or median != median:
        return "fewer than half got out within the follow-up, so there is no median time to exit"
    return f"half had got out by year {median:g}"


def _yrs(x: float | None) -> str:
    return "not reached" if x is None else f"{x:g}"


def _excludes_zero(ci: tuple[float, float] | None) -> int:
    """+1 if the interval is above 0, -1 if below, 0 if it holds 0."""
    if ci is None:
        return 0
    return 1 if ci[0] > 0 else (-1 if ci[1] < 0 else 0)


def _label(name: str) -> str:
    """An arm's name in words: ``pair_signals@0.5`` -> ``pair signals at dose 0.5``."""
    cells = []
    for cell in name.split("+"):
        route, _, dose = cell.partition("@")
        cells.append(route.replace("_", " ") + (f" at dose {dose}" if dose else ""))
    return " with ".join(cells)


def opening_paragraph(res: Any) -> str:
    """The report's first paragraph, in plain words, from the study's numbers."""
    c, r = res.control, res.realist
    w, e = res.worlds["primary"], res.entered["primary"]
    routes = [a for a in res.arms if a.kind in ("route", "factorial")]
    helped = sorted([a for a in routes if _excludes_zero(a.effect_ci) > 0],
                    key=lambda a: -(a.effect or 0.0))
    hurt = [a for a in routes if _excludes_zero(a.effect_ci) < 0]
    best = max(routes, key=lambda a: a.effect or 0.0) if routes else None
    primary = next(s for s in res.specs if s.name == "primary")
    parts = [
        f"In {w:,} simulated worlds, a pair of security seekers entered the security dilemma "
        f"(a mutual arms race while their trust in each other fell) in {e:,} "
        f"({_p(res.entered_share[0])}); the other worlds never entered and are set aside. "
        f"Of the {c.entries:,} pairs that entered, {_p(c.p_exit)} {_pc(c.ci)} got out within "
        f"25 years in the calibrated world ({_half_out(c.median_time_to_exit)}), against "
        f"{_p(r.p_exit)} {_pc(r.ci)} on the same "
        "entries when every state fears every other as greedy (the realist arm). "
    ]
    if helped:
        top = helped[:3]
        parts.append(("The routes that helped most were " if len(top) > 1 else
                      "The route that helped most was ")
                     + ", ".join(f"{_label(a.name)} ({_pp(a.effect)} points "
                                 f"{_pci(a.effect_ci)})" for a in top) + ". ")
    elif best is not None:
        parts.append(f"No route raised the chance of getting out by a margin its interval "
                     f"excludes from zero (largest: {_label(best.name)}, "
                     f"{_pp(best.effect)} points {_pci(best.effect_ci)}). ")
    costs = getattr(res, "costs", {})
    paid = [(a, costs[a.name][0]) for a in routes
            if a.kind == "route" and costs.get(a.name, (0.0,))[0] > 0]
    if paid:
        a, c_ = max(paid, key=lambda x: x[0].effect or 0.0)
        parts.append(f"Only signals have a price in output: {_label(a.name)} cost "
                     f"{c_:.4f} output-years per entry ({_pp(a.effect)} points); the other "
                     "routes are free in the world's units. ")
    for f in getattr(res, "factorials", []):
        if _excludes_zero((f["exit_low"], f["exit_high"])):
            kind = "reinforced" if f["exit"] > 0 else "undercut"
            parts.append(f"Together, {_label(f['a'])} and {_label(f['b'])} {kind} each other "
                         f"({_pp(f['exit'])} points {_pci((f['exit_low'], f['exit_high']))} "
                         "beyond the sum of their effects). ")
    if hurt:
        parts.append("Routes that made getting out less likely: "
                     + ", ".join(f"{_label(a.name)} ({_pp(a.effect)} points)"
                                 for a in hurt) + ". ")
    parts.append(f"War between the two seekers ended {_p(c.p_war)} of spells within 25 years "
                 f"and predation by a greedy state {_p(c.p_predation)} (reported apart). ")
    against = []
    if primary.E_ci[0] <= 0.5:
        against.append("the lower bound of E is not above one half")
    if primary.A_ci[0] <= 0.10:
        against.append("the escape mechanisms do not add ten points over the realist arm "
                       "with confidence")
    if against:
        parts.append("The evidence cuts against “primarily escapable” where "
                     + " and ".join(against) + ". ")
    pooled = ("pool the entries of" if getattr(res.size, "pool", "entries") == "entries"
              else "average the means of")
    parts.append(f"These numbers {pooled} {res.size.points} parameter draws: "
                 f"{averaged_over(res)}.")
    return "".join(parts)


def estimand_text(res: Any) -> str:
    """How the parameter draws combine in E and in every arm's numbers, and why."""
    n = res.size.points
    if getattr(res.size, "pool", "entries") == "draws":
        return (f"E and every arm's numbers are the unweighted mean of the {n} draws' own "
                "ratios: every draw weighs alike, whatever the number of its entries "
                "(the first study's estimand).")
    return (f"E and every arm's numbers pool the entries of all {n} draws: the exits within "
            "25 years over every draw and world, divided by the number of entries. That is "
            "P(exit within 25 years | entered) in worlds drawn from the region the draws "
            "come from (their mixture), so a draw counts as often as its worlds enter the "
            "dilemma. The first study's unweighted mean of the draws' own ratios let a draw "
            "with 3 entries weigh as much as one with 80, and is no conditional probability "
            "of any world.")


def averaged_over(res: Any) -> str:
    """What E is averaged over: the plausible draws of the history fit, or documented ranges."""
    if res.meta.get("draws_from") == "plausible region":
        fitted = ", ".join(res.meta.get("fitted", []))
        return (f"the plausible draws of the history fit (issue 22; {fitted} from "
                f"{res.meta.get('region_source')}), the other parameters over documented "
                "default ranges")
    why = res.meta.get("region_source", "")
    return ("documented default ranges, not a fit to history"
            + (f" ({why})" if why else " (issue 22)"))


def _study_figures(res: Any, files: dict[str, bytes]) -> tuple[list[dict[str, str]],
                                                                list[str]]:
    """The study's figures; a figure with nothing but zeros is left out and named."""
    import numpy as np

    figs: list[dict[str, str]] = []
    skipped: list[str] = []
    routes = [a for a in res.arms if a.kind != "control"]
    eff = [a.effect for a in routes if a.effect is not None]
    if eff and any(abs(x) > 0 for x in eff):
        fig, ax = plt.subplots(figsize=(7, 0.35 * len(routes) + 1.2))
        ys = np.arange(len(routes))
        for k, a in enumerate(routes):
            assert a.effect_ci is not None
            ax.errorbar(100 * (a.effect or 0.0), k,
                        xerr=[[100 * ((a.effect or 0.0) - a.effect_ci[0])],
                              [100 * (a.effect_ci[1] - (a.effect or 0.0))]],
                        fmt="o", color="tab:red" if a.kind == "realist" else "tab:blue")
        ax.axvline(0, color="grey", lw=0.8)
        ax.set_yticks(ys, [a.name.replace("_", " ") for a in routes])
        ax.invert_yaxis()
        ax.set_xlabel("paired effect on P(exit within 25 years | entered), points")
        fig.tight_layout()
        figs.append(_fig(fig, "paired effects of each arm with 95% intervals",
                         "Each arm minus the control on the same entries (common random "
                         "numbers), with 95% intervals clustered on worlds.", files, "effects"))
    else:
        skipped.append("route effects (every effect is exactly zero)")
    inc = res.incidence.get("control")
    if inc is not None and len(inc) > 1:
        fig, axes = plt.subplots(1, 2, figsize=(9, 3.4), sharey=True)
        for ax, arm in zip(axes, ("control", "realist"), strict=True):
            tab = res.incidence.get(arm)
            if tab is None:
                continue
            for cause in ("exit", "war", "predation", "death", "left"):
                if tab[cause].max() > 0:
                    ax.step(tab.index, tab[cause], where="post", label=cause)
            ax.set_title("calibrated (control)" if arm == "control" else "realist arm")
            ax.set_xlabel("years since entry")
        axes[0].set_ylabel("cumulative incidence")
        axes[0].legend(fontsize=8)
        fig.tight_layout()
        figs.append(_fig(fig, "cumulative incidence of each way a spell ends",
                         "Aalen-Johansen cumulative incidence of exit and of the competing "
                         "outcomes, from the year of entry (spells still open at the end of "
                         "the follow-up are censored).", files, "incidence"))
    else:
        skipped.append("cumulative incidence (no spell ended)")
    surf = {k: v for k, v in res.surfaces.items() if len(v) > 1}
    if surf and any((v[["control_p_exit", "realist_p_exit"]].to_numpy() > 0).any()
                    for v in surf.values()):
        fig, axes = plt.subplots(1, len(surf), figsize=(3.2 * len(surf), 3.2), sharey=True)
        axes = np.atleast_1d(axes)
        for ax, (name, tab) in zip(axes, surf.items(), strict=True):
            for arm, col in (("control", "tab:blue"), ("realist", "tab:red")):
                y = tab[f"{arm}_p_exit"]
                ax.errorbar(tab["level"], y, yerr=[y - tab[f"{arm}_low"],
                                                   tab[f"{arm}_high"] - y],
                            fmt="o-", color=col, label=arm, capsize=2)
            ax.set_xlabel(name.replace("_", " "))
        axes[0].set_ylabel("P(exit within 25 years | entered)")
        axes[0].legend(fontsize=8)
        fig.tight_layout()
        figs.append(_fig(fig, "P(exit within 25 years) along each surface factor",
                         "P(exit within 25 years | entered) in the control and the realist "
                         "arm along the share of greedy states, the number of states, motive "
                         "informativeness at entry (quartiles of the entries) and the cost of "
                         "war; one point per quartile of the entries (the number of states: one "
                         "per value), entries pooled within it, "
                         "95% intervals clustered on worlds. The draws move every factor at "
                         "once, so each panel is a marginal view, not a curve with the other "
                         "factors held fixed.", files, "surfaces"))
    else:
        skipped.append("response surfaces (fewer than two levels, or all zero)")
    return figs, skipped


def study_context(res: Any) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Values of the study template (``res``: a :class:`herz.studies.escape_routes.StudyResult`)."""
    files: dict[str, bytes] = {}
    figures, skipped = _study_figures(res, files)
    def declared(name: str) -> list[str]:
        arm = res.arm(name)
        cost = res.costs.get(name, (0.0, 0.0, 0.0))
        price = "0" if cost[0] == 0 else f"{cost[0]:.3f} [{cost[1]:.3f}, {cost[2]:.3f}]"
        return [arm.scope if arm else "system", arm.mode if arm else "-", price]

    route_rows = [[a.name.replace("_", " "), a.kind, f"{a.dose:g}", *declared(a.name),
                   f"{a.entries:,}", f"{_p(a.p_exit)} {_pc(a.ci)}", _pc(a.ci_simulation),
                   "—" if a.effect is None else f"{_pp(a.effect)} {_pci(a.effect_ci)}",
                   "—" if a.war_effect is None else f"{_pp(a.war_effect)} {_pci(a.war_effect_ci)}",
                   "—" if a.years_effect is None
                   else f"{a.years_effect:+.1f} [{a.years_effect_ci[0]:+.1f}, "
                        f"{a.years_effect_ci[1]:+.1f}]",
                   _yrs(a.median_time_to_exit)] for a in res.arms]
    factorial_rows = [[f["scope"], f["a"].replace("_", " "), f["b"].replace("_", " "),
                       f"{f['entries']:,}", f"{_pp(f['exit'])} {_pci((f['exit_low'], f['exit_high']))}",
                       f"{_pp(f['war'])} {_pci((f['war_low'], f['war_high']))}"]
                      for f in res.factorials]
    word = {True: "escapable", False: "not escapable", None: "undecided"}
    robust_rows = [[s.name, s.changed, f"{s.entries:,}", f"{s.E:.2f}" if s.E == s.E else "n/a",
                    f"[{s.E_ci[0]:.2f}, {s.E_ci[1]:.2f}]" if s.E == s.E else "n/a",
                    f"{s.A:+.2f}" if s.A == s.A else "n/a",
                    f"[{s.A_ci[0]:+.2f}, {s.A_ci[1]:+.2f}]" if s.A == s.A else "n/a",
                    word[s.verdict]] for s in res.specs]
    from herz.world.params import WorldParams
    from herz.world.schema import field_spec

    base = WorldParams()
    threshold_rows = []
    for name in THRESHOLDS:
        spec = field_spec(name)
        threshold_rows.append([name, str(getattr(base, name)), spec.unit, spec.meaning,
                               cite(spec.source, STUDY_PAGES["outcomes"])])
    inc_rows = []
    for arm, tab in res.incidence.items():
        at = tab[tab.index <= 25].iloc[-1]
        inc_rows.append([arm] + [_p(float(at[c])) for c in ("exit", "war", "predation",
                                                            "death", "left")])
    ctx = {
        "style": STYLE, "version": __version__, "sections": STUDY_SECTIONS,
        "titles": dict(STUDY_SECTIONS), "pages": STUDY_PAGES,
        "opening": opening_paragraph(res), "verdict_text": res.verdict_text,
        "verdict": res.verdict, "route_rows": route_rows, "robust_rows": robust_rows,
        "factorial_rows": factorial_rows, "averaged_over": averaged_over(res),
        "estimand": estimand_text(res),
        "from_region": res.meta.get("draws_from") == "plausible region",
        "figures": figures, "skipped": skipped, "incidence_rows": inc_rows,
        "threshold_rows": threshold_rows, "study_world": res.study_world,
        "ranges": res.ranges, "draw_rows": res.draws.round(3).astype(str).values.tolist(),
        "draw_header": list(res.draws.columns), "routes": res.route_specs,
        "size": res.size.to_dict(), "worlds": res.worlds["primary"],
        "entered": res.entered["primary"], "seconds": res.seconds,
        "cpu_seconds": res.cpu_seconds, "meta": res.meta,
        "never_entered": res.worlds["primary"] - res.entered["primary"],
    }
    return ctx, files


def write_study_report(res: Any, path: str | Path, figures: bool = True) -> Path:
    """Write the study's report to ``path`` (and its figures beside it)."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    ctx, files = study_context(res)
    out.write_text(_study_template().render(**ctx), encoding="utf-8")
    if figures:
        fig_dir = out.parent / (out.stem + "_figures")
        fig_dir.mkdir(exist_ok=True)
        for name, png in files.items():
            (fig_dir / f"{name}.png").write_bytes(png)
    return out
