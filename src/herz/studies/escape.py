"""The escape study: herz's main job, from scenarios to the report.

Two sweeps of the world (:mod:`herz.world`) on the embedded store
(:mod:`herz.experiment`):

1. the *map*: a grid over the offense-defense balance x distinguishability, with
   adaptive replication until every cell's 95% Wilson interval for P(escape) is
   at most ``target_ci_width`` wide (or ``max_replicates`` is reached); every
   other parameter at its default, costly signalling switched on;
2. the *sensitivity* sweep: an ordinary scenario with a Saltelli design
   (``design.method = "saltelli"``) over :data:`SENSITIVITY_FACTORS`, one factor
   per mechanism the paper names, a few replicates per point. Its stored design
   table holds the values every world ran with.

Both are plain scenario documents validated by the one scenario reader; their
results directories name the model ``world`` and reopen in any process (``herz
resume``, ``herz replay``, ``herz verify``). :func:`run_escape_map` runs both into
``OUT/results/{map,sensitivity}``, analyses them (:func:`herz.analysis.escape.analyse`),
replays a sample world of each outcome and writes the report
(:mod:`herz.report.escape`).

References
----------
Khan (2025). Between Fear and Strategy: How Inescapable is the Security Dilemma?

Saltelli, A. et al. (2010). Variance based sensitivity analysis of model output.
*Computer Physics Communications* 181(2): 259-270. doi:10.1016/j.cpc.2009.09.018.
"""

from __future__ import annotations

import dataclasses
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from herz.analysis.escape import EscapeAnalysis, analyse
from herz.errors import ParameterError
from herz.experiment.scenario import Scenario
from herz.experiment.threads import one_numba_thread

__all__ = [
    "SENSITIVITY_FACTORS",
    "SIZES",
    "EscapeMapConfig",
    "EscapeRun",
    "SensitivityFactor",
    "analyse_results",
    "escape_scenarios",
    "factor_labels",
    "run_escape_map",
    "size_from_env",
]

Size = Literal["tiny", "default"]
SIZE_ENV = "HERZ_ESCAPE_SIZE"


@dataclass(frozen=True)
class SensitivityFactor:
    """One factor of the sensitivity sweep: a world parameter, the study's box, its role.

    Range, unit and meaning of the parameter come from the world's schema
    (:func:`herz.world.schema.field_spec`); the study chooses the box inside it
    (the scenario reader checks that it lies inside) and names the route out of
    the dilemma (or the fatalist factor) the parameter stands for.
    """

    name: str
    low: float
    high: float
    role: str
    scale: Literal["linear", "log"] = "linear"

    def design_entry(self) -> dict[str, Any]:
        """The factor as a scenario's ``[design.factors]`` entry."""
        return {"min": self.low, "max": self.high, "scale": self.scale}


#: The factors of the sensitivity sweep, one per mechanism the paper names.
SENSITIVITY_FACTORS: tuple[SensitivityFactor, ...] = (
    SensitivityFactor("offense_defense_balance", 0.25, 4.0,
                      "mitigation: defensive technology", "log"),
    SensitivityFactor("distinguishability", 0.0, 1.0, "mitigation: differentiation"),
    # world v2 units: the offence a signal scraps, as a share of the budget cap B Y (the
    # world's default 0.03; a median state's offence is about 0.23 B Y at years 30-60 of
    # the default world, and a signal cannot scrap more than the offence there is), so
    # 0.01-0.3 runs from a token cut to all of a typical state's offence (version 1's
    # 0.1-3.0 was in Kydd's payoff units and would leave almost every signal unsendable)
    SensitivityFactor("signal_cost", 0.01, 0.3, "mitigation: costly signals", "log"),
    SensitivityFactor("identity_plasticity", 0.0, 0.1, "transcendence: identity change"),
    SensitivityFactor("p_greedy", 0.0, 0.5, "fatalist: motives"),
    SensitivityFactor("perception_noise", 0.0, 0.5, "misperception"),
    SensitivityFactor("perspective_taking", 0.0, 1.0, "empathy"),
)


def factor_labels() -> dict[str, str]:
    """Readable labels of the sensitivity factors: the name and the study's role."""
    return {f.name: f"{f.name.replace('_', ' ')} ({f.role})" for f in SENSITIVITY_FACTORS}


@dataclass(frozen=True)
class EscapeMapConfig:
    """Size of the escape study: the grid, replicates, run length and world size."""

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
        return dataclasses.asdict(self)


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


def escape_scenarios(config: EscapeMapConfig) -> tuple[Scenario, Scenario]:
    """The two scenarios (map, sensitivity) of the escape study at ``config``'s size.

    Both are ordinary scenario documents of the world model, validated by the one
    scenario reader (:func:`herz.experiment.scenario.from_dict`).
    """
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
                "distinguishability": {"levels": config.d_levels}},
            "adaptive": {"target_ci_width": config.target_ci_width,
                         "max_replicates": config.max_replicates, "batch": config.batch}},
    }
    sens_doc = {
        "experiment": {
            "name": f"escape-sensitivity-{config.name}", "model": "world",
            "seed": config.seed + 1, "steps": config.steps,
            "replicates": config.sensitivity_replicates,
            "chunk_size": config.sensitivity_replicates,
            "description": "Saltelli design for the Sobol indices of escape"},
        "world": base_world, "mechanisms": mech,
        "design": {"method": "saltelli", "samples": config.saltelli_n,
                   "factors": {f.name: f.design_entry() for f in SENSITIVITY_FACTORS}},
    }
    return (Scenario.from_dict(map_doc, source="herz escape map"),
            Scenario.from_dict(sens_doc, source="herz escape sensitivity"))


@dataclass(frozen=True)
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


def sample_trajectories(an: EscapeAnalysis, per_outcome: int = 1) -> dict[str, Any]:
    """Replay one world of each outcome with full trajectories, from its stored seed.

    The world of each outcome is taken at the map cell where that outcome is most
    common; :func:`herz.experiment.replay.replay` reruns it bit for bit with
    trajectories, and ``replay_matches`` says whether the replayed outcome is the
    stored one.
    """
    from herz.experiment.replay import replay

    results, rates = an.map_results, an.rates
    out: dict[str, Any] = {}
    for outcome in ("war", "spiral", "mitigated", "transcended", "unresolved", "no_dilemma"):
        sub = results[results["outcome"] == outcome]
        if sub.empty:
            continue
        col = f"p_{outcome}" if f"p_{outcome}" in rates else "n"
        best = int(rates.sort_values(col, ascending=False)["point"].iloc[0])
        rows = sub[sub["point"] == best]
        if rows.empty:
            rows = sub
            best = int(rows["point"].iloc[0])
        reps = rows["replicate"].astype(int).to_numpy()[:per_outcome]
        map_dir = an.path / "map" if (an.path / "map" / "manifest.json").exists() else an.path
        runs = [replay(map_dir, f"{best}:{int(r)}", trajectory=True) for r in reps]
        out[outcome] = {"dataset": runs[0].trajectory, "point": best,
                        "replicates": reps.tolist(),
                        "replay_matches": all(r.identical and bool(r.trajectory_consistent)
                                              and r.stored.get("outcome") == outcome
                                              for r in runs)}
    return out


def analyse_results(path: str | Path, confidence: float = 0.95, trajectories: bool = True
                    ) -> EscapeAnalysis:
    """The study's analysis of a results folder.

    :func:`~herz.analysis.escape.analyse` with the study's factor labels and, with
    ``trajectories``, a replayed sample world of each outcome.
    """
    an = analyse(path, confidence, labels=factor_labels())
    if trajectories:
        an = dataclasses.replace(an, trajectories=sample_trajectories(an))
    return an


def run_escape_map(out: str | Path = "herz-output", size: str | None = None, *,
                   workers: int | None = None, progress: bool = False,
                   report: bool = True) -> EscapeRun:
    """Run the escape study into ``out/results`` and write ``out/escape_report.html``.

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
    with one_numba_thread():
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
    analysis = None
    report_path = None
    if report:
        from herz.report.escape import write_report

        analysis = analyse_results(results)
        report_path = write_report(analysis, root / "escape_report.html")
    return EscapeRun(root, results, report_path, config, time.perf_counter() - t0, seconds,
                     statuses, failed, analysis)
