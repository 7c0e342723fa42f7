"""Real historical data shipped with herz, with provenance and citations.

``load(name)`` returns any dataset of the catalogue as a DataFrame;
``dataset(name).citation`` says how to cite it; ``provenance_text(name)`` gives
where it came from and its caveats.
"""

from herz.data.catalog import DATASETS, Dataset, dataset, provenance_text
from herz.data.loaders import (
    GBP_USD_PARITY_1913,
    RIVAL_DYADS,
    MilexSeries,
    dyad_milex,
    load,
    nmc,
    richardson_blocs,
)

__all__ = [
    "DATASETS",
    "GBP_USD_PARITY_1913",
    "RIVAL_DYADS",
    "Dataset",
    "MilexSeries",
    "dataset",
    "dyad_milex",
    "load",
    "nmc",
    "provenance_text",
    "richardson_blocs",
]
