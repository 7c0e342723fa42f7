"""Non-directed dyad-years from the shipped data: the role peacesciencer plays in R.

:func:`dyad_years` builds one row per pair of states per year (``ccode1 <
ccode2``) over a period, for given pairs or for every pair of states in the
COW system (the states with an NMC row that year), and joins:

- **disputes**, GML MID v2.2.1 (Gibler, Miller & Little 2016): ``mid_onset``,
  ``mid_ongoing``, ``mid_count`` (disputes ongoing), ``mid_hostlev`` (highest
  hostility level, 1-5) and ``mid_peaceyears`` (years since the last year with
  a dispute ongoing; counted from the pair's first year in the frame when
  there was none, so left-censored: ``mid_peaceyears_censored``). GML ends in 2010:
  later years are NA, not 0;
- **wars**, COW inter-state wars v4.0: ``war_onset``, ``war_ongoing``,
  ``warnum`` (ends in 2003/2007 as the data do: later years are NA);
- **rivalries**, Thompson, Sakuwa & Suhas (2021): ``tss_rivalry``, ``tssr_id``;
- **arms races**, Gibler, Rider & Hutchison (2005): ``grh_race``, ``race_id``
  (coded within rivalries 1816-1993);
- **alliances**, ATOP v5.1: ``atop_defense ... atop_consul`` where both states
  are among the 34 focus states shipped (NA for other pairs; the subset is
  what herz has, see ``herz data provenance atop_alliances``); ends 2018;
- **capabilities**, COW NMC v7.0: ``cinc1``, ``cinc2``, ``cap_share1``
  (state 1's share of the pair's CINC) and ``cap_ratio`` (stronger over
  weaker), ``milex1``, ``milex2`` (thousands of current GBP to 1913, USD after),
  ``milper1``, ``milper2``;
- **military burden**, SIPRI: ``milburden1``, ``milburden2`` (military spending
  as a percent of GDP) where SIPRI has it: the 20 shipped countries from 1949
  (USSR 1988-1990 only; Syria 1960-2010; North Korea never). Other states
  and years are NA. herz ships no GDP series, so burden cannot be computed
  from NMC for other states.

References
----------
Miller, S. V. (2022). peacesciencer: An R package for quantitative peace
science research. *Conflict Management and Peace Science* 39(6): 755-779.
(The design of this builder: non-directed dyad-years, peace-years spells.)
Beck, N., Katz, J. N. & Tucker, R. (1998). Taking time seriously: time-series-
cross-section analysis with a binary dependent variable. *American Journal of
Political Science* 42(4): 1260-1288. (Peace-years.)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from herz.data import loaders
from herz.errors import ParameterError

__all__ = ["ATOP_FOCUS", "DATA_ENDS", "dyad_years"]

#: The 34 COW codes whose pairs the shipped ATOP subset covers.
ATOP_FOCUS: frozenset[int] = frozenset({
    2, 130, 135, 155, 160, 200, 220, 255, 260, 265, 300, 305, 325, 345, 350, 352, 355, 365, 371,
    373, 630, 640, 645, 651, 652, 663, 666, 710, 713, 731, 732, 740, 750, 770,
})

#: Last year each joined source covers; later years are NA.
DATA_ENDS: dict[str, int] = {"mid": 2010, "war": 2007, "atop": 2018, "grh": 2001,
                             "tss": 2020, "nmc": 2022}


def _pair_key(frame: pd.DataFrame, c1: str = "ccode1", c2: str = "ccode2") -> pd.DataFrame:
    lo = np.minimum(frame[c1].to_numpy(), frame[c2].to_numpy())
    hi = np.maximum(frame[c1].to_numpy(), frame[c2].to_numpy())
    out = frame.copy()
    out["ccode1"], out["ccode2"] = lo, hi
    return out


def _frame(pairs: Sequence[str] | None, start: int, end: int,
           states: Sequence[str] | None) -> pd.DataFrame:
    nmc = loaders.nmc()
    nmc = nmc[(nmc.year >= start) & (nmc.year <= end)]
    cols = ["ccode", "stateabb", "year", "cinc", "milex", "milper"]
    sy = nmc[cols]
    known = set(loaders.nmc()["stateabb"])
    if pairs:
        rows = []
        for p in pairs:
            a, b = loaders.split_dyad(p)
            for s in (a, b):
                if s not in known:
                    raise ParameterError("pair", p, f"{s} is not a COW state abbreviation in NMC")
            if a == b:
                raise ParameterError("pair", p, "must name two different states")
            left = sy[sy.stateabb == a]
            right = sy[sy.stateabb == b]
            rows.append(left.merge(right, on="year", suffixes=("_a", "_b")))
        both = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
    else:
        if states:
            unknown = [s for s in states if s not in known]
            if unknown:
                raise ParameterError("states", ", ".join(unknown),
                                     "are not COW state abbreviations in NMC")
            sy = sy[sy.stateabb.isin(list(states))]
        both = sy.merge(sy, on="year", suffixes=("_a", "_b"))
        both = both[both.ccode_a < both.ccode_b]
    if both.empty:
        raise ParameterError("period", f"{start}-{end}", "has no year with both states in NMC")
    swap = both.ccode_a.to_numpy() > both.ccode_b.to_numpy()
    out = pd.DataFrame({"year": both.year.to_numpy()})
    for col in ("ccode", "stateabb", "cinc", "milex", "milper"):
        va, vb = both[f"{col}_a"].to_numpy(), both[f"{col}_b"].to_numpy()
        out[f"{col}1"] = np.where(swap, vb, va)
        out[f"{col}2"] = np.where(swap, va, vb)
    return out.drop_duplicates(["ccode1", "ccode2", "year"]).reset_index(drop=True)


def dyad_years(pairs: Sequence[str] | None = None, start: int = 1816, end: int = 2022,
               states: Sequence[str] | None = None) -> pd.DataFrame:
    """Non-directed dyad-years with disputes, wars, rivalries, races, alliances, capabilities.

    ``pairs``: e.g. ``["IND-PAK", "GRC-TUR"]`` (either order); ``None`` gives every
    pair of states in the COW system in each year (restricted to ``states`` if
    given; all pairs over 1816-2022 are about two million rows). Columns: see
    the module docstring. Years after a source's last year (:data:`DATA_ENDS`)
    are NA for that source's columns, never a false 0.
    """
    if start > end:
        raise ParameterError("start", start, f"must not be after end = {end}")
    if not 1816 <= start <= 2022 or not 1816 <= end <= 2022:
        raise ParameterError("period", f"{start}-{end}", "must lie within 1816-2022 (NMC)")
    out = _frame(pairs, start, end, states)
    key = ["ccode1", "ccode2", "year"]

    mids = loaders.mids()
    m = _pair_key(mids).groupby(key).agg(mid_onset=("midonset", "max"),
                                         mid_count=("dispnum", "nunique"),
                                         mid_hostlev=("hostlev", "max")).reset_index()
    out = out.merge(m, on=key, how="left")
    in_mid = out.year <= DATA_ENDS["mid"]
    out["mid_ongoing"] = out["mid_count"].notna()
    out["mid_onset"] = out["mid_onset"].fillna(0).astype(int).astype(bool)
    out["mid_count"] = out["mid_count"].fillna(0).astype(int)
    out["mid_hostlev"] = out["mid_hostlev"].astype("Int64")
    for c in ("mid_ongoing", "mid_onset", "mid_count"):
        out[c] = out[c].astype("object").where(in_mid, pd.NA)

    w = loaders.wars()
    w = w[w.ccode1 < w.ccode2]
    w = w.groupby(key).agg(war_onset=("cowinteronset", "max"),
                           warnum=("warnum", "min")).reset_index()
    out = out.merge(w, on=key, how="left")
    in_war = out.year <= DATA_ENDS["war"]
    out["war_ongoing"] = out["warnum"].notna().astype("object").where(in_war, pd.NA)
    out["war_onset"] = (out["war_onset"].fillna(0).astype(int).astype(bool)
                        .astype("object").where(in_war, pd.NA))
    out["warnum"] = out["warnum"].astype("Int64")

    out["tssr_id"] = _interval_id(out, _pair_key(loaders.rivalries()), "start", "end", "tssr_id")
    out["tss_rivalry"] = out["tssr_id"].notna()
    out["race_id"] = _interval_id(out, _pair_key(loaders.arms_races()), "styear", "endyear",
                                  "race_id")
    out["grh_race"] = out["race_id"].notna().astype("object").where(
        out.year <= DATA_ENDS["grh"], pd.NA)

    atop = loaders.alliances()
    flags = ["atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul"]
    out = out.merge(_pair_key(atop)[[*key, *flags]], on=key, how="left")
    covered = (out.ccode1.isin(ATOP_FOCUS) & out.ccode2.isin(ATOP_FOCUS)
               & (out.year <= DATA_ENDS["atop"]))
    for c in flags:
        out[c] = out[c].fillna(False).astype(bool).astype("object").where(covered, pd.NA)

    lo = np.minimum(out.cinc1.to_numpy(float), out.cinc2.to_numpy(float))
    hi = np.maximum(out.cinc1.to_numpy(float), out.cinc2.to_numpy(float))
    with np.errstate(divide="ignore", invalid="ignore"):
        out["cap_share1"] = out.cinc1 / (out.cinc1 + out.cinc2)
        out["cap_ratio"] = np.where(lo > 0, hi / np.where(lo > 0, lo, 1.0), np.nan)

    sip = loaders.sipri()
    burden = (sip.dropna(subset=["milex_share_gdp_pct"])
              .groupby(["ccode", "year"])["milex_share_gdp_pct"].first())
    for i in (1, 2):
        idx = pd.MultiIndex.from_arrays([out[f"ccode{i}"], out["year"]])
        out[f"milburden{i}"] = burden.reindex(idx).to_numpy()

    out = out.sort_values(key).reset_index(drop=True)
    out["mid_peaceyears"], out["mid_peaceyears_censored"] = _peace_years(out)
    order = ["ccode1", "stateabb1", "ccode2", "stateabb2", "year", "mid_onset", "mid_ongoing",
             "mid_count", "mid_hostlev", "mid_peaceyears", "mid_peaceyears_censored",
             "war_onset", "war_ongoing", "warnum", "tss_rivalry", "tssr_id", "grh_race",
             "race_id", *flags, "cinc1", "cinc2", "cap_share1", "cap_ratio", "milex1", "milex2",
             "milper1", "milper2", "milburden1", "milburden2"]
    return out[order]


def _interval_id(out: pd.DataFrame, spans: pd.DataFrame, lo: str, hi: str,
                 idcol: str) -> pd.Series:
    """The id of the span of ``spans`` that covers each dyad-year (first one if several)."""
    res = pd.Series(pd.NA, index=out.index, dtype="Int64")
    pairs = out.groupby(["ccode1", "ccode2"]).groups
    for r in spans.to_dict("records"):
        rows = pairs.get((int(r["ccode1"]), int(r["ccode2"])))
        if rows is None:
            continue
        years = out.loc[rows, "year"]
        hit = years[(years >= int(r[lo])) & (years <= int(r[hi]))].index
        free = hit[res.loc[hit].isna().to_numpy()]
        res.loc[free] = int(r[idcol])
    return res


def _peace_years(out: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Years since the last year with a MID ongoing, per pair (0 in a dispute year)."""
    years = np.empty(len(out), dtype=float)
    censored = np.zeros(len(out), dtype=bool)
    ongoing = out["mid_ongoing"].to_numpy()
    pair = (out["ccode1"].to_numpy() * 10_000 + out["ccode2"].to_numpy())
    yr = out["year"].to_numpy()
    last_pair: int = -1
    last_event: int | None = None
    first = 0
    for i in range(len(out)):
        if pair[i] != last_pair or (i > 0 and yr[i] != yr[i - 1] + 1):
            last_pair, last_event, first = int(pair[i]), None, int(yr[i])
        val = ongoing[i]
        if val is pd.NA or val is None:
            years[i] = np.nan
            continue
        if bool(val):
            last_event = int(yr[i])
            years[i] = 0
        elif last_event is None:
            years[i] = yr[i] - first
            censored[i] = True
        else:
            years[i] = yr[i] - last_event
    return (pd.Series(years, index=out.index).astype("Int64"),
            pd.Series(censored, index=out.index))
