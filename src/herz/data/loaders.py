"""Loaders for the shipped historical datasets, as tidy pandas DataFrames.

Units are handled, not ignored: COW NMC's ``milex`` is thousands of *current
pounds sterling* up to 1913 and thousands of *current US dollars* from 1914, so
every NMC spending series carries a ``currency`` column, and a request for a
series that crosses the 1913/1914 break is refused unless the caller asks for
conversion at the pre-war gold parity (US$4.8665 per pound).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from herz.data.catalog import dataset
from herz.errors import ParameterError, require_choice

__all__ = [
    "GBP_USD_PARITY_1913",
    "NMC_CURRENCY_BREAK",
    "RIVAL_DYADS",
    "SIPRI_MARKERS",
    "USSR_RUSSIA_BREAK",
    "MilexSeries",
    "alliances",
    "arms_races",
    "deflate",
    "dyad_milex",
    "eu_accession",
    "load",
    "mids",
    "mmb_confrontations",
    "nato_accession",
    "nmc",
    "nmc_dyads",
    "read_deflator",
    "richardson_blocs",
    "rivalries",
    "rivalry_spans",
    "sipri",
    "sipri_footnotes",
    "split_dyad",
    "wars",
]

#: Mint parity of the pound under the classical gold standard: US$4.8665 per GBP
#: (113.0016 grains of fine gold per pound / 23.22 grains per dollar). Used only
#: to put pre-1914 NMC figures on the post-1913 dollar scale; nominal, not real.
GBP_USD_PARITY_1913 = 4.8665
NMC_CURRENCY_BREAK = 1914  # first year in US dollars

Source = str  # "nmc" or "sipri"
_DYAD_FORM = "must be two COW abbreviations joined by '-', e.g. IND-PAK"
SOURCES = ("nmc", "sipri")


@functools.cache
def _read(name: str) -> pd.DataFrame:
    ds = dataset(name)
    frame = pd.read_csv(ds.path)
    for col in ds.missing_codes:
        if col in frame.columns:
            frame[col] = frame[col].where(frame[col] != -9)
    return frame


def load(name: str) -> pd.DataFrame:
    """Return dataset ``name`` (see ``herz data list``) as a DataFrame.

    Missing values are NaN (COW's -9 codes are recoded where the provenance note
    documents them). The frame is a copy: change it freely.
    """
    return _read(name).copy()


def nmc() -> pd.DataFrame:
    """COW NMC v7.0 with a ``currency`` column for ``milex`` (GBP to 1913, USD after)."""
    frame = load("cow_nmc")
    frame["currency"] = np.where(frame["year"] < NMC_CURRENCY_BREAK, "GBP", "USD")
    return frame


@dataclass(frozen=True)
class MilexSeries:
    """Two spending series of a dyad, aligned by year, with their unit and source."""

    dyad: str
    years: np.ndarray
    a: np.ndarray
    b: np.ndarray
    unit: str
    source: str
    notes: tuple[str, ...] = ()
    #: SIPRI's status of each year's figure (reported, estimate, uncertain), A then B;
    #: empty for NMC, which flags nothing.
    status_a: tuple[str, ...] = ()
    status_b: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """Return the series as a DataFrame with columns year, A, B."""
        left, right = self.dyad.split("-")
        return pd.DataFrame({"year": self.years, left: self.a, right: self.b})


RIVAL_DYADS: tuple[str, ...] = (
    "USA-RUS", "IND-PAK", "GRC-TUR", "ISR-EGY", "ISR-SYR", "ISR-JOR", "CHN-IND", "IRN-IRQ",
    "PRK-ROK", "UKG-GMY", "FRN-GMY", "ARG-CHL", "ECU-PER", "ARM-AZE", "CHN-TAW", "USA-CHN",
    "ETH-ERI", "GRC-CYP",
)


def _check_years(field: str, value: int | None, lo: int, hi: int) -> None:
    if value is not None and not lo <= value <= hi:
        raise ParameterError(field, value, f"must be a year between {lo} and {hi} for this series")


def _span(years: pd.Series, start: int | None, end: int | None) -> tuple[int, int]:
    lo, hi = int(years.min()), int(years.max())
    _check_years("start", start, lo, hi)
    _check_years("end", end, lo, hi)
    s, e = (lo if start is None else start), (hi if end is None else end)
    if s > e:
        raise ParameterError("start", s, f"must not be after end = {e}")
    return s, e


def dyad_milex(
    dyad: str, start: int | None = None, end: int | None = None, source: Source = "nmc",
    convert_to_usd: bool = False, deflator: pd.Series | None = None,
    deflator_base: int | None = None,
) -> MilexSeries:
    """Military spending of a rival dyad named by COW abbreviations, e.g. ``IND-PAK``.

    ``source="nmc"``: COW NMC v7.0, in *millions* of current GBP (to 1913) or
    current USD (from 1914); a span across 1913/1914 needs ``convert_to_usd``.
    ``source="sipri"``: SIPRI, millions of constant 2022 US$; SIPRI's USSR
    (1988-1990) and Russia (1992-) series are not joined.
    Either order of the pair is accepted (``PAK-IND`` returns Pakistan first).
    Years in which either side is missing end the series only if the gap is
    inside the span: a gap inside raises an error naming the missing years.

    ``deflator`` (optional) is a price index indexed by year, in the currency of
    the series (see :func:`read_deflator`); the series is then divided by it and
    expressed at the prices of ``deflator_base`` (default: the last year of the
    span). herz ships no deflator: the user supplies one and the unit says so.
    """
    require_choice("source", source, SOURCES)
    key = dyad.upper().strip()
    parts = key.split("-")
    if len(parts) != 2:
        raise ParameterError("dyad", dyad, _DYAD_FORM)
    if source == "nmc":
        series = _nmc_dyad(key, parts, start, end, convert_to_usd)
    else:
        series = _sipri_dyad(key, parts, start, end)
    if deflator is None:
        return series
    return _deflate_series(series, deflator, deflator_base)


def _nmc_dyad(
    key: str, parts: list[str], start: int | None, end: int | None, convert: bool
) -> MilexSeries:
    frame = nmc()
    known = set(frame["stateabb"])
    for p in parts:
        if p not in known:
            raise ParameterError(
                "dyad", key, f"{p} is not a COW abbreviation in NMC; rival dyads: "
                + ", ".join(RIVAL_DYADS)
            )
    a = frame[frame.stateabb == parts[0]].set_index("year")["milex"]
    b = frame[frame.stateabb == parts[1]].set_index("year")["milex"]
    both = pd.concat([a.rename("a"), b.rename("b")], axis=1, join="inner").sort_index()
    if both.empty:
        raise ParameterError("dyad", key, "the two states never coexist in NMC")
    s, e = _span(both.index.to_series(), start, end)
    both = both.loc[s:e]
    crosses = both.index.min() < NMC_CURRENCY_BREAK <= both.index.max()
    notes = []
    if crosses and not convert:
        raise ParameterError(
            "years", f"{s}-{e}",
            "NMC milex is in pounds to 1913 and dollars from 1914: choose a span on one side "
            "of the break, or pass convert_to_usd=True (--usd) to convert at gold parity",
        )
    if crosses:
        factor = np.where(both.index < NMC_CURRENCY_BREAK, GBP_USD_PARITY_1913, 1.0)
        both = both.mul(factor, axis=0)
        notes.append(f"pre-1914 GBP converted to USD at the gold parity {GBP_USD_PARITY_1913}")
        unit = "USD million (current)"
    else:
        pre_war = both.index.max() < NMC_CURRENCY_BREAK
        unit = "GBP million (current)" if pre_war else "USD million (current)"
    _check_gaps(key, both)
    notes.append("NMC milex is nominal: not inflation-adjusted")
    return MilexSeries(key, both.index.to_numpy(), both["a"].to_numpy() / 1000.0,
                       both["b"].to_numpy() / 1000.0, unit, "COW NMC v7.0", tuple(notes))


def _check_gaps(key: str, both: pd.DataFrame) -> None:
    missing = both.index[both.isna().any(axis=1)]
    if len(missing):
        shown = ", ".join(str(y) for y in missing[:10]) + (" ..." if len(missing) > 10 else "")
        raise ParameterError(
            "years", f"{both.index.min()}-{both.index.max()}",
            f"{key} has missing spending in {shown}; choose a span without gaps",
        )
    if len(both.index) > 1 and np.any(np.diff(both.index.to_numpy()) != 1):
        raise ParameterError("years", key,
                             "the series has missing years; choose a span without gaps")


def _sipri_dyad(key: str, parts: list[str], start: int | None, end: int | None) -> MilexSeries:
    frame = load("sipri_milex")
    known = sorted(set(frame["stateabb"]))
    for p in parts:
        if p not in known:
            raise ParameterError("dyad", key,
                                 f"{p} is not in the SIPRI subset; known: " + ", ".join(known))

    def series(abb: str) -> pd.Series:
        rows = frame[(frame.stateabb == abb) & frame.milex_const2022_usd_m.notna()]
        if abb == "RUS":
            # USSR (1988-1990) and Russia (1992-) are separate SIPRI series.
            rows = rows[rows.sipri_country == "Russia"] if (start or 1992) >= 1992 else rows[
                rows.sipri_country == "USSR"]
        return rows.set_index("year")["milex_const2022_usd_m"]

    a, b = series(parts[0]), series(parts[1])
    both = pd.concat([a.rename("a"), b.rename("b")], axis=1, join="inner").sort_index()
    if both.empty:
        raise ParameterError("dyad", key, "has no years with SIPRI constant-dollar data for both")
    s, e = _span(both.index.to_series(), start, end)
    both = both.loc[s:e]
    _check_gaps(key, both)
    notes = ["SIPRI constant 2022 US$; estimates and uncertain figures included "
             "as flagged by SIPRI"]
    flagged = sipri()
    status: dict[str, tuple[str, ...]] = {}
    for abb in parts:
        rows = flagged[(flagged.stateabb == abb) & flagged.milex_const2022_usd_m.notna()]
        if abb == "RUS":
            rows = rows[rows.sipri_country == ("Russia" if (start or 1992) >= 1992 else "USSR")]
        rows = rows.set_index("year").reindex(both.index)
        status[abb] = tuple(str(v) for v in rows["milex_const_status"])
        counts = rows["milex_const_status"].value_counts()
        flags = ", ".join(f"{n} {k}" for k, n in counts.items() if k != "reported")
        if flags:
            notes.append(f"{abb}: SIPRI flags {flags} of {len(rows)} years")
        markers = rows["sipri_notes"].dropna()
        if len(markers):
            mark = str(markers.iloc[0])
            notes.append(f"{abb}: SIPRI notes: {mark} ({_marker_text(mark)})")
    if "USA" in parts:
        notes.append("USA: SIPRI figures are for fiscal years (October-September; footnote 44)")
    return MilexSeries(key, both.index.to_numpy(), both["a"].to_numpy(), both["b"].to_numpy(),
                       "USD million (constant 2022)", "SIPRI 2024", tuple(notes),
                       status[parts[0]], status[parts[1]])


def richardson_blocs(start: int = 1909, end: int = 1913) -> MilexSeries:
    """Richardson's blocs from NMC: U = France + Russia, V = Germany + Austria-Hungary.

    In millions of current GBP. The NMC figures are an independent measurement,
    close to but not the same as Richardson's own (1909: U+V = 192.2 here, about
    199 in Richardson).
    """
    frame = load("richardson_powers")
    s, e = _span(frame["year"], start, end)
    sub = frame[(frame.year >= s) & (frame.year <= e)].sort_values("year")
    return MilexSeries(
        "FRN+RUS-GMY+AUH", sub["year"].to_numpy(), sub["U_FRN_RUS"].to_numpy() / 1000.0,
        sub["V_GMY_AUH"].to_numpy() / 1000.0, "GBP million (current)", "COW NMC v7.0",
        ("U = France + Russia, V = Germany + Austria-Hungary",),
    )


# --------------------------------------------------------------------- tidy typed loaders

#: First year of the Russian Federation in COW (ccode 365 continues the USSR); SIPRI
#: keeps separate series (USSR 1988-1990, Russia from 1992).
USSR_RUSSIA_BREAK = 1992

#: SIPRI's special-note symbols and the boolean column each becomes in :func:`sipri`.
SIPRI_MARKERS: dict[str, str] = {
    "†": "no_pensions",
    "‡": "current_spending_only",
    "§": "adopted_budget",
    "¶": "no_paramilitary",
    "‖": "currency_redenominated",
}


def split_dyad(dyad: str) -> tuple[str, str]:
    """Split ``"IND-PAK"`` into ``("IND", "PAK")`` (upper case), or raise naming the form."""
    parts = dyad.upper().strip().split("-")
    if len(parts) != 2 or not all(parts):
        raise ParameterError("dyad", dyad, _DYAD_FORM)
    return parts[0], parts[1]


def _pair_mask(frame: pd.DataFrame, a: str, b: str, col1: str, col2: str) -> pd.Series:
    return ((frame[col1] == a) & (frame[col2] == b)) | ((frame[col1] == b) & (frame[col2] == a))


def _flag(frame: pd.DataFrame, cols: tuple[str, ...]) -> pd.DataFrame:
    for c in cols:
        frame[c] = frame[c].fillna(0).astype(int).astype(bool)
    return frame


def nmc_dyads() -> pd.DataFrame:
    """The 18 classic rival dyads from NMC v7.0, one row per dyad-year (1,978 rows).

    ``milex_a``/``milex_b`` are thousands of current GBP to 1913 and current USD
    from 1914 (``currency`` says which; ``milex_unit`` is the file's own text).
    """
    frame = load("nmc_rival_dyads")
    frame["currency"] = np.where(frame["year"] < NMC_CURRENCY_BREAK, "GBP", "USD")
    return frame


@functools.lru_cache(maxsize=1)
def _marker_table() -> dict[str, str]:
    notes = load("sipri_footnotes")
    return dict(zip(notes["marker"].astype(str), notes["text"].astype(str), strict=True))


def _marker_text(markers: str) -> str:
    table = _marker_table()
    parts = [table[sym] for sym in SIPRI_MARKERS if sym in markers and sym in table]
    digits = "".join(ch if ch.isdigit() else " " for ch in markers).split()
    parts += [table[d][:80] + ("..." if len(table[d]) > 80 else "") for d in digits if d in table]
    return "; ".join(parts)


def sipri_footnotes() -> pd.DataFrame:
    """SIPRI's footnotes (18 rows): ``marker`` (a symbol or footnote number) and ``text``."""
    frame = load("sipri_footnotes")
    frame["marker"] = frame["marker"].astype(str)
    return frame


def sipri() -> pd.DataFrame:
    """SIPRI milex for the 20 countries (1,008 rows), with SIPRI's flags carried through.

    Columns: ``sipri_country, ccode, stateabb, year, milex_const2022_usd_m`` (millions
    of constant 2022 US$, NaN when not given), ``milex_const_status``,
    ``milex_share_gdp_pct``, ``share_gdp_status``, ``sipri_notes`` (the raw
    markers), one boolean column per special-note symbol (see
    :data:`SIPRI_MARKERS`: ``no_pensions``, ``current_spending_only``,
    ``adopted_budget``, ``no_paramilitary``, ``currency_redenominated``), and
    ``footnote`` (the number of the country footnote, or NA) with its
    ``footnote_text`` joined from :func:`sipri_footnotes`. USSR and Russia keep
    their separate SIPRI series (both ccode 365, told apart by ``sipri_country``).
    """
    frame = load("sipri_milex")
    notes = frame["sipri_notes"].fillna("").astype(str)
    for sym, col in SIPRI_MARKERS.items():
        frame[col] = notes.str.contains(sym, regex=False)
    number = notes.str.extract(r"(\d+)")[0]
    frame["footnote"] = pd.to_numeric(number).astype("Int64")
    texts = dict(zip(sipri_footnotes()["marker"], sipri_footnotes()["text"], strict=True))
    frame["footnote_text"] = number.map(texts)
    return frame


def rivalries() -> pd.DataFrame:
    """Thompson, Sakuwa & Suhas (2021) strategic rivalries (264 rows), typed.

    The rivalry types (``positional, spatial, ideological, interventionary``) and
    the ``principal``/``aprin`` flags are booleans (empty cells are False).
    ``start``/``end`` are years; ends are right-censored at 2020.
    """
    return _flag(load("strategic_rivalries"),
                 ("positional", "spatial", "ideological", "interventionary", "principal", "aprin"))


def rivalry_spans(dyad: str) -> list[tuple[int, str, int, int]]:
    """The strategic-rivalry episodes of a pair: (tssr_id, name, start, end), oldest first."""
    a, b = split_dyad(dyad)
    frame = rivalries()
    rows = frame[_pair_mask(frame, a, b, "stateabb1", "stateabb2")].sort_values("start")
    return [
        (int(i), str(n), int(s), int(e))
        for i, n, s, e in zip(rows["tssr_id"].to_numpy(), rows["rivalry"].to_numpy(),
                              rows["start"].to_numpy(), rows["end"].to_numpy(), strict=True)
    ]


def arms_races(dyad: str | None = None) -> pd.DataFrame:
    """Gibler, Rider & Hutchison (2005) arms races (71 rows), optionally for one pair."""
    frame = load("grh_arms_races")
    if dyad is not None:
        a, b = split_dyad(dyad)
        frame = frame[_pair_mask(frame, a, b, "stateabb1", "stateabb2")]
    return frame.reset_index(drop=True)


def wars(dyad: str | None = None) -> pd.DataFrame:
    """COW inter-state war dyad-years (directed, 1,932 rows), optionally for one pair.

    Battle deaths coded -9 (unknown) are NaN. For a pair, both directions are
    returned; use ``cowinteronset == 1`` for onset years.
    """
    frame = load("cow_wars")
    if dyad is not None:
        a, b = split_dyad(dyad)
        frame = frame[(frame.stateabb1 == a) & (frame.stateabb2 == b)
                      | (frame.stateabb1 == b) & (frame.stateabb2 == a)]
    return frame.reset_index(drop=True)


def mids() -> pd.DataFrame:
    """GML MID v2.2.1 non-directed dispute-dyad-years (5,138 rows); -9 codes are NaN."""
    return load("gml_mids")


def mmb_confrontations() -> pd.DataFrame:
    """Rival-dyad confrontations (2,324 rows) with ``mmb`` as a boolean build-up flag."""
    return _flag(load("mmb_confrontations"), ("mmb",))


def alliances() -> pd.DataFrame:
    """ATOP v5.1 alliance dyad-years for 34 focus states (8,412 rows), flags as booleans."""
    return _flag(load("atop_alliances"),
                 ("atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul"))


def nato_accession() -> pd.DataFrame:
    """NATO members and accession years (32 rows; transcribed by hand, see provenance)."""
    return load("nato_accession")


#: ISO alpha-2 code -> COW code of the 28 EU members in ``eu_member_states_accession.csv``
#: (checked against NMC's state list by the tests).
_EU_ISO2_COW: dict[str, int] = {
    "BE": 211, "FR": 220, "DE": 255, "IT": 325, "LU": 212, "NL": 210, "DK": 390, "IE": 205,
    "GB": 200, "GR": 350, "PT": 235, "ES": 230, "AT": 305, "FI": 375, "SE": 380, "CY": 352,
    "CZ": 316, "EE": 366, "HU": 310, "LV": 367, "LT": 368, "MT": 338, "PL": 290, "SK": 317,
    "SI": 349, "BG": 355, "RO": 360, "HR": 344,
}


def eu_accession() -> pd.DataFrame:
    """EU member states (28 rows, as of 2019) with COW join keys added.

    ``date`` is parsed and ``year`` added; ``ccode``/``stateabb`` are the COW
    keys (mapped by herz from ``iso2c``). Germany is GMY 255; it joined in 1958
    as West Germany (GFR 260), which ``note`` records. ``exit_year`` is 2020 for
    the United Kingdom (left 2020-01-31, after the table was made) and NA else.
    """
    frame = load("eu_accession")
    frame["date"] = pd.to_datetime(frame["date"])
    frame["year"] = frame["date"].dt.year
    frame["ccode"] = frame["iso2c"].map(_EU_ISO2_COW).astype("Int64")
    abbs = nmc().drop_duplicates("ccode").set_index("ccode")["stateabb"]
    frame["stateabb"] = frame["ccode"].map(abbs)
    frame["note"] = np.where(frame["iso2c"] == "DE",
                             "joined 1958 as West Germany (GFR 260); unified Germany from 1990", "")
    frame["exit_year"] = pd.Series(pd.NA, dtype="Int64", index=frame.index)
    frame.loc[frame["iso2c"] == "GB", "exit_year"] = 2020
    return frame


# ------------------------------------------------------------------------------- deflator


def read_deflator(path: str, column: str | None = None) -> pd.Series:
    """Read a price index from a CSV with a ``year`` column and one index column.

    ``column`` names the index column when there are several. The result is a
    Series indexed by year. herz ships no price index: NMC is nominal, so a user
    who wants real terms supplies one (e.g. a US CPI or GDP deflator for USD from
    1914, a UK retail price index for GBP before), in the series' currency.
    """
    frame = pd.read_csv(path)
    if "year" not in frame.columns:
        raise ParameterError("deflator", path,
                             "must be a CSV with a 'year' column and an index column")
    cols = [c for c in frame.columns if c != "year"]
    if column is None:
        if len(cols) != 1:
            raise ParameterError("deflator", path, "has several columns; name the index column: "
                                 + ", ".join(cols))
        column = cols[0]
    if column not in cols:
        raise ParameterError("deflator column", column, "must be one of " + ", ".join(cols))
    series = pd.to_numeric(frame[column], errors="coerce")
    series.index = frame["year"].astype(int)
    return series.dropna().rename("price_index")


def deflate(
    years: np.ndarray, values: np.ndarray, price_index: pd.Series, base_year: int | None = None
) -> np.ndarray:
    """Return ``values`` at the prices of ``base_year``: values * P[base] / P[year].

    ``price_index`` is indexed by year and must cover every year and the base
    year with positive numbers (default base: the last of ``years``).
    """
    yrs = np.asarray(years).astype(int)
    base = int(yrs[-1]) if base_year is None else int(base_year)
    need = sorted(set(yrs.tolist()) | {base})
    missing = [y for y in need if y not in price_index.index]
    if missing:
        raise ParameterError("deflator", f"{len(price_index)} years",
                             f"has no value for {', '.join(map(str, missing[:10]))}")
    index = price_index.loc[need].astype(float)
    if not np.all(index.to_numpy() > 0):
        raise ParameterError("deflator", "values", "must be positive in every year used")
    p = price_index.loc[yrs].to_numpy(dtype=float)
    return np.asarray(values, dtype=float) * float(price_index.loc[base]) / p


def _deflate_series(series: MilexSeries, index: pd.Series, base: int | None) -> MilexSeries:
    b = int(series.years[-1]) if base is None else int(base)
    a_real = deflate(series.years, series.a, index, b)
    b_real = deflate(series.years, series.b, index, b)
    unit = series.unit.replace("(current)", "").replace("(constant 2022)", "").strip()
    note = f"deflated with a user-supplied price index to {b} prices"
    return MilexSeries(series.dyad, series.years, a_real, b_real,
                       f"{unit} (constant {b}, user deflator)", series.source,
                       (*series.notes, note), series.status_a, series.status_b)
