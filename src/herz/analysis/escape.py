"""The escape map: herz's main job, and its analysis.

The founding paper (Khan 2025) concludes that the security dilemma is "primarily
escapable" through mitigation (offense-defense differentiation, signals) and
transcendence (identity change, security communities). The escape map tests it
with two sweeps of the world (:mod:`herz.world`) on the embedded store
(:mod:`herz.experiment`):

1. the *map*: a grid over the offense-defense balance x distinguishability, with
   adaptive replication until every cell's 95% Wilson interval for P(escape) is
   at most ``target_ci_width`` wide (or ``max_replicates`` is reached); every
   other parameter at its default, costly signalling switched on;
2. the *sensitivity* sweep: Saltelli's design over seven factors, one per
   mechanism the paper names (offense-defense balance, distinguishability,
   signal cost, identity plasticity, share of greedy states, perception noise,
   perspective-taking), a few replicates per point; the Sobol indices of the
   replicate mean of escape say which mechanism moves escape most.

:func:`run_escape_map` runs both into ``OUT/results/{map,sensitivity}``;
:func:`analyse` reads a results folder back into an :class:`EscapeAnalysis`
(rates with intervals and Jervis's game class per cell, survival curves, Booth
and Wheeler's logics, Sobol indices, PRIM boxes, sample trajectories, the
verdict); :mod:`herz.report.escape` renders it as one HTML file.

The sensitivity sweep runs through a model of its own, ``world-saltelli``
(registered here): the world, with the seven factors read from row
``saltelli_row`` of the Saltelli matrix fixed by ``saltelli_n`` and
``saltelli_seed``, so the sweep is an ordinary grid over row numbers and keeps
the store's chunking, resume and failure records.

References
----------
Khan (2025). Between Fear and Strategy: How Inescapable is the Security Dilemma?
(the founding paper; claims C1-C8 of herz MODELS.md).

Booth, K. and Wheeler, N. J. (2008). *The Security Dilemma*. Palgrave Macmillan.

Jervis, R. (1978). Cooperation under the security dilemma. *World Politics* 30(2):
167-214. doi:10.2307/2009958.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from herz.analysis.discovery import PrimBox, prim_box
from herz.analysis.intervals import proportion_interval
from herz.analysis.outcomes import logic_shares, outcome_rates
from herz.analysis.sensitivity import Problem, SobolResult, replicate_sobol, saltelli_sample
from herz.analysis.survival import SurvivalCurve, time_to_escape, time_to_war
from herz.errors import ParameterError

__all__ = [
    "SENSITIVITY_PROBLEM",
    "SIZES",
    "EscapeAnalysis",
    "EscapeMapConfig",
    "Verdict",
    "analyse",
    "escape_scenarios",
    "run_escape_map",
    "size_from_env",
]

Size = Literal["tiny", "default"]
SIZE_ENV = "HERZ_ESCAPE_SIZE"

#: The factors of the sensitivity sweep, one per mechanism the paper names.
SENSITIVITY_PROBLEM = Problem(
    names=("offense_defense_balance", "distinguishability", "signal_cost",
           "identity_plasticity", "p_greedy", "perception_noise", "perspective_taking"),
    bounds=((0.25, 4.0), (0.0, 1.0), (0.1, 3.0), (0.0, 0.1), (0.0, 0.5), (0.0, 0.5),
            (0.0, 1.0)),
    log=(True, False, False, False, False, False, False),
    labels={
        "offense_defense_balance": "offense-defense balance δ (mitigation: defensive technology)",
        "distinguishability": "distinguishability d (mitigation: differentiation)",
        "signal_cost": "signal cost m (mitigation: costly signals)",
        "identity_plasticity": "identity plasticity (transcendence: identity change)",
        "p_greedy": "share of greedy states (fatalist: motives)",
        "perception_noise": "perception noise (misperception)",
        "perspective_taking": "perspective-taking",
    },
)
PROBLEM_VERSION = "escape-sensitivity/1"
#: The factors that stand for the paper's routes out (mitigation and transcendence).
PAPER_ROUTES = ("offense_defense_balance", "distinguishability", "signal_cost",
                "identity_plasticity", "perspective_taking")


@dataclass(frozen=True)
class EscapeMapConfig:
    """Size of the escape map: the grid, replicates, run length and world size."""

    name: str
    n_states: int
    steps: int
    odb_levels: int
    odb_range: tuple[float, float]
    d_levels: int
    replicates: int
    target_ci_width: float
    max_replicates: int
    batch: int
    chunk_size: int
    saltelli_n: int
    sensitivity_replicates: int
    seed: int = 20250101
    trajectory_worlds: int = 1

    def to_dict(self) -> dict[str, Any]:
        """Plain values."""
        from dataclasses import asdict

        return asdict(self)


#: ``default``: the main job (minutes on two cores); ``tiny``: tests and smoke runs.
SIZES: dict[str, EscapeMapConfig] = {
    "default": EscapeMapConfig(
        name="default", n_states=5, steps=100, odb_levels=9, odb_range=(0.25, 4.0), d_levels=6,
        replicates=100, target_ci_width=0.10, max_replicates=500, batch=100, chunk_size=100,
        saltelli_n=128, sensitivity_replicates=16),
    "tiny": EscapeMapConfig(
        name="tiny", n_states=3, steps=30, odb_levels=3, odb_range=(0.25, 4.0), d_levels=3,
        replicates=16, target_ci_width=0.5, max_replicates=32, batch=16, chunk_size=16,
        saltelli_n=4, sensitivity_replicates=4),
}


def size_from_env(size: str | None = None) -> EscapeMapConfig:
    """The configuration named ``size``, else ``$HERZ_ESCAPE_SIZE``, else ``default``."""
    name = size or os.environ.get(SIZE_ENV) or "default"
    if name not in SIZES:
        raise ParameterError("size", name, "must be one of " + ", ".join(SIZES))
    return SIZES[name]


# --------------------------------------------------------------------------- the sweeps


@functools.lru_cache(maxsize=8)
def _saltelli_matrix(n: int, seed: int) -> pd.DataFrame:
    return saltelli_sample(SENSITIVITY_PROBLEM, n, seed)


def _saltelli_validate(params: Mapping[str, Any]) -> dict[str, Any]:
    from herz.experiment.world_model import _validate

    p = dict(params)
    extra = {k: p.pop(k) for k in ("saltelli_row", "saltelli_n", "saltelli_seed")}
    for k, v in extra.items():
        if isinstance(v, bool) or not isinstance(v, int | float) or float(v) != int(v) or v < 0:
            raise ParameterError(k, v, "must be a whole number >= 0")
        extra[k] = int(v)
    n = extra["saltelli_n"]
    if n < 2 or n & (n - 1):
        raise ParameterError("saltelli_n", n, "must be a power of 2 (>= 2)")
    rows = n * (SENSITIVITY_PROBLEM.d + 2)
    if extra["saltelli_row"] >= rows:
        raise ParameterError("saltelli_row", extra["saltelli_row"], f"must be < {rows}")
    out = _validate(p)
    out.update(extra)
    return out


def saltelli_world_model(params: Mapping[str, Any], steps: int, seed: np.random.SeedSequence,
                         replicates: range, mechanisms: Mapping[str, bool]) -> pd.DataFrame:
    """The world at row ``saltelli_row`` of the escape map's Saltelli design."""
    from herz.experiment.world_model import world_model

    p = dict(params)
    row = int(p.pop("saltelli_row"))
    x = _saltelli_matrix(int(p.pop("saltelli_n")), int(p.pop("saltelli_seed"))).iloc[row]
    for name in SENSITIVITY_PROBLEM.names:
        p[name] = float(x[name])
    df = world_model(p, steps, seed, replicates, mechanisms)
    for name in SENSITIVITY_PROBLEM.names:
        df[f"x_{name}"] = float(x[name])
    return df


def _saltelli_spec() -> Any:
    from herz.experiment.models import ModelSpec
    from herz.experiment.world_model import world_spec

    w = world_spec()
    return ModelSpec(
        name="world-saltelli", run=saltelli_world_model,
        defaults={**w.defaults, "saltelli_row": 0, "saltelli_n": 64, "saltelli_seed": 0},
        validate=_saltelli_validate, mechanisms=w.mechanisms, outcome_column=w.outcome_column,
        escape_outcomes=w.escape_outcomes,
        description=f"the world over the escape map's Saltelli design ({PROBLEM_VERSION})")


def _register() -> None:
    from herz.experiment.models import register_model

    register_model(_saltelli_spec, name="world-saltelli")


_register()


def escape_scenarios(config: EscapeMapConfig) -> tuple[Any, Any]:
    """The two scenarios (map, sensitivity) of the escape map at ``config``'s size."""
    from herz.experiment import Scenario

    n_rows = config.saltelli_n * (SENSITIVITY_PROBLEM.d + 2)
    base_world = {"n_states": config.n_states}
    mech = {"signalling": True}
    map_doc = {
        "experiment": {
            "name": f"escape-map-{config.name}", "model": "world", "seed": config.seed,
            "steps": config.steps, "replicates": config.replicates,
            "chunk_size": config.chunk_size,
            "description": "P(escape) over offense-defense balance x distinguishability"},
        "world": base_world, "mechanisms": mech,
        "design": {
            "method": "grid",
            "factors": {
                "offense_defense_balance": {"min": config.odb_range[0],
                                            "max": config.odb_range[1],
                                            "levels": config.odb_levels, "scale": "log"},
                "distinguishability": {"min": 0.0, "max": 1.0, "levels": config.d_levels}},
            "adaptive": {"target_ci_width": config.target_ci_width,
                         "max_replicates": config.max_replicates, "batch": config.batch}},
    }
    sens_doc = {
        "experiment": {
            "name": f"escape-sensitivity-{config.name}", "model": "world-saltelli",
            "seed": config.seed + 1, "steps": config.steps,
            "replicates": config.sensitivity_replicates,
            "chunk_size": config.sensitivity_replicates,
            "description": f"Saltelli design ({PROBLEM_VERSION}) for Sobol indices of escape"},
        "world": {**base_world, "saltelli_n": config.saltelli_n,
                  "saltelli_seed": config.seed + 2},
        "mechanisms": mech,
        "design": {"method": "grid", "factors": {"saltelli_row": list(range(n_rows))}},
    }
    return Scenario.from_dict(map_doc, source="herz escape map"), \
        Scenario.from_dict(sens_doc, source="herz escape sensitivity")


@dataclass
class EscapeRun:
    """What :func:`run_escape_map` did."""

    out: Path
    results: Path
    report: Path | None
    config: EscapeMapConfig
    seconds: float
    sweep_seconds: dict[str, float]
    statuses: dict[str, str]
    failed_chunks: int
    analysis: EscapeAnalysis | None = None


@contextlib.contextmanager
def _one_numba_thread() -> Iterator[None]:
    """One Numba thread per worker process (and in this process) while the sweeps run.

    The world's kernels are parallel over worlds; with one process per core, Numba's
    own threads only oversubscribe the cores (measured here: a chunk of 100 worlds of
    5 states for 100 steps took 0.19 s on one thread and 3.7 s on two, on a busy
    two-core machine). Worker processes are spawned, so they read the variable.
    """
    old = os.environ.get("NUMBA_NUM_THREADS")
    os.environ["NUMBA_NUM_THREADS"] = "1"
    prev = None
    try:
        import numba

        prev = numba.get_num_threads()
        numba.set_num_threads(1)
    except (ImportError, ValueError):  # pragma: no cover - numba is a core dependency
        pass
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("NUMBA_NUM_THREADS", None)
        else:
            os.environ["NUMBA_NUM_THREADS"] = old
        if prev is not None:
            import numba

            numba.set_num_threads(prev)


def run_escape_map(out: str | Path = "herz-output", size: str | None = None, *,
                   workers: int | None = None, progress: bool = False,
                   report: bool = True) -> EscapeRun:
    """Run the escape map into ``out/results`` and write ``out/escape_report.html``.

    An existing ``out/results`` of the same configuration is resumed (finished
    chunks are kept), so a second call only rewrites the report.
    """
    from herz.experiment import sweep

    t0 = time.perf_counter()
    config = size_from_env(size)
    root = Path(out)
    results = root / "results"
    results.mkdir(parents=True, exist_ok=True)
    runner = "inprocess" if workers == 1 else "processes"
    seconds: dict[str, float] = {}
    statuses: dict[str, str] = {}
    failed = 0
    with _one_numba_thread():
        for key, sc in zip(("map", "sensitivity"), escape_scenarios(config), strict=True):
            t1 = time.perf_counter()
            res = sweep(sc, output=results / key, runner=runner, workers=workers, resume=True,
                        progress=progress)
            seconds[key] = time.perf_counter() - t1
            statuses[key] = res.status
            failed += res.failed
    (results / "escape_map.json").write_text(json.dumps(
        {"config": config.to_dict(), "sweep_seconds": seconds, "statuses": statuses,
         "workers": workers, "cpu_count": os.cpu_count(),
         "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None},
        indent=2), encoding="utf-8")
    run = EscapeRun(root, results, None, config, 0.0, seconds, statuses, failed)
    if report:
        from herz.report.escape import write_report

        analysis = analyse(results)
        run.analysis = analysis
        run.report = write_report(analysis, root / "escape_report.html")
    run.seconds = time.perf_counter() - t0
    return run


# --------------------------------------------------------------------------- analysis


@dataclass(frozen=True)
class Verdict:
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


@dataclass
class EscapeAnalysis:
    """Everything the escape report shows, computed from a results folder."""

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
    boxes: dict[str, PrimBox] = field(default_factory=dict)
    prim_x: pd.DataFrame | None = None
    prim_y: dict[str, np.ndarray] = field(default_factory=dict)
    trajectories: dict[str, Any] = field(default_factory=dict)
    verdict: Verdict | None = None
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
    (1 + d) / 2, see :mod:`herz.models.jervis`); the game's gain, loss and
    cost of arming are the world's own (:func:`herz.world.offense_defense.jervis_payoffs`).
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


def _share_interval(k: np.ndarray, n: np.ndarray, blocks: np.ndarray | None, seed: int,
                    draws: int = 2000) -> tuple[float, float, float]:
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

    rng = np.random.default_rng(seed)
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


def _trajectories(results: pd.DataFrame, rates: pd.DataFrame, manifest: dict[str, Any],
                  design: pd.DataFrame, steps: int, mechanisms: dict[str, bool],
                  per_outcome: int = 1) -> dict[str, Any]:
    """Replay sample worlds of each outcome with full trajectories (bit-identical)."""
    from herz.experiment.design import POINT_KEY
    from herz.rng import child_seed
    from herz.world import simulate

    seed = int(manifest["scenario"]["seed"])
    out: dict[str, Any] = {}
    for outcome in ("war", "spiral", "mitigated", "transcended", "unresolved", "no_dilemma"):
        sub = results[results["outcome"] == outcome]
        if sub.empty:
            continue
        best = int(rates.sort_values(f"p_{outcome}" if f"p_{outcome}" in rates else "n",
                                     ascending=False)["point"].iloc[0])
        rows = sub[sub["point"] == best]
        if rows.empty:
            rows = sub
            best = int(rows["point"].iloc[0])
        reps = rows["replicate"].astype(int).to_numpy()[:per_outcome]
        prow = design[design["point"] == best].iloc[0].to_dict()
        from herz.world import WorldParams

        names = set(WorldParams().to_dict())
        params = {k: v for k, v in prow.items() if k in names and k != "mechanisms"}
        for k2, v2 in list(params.items()):
            if isinstance(v2, str) and v2.startswith(("[", "{")):  # lists and tables stored as JSON
                params[k2] = json.loads(v2)
            elif isinstance(v2, np.generic):
                params[k2] = v2.item()
        params["mechanisms"] = dict(mechanisms)
        ds = simulate(params, steps=steps, seed=child_seed(seed, POINT_KEY, best),
                      world_indices=[int(r) for r in reps], trajectories=True)
        replayed = [str(x) for x in ds["outcome"].values]
        out[outcome] = {"dataset": ds, "point": best, "replicates": reps.tolist(),
                        "replay_matches": replayed == [outcome] * len(reps)}
    return out


def analyse(path: str | Path, confidence: float = 0.95, trajectories: bool = True
            ) -> EscapeAnalysis:
    """Read a results folder into an :class:`EscapeAnalysis`.

    ``path`` is the ``results`` folder of :func:`run_escape_map` (holding ``map``
    and, optionally, ``sensitivity``), its parent, or any single sweep of the
    world model (then the map is that sweep and there is no sensitivity part).
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
    if sc.get("model") not in ("world", "world-saltelli"):
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
    an = EscapeAnalysis(
        path=p, map_results=results, map_scenario=sc, map_manifest=man, rates=rates,
        steps=steps, dt=dt, params=params, mechanisms=mechanisms, survival=survival,
        logics=logic_shares(results, confidence), logics_by_class=_logics_by_class(results, rates),
        class_rates=_class_rates(results, rates), failures=failures)
    if trajectories:
        an.trajectories = _trajectories(results, rates, man, design, steps, mechanisms)
    if sens_dir is not None and (sens_dir / "manifest.json").exists():
        _analyse_sensitivity(an, sens_dir, confidence)
    an.verdict = _verdict(an)
    meta_path = p / "escape_map.json"
    if meta_path.exists():
        an.meta = json.loads(meta_path.read_text(encoding="utf-8"))
    return an


def _analyse_sensitivity(an: EscapeAnalysis, sens_dir: Path, confidence: float) -> None:
    from herz.experiment import query

    man = _manifest(sens_dir)
    sc = man["scenario"]
    n_base = int(sc["params"]["saltelli_n"])
    xs = _saltelli_matrix(n_base, int(sc["params"]["saltelli_seed"]))
    df = query(sens_dir, "SELECT * FROM results ORDER BY point, replicate")
    design = query(sens_dir, "SELECT point, saltelli_row FROM design ORDER BY point")
    row_of = design.set_index("point")["saltelli_row"].astype(int)
    n_rows = len(xs)
    rows = df["point"].map(row_of).to_numpy(dtype=np.int64)
    escaped = df["outcome"].isin(["mitigated", "transcended"]).to_numpy(dtype=float)
    war = (df["outcome"] == "war").to_numpy(dtype=float)
    an.sensitivity = replicate_sobol(SENSITIVITY_PROBLEM, rows, escaped, n_rows, confidence)
    an.sensitivity_war = replicate_sobol(SENSITIVITY_PROBLEM, rows, war, n_rows, confidence)
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
    pts["block"] = np.arange(n_rows) // (SENSITIVITY_PROBLEM.d + 2)
    an.sensitivity_points = pts
    an.sens_manifest = man
    # direction of each factor's effect: Spearman correlation with the point mean
    from scipy import stats

    ok = n > 0
    for key, res in (("p_escape", an.sensitivity), ("p_war", an.sensitivity_war)):
        rhos, pvals = [], []
        for name in SENSITIVITY_PROBLEM.names:
            sr = stats.spearmanr(pts.loc[ok, name], pts.loc[ok, key])
            rhos.append(float(sr.statistic) if np.isfinite(sr.statistic) else 0.0)
            pvals.append(float(sr.pvalue) if np.isfinite(sr.pvalue) else 1.0)
        res.table["spearman"] = rhos
        res.table["spearman_p"] = pvals
        res.table["label"] = [SENSITIVITY_PROBLEM.label(nm) for nm in SENSITIVITY_PROBLEM.names]
    # PRIM over worlds: parameters of each world's point, outcome of the world
    x = pd.DataFrame({name: xs[name].to_numpy()[rows] for name in SENSITIVITY_PROBLEM.names})
    x["offense_defense_balance"] = np.log10(x["offense_defense_balance"])
    x = x.rename(columns={"offense_defense_balance": "log10_offense_defense_balance"})
    an.prim_x = x
    an.prim_y = {"escape": escaped.astype(bool), "war": war.astype(bool)}
    an.boxes = {"escape": prim_box(x, escaped.astype(bool), "escape likely"),
                "war": prim_box(x, war.astype(bool), "war likely")}


def _fmt_pct(p: float) -> str:
    return f"{100 * p:.0f}%"


def _verdict(an: EscapeAnalysis) -> Verdict:
    r = an.rates
    n_all = int(r["n"].sum())
    k_all = int(r["escape_count"].sum())
    lo, hi = proportion_interval(k_all, n_all)
    map_share, map_lo, map_hi = _share_interval(r["escape_count"].to_numpy(float),
                                                r["n"].to_numpy(float), None, seed=1)
    war_all = float(r["war_count"].sum() / n_all)
    if an.sensitivity_points is not None:
        pts = an.sensitivity_points
        share, s_lo, s_hi = _share_interval(pts["escapes"].to_numpy(float),
                                            pts["n"].to_numpy(float),
                                            pts["block"].to_numpy(), seed=2)
        space = ("the factor box of the sensitivity sweep (" + ", ".join(
            f"{nm} in [{lo_:g}, {hi_:g}]{' (log scale)' if lg else ''}"
            for nm, (lo_, hi_), lg in zip(SENSITIVITY_PROBLEM.names, SENSITIVITY_PROBLEM.bounds,
                                         SENSITIVITY_PROBLEM.log, strict=True)) + ")")
        n_points = int((pts["n"] > 0).sum())
    else:
        share, s_lo, s_hi = map_share, map_lo, map_hi
        space = "the cells of the map"
        n_points = len(r)
    top = runner = route = None
    top_st = top_conf = ru_st = ru_conf = route_st = route_conf = float("nan")
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
                    f"{SENSITIVITY_PROBLEM.label(top)} (total Sobol index {top_st:.2f} ± "
                    f"{top_conf:.2f}")
        if runner is not None and top_st - top_conf < ru_st + ru_conf:
            summary += (f"; its interval overlaps that of {SENSITIVITY_PROBLEM.label(runner)}, "
                        f"{ru_st:.2f} ± {ru_conf:.2f}, so the ranking is uncertain")
        summary += ")"
        if route is not None and route != top:
            summary += (f"; of the paper's routes out, {SENSITIVITY_PROBLEM.label(route)} moves "
                        f"it most (total index {route_st:.2f} ± {route_conf:.2f})")
    summary += "."
    return Verdict(share, s_lo, s_hi, space, n_points, map_share, map_lo, map_hi, len(r),
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
               "see herz MODELS.md section 10.")
    return out
