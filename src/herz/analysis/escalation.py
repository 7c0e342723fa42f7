"""The arms-race escalation test: do rivals' disputes begun in a race end in war more often.

The Wallace (1979) question, asked as the later literature asks it: the unit is
the *dispute* between strategic rivals, not the rivalry episode, and timing
matters (was a race under way when the dispute began?).

- **Disputes**: GML MID v2.2.1 dispute-dyads (Gibler, Miller & Little 2016)
  whose two states were strategic rivals (Thompson, Sakuwa & Suhas 2021) in
  the dispute's first year.
- **Arms race at onset**, two measures:
  ``grh``: a Gibler, Rider & Hutchison (2005) race between the pair began
  *before* the onset year and had not ended (start < onset <= end; a race
  that starts in the dispute's own year is often the war's mobilisation, which
  GRH's list contains); coded 1816-1993, so disputes after 2001 get none;
  ``nmc``: a mutual military build-up in the style of Horn (1987) and Diehl
  (1983), computed from COW NMC: *both* states' military spending grew by at
  least :data:`BUILDUP_GROWTH` a year (geometric mean) over the
  :data:`BUILDUP_YEARS` years ending the year *before* onset (so the war's own
  spending does not count). NMC is in current money, so inflation counts as
  growth (a caveat the result carries).
- **Escalation**: ``hostlev`` (default): both states reached MID hostility
  level 5 (war) in the dispute; ``cow``: a COW inter-state war between the
  pair began in one of the dispute's years.
- **Logit** of escalation on the race measure with controls (the log capability
  ratio from NMC CINC at onset, the number of earlier disputes in the pair,
  a post-1945 indicator), standard errors clustered by dyad
  (statsmodels ``cov_type="cluster"``). The odds ratio of the race term, its
  interval and the 2x2 table behind it are reported.

References
----------
Wallace, M. D. (1979). Arms races and escalation: some new evidence. *Journal
of Conflict Resolution* 23(1): 3-16.

Diehl, P. F. (1983). Arms races and escalation: a closer look. *Journal of
Peace Research* 20(3): 205-212.

Horn, M. D. (1987). *Arms Races and the International System*. PhD
dissertation, University of Rochester.

Sample, S. G. (2002). The outcomes of military buildups: minor states vs. major
powers. *Journal of Peace Research* 39(6): 669-691.

Gibler, D. M., Rider, T. J. & Hutchison, M. L. (2005). Taking arms against a
sea of troubles: conventional arms races during periods of rivalry. *Journal
of Peace Research* 42(2): 131-147.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from herz.data import loaders
from herz.errors import ParameterError, require_choice

__all__ = [
    "BUILDUP_GROWTH",
    "BUILDUP_YEARS",
    "CONTROLS",
    "MEASURES",
    "OUTCOMES",
    "EscalationResult",
    "escalation_test",
    "fit_escalation",
    "rival_disputes",
]

#: Yearly growth (geometric mean) both sides need for an NMC mutual build-up (Diehl 1983).
BUILDUP_GROWTH = 0.08
#: Years over which that growth is measured, ending in the onset year.
BUILDUP_YEARS = 3
MEASURES: tuple[str, ...] = ("grh", "nmc")
OUTCOMES: tuple[str, ...] = ("hostlev", "cow")
CONTROLS: tuple[str, ...] = ("log_cap_ratio", "prior_disputes", "post1945")


def _nmc_buildup() -> pd.Series:
    """Per (ccode, year): geometric mean growth of milex over the BUILDUP_YEARS to ``year``."""
    nmc = loaders.nmc()
    nmc = nmc[nmc.year >= 1914][["ccode", "year", "milex"]]  # one currency (USD) throughout
    out: dict[tuple[int, int], float] = {}
    for code, rows in nmc.groupby("ccode"):
        v = rows.set_index("year")["milex"].astype(float)
        v = v.reindex(range(int(v.index.min()), int(v.index.max()) + 1))
        logs = np.log(v.where(v > 0).to_numpy(dtype=float))
        years = v.index.to_numpy()
        for i in range(BUILDUP_YEARS, len(years)):
            growth = np.expm1((logs[i] - logs[i - BUILDUP_YEARS]) / BUILDUP_YEARS)
            out[(int(str(code)), int(years[i]))] = float(growth)
    return pd.Series(out)


def rival_disputes() -> pd.DataFrame:
    """One row per GML MID dispute-dyad between strategic rivals, with race and war columns.

    Columns: ``dispnum, ccode1, stateabb1, ccode2, stateabb2, dyad, onset, last_year,
    tssr_id, war_hostlev, war_cow, grh, nmc_growth1, nmc_growth2, nmc`` (NA before
    1918 or where a growth is missing), ``log_cap_ratio, prior_disputes, post1945``.
    The frame is a copy: change it freely.
    """
    return _rival_disputes().copy()


@functools.cache
def _rival_disputes() -> pd.DataFrame:
    m = loaders.mids()
    g = m.groupby(["dispnum", "ccode1", "ccode2"])
    d = g.agg(stateabb1=("stateabb1", "first"), stateabb2=("stateabb2", "first"),
              onset=("year", "min"), last_year=("year", "max"),
              hostlev1=("hostlev1", "max"), hostlev2=("hostlev2", "max")).reset_index()
    riv = loaders.rivalries()
    lo = np.minimum(riv.ccode1, riv.ccode2)
    hi = np.maximum(riv.ccode1, riv.ccode2)
    spans = pd.DataFrame({"ccode1": lo, "ccode2": hi, "start": riv.start, "end": riv.end,
                          "tssr_id": riv.tssr_id})
    d = d.merge(spans, on=["ccode1", "ccode2"], how="inner")
    d = d[(d.onset >= d.start) & (d.onset <= d.end)]
    d = d.sort_values(["dispnum", "ccode1", "ccode2", "tssr_id"]).drop_duplicates(
        ["dispnum", "ccode1", "ccode2"]).drop(columns=["start", "end"])
    d["dyad"] = d.stateabb1 + "-" + d.stateabb2
    d["war_hostlev"] = (d.hostlev1 >= 5) & (d.hostlev2 >= 5)
    wars = loaders.wars()
    wars = wars[(wars.ccode1 < wars.ccode2) & (wars.cowinteronset == 1)]
    onsets = {(int(a), int(b), int(y)) for a, b, y in
              zip(wars.ccode1, wars.ccode2, wars.year, strict=True)}
    d["war_cow"] = [any((int(a), int(b), y) in onsets for y in range(int(s), int(e) + 1))
                    for a, b, s, e in zip(d.ccode1, d.ccode2, d.onset, d.last_year, strict=True)]
    races = loaders.arms_races()
    rl = np.minimum(races.ccode1, races.ccode2)
    rh = np.maximum(races.ccode1, races.ccode2)
    race_spans: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for a, b, s, e in zip(rl, rh, races.styear, races.endyear, strict=True):
        race_spans.setdefault((int(a), int(b)), []).append((int(s), int(e)))
    d["grh"] = [any(s < y <= e for s, e in race_spans.get((int(a), int(b)), []))
                for a, b, y in zip(d.ccode1, d.ccode2, d.onset, strict=True)]
    growth = _nmc_buildup()
    idx1 = pd.MultiIndex.from_arrays([d.ccode1, d.onset])
    idx2 = pd.MultiIndex.from_arrays([d.ccode2, d.onset])
    before1 = pd.MultiIndex.from_arrays([d.ccode1, d.onset - 1])
    before2 = pd.MultiIndex.from_arrays([d.ccode2, d.onset - 1])
    d["nmc_growth1"] = growth.reindex(before1).to_numpy()
    d["nmc_growth2"] = growth.reindex(before2).to_numpy()
    ok = d.nmc_growth1.notna() & d.nmc_growth2.notna()
    mmb = (d.nmc_growth1 >= BUILDUP_GROWTH) & (d.nmc_growth2 >= BUILDUP_GROWTH)
    d["nmc"] = mmb.astype("object").where(ok, pd.NA)
    cinc = loaders.nmc().set_index(["ccode", "year"])["cinc"]
    c1 = cinc.reindex(idx1).to_numpy(float)
    c2 = cinc.reindex(idx2).to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        d["log_cap_ratio"] = np.abs(np.log(c1 / c2))
    d = d.sort_values(["ccode1", "ccode2", "onset", "dispnum"]).reset_index(drop=True)
    d["prior_disputes"] = d.groupby(["ccode1", "ccode2"]).cumcount()
    d["post1945"] = d.onset >= 1946
    return d.drop(columns=["hostlev1", "hostlev2"])


@dataclass(frozen=True)
class EscalationResult:
    """The logit of escalation on an arms-race measure, with the table behind it."""

    measure: str
    outcome: str
    controls: tuple[str, ...]
    odds_ratio: float
    ci_low: float
    ci_high: float
    p_value: float
    n: int
    clusters: int
    table: pd.DataFrame
    coefficients: dict[str, dict[str, float]]
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain values."""
        return {"measure": self.measure, "outcome": self.outcome,
                "controls": list(self.controls), "odds_ratio": self.odds_ratio,
                "interval": [self.ci_low, self.ci_high], "p_value": self.p_value,
                "n": self.n, "clusters": self.clusters,
                "table": {str(k): {str(c): int(v) for c, v in r.items()}
                          for k, r in self.table.to_dict("index").items()},
                "coefficients": self.coefficients, "notes": list(self.notes)}


def fit_escalation(frame: pd.DataFrame, race: str = "race", war: str = "war",
                   controls: Sequence[str] = (), cluster: str | None = "dyad",
                   level: float = 0.95) -> EscalationResult:
    """Logit of ``war`` on ``race`` and ``controls`` with errors clustered by ``cluster``.

    Rows with a missing value in any column used are dropped (and counted in
    the notes). Without controls the odds ratio equals the 2x2 table's
    cross-product ratio (the logit's maximum-likelihood estimate with one
    binary regressor).
    """
    import statsmodels.api as sm

    cols = [race, war, *controls] + ([cluster] if cluster else [])
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise ParameterError("columns", missing, "must be columns of the dispute table")
    use = frame[cols].dropna()
    dropped = len(frame) - len(use)
    constant = [c for c in controls if use[c].nunique() < 2]
    controls = [c for c in controls if c not in constant]
    y = use[war].astype(bool).astype(float).to_numpy()
    x = use[race].astype(bool).astype(float).to_numpy()
    counts = np.array([[np.sum((x == 1) & (y == 1)), np.sum((x == 1) & (y == 0))],
                       [np.sum((x == 0) & (y == 1)), np.sum((x == 0) & (y == 0))]], dtype=int)
    table = pd.DataFrame(counts, index=["race at onset", "no race at onset"],
                         columns=["war", "no war"])
    if (counts == 0).any():
        raise ParameterError("table", counts.tolist(), "has an empty cell: the odds ratio is "
                             "not estimable (perfect separation)")
    design = np.column_stack([np.ones(len(use)), x,
                              *[use[c].astype(float).to_numpy() for c in controls]])
    names = ["const", "race", *controls]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = sm.Logit(y, design)
        if cluster:
            groups = pd.factorize(use[cluster])[0]
            res = model.fit(disp=0, cov_type="cluster", cov_kwds={"groups": groups})
        else:
            res = model.fit(disp=0)
    alpha = 1.0 - level
    ci = np.asarray(res.conf_int(alpha))
    coefs = {n: {"estimate": float(res.params[i]), "se": float(res.bse[i]),
                 "p": float(res.pvalues[i]), "odds_ratio": float(np.exp(res.params[i]))}
             for i, n in enumerate(names)}
    notes = [f"control {c} is constant in these disputes and was left out" for c in constant]
    if dropped:
        notes.append(f"{dropped} disputes dropped for a missing value")
    n_clusters = int(use[cluster].nunique()) if cluster else len(use)
    if cluster and n_clusters < 30:
        notes.append(f"only {n_clusters} clusters: cluster-robust errors are unreliable below "
                     "about 30-50 (Cameron & Miller 2015)")
    return EscalationResult("", "", tuple(controls), float(np.exp(res.params[1])),
                            float(np.exp(ci[1, 0])), float(np.exp(ci[1, 1])),
                            float(res.pvalues[1]), len(use), n_clusters, table, coefs,
                            tuple(notes))


def escalation_test(measure: str = "grh", outcome: str = "hostlev",
                    controls: Sequence[str] = CONTROLS, start: int = 1816,
                    end: int = 2010, level: float = 0.95) -> EscalationResult:
    """Logit of escalation on an arms race at onset, over disputes between rivals.

    ``measure``: ``grh`` or ``nmc`` (see the module docstring); ``outcome``:
    ``hostlev`` or ``cow``; disputes with onset in ``start``-``end``.
    """
    require_choice("measure", measure, MEASURES)
    require_choice("outcome", outcome, OUTCOMES)
    for c in controls:
        require_choice("control", c, CONTROLS)
    d = rival_disputes()
    d = d[(d.onset >= start) & (d.onset <= end)]
    if d.empty:
        raise ParameterError("period", f"{start}-{end}", "has no disputes between rivals")
    frame = d.assign(race=d[measure], war=d[f"war_{outcome}"])
    res = fit_escalation(frame, "race", "war", controls, "dyad", level)
    notes = list(res.notes)
    if measure == "grh":
        notes.append("GRH race begun before the onset year and not ended; GRH code races "
                     "within rivalries of 1816-1993: disputes after 2001 count as 'no race'")
    else:
        notes.append(f"NMC build-up: both sides' current-dollar spending grew >= "
                     f"{BUILDUP_GROWTH:.0%} a year over the {BUILDUP_YEARS} years "
                     "before the onset year (from 1918; inflation counts as growth)")
    notes.append("association, not effect: rivals that race may differ in ways the controls "
                 "do not capture (Diehl 1983; Sample 2002)")
    return EscalationResult(measure, outcome, res.controls, res.odds_ratio, res.ci_low,
                            res.ci_high, res.p_value, res.n, res.clusters, res.table,
                            res.coefficients, tuple(notes))
