"""Publication-ready matplotlib figures. Every function returns a Figure.

Colours come from the Okabe-Ito palette, which stays distinct under the common
forms of colour blindness.
"""

from __future__ import annotations

import matplotlib
import matplotlib.ticker

matplotlib.use("Agg", force=False)  # headless by default; Jupyter selects its own backend

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from herz.models.jervis import DEFAULT_ARMS_COST, DEFAULT_WAR_GAIN, DEFAULT_WAR_LOSS
from herz.models.richardson import PublishedLine, SummedFit

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
                label=f"Richardson 1960: {published.slope:.2f} x "
                      f"(U+V - {published.zero_point:.0f})")
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


# --------------------------------------------------------------------------- the escape map

#: Colours of the world's outcomes (Okabe-Ito), used by every escape-map figure.
OUTCOME_COLOURS = {"war": OKABE_ITO[5], "spiral": OKABE_ITO[0], "mitigated": OKABE_ITO[4],
                   "transcended": OKABE_ITO[2], "unresolved": "#999999",
                   "no_dilemma": "#cccccc"}


def jervis_class_map(odb_grid, dist_grid, *, war_gain: float = DEFAULT_WAR_GAIN,
                     war_loss: float = DEFAULT_WAR_LOSS, arms_cost: float = DEFAULT_ARMS_COST,
                     title: str | None = None) -> Figure:
    """Figure of Jervis's game class over offense-defense balance (log x) x distinguishability d.

    References
    ----------
    Jervis, R. (1978). Cooperation under the security dilemma. *World Politics*
    30(2): 167-214. Regimes as in herz MODELS.md sec. 2.3 [D] (:mod:`herz.models.jervis`).
    """
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    from herz.models import jervis
    from herz.models.games import GameClass

    odb = np.atleast_1d(np.asarray(odb_grid, dtype=float))
    dist = np.atleast_1d(np.asarray(dist_grid, dtype=float))
    classes = jervis.class_map(odb, dist, war_gain=war_gain, war_loss=war_loss,
                               arms_cost=arms_cost)
    present = [c for c in GameClass if np.any(classes == c)]
    codes = np.vectorize(lambda c: present.index(c))(classes).astype(float)
    palette = {GameClass.PRISONERS_DILEMMA: OKABE_ITO[5], GameClass.STAG_HUNT: OKABE_ITO[0],
               GameClass.HARMONY: OKABE_ITO[2], GameClass.BOUNDARY: OKABE_ITO[7]}
    colours = [palette.get(c, OKABE_ITO[6]) for c in present]
    fig, ax = plt.subplots(figsize=(6.4, 4.4), layout="constrained")
    ax.pcolormesh(odb, dist, codes.T, cmap=ListedColormap(colours), shading="nearest",
                  vmin=-0.5, vmax=len(present) - 0.5)
    ax.set_xscale("log")
    ax.axvline(1.0, color="0.2", linewidth=0.8, linestyle="--")
    ax.set_xlabel("offense-defense balance δ (< 1 offense dominant)")
    ax.set_ylabel("distinguishability d (Jervis's ρ = (1 + d)/2)")
    ax.set_title(title or f"Security game class (v={war_gain:g}, L={war_loss:g}, k={arms_cost:g})")
    ax.legend(handles=[Patch(color=col, label=c.value) for c, col in
                       zip(present, colours, strict=True)], frameon=True, facecolor="white",
              framealpha=0.9, fontsize=8, loc="upper right")
    return fig


def _game_boundaries(ax, params, d_values, odb_lim):
    """Draw Jervis's class boundaries (PD | stag hunt | harmony) on a balance x d plane."""
    from herz.models import jervis
    from herz.world.offense_defense import jervis_payoffs

    pay = jervis_payoffs(params)
    v, big_l, k = pay["gain"], pay["loss"], pay["cost"]
    if not (v > 0 and big_l >= v and k > 0):
        return
    d = np.linspace(0.0, 1.0, 201)
    pd_b = np.empty_like(d)
    h_b = np.empty_like(d)
    for i, dd in enumerate(d):
        pd_b[i], h_b[i] = jervis.regime_boundaries(dd, war_gain=v, war_loss=big_l, arms_cost=k)
    for b, style, name in ((pd_b, "-", "PD | stag hunt"), (h_b, "--", "stag hunt | harmony")):
        ok = (b > odb_lim[0]) & (b < odb_lim[1])
        if ok.any():
            ax.plot(np.where(ok, b, np.nan), d, color="black", linestyle=style, linewidth=1.4,
                    label=f"Jervis: {name}")


def phase_diagram(rates, value: str = "escape", params=None,
                  title: str | None = None, x: str = "offense_defense_balance",
                  y: str = "distinguishability", annotate: bool = True) -> Figure:
    """P(value) over offense-defense balance x distinguishability, game-class boundaries drawn.

    ``rates``: :func:`herz.analysis.outcomes.outcome_rates` output with the two
    factor columns (and ``game_class`` if known). Each cell shows the rate and,
    when ``annotate``, the interval. The colour map is cividis (perceptually
    uniform, colour-blind safe).
    """
    xs = np.sort(rates[x].unique())
    ys = np.sort(rates[y].unique())
    grid = np.full((ys.size, xs.size), np.nan)
    lo = np.full_like(grid, np.nan)
    hi = np.full_like(grid, np.nan)
    for _, r in rates.iterrows():
        i, j = int(np.searchsorted(ys, r[y])), int(np.searchsorted(xs, r[x]))
        grid[i, j] = r[f"p_{value}"]
        lo[i, j], hi[i, j] = r[f"{value}_low"], r[f"{value}_high"]
    fig, ax = plt.subplots(figsize=(7.0, 5.0), layout="constrained")
    log = xs.min() > 0 and xs.max() / xs.min() > 5
    mesh = ax.pcolormesh(xs, ys, grid, cmap="cividis", vmin=0.0, vmax=1.0, shading="nearest")
    if log:
        ax.set_xscale("log")
    if annotate and grid.size <= 150:
        for i in range(ys.size):
            for j in range(xs.size):
                if np.isfinite(grid[i, j]):
                    col = "white" if grid[i, j] < 0.55 else "black"
                    ax.text(xs[j], ys[i], f"{100 * grid[i, j]:.0f}\n[{100 * lo[i, j]:.0f}, "
                            f"{100 * hi[i, j]:.0f}]", ha="center", va="center", fontsize=7,
                            color=col)
    if params is not None:
        if log:
            lim = (xs.min() / np.sqrt(xs[1] / xs[0]) if xs.size > 1 else xs.min() / 2,
                   xs.max() * np.sqrt(xs[-1] / xs[-2]) if xs.size > 1 else xs.max() * 2)
        else:
            lim = (float(xs.min()), float(xs.max()))
        _game_boundaries(ax, params, ys, lim)
        ax.set_xlim(*lim)
        ax.set_ylim(ys.min() - 0.5 * (ys[1] - ys[0]) if ys.size > 1 else -0.1,
                    ys.max() + 0.5 * (ys[1] - ys[0]) if ys.size > 1 else 1.1)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, frameon=False,
                      fontsize=8)
    ax.axvline(1.0, color="0.5", linewidth=0.8, linestyle=":")
    ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
    ax.set_xticks(xs, [f"{v:.3g}" for v in xs])
    ax.set_yticks(ys, [f"{v:.3g}" for v in ys])
    fig.colorbar(mesh, ax=ax, label=f"P({value})")
    ax.set_xlabel("offense-defense balance δ (< 1 offense dominant, > 1 defense dominant)")
    ax.set_ylabel("distinguishability d")
    ax.set_title(title or f"P({value}) per cell, % [95% interval]")
    return fig


def outcome_trajectories(samples,
                         title: str | None = None) -> Figure:
    """Mean arsenal and trust among security seekers over time, one sample world per outcome.

    ``samples``: ``{outcome: {"dataset": xarray.Dataset from simulate(...,
    trajectories=True), ...}}`` as :func:`herz.analysis.escape.analyse` builds it.
    """
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(9.0, 3.8), layout="constrained")
    styles = {"war": "-", "spiral": "--", "mitigated": "-.", "transcended": ":",
              "unresolved": (0, (1, 1)), "no_dilemma": (0, (3, 1, 1, 1))}
    for outcome, s in samples.items():
        ds = s["dataset"]
        t = ds["time"].values
        for w in range(ds.sizes["world"]):
            lab = f"{outcome} (cell {s['point']}, world {s['replicates'][w]})" if w == 0 else None
            a1.plot(t, ds["arms_mean"].values[w], color=OUTCOME_COLOURS[outcome],
                    linestyle=styles[outcome], label=lab)
            a2.plot(t, ds["trust_seekers"].values[w], color=OUTCOME_COLOURS[outcome],
                    linestyle=styles[outcome])
            wars = np.flatnonzero(ds["wars"].values[w] > 0)
            if wars.size:
                a1.plot(t[wars[0]], ds["arms_mean"].values[w][wars[0]], marker="x",
                        color=OUTCOME_COLOURS[outcome], markersize=8)
    a1.set_xlabel("year")
    a1.set_ylabel("mean arsenal (arms units)")
    top = max(float(np.nanmax(s["dataset"]["arms_mean"].values)) for s in samples.values()) \
        if samples else 1.0
    if top > 50:  # a runaway race: show it on a log scale
        a1.set_yscale("symlog", linthresh=1.0)
    else:
        a1.set_ylim(bottom=0)
    a2.set_xlabel("year")
    a2.set_ylabel("trust among security seekers")
    a2.set_ylim(0, 1)
    a1.legend(fontsize=7, frameon=False)
    fig.suptitle(title or "Sample worlds of each outcome (x: first war)")
    return fig


def survival_curves(curves, title: str | None = None,
                    ylabel: str = "P(not yet)") -> Figure:
    """Kaplan-Meier curves with pointwise 95% bands (``{label: SurvivalCurve}``)."""
    fig, ax = plt.subplots(figsize=(6.4, 4.0), layout="constrained")
    styles = ["-", "--", "-.", ":", (0, (3, 1, 1, 1))]
    for i, (label, c) in enumerate(curves.items()):
        tb = c.table
        col = OKABE_ITO[(i + 4) % len(OKABE_ITO)]
        ax.step(tb["time"], tb["survival"], where="post", color=col,
                linestyle=styles[i % len(styles)], label=f"{label} (n={c.n}, events={c.events})")
        ax.fill_between(tb["time"], tb["low"], tb["high"], step="post", color=col, alpha=0.2)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("year")
    ax.set_ylabel(ylabel)
    ax.set_title(title or "Kaplan-Meier survival")
    ax.legend(fontsize=7, frameon=False)
    return fig


def sobol_bars(table, title: str | None = None,
               labels=None) -> Figure:
    """First- and total-order Sobol indices with their confidence intervals."""
    t = table.sort_values("ST", ascending=True)
    names = [(labels or {}).get(f, f.replace("_", " ")) for f in t["factor"]]
    y = np.arange(len(t))
    fig, ax = plt.subplots(figsize=(7.0, 0.5 * len(t) + 1.6), layout="constrained")
    ax.barh(y + 0.2, t["ST"], height=0.38, xerr=t["ST_conf"], color=OKABE_ITO[4],
            label="total order S_T", capsize=3)
    ax.barh(y - 0.2, t["S1"], height=0.38, xerr=t["S1_conf"], color=OKABE_ITO[0],
            label="first order S_1", capsize=3, hatch="//")
    ax.set_yticks(y, names, fontsize=8)
    ax.axvline(0, color="0.3", linewidth=0.8)
    ax.set_xlabel("Sobol index (bars: 95% bootstrap interval)")
    ax.set_title(title or "Sensitivity of P(escape)")
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    return fig


def prim_box_plot(x, y, box, dims=None,
                  title: str | None = None) -> Figure:
    """Cases in the plane of the box's two main factors, the PRIM box drawn on top."""
    from matplotlib.patches import Rectangle

    restricted = list(box.limits["factor"]) if not box.limits.empty else []
    cols = list(x.columns)
    dims = list(dims or (restricted + [c for c in cols if c not in restricted])[:2])
    yy = np.asarray(y, dtype=bool)
    fig, ax = plt.subplots(figsize=(6.0, 4.6), layout="constrained")
    # worlds that share a design point share coordinates: show each point's share
    pts = x[dims].assign(_y=yy.astype(float)).groupby(dims, sort=False)["_y"].mean().reset_index()
    sc = ax.scatter(pts[dims[0]], pts[dims[1]], c=pts["_y"], cmap="cividis", vmin=0, vmax=1,
                    s=10, alpha=0.85)
    fig.colorbar(sc, ax=ax, label=f"share of worlds: {box.label or 'of interest'}")
    lims = {d: box.ranges[d] for d in dims}
    for _, r in box.limits.iterrows():
        if r["factor"] in lims:
            lims[r["factor"]] = (float(r["low"]), float(r["high"]))
    rect = Rectangle((lims[dims[0]][0], lims[dims[1]][0]), lims[dims[0]][1] - lims[dims[0]][0],
                     lims[dims[1]][1] - lims[dims[1]][0], fill=False, edgecolor=OKABE_ITO[5],
                     linewidth=2.2, label="PRIM box")
    ax.add_patch(rect)
    ax.set_xlabel(dims[0].replace("_", " "))
    ax.set_ylabel(dims[1].replace("_", " "))
    ax.set_title(title or f"PRIM: {box.label} (coverage {box.coverage:.0%}, "
                 f"density {box.density:.0%})", fontsize=10)
    ax.legend(fontsize=7, frameon=True, loc="best")
    return fig


def logic_bars(shares, by_class=None,
               title: str | None = None) -> Figure:
    """Share of worlds under Booth and Wheeler's logics (all worlds, and by game class)."""
    groups = [("all worlds", shares)]
    if by_class is not None and len(by_class):
        groups += [(gc, g) for gc, g in by_class.groupby("game_class")]
    logics = list(shares["logic"])
    colours = {"fatalist": OKABE_ITO[5], "mitigator": OKABE_ITO[4], "transcender": OKABE_ITO[2],
               "unresolved": "#999999"}
    hatches = {"fatalist": "", "mitigator": "//", "transcender": "..", "unresolved": "xx"}
    fig, ax = plt.subplots(figsize=(7.0, 0.6 * len(groups) + 1.6), layout="constrained")
    for gi, (_name, g) in enumerate(groups):
        left = 0.0
        g = g.set_index("logic")
        for lg in logics:
            w = float(g.loc[lg, "share"]) if lg in g.index else 0.0
            ax.barh(gi, w, left=left, color=colours.get(lg, "#777777"), hatch=hatches.get(lg, ""),
                    edgecolor="white", label=lg if gi == 0 else None)
            if w > 0.06:
                ax.text(left + w / 2, gi, f"{100 * w:.0f}%", ha="center", va="center",
                        fontsize=8, color="white" if lg != "unresolved" else "black")
            left += w
    ax.set_yticks(range(len(groups)), [n for n, _ in groups])
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of worlds")
    ax.set_title(title or "Booth and Wheeler's three logics")
    ax.legend(ncol=4, fontsize=8, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.25))
    return fig
