"""Estimands of the escape study with intervals clustered on worlds (DESIGN 3, 4.5).

The input is the branch table of :func:`herz.studies.branching.branch_entries`
(one row per entry into the dilemma and arm; the study adds ``point``, the
parameter draw). Within a fixed follow-up of ``horizon`` years after entry,
nothing is censored, so each entry has an indicator of exit, of war between the
two seekers and of predation, and its years in the dilemma (to the exit, to the
end of the spell, or ``horizon``). Effects are paired: the same entry's route
branch minus its control branch, which share every random draw.

Pooling over parameter draws (``pool``). The study's estimand is the
*entry-weighted* (pooled) ratio, ``pool="entries"``: the sum over every draw and
world of the outcome divided by the number of entries, i.e. P(exit within H |
entered) in worlds drawn from the plausible region (the mixture over draws), a
conditional probability in which a draw counts as often as its worlds enter the
dilemma. ``pool="draws"`` keeps the first study's estimand, the unweighted mean
of the draws' own ratios: there a draw with 3 entries weighs as much as one with
80, so its few entries' noise enters E at full weight; it is no conditional
probability of any world, and is kept for comparison (tested).

Intervals: a two-stage percentile bootstrap (Davison and Hinkley 1997, sec.
3.8): resample the parameter draws, then the worlds within each draw (a world's
entries travel together), and recompute the estimate (the pooled ratio, or the
mean of the draws' ratios); so an interval holds the uncertainty of the finite
sample of draws from the region and of worlds. With one draw only the worlds
are resampled. With ``resample_points`` False the draws are held fixed
(simulation uncertainty only).

Cumulative incidence of competing outcomes: the Aalen-Johansen estimator
(Aalen and Johansen 1978), which with no censoring before the horizon is the
share of entries with each outcome by each year.

References
----------
Aalen, O. O. and Johansen, S. (1978). An empirical transition matrix for
non-homogeneous Markov chains based on censored observations. *Scandinavian
Journal of Statistics* 5(3): 141-150.

Davison, A. C. and Hinkley, D. V. (1997). *Bootstrap Methods and their
Application*. Cambridge University Press.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from herz.errors import ParameterError
from herz.rng import RngLike, as_generator

__all__ = [
    "POOLS",
    "ArmEstimate",
    "Pool",
    "aalen_johansen",
    "arm_estimates",
    "clustered_bootstrap",
    "entry_indicators",
    "interaction",
    "median_time",
]

#: Outcomes of a spell (besides staying in it) in the order of the tables.
COMPETING = ("exit", "war", "predation", "death", "left")
_ENTRY_KEY = ["point", "world", "t_entry", "i", "j"]

#: How estimates combine parameter draws: ``entries`` (the pooled ratio, the study's
#: estimand) or ``draws`` (the unweighted mean of the draws' ratios).
Pool = Literal["entries", "draws"]
POOLS: tuple[str, ...] = ("entries", "draws")


def entry_indicators(table: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """Per entry and arm: exit, seeker war and predation within ``horizon``, years in the dilemma.

    An exit counts when its first calm year is within ``horizon`` years of the
    entry; a war or predation when it ends the spell within ``horizon``.
    """
    if horizon < 1:
        raise ParameterError("horizon", horizon, "must be a whole number >= 1")
    if len(table) and int(table["follow"].min()) < horizon:
        raise ParameterError("horizon", horizon,
                             f"is longer than the follow-up ({int(table['follow'].min())} years)")
    out = table.copy()
    if "point" not in out:
        out["point"] = 0
    end, ey, xy = out["end"], out["end_year"].to_numpy(), out["exit_year"].to_numpy()
    out["exit_h"] = ((end == "exit") & (xy >= 0) & (xy <= horizon)).astype(float)
    out["war_h"] = ((end == "war") & (ey <= horizon)).astype(float)
    out["predation_h"] = ((end == "predation") & (ey <= horizon)).astype(float)
    over = np.where(end == "exit", xy, np.where(end == "open", horizon, ey))
    out["years_h"] = np.minimum(over, horizon).astype(float)
    return out


def clustered_bootstrap(values: pd.DataFrame, columns: Sequence[str], *, point: str = "point",
                        cluster: str = "world", replicates: int = 1000,
                        confidence: float = 0.95, rng: RngLike = 0,
                        resample_points: bool = True, pool: Pool = "entries") -> pd.DataFrame:
    """Means of ``columns`` over parameter draws and entries, with two-stage bootstrap intervals.

    ``pool="entries"`` (default): the estimate is the pooled ratio, the sum of
    each column over every draw (``point``) and entry divided by the number of
    entries (draws weigh by their entries). ``pool="draws"``: the mean over
    draws of each draw's mean over its entries (draws weigh alike). Each
    replicate resamples the draws (when there are at least two), then the
    clusters (worlds) within each picked draw, with replacement, and recomputes
    the estimate the same way (with ``resample_points`` False the draws are held
    fixed: simulation uncertainty only). Returns one row per column:
    ``estimate``, ``low``, ``high``, ``n`` (entries), ``clusters``.
    """
    if not 0.0 < confidence < 1.0:
        raise ParameterError("confidence", confidence, "must be in (0, 1)")
    if replicates < 1:
        raise ParameterError("replicates", replicates, "must be a whole number >= 1")
    if pool not in POOLS:
        raise ParameterError("pool", pool, "must be one of " + ", ".join(POOLS))
    gen = as_generator(rng)
    cols = list(columns)
    if values.empty:
        return pd.DataFrame({"estimate": np.nan, "low": np.nan, "high": np.nan, "n": 0,
                             "clusters": 0}, index=pd.Index(cols, name="column"))
    sums = values.groupby([point, cluster])[cols].sum()
    counts = values.groupby([point, cluster]).size()
    if pool == "entries":
        est, draws = _pooled(sums, counts, replicates, gen, resample_points)
    else:
        est, draws = _mean_of_draws(sums, counts, replicates, gen, resample_points)
    alpha = (1.0 - confidence) / 2.0
    lo, hi = np.nanquantile(draws, [alpha, 1.0 - alpha], axis=0)
    return pd.DataFrame({"estimate": est, "low": lo, "high": hi,
                         "n": int(counts.sum()), "clusters": len(counts)},
                        index=pd.Index(cols, name="column"))


def _pooled(sums: pd.DataFrame, counts: pd.Series, replicates: int, gen: np.random.Generator,
            resample_points: bool) -> tuple[np.ndarray, np.ndarray]:
    """Pooled ratio sum / entries and its replicates (draws, then worlds within each draw).

    A draw picked ``m`` times in a replicate contributes ``m`` independent
    resamples of its ``n`` worlds: together, multinomial counts of ``m n``
    picks over its worlds (one weight per world and replicate).
    """
    s = sums.to_numpy(float)
    c = counts.to_numpy(float)
    codes, points = pd.factorize(sums.index.get_level_values(0))
    g = len(points)
    est = s.sum(axis=0) / c.sum()
    if g > 1 and resample_points:
        pick = gen.integers(0, g, size=(replicates, g))
        times = np.stack([np.bincount(row, minlength=g) for row in pick])
    else:
        times = np.ones((replicates, g), dtype=np.int64)
    weight = np.zeros((replicates, len(c)))
    for k in range(g):
        rows = np.flatnonzero(codes == k)
        m = rows.size
        weight[:, rows] = gen.multinomial(times[:, k] * m, np.full(m, 1.0 / m))
    with np.errstate(invalid="ignore", divide="ignore"):
        boot = (weight @ s) / (weight @ c)[:, None]
    return est, boot


def _mean_of_draws(sums: pd.DataFrame, counts: pd.Series, replicates: int,
                   gen: np.random.Generator, resample_points: bool
                   ) -> tuple[np.ndarray, np.ndarray]:
    """The first study's estimand: the mean over draws of each draw's ratio, and replicates."""
    cols = sums.columns
    points = sums.index.get_level_values(0).unique()
    est = np.empty((len(points), len(cols)))
    boot = np.empty((replicates, len(points), len(cols)))
    for k, p in enumerate(points):
        s = sums.loc[p].to_numpy(float)
        c = counts.loc[p].to_numpy(float)
        est[k] = s.sum(axis=0) / c.sum()
        m = len(c)
        idx = gen.integers(0, m, size=(replicates, m))
        boot[:, k] = s[idx].sum(axis=1) / c[idx].sum(axis=1)[:, None]
    if len(points) > 1 and resample_points:
        pick = gen.integers(0, len(points), size=(replicates, len(points)))
        draws = np.take_along_axis(boot, pick[:, :, None], axis=1).mean(axis=1)
    else:
        draws = boot.mean(axis=1)
    return est.mean(axis=0), draws


def aalen_johansen(times: ArrayLike, events: ArrayLike, causes: Sequence[str] = COMPETING,
                   censored: str = "open") -> pd.DataFrame:
    """Cumulative incidence of each competing outcome by time (Aalen-Johansen).

    ``times`` are the years from entry to the end of the spell (or to the end of
    follow-up), ``events`` the outcome labels, ``censored`` the label of spells
    still open. Returns a frame indexed by the event times, one column per cause,
    starting at time 0 with zeros.
    """
    t = np.asarray(times, dtype=float)
    e = np.asarray(events, dtype=object)
    if t.shape != e.shape:
        raise ParameterError("events", e.shape, f"must have the shape of times {t.shape}")
    grid = np.unique(t[e != censored]) if t.size else np.array([])
    surv = 1.0
    cif = {c: 0.0 for c in causes}
    rows = [{"time": 0.0, **cif}]
    for u in grid:
        at_risk = float((t >= u).sum())
        if at_risk == 0:
            break
        here = t == u
        d_total = 0.0
        for c in causes:
            d = float((here & (e == c)).sum())
            cif[c] += surv * d / at_risk
            d_total += d
        surv *= 1.0 - d_total / at_risk
        rows.append({"time": float(u), **cif})
    return pd.DataFrame(rows).set_index("time")


def median_time(cif: pd.DataFrame, cause: str = "exit") -> float | None:
    """First time the cumulative incidence of ``cause`` reaches 1/2 (None if it never does)."""
    hit = cif.index[cif[cause].to_numpy() >= 0.5]
    return float(hit[0]) if len(hit) else None


@dataclass(frozen=True)
class ArmEstimate:
    """One arm's estimands at one horizon, with the paired effects against the control."""

    name: str
    kind: str
    dose: float
    entries: int
    p_exit: float
    ci: tuple[float, float]
    p_war: float
    war_ci: tuple[float, float]
    p_predation: float
    years: float
    years_ci: tuple[float, float]
    effect: float | None
    effect_ci: tuple[float, float] | None
    war_effect: float | None
    war_effect_ci: tuple[float, float] | None
    years_effect: float | None
    years_effect_ci: tuple[float, float] | None
    median_time_to_exit: float | None
    ci_simulation: tuple[float, float] = (float("nan"), float("nan"))


def arm_estimates(table: pd.DataFrame, horizon: int, *, control: str = "control",
                  replicates: int = 1000, confidence: float = 0.95,
                  rng: RngLike = 0, pool: Pool = "entries") -> list[ArmEstimate]:
    """Every arm's P(exit within H | entered), P(seeker war within H), years, and paired effects.

    Effects are the arm minus the control on the same entries (common random
    numbers); draws combine as ``pool`` says (:func:`clustered_bootstrap`:
    ``entries``, the pooled ratio, by default); all intervals come from one set
    of bootstrap resamples, and ``ci_simulation`` holds the draws fixed.
    """
    ind = entry_indicators(table, horizon)
    arms = list(dict.fromkeys(ind["arm"]))
    if control not in arms:
        raise ParameterError("control", control, f"must be one of the arms {arms}")
    wide = ind.pivot_table(index=_ENTRY_KEY, columns="arm",
                           values=["exit_h", "war_h", "predation_h", "years_h"])
    series: dict[str, pd.Series] = {}
    for arm in arms:
        for v in ("exit_h", "war_h", "predation_h", "years_h"):
            series[f"{v}|{arm}"] = wide[(v, arm)]
        if arm != control:
            for v in ("exit_h", "war_h", "years_h"):
                series[f"d{v}|{arm}"] = wide[(v, arm)] - wide[(v, control)]
    cols = list(series)
    flat = pd.concat(series, axis=1).copy().reset_index()
    boot = clustered_bootstrap(flat, cols, replicates=replicates, confidence=confidence, rng=rng,
                               pool=pool)
    res: dict[str, dict[str, float]] = {
        str(k): {str(c): float(v) for c, v in row.items()}
        for k, row in boot.to_dict("index").items()}
    kinds = ind.drop_duplicates("arm").set_index("arm").to_dict("index")
    exits = [f"exit_h|{arm}" for arm in arms]
    sim = clustered_bootstrap(flat, exits, replicates=replicates, confidence=confidence,
                              rng=rng, resample_points=False, pool=pool).to_dict("index")

    def ci(key: str) -> tuple[float, float]:
        return res[key]["low"], res[key]["high"]

    def val(key: str) -> float:
        return res[key]["estimate"]

    out = []
    for arm in arms:
        rows = ind[ind["arm"] == arm]
        cif = aalen_johansen(rows["end_year"].where(rows["end"] != "exit", rows["exit_year"]),
                             rows["end"])
        paired = arm != control
        out.append(ArmEstimate(
            name=arm, kind=str(kinds[arm]["kind"]), dose=float(kinds[arm]["dose"]),
            entries=len(rows),
            p_exit=val(f"exit_h|{arm}"), ci=ci(f"exit_h|{arm}"),
            p_war=val(f"war_h|{arm}"), war_ci=ci(f"war_h|{arm}"),
            p_predation=val(f"predation_h|{arm}"),
            years=val(f"years_h|{arm}"), years_ci=ci(f"years_h|{arm}"),
            effect=val(f"dexit_h|{arm}") if paired else None,
            effect_ci=ci(f"dexit_h|{arm}") if paired else None,
            war_effect=val(f"dwar_h|{arm}") if paired else None,
            war_effect_ci=ci(f"dwar_h|{arm}") if paired else None,
            years_effect=val(f"dyears_h|{arm}") if paired else None,
            years_effect_ci=ci(f"dyears_h|{arm}") if paired else None,
            median_time_to_exit=median_time(cif),
            ci_simulation=(float(sim[f"exit_h|{arm}"]["low"]),
                           float(sim[f"exit_h|{arm}"]["high"])),
        ))
    return out


def interaction(table: pd.DataFrame, horizon: int, a: str, b: str, ab: str, *,
                control: str = "control", replicates: int = 1000, confidence: float = 0.95,
                rng: RngLike = 0, pool: Pool = "entries") -> dict[str, float]:
    """The interaction of a 2 x 2 factorial on P(exit within H) and P(seeker war within H).

    On the same entries (every cell shares every random draw):
    (AB - control) - (A - control) - (B - control), the joint effect beyond the
    sum of the single effects (> 0: the routes reinforce each other). Returns
    ``exit``, ``exit_low``, ``exit_high``, ``war``, ``war_low``, ``war_high``,
    ``entries`` (two-stage clustered bootstrap and ``pool`` as :func:`arm_estimates`).
    """
    sub = table[table["arm"].isin([control, a, b, ab])]
    ind = entry_indicators(sub, horizon)
    wide = ind.pivot_table(index=_ENTRY_KEY, columns="arm", values=["exit_h", "war_h"])
    missing = {control, a, b, ab} - set(wide.columns.get_level_values(1))
    if missing:
        raise ParameterError("arm", sorted(missing), "must be arms of the table")
    flat = pd.DataFrame({
        f"{v}": wide[(v, ab)] - wide[(v, a)] - wide[(v, b)] + wide[(v, control)]
        for v in ("exit_h", "war_h")}).dropna().reset_index()
    boot = clustered_bootstrap(flat, ["exit_h", "war_h"], replicates=replicates,
                               confidence=confidence, rng=rng, pool=pool).to_dict("index")
    e, w = boot["exit_h"], boot["war_h"]
    return {"exit": float(e["estimate"]), "exit_low": float(e["low"]),
            "exit_high": float(e["high"]), "war": float(w["estimate"]),
            "war_low": float(w["low"]), "war_high": float(w["high"]), "entries": int(e["n"])}
