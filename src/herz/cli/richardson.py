"""``herz models richardson``: equilibrium, simulate and fit from the command line."""

from __future__ import annotations

import typer
from rich.markup import escape
from rich.table import Table

from herz.cli._common import JSON_OPTION, console, parse_floats, print_json, show_record
from herz.data import dyad_milex, richardson_blocs
from herz.errors import ParameterError
from herz.models import richardson as rm

app = typer.Typer(help="Richardson's arms-race model (1960).", no_args_is_help=True)

K = typer.Option(..., "--k", help="Reaction of x to y's arms (>= 0).")
L = typer.Option(..., "--l", help="Reaction of y to x's arms (>= 0).")
A = typer.Option(..., "--a", help="Fatigue and expense of x (>= 0).")
B = typer.Option(..., "--b", help="Fatigue and expense of y (>= 0).")
G = typer.Option(0.0, "--g", help="Grievance of x (negative: goodwill).")
H = typer.Option(0.0, "--h", help="Grievance of y (negative: goodwill).")


def register(parent: typer.Typer) -> None:
    """Add the ``richardson`` group to ``parent``."""
    parent.add_typer(app, name="richardson")


@app.command()
def equilibrium(
    k: float = K, l: float = L, a: float = A, b: float = B, g: float = G, h: float = H,
    json: bool = JSON_OPTION,
) -> None:
    """Fixed point, eigenvalues and stability (stable iff a*b > k*l)."""
    p = rm.RichardsonParams(k=k, l=l, a=a, b=b, g=g, h=h)
    eq = rm.equilibrium(p)
    out = {
        "x": None if eq is None else eq[0],
        "y": None if eq is None else eq[1],
        "eigenvalues": rm.eigenvalues(p).tolist(),
        "stable": rm.stability(p) is rm.Stability.STABLE,
        "stability": rm.stability(p).value,
        "case": rm.classify(p).value,
        "condition": f"a*b = {a * b:g} {'>' if a * b > k * l else '<=' } k*l = {k * l:g}",
    }
    show_record(out, "Richardson equilibrium", json)


@app.command()
def simulate(
    k: float = K, l: float = L, a: float = A, b: float = B, g: float = G, h: float = H,
    x0: float = typer.Option(..., "--x0", help="Arms of x at t = 0."),
    y0: float = typer.Option(..., "--y0", help="Arms of y at t = 0."),
    t: str = typer.Option(..., "--t", help="Times, comma-separated, e.g. 0,1,2,5."),
    dt: float | None = typer.Option(None, "--dt", help="Use the discrete map with this step."),
    floor: bool = typer.Option(False, "--floor", help="Hold arms at zero instead of going negative."),
    json: bool = JSON_OPTION,
) -> None:
    """Trajectory at the given times: the exact solution, or the discrete map with --dt."""
    p = rm.RichardsonParams(k=k, l=l, a=a, b=b, g=g, h=h)
    times = parse_floats("t", t)
    tr = rm.simulate(p, x0, y0, times, dt=dt, floor=floor)
    if json:
        print_json({"t": tr.t, "x": tr.x, "y": tr.y, "method": tr.method})
        return
    table = Table(title=f"Richardson trajectory ({tr.method})")
    for col in ("t", "x", "y"):
        table.add_column(col, justify="right")
    for ti, xi, yi in zip(tr.t, tr.x, tr.y, strict=True):
        table.add_row(f"{ti:g}", f"{xi:.6g}", f"{yi:.6g}")
    console.print(table)


@app.command()
def fit(
    dyad: str | None = typer.Option(None, "--dyad", help="Rival pair by COW abbreviations, e.g. IND-PAK."),
    blocs: bool = typer.Option(False, "--blocs", help="Richardson's pre-1914 blocs (FRN+RUS vs GMY+AUH)."),
    start: int | None = typer.Option(None, "--start", help="First year."),
    end: int | None = typer.Option(None, "--end", help="Last year."),
    source: str = typer.Option("nmc", "--source", help="nmc (COW NMC v7.0) or sipri."),
    usd: bool = typer.Option(False, "--usd", help="NMC across 1913/1914: convert pounds at gold parity."),
    regressor: str = typer.Option(
        "both", "--regressor", help="both (default: the summed fit with Richardson's midpoint "
        "regressor, the two-equation fit with the lagged level as in `herz dyad`, each also "
        "in the other convention, labelled), midpoint or lagged."),
    json: bool = JSON_OPTION,
) -> None:
    """Fit Richardson's model to real spending: the summed fit and the two-equation fit."""
    if blocs == (dyad is not None):
        raise ParameterError("--dyad/--blocs", dyad, "give exactly one of --dyad A-B or --blocs")
    if regressor not in ("both", "midpoint", "lagged"):
        raise ParameterError("--regressor", regressor, "must be one of both, midpoint, lagged")
    if blocs:
        if source != "nmc":
            raise ParameterError("--source", source, "--blocs uses nmc only")
        series = richardson_blocs(1909 if start is None else start, 1913 if end is None else end)
    else:
        assert dyad is not None
        series = dyad_milex(dyad, start, end, source=source, convert_to_usd=usd)
    summed_reg = "midpoint" if regressor == "both" else regressor
    system_reg = "lagged" if regressor == "both" else regressor
    summed = rm.fit_summed(series.years, series.a, series.b, regressor=summed_reg, unit=series.unit)
    out: dict[str, object] = {
        "dyad": series.dyad, "source": series.source, "unit": series.unit,
        "years": [int(series.years[0]), int(series.years[-1])],
        "conventions": {"summed": summed_reg, "system": system_reg,
                        "herz dyad": "lagged (the two-equation fit and the tests)"},
        "summed": summed.to_dict(),
        "notes": list(series.notes),
    }
    if regressor == "both":
        out["summed_lagged"] = rm.fit_summed(series.years, series.a, series.b, regressor="lagged",
                                             unit=series.unit).to_dict()
    system = None
    if len(series.years) >= 5:
        system = rm.fit_system(series.years, series.a, series.b, regressor=system_reg,
                               unit=series.unit)
        out["system"] = system.to_dict()
        if regressor == "both":
            out["system_midpoint"] = rm.fit_system(series.years, series.a, series.b,
                                                   regressor="midpoint", unit=series.unit).to_dict()
    else:
        out["system"] = None
        out["notes"] = [*series.notes, "fewer than 5 years: the two-equation fit is not computed"]
    if blocs:
        pub = rm.PUBLISHED_1909_1913
        out["published"] = {"slope": pub.slope, "zero_point": pub.zero_point, "unit": pub.unit,
                            "citation": pub.citation}
    if json:
        print_json(out)
        return
    console.print(f"[bold]{series.dyad}[/bold] {series.years[0]}-{series.years[-1]}, "
                  f"{series.source}, {series.unit}")
    console.print(
        f"summed fit ({summed_reg} regressor): increase of U+V = {summed.slope:.3f} x "
        f"(U+V - {summed.zero_point:.1f}); slope se {summed.slope_se:.3f}, "
        f"R^2 = {summed.r_squared:.3f}, n = {summed.n_obs}"
    )
    if "summed_lagged" in out:
        sl = out["summed_lagged"]
        assert isinstance(sl, dict)
        console.print(f"summed fit (lagged regressor, the convention of `herz dyad`): slope "
                      f"{sl['slope']:.3f}, zero point {sl['zero_point']:.1f}")
    console.print(f"[yellow]{summed.warning}[/yellow]")
    if system is not None:
        sysfit = system
        table = Table(title=f"two-equation fit (OLS, {system_reg} regressor"
                      + (", as in `herz dyad`)" if system_reg == "lagged" else ")"))
        for col in ("coef", "estimate", "se", "95% CI", "p", "p (Holm)"):
            table.add_column(col)
        for name, c in sysfit.coefficients.items():
            table.add_row(name, f"{c.estimate:.4g}", _num(c.se), escape(f"[{_num(c.ci_low)}, {_num(c.ci_high)}]"),
                          _num(c.p_value), _num(c.p_adjusted))
        console.print(table)
        verdict = "not a Richardson system" if sysfit.stability is None else sysfit.stability.value
        console.print(f"stability: {verdict}")
        for note in sysfit.notes:
            console.print(f"- {note}")
        if "system_midpoint" in out:
            sm_ = out["system_midpoint"]
            assert isinstance(sm_, dict)
            est = ", ".join(f"{k} = {v['estimate']:.4g}" for k, v in sm_["coefficients"].items())
            console.print(f"two-equation fit with the midpoint regressor (not comparable with "
                          f"`herz dyad`): {est}")
    if blocs:
        console.print(f"published: increase = {rm.PUBLISHED_1909_1913.slope} x (U+V - "
                      f"{rm.PUBLISHED_1909_1913.zero_point:g}) (Richardson 1960)")


def _num(v: float) -> str:
    return "n/a" if v != v else f"{v:.3g}"
