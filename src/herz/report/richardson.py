"""The Richardson report: the pre-1914 blocs and classic rival dyads, fitted.

This is herz's main job until the escape map exists: it fits Richardson's summed
equation to the NMC budgets of France+Russia and Germany+Austria-Hungary in
1909-1913, sets the fit beside Richardson's published line
(yearly increase = 0.73 x (U+V - 194), GBP million), and fits the two-equation
model to a few rival dyads, with the warnings each fit needs.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt

from herz import __version__
from herz.data import MilexSeries, dyad_milex, richardson_blocs
from herz.models import richardson as rm
from herz.plot import dyad_series, richardson_summed_fit
from herz.report.html import figure_png, img_tag, page, table_html

#: Rival dyads in the report: (dyad, source, first year, last year, why this span).
DEFAULT_DYADS: tuple[tuple[str, str, int, int, str], ...] = (
    ("USA-RUS", "nmc", 1948, 1989, "Cold War rivalry (TSS 2021: 1945-1989); NMC, current US$"),
    ("IND-PAK", "sipri", 1956, 2022, "SIPRI constant 2022 US$, years with both series"),
    ("GRC-TUR", "sipri", 1953, 2022, "SIPRI constant 2022 US$"),
    ("ISR-EGY", "nmc", 1950, 1978, "rivalry up to the Camp David accords; NMC, current US$"),
)


@dataclass(frozen=True)
class DyadResult:
    """The fits of one dyad in the report."""

    series: MilexSeries
    summed: rm.SummedFit
    system: rm.SystemFit
    why: str


@dataclass(frozen=True)
class RichardsonReport:
    """Everything the report shows, computed; ``write`` renders it."""

    blocs: MilexSeries
    blocs_fit: rm.SummedFit
    blocs_fit_lagged: rm.SummedFit
    dyads: tuple[DyadResult, ...]

    def summary(self) -> dict[str, Any]:
        """The headline numbers as a plain dict (for --json and the closing note)."""
        pub = rm.PUBLISHED_1909_1913
        return {
            "herz_version": __version__,
            "blocs": {
                "years": [int(self.blocs.years[0]), int(self.blocs.years[-1])],
                "fit": self.blocs_fit.to_dict(),
                "published": {"slope": pub.slope, "zero_point": pub.zero_point},
                "slope_difference": self.blocs_fit.slope - pub.slope,
                "zero_point_difference": self.blocs_fit.zero_point - pub.zero_point,
            },
            "dyads": {
                d.series.dyad: {
                    "source": d.series.source, "unit": d.series.unit,
                    "years": [int(d.series.years[0]), int(d.series.years[-1])],
                    "summed_slope": d.summed.slope,
                    "stability": None if d.system.stability is None else d.system.stability.value,
                    "k": d.system.coefficients["k"].estimate,
                    "l": d.system.coefficients["l"].estimate,
                }
                for d in self.dyads
            },
        }


def compute(dyads: tuple[tuple[str, str, int, int, str], ...] = DEFAULT_DYADS) -> RichardsonReport:
    """Fit the blocs and the dyads."""
    blocs = richardson_blocs(1909, 1913)
    fit = rm.fit_summed(blocs.years, blocs.a, blocs.b, "midpoint", blocs.unit)
    fit_lag = rm.fit_summed(blocs.years, blocs.a, blocs.b, "lagged", blocs.unit)
    results = []
    for dyad, source, start, end, why in dyads:
        s = dyad_milex(dyad, start, end, source=source)
        results.append(DyadResult(
            s,
            rm.fit_summed(s.years, s.a, s.b, "midpoint", s.unit),
            rm.fit_system(s.years, s.a, s.b, "lagged", s.unit),
            why,
        ))
    return RichardsonReport(blocs, fit, fit_lag, tuple(results))


def _fmt(x: float, digits: int = 3) -> str:
    return f"{x:.{digits}g}"


def write(report: RichardsonReport, out_dir: Path) -> dict[str, Path]:
    """Write ``richardson_report.html`` (self-contained), ``.md``, the figure and a JSON summary."""
    out_dir.mkdir(parents=True, exist_ok=True)
    pub = rm.PUBLISHED_1909_1913
    fig = richardson_summed_fit(report.blocs.years, report.blocs.a, report.blocs.b,
                                report.blocs_fit, pub,
                                "France+Russia vs Germany+Austria-Hungary, 1909-1913")
    png = figure_png(fig)
    plt.close(fig)
    (out_dir / "richardson_blocs_fit.png").write_bytes(png)
    f = report.blocs_fit
    fl = report.blocs_fit_lagged
    blocs_rows = [
        [str(y), _fmt(u, 5), _fmt(v, 5), _fmt(u + v, 5)]
        for y, u, v in zip(report.blocs.years, report.blocs.a, report.blocs.b, strict=True)
    ]
    fit_rows = [
        ["herz fit, NMC v7.0 (midpoint, Richardson's regressor)", f"{f.slope:.3f} ± {f.slope_se:.3f}",
         f"{f.zero_point:.1f}", f"{f.intercept:.1f}", f"{f.r_squared:.3f}"],
        ["herz fit, NMC v7.0 (lagged level)", f"{fl.slope:.3f} ± {fl.slope_se:.3f}",
         f"{fl.zero_point:.1f}", f"{fl.intercept:.1f}", f"{fl.r_squared:.3f}"],
        ["Richardson 1960 (published line)", f"{pub.slope:.2f}", f"{pub.zero_point:.0f}",
         f"{pub.intercept:.0f}", "-"],
    ]
    dyad_parts = []
    md_dyads = []
    for d in report.dyads:
        left, right = d.series.dyad.split("-")
        dfig = dyad_series(d.series.years, d.series.a, d.series.b, (left, right), d.series.unit)
        dpng = figure_png(dfig)
        plt.close(dfig)
        rows = [[n, _fmt(c.estimate, 4), _fmt(c.se, 3), f"[{_fmt(c.ci_low)}, {_fmt(c.ci_high)}]",
                 _fmt(c.p_value, 2), _fmt(c.p_adjusted, 2)]
                for n, c in d.system.coefficients.items()]
        verdict = ("not a Richardson system (a coefficient has the wrong sign)"
                   if d.system.stability is None else d.system.stability.value)
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in (*d.series.notes, *d.system.notes))
        dyad_parts.append(
            f"<h3>{html.escape(d.series.dyad)}, {d.series.years[0]}-{d.series.years[-1]}</h3>"
            f"<p>{html.escape(d.why)}. Source: {html.escape(d.series.source)}, "
            f"{html.escape(d.series.unit)}.</p>"
            f"<figure>{img_tag(dpng, d.series.dyad + ' spending')}</figure>"
            + table_html(["coefficient", "estimate", "s.e.", "95% CI", "p",
                          "p (Holm, 6 coefficients)"], rows)
            + f"<p>Stability of the point estimates: <b>{html.escape(verdict)}</b>. "
            f"Summed slope k - a = {d.summed.slope:.3f} (R² {d.summed.r_squared:.2f}).</p>"
            f"<ul>{notes}</ul>"
        )
        md_dyads.append(
            f"| {d.series.dyad} | {d.series.years[0]}-{d.series.years[-1]} | {d.series.source} | "
            f"{d.system.coefficients['k'].estimate:.3g} | {d.system.coefficients['a'].estimate:.3g} | "
            f"{d.system.coefficients['l'].estimate:.3g} | {d.system.coefficients['b'].estimate:.3g} | "
            f"{verdict} |"
        )
    body = (
        "<h1>herz: Richardson's arms race, fitted to the record</h1>"
        f"<p>herz {html.escape(__version__)}. Data: COW National Material Capabilities v7.0 "
        "and the SIPRI Military Expenditure Database 2024 (see <code>herz data cite</code>).</p>"
        "<h2>The pre-1914 blocs</h2>"
        "<p>Richardson (1960) summed the defence budgets of the two blocs, U = France + Russia "
        "and V = Germany + Austria-Hungary, and found that the yearly increase of U+V lay close "
        "to the line <b>increase = 0.73 × (U+V − 194)</b> (£ million). The slope estimates "
        "k − a (reaction minus restraint); a positive slope is a runaway race, and the zero "
        "point is the combined budget below which the race would have wound down.</p>"
        f"<figure>{img_tag(png, 'summed fit of the pre-1914 blocs')}<figcaption>Yearly increase "
        "of the combined budget against its mean over consecutive years, NMC v7.0, with herz's "
        "least-squares line and Richardson's published line.</figcaption></figure>"
        + table_html(["", "slope (k - a)", "zero point (£m)", "intercept g + h (£m)", "R²"], fit_rows)
        + table_html(["year", "U = FRN+RUS (£m)", "V = GMY+AUH (£m)", "U+V (£m)"], blocs_rows)
        + "<p class=\"note\">NMC's budgets are an independent measurement of the same blocs, "
        "close to Richardson's own figures but not identical (1909: U+V = £192.2m in NMC against "
        "about £199m in Richardson). With five years there are only four yearly increases, so "
        "the standard error of the slope is large. The summed fit estimates only k − a and "
        "g + h: it does <b>not</b> identify the reaction coefficient k and the fatigue "
        "coefficient a separately.</p>"
        "<h2>Rival dyads: the two-equation fit</h2>"
        "<p>Each equation, Δx = k·y − a·x + g and Δy = l·x − b·y + h, is fitted by OLS on the "
        "earlier year's levels (statsmodels). Richardson behaviour needs positive k, l, a and b. "
        "The empirical literature finds it the exception rather than the rule (Georgiou et al. "
        "1996 for Greece-Turkey; Majeski and Jones 1981 for the superpowers).</p>"
        + "".join(dyad_parts)
        + "<h2>References</h2><ul>"
        f"<li>{html.escape(pub.citation)}</li>"
        "<li>Singer, Bremer and Stuckey (1972); Singer (1987): COW National Material "
        "Capabilities, v7.0.</li><li>SIPRI Military Expenditure Database 2024.</li></ul>"
    )
    html_path = out_dir / "richardson_report.html"
    html_path.write_text(page("herz: Richardson report", body), encoding="utf-8")
    md = "\n".join([
        "# herz: Richardson's arms race, fitted to the record", "",
        f"herz {__version__}. Figure: `richardson_blocs_fit.png`.", "",
        "## Pre-1914 blocs (France+Russia vs Germany+Austria-Hungary), NMC v7.0, 1909-1913", "",
        "| fit | slope (k - a) | zero point (GBP m) | R^2 |", "|---|---|---|---|",
        f"| herz, midpoint | {f.slope:.3f} ± {f.slope_se:.3f} | {f.zero_point:.1f} | {f.r_squared:.3f} |",
        f"| herz, lagged | {fl.slope:.3f} ± {fl.slope_se:.3f} | {fl.zero_point:.1f} | {fl.r_squared:.3f} |",
        f"| Richardson 1960 | {pub.slope:.2f} | {pub.zero_point:.0f} | - |", "",
        f"> {f.warning}", "",
        "## Rival dyads (two-equation OLS, lagged levels)", "",
        "| dyad | years | source | k | a | l | b | stability |", "|---|---|---|---|---|---|---|---|",
        *md_dyads, "",
    ])
    md_path = out_dir / "richardson_report.md"
    md_path.write_text(md, encoding="utf-8")
    json_path = out_dir / "richardson_summary.json"
    json_path.write_text(json.dumps(report.summary(), indent=2), encoding="utf-8")
    return {"html": html_path, "markdown": md_path, "figure": out_dir / "richardson_blocs_fit.png",
            "json": json_path}
