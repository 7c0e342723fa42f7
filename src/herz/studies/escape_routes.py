"""The escape study on world version 2 (DESIGN 4): entries, routes as paired branches, verdict.

For each parameter draw (the plausible region of the history fit, issue 22,
where the package ships it, the other parameters over the documented default
ranges :data:`DEFAULT_RANGES`), worlds run through the burn-in and an entry
window; draws with the same number of states run side by side as one batch,
each world with its own draw's parameters (:func:`batch_params`). At every entry
of a pair of security seekers into the dilemma the world is branched
(:mod:`herz.studies.branching`) into the control (the calibrated world), the
realist arm and each route at each dose, plus three 2 x 2 factorials. Every
branch is followed for a fixed number of years, so P(exit within H | entered)
is never censored for the horizons used. Every estimate pools the entries of
all draws (the entry-weighted ratio, :func:`herz.analysis.estimands.clustered_bootstrap`).
The robustness variants that change only thresholds (race length k, trust fall
x, calm years m, the exit's trust reading) are read on the primary run's worlds;
the threat aggregation reruns the control and the realist arm on the same
seeds; the update order is the primary run bit for bit here
(:func:`order_matters`) and is not rerun; the horizon variants reuse the main
run. :mod:`herz.analysis.estimands` gives the estimands,
:mod:`herz.analysis.verdict` the verdict, :mod:`herz.report.escape` the report
and ``escape_report.json``.

References
----------
Khan (2025). Between Fear and Strategy: How Inescapable is the Security Dilemma?

McKay, M. D., Beckman, R. J. and Conover, W. J. (1979). A comparison of three
methods for selecting values of input variables in the analysis of output from
a computer code. *Technometrics* 21(2): 239-245.
"""

from __future__ import annotations

import dataclasses
import json
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from herz.analysis.estimands import (
    ArmEstimate,
    Pool,
    aalen_johansen,
    arm_estimates,
    clustered_bootstrap,
    entry_indicators,
)
from herz.analysis.verdict import HORIZON, Specification, primarily_escapable, specification
from herz.errors import ParameterError
from herz.rng import child_seed
from herz.studies.branching import (
    FACTORIAL,
    PRIMARY,
    ROUTES,
    Arm,
    arm_name,
    branch_entries,
    reference_arms,
    route_arms,
    run_trunk,
)

__all__ = [
    "DEFAULT_RANGES",
    "STUDY_SIZES",
    "STUDY_WORLD",
    "VARIANTS",
    "Range",
    "StudyResult",
    "StudySize",
    "Variant",
    "analyse_study",
    "batch_params",
    "batches",
    "parameter_draws",
    "run_escape_study",
    "study_size",
]

SIZE_ENV = "HERZ_ESCAPE_SIZE"


@dataclass(frozen=True)
class Range:
    """A documented default range of one world parameter (until the history fit exists)."""

    name: str
    low: float
    high: float
    why: str
    integer: bool = False
    log: bool = False

    def value(self, u: float) -> float | int:
        """The value at the unit-interval position ``u``."""
        if self.log:
            v = float(np.exp(np.log(self.low) + u * (np.log(self.high) - np.log(self.low))))
        else:
            v = self.low + u * (self.high - self.low)
        if self.integer:
            return int(min(self.high, np.floor(self.low + u * (self.high - self.low + 1))))
        return v


#: The ranges E is averaged over (each a choice of the study, stated with its reason).
DEFAULT_RANGES: tuple[Range, ...] = (
    Range("p_greedy", 0.05, 0.25, "share of greedy (revisionist) states: from a few to a quarter "
          "(Glaser 1997; a study choice, not a fit)"),
    Range("n_states", 4, 7, "a regional system of a few states (a study choice: cost grows as "
          "N squared)", integer=True),
    Range("distinguishability", 0.3, 0.7, "offense and defense neither fully merged nor fully "
          "apart (Jervis 1978; around the world's default 0.5)"),
    Range("war_cost_share", 0.02, 0.10, "yearly cost of fighting as a share of output (around "
          "the world's default 0.05)"),
    Range("offense_defense_balance", 0.7, 1.5, "near parity of offence and defence (the world's "
          "default is 1)", log=True),
)

#: The study's calibrated world: the world's defaults, plus these (with reasons).
STUDY_WORLD: dict[str, Any] = {
    "mechanisms": {"misperception": True},
}
STUDY_WORLD_WHY = {
    "mechanisms.misperception": "Jervis's bias on (DESIGN 2.3): perspective-taking removes it, "
                                "so without it that route could do nothing",
}
#: The entry and exit thresholds are the world's (DESIGN section 3: g_r = 0.08, k = 3,
#: x = 0.10, m = 10): the calibrated world version 2 enters the dilemma at them, so the
#: loosened thresholds of the first study (g_r = 0.02, x = 0.05) are gone; x = 0.05 and
#: 0.2 are robustness variants.


@dataclass(frozen=True)
class Variant:
    """A robustness variant: the world parameters it changes (empty: the primary run).

    A variant that changes only thresholds of the entry and exit rule
    (:class:`herz.world.episodes.EpisodeRule`) is read on the primary run's
    worlds (its own detector on the same trunk, its entries branched into the
    control and the realist arm on the same copies: no second simulation);
    one that changes the world (update order, threat aggregation) reruns the
    control and the realist arm on new trunks of the same seeds.
    """

    name: str
    changed: str
    world: dict[str, Any] = field(default_factory=dict)

    @property
    def thresholds_only(self) -> bool:
        """Whether every parameter it changes is a threshold of the episode rule."""
        from herz.world.episodes import EpisodeRule

        names = {f.name for f in dataclasses.fields(EpisodeRule)} - {"burn_in", "dt"}
        return bool(self.world) and set(self.world) <= names


#: Robustness variants (horizons are read from the primary run; thresholds on its worlds).
VARIANTS: tuple[Variant, ...] = (
    Variant("k=2", "race of 2 years", {"race_years": 2}),
    Variant("k=5", "race of 5 years", {"race_years": 5}),
    Variant("x=0.05", "trust fall of 0.05 at entry", {"entry_trust_fall": 0.05}),
    Variant("x=0.2", "trust fall of 0.2 at entry", {"entry_trust_fall": 0.2}),
    Variant("m=5", "exit after a 5-year window", {"exit_years": 5}),
    Variant("m=15", "exit after a 15-year window", {"exit_years": 15}),
    Variant("trust mean", "exit reads the window's mean trust (not every year's)",
            {"exit_trust_reading": "window_mean"}),
    Variant("trust final", "exit reads trust in the window's last year only",
            {"exit_trust_reading": "final"}),
    Variant("sequential", "update order sequential", {"update_order": "sequential"}),
    Variant("threat sum", "threats summed, not averaged", {"threat_aggregation": "sum"}),
)
#: Horizon variants (years after entry) read from the primary run.
HORIZONS: tuple[int, ...] = (15, 35)


#: Years every branch is followed after entry: the longest horizon (35) plus the primary calm
#: years m = 10 less one (an exit is dated to its first calm year and seen m - 1 years later),
#: which also covers m = 15 at the verdict's horizon of 25.
FOLLOW = 45


@dataclass(frozen=True)
class StudySize:
    """How big the study is: draws, worlds, entry window, follow-up, doses, bootstrap."""

    name: str
    points: int
    worlds: int
    variant_worlds: int
    window: int
    follow: int
    doses: tuple[float, ...]
    replicates: int
    seed: int = 20261202
    #: At most this many draws (of one number of states) run as one batch of worlds.
    batch: int = 1
    #: How draws combine (:func:`herz.analysis.estimands.clustered_bootstrap`): ``entries``,
    #: the pooled ratio P(exit within H | entered) over the mixture of draws (the study's
    #: estimand), or ``draws``, the first study's unweighted mean of the draws' ratios.
    pool: Pool = "entries"

    def to_dict(self) -> dict[str, Any]:
        """Plain values."""
        return dataclasses.asdict(self)


#: ``default``: the main job (minutes on two cores); ``tiny``: tests and smoke runs. The
#: default was sized by measurement (docs/escape.md, "Size and precision"): many draws with
#: few worlds each, since the spread between draws, not the worlds within a draw, set the
#: width of the pooled estimates' intervals. The entry window is 10 years: P(exit |
#: entered) showed no trend with the year of entry over 25 years (pilot of 48 draws x 600
#: worlds: 0.103, 0.098, 0.086 and 0.100 for entries in years 1-5, 6-10, 11-15 and 16-25
#: after the burn-in, each +-0.03), and on the spending-based shock (fewer entries than the
#: output-based one) 384 draws x 200 worlds with a 10-year window gave about 1,000 entries
#: per arm and 95% half-widths of at most 5 points for the control and every route (a
#: 5-year window: 567 entries, 6.6 points for the largest). The threat-sum rerun uses half
#: the worlds.
STUDY_SIZES: dict[str, StudySize] = {
    "default": StudySize("default", points=384, worlds=200, variant_worlds=100, window=10,
                         follow=FOLLOW, doses=(0.5, 1.0), replicates=1000, batch=48),
    # tiny: enough draws and worlds that the primary run has entries (27 on the shipped
    # region; the refitted region's worlds enter less often than the first fit's)
    "tiny": StudySize("tiny", points=8, worlds=120, variant_worlds=40, window=25, follow=FOLLOW,
                      doses=(1.0,), replicates=200, batch=8),
}


def study_size(size: str | None = None) -> StudySize:
    """The size named ``size``, else ``$HERZ_ESCAPE_SIZE``, else ``default``."""
    name = size or os.environ.get(SIZE_ENV) or "default"
    if name not in STUDY_SIZES:
        raise ParameterError("size", name, "must be one of " + ", ".join(STUDY_SIZES))
    return STUDY_SIZES[name]


def plausible_region() -> tuple[Any | None, str]:
    """The plausible region of the history fit shipped in the package, or None and why not.

    :func:`herz.analysis.plausible.load_region` (issue 22); None when this
    version of herz has no region or its file is missing or unreadable (the
    study then averages over :data:`DEFAULT_RANGES` only, and says so).
    """
    try:
        from herz.analysis.plausible import load_region  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None, "this version of herz ships no plausible region (herz.analysis.plausible)"
    try:
        region = load_region()
    except (FileNotFoundError, OSError, ParameterError) as exc:
        return None, f"the shipped plausible region could not be read ({exc})"
    if not getattr(region, "draws", None):
        return None, "the shipped plausible region holds no draws"
    return region, str(getattr(region, "source", "the shipped plausible region"))


def parameter_draws(points: int, seed: int, region: Any | None = None) -> pd.DataFrame:
    """``points`` parameter draws: the plausible region's where it exists, else documented ranges.

    A Latin hypercube (scipy.stats.qmc) over :data:`DEFAULT_RANGES`; with a
    ``region`` (:func:`plausible_region`), every parameter the history fit
    varied (``region.parameters``) takes the values of ``points`` draws
    resampled from its not-implausible draws (``region.sample``, seeded from
    ``seed``), and the others keep their documented ranges.
    """
    from scipy.stats import qmc

    u = qmc.LatinHypercube(d=len(DEFAULT_RANGES), seed=np.random.default_rng(seed)).random(points)
    rows = [{r.name: r.value(float(u[k, c])) for c, r in enumerate(DEFAULT_RANGES)}
            for k in range(points)]
    if region is not None:
        fitted = region.sample(points, np.random.default_rng(child_seed(seed, 22)))
        for row, fit in zip(rows, fitted, strict=True):
            row.update({k: float(v) for k, v in fit.items() if k in region.parameters})
    df = pd.DataFrame(rows)
    df.insert(0, "point", np.arange(points))
    return df


def _world(draw: dict[str, Any], variant: Variant) -> Any:
    from herz.world import WorldParams

    base = WorldParams()
    mech = dataclasses.replace(base.mechanisms, **STUDY_WORLD["mechanisms"])
    kw = {k: v for k, v in STUDY_WORLD.items() if k != "mechanisms"}
    kw.update({k: v for k, v in draw.items() if k != "point"})
    kw.update(variant.world)
    d = {**base.to_dict(), **kw}
    d["mechanisms"] = dataclasses.asdict(mech)
    return WorldParams.from_dict(d)


#: Why a variant that changes only the update order is the primary run itself here.
ORDER_SAME = ("update order matters only through identity-driven motive drift, which is off "
              "in the control and the realist arm of every draw, so the run is the primary one "
              "bit for bit and is not repeated")


def order_matters(params: Any) -> bool:
    """Whether the update order can change a world with these parameters.

    In :func:`herz.world.step.step` the order enters in one place only: motive
    drift reads the identities of the step's end in ``sequential`` order and
    of its start in ``simultaneous`` order. So the order matters only when
    identities move (``mechanisms.identity``), motives drift
    (:func:`herz.world.identity.drifting`) and the drift reads identity
    (``motive_drift_identity`` > 0). Where this is False a sequential run
    equals the simultaneous one bit for bit (tested on a tiny study, so a
    change of the world that makes the order matter elsewhere is noticed).
    """
    from herz.world.identity import drifting

    return bool(params.mechanisms.identity and drifting(params)
                and float(params.motive_drift_identity) > 0.0)


def batches(draws: Sequence[dict[str, Any]], size: int) -> list[list[dict[str, Any]]]:
    """The draws in batches of at most ``size`` that share the number of states (by point)."""
    by_n: dict[int, list[dict[str, Any]]] = {}
    for d in sorted(draws, key=lambda d: int(d["point"])):
        by_n.setdefault(int(d["n_states"]), []).append(d)
    out = []
    for n in sorted(by_n):
        group = by_n[n]
        k = -(-len(group) // max(1, size))  # as many batches as needed, of even sizes
        out += [b for b in (group[i::k] for i in range(k)) if b]
    return [sorted(b, key=lambda d: int(d["point"])) for b in out]


def identical_variants(draws: Sequence[dict[str, Any]]) -> dict[str, str]:
    """Variants that change only the update order where no arm they run can feel it (name: why).

    Such a variant runs the control and the realist arm (:func:`reference_arms`);
    if :func:`order_matters` is False for both at every draw, it is the primary
    run bit for bit.
    """
    out = {}
    for v in VARIANTS:
        if set(v.world) != {"update_order"}:
            continue
        if not any(order_matters(arm.apply(_world(d, v))) for d in draws
                   for arm in reference_arms()):
            out[v.name] = ORDER_SAME
    return out


def batch_params(draws: Sequence[dict[str, Any]], variant: Variant, worlds: int, seed: int
                 ) -> tuple[Any, NDArray[np.uint64], NDArray[np.int64]]:
    """One batch of ``worlds`` worlds per draw: parameters, keys and world indices.

    The draws must share every parameter that is not per-world
    (:data:`herz.world.params.PER_WORLD`; here the number of states); their
    per-world parameters become one value per world
    (:meth:`WorldParams.with_world_values`). Draw ``k``'s worlds keep the keys
    of its own run (``child_seed(child_seed(seed, k), j)``, j < ``worlds``), so
    the batch is the draws' separate runs side by side (tested bit for bit);
    world ``j`` of draw ``k`` has the index ``k * worlds + j``.
    """
    from herz.world.noise import world_keys
    from herz.world.params import PER_WORLD

    params = [_world(d, variant) for d in draws]
    base = params[0]
    fixed = {k for k in draws[0] if k != "point" and k not in PER_WORLD}
    for d in draws[1:]:
        for k in fixed:
            if d[k] != draws[0][k]:
                raise ParameterError(k, d[k], f"must be {draws[0][k]} in one batch (not per-world)")
    varied = sorted({k for d in draws for k in d if k in PER_WORLD})
    values = {k: np.repeat(np.array([float(getattr(p, k)) for p in params]), worlds)
              for k in varied}
    keys = np.concatenate([world_keys(child_seed(seed, int(d["point"])), worlds)
                           for d in draws])
    idx = np.concatenate([int(d["point"]) * worlds + np.arange(worlds, dtype=np.int64)
                          for d in draws])
    return (base.with_world_values(values) if len(draws) > 1 else base), keys, idx


def _task(draws: Sequence[dict[str, Any]], variant: Variant, worlds: int, seed: int,
          window: int, follow: int, arms: Sequence[Arm],
          shared: Sequence[Variant] = ()) -> dict[str, Any]:
    """Draws x one variant: one trunk of ``worlds`` worlds per draw, and its branches.

    Runs in a worker process. The draws (same number of states) run as one
    batch (:func:`batch_params`): an entry year's branches then hold the
    entries of every draw of the batch, so a branch's fixed cost per year is
    paid once per batch, not once per draw. ``shared``: threshold variants read
    on this trunk's worlds (their entries run the control and the realist arm
    only); their rows carry the variant's name in ``spec``, the task's own rows
    ``variant.name``.
    """
    from herz.world.episodes import EpisodeRule

    t0, c0 = time.perf_counter(), time.process_time()
    params, keys, idx = batch_params(draws, variant, worlds, seed)
    rules = {v.name: EpisodeRule.from_params(params, **v.world) for v in shared}
    trunk = run_trunk(params, len(idx), seed, window, rules=rules, keys=keys, world_index=idx)
    # the routes are read at the verdict's horizon only: H + m - 1 years see every exit dated
    # within H (the control and the realist arm serve every variant: the full follow-up)
    short = HORIZON + EpisodeRule.from_params(params).exit_years - 1
    table = branch_entries(trunk, arms, follow, variant_arms=("control", "realist"),
                           route_follow=min(follow, short))
    table["spec"] = table["spec"].replace({PRIMARY: variant.name})
    table.insert(0, "point", (table["world"].to_numpy(np.int64) // worlds) if len(table)
                 else pd.Series(dtype=np.int64))
    entered = {(variant.name if k == PRIMARY else k): int(v.sum())
               for k, v in trunk.entered_by.items()}
    return {"variant": variant.name, "points": [int(d["point"]) for d in draws],
            "table": table, "worlds": worlds * len(draws), "entered": entered,
            "greedy_free": int((trunk.n_greedy == 0).sum()),
            "seconds": time.perf_counter() - t0, "cpu_seconds": time.process_time() - c0}


@dataclass
class StudyResult:
    """Everything the report and the JSON need."""

    size: StudySize
    draws: pd.DataFrame
    tables: dict[str, pd.DataFrame]
    worlds: dict[str, int]
    entered: dict[str, int]
    arms: list[ArmEstimate]
    realist: ArmEstimate
    control: ArmEstimate
    entered_share: tuple[float, float, float]
    specs: list[Specification]
    verdict: bool | None
    surfaces: dict[str, pd.DataFrame]
    incidence: dict[str, pd.DataFrame]
    costs: dict[str, tuple[float, float, float]]
    factorials: list[dict[str, Any]]
    seconds: float
    cpu_seconds: float
    task_seconds: float
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def verdict_text(self) -> str:
        """The verdict in one sentence."""
        return verdict_text(self)

    @property
    def study_world(self) -> list[list[str]]:
        """Rows (parameter, value, why) of the study's changes to the world's defaults."""
        rows = [[f"mechanisms.{k}", str(v), STUDY_WORLD_WHY.get(f"mechanisms.{k}", "")]
                for k, v in STUDY_WORLD["mechanisms"].items()]
        rows += [[k, str(v), STUDY_WORLD_WHY.get(k, "")] for k, v in STUDY_WORLD.items()
                 if k != "mechanisms"]
        return rows

    @property
    def ranges(self) -> list[list[str]]:
        """Rows (parameter, low, high, why) of the documented default ranges."""
        return [[r.name, f"{r.low:g}", f"{r.high:g}", r.why] for r in DEFAULT_RANGES]

    @property
    def route_specs(self) -> list[list[str]]:
        """Rows (route, parameter, scope, mode, dose 1, docs page) of the declared routes."""
        return [[r.label, r.parameter, r.scope, r.mode, r.full, r.docs] for r in ROUTES]

    def arm(self, name: str) -> Arm | None:
        """The arm named ``name`` (routes, factorials and references of the primary run)."""
        return next((a for a in reference_arms() + route_arms(self.size.doses)
                     if a.name == name), None)


def run_escape_study(size: str | StudySize | None = None, *, workers: int | None = None,
                     progress: bool = False,
                     on_task: Callable[[dict[str, Any]], None] | None = None) -> StudyResult:
    """Run the study (every draw x variant, in parallel) and analyse it."""
    t0, c0 = time.perf_counter(), time.process_time()
    sz = size if isinstance(size, StudySize) else study_size(size)
    region, source = plausible_region()
    draws = parameter_draws(sz.points, sz.seed, region)
    main_arms = reference_arms() + route_arms(sz.doses)
    shared = tuple(v for v in VARIANTS if v.thresholds_only)
    rows: list[dict[str, Any]] = []
    for _, row in draws.iterrows():
        d = {str(k): v for k, v in row.to_dict().items()}
        d["n_states"] = int(d["n_states"])
        d["point"] = int(d["point"])
        rows.append(d)
    same = identical_variants(rows)
    jobs: list[tuple[Any, ...]] = []
    for chunk in batches(rows, sz.batch):
        jobs.append((chunk, Variant(PRIMARY, "none"), sz.worlds, sz.seed, sz.window, sz.follow,
                     main_arms, shared))
        jobs += [(chunk, v, sz.variant_worlds, sz.seed, sz.window, sz.follow, reference_arms())
                 for v in VARIANTS if not v.thresholds_only and v.name not in same]
    # the long jobs first (worlds x pairs x arms), so the workers finish together
    jobs.sort(key=lambda j: -len(j[0]) * j[2] * j[0][0]["n_states"] ** 2 * len(j[6]))
    results: list[dict[str, Any]] = []
    from herz.experiment.threads import init_worker_threads, one_numba_thread

    bar = _progress(progress, len(jobs))
    with one_numba_thread(), bar as prog:
        task = prog.add_task("branching worlds at entry", total=len(jobs)) if prog else None
        n_workers = workers if workers is not None else (os.cpu_count() or 1)
        if n_workers <= 1:
            for job in jobs:
                results.append(_task(*job))
                if prog is not None:
                    prog.advance(task)
                if on_task is not None:
                    on_task(results[-1])
        else:
            import multiprocessing

            ctx = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=n_workers, mp_context=ctx,
                                     initializer=init_worker_threads, initargs=(1,)) as pool:
                futs = [pool.submit(_task, *job) for job in jobs]
                for fut in as_completed(futs):
                    results.append(fut.result())
                    if prog is not None:
                        prog.advance(task)
                    if on_task is not None:
                        on_task(results[-1])
    res = analyse_study(sz, draws, results, same_as_primary=same)
    res.seconds = time.perf_counter() - t0
    res.cpu_seconds = time.process_time() - c0 + res.task_seconds
    res.meta.update({"draws_from": "plausible region" if region is not None else "default ranges",
                     "region_source": source,
                     "fitted": list(getattr(region, "parameters", ())) if region else [],
                     "workers": workers, "cpu_count": os.cpu_count(),
                     "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg")
                     else None})
    return res


class _NoProgress:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> Literal[False]:
        return False


def _progress(show: bool, total: int) -> Any:
    if not show:
        return _NoProgress()
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), TimeRemainingColumn(), console=Console(stderr=True))


def analyse_study(sz: StudySize, draws: pd.DataFrame, results: Sequence[dict[str, Any]],
                  replicates: int | None = None,
                  same_as_primary: dict[str, str] | None = None) -> StudyResult:
    """Estimands, robustness table and verdict from the tasks' outputs.

    ``same_as_primary``: variants proven identical to the primary run (name ->
    why, :func:`order_matters`), not rerun: they read the primary run's control
    and realist rows.
    """
    from herz.analysis.intervals import wilson_interval

    reps = replicates if replicates is not None else sz.replicates
    parts: dict[str, list[pd.DataFrame]] = {}
    worlds: dict[str, int] = {}
    entered: dict[str, int] = {}
    for r in results:
        for spec, part in r["table"].groupby("spec", sort=False):
            parts.setdefault(str(spec), []).append(part)
        for spec, n in r["entered"].items():
            worlds[spec] = worlds.get(spec, 0) + int(r["worlds"])
            entered[spec] = entered.get(spec, 0) + int(n)
    tables = {k: pd.concat(v, ignore_index=True) for k, v in parts.items()}
    if "primary" not in tables:
        raise ParameterError("size", sz.name, "a study whose primary run enters the dilemma "
                             f"(none of its {worlds.get('primary', 0)} worlds entered): use "
                             "more draws or worlds")
    main = tables["primary"]
    arms = arm_estimates(main, HORIZON, replicates=reps, rng=sz.seed, pool=sz.pool)
    by = {a.name: a for a in arms}
    share = (entered["primary"] / max(worlds["primary"], 1),
             *wilson_interval(entered["primary"], worlds["primary"]))
    same = dict(same_as_primary or {})
    for name in same:  # proven identical to the primary run: its control and realist rows
        tables[name] = main[main["arm"].isin(["control", "realist"])].assign(spec=name)
        worlds[name], entered[name] = worlds["primary"], entered["primary"]
    specs = [_spec("primary", "none (H = 25)", main, HORIZON, reps, sz.seed, sz.pool)]
    specs += [_spec(f"H={h}", f"horizon {h} years", main, h, reps, sz.seed, sz.pool)
              for h in HORIZONS]
    for v in VARIANTS:  # a variant without entries reads as undecided
        changed = v.changed + (f" (identical to the primary run: {same[v.name]})"
                               if v.name in same else "")
        specs.append(_spec(v.name, changed, tables.get(v.name, main.iloc[:0]), HORIZON, reps,
                           sz.seed, sz.pool))
    verdict = primarily_escapable(specs)
    return StudyResult(
        size=sz, draws=draws, tables=tables, worlds=worlds, entered=entered, arms=arms,
        costs=route_costs(main, reps, sz.seed, sz.pool),
        factorials=factorials(main, reps, sz.seed, sz.pool),
        realist=by["realist"], control=by["control"],
        entered_share=(float(share[0]), float(share[1]), float(share[2])),
        specs=specs, verdict=verdict, surfaces=surfaces(main, draws, reps, sz.seed),
        incidence=incidence(main), seconds=0.0, cpu_seconds=0.0,
        task_seconds=float(sum(r["cpu_seconds"] for r in results)),
        meta={"greedy_free_worlds": int(sum(r["greedy_free"] for r in results
                                            if r["variant"] == "primary")),
              "identical_to_primary": same, "pool": sz.pool})


def route_costs(table: pd.DataFrame, reps: int, seed: int, pool: Pool = "entries"
                ) -> dict[str, tuple[float, float, float]]:
    """Mean output-years spent per entry by each arm (estimate, low, high), clustered on worlds.

    Only signals have a price in the world's own units (the offence a signal
    scraps, :func:`herz.studies.branching.signal_outlay`); every other route
    costs 0 output-years here (treaty costs are payoff units, technology and
    norms have no modelled price).
    """
    out: dict[str, tuple[float, float, float]] = {}
    for arm, rows in table.groupby("arm", sort=False):
        if not float(rows["cost"].abs().sum()):
            out[str(arm)] = (0.0, 0.0, 0.0)
            continue
        b = clustered_bootstrap(rows, ["cost"], replicates=min(reps, 400), rng=seed,
                                pool=pool).to_dict("index")["cost"]
        out[str(arm)] = (float(b["estimate"]), float(b["low"]), float(b["high"]))
    return out


def factorials(table: pd.DataFrame, reps: int, seed: int, pool: Pool = "entries"
               ) -> list[dict[str, Any]]:
    """Interaction of each 2 x 2 factorial of :data:`FACTORIAL` present in ``table``."""
    from herz.analysis.estimands import interaction

    present = set(table["arm"])
    out = []
    for combo in FACTORIAL:
        a, b, ab = arm_name([combo[0]]), arm_name([combo[1]]), arm_name(combo)
        if not {a, b, ab} <= present:
            continue
        est = interaction(table, HORIZON, a, b, ab, replicates=reps, rng=seed, pool=pool)
        scope = "pair" if combo[0][0].startswith("pair_") else "system"
        out.append({"name": ab, "a": a, "b": b, "scope": scope, **est})
    return out


def _spec(name: str, changed: str, table: pd.DataFrame, horizon: int, reps: int,
          seed: int, pool: Pool = "entries") -> Specification:
    sub = table[table["arm"].isin(["control", "realist"])]
    if sub.empty:
        nan = float("nan")
        return specification(name, changed, 0, nan, (nan, nan), nan, (nan, nan))
    est = {a.name: a for a in arm_estimates(sub, horizon, replicates=reps, rng=seed,
                                            pool=pool)}
    c, r = est["control"], est["realist"]
    assert r.effect is not None and r.effect_ci is not None
    return specification(name, changed, c.entries, c.p_exit, c.ci, -r.effect,
                         (-r.effect_ci[1], -r.effect_ci[0]))


#: Factors of the response surfaces (the draws' parameters and the pair's informativeness).
SURFACE_FACTORS = ("p_greedy", "n_states", "informativeness", "war_cost_share")
#: A surface factor with more values than this is read in quartiles of the entries.
SURFACE_LEVELS = 6


def surfaces(table: pd.DataFrame, draws: pd.DataFrame, reps: int, seed: int
             ) -> dict[str, pd.DataFrame]:
    """P(exit within H | entered) of the control and the realist arm along each surface factor.

    A factor with at most :data:`SURFACE_LEVELS` values (the number of states)
    has one row per value; the others (motive informativeness at entry, and
    parameters that vary by draw) one row per quartile of the entries.
    Intervals clustered on worlds.
    """
    ind = entry_indicators(table[table["arm"].isin(["control", "realist"])], HORIZON)
    ind = ind.merge(draws, on="point", how="left")
    out: dict[str, pd.DataFrame] = {}
    for name in SURFACE_FACTORS:
        q = ind.loc[ind["arm"] == "control", name]
        if name == "informativeness" or q.nunique() > SURFACE_LEVELS:
            # quartiles of the entries (the draws are many: one point per draw would be noise)
            if q.nunique() < 2:
                continue
            edges = [float(x) for x in np.unique(np.quantile(q, [0, 0.25, 0.5, 0.75, 1.0]))]
            ind["bin"] = pd.cut(ind[name], edges, include_lowest=True)
            key = "bin"
        else:
            key = name
        rows = []
        for level, grp in ind.groupby(key, observed=True):
            lv: Any = level
            row: dict[str, Any] = {"level": float(lv.mid) if key == "bin" else float(lv)}
            for arm in ("control", "realist"):
                g = grp[grp["arm"] == arm]
                g = g.assign(point=0)
                b = clustered_bootstrap(g, ["exit_h"], replicates=min(reps, 400),
                                        rng=seed).to_dict("index")["exit_h"]
                row[f"{arm}_p_exit"] = float(b["estimate"])
                row[f"{arm}_low"] = float(b["low"])
                row[f"{arm}_high"] = float(b["high"])
                row["entries"] = len(g)
            rows.append(row)
        out[name] = pd.DataFrame(rows)
    return out


def incidence(table: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Aalen-Johansen cumulative incidence of each outcome, per reference arm."""
    out = {}
    for arm in ("control", "realist"):
        rows = table[table["arm"] == arm]
        if len(rows):
            out[arm] = aalen_johansen(rows["end_year"].where(rows["end"] != "exit",
                                                             rows["exit_year"]), rows["end"])
    return out


def write_study_json(res: StudyResult, path: Path) -> Path:
    """``escape_report.json``: the study's numbers in the keys of issue 20."""
    path.write_text(json.dumps(study_json(res), indent=2, allow_nan=False, default=_clean),
                    encoding="utf-8")
    return path


def _clean(x: Any) -> Any:
    if isinstance(x, np.generic):
        return x.item()
    raise TypeError(f"not JSON: {type(x)}")


def _num(x: float | None) -> float | None:
    return None if x is None or x != x else float(x)


def _ci(t: tuple[float, float] | None) -> list[float | None] | None:
    return None if t is None else [_num(t[0]), _num(t[1])]


def study_json(res: StudyResult) -> dict[str, Any]:
    """The JSON document (NaN written as null)."""
    from herz.report.escape import averaged_over  # lazy: matplotlib stays out of startup

    w, e = res.worlds["primary"], res.entered["primary"]
    est, lo, hi = res.entered_share
    never = (1.0 - est, 1.0 - hi, 1.0 - lo)
    ref = {a.name: a for a in res.arms}

    def ref_arm(a: ArmEstimate) -> dict[str, Any]:
        return {"p_exit": _num(a.p_exit), "ci": _ci(a.ci),
                "ci_simulation": _ci(a.ci_simulation), "entries": a.entries,
                "p_war": _num(a.p_war), "war_ci": _ci(a.war_ci),
                "p_predation": _num(a.p_predation),
                "mean_years_in_dilemma": _num(a.years),
                "median_time_to_exit": a.median_time_to_exit}

    primary = next(s for s in res.specs if s.name == "primary")
    return {
        "horizon": HORIZON,
        "worlds": w,
        "entered": e,
        "entered_share": {"value": est, "ci": [lo, hi]},
        "never_entered_share": {"value": never[0], "ci": [never[1], never[2]]},
        "control": ref_arm(ref["control"]),
        "realist": ref_arm(ref["realist"]),
        "routes": [{"name": a.name, "kind": a.kind, "dose": a.dose, "entries": a.entries,
                    **_declared(res, a.name),
                    "p_exit": _num(a.p_exit), "ci": _ci(a.ci),
                    "ci_simulation": _ci(a.ci_simulation), "effect": _num(a.effect),
                    "effect_ci": _ci(a.effect_ci), "war_effect": _num(a.war_effect),
                    "war_effect_ci": _ci(a.war_effect_ci),
                    "years_effect": _num(a.years_effect),
                    "years_effect_ci": _ci(a.years_effect_ci),
                    "median_time_to_exit": a.median_time_to_exit}
                   for a in res.arms if a.kind in ("route", "factorial")],
        "factorials": res.factorials,
        "robustness": [{**s.to_dict(), "E": _num(s.E), "E_ci": _ci(s.E_ci), "A": _num(s.A),
                        "A_ci": _ci(s.A_ci)} for s in res.specs],
        "verdict": {"text": verdict_text(res), "E": _num(primary.E), "E_ci": _ci(primary.E_ci),
                    "A": _num(primary.A), "A_ci": _ci(primary.A_ci),
                    "primarily_escapable": res.verdict,
                    "averaged_over": averaged_over(res)},
        "draws": res.draws.to_dict(orient="records"),
        "size": res.size.to_dict(),
        "seconds": res.seconds,
        "cpu_seconds": res.cpu_seconds,
    }


def _declared(res: StudyResult, name: str) -> dict[str, Any]:
    """The arm's scope, mode and cost in output-years (with its interval and note)."""
    arm = res.arm(name)
    cost = res.costs.get(name, (0.0, 0.0, 0.0))
    by_name = {r.name: r for r in ROUTES}
    notes = sorted({by_name[n].cost for n, _ in (arm.routes if arm else ())})
    return {"scope": arm.scope if arm else None, "mode": arm.mode if arm else None,
            "cost": cost[0], "cost_ci": [cost[1], cost[2]],
            "cost_unit": "output-years per entry within 25 years (sum over the states that pay)",
            "cost_note": "; ".join(notes)}


def verdict_text(res: StudyResult) -> str:
    """The verdict in one sentence."""
    from herz.report.escape import averaged_over  # lazy: matplotlib stays out of startup

    primary = next(s for s in res.specs if s.name == "primary")
    word = {True: "primarily escapable", False: "not primarily escapable",
            None: "undecided"}[res.verdict]
    says = {True: "escapable", False: "not escapable", None: "undecided"}
    counts = {k: [s.name for s in res.specs if s.verdict is k] for k in (True, False, None)}
    tail = "; specifications: " + ", ".join(
        f"{len(v)} {says[k]}" + (f" ({', '.join(v)})" if 0 < len(v) <= 3 else "")
        for k, v in counts.items() if v)
    return (f"By the rule fixed in advance the dilemma is {word}: E = {primary.E:.2f} "
            f"[{primary.E_ci[0]:.2f}, {primary.E_ci[1]:.2f}] of pairs exit within {HORIZON} "
            f"years in the calibrated world, A = {primary.A:+.2f} [{primary.A_ci[0]:+.2f}, "
            f"{primary.A_ci[1]:+.2f}] against the realist arm{tail}. "
            + (f"E pools the entries of {res.size.points} parameter draws (each draw weighs "
               "by its entries)" if res.size.pool == "entries" else
               f"E is the mean of {res.size.points} parameter draws' own ratios")
            + f": {averaged_over(res)}.")


__all__ += ["HORIZONS", "ORDER_SAME", "ROUTES", "identical_variants", "incidence",
            "order_matters", "study_json", "surfaces", "verdict_text", "write_study_json"]
