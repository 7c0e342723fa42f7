"""The escape map's analysis: pure functions from stored results to frozen records.

The founding paper (Khan 2025) concludes that the security dilemma is "primarily
escapable" through mitigation (offense-defense differentiation, signals) and
transcendence (identity change, security communities). The escape study
(:mod:`herz.studies.escape`) tests it with two sweeps of the world: the *map* (a
grid over the offense-defense balance x distinguishability with adaptive
replication) and the *sensitivity* sweep (a Saltelli design over the factors the
paper names). :func:`analyse` reads such a results folder back into an
:class:`EscapeAnalysis`: rates with intervals and Jervis's game class per cell,
survival curves, Booth and Wheeler's logics, Sobol indices, PRIM boxes and the
verdict (:class:`EscapeVerdict`). It reads what the store holds and nothing else:
the sensitivity factors and their values are the stored design's, so the indices
are computed on the values that ran.

References
----------
Khan (2025). Between Fear and Strategy: How Inescapable is the Security Dilemma?
(the founding paper).

Booth, K. and Wheeler, N. J. (2008). *The Security Dilemma*. Palgrave Macmillan.

Jervis, R. (1978). Cooperation under the security dilemma. *World Politics* 30(2):
167-214. doi:10.2307/2009958.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from herz.analysis.discovery import PrimBox, prim_box
from herz.analysis.intervals import proportion_interval
from herz.analysis.outcomes import logic_shares, outcome_rates
from herz.analysis.sensitivity import SobolProblem, SobolResult, replicate_sobol
from herz.analysis.survival import SurvivalCurve, time_to_escape, time_to_war
from herz.errors import ParameterError
from herz.rng import RngLike, as_generator, child_seed

__all__ = [
    "PAPER_ROUTES",
    "EscapeAnalysis",
    "EscapeVerdict",
    "analyse",
    "jervis_overlay",
]

#: The factors that stand for the paper's routes out (mitigation and transcendence).
PAPER_ROUTES = ("offense_defense_balance", "distinguishability", "signal_cost",
                "identity_plasticity", "perspective_taking")
#: Where the literature that cuts against "primarily escapable" is discussed.
BACKGROUND_PAGE = "docs/background/index.md"


@dataclass(frozen=True)
class EscapeVerdict:
    """The answer to the paper's thesis, with its intervals."""

    share_escape_likely: float
    share_low: float
    share_high: float
    space: str
    n_points: int
    map_share: float
    map_low: float
    map_high: float
    map_cells: int
    top_mechanism: str | None
    top_st: float
    top_st_conf: float
    runner_up: str | None
    runner_up_st: float
    runner_up_st_conf: float
    top_route: str | None
    top_route_st: float
    top_route_st_conf: float
    pooled_escape: float
    pooled_low: float
    pooled_high: float
    pooled_war: float
    against: tuple[str, ...]
    summary: str

    def to_dict(self) -> dict[str, Any]:
        """Plain values."""
        from dataclasses import asdict

        return asdict(self)


@dataclass(frozen=True)
class EscapeAnalysis:
    """Everything the escape report shows, computed from a results folder.

    ``trajectories`` (sample worlds replayed from their stored seeds) is filled by
    the study (:func:`herz.studies.escape.analyse_results`), not by the analysis.
    """

    path: Path
    map_results: pd.DataFrame
    map_scenario: dict[str, Any]
    map_manifest: dict[str, Any]
    rates: pd.DataFrame
    steps: int
    dt: float
    params: dict[str, Any]
    mechanisms: dict[str, bool]
    survival: dict[str, SurvivalCurve]
    logics: pd.DataFrame
    logics_by_class: pd.DataFrame
    class_rates: pd.DataFrame
    sensitivity: SobolResult | None = None
    sensitivity_war: SobolResult | None = None
    sensitivity_points: pd.DataFrame | None = None
    sens_manifest: dict[str, Any] | None = None
    problem: SobolProblem | None = None
    boxes: dict[str, PrimBox] = field(default_factory=dict)
    prim_x: pd.DataFrame | None = None
    prim_y: dict[str, np.ndarray] = field(default_factory=dict)
    trajectories: dict[str, Any] = field(default_factory=dict)
    verdict: EscapeVerdict | None = None
    failures: pd.DataFrame | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def factors(self) -> list[str]:
        """The map's factors."""
        return [f["name"] for f in self.map_scenario.get("design", {}).get("factors", [])]


def _manifest(path: Path) -> dict[str, Any]:
    from herz.experiment.store import ResultsError, Store

    man = Store(path).read_manifest()  # a clean ResultsError for a missing or damaged manifest
    if not isinstance(man.get("scenario"), dict):
        raise ResultsError(f"{path / 'manifest.json'}: damaged manifest (no scenario)")
    return man


def jervis_overlay(rates: pd.DataFrame, params: Mapping[str, Any]) -> pd.DataFrame:
    """Add Jervis's game class and world (1-4) at each point of ``rates``.

    The world's distinguishability d is the Jervis model's (Jervis's rho is
    (1 + d) / 2, see :mod:`herz.models.jervis`); the game's gain, loss and cost
    of arming are the world's own (:func:`herz.world.offense_defense.jervis_payoffs`).
    """
    from herz.models import jervis

    out = rates.copy()
    odb = out.get("offense_defense_balance",
                  pd.Series(params["offense_defense_balance"], index=out.index))
    d = out.get("distinguishability", pd.Series(params["distinguishability"], index=out.index))
    from herz.world.offense_defense import jervis_payoffs

    pay = jervis_payoffs(params)
    v, big_l, k = pay["gain"], pay["loss"], pay["cost"]
    classes, worlds = [], []
    for delta, dd in zip(odb.astype(float), d.astype(float), strict=True):
        if v > 0 and big_l >= v and k > 0 and delta > 0:
            classes.append(jervis.game_class(delta, dd, war_gain=v, war_loss=big_l,
                                             arms_cost=k).value)
            worlds.append(jervis.world_of(delta, dd))
        else:
            classes.append("n/a")
            worlds.append(0)
    out["game_class"] = classes
    out["jervis_world"] = worlds
    return out


def _class_rates(results: pd.DataFrame, rates: pd.DataFrame) -> pd.DataFrame:
    cls = rates.set_index("point")["game_class"]
    df = results.assign(game_class=results["point"].map(cls))
    out = outcome_rates(df, by=("game_class",))
    cells = rates.groupby("game_class").size().rename("cells")
    return out.merge(cells, left_on="game_class", right_index=True)


def _logics_by_class(results: pd.DataFrame, rates: pd.DataFrame) -> pd.DataFrame:
    cls = rates.set_index("point")["game_class"]
    frames = []
    for gc, grp in results.groupby(results["point"].map(cls)):
        t = logic_shares(grp)
        t.insert(0, "game_class", gc)
        frames.append(t)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _share_interval(k: np.ndarray, n: np.ndarray, blocks: np.ndarray | None,
                    rng: np.random.Generator, draws: int = 2000) -> tuple[float, float, float]:
    """Share of points with P(escape) > 0.5, and a 95% interval.

    Each point's P(escape) has the Jeffreys posterior Beta(k + 1/2, n - k + 1/2)
    (replicate noise). Point estimate: the mean over points of the posterior
    probability that P(escape) > 0.5 (with few replicates per point, counting
    points whose observed rate exceeds 0.5 would be biased by the ties at exactly
    one half). Interval: for each draw, every point's P(escape) is drawn from its
    posterior and the points are resampled with replacement, by Saltelli block
    where given (the sample of the space); the 2.5% and 97.5% quantiles.
    """
    from scipy import stats

    ok = n > 0
    k, n = k[ok], n[ok]
    est = float(np.mean(stats.beta.sf(0.5, k + 0.5, n - k + 0.5)))
    if blocks is None:
        groups = np.arange(k.size)
    else:
        groups = np.asarray(blocks)[ok]
    uniq, inv = np.unique(groups, return_inverse=True)
    members = [np.flatnonzero(inv == g) for g in range(uniq.size)]
    shares = np.empty(draws)
    for b in range(draws):
        pick = rng.integers(0, uniq.size, uniq.size)
        idx = np.concatenate([members[g] for g in pick])
        p = rng.beta(k[idx] + 0.5, n[idx] - k[idx] + 0.5)
        shares[b] = np.mean(p > 0.5)
    lo, hi = np.quantile(shares, [0.025, 0.975])
    return est, float(min(lo, est)), float(max(hi, est))


def _generators(rng: RngLike) -> tuple[np.random.Generator, np.random.Generator]:
    """Two streams (map, sensitivity) from the caller's ``rng`` (an int: its children 1, 2)."""
    if isinstance(rng, int | np.integer) and not isinstance(rng, bool):
        return (np.random.Generator(np.random.PCG64(child_seed(int(rng), 1))),
                np.random.Generator(np.random.PCG64(child_seed(int(rng), 2))))
    gen = as_generator(rng)
    return gen, gen


def analyse(path: str | Path, confidence: float = 0.95, *,
            labels: Mapping[str, str] | None = None, rng: RngLike = 0) -> EscapeAnalysis:
    """Read a results folder into an :class:`EscapeAnalysis`.

    ``path`` is the ``results`` folder of the escape study (holding ``map`` and,
    optionally, ``sensitivity``), its parent, or any single sweep of the world
    model (then the map is that sweep and there is no sensitivity part).
    ``labels`` names the sensitivity factors for readers; ``rng`` (default 0:
    the same report every time) drives the bootstrap of the shares of the space.
    """
    from herz.experiment import query

    p = Path(path)
    if (p / "results" / "map" / "manifest.json").exists():
        p = p / "results"
    if (p / "map" / "manifest.json").exists():
        map_dir, sens_dir = p / "map", p / "sensitivity"
    elif (p / "manifest.json").exists():
        map_dir, sens_dir = p, None
    else:
        from herz.experiment import ResultsError

        raise ResultsError(f"{path}: no escape-map results here (expected map/manifest.json "
                           "or a sweep's manifest.json)")
    man = _manifest(map_dir)
    sc = man["scenario"]
    if sc.get("model") != "world":
        raise ParameterError("results", str(path), "the escape report needs a sweep of the "
                             f"world model, not {sc.get('model')!r}")
    results = query(map_dir, "SELECT * FROM results ORDER BY point, replicate")
    design = query(map_dir, "SELECT * FROM design ORDER BY point")
    failures = query(map_dir, "SELECT * FROM failures")
    params = dict(sc["params"])
    mechanisms = dict(sc["mechanisms"])
    steps = int(sc["steps"])
    dt = float(params.get("dt", 1.0))
    rates = outcome_rates(results, confidence=confidence)
    factor_names = [f["name"] for f in sc["design"]["factors"]]
    for name in factor_names:
        if name not in rates:
            rates[name] = design.set_index("point").loc[rates["point"], name].to_numpy()
    rates = jervis_overlay(rates, params)
    survival = {"escape": time_to_escape(results, steps, dt),
                "war": time_to_war(results, steps, dt)}
    cls = rates.set_index("point")["game_class"]
    for gc, grp in results.groupby(results["point"].map(cls)):
        survival[f"escape | {gc}"] = time_to_escape(grp, steps, dt, label=f"escape | {gc}")
        survival[f"war | {gc}"] = time_to_war(grp, steps, dt, label=f"war | {gc}")
    sens: dict[str, Any] = {}
    if sens_dir is not None and (sens_dir / "manifest.json").exists():
        sens = _analyse_sensitivity(sens_dir, confidence, labels)
    meta: dict[str, Any] = {}
    meta_path = p / "escape_map.json"
    if meta_path.exists():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    an = EscapeAnalysis(
        path=p, map_results=results, map_scenario=sc, map_manifest=man, rates=rates,
        steps=steps, dt=dt, params=params, mechanisms=mechanisms, survival=survival,
        logics=logic_shares(results, confidence), logics_by_class=_logics_by_class(results, rates),
        class_rates=_class_rates(results, rates), failures=failures, meta=meta, **sens)
    return dataclasses.replace(an, verdict=_verdict(an, _generators(rng)))


def _analyse_sensitivity(sens_dir: Path, confidence: float,
                         labels: Mapping[str, str] | None) -> dict[str, Any]:
    """Sobol indices, point rates and PRIM boxes of a stored Saltelli sweep."""
    from herz.experiment import ResultsError, query

    man = _manifest(sens_dir)
    sc = man["scenario"]
    if sc.get("design", {}).get("method") != "saltelli":
        raise ResultsError(f"{sens_dir}: the sensitivity sweep must be a Saltelli design "
                           f"(design.method = \"saltelli\"), not "
                           f"{sc.get('design', {}).get('method')!r}")
    problem = SobolProblem.from_design(sc["design"]["factors"], labels)
    design = query(sens_dir, "SELECT * FROM design ORDER BY point")
    xs = design[list(problem.names)].astype(float).reset_index(drop=True)
    df = query(sens_dir, "SELECT point, outcome FROM results ORDER BY point, replicate")
    n_rows = len(xs)
    rows = df["point"].to_numpy(dtype=np.int64)
    escaped = df["outcome"].isin(["mitigated", "transcended"]).to_numpy(dtype=float)
    war = (df["outcome"] == "war").to_numpy(dtype=float)
    s_escape = replicate_sobol(problem, rows, escaped, n_rows, confidence)
    s_war = replicate_sobol(problem, rows, war, n_rows, confidence)
    n = np.bincount(rows, minlength=n_rows)
    k = np.bincount(rows, weights=escaped, minlength=n_rows)
    kw = np.bincount(rows, weights=war, minlength=n_rows)
    pts = xs.copy()
    pts["n"] = n
    pts["escapes"] = k
    pts["wars"] = kw
    with np.errstate(invalid="ignore", divide="ignore"):
        pts["p_escape"] = np.where(n > 0, k / np.maximum(n, 1), np.nan)
        pts["p_war"] = np.where(n > 0, kw / np.maximum(n, 1), np.nan)
    pts["block"] = np.arange(n_rows) // (problem.d + 2)
    # direction of each factor's effect: Spearman correlation with the point mean
    from scipy import stats

    ok = n > 0

    def with_direction(res: SobolResult, key: str) -> SobolResult:
        rhos, pvals = [], []
        for name in problem.names:
            sr = stats.spearmanr(pts.loc[ok, name], pts.loc[ok, key])
            rhos.append(float(sr.statistic) if np.isfinite(sr.statistic) else 0.0)
            pvals.append(float(sr.pvalue) if np.isfinite(sr.pvalue) else 1.0)
        table = res.table.assign(spearman=rhos, spearman_p=pvals,
                                 label=[problem.label(nm) for nm in problem.names])
        return dataclasses.replace(res, table=table)

    s_escape = with_direction(s_escape, "p_escape")
    s_war = with_direction(s_war, "p_war")
    # PRIM over worlds: parameters of each world's point, outcome of the world
    x = pd.DataFrame({name: xs[name].to_numpy()[rows] for name in problem.names})
    for name, lg in zip(problem.names, problem.log, strict=True):
        if lg:
            x[name] = np.log10(x[name])
            x = x.rename(columns={name: f"log10_{name}"})
    return {"sensitivity": s_escape, "sensitivity_war": s_war, "sensitivity_points": pts,
            "sens_manifest": man, "problem": problem, "prim_x": x,
            "prim_y": {"escape": escaped.astype(bool), "war": war.astype(bool)},
            "boxes": {"escape": prim_box(x, escaped.astype(bool), "escape likely"),
                      "war": prim_box(x, war.astype(bool), "war likely")}}


def _fmt_pct(p: float) -> str:
    return f"{100 * p:.0f}%"


def _verdict(an: EscapeAnalysis, gens: tuple[np.random.Generator, np.random.Generator]
             ) -> EscapeVerdict:
    r = an.rates
    n_all = int(r["n"].sum())
    k_all = int(r["escape_count"].sum())
    lo, hi = proportion_interval(k_all, n_all)
    map_share, map_lo, map_hi = _share_interval(r["escape_count"].to_numpy(float),
                                                r["n"].to_numpy(float), None, gens[0])
    war_all = float(r["war_count"].sum() / n_all)
    if an.sensitivity_points is not None:
        pts = an.sensitivity_points
        share, s_lo, s_hi = _share_interval(pts["escapes"].to_numpy(float),
                                            pts["n"].to_numpy(float),
                                            pts["block"].to_numpy(), gens[1])
        prob = an.problem
        assert prob is not None
        space = ("the factor box of the sensitivity sweep (" + ", ".join(
            f"{nm} in [{lo_:g}, {hi_:g}]{' (log scale)' if lg else ''}"
            for nm, (lo_, hi_), lg in zip(prob.names, prob.bounds, prob.log, strict=True)) + ")")
        n_points = int((pts["n"] > 0).sum())
    else:
        share, s_lo, s_hi = map_share, map_lo, map_hi
        space = "the cells of the map"
        n_points = len(r)
    top = runner = route = None
    top_st = top_conf = ru_st = ru_conf = route_st = route_conf = float("nan")
    label = an.problem.label if an.problem is not None else str
    if an.sensitivity is not None:
        t = an.sensitivity.table.sort_values("ST", ascending=False).reset_index(drop=True)
        top, top_st, top_conf = str(t["factor"][0]), float(t["ST"][0]), float(t["ST_conf"][0])
        if len(t) > 1:
            runner, ru_st, ru_conf = str(t["factor"][1]), float(t["ST"][1]), float(t["ST_conf"][1])
        routes = t[t["factor"].isin(PAPER_ROUTES)].reset_index(drop=True)
        if len(routes):
            route = str(routes["factor"][0])
            route_st, route_conf = float(routes["ST"][0]), float(routes["ST_conf"][0])
    against = _against(an, share, s_lo, s_hi, war_all)
    if s_lo > 0.5:
        reading = "escape is the likelier outcome in most of the space"
    elif s_hi < 0.5:
        reading = "escape is the likelier outcome in less than half of the space"
    else:
        reading = ("it is not clear whether escape is the likelier outcome in more or in less "
                   "than half of the space")
    where = "the sampled parameter space" if an.sensitivity_points is not None else "the map"
    summary = (f"Escape is more likely than not in {_fmt_pct(share)} "
               f"[{_fmt_pct(s_lo)}, {_fmt_pct(s_hi)}] of {where}"
               f"; over all worlds of the map {_fmt_pct(k_all / n_all)} "
               f"[{_fmt_pct(float(lo[0]))}, {_fmt_pct(float(hi[0]))}] escaped and "
               f"{_fmt_pct(war_all)} went to war. On this evidence {reading}")
    if top is not None:
        summary += (f"; the factor that moves escape most is "
                    f"{label(top)} (total Sobol index {top_st:.2f} ± "
                    f"{top_conf:.2f}")
        if runner is not None and top_st - top_conf < ru_st + ru_conf:
            summary += (f"; its interval overlaps that of {label(runner)}, "
                        f"{ru_st:.2f} ± {ru_conf:.2f}, so the ranking is uncertain")
        summary += ")"
        if route is not None and route != top:
            summary += (f"; of the paper's routes out, {label(route)} moves "
                        f"it most (total index {route_st:.2f} ± {route_conf:.2f})")
    summary += "."
    return EscapeVerdict(share, s_lo, s_hi, space, n_points, map_share, map_lo, map_hi, len(r),
                   top, top_st, top_conf, runner, ru_st, ru_conf, route, route_st, route_conf,
                   k_all / n_all,
                   float(lo[0]), float(hi[0]), war_all, tuple(against), summary)


def _against(an: EscapeAnalysis, share: float, lo: float, hi: float, war_all: float
             ) -> list[str]:
    """Plain statements of where the evidence cuts against "primarily escapable"."""
    out: list[str] = []
    r = an.rates
    if hi < 0.5:
        out.append(f"Escape is more likely than not in only {_fmt_pct(share)} "
                   f"[{_fmt_pct(lo)}, {_fmt_pct(hi)}] of the parameter space: on this model "
                   "the dilemma is not primarily escapable.")
    elif lo < 0.5:
        out.append(f"The share of the space where escape is more likely than not, "
                   f"{_fmt_pct(share)} [{_fmt_pct(lo)}, {_fmt_pct(hi)}], does not clearly exceed "
                   "one half: the evidence does not establish \"primarily escapable\".")
    bad = r[r["escape_high"] < 0.5]
    if len(bad):
        classes = bad["game_class"].value_counts()
        where = ", ".join(f"{c} ({k} of {int((r['game_class'] == c).sum())} cells)"
                          for c, k in classes.items())
        out.append(f"In {len(bad)} of {len(r)} map cells escape is less likely than not even "
                   f"at the top of its interval; by Jervis's game class: {where}.")
    harmony = an.class_rates[an.class_rates["game_class"] == "harmony"]
    if len(harmony):
        hp, hl, hh = (float(harmony[c].to_numpy(dtype=float)[0])
                      for c in ("p_war", "war_low", "war_high"))
        if hh > 0.05:
            out.append(f"Where Jervis's one-shot game is harmony (no security dilemma: restraint "
                       f"is the best reply whatever the other does), {_fmt_pct(hp)} "
                       f"[{_fmt_pct(hl)}, {_fmt_pct(hh)}] of worlds still went to war: the "
                       "class of the one-shot game does not settle the world's outcome.")
    if war_all >= 0.2:
        out.append(f"{_fmt_pct(war_all)} of all worlds of the map went to war (the fatalist "
                   "view's outcome), whatever the mechanisms on.")
    p_tr = float(r["transcended_count"].sum() / r["n"].sum())
    if p_tr < 0.05:
        out.append(f"Transcendence is rare: {100 * p_tr:.1f}% of worlds formed a security "
                   "community covering most states within the run; the escapes that happen are "
                   "mitigation, not transcendence.")
    p_un = float(r["unresolved_count"].sum() / r["n"].sum())
    if p_un >= 0.1:
        out.append(f"{_fmt_pct(p_un)} of worlds are unresolved at the end of the run; longer "
                   "runs could move them either way.")
    if an.sensitivity is not None:
        t = an.sensitivity.table.set_index("factor")
        def effect(name: str) -> tuple[float, float, float, float, float]:
            row = {k: float(t[k].to_numpy(dtype=float)[t.index.get_loc(name)])
                   for k in ("spearman", "spearman_p", "S1", "ST", "ST_conf")}
            return (row["spearman"], row["spearman_p"], row["S1"], row["ST"], row["ST_conf"])

        if "perspective_taking" in t.index:
            rho, pv, _, st, conf = effect("perspective_taking")
            if rho < 0 and pv < 0.05:
                out.append(f"Perspective-taking lowers escape here (Spearman {rho:+.2f} with "
                           f"P(escape), p = {pv:.2g}; total index {st:.2f} ± {conf:.2f}): it "
                           "backfires, as Kertzer, Brutger and Quek (2024) found it can.")
            elif pv >= 0.05:
                out.append(f"Perspective-taking shows no clear effect on escape (Spearman "
                           f"{rho:+.2f}, p = {pv:.2g}; total index {st:.2f} ± {conf:.2f}), in "
                           "line with Kertzer, Brutger and Quek (2024): less helpful than IR "
                           "scholars assumed.")
        if "perception_noise" in t.index:
            rho, pv, _, st, conf = effect("perception_noise")
            if rho < 0 and pv < 0.05:
                out.append(f"Misperception lowers escape (Spearman {rho:+.2f} between perception "
                           f"noise and P(escape), p = {pv:.2g}), as Acharya and Ramsay (2013) "
                           "argue: small misperceptions make cooperation less likely.")
        for name, words in (("signal_cost", "Costly signals"),
                            ("distinguishability", "Offense-defense differentiation "
                             "(distinguishability)"),
                            ("identity_plasticity", "Identity change (identity plasticity)")):
            if name not in t.index:
                continue
            rho, pv, s1, st, conf = effect(name)
            if pv >= 0.05 or st - conf < 0.05:
                out.append(f"{words}, one of the paper's routes out, shows no clear effect on "
                           f"escape in this model: total Sobol index {st:.2f} ± {conf:.2f} "
                           f"(first order {s1:.2f}), Spearman {rho:+.2f} with P(escape) "
                           f"(p = {pv:.2g}).")
            elif rho < 0:
                out.append(f"{words}, one of the paper's routes out, lowers escape here "
                           f"(Spearman {rho:+.2f}, p = {pv:.2g}; total index {st:.2f} ± "
                           f"{conf:.2f}).")
            elif st < 0.25:
                out.append(f"{words}, one of the paper's routes out, helps escape, but little: "
                           f"total Sobol index {st:.2f} ± {conf:.2f} (first order {s1:.2f} ± "
                           f"{float(t['S1_conf'].to_numpy()[t.index.get_loc(name)]):.2f}), "
                           f"Spearman {rho:+.2f} (p = {pv:.2g}).")
        if "p_greedy" in t.index:
            rho, pv, s1, st, conf = effect("p_greedy")
            if rho < 0 and pv < 0.05:
                out.append(f"Motives matter: the share of greedy states, which none of the "
                           f"paper's mechanisms changes in this model, lowers escape (Spearman "
                           f"{rho:+.2f}, p = {pv:.2g}) with total Sobol index {st:.2f} ± "
                           f"{conf:.2f}.")
        noise = an.sensitivity.mean_noise_share
        if noise > 0.25:
            out.append(f"{_fmt_pct(noise)} of the variance of the per-point escape rates in the "
                       "sensitivity sweep is replicate noise; the indices are noisy.")
        elif noise > 0.02:
            out.append(f"Replicate noise is {_fmt_pct(noise)} of the variance of the per-point "
                       "escape rates; it adds roughly that much to every total index, so total "
                       f"indices near {noise:.2f} mean little.")
    out.append("Not tested by this map: the non-monotonic effect of weapons under strategic "
               "risk (Chassang and Padró i Miquel 2010), the laboratory shortfall from Kydd's "
               "rational cooperation (JCR 2021) and domestic inertia as in Greece-Turkey; "
               f"see the herz documentation, {BACKGROUND_PAGE}.")
    return out
