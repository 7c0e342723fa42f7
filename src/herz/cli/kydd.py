"""``herz models kydd``: trust threshold, the rational spiral, costly-signal reassurance."""

from __future__ import annotations

from typing import Any

import typer

from herz.cli._common import JSON_OPTION, show_record
from herz.cli.games import flag_names, parse_rstp
from herz.errors import ParameterError
from herz.models import kydd as km

app = typer.Typer(help="Kydd's trust and reassurance (1997, 2000, 2005).", no_args_is_help=True)


def register(parent: typer.Typer) -> None:
    """Add the ``kydd`` group to ``parent``."""
    parent.add_typer(app, name="kydd")


_show = show_record


@app.command()
@flag_names
def threshold(
    exploitation_cost: float | None = typer.Option(
        None, "--exploitation-cost", "--c", help="c > 0: the cost of being exploited."),
    temptation: float | None = typer.Option(
        None, "--temptation", "--t", help="t < 1: a trustworthy player's temptation."),
    payoffs: str | None = typer.Option(
        None, "--payoffs", help="R,S,T,P instead of c and t (normalised to Kydd's form)."),
    trust: float | None = typer.Option(None, "--trust", help="Trust to judge against it."),
    json: bool = JSON_OPTION,
) -> None:
    """Minimum trust for a trustworthy state to cooperate: c / (1 - t + c)."""
    if payoffs is not None:
        if exploitation_cost is not None or temptation is not None:
            raise ParameterError("--payoffs", payoffs, "give either --payoffs or --c and --t")
        temptation, exploitation_cost = km.normalise(*parse_rstp(payoffs))
    if exploitation_cost is None or temptation is None:
        raise ParameterError("--exploitation-cost/--temptation", None,
                             "give both --c and --t (or --payoffs)")
    if temptation >= 1.0:
        out: dict[str, Any] = {
            "exploitation_cost": exploitation_cost, "temptation": temptation,
            "trustworthy": False, "threshold": None,
            "notes": ["t >= 1: this player prefers to exploit (prisoner's dilemma preferences); "
                      "no level of trust makes it cooperate in the one-shot game"],
        }
        if trust is not None:
            out["trust"], out["cooperates"] = trust, False
        _show(out, "Kydd trust threshold", json)
        return
    thr = km.trust_threshold(exploitation_cost, temptation)
    out = {"exploitation_cost": exploitation_cost, "temptation": temptation,
           "trustworthy": True, "threshold": thr}
    if trust is not None:
        eq = km.two_type_equilibrium(trust, exploitation_cost, temptation)
        out.update({"trust": trust, "cooperates": eq.trustworthy_cooperate,
                    "p_mutual_cooperation": eq.p_mutual_cooperation})
    _show(out, "Kydd trust threshold", json)


def _parse_observations(text: str) -> list[bool]:
    obs = []
    for part in text.replace(" ", "").split(","):
        if part in ("b", "build", "1"):
            obs.append(True)
        elif part in ("r", "restraint", "restrain", "0"):
            obs.append(False)
        elif part:
            raise ParameterError("--observations", text,
                                 "must be a comma-separated list of b (build) or r (restraint)")
    return obs


@app.command()
@flag_names
def spiral(
    trust: float = typer.Option(
        ..., "--trust", help="Prior probability the other is a security seeker."),
    builds: int = typer.Option(0, "--builds", help="Number of observed build-ups."),
    observations: str | None = typer.Option(
        None, "--observations", help="Sequence instead of --builds, e.g. b,b,r,b."),
    beta_greedy: float = typer.Option(1.0, "--beta-greedy", help="P(build | greedy)."),
    beta_seeker: float = typer.Option(0.5, "--beta-seeker", help="P(build | security seeker)."),
    distinguishability: float = typer.Option(
        1.0, "--distinguishability", "--d",
        help="d in [0, 1]: postures are read correctly with probability (1 + d)/2."),
    threshold: float | None = typer.Option(None, "--threshold", help="Trust threshold to watch."),
    json: bool = JSON_OPTION,
) -> None:
    """The rational spiral: trust after each observed build-up (Bayes' rule)."""
    if observations is not None and builds:
        raise ParameterError("--observations", observations,
                             "give either --builds or --observations")
    if builds < 0:
        raise ParameterError("--builds", builds, "must be >= 0")
    obs = _parse_observations(observations) if observations is not None else [True] * builds
    path = km.spiral(trust, obs, beta_greedy=beta_greedy, beta_seeker=beta_seeker,
                     distinguishability=distinguishability, threshold=threshold)
    out = path.to_dict()
    out["rho"] = (1.0 + path.distinguishability) / 2.0  # Jervis's P(posture read correctly)
    _show(out, "Rational spiral (Kydd 1997)", json)


@app.command()
@flag_names
def reassurance(
    discount: float = typer.Option(..., "--discount", help="Discount factor in [0, 1)."),
    exploitation_cost: float = typer.Option(..., "--exploitation-cost", "--c",
                                            help="c > 0: cost of being exploited."),
    temptation_untrustworthy: float = typer.Option(..., "--temptation-untrustworthy", "--tu",
                                                   help="t_U > 1."),
    temptation_trustworthy: float = typer.Option(..., "--temptation-trustworthy", "--tt",
                                                 help="t_T < 1."),
    trust_in_receiver: float = typer.Option(..., "--trust-in-receiver", "--trust",
                                            help="The sender's trust in the receiver."),
    signal_cost: float | None = typer.Option(
        None, "--signal-cost", help="Judge this signal cost m >= 0 too."),
    reward_untrustworthy: float = typer.Option(
        0.0, "--reward-untrustworthy", "--ru",
        help="r_U < t_U: an untrustworthy type's payoff from mutual cooperation (the "
             "trustworthy type's is 1). 0: a committed exploiter; separation needs r_U < 1."),
    json: bool = JSON_OPTION,
) -> None:
    """Whether a costly signal can reassure: each type's value of being trusted and the interval."""
    res = km.reassurance(discount, exploitation_cost, temptation_untrustworthy,
                         temptation_trustworthy, trust_in_receiver, signal_cost,
                         reward_untrustworthy=reward_untrustworthy)
    _show(res.to_dict(), "Costly-signal reassurance (Kydd 2000; herz MODELS.md 3.4)", json)
