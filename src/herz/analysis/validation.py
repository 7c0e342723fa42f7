"""The world against history: the record's patterns from simulated worlds, the fit, the variants.

DESIGN.md section 5 and docs/validation.md. The mapping of the record's
concepts into the world (each a documented function below):

- **rivalry** (:func:`rivalry_spells`): a pair whose mutual beliefs of greed
  mu_ij and mu_ji are both >= 0.5 for at least 3 consecutive years (the spell
  begins in the first of them); it ends after 5 consecutive years in which both
  are below 0.3 (its last year is the one before those five) or when a member
  dies; a spell still running at the horizon is censored. This is the
  perceptual definition of the TSS rivalry data (Thompson 2001).
- **dispute** (:func:`confrontations`): a pair-year in which either state
  crosses the war index's lower cutpoint (the world's ``disputes``) or a war
  between them begins (MID codes the war's own dispute too).
- **war onset**: a war starts between the pair in a year (``attacks``; a war that
  ends within its first year counts, and that year counts as a year at war).
- **arms race at a dispute's onset**: both states' *measured* spending (the
  world's spending times log-normal measurement noise, sd
  :data:`MEASUREMENT_NOISE`) grew by at least 8% a year (geometric mean) over
  the 3 years ending the year before onset: the rule of
  :mod:`herz.analysis.escalation` and of DESIGN section 3.
- **military burden**: spending over output, in percent, over living
  state-years.

A *simulated history* (:func:`simulate_history`) is ``worlds`` worlds of
``n_states`` states run for ``burn_in`` + ``years`` years (192 years: the
record's 1816-2007); only years after the burn-in count. The fitted
parameters are per-world fields of the world (``per_world=True`` in
:mod:`herz.world.params`), so :func:`simulate_histories` runs many draws'
histories in one batch, and the reference table costs one batched run per
chunk of draws instead of one run per draw (bit for bit the same table:
each draw's worlds keep their own seeds; ``bench/reference_table.py``
measures the speed-up).

The fit (:func:`fit`): a reference table over seven free parameters
(:data:`FREE_PARAMETERS`) drawn from uniform priors, rejection ABC with
regression adjustment and history matching (:mod:`herz.analysis.abc`) on the
five cheap patterns; the sixth (action-reaction) is only a predictive check,
because its Toda-Yamamoto tests take about a third of a second per pair.
Variants (bias on, inertia off) are compared by ABC model choice: pooled
tables with equal prior mass, posterior probability = share of accepted draws
(Grelaud et al. 2009).

References
----------
Thompson, W. R. (2001). Identifying rivals and rivalries in world politics.
*International Studies Quarterly* 45(4): 557-586.

Grelaud, A., Robert, C. P., Marin, J.-M., Rodolphe, F. & Taly, J.-F. (2009). ABC
likelihood-free methods for model choice in Gibbs random fields. *Bayesian
Analysis* 4(2): 317-336.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from herz.analysis import abc
from herz.analysis.escalation import BUILDUP_GROWTH, BUILDUP_YEARS
from herz.analysis.patterns import km_median
from herz.errors import ParameterError
from herz.rng import RngLike, as_seed_sequence

__all__ = [
    "FIT_STATISTICS",
    "FREE_PARAMETERS",
    "MEASUREMENT_NOISE",
    "RIVALRY_END",
    "RIVALRY_END_YEARS",
    "RIVALRY_START",
    "RIVALRY_START_YEARS",
    "VARIANTS",
    "History",
    "confrontations",
    "draw_parameters",
    "fit",
    "history_statistics",
    "in_plausible_region",
    "plausible_region",
    "reference_table",
    "rivalry_spells",
    "run_validation",
    "simulate_histories",
    "simulate_history",
    "variant_choice",
]

RIVALRY_START, RIVALRY_START_YEARS = 0.5, 3
RIVALRY_END, RIVALRY_END_YEARS = 0.3, 5
#: sd of the log-normal noise on measured spending (NMC's yearly figures: a few percent).
MEASUREMENT_NOISE = 0.05
#: Years of the record (COW 1816-2007) that one simulated history covers after its burn-in.
RECORD_YEARS = 192
#: The free parameters of the fit and their uniform priors. ``budget_share`` (the cap B on
#: a year's spending, a share of output) starts at 0.1, the record's 90th percentile of
#: the burden (SIPRI 1949-2023: 10% of country-years above 10.1%, 5% above 14.8%, the
#: largest 30.5%): a cap below it could not let the record's high-burden years happen,
#: yet it reproduced the record's median by holding most state-years at the cap (at the
#: posterior's p_greedy 0.22, B 0.04 put 82% of state-years at the cap; docs/validation.md).
#: ``grievance`` (Richardson's g, one value per world for all its states) was calibrated
#: to the record's median burden at the world's defaults (p_greedy 0.1, perception_noise
#: 0.1), which the fit moves; its prior 0-0.4 arms units a year at the reference output is a
#: baseline burden g / Y_ref of 0 (all spending a reaction to threat) to 4% (the record's
#: median burden, all of it baseline).
FREE_PARAMETERS: dict[str, tuple[float, float]] = {
    "p_greedy": (0.02, 0.5),
    "war_intercept": (-9.0, -3.0),
    "dispute_cutpoint": (0.5, 5.0),
    "budget_share": (0.1, 0.3),
    "spending_inertia": (0.1, 0.95),
    "perception_noise": (0.02, 0.5),
    "grievance": (0.0, 0.4),
}
#: The patterns the fit uses (the action-reaction share is a predictive check only).
FIT_STATISTICS: tuple[str, ...] = (
    "rivalry_war_share", "rivalry_duration", "war_onset_rate", "escalation_odds_ratio",
    "military_burden",
)
#: Model variants compared by the same patterns: name -> (fixed changes, extra free priors).
VARIANTS: dict[str, tuple[dict[str, Any], dict[str, tuple[float, float]]]] = {
    "baseline": ({}, {}),
    "bias_on": ({"misperception": True}, {"misperception_bias": (0.05, 0.8)}),
    "inertia_off": ({"spending_inertia": 1.0}, {}),
}


@dataclass(frozen=True)
class History:
    """The yearly pair and state arrays of one simulated history (after the burn-in).

    ``mistrust`` (T, W, N, N) [i, j] = mu_ij; ``disputes`` and ``war_onset``
    (T, W, N, N) symmetric booleans; ``at_war`` (T, W, N, N); ``spending``,
    ``output`` (T, W, N); ``alive`` (T, W, N).
    """

    mistrust: NDArray[np.float64]
    disputes: NDArray[np.bool_]
    at_war: NDArray[np.bool_]
    war_onset: NDArray[np.bool_]
    spending: NDArray[np.float64]
    output: NDArray[np.float64]
    alive: NDArray[np.bool_]
    params: dict[str, Any] = field(default_factory=dict)


#: The yearly arrays of a History, in order.
_FIELDS = ("mistrust", "disputes", "at_war", "war_onset", "spending", "output", "alive")


class _Recorder:
    """The tracker hook of :func:`herz.world.simulate.run_batch`: copies what validation reads."""

    def __init__(self) -> None:
        self.rows: dict[str, list[NDArray[Any]]] = {k: [] for k in (
            "mistrust", "disputes", "attacks", "at_war", "spending", "output", "alive")}

    def update(self, state: Any) -> None:
        for k, v in self.rows.items():
            v.append(np.array(getattr(state, k), copy=True))


def world_params(values: Mapping[str, Any], base: Any = None) -> Any:
    """``base`` (default WorldParams) with ``values`` applied; ``misperception`` is the switch."""
    from herz.world.params import WorldParams

    p = WorldParams() if base is None else base
    values = dict(values)
    if "misperception" in values:
        on = bool(values.pop("misperception"))
        p = p.replace(mechanisms=dataclasses.replace(p.mechanisms, misperception=on))
    return p.replace(**values)


def _check_sizes(worlds: int, n_states: int, years: int, burn_in: int) -> None:
    if worlds < 1 or n_states < 2 or years < 10 or burn_in < 0:
        raise ParameterError("worlds, n_states, years, burn_in", (worlds, n_states, years,
                                                                  burn_in),
                             "need worlds >= 1, n_states >= 2, years >= 10, burn_in >= 0")


def _recorded(p: Any, keys: NDArray[np.uint64], world_index: NDArray[np.int64],
              steps: int) -> dict[str, NDArray[Any]]:
    """Run the worlds ``keys`` for ``steps`` years; every year of what validation reads.

    The arrays of :class:`History` (before the burn-in is cut): ``disputes``
    symmetric and counting attacks, ``war_onset`` a war started that year
    (``attacks``, also one that ended within the year) or ``at_war`` rising;
    ``at_war`` includes such wars; booleans as bool.
    """
    from herz.world.simulate import run_batch
    from herz.world.state import initial_state

    state = initial_state(p, keys, world_index)
    rec = _Recorder()
    run_batch(p, state, steps, tracker=rec)  # type: ignore[arg-type]
    arr = {k: np.asarray(v) for k, v in rec.rows.items()}
    # a war started this year is an onset and a year at war even when it ended within the
    # year (``at_war`` after the step no longer shows it)
    attacks = arr["attacks"].astype(bool)
    started = attacks | np.swapaxes(attacks, -1, -2)
    after = arr["at_war"].astype(bool)
    prev = np.concatenate([np.zeros_like(after[:1]), after[:-1]])
    at_war = after | started
    disputes = arr["disputes"].astype(bool) | attacks
    return {"mistrust": arr["mistrust"], "disputes": disputes | np.swapaxes(disputes, -1, -2),
            "at_war": at_war, "war_onset": started | (after & ~prev), "spending": arr["spending"],
            "output": arr["output"], "alive": arr["alive"].astype(bool)}


def _history(arr: Mapping[str, NDArray[Any]], burn_in: int, worlds: slice,
             params: dict[str, Any]) -> History:
    """The History of worlds ``worlds`` of :func:`_recorded`'s arrays, after the burn-in."""
    sl = (slice(burn_in, None), worlds)
    return History(**{name: np.ascontiguousarray(arr[name][sl]) for name in _FIELDS},
                   params=params)


def simulate_history(values: Mapping[str, Any], worlds: int = 8, n_states: int = 8,
                     years: int = RECORD_YEARS, burn_in: int = 30, rng: RngLike = None,
                     base: Any = None) -> History:
    """Run one history (``worlds`` worlds of ``n_states`` states) at parameters ``values``."""
    from herz.world.noise import world_keys

    _check_sizes(worlds, n_states, years, burn_in)
    p = world_params({**dict(values), "n_states": n_states, "burn_in": burn_in}, base)
    keys = world_keys(as_seed_sequence(rng), worlds)
    arr = _recorded(p, keys, np.arange(worlds), burn_in + years)
    return _history(arr, burn_in, slice(None), dict(values))


#: Memory budget of one batched chunk of histories (the recorded yearly arrays), bytes.
HISTORY_MEMORY = 256 * 2**20


def _history_bytes(worlds: int, n_states: int, steps: int) -> int:
    """Bytes the recorder keeps for ``worlds`` worlds over ``steps`` steps (about)."""
    return steps * worlds * (n_states * n_states * 11 + n_states * 17)


def simulate_histories(draws: Sequence[Mapping[str, Any]], worlds: int = 8, n_states: int = 8,
                       years: int = RECORD_YEARS, burn_in: int = 30,
                       rngs: Sequence[RngLike] | None = None, base: Any = None,
                       fixed: Mapping[str, Any] | None = None) -> list[History]:
    """The histories of many parameter draws from one batched run of the world.

    Draw k's ``worlds`` worlds hold its values as per-world parameters
    (:meth:`herz.world.params.WorldParams.with_world_values`) and are keyed by
    ``rngs[k]`` exactly as :func:`simulate_history` keys them, so history k is
    bit for bit ``simulate_history({**fixed, **draws[k]}, ..., rng=rngs[k])``.
    Every draw must give values only for per-world fields
    (:data:`herz.world.params.PER_WORLD`) and the same set of them; ``fixed``
    holds the values shared by every draw (a variant's switches).
    """
    from herz.world.noise import world_keys
    from herz.world.params import PER_WORLD, check_per_world

    _check_sizes(worlds, n_states, years, burn_in)
    n = len(draws)
    if n == 0:
        return []
    names = tuple(draws[0])
    for k, d in enumerate(draws):
        if tuple(d) != names:
            raise ParameterError(f"draws[{k}]", dict(d), f"must give the fields {list(names)}")
    for name in names:
        if name not in PER_WORLD:
            raise ParameterError(name, draws[0][name], "is not a per-world field; per-world "
                                 "fields are " + ", ".join(PER_WORLD) + " (put switches and "
                                 "shared values in fixed)")
    seeds = [as_seed_sequence(r) for r in (rngs if rngs is not None else [None] * n)]
    if len(seeds) != n:
        raise ParameterError("rngs", len(seeds), f"need one seed per draw ({n})")
    p = world_params({**dict(fixed or {}), "n_states": n_states, "burn_in": burn_in}, base)
    values = {name: np.repeat([float(d[name]) for d in draws], worlds) for name in names}
    pw = check_per_world(values, n * worlds, p)
    p = p.with_world_values(pw)
    keys = np.concatenate([world_keys(s, worlds) for s in seeds])
    arr = _recorded(p, keys, np.tile(np.arange(worlds), n), burn_in + years)
    return [_history(arr, burn_in, slice(k * worlds, (k + 1) * worlds),
                     {**dict(fixed or {}), **dict(draws[k])}) for k in range(n)]


def _runs(mask: NDArray[np.bool_]) -> list[tuple[int, int]]:
    """(start, end) of the runs of True in a 1-d mask, end inclusive."""
    padded = np.concatenate([[False], mask, [False]])
    d = np.diff(padded.astype(np.int8))
    return list(zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1) - 1, strict=True))


def rivalry_spells(history: History) -> list[dict[str, Any]]:
    """Rivalry spells of every unordered pair of every world (the mapping in the module doc).

    Each spell: world, i, j, start, end (last rivalry year, inclusive), ended
    (False when censored at the horizon), left (already running in the first
    year: its start is unknown, so it is kept out of the duration pattern).
    """
    mu = history.mistrust
    t_len, w_len, n, _ = mu.shape
    both_hi = (mu >= RIVALRY_START) & (np.swapaxes(mu, -1, -2) >= RIVALRY_START)
    both_lo = (mu < RIVALRY_END) & (np.swapaxes(mu, -1, -2) < RIVALRY_END)
    alive = history.alive
    spells = []
    iu, ju = np.triu_indices(n, 1)
    for w in range(w_len):
        for i, j in zip(iu, ju, strict=True):
            live = alive[:, w, i] & alive[:, w, j]
            hi = both_hi[:, w, i, j] & live
            if not hi.any():
                continue
            lo = both_lo[:, w, i, j]
            t = 0
            while t < t_len:
                # a start: RIVALRY_START_YEARS consecutive high years from t
                if not hi[t]:
                    t += 1
                    continue
                run = t
                while run < t_len and hi[run]:
                    run += 1
                if run - t < RIVALRY_START_YEARS and run < t_len:
                    t = run
                    continue
                if run - t < RIVALRY_START_YEARS:
                    break  # too short at the horizon: not (yet) a rivalry
                start, u, low_run, end, ended = t, t, 0, None, False
                while u < t_len:
                    if not live[u]:
                        end, ended = u - 1, True
                        break
                    low_run = low_run + 1 if lo[u] else 0
                    if low_run == RIVALRY_END_YEARS:
                        end, ended = u - RIVALRY_END_YEARS, True
                        break
                    u += 1
                if end is None:
                    end = t_len - 1
                spells.append({"world": w, "i": int(i), "j": int(j), "start": start,
                               "end": end, "ended": ended, "left": start == 0})
                t = u + 1
    return spells


def confrontations(history: History, spells: Sequence[Mapping[str, Any]],
                   noise: float = MEASUREMENT_NOISE, rng: RngLike = None
                   ) -> NDArray[np.bool_]:
    """(race at onset, war) for every dispute-year between rivals: an (n, 2) boolean array.

    Race: both states' measured spending grew >= 8%/yr (geometric mean) over the
    3 years ending the year before the dispute; disputes in the first 4 years
    (no such window) are left out.
    """
    gen = np.random.default_rng(as_seed_sequence(rng))
    m = history.spending * np.exp(gen.normal(0.0, noise, history.spending.shape))
    with np.errstate(divide="ignore", invalid="ignore"):
        logm = np.log(np.where(m > 0, m, np.nan))
    rows = []
    k = BUILDUP_YEARS
    for s in spells:
        w, i, j = s["world"], s["i"], s["j"]
        for t in range(max(s["start"], k + 1), s["end"] + 1):
            if not history.disputes[t, w, i, j]:
                continue
            gi = np.expm1((logm[t - 1, w, i] - logm[t - 1 - k, w, i]) / k)
            gj = np.expm1((logm[t - 1, w, j] - logm[t - 1 - k, w, j]) / k)
            if not (np.isfinite(gi) and np.isfinite(gj)):
                continue
            rows.append((gi >= BUILDUP_GROWTH and gj >= BUILDUP_GROWTH,
                         bool(history.war_onset[t, w, i, j])))
    return np.asarray(rows, dtype=bool).reshape(-1, 2)


def _odds_ratio(rows: NDArray[np.bool_]) -> float:
    """Cross-product ratio with 0.5 added to every cell (Haldane-Anscombe), NaN if no race."""
    if len(rows) == 0:
        return float("nan")
    r, w = rows[:, 0], rows[:, 1]
    a, b = np.sum(r & w) + 0.5, np.sum(r & ~w) + 0.5
    c, d = np.sum(~r & w) + 0.5, np.sum(~r & ~w) + 0.5
    return float(a * d / (b * c))


def _duration_median(durations: Sequence[int], ended: Sequence[int]) -> float:
    """Kaplan-Meier median, or the exponential median where KM does not reach 0.5.

    With few spells, most censored, the KM curve may stay above 0.5; then the
    median of the exponential fit to the censored spells,
    ln 2 * years / (ended spells + 1/2), which stays finite with none ended.
    """
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        med, _, _ = km_median(durations, ended)
    if np.isfinite(med):
        return med
    return float(np.log(2) * np.sum(durations) / (np.sum(ended) + 0.5))


def history_statistics(history: History, noise: float = MEASUREMENT_NOISE,
                       rng: RngLike = None) -> dict[str, float]:
    """The five cheap patterns (:data:`FIT_STATISTICS`) of one simulated history.

    NaN where a history has nothing to measure (no rivalry, no dispute).
    Counts are returned too (``n_rivalries``, ``rival_dyad_years``, ``n_confrontations``).
    """
    spells = rivalry_spells(history)
    out: dict[str, float] = {k: float("nan") for k in FIT_STATISTICS}
    alive = history.alive
    burden = 100 * history.spending[alive] / np.maximum(history.output[alive], 1e-12)
    out["military_burden"] = float(np.median(burden)) if burden.size else float("nan")
    out["n_rivalries"] = float(len(spells))
    if spells:
        wars = [bool(history.at_war[s["start"]:s["end"] + 1, s["world"], s["i"], s["j"]].any())
                for s in spells]
        out["rivalry_war_share"] = float(np.mean(wars))
        fresh = [s for s in spells if not s["left"]]
        if fresh:
            out["rivalry_duration"] = _duration_median(
                [s["end"] - s["start"] + 1 for s in fresh], [int(s["ended"]) for s in fresh])
        onsets = sum(int(history.war_onset[s["start"]:s["end"] + 1, s["world"], s["i"],
                                           s["j"]].sum()) for s in spells)
        years = sum(s["end"] - s["start"] + 1 for s in spells)
        out["war_onset_rate"] = onsets / years
        out["rival_dyad_years"] = float(years)
        rows = confrontations(history, spells, noise=noise, rng=rng)
        out["n_confrontations"] = float(len(rows))
        out["escalation_odds_ratio"] = _odds_ratio(rows)
    else:
        out["rival_dyad_years"] = 0.0
        out["n_confrontations"] = 0.0
    return out


def rival_spending_pairs(history: History, lengths: Sequence[int], noise: float = MEASUREMENT_NOISE,
                         rng: RngLike = None) -> list[tuple[NDArray[np.float64],
                                                            NDArray[np.float64]]]:
    """Measured spending of simulated rivals, cut to the observed episodes' lengths.

    For each observed length L (in order), the next rivalry spell with at
    least L years gives its first L years (with measurement noise); lengths no
    spell is long enough for are skipped. The input of
    :func:`herz.analysis.patterns.reaction_share_of_series`.
    """
    gen = np.random.default_rng(as_seed_sequence(rng))
    spells = sorted(rivalry_spells(history), key=lambda s: s["start"] - s["end"])
    out = []
    used = 0
    for length in sorted(lengths, reverse=True):
        if used >= len(spells):
            break
        s = spells[used]
        if s["end"] - s["start"] + 1 < length:
            continue
        used += 1
        sl = slice(s["start"], s["start"] + length)
        a = history.spending[sl, s["world"], s["i"]]
        b = history.spending[sl, s["world"], s["j"]]
        out.append((a * np.exp(gen.normal(0, noise, length)),
                    b * np.exp(gen.normal(0, noise, length))))
    return out


def draw_parameters(priors: Mapping[str, tuple[float, float]], n: int,
                    rng: RngLike = None) -> NDArray[np.float64]:
    """``n`` draws from independent uniform priors, one column per parameter (Latin hypercube)."""
    from scipy.stats import qmc

    seed = as_seed_sequence(rng)
    u = qmc.LatinHypercube(d=len(priors), rng=np.random.default_rng(seed)).random(n)
    lo = np.array([b[0] for b in priors.values()])
    hi = np.array([b[1] for b in priors.values()])
    return lo + u * (hi - lo)


def _one_draw(task: tuple[dict[str, Any], int, int, int, int, np.random.SeedSequence]
              ) -> list[float]:
    """The fit statistics of one history (a top-level function, so worker processes can run it)."""
    values, worlds, n_states, years, burn_in, seed = task
    hist = simulate_history(values, worlds=worlds, n_states=n_states, years=years,
                            burn_in=burn_in, rng=seed)
    st = history_statistics(hist, rng=seed)
    return [st[s] for s in FIT_STATISTICS]


def _one_chunk(task: tuple[list[dict[str, Any]], dict[str, Any], int, int, int, int,
                            list[np.random.SeedSequence]]) -> list[list[float]]:
    """The fit statistics of a chunk of draws from one batched run (a top-level function)."""
    draws, fixed, worlds, n_states, years, burn_in, seeds = task
    hists = simulate_histories(draws, worlds=worlds, n_states=n_states, years=years,
                               burn_in=burn_in, rngs=seeds, fixed=fixed)
    rows = []
    for hist, seed in zip(hists, seeds, strict=True):
        st = history_statistics(hist, rng=seed)
        rows.append([st[s] for s in FIT_STATISTICS])
    return rows


def _chunked_histories(draws: Sequence[Mapping[str, Any]], size: int, worlds: int,
                       n_states: int, years: int, fixed: Mapping[str, Any],
                       seeds: Sequence[np.random.SeedSequence]) -> Any:
    """Histories of ``draws``, ``size`` to a batched run, yielded in order."""
    for s in range(0, len(draws), size):
        yield from simulate_histories(draws[s:s + size], worlds=worlds, n_states=n_states,
                                      years=years, rngs=seeds[s:s + size], fixed=fixed)


def history_chunk(worlds: int, n_states: int, steps: int, memory: int = HISTORY_MEMORY) -> int:
    """Draws per batched run so that its recorded history fits ``memory`` bytes (>= 1)."""
    return max(1, int(memory // max(1, _history_bytes(worlds, n_states, steps))))


def reference_table(n: int, priors: Mapping[str, tuple[float, float]] | None = None,
                    fixed: Mapping[str, Any] | None = None, worlds: int = 8,
                    n_states: int = 8, years: int = RECORD_YEARS, rng: RngLike = None,
                    progress: Callable[[int, int], None] | None = None, jobs: int = 1,
                    burn_in: int = 30, batched: bool = True,
                    chunk: int | None = None) -> abc.ReferenceTable:
    """``n`` parameter draws and the patterns of one simulated history at each.

    ``batched`` (default): the draws run as per-world parameters, ``chunk``
    draws to a batch (default: as many as :data:`HISTORY_MEMORY` allows,
    :func:`history_chunk`), through :func:`simulate_histories`; otherwise one
    batch of ``worlds`` worlds per draw. Both give the same table bit for bit
    (each draw's worlds keep their own seed). ``fixed``: parameter values held
    at every draw (a variant's switches). ``jobs`` > 1 runs the draws (or
    chunks) in that many worker processes (same results).
    """
    priors = dict(FREE_PARAMETERS if priors is None else priors)
    if jobs < 1:
        raise ParameterError("jobs", jobs, "must be >= 1")
    if chunk is not None and chunk < 1:
        raise ParameterError("chunk", chunk, "must be >= 1")
    seed = as_seed_sequence(rng)
    draw_seed, *run_seeds = seed.spawn(n + 1)
    params = draw_parameters(priors, n, rng=draw_seed)
    stats = np.full((n, len(FIT_STATISTICS)), np.nan)
    if batched:
        from herz.world.params import PER_WORLD

        batched = all(name in PER_WORLD for name in priors)
    if batched:
        size = chunk or history_chunk(worlds, n_states, burn_in + years)
        if jobs > 1:  # every worker gets work
            size = max(1, min(size, -(-n // jobs)))
        chunks = [(list(range(s, min(n, s + size)))) for s in range(0, n, size)]
        ctasks = [([dict(zip(priors, params[k].tolist(), strict=True)) for k in ks],
                   dict(fixed or {}), worlds, n_states, years, burn_in,
                   [run_seeds[k] for k in ks]) for ks in chunks]
        done = 0
        if jobs == 1:
            results: Any = map(_one_chunk, ctasks)
            pool = None
        else:
            from concurrent.futures import ProcessPoolExecutor

            pool = ProcessPoolExecutor(max_workers=jobs)
            results = pool.map(_one_chunk, ctasks)
        try:
            for ks, rows in zip(chunks, results, strict=True):
                stats[ks] = rows
                done += len(ks)
                if progress is not None:
                    progress(done, n)
        finally:
            if pool is not None:
                pool.shutdown()
        return abc.ReferenceTable(params, stats, tuple(priors), FIT_STATISTICS,
                                  tuple(priors.values()))
    tasks = [({**dict(fixed or {}), **dict(zip(priors, params[k].tolist(), strict=True))},
              worlds, n_states, years, burn_in, run_seeds[k]) for k in range(n)]
    if jobs == 1:
        for k, task in enumerate(tasks):
            stats[k] = _one_draw(task)
            if progress is not None:
                progress(k + 1, n)
    else:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for k, row in enumerate(pool.map(_one_draw, tasks)):
                stats[k] = row
                if progress is not None:
                    progress(k + 1, n)
    return abc.ReferenceTable(params, stats, tuple(priors), FIT_STATISTICS,
                              tuple(priors.values()))


def _transform(stats: NDArray[np.float64]) -> NDArray[np.float64]:
    """Fit scale: log of the duration, the onset rate, the odds ratio and the burden."""
    out = np.array(stats, float, copy=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        for j, name in enumerate(FIT_STATISTICS):
            if name in ("rivalry_duration", "war_onset_rate", "escalation_odds_ratio",
                        "military_burden"):
                out[..., j] = np.log(np.where(out[..., j] > 0, out[..., j], np.nan))
    return out


@dataclass(frozen=True)
class Fit:
    """The ABC posterior and the history match of one reference table."""

    posterior: abc.ABCPosterior
    history_match: abc.HistoryMatch
    table: abc.ReferenceTable
    identified: dict[str, bool]
    #: The history match on the patterns some draw matches (I_j < 3 at one draw at least):
    #: the region the escape study reads when the full match rules out every draw.
    region_match: abc.HistoryMatch
    region_statistics: tuple[str, ...]


def fit(table: abc.ReferenceTable, observed: Mapping[str, float],
        observed_ci: Mapping[str, tuple[float, float]], quantile: float = 0.25,
        emulator: str = "knn") -> Fit:
    """ABC with regression adjustment and history matching on the (log-scaled) patterns.

    The ABC step is :func:`herz.analysis.abc.rejection_abc` with its defaults:
    the adjustment only when the table keeps enough draws per coefficient, and
    residuals modified for prediction (Davison & Hinkley 1997, chapter 6), which
    brought the 90% intervals' coverage from 0.84-0.87 to 0.88-0.91 per
    parameter in this setting (six free parameters, 300 draws, 25% kept;
    docs/validation.md, "Coverage of the intervals").
    A parameter counts as *identified* when its posterior sd is below 0.7 of its
    prior sd (uniform: width / sqrt 12). When no draw is not implausible on all
    patterns, the region is matched again on the patterns that at least one
    draw matches (``region_statistics``), and the others are named as the
    ones the world cannot match. The observation variance of each
    pattern for history matching is its interval's half-width / 1.96, squared,
    on the fit scale. ``emulator``: that of
    :func:`herz.analysis.abc.history_matching` (``knn`` or ``linear``).
    """
    obs = _transform(np.array([[observed[s] for s in FIT_STATISTICS]]))[0]
    lo = _transform(np.array([[observed_ci[s][0] for s in FIT_STATISTICS]]))[0]
    hi = _transform(np.array([[observed_ci[s][1] for s in FIT_STATISTICS]]))[0]
    lo = np.where(np.isfinite(lo), lo, obs - (hi - obs))
    var = ((hi - lo) / (2 * 1.96)) ** 2
    t = abc.ReferenceTable(table.params, _transform(table.stats), table.param_names,
                           table.stat_names, table.bounds).finite()
    post = abc.rejection_abc(t, obs, quantile=quantile, regression="auto")
    k_nn = min(20, max(2, len(t.params) // 10))
    hm = abc.history_matching(t, obs, var, neighbours=k_nn, emulator=emulator)
    matchable = (hm.implausibility < hm.threshold).any(axis=0)
    if hm.share > 0 or not matchable.any():
        region, used = hm, t.stat_names
    else:
        cols = np.flatnonzero(matchable)
        sub = abc.ReferenceTable(t.params, t.stats[:, cols], t.param_names,
                                 tuple(t.stat_names[c] for c in cols), t.bounds)
        region = abc.history_matching(sub, obs[cols], var[cols], neighbours=k_nn,
                                      emulator=emulator)
        used = sub.stat_names
    summ = post.summary()
    ident = {}
    for j, name in enumerate(t.param_names):
        b = t.bounds[j] if t.bounds else (t.params[:, j].min(), t.params[:, j].max())
        ident[name] = summ[name]["sd"] < 0.7 * (b[1] - b[0]) / np.sqrt(12)
    return Fit(post, hm, t, ident, region, tuple(used))


def variant_choice(tables: Mapping[str, abc.ReferenceTable], observed: Mapping[str, float],
                   quantile: float = 0.1) -> dict[str, float]:
    """ABC model choice: share of each variant among the draws nearest the record.

    Tables of equal size (equal prior mass per variant); the statistics are
    scaled by their MAD over the pooled table.
    """
    names = list(tables)
    sizes = {len(tables[k].params) for k in names}
    if len(sizes) != 1:
        raise ParameterError("tables", {k: len(tables[k].params) for k in names},
                             "need one size for every variant (equal prior mass)")
    obs = _transform(np.array([[observed[s] for s in FIT_STATISTICS]]))[0]
    stats = [_transform(tables[k].stats) for k in names]
    label = np.concatenate([np.full(len(s), i) for i, s in enumerate(stats)])
    pooled = np.concatenate(stats)
    ok = np.isfinite(pooled).all(axis=1)
    pooled, label = pooled[ok], label[ok]
    med = np.median(pooled, axis=0)
    mad = 1.4826 * np.median(np.abs(pooled - med), axis=0)
    scale = np.where(mad > 0, mad, 1.0)
    dist = np.sqrt((((pooled - obs) / scale) ** 2).sum(axis=1))
    k = max(1, int(quantile * len(pooled)))
    kept = label[np.argsort(dist, kind="stable")[:k]]
    return {n: float(np.mean(kept == i)) for i, n in enumerate(names)}


def _predictive(fit_: Fit, checks: int, worlds: int, n_states: int, years: int,
                fixed: Mapping[str, Any], lengths: Sequence[int], reaction_checks: int,
                seed: np.random.SeedSequence,
                progress: Callable[[str, int, int], None] | None) -> dict[str, list[float]]:
    """Patterns of ``checks`` histories at draws resampled from the posterior."""
    from herz.analysis.patterns import reaction_share_of_series

    post = fit_.posterior
    pick_seed, *seeds = seed.spawn(checks + 1)
    gen = np.random.default_rng(pick_seed)
    w = post.weights / post.weights.sum()
    idx = gen.choice(len(w), size=checks, p=w)
    out: dict[str, list[float]] = {k: [] for k in (*FIT_STATISTICS, "action_reaction_share",
                                                   "n_rivalries")}
    draws = [dict(zip(post.param_names, post.samples[k].tolist(), strict=True)) for k in idx]
    size = history_chunk(worlds, n_states, 30 + years)
    for c, hist in enumerate(_chunked_histories(draws, size, worlds, n_states, years, fixed,
                                                seeds)):
        st = history_statistics(hist, rng=seeds[c])
        for name in (*FIT_STATISTICS, "n_rivalries"):
            out[name].append(st[name])
        if c < reaction_checks:
            pairs = rival_spending_pairs(hist, lengths, rng=seeds[c])
            k_react, n_tested = reaction_share_of_series(pairs, rng=seeds[c])
            out["action_reaction_share"].append(k_react / n_tested if n_tested else float("nan"))
        if progress is not None:
            progress("posterior predictive", c + 1, checks)
    return out


def _interval(values: Sequence[float], level: float) -> tuple[float | None, list[float] | None]:
    v = np.asarray(values, float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return None, None
    a = (1 - level) / 2
    lo, med, hi = np.quantile(v, [a, 0.5, 1 - a])
    return float(med), [float(lo), float(hi)]


def run_validation(draws: int = 300, variant_draws: int = 100, worlds: int = 40,
                   n_states: int = 10, years: int = RECORD_YEARS, checks: int = 20,
                   reaction_checks: int = 4, scope: str = "classic", quantile: float = 0.25,
                   level: float = 0.95, rng: RngLike = 0, jobs: int = 1,
                   progress: Callable[[str, int, int], None] | None = None,
                   emulator: str = "knn") -> dict[str, Any]:
    """The whole validation: record patterns, fit, predictive checks, variants, region.

    Returns the plain dict that ``herz validate`` writes as ``validation.json``.
    """
    import time

    from herz.analysis.patterns import PATTERN_NAMES, observed_patterns

    if draws < 20 or variant_draws < 10 or checks < 2 or not 0 <= reaction_checks <= checks:
        raise ParameterError("draws, variant_draws, checks, reaction_checks",
                             (draws, variant_draws, checks, reaction_checks),
                             "need draws >= 20, variant_draws >= 10, checks >= 2 and "
                             "0 <= reaction_checks <= checks")
    if variant_draws > draws:
        raise ParameterError("variant_draws", variant_draws, f"must be <= draws = {draws}")
    seed = as_seed_sequence(rng)
    s_obs, s_ref, s_pred, s_var = seed.spawn(4)
    t0 = time.perf_counter()
    observed = observed_patterns(scope=scope, level=level, rng=s_obs)  # type: ignore[arg-type]
    t_obs = time.perf_counter() - t0

    def stage(name: str) -> Callable[[int, int], None] | None:
        if progress is None:
            return None
        return lambda k, n: progress(name, k, n)

    t1 = time.perf_counter()
    table = reference_table(draws, worlds=worlds, n_states=n_states, years=years, rng=s_ref,
                            progress=stage("reference table"), jobs=jobs)
    obs_vals = {k: observed[k].value for k in FIT_STATISTICS}
    obs_ci = {k: (observed[k].low, observed[k].high) for k in FIT_STATISTICS}
    f = fit(table, obs_vals, obs_ci, quantile=quantile, emulator=emulator)
    t_fit = time.perf_counter() - t1
    lengths = observed["action_reaction_share"].detail["years"]
    pred = _predictive(f, checks, worlds, n_states, years, {}, lengths, reaction_checks,
                       s_pred, progress)
    patterns = []
    for name in PATTERN_NAMES:
        ob = observed[name]
        sim, sim_ci = _interval(pred[name], level)
        consistent = bool(sim_ci is not None and sim_ci[0] <= ob.value <= sim_ci[1])
        patterns.append({"name": name, "observed": ob.value, "observed_ci": [ob.low, ob.high],
                         "simulated": sim, "simulated_ci": sim_ci, "consistent": consistent,
                         "unit": ob.unit, "in_fit": name in FIT_STATISTICS,
                         "simulated_values": [float(v) for v in pred[name]],
                         "source": ob.source, "method": ob.method})
    summary = f.posterior.summary(level)
    posterior = {name: {**summary[name], "prior": list(FREE_PARAMETERS[name]),
                        "identified": bool(f.identified[name])}
                 for name in f.posterior.param_names}
    tables = {"baseline": abc.ReferenceTable(table.params[:variant_draws],
                                             table.stats[:variant_draws], table.param_names,
                                             table.stat_names, table.bounds)}
    var_seeds = s_var.spawn(len(VARIANTS))
    for (name, (fixed, extra)), vs in zip(VARIANTS.items(), var_seeds, strict=True):
        if name == "baseline":
            continue
        priors = {k: v for k, v in FREE_PARAMETERS.items() if k not in fixed}
        tables[name] = reference_table(variant_draws, priors={**priors, **extra}, fixed=fixed,
                                       worlds=worlds, n_states=n_states, years=years, rng=vs,
                                       progress=stage(f"variant {name}"), jobs=jobs)
    choice = variant_choice(tables, obs_vals, quantile=quantile)
    variants = [{"name": n, "changes": {k: v for k, v in VARIANTS[n][0].items()},
                 "extra_parameters": {k: list(v) for k, v in VARIANTS[n][1].items()},
                 "posterior_probability": choice[n],
                 "share_with_rivalries": float(np.isfinite(tables[n].stats).all(axis=1).mean())}
                for n in tables]
    total = time.perf_counter() - t0
    no_rivalry = float(np.mean(~np.isfinite(table.stats).all(axis=1)))
    return _json_safe({
        "patterns": patterns,
        "posterior": posterior,
        "history_match": f.history_match.to_dict() | {"statistics": list(f.table.stat_names)},
        "plausible_region": f.region_match.to_dict() | {
            "statistics": list(f.region_statistics),
            "unmatched": [s for s in f.table.stat_names if s not in f.region_statistics],
            "parameters": list(f.region_match.param_names),
            "priors": {k: list(FREE_PARAMETERS[k]) for k in f.region_match.param_names},
            "draws": f.region_match.draws()},
        "variants": variants,
        "preferred_variant": max(choice, key=lambda k: choice[k]),
        "settings": {"draws": draws, "variant_draws": variant_draws, "worlds": worlds,
                     "n_states": n_states, "years": years, "burn_in": 30, "checks": checks,
                     "reaction_checks": reaction_checks, "scope": scope, "quantile": quantile,
                     "level": level, "measurement_noise": MEASUREMENT_NOISE, "jobs": jobs,
                     "emulator": emulator, "reference_table": "batched (per-world parameters)",
                     "regression_adjusted": f.posterior.regression,
                     "regression_residuals": f.posterior.residuals,
                     "fit_statistics": list(FIT_STATISTICS),
                     "accepted": f.posterior.accepted, "tolerance": f.posterior.tolerance,
                     "share_of_draws_without_a_measurable_history": no_rivalry},
        "timing_s": {"observed_patterns": t_obs, "reference_table_and_fit": t_fit,
                     "total": total},
    })


def _json_safe(obj: Any) -> Any:
    """NaN and infinities become None (JSON has no NaN); NumPy scalars become Python's."""
    if isinstance(obj, dict):
        return {k: _json_safe(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_json_safe(v) for v in obj]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not np.isfinite(obj):
        return None
    return obj


def plausible_region() -> dict[str, Any]:
    """The not-implausible region shipped with herz (``plausible_region.json``), as a dict.

    Written by ``herz validate`` (its ``region.json``) at the settings recorded
    in the file. :func:`herz.analysis.plausible.load_region` reads the same
    file as a :class:`~herz.analysis.plausible.PlausibleRegion` (its draws
    and a seeded resampler) for the escape study.
    """
    from herz.analysis.plausible import load_region

    return load_region().to_dict()


def in_plausible_region(values: Mapping[str, float], region: Mapping[str, Any] | None = None
                        ) -> bool:
    """Whether every fitted parameter in ``values`` lies inside the shipped region's box.

    Parameters the region does not bound are not checked; a missing value is an error.
    """
    box = (plausible_region() if region is None else region)["region"]
    for name, (lo, hi) in box.items():
        if name not in values:
            raise ParameterError(name, None, "is needed to place a point in the region")
        if not lo <= float(values[name]) <= hi:
            return False
    return True
