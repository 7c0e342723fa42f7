"""The plausible region of the history fit, shipped with herz for the escape study's verdict.

``herz validate`` (DESIGN.md section 5, docs/validation.md) fits the world to
the record by history matching (Vernon, Goldstein & Bower 2010): a parameter
draw is *not implausible* when every pattern's implausibility is below 3. The
not-implausible draws of its reference table, with the box they span and the
settings of the fit, are written to ``region.json`` and shipped as
``herz/analysis/plausible_region.json``. :func:`load_region` reads that file;
the escape study averages its estimands over :attr:`PlausibleRegion.draws`
(or a resample of them, :meth:`PlausibleRegion.sample`) instead of over
documented default ranges: the draws are a sample, uniform under the prior,
of the region the record allows.

Only the fitted parameters (``parameters``: world fields, all per-world) vary
between draws; every other world field keeps its value.

References
----------
Vernon, I., Goldstein, M. & Bower, R. G. (2010). Galaxy formation: a Bayesian
uncertainty analysis. *Bayesian Analysis* 5(4): 619-669.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from herz.errors import ParameterError
from herz.rng import RngLike, as_seed_sequence

__all__ = ["REGION_FILE", "PlausibleRegion", "load_region"]

#: Name of the shipped region inside the package ``herz.analysis``.
REGION_FILE = "plausible_region.json"


@dataclass(frozen=True)
class PlausibleRegion:
    """The not-implausible region of one history fit.

    ``parameters``: the fitted world fields; ``draws``: the not-implausible
    draws of the reference table (one ``{field: value}`` each); ``box``: per
    parameter the smallest and largest not-implausible value; ``priors``: the
    fit's uniform priors; ``statistics``: the patterns the region was matched
    on and ``unmatched`` those no draw matches; ``share``: the share of the
    table's ``n`` draws that are not implausible; ``settings`` of the fit;
    ``source``: where it was read from.
    """

    parameters: tuple[str, ...]
    draws: tuple[dict[str, float], ...]
    box: dict[str, tuple[float, float]]
    priors: dict[str, tuple[float, float]] = field(default_factory=dict)
    statistics: tuple[str, ...] = ()
    unmatched: tuple[str, ...] = ()
    share: float = float("nan")
    n: int = 0
    threshold: float = 3.0
    settings: dict[str, Any] = field(default_factory=dict)
    source: str = ""

    def sample(self, n: int, rng: RngLike = None) -> list[dict[str, float]]:
        """``n`` draws resampled uniformly with replacement from :attr:`draws` (seeded)."""
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0:
            raise ParameterError("n", n, "must be a whole number >= 0")
        if not self.draws:
            raise ParameterError("region", self.source or "region",
                                 "has no not-implausible draws to sample")
        gen = np.random.default_rng(as_seed_sequence(rng))
        idx = gen.integers(0, len(self.draws), size=int(n))
        return [dict(self.draws[k]) for k in idx.tolist()]

    def contains(self, values: Mapping[str, float]) -> bool:
        """Whether every fitted parameter in ``values`` lies inside :attr:`box`.

        A point outside the box is outside the region; one inside the box may
        still lie between draws (the box is the region's bounding box).
        """
        for name, (lo, hi) in self.box.items():
            if name not in values:
                raise ParameterError(name, None, "is needed to place a point in the region")
            if not lo <= float(values[name]) <= hi:
                return False
        return True

    def to_dict(self) -> dict[str, Any]:
        """The file's format (what ``herz validate`` writes as ``region.json``)."""
        return {"parameters": list(self.parameters), "draws": [dict(d) for d in self.draws],
                "region": {k: list(v) for k, v in self.box.items()},
                "priors": {k: list(v) for k, v in self.priors.items()},
                "statistics": list(self.statistics), "unmatched": list(self.unmatched),
                "share_not_implausible": self.share, "n": self.n,
                "threshold": self.threshold, "settings": self.settings}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = "") -> PlausibleRegion:
        """Read the file's format; a missing ``draws`` list is an error that says so."""
        where = source or "region"
        if "draws" not in data or "region" not in data:
            raise ParameterError(where, sorted(data),
                                 "needs 'draws' and 'region' (written by herz validate)")
        box = {str(k): (float(v[0]), float(v[1])) for k, v in data["region"].items()}
        params = tuple(data.get("parameters") or box)
        draws = []
        for k, d in enumerate(data["draws"]):
            if set(d) != set(params):
                raise ParameterError(f"{where}: draws[{k}]", d,
                                     f"must give exactly the parameters {list(params)}")
            draws.append({p: float(d[p]) for p in params})
        return cls(parameters=params, draws=tuple(draws), box=box,
                   priors={str(k): (float(v[0]), float(v[1]))
                           for k, v in (data.get("priors") or {}).items()},
                   statistics=tuple(data.get("statistics", ())),
                   unmatched=tuple(data.get("unmatched", ())),
                   share=float(data.get("share_not_implausible", float("nan"))),
                   n=int(data.get("n", len(draws))), threshold=float(data.get("threshold", 3.0)),
                   settings=dict(data.get("settings", {})), source=source)


def load_region(path: str | Path | None = None) -> PlausibleRegion:
    """The plausible region: the one shipped with herz, or the ``region.json`` at ``path``.

    Raises FileNotFoundError when ``path`` does not exist, and ParameterError
    when the file is not a region written by ``herz validate``.
    """
    if path is None:
        from importlib import resources

        res = resources.files("herz.analysis").joinpath(REGION_FILE)
        text, source = res.read_text(), f"herz/analysis/{REGION_FILE}"
    else:
        p = Path(path)
        text, source = p.read_text(), str(p)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParameterError(source, text[:40], f"is not JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise ParameterError(source, type(data).__name__, "must be a JSON object")
    return PlausibleRegion.from_dict(data, source=source)
