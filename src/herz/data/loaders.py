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
    "MilexSeries",
    "RIVAL_DYADS",
    "dyad_milex",
    "load",
    "nmc",
    "richardson_blocs",
]

#: Mint parity of the pound under the classical gold standard: US$4.8665 per GBP
#: (113.0016 grains of fine gold per pound / 23.22 grains per dollar). Used only
#: to put pre-1914 NMC figures on the post-1913 dollar scale; nominal, not real.
GBP_USD_PARITY_1913 = 4.8665
NMC_CURRENCY_BREAK = 1914  # first year in US dollars

Source = str  # "nmc" or "sipri"
SOURCES = ("nmc", "sipri")


@functools.lru_cache(maxsize=None)
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
    convert_to_usd: bool = False,
) -> MilexSeries:
    """Military spending of a rival dyad named by COW abbreviations, e.g. ``IND-PAK``.

    ``source="nmc"``: COW NMC v7.0, in *millions* of current GBP (to 1913) or
    current USD (from 1914); a span across 1913/1914 needs ``convert_to_usd``.
    ``source="sipri"``: SIPRI, millions of constant 2022 US$; SIPRI's USSR
    (1988-1990) and Russia (1992-) series are not joined.
    Either order of the pair is accepted (``PAK-IND`` returns Pakistan first).
    Years in which either side is missing end the series only if the gap is
    inside the span: a gap inside raises an error naming the missing years.
    """
    require_choice("source", source, SOURCES)
    key = dyad.upper().strip()
    parts = key.split("-")
    if len(parts) != 2:
        raise ParameterError("dyad", dyad, "must be two COW abbreviations joined by '-', e.g. IND-PAK")
    if source == "nmc":
        return _nmc_dyad(key, parts, start, end, convert_to_usd)
    return _sipri_dyad(key, parts, start, end)


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
        unit = "GBP million (current)" if both.index.max() < NMC_CURRENCY_BREAK else "USD million (current)"
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
        raise ParameterError("years", key, "the series has missing years; choose a span without gaps")


def _sipri_dyad(key: str, parts: list[str], start: int | None, end: int | None) -> MilexSeries:
    frame = load("sipri_milex")
    known = sorted(set(frame["stateabb"]))
    for p in parts:
        if p not in known:
            raise ParameterError("dyad", key, f"{p} is not in the SIPRI subset; known: " + ", ".join(known))

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
    notes = ("SIPRI constant 2022 US$; estimates and uncertain figures included as flagged by SIPRI",)
    return MilexSeries(key, both.index.to_numpy(), both["a"].to_numpy(), both["b"].to_numpy(),
                       "USD million (constant 2022)", "SIPRI 2024", notes)


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
