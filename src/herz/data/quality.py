"""Warnings about breaks in the shipped spending series that are not behaviour.

COW NMC's ``milex`` is in *current* dollars converted at *market exchange
rates*, so a devaluation shows as a fall in spending that no budget made, and
COW splices sources (the USSR's series falls from 317.9 to 119.4 US$ billion
between 1988 and 1989 when the CIA-based estimates give way to later figures).
Inflation, by contrast, moves a current-dollar series smoothly. Every
year-on-year change larger than :data:`JUMP_LOG` in absolute log terms is
flagged; the documented causes below are named where herz knows them.

References
----------
Singer, J. D. (1987) and the NMC v7.0 codebook (correlatesofwar.org) on the
sources of ``milex``; IMF, *International Financial Statistics* for the
exchange-rate changes: the Indian rupee devalued from 4.76 to 7.50 per US$ on
6 June 1966, the Pakistani rupee from 4.76 to 11.00 per US$ on 11 May 1972.
"""

from __future__ import annotations

import numpy as np

__all__ = ["JUMP_LOG", "KNOWN_BREAKS", "spending_breaks"]

#: Absolute yearly change of log spending above which a year is flagged (a fall of 33%
#: or a rise of 49%).
JUMP_LOG = 0.4

#: (source, COW abbreviation, year) -> the documented cause of a break in that year.
KNOWN_BREAKS: dict[tuple[str, str, int], str] = {
    ("nmc", "RUS", 1989): "NMC splice: the USSR series changes source (317.9 -> 119.4 US$ bn, "
                          "1988 -> 1989), not a budget cut of 62%",
    ("nmc", "RUS", 1992): "USSR -> Russian Federation and the rouble's collapse at market "
                          "exchange rates",
    ("nmc", "IND", 1967): "rupee devaluation of June 1966 (4.76 -> 7.50 per US$): NMC's "
                          "current-dollar series falls although rupee spending rose",
    ("nmc", "PAK", 1972): "rupee devaluation of May 1972 (4.76 -> 11.00 per US$) and the loss "
                          "of East Pakistan: NMC's current-dollar series falls",
}


def spending_breaks(source: str, state: str, years: np.ndarray, values: np.ndarray,
                    war_years: set[int] | None = None) -> list[str]:
    """Warnings for the years in which ``state``'s spending jumps by more than :data:`JUMP_LOG`.

    ``source`` is ``"nmc"`` or ``"sipri"``. A documented cause is named; other
    jumps are flagged as a possible splice or exchange-rate break, or as war
    spending when ``war_years`` holds the year or the year before.
    """
    yrs = np.asarray(years).astype(int)
    x = np.asarray(values, dtype=float)
    out: list[str] = []
    with np.errstate(divide="ignore", invalid="ignore"):
        g = np.diff(np.log(np.where(x > 0, x, np.nan)))
    for year, step in zip(yrs[1:], g, strict=True):
        if not np.isfinite(step) or abs(step) <= JUMP_LOG:
            continue
        change = f"{state} {int(year)}: {np.expm1(step):+.0%} in one year"
        known = KNOWN_BREAKS.get((source, state, int(year)))
        if known:
            out.append(f"{change}: {known}")
        elif war_years and (int(year) in war_years or int(year) - 1 in war_years):
            out.append(f"{change}: in or just after a war of {state} (COW inter-state wars)")
        elif source == "nmc":
            out.append(f"{change}: possible source splice or exchange-rate break (NMC is in "
                       "current US$ at market rates)")
        else:
            out.append(f"{change}: check SIPRI's footnotes for this country")
    return out
