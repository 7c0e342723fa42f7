"""``herz models ipd``: matches, tournaments, exact noisy analysis and the Moran process."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from herz.cli._common import JSON_OPTION, console, parse_floats, print_json
from herz.errors import ParameterError

if TYPE_CHECKING:  # the models (and their compiler) load when a command runs
    from herz.models.ipd.game import Noise, StageGame
    from herz.models.ipd.strategies import Strategy

app = typer.Typer(
    help="Iterated 2x2 games under noise and misperception (Axelrod 1984).", no_args_is_help=True
)

NOISE = typer.Option("0", "--noise", help="Implementation error: one rate, or two (player 1,2).")
PERCEPTION = typer.Option(
    "0", "--perception-noise", help="Perception error: one rate, or two (player 1,2)."
)
PAYOFFS = typer.Option("3,0,5,1", "--payoffs", help="Stage game R,S,T,P (default 3,0,5,1).")
SEED = typer.Option(0, "--seed", help="Seed: every match's stream is spawned from it.")
CONTINUATION = typer.Option(
    None, "--continuation", help="Probability of another round (instead of a fixed --turns)."
)

STRATEGY = typer.Option(
    None, "--strategy", "-s", help="A strategy (repeat). Default: the shared field."
)
FITNESS = typer.Option("linear", "--fitness", help="linear or exponential.")
METHOD = typer.Option("exact", "--method", help="exact (memory-one) or tournament payoffs.")

#: Show a progress bar for tournaments with more turns than this.
PROGRESS_TURNS = 20_000_000


def register(parent: typer.Typer) -> None:
    """Add the ``ipd`` group to ``parent``."""
    parent.add_typer(app, name="ipd")


def _noise(noise: str, perception: str) -> Noise:
    from herz.models.ipd.game import Noise

    def pair(field: str, text: str) -> float | tuple[float, float]:
        vals = parse_floats(field, text)
        if len(vals) == 1:
            return vals[0]
        if len(vals) == 2:
            return (vals[0], vals[1])
        raise ParameterError(field, text, "must be one rate or two (player 1, player 2)")

    return Noise(pair("--noise", noise), pair("--perception-noise", perception))


def _rational(field: str, text: str) -> list[Fraction]:
    try:
        return [Fraction(part.strip()) for part in text.split(",") if part.strip()]
    except (ValueError, ZeroDivisionError):
        raise ParameterError(field, text, "must be numbers such as 0.01 or 1/100") from None


def _exact(
    s1: Strategy, s2: Strategy, noise: str, perception: str, game: StageGame
) -> list[str] | None:
    """The stationary distribution in rational arithmetic, decimals read exactly.

    Strategy probabilities are read as the nearest fraction with a denominator up to
    10**9 (so 1/3 and 0.9 are exact); ``None`` where the chain has no unique answer.
    """
    from herz.models.ipd import markov

    e = _rational("--noise", noise)
    f = _rational("--perception-noise", perception)
    e1, e2 = (e[0], e[0]) if len(e) == 1 else (e[0], e[1])
    f1, f2 = (f[0], f[0]) if len(f) == 1 else (f[0], f[1])
    v1 = [Fraction(x).limit_denominator(10**9) for x in s1.four_vector(game)]
    v2 = [Fraction(x).limit_denominator(10**9) for x in s2.four_vector(game)]
    try:
        dist = markov.stationary_exact(v1, v2, (e1, e2, f1, f2))
    except ParameterError:
        return None
    return [str(x) for x in dist]


def _game(payoffs: str) -> StageGame:
    from herz.models.ipd.game import StageGame

    vals = parse_floats("--payoffs", payoffs)
    if len(vals) != 4:
        raise ParameterError("--payoffs", payoffs, "must be four numbers R,S,T,P")
    return StageGame(*vals)


@app.command()
def match(
    p1: str = typer.Option(..., "--p1", help="Player 1: a library name or 4 probabilities."),
    p2: str = typer.Option(..., "--p2", help="Player 2: a library name or 4 probabilities."),
    turns: int = typer.Option(200, "--turns", help="Rounds."),
    continuation: float | None = CONTINUATION,
    noise: str = NOISE,
    perception_noise: str = PERCEPTION,
    payoffs: str = PAYOFFS,
    seed: int = SEED,
    json: bool = JSON_OPTION,
) -> None:
    """Play one match and show the moves, scores and misperceptions."""
    from herz.models.ipd.engine import play_match
    from herz.models.ipd.strategies import parse_strategy

    res = play_match(
        parse_strategy(p1),
        parse_strategy(p2),
        turns=turns,
        continuation=continuation,
        game=_game(payoffs),
        noise=_noise(noise, perception_noise),
        rng=seed,
    )
    out = res.to_dict()
    if json:
        print_json(out)
        return
    m1, m2 = res.moves_text()
    console.print(
        f"[bold]{res.players[0]}[/bold] vs [bold]{res.players[1]}[/bold], {res.turns} rounds"
    )
    for label, moves in ((res.players[0], m1), (res.players[1], m2)):
        console.print(f"{label[:20]:>20}: {moves[:50]}{'...' if len(moves) > 50 else ''}")
    console.print(
        f"scores {res.scores[0]:g} vs {res.scores[1]:g} "
        f"(per round {res.score_per_turn[0]:.3f} vs {res.score_per_turn[1]:.3f}); "
        f"misperceived moves: {out['misperceived']}"
    )


@app.command(name="tournament")
def tournament_cmd(
    strategy: list[str] = STRATEGY,
    all_strategies: bool = typer.Option(False, "--all", help="Every strategy of the library."),
    turns: int = typer.Option(200, "--turns", help="Rounds per match."),
    repetitions: int = typer.Option(10, "--repetitions", help="Times each pairing is played."),
    continuation: float | None = CONTINUATION,
    noise: str = NOISE,
    perception_noise: str = PERCEPTION,
    payoffs: str = PAYOFFS,
    seed: int = SEED,
    threads: int | None = typer.Option(None, "--threads", help="Worker threads (same results)."),
    processes: int | None = typer.Option(
        None, "--processes", help="Worker processes (same results)."
    ),
    json: bool = JSON_OPTION,
) -> None:
    """Round robin (self-play included) with repetitions: scores with 95% intervals."""
    if all_strategies:
        from herz.models.ipd.strategies import LIBRARY

        field = [make() for make in LIBRARY.values()]
    else:
        from herz.models.ipd.interop import SHARED_FIELD
        from herz.models.ipd.strategies import parse_strategy

        field = [parse_strategy(s) for s in (strategy or list(SHARED_FIELD))]
    n = len(field)
    expected = (
        n
        * (n + 1)
        // 2
        * repetitions
        * (turns if continuation is None else 1.0 / (1.0 - continuation))
    )
    from herz.models.ipd.tournament import tournament

    res = tournament(
        field,
        turns=turns,
        repetitions=repetitions,
        continuation=continuation,
        game=_game(payoffs),
        noise=_noise(noise, perception_noise),
        rng=seed,
        threads=threads,
        processes=processes,
        progress=(not json) and expected > PROGRESS_TURNS,
    )
    if json:
        print_json(res.to_dict())
        return
    table = Table(title=f"Tournament: {n} strategies, {repetitions} repetitions")
    for col in ("rank", "strategy", "score/turn", "95% CI", "wins/rep", "cooperation"):
        table.add_column(col)
    for row in res.summary().itertuples():
        table.add_row(
            str(row.rank),
            str(row.strategy),
            f"{row.mean_score_per_turn:.3f}",
            f"[{row.ci_low:.3f}, {row.ci_high:.3f}]",
            f"{row.wins_per_repetition:.2f}",
            f"{row.cooperation_rate:.3f}",
        )
    console.print(table)


@app.command()
def stationary(
    p1: str = typer.Option(..., "--p1", help="Player 1: a memory-one name or 4 probabilities."),
    p2: str = typer.Option(..., "--p2", help="Player 2: a memory-one name or 4 probabilities."),
    noise: str = NOISE,
    perception_noise: str = PERCEPTION,
    payoffs: str = PAYOFFS,
    continuation: float | None = typer.Option(
        None,
        "--continuation",
        help="Also give expected payoffs when w is the chance of another round.",
    ),
    exact: bool = typer.Option(
        False, "--exact", help="Also solve in rational arithmetic (decimals read exactly)."
    ),
    json: bool = JSON_OPTION,
) -> None:
    """Long-run outcome distribution (CC, CD, DC, DD of player 1) and payoffs per round."""
    game = _game(payoffs)
    nz = _noise(noise, perception_noise)
    from herz.models.ipd import markov
    from herz.models.ipd.strategies import parse_strategy

    s1, s2 = parse_strategy(p1), parse_strategy(p2)
    res = markov.stationary(s1, s2, nz, game)
    out = res.to_dict()
    out["players"] = [s1.name, s2.name]
    if exact:
        out["exact_distribution"] = _exact(s1, s2, noise, perception_noise, game)
    if continuation is not None:
        out["expected"] = markov.expected_payoffs(s1, s2, continuation, nz, game).to_dict()
    if json:
        print_json(out)
        return
    table = Table(title=f"{s1.name} vs {s2.name}: long-run play")
    table.add_column("quantity")
    table.add_column("value", justify="right")
    for state, v in zip(markov.STATES, res.distribution, strict=True):
        table.add_row(f"P({state})", f"{v:.6f}")
    table.add_row("payoff1", f"{res.payoff1:.6f}")
    table.add_row("payoff2", f"{res.payoff2:.6f}")
    if continuation is not None:
        e = out["expected"]
        table.add_row(f"expected total1 (w={continuation:g})", f"{e['total1']:.4f}")
        table.add_row(f"expected total2 (w={continuation:g})", f"{e['total2']:.4f}")
    console.print(table)
    console.print(res.method)
    if exact:
        console.print(f"exact: {out['exact_distribution']}")


def _probability_text(log_p: float) -> str:
    """A probability from its natural log; tiny ones as a power of ten (they underflow)."""
    if log_p > math.log(1e-5):
        return f"{math.exp(log_p):.5f}"
    exponent = math.floor(log_p / math.log(10.0))
    mantissa = 10.0 ** (log_p / math.log(10.0) - exponent)
    return f"{mantissa:.3f}e{exponent}"


@app.command()
def moran(
    resident: str = typer.Option(..., "--resident", help="The resident strategy."),
    mutant: str = typer.Option(..., "--mutant", help="The mutant strategy (one individual)."),
    population: int = typer.Option(20, "--population", help="Population size N."),
    selection: float = typer.Option(0.1, "--selection", help="Selection intensity s."),
    fitness: str = FITNESS,
    method: str = METHOD,
    noise: str = NOISE,
    perception_noise: str = PERCEPTION,
    payoffs: str = PAYOFFS,
    continuation: float | None = CONTINUATION,
    turns: int = typer.Option(200, "--turns", help="Rounds per match (tournament payoffs)."),
    runs: int = typer.Option(0, "--runs", help="Also simulate this many Moran processes."),
    seed: int = SEED,
    json: bool = JSON_OPTION,
) -> None:
    """Fixation probability of one mutant among N - 1 residents (and the reverse)."""
    game = _game(payoffs)
    nz = _noise(noise, perception_noise)
    from herz.models.ipd import evolution as evo
    from herz.models.ipd.strategies import parse_strategy

    try:
        fit, how = evo.Fitness(fitness), evo.PayoffMethod(method)
    except ValueError:
        raise ParameterError(
            "--fitness/--method", (fitness, method), "linear|exponential and exact|tournament"
        ) from None
    r, m = parse_strategy(resident), parse_strategy(mutant)
    if r.name == m.name:
        raise ParameterError("--mutant", mutant, "must differ from the resident")
    a = evo.payoff_matrix(
        [r, m],
        method=how,
        game=game,
        noise=nz,
        continuation=continuation,
        turns=turns,
        rng=seed,
    ).to_numpy()
    # in log space: under strong selection a probability can lie far below the smallest float
    log_m = evo.log_fixation_probability(
        a[1, 1], a[1, 0], a[0, 1], a[0, 0], population, selection, fit)
    log_r = evo.log_fixation_probability(
        a[0, 0], a[0, 1], a[1, 0], a[1, 1], population, selection, fit)
    rho_m, rho_r = math.exp(log_m), math.exp(log_r)
    out: dict[str, object] = {
        "resident": r.name,
        "mutant": m.name,
        "population": population,
        "selection": selection,
        "fitness": fit.value,
        "method": how.value,
        "payoff_matrix": a,
        "fixation_mutant": rho_m,
        "fixation_resident_as_mutant": rho_r,
        "log10_fixation_mutant": log_m / math.log(10.0),
        "log10_fixation_resident_as_mutant": log_r / math.log(10.0),
        "neutral": 1.0 / population,
        "mutant_favoured": log_m > -math.log(population),
    }
    if runs > 0:
        sim = evo.moran_process(
            a,
            [population - 1, 1],
            selection=selection,
            fitness=fit,
            runs=runs,
            rng=seed,
            names=[r.name, m.name],
        )
        row = sim.fixation().iloc[1]
        out["simulated"] = {
            "runs": runs,
            "fixation_mutant": float(row["probability"]),
            "ci_low": float(row["ci_low"]),
            "ci_high": float(row["ci_high"]),
        }
    if json:
        print_json(out)
        return
    console.print(
        f"one [bold]{m.name}[/bold] among {population - 1} [bold]{r.name}[/bold]: "
        f"fixation probability {_probability_text(log_m)} (neutral 1/N = {1 / population:.5f})"
    )
    console.print(f"one {r.name} among {population - 1} {m.name}: {_probability_text(log_r)}")
    if runs > 0:
        s = out["simulated"]
        assert isinstance(s, dict)
        console.print(
            f"simulated ({runs} runs): {s['fixation_mutant']:.5f} "
            f"[{s['ci_low']:.5f}, {s['ci_high']:.5f}]"
        )
