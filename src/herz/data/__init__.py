"""Real historical data shipped with herz, with provenance and citations.

``load(name)`` returns any dataset of the catalogue as a DataFrame;
``dataset(name).citation`` says how to cite it; ``provenance_text(name)`` gives
where it came from and its caveats. The typed loaders (``sipri``, ``rivalries``,
``wars``, ...) return tidy frames with COW codes and abbreviations as join keys,
missing values as NaN and 0/1 flags as booleans.
"""

from herz.data.catalog import DATASETS, Dataset, dataset, provenance_text
from herz.data.loaders import (
    GBP_USD_PARITY_1913,
    NMC_CURRENCY_BREAK,
    RIVAL_DYADS,
    SIPRI_MARKERS,
    USSR_RUSSIA_BREAK,
    MilexSeries,
    alliances,
    arms_races,
    deflate,
    dyad_milex,
    eu_accession,
    load,
    mids,
    mmb_confrontations,
    nato_accession,
    nmc,
    nmc_dyads,
    read_deflator,
    richardson_blocs,
    rivalries,
    rivalry_spans,
    sipri,
    sipri_footnotes,
    split_dyad,
    wars,
)

__all__ = [
    "DATASETS",
    "GBP_USD_PARITY_1913",
    "NMC_CURRENCY_BREAK",
    "RIVAL_DYADS",
    "SIPRI_MARKERS",
    "USSR_RUSSIA_BREAK",
    "Dataset",
    "MilexSeries",
    "alliances",
    "arms_races",
    "dataset",
    "deflate",
    "dyad_milex",
    "eu_accession",
    "load",
    "mids",
    "mmb_confrontations",
    "nato_accession",
    "nmc",
    "nmc_dyads",
    "provenance_text",
    "read_deflator",
    "richardson_blocs",
    "rivalries",
    "rivalry_spans",
    "sipri",
    "sipri_footnotes",
    "split_dyad",
    "wars",
]
