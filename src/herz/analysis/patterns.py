"""Patterns of the historical record that the world must reproduce (pattern-oriented modelling).

Grimm et al. (2005) ask an agent-based model to match *several* patterns of the
record at once; herz's record allows six at the level of the rival pair (DESIGN
section 5, docs/validation.md). Each function below computes one pattern from
the data shipped in :mod:`herz.data` and returns a frozen :class:`Pattern`
with a point value and an interval:

- :func:`rivalry_war_share`: the share of strategic rivalries (Thompson, Sakuwa
  & Suhas 2021) in which the two rivals fought a COW inter-state war (Sarkees &
  Wayman 2010) in a year of the rivalry; Wilson interval.
- :func:`rivalry_duration`: the Kaplan-Meier median length of a rivalry, with
  the rivalries still running at the data's end (2020) censored (Brookmeyer &
  Crowley interval of statsmodels' ``SurvfuncRight``).
- :func:`war_onset_rate`: COW war onsets between rivals per rival dyad-year;
  exact Poisson (Garwood) interval.
- :func:`escalation_odds_ratio`: the odds ratio of a dispute between rivals
  ending in war (both sides at MID hostility 5) when it began during a mutual
  build-up, from :mod:`herz.analysis.escalation`; dyad-clustered interval.
- :func:`military_burden`: the median military burden (SIPRI share of GDP,
  1949-2023) over country-years; percentile interval of a bootstrap clustered
  on countries.
- :func:`action_reaction_share`: the share of rivalry episodes with at least one
  direction of significant action-reaction (Toda-Yamamoto, Holm over the family,
  positive summed reaction) from :mod:`herz.analysis.empirical`; Wilson interval.
  :func:`reaction_share_of_series` applies the same test to simulated series.

References
----------
Grimm, V. et al. (2005). Pattern-oriented modeling of agent-based complex systems.
*Science* 310: 987-991.

Thompson, W. R., Sakuwa, K. & Suhas, P. H. (2021). *Analyzing Strategic Rivalries
in World Politics*. Springer.

Sarkees, M. R. & Wayman, F. W. (2010). *Resort to War: 1816-2007*. CQ Press.

Brookmeyer, R. & Crowley, J. (1982). A confidence interval for the median survival
time. *Biometrics* 38(1): 29-41.

Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
inference. *JASA* 22(158): 209-212.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats

from herz.data import loaders
from herz.errors import ParameterError, require_choice
from herz.rng import RngLike, as_generator

__all__ = [
    "COW_END",
    "COW_START",
    "PATTERN_NAMES",
    "TSS_END",
    "Pattern",
    "action_reaction_share",
    "escalation_odds_ratio",
    "km_median",
    "military_burden",
    "observed_patterns",
    "poisson_interval",
    "reaction_share_of_series",
    "rivalry_duration",
    "rivalry_war_share",
    "war_onset_rate",
    "wilson_interval",
]

#: First and last year of the COW inter-state war data (v4.0).
COW_START, COW_END = 1816, 2007
#: Last year of the TSS rivalry data: a rivalry ending then is still running (censored).
TSS_END = 2020
ArrayLike = Sequence[float] | NDArray[Any]
PATTERN_NAMES: tuple[str, ...] = (
    "rivalry_war_share", "rivalry_duration", "war_onset_rate", "escalation_odds_ratio",
    "military_burden", "action_reaction_share",
)


@dataclass(frozen=True)
class Pattern:
    """One pattern of the record: a value, its interval and how both were computed."""

    name: str
    value: float
    low: float
    high: float
    n: int
    unit: str
    method: str
    source: str
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain values (the ``detail`` dict is kept as it is)."""
        return asdict(self)


def wilson_interval(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a share k/n (statsmodels ``proportion_confint``)."""
    from statsmodels.stats.proportion import proportion_confint

    if n <= 0 or not 0 <= k <= n:
        raise ParameterError("k, n", (k, n), "need 0 <= k <= n and n > 0")
    lo, hi = proportion_confint(k, n, alpha=1.0 - level, method="wilson")
    return float(lo), float(hi)


def poisson_interval(k: int, exposure: float, level: float = 0.95) -> tuple[float, float]:
    """Exact (Garwood 1936) interval of a Poisson rate k / exposure."""
    if exposure <= 0 or k < 0:
        raise ParameterError("k, exposure", (k, exposure), "need k >= 0 and exposure > 0")
    a = 1.0 - level
    lo = 0.0 if k == 0 else stats.chi2.ppf(a / 2, 2 * k) / 2
    hi = stats.chi2.ppf(1 - a / 2, 2 * k + 2) / 2
    return float(lo / exposure), float(hi / exposure)


def km_median(durations: ArrayLike, observed: ArrayLike,
              level: float = 0.95) -> tuple[float, float, float]:
    """Kaplan-Meier median with its Brookmeyer-Crowley interval (NaN where not reached).

    ``observed`` is 1 for an ended spell and 0 for a censored one (still running).
    """
    from statsmodels.duration.survfunc import SurvfuncRight

    t = np.asarray(durations, dtype=float)
    s = np.asarray(observed, dtype=int)
    if len(t) == 0 or s.sum() == 0:
        return float("nan"), float("nan"), float("nan")
    sf = SurvfuncRight(t, s)
    med = sf.quantile(0.5)
    lo, hi = sf.quantile_ci(0.5, alpha=1.0 - level)
    return (float(med) if med is not None and np.isfinite(med) else float("nan"),
            float(lo) if lo is not None else float("nan"),
            float(hi) if hi is not None else float("nan"))



def _rivalry_spans(start: int, end: int) -> pd.DataFrame:
    """TSS rivalries clipped to ``start``-``end`` (dropped if outside), with ordered codes."""
    r = loaders.rivalries()
    lo = np.minimum(r.ccode1, r.ccode2)
    hi = np.maximum(r.ccode1, r.ccode2)
    out = pd.DataFrame({"tssr_id": r.tssr_id, "rivalry": r.rivalry, "c1": lo, "c2": hi,
                        "start": r.start, "end": r.end,
                        "s": np.maximum(r.start, start), "e": np.minimum(r.end, end)})
    return out[out.s <= out.e].reset_index(drop=True)


def _war_years(kind: Literal["ongoing", "onset"]) -> set[tuple[int, int, int]]:
    """(low ccode, high ccode, year) of every COW war year (or onset year) between two states."""
    w = loaders.wars()
    col = "cowinterongoing" if kind == "ongoing" else "cowinteronset"
    w = w[(w.ccode1 < w.ccode2) & (w[col] == 1)]
    return {(int(a), int(b), int(y)) for a, b, y in zip(w.ccode1, w.ccode2, w.year, strict=True)}


def rivalry_war_share(start: int = COW_START, end: int = COW_END,
                      level: float = 0.95) -> Pattern:
    """Share of strategic rivalries whose two states fought each other in a rivalry year.

    Rivalries are the TSS (2021) episodes overlapping ``start``-``end`` (the COW
    war data's span), each counted once; a war counts when COW codes the pair at
    war (ongoing) in a year of the rivalry inside that span.
    """
    spans = _rivalry_spans(start, end)
    years = _war_years("ongoing")
    hit = [any((int(a), int(b), y) in years for y in range(int(s), int(e) + 1))
           for a, b, s, e in zip(spans.c1, spans.c2, spans.s, spans.e, strict=True)]
    k, n = int(np.sum(hit)), len(spans)
    lo, hi = wilson_interval(k, n, level)
    return Pattern("rivalry_war_share", k / n, lo, hi, n, "share of rivalries",
                   "Wilson interval", f"TSS 2021 x COW inter-state wars {start}-{end}",
                   {"with_war": k, "rivalries": n})


def rivalry_duration(start: int = COW_START, level: float = 0.95) -> Pattern:
    """Kaplan-Meier median rivalry duration (years), ongoing rivalries censored.

    Rivalries that began in or after ``start`` (left-truncated older ones are
    left out); duration = end - start + 1; those ending in 2020 (the data's last
    year) are still running and censored.
    """
    r = loaders.rivalries()
    r = r[r.start >= start]
    dur = (r.end - r.start + 1).to_numpy(dtype=float)
    ended = (r.end < TSS_END).to_numpy(dtype=int)
    med, lo, hi = km_median(dur, ended, level)
    return Pattern("rivalry_duration", med, lo, hi, len(r), "years (KM median)",
                   "Kaplan-Meier, Brookmeyer-Crowley interval (statsmodels SurvfuncRight)",
                   f"TSS 2021 rivalries begun {start}-{TSS_END}",
                   {"ended": int(ended.sum()), "censored": int(len(r) - ended.sum())})


def war_onset_rate(start: int = COW_START, end: int = COW_END, level: float = 0.95) -> Pattern:
    """COW war onsets between rivals per rival dyad-year.

    A rival dyad-year is a (pair, year) inside a TSS rivalry and ``start``-``end``
    (overlapping episodes of one pair count a year once); an onset is a COW
    inter-state war onset of the pair in such a year.
    """
    spans = _rivalry_spans(start, end)
    pair_years = {(int(a), int(b), y) for a, b, s, e in
                  zip(spans.c1, spans.c2, spans.s, spans.e, strict=True)
                  for y in range(int(s), int(e) + 1)}
    onsets = len(_war_years("onset") & pair_years)
    exposure = len(pair_years)
    lo, hi = poisson_interval(onsets, exposure, level)
    return Pattern("war_onset_rate", onsets / exposure, lo, hi, exposure,
                   "onsets per rival dyad-year", "exact Poisson (Garwood) interval",
                   f"TSS 2021 x COW inter-state war onsets {start}-{end}",
                   {"onsets": onsets, "dyad_years": exposure})


def escalation_odds_ratio(measure: str = "nmc", level: float = 0.95) -> Pattern:
    """Odds ratio of war (both at hostility 5) for rival disputes begun in a mutual build-up.

    No controls, so it is the 2x2 table's cross-product ratio, the quantity the
    world reproduces; interval from the logit with errors clustered by dyad
    (:func:`herz.analysis.escalation.fit_escalation`). ``measure="nmc"`` is the
    Horn/Diehl mutual build-up (both >= 8%/yr over the 3 years before onset), the
    rule the world applies to simulated spending; ``"grh"`` the GRH race list.
    """
    from herz.analysis import escalation

    require_choice("measure", measure, escalation.MEASURES)
    d = escalation.rival_disputes()
    d = d[d[measure].notna()].copy()
    d[measure] = d[measure].astype(bool)
    res = escalation.fit_escalation(d, race=measure, war="war_hostlev", controls=(),
                                    cluster="dyad", level=level)
    t = res.table.to_numpy()
    return Pattern("escalation_odds_ratio", res.odds_ratio, res.ci_low, res.ci_high, res.n,
                   "odds ratio", "logit without controls, errors clustered by dyad",
                   f"GML MID 2.2.1 disputes between TSS rivals, race by {measure}",
                   {"race_war": int(t[0, 0]), "race_no_war": int(t[0, 1]),
                    "no_race_war": int(t[1, 0]), "no_race_no_war": int(t[1, 1]),
                    "clusters": res.clusters})


def military_burden(level: float = 0.95, replicates: int = 2000, rng: RngLike = 0) -> Pattern:
    """Median military burden (% of GDP) over SIPRI country-years, 1949-2023.

    Interval: percentile bootstrap resampling countries (a country's years are
    one cluster). Covers the 20 countries shipped (USSR 1988-90 only).
    """
    gen = as_generator(rng)
    s = loaders.sipri()
    s = s[s.milex_share_gdp_pct.notna()]
    key = s.sipri_country.to_numpy()
    vals = s.milex_share_gdp_pct.to_numpy(dtype=float)
    groups = [vals[key == c] for c in pd.unique(key)]
    idx = gen.integers(0, len(groups), size=(replicates, len(groups)))
    boots = np.array([np.median(np.concatenate([groups[i] for i in row])) for row in idx])
    a = (1.0 - level) / 2
    lo, hi = np.quantile(boots, [a, 1 - a])
    return Pattern("military_burden", float(np.median(vals)), float(lo), float(hi), len(vals),
                   "% of GDP (median country-year)", "country-clustered percentile bootstrap",
                   f"SIPRI {int(s.year.min())}-{int(s.year.max())}, {len(groups)} series",
                   {"countries": len(groups)})


def _reacting_share(table: pd.DataFrame, alpha: float) -> tuple[int, int]:
    done = table[table["pattern"] != "failed"]
    b = (done.p_adj_b_reacts < alpha) & (done.effect_b_reacts > 0)
    a = (done.p_adj_a_reacts < alpha) & (done.effect_a_reacts > 0)
    return int((a | b).sum()), len(done)


def action_reaction_share(scope: Literal["classic", "all"] = "classic", alpha: float = 0.05,
                          level: float = 0.95, rng: RngLike = 0) -> Pattern:
    """Share of rivalry episodes in which at least one side significantly reacts to the other.

    :func:`herz.analysis.empirical.analyse_rivalries` (NMC, log spending,
    Toda-Yamamoto, Holm over all directions of all episodes); a direction reacts
    when its adjusted p < ``alpha`` and its summed reaction is positive. Only the
    p-values and signs count here, so the effect bootstrap runs at its minimum.
    ``scope="all"`` (127 episodes) takes about 100 s on one core; ``"classic"``
    (18 rival pairs) a few seconds.
    """
    from herz.analysis.empirical import analyse_rivalries

    table = analyse_rivalries(scope=scope, alpha=alpha, bootstrap=20, rng=rng)
    k, n = _reacting_share(table, alpha)
    lo, hi = wilson_interval(k, n, level)
    done = table[table["pattern"] != "failed"]
    return Pattern("action_reaction_share", k / n, lo, hi, n, "share of rivalry episodes",
                   "Toda-Yamamoto, Holm over the family; Wilson interval",
                   f"NMC spending of TSS rivalry episodes ({scope})",
                   {"reacting": k, "episodes": n,
                    "median_years": float(done.n_years.median()),
                    "years": [int(v) for v in done.n_years]})


def reaction_share_of_series(pairs: Sequence[tuple[NDArray[np.float64], NDArray[np.float64]]],
                             alpha: float = 0.05, rng: RngLike = 0) -> tuple[int, int]:
    """The action-reaction test of :func:`action_reaction_share` on given spending pairs.

    ``pairs``: (a, b) positive yearly spending series of one pair each (e.g.
    simulated, cut to the observed episodes' lengths). Returns (episodes with
    a reacting direction after Holm over all directions, episodes tested);
    pairs the test cannot run on (too short, non-positive) are left out.
    """
    from herz.analysis import timeseries as ts
    from herz.analysis.empirical import analyse_series

    gen = as_generator(rng)
    p, eff = [], []
    for a, b in pairs:
        a, b = np.asarray(a, float), np.asarray(b, float)
        series = loaders.MilexSeries("SIMA-SIMB", np.arange(len(a)), a, b, "arms", "simulated")
        try:
            res = analyse_series(series, adjustment="none", bootstrap=20, rng=gen)
        except (ParameterError, ValueError, np.linalg.LinAlgError):
            continue
        p.append([d.p_value for d in res.directions])
        eff.append([d.effect for d in res.directions])
    if not p:
        return 0, 0
    raw = np.asarray(p, float)
    adj = ts.adjust(raw.ravel(), "holm").reshape(raw.shape)
    react = (adj < alpha) & (np.asarray(eff, float) > 0)
    return int(react.any(axis=1).sum()), len(p)


def observed_patterns(scope: Literal["classic", "all"] = "classic",
                      level: float = 0.95, rng: RngLike = 0) -> dict[str, Pattern]:
    """All six patterns of the record, by name (order of :data:`PATTERN_NAMES`)."""
    gen = as_generator(rng)
    out = [rivalry_war_share(level=level), rivalry_duration(level=level),
           war_onset_rate(level=level), escalation_odds_ratio(level=level),
           military_burden(level=level, rng=gen),
           action_reaction_share(scope=scope, level=level, rng=gen)]
    return {p.name: p for p in out}
