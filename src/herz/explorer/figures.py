"""The explorer's figures: plain matplotlib, each function returns a Figure.

They take what :mod:`herz.explorer.compute` returns, so they work the same in
the browser app, in a notebook and in tests. Colours are Okabe-Ito
(:data:`herz.plot.OKABE_ITO`); identity runs from enmity (vermillion) to
friendship (blue).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["escape_map_figure", "network_figure", "outcomes_figure", "trajectories_figure"]

OUTCOME_COLOURS = {
    "war": "#000000", "spiral": "#D55E00", "unresolved": "#999999", "mitigated": "#56B4E9",
    "transcended": "#009E73", "escape": "#0072B2", "no_dilemma": "#CCCCCC",
}


def _plt() -> Any:
    from herz.plot import plt

    return plt


def trajectories_figure(samples: Any) -> Figure:
    """Mean arsenal and trust among security seekers over time, one line per sample world."""
    from herz.plot import OKABE_ITO

    plt = _plt()
    fig, (ax_a, ax_t) = plt.subplots(1, 2, figsize=(9.0, 3.4), layout="constrained")
    t = np.asarray(samples["time"])
    for k, w in enumerate(np.asarray(samples["world"])):
        colour = OKABE_ITO[k % len(OKABE_ITO)]
        outcome = str(samples["outcome"].values[k])
        label = f"world {int(w)}: {outcome}"
        ax_a.plot(t, np.asarray(samples["arms_mean"][k]), color=colour, label=label)
        ax_t.plot(t, np.asarray(samples["trust_seekers"][k]), color=colour, label=label)
    ax_a.set_xlabel("year")
    ax_a.set_ylabel("mean arsenal O + D (arms units)")
    ax_a.set_ylim(bottom=0.0)
    ax_a.set_title("Arms")
    ax_t.set_xlabel("year")
    ax_t.set_ylabel("trust among security seekers")
    ax_t.set_ylim(-0.02, 1.02)
    ax_t.set_title("Trust")
    ax_t.legend(fontsize=8, loc="best")
    return fig


def _hull(points: np.ndarray, pad: float) -> np.ndarray:
    """Outline around ``points``: the convex hull of small circles about each."""
    ang = np.linspace(0.0, 2.0 * math.pi, 24, endpoint=False)
    ring = np.column_stack([np.cos(ang), np.sin(ang)]) * pad
    cloud = (points[:, None, :] + ring[None, :, :]).reshape(-1, 2)
    from scipy.spatial import ConvexHull

    hull = ConvexHull(cloud)
    return np.asarray(cloud[hull.vertices])


def network_figure(net: dict[str, Any], title: str | None = None) -> Figure:
    """Relations of one world: edges coloured by identity, communities outlined.

    ``net`` is what :func:`herz.explorer.compute.network` returns. Edge colour
    is the mean identity s of the pair (enmity -1 to friendship +1), width
    grows with |s|; pairs with |s| < 0.05 are not drawn. Greedy states are
    drawn as squares, security seekers as circles; each security community is
    outlined with a dashed line.
    """
    from matplotlib import colormaps
    from matplotlib.colors import Normalize
    from matplotlib.lines import Line2D
    from matplotlib.patches import Polygon

    plt = _plt()
    pos = np.asarray(net["positions"])
    n = len(pos)
    cmap = colormaps["RdBu"]
    norm = Normalize(-1.0, 1.0)
    fig, ax = plt.subplots(figsize=(5.0, 4.6), layout="constrained")
    for i, j, s in sorted(net["edges"], key=lambda e: abs(e[2])):
        if abs(s) < 0.05:
            continue
        ax.plot(pos[[i, j], 0], pos[[i, j], 1], color=cmap(norm(s)),
                lw=0.4 + 2.6 * abs(s) * (10.0 / max(n, 10)) ** 0.5, alpha=0.85, zorder=1)
    comm = np.asarray(net["community"])
    for k, c in enumerate(sorted(set(comm[comm >= 0].tolist()))):
        members = pos[comm == c]
        outline = _hull(members, 0.14)
        ax.add_patch(Polygon(outline, closed=True, fill=False, ls="--", lw=1.6,
                             ec="#009E73", zorder=3,
                             label="security community" if k == 0 else None))
    greedy = np.asarray(net["greedy"], dtype=bool)
    size = 160 if n <= 20 else max(20, 3200 // n)
    ax.scatter(pos[~greedy, 0], pos[~greedy, 1], s=size, c="#F0E442", edgecolors="#000000",
               marker="o", zorder=4)
    ax.scatter(pos[greedy, 0], pos[greedy, 1], s=size, c="#CC79A7", edgecolors="#000000",
               marker="s", zorder=4)
    if n <= 20:
        for i, (x, y) in enumerate(pos):
            ax.annotate(str(i), (x, y), ha="center", va="center", fontsize=7, zorder=5)
    sm = plt.cm.ScalarMappable(norm=norm, cmap=cmap)
    fig.colorbar(sm, ax=ax, shrink=0.7, label="identity s (enmity -1 .. friendship +1)")
    handles = [
        Line2D([], [], marker="o", ls="", mfc="#F0E442", mec="#000000", label="security seeker"),
        Line2D([], [], marker="s", ls="", mfc="#CC79A7", mec="#000000", label="greedy"),
        Line2D([], [], ls="--", color="#009E73", label="security community"),
    ]
    ax.legend(handles=handles, fontsize=7, loc="lower center", bbox_to_anchor=(0.5, -0.16),
              ncol=3, frameon=False)
    ax.set_xlim(-1.35, 1.35)
    ax.set_ylim(-1.35, 1.35)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title or f"World {net['world']}, year {net['step']}")
    return fig


def outcomes_figure(shares: pd.DataFrame, confidence: float = 0.95) -> Figure:
    """Share of each outcome with its interval (:func:`~herz.explorer.compute.outcome_shares`)."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(5.0, 3.2), layout="constrained")
    y = np.arange(len(shares))[::-1]
    share = shares["share"].to_numpy()
    err = np.vstack([share - shares["low"].to_numpy(), shares["high"].to_numpy() - share])
    colours = [OUTCOME_COLOURS.get(str(o), "#777777") for o in shares["outcome"]]
    ax.barh(y, share, color=colours, xerr=err, capsize=3, ecolor="#444444")
    ax.set_yticks(y, [str(o) for o in shares["outcome"]])
    ax.set_xlim(0.0, 1.0)
    n = int(shares["n"].iloc[0])
    ax.set_xlabel(f"share of {n} worlds ({confidence:.0%} Wilson interval)")
    for yi, s in zip(y, share, strict=True):
        ax.text(min(s + 0.02, 0.9), yi, f"{s:.2f}", va="center", fontsize=8)
    ax.set_title("Outcomes (Booth & Wheeler)")
    return fig


def escape_map_figure(cells: pd.DataFrame) -> Figure:
    """P(escape) over balance x distinguishability (:func:`~herz.explorer.compute.escape_map`).

    Each cell shows P(escape) and its interval; the current point is framed.
    """
    plt = _plt()
    b = sorted(cells["offense_defense_balance"].unique())
    d = sorted(cells["distinguishability"].unique())
    grid = np.full((len(d), len(b)), np.nan)
    for _, r in cells.iterrows():
        grid[d.index(r["distinguishability"]), b.index(r["offense_defense_balance"])] = \
            r["p_escape"]
    fig, ax = plt.subplots(figsize=(4.8, 3.8), layout="constrained")
    im = ax.imshow(grid, origin="lower", cmap="viridis", vmin=0.0, vmax=1.0, aspect="auto")
    for _, r in cells.iterrows():
        x, y = b.index(r["offense_defense_balance"]), d.index(r["distinguishability"])
        colour = "white" if r["p_escape"] < 0.6 else "black"
        ax.text(x, y, f"{r['p_escape']:.2f}\n[{r['low']:.2f}, {r['high']:.2f}]", ha="center",
                va="center", fontsize=7, color=colour)
        if bool(r["current"]):
            ax.add_patch(plt.Rectangle((x - 0.5, y - 0.5), 1, 1, fill=False, ec="#E69F00",
                                       lw=2.5))
    ax.set_xticks(range(len(b)), [f"{v:.3g}" for v in b])
    ax.set_yticks(range(len(d)), [f"{v:.2g}" for v in d])
    ax.set_xlabel("offense-defense balance δ")
    ax.set_ylabel("distinguishability d")
    fig.colorbar(im, ax=ax, label="P(escape)")
    ax.set_title(f"Escape map around the point ({int(cells['n'].iloc[0])} worlds per cell)")
    return fig
