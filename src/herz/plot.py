"""Publication-ready matplotlib figures. Every function returns a Figure.

Colours come from the Okabe-Ito palette, which stays distinct under the common
forms of colour blindness.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg", force=False)  # headless by default; Jupyter selects its own backend

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from herz.models.richardson import PublishedLine, SummedFit  # noqa: E402

#: Okabe & Ito (2008) colour-blind-safe palette.
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000")


def richardson_summed_fit(
    years: np.ndarray, u: np.ndarray, v: np.ndarray, fit: SummedFit,
    published: PublishedLine | None = None, title: str | None = None,
) -> Figure:
    """Yearly increase of U+V against mean U+V, with the fitted and published lines.

    Richardson's own plot (Arms and Insecurity, 1960): points are consecutive
    years; the fitted line is ``fit``; the published line is drawn beside it.
    """
    total = np.asarray(u, float) + np.asarray(v, float)
    mid = (total[1:] + total[:-1]) / 2.0 if fit.regressor == "midpoint" else total[:-1]
    inc = np.diff(total)
    fig, ax = plt.subplots(figsize=(6.4, 4.4), layout="constrained")
    ax.scatter(mid, inc, color=OKABE_ITO[4], zorder=3, label="NMC v7.0, consecutive years")
    for xi, yi, y0, y1 in zip(mid, inc, years[:-1], years[1:], strict=True):
        ax.annotate(f"{y0}-{str(y1)[-2:]}", (xi, yi),
                    textcoords="offset points", xytext=(5, -10), fontsize=8)
    lo = min(mid.min(), published.zero_point if published else mid.min()) * 0.97
    hi = mid.max() * 1.03
    grid = np.linspace(lo, hi, 50)
    ax.plot(grid, fit.slope * grid + fit.intercept, color=OKABE_ITO[5],
            label=f"fit: {fit.slope:.2f} x (U+V - {fit.zero_point:.0f}), R² = {fit.r_squared:.2f}")
    if published is not None:
        ax.plot(grid, published.increase(grid), color=OKABE_ITO[7], linestyle="--",
                label=f"Richardson 1960: {published.slope:.2f} x (U+V - {published.zero_point:.0f})")
    ax.axhline(0.0, color="0.6", linewidth=0.8)
    ax.set_xlabel(f"U+V, mean of consecutive years ({fit.unit})")
    ax.set_ylabel(f"yearly increase of U+V ({fit.unit})")
    ax.set_title(title or "Richardson's summed arms-race fit")
    ax.legend(frameon=False, fontsize=8, loc="upper left")
    return fig


def dyad_series(years: np.ndarray, a: np.ndarray, b: np.ndarray, names: tuple[str, str],
                unit: str, title: str | None = None) -> Figure:
    """Two spending series over time (log scale when they span decades of growth)."""
    fig, ax = plt.subplots(figsize=(6.4, 3.6), layout="constrained")
    ax.plot(years, a, color=OKABE_ITO[4], label=names[0])
    ax.plot(years, b, color=OKABE_ITO[5], label=names[1], linestyle="-.")
    both = np.concatenate([a, b])
    if np.all(both > 0) and both.max() / both.min() > 30:
        ax.set_yscale("log")
    ax.set_xlabel("year")
    ax.set_ylabel(unit)
    ax.set_title(title or f"{names[0]} and {names[1]}: military spending")
    ax.legend(frameon=False)
    return fig
