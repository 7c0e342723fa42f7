"""The explorer's computations, free of any user interface.

Everything the browser app shows is computed here, by plain functions that a
test (or a notebook) can call without a browser:

- :func:`parse_inputs` turns what a user typed into a validated
  :class:`ExplorerInputs`, or into one message per bad field
  (``FIELD = VALUE: WHAT IS ALLOWED``), never an exception;
- :func:`preset_values` reads a shipped preset's world into the form's fields;
- :func:`world_params` builds the :class:`~herz.world.WorldParams` of a run;
- :func:`run_worlds` runs a batch of worlds in chunks, reporting progress and
  stopping when asked (:class:`Cancelled`), and keeps the full paths of a few
  sample worlds;
- :func:`outcome_shares` gives each outcome's share with a Wilson interval;
- :func:`jervis_point` places the current point in Jervis's games and worlds;
- :func:`local_grid` and :func:`escape_map` compute a small escape map around
  the current point;
- :func:`network` lays out one world's relations for the network figure.

Chunks are runs of :func:`herz.world.simulate` with ``world_offset``, so a
batch run in chunks has exactly the rows of the same batch run at once.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from herz.errors import ParameterError

__all__ = [
    "DEFAULT_INPUTS",
    "FIELDS",
    "Cancelled",
    "ExplorerInputs",
    "FieldSpec",
    "RunResult",
    "escape_map",
    "jervis_point",
    "local_grid",
    "network",
    "outcome_shares",
    "parse_inputs",
    "preset_choices",
    "preset_values",
    "run_worlds",
    "world_params",
]


class Cancelled(Exception):
    """A run was stopped by its ``cancel`` callback before it finished."""


@dataclass(frozen=True)
class FieldSpec:
    """One field of the explorer's form: name, label, kind, allowed range, help text."""

    name: str
    label: str
    kind: type
    lo: float
    hi: float
    help: str
    lo_open: bool = False

    def allowed(self) -> str:
        """What is allowed, in words."""
        what = "a whole number" if self.kind is int else "a number"
        left = f"> {self.lo:g}" if self.lo_open else f">= {self.lo:g}"
        if math.isinf(self.hi):
            return f"must be {what} {left}"
        if self.lo_open:
            return f"must be {what} in ({self.lo:g}, {self.hi:g}]"
        return f"must be {what} between {self.lo:g} and {self.hi:g}"


#: The form's fields, in order. World parameters keep WorldParams' names; the
#: explorer's limits on states, worlds and steps keep a run interactive.
FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("offense_defense_balance", "Offense-defense balance δ", float, 0.0, 100.0,
              "defence multiplier of the contest function: < 1 offense dominance, "
              "> 1 defense dominance (Jervis 1978)", lo_open=True),
    FieldSpec("distinguishability", "Distinguishability d", float, 0.0, 1.0,
              "share of defensive arms not read as offensive: 0 every shield looks like a "
              "sword, 1 defence threatens no one"),
    FieldSpec("perception_noise", "Perception noise", float, 0.0, 5.0,
              "log-normal sd of each perceived threat (misperception, Jervis 1976)"),
    FieldSpec("p_greedy", "Share of greedy states", float, 0.0, 1.0,
              "probability that a state is greedy (revisionist), Glaser 1997"),
    FieldSpec("signal_cost", "Signal cost", float, 0.0, 100.0,
              "cost of a costly signal of reassurance (Kydd 2000); used when signalling "
              "is on"),
    FieldSpec("identity_plasticity", "Identity plasticity", float, 0.0, 1.0,
              "identity change per cooperative or hostile act (Wendt 1992)"),
    FieldSpec("ontological_security", "Ontological security ρ", float, 0.0, 1.0,
              "attachment to routinised relationships; slows identity change (Mitzen 2006)"),
    FieldSpec("n_states", "Number of states", int, 2, 100,
              "states in each world (the explorer stops at 100 to stay interactive)"),
    FieldSpec("worlds", "Worlds", int, 1, 2000, "independent Monte Carlo worlds in the batch"),
    FieldSpec("steps", "Steps (years)", int, 2, 500, "length of each run"),
    FieldSpec("seed", "Seed", int, 0, math.inf, "root seed: the same seed gives the same worlds"),
)

_FIELD = {f.name: f for f in FIELDS}
_WORLD_FIELDS = tuple(f.name for f in FIELDS if f.name not in ("worlds", "steps", "seed"))


@dataclass(frozen=True)
class ExplorerInputs:
    """A validated point of the explorer: the main world parameters and the batch."""

    offense_defense_balance: float = 1.0
    distinguishability: float = 0.5
    perception_noise: float = 0.1
    p_greedy: float = 0.1
    signal_cost: float = 1.0
    identity_plasticity: float = 0.02
    ontological_security: float = 0.5
    n_states: int = 10
    worlds: int = 100
    steps: int = 100
    seed: int = 0
    signalling: bool = False
    preset: str | None = None

    def world_values(self) -> dict[str, Any]:
        """The world parameters set in the form."""
        return {name: getattr(self, name) for name in _WORLD_FIELDS}


DEFAULT_INPUTS = ExplorerInputs()


def _parse_number(spec: FieldSpec, raw: Any) -> tuple[float | int | None, str | None]:
    text = str(raw).strip() if raw is not None else ""
    if text == "":
        return None, f"{spec.name} = (empty): {spec.allowed()}"
    try:
        value = float(text)
    except ValueError:
        return None, f"{spec.name} = {text!r}: {spec.allowed()}"
    bad = not math.isfinite(value)
    if spec.kind is int and not bad:
        bad = not value.is_integer()
    if not bad:
        bad = value <= spec.lo if spec.lo_open else value < spec.lo
        bad = bad or value > spec.hi
    if bad:
        return None, f"{spec.name} = {text}: {spec.allowed()}"
    return (int(value) if spec.kind is int else value), None


def parse_inputs(raw: Mapping[str, Any], preset: str | None = None,
                 base: Mapping[str, Any] | None = None) -> tuple[ExplorerInputs | None, list[str]]:
    """Validate the form: the inputs, or None and one message per bad field.

    ``raw`` maps field names (see :data:`FIELDS`) to what the user typed
    (strings or numbers); missing fields keep their defaults, ``signalling``
    is a boolean. The world parameters are then checked together by
    :class:`~herz.world.WorldParams` (on top of ``base``, a preset's world), so
    every message reads ``FIELD = VALUE: WHAT IS ALLOWED``.
    """
    values: dict[str, Any] = {}
    errors: list[str] = []
    for spec in FIELDS:
        if spec.name not in raw:
            continue
        value, err = _parse_number(spec, raw[spec.name])
        if err:
            errors.append(err)
        else:
            values[spec.name] = value
    unknown = sorted(set(raw) - set(_FIELD) - {"signalling", "preset"})
    errors.extend(f"{k} = {raw[k]!r}: is not a field of the explorer" for k in unknown)
    if "signalling" in raw:
        if not isinstance(raw["signalling"], bool):
            errors.append(f"signalling = {raw['signalling']!r}: must be true or false")
        else:
            values["signalling"] = raw["signalling"]
    if errors:
        return None, errors
    inputs = ExplorerInputs(**values, preset=preset)
    try:
        world_params(inputs, base)
    except ParameterError as exc:
        return None, [str(exc)]
    return inputs, []


def preset_choices() -> list[str]:
    """Names of the shipped presets whose model is the world."""
    from herz.experiment.presets import preset_names

    return preset_names()


def preset_values(name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A preset's form values and its full world (the base of :func:`world_params`).

    The form values are the main parameters, the preset's steps and replicates
    (as ``worlds``), its seed and whether signalling is on. The preset's design
    factors are not swept: the explorer runs its base point.
    """
    from herz.experiment.presets import load_preset

    sc = load_preset(name)
    base = dict(sc.params)
    base["mechanisms"] = dict(sc.mechanisms)
    form: dict[str, Any] = {k: base[k] for k in _WORLD_FIELDS}
    form.update(worlds=sc.replicates, steps=sc.steps, seed=sc.seed,
                signalling=bool(sc.mechanisms.get("signalling", False)))
    return form, base


def world_params(inputs: ExplorerInputs, base: Mapping[str, Any] | None = None) -> Any:
    """The :class:`~herz.world.WorldParams` of ``inputs`` on top of ``base`` (defaults).

    Raises :class:`~herz.errors.ParameterError` naming the field on a bad value.
    """
    from herz.world import WorldParams

    data = dict(base or {})
    mech = dict(data.get("mechanisms") or {})
    mech["signalling"] = inputs.signalling
    data["mechanisms"] = mech
    data.update(inputs.world_values())
    n = inputs.n_states
    # per-state values of a preset with another number of states fall back to their mean
    for key, value in list(data.items()):
        if isinstance(value, list | tuple) and len(value) != n:
            data[key] = float(np.mean(value))
    return WorldParams.from_dict(data)


@dataclass
class RunResult:
    """A finished batch: one row per world, the paths of the sample worlds, its parameters."""

    outcomes: pd.DataFrame
    samples: Any  # xarray.Dataset of the sample worlds' full paths
    params: Any  # WorldParams
    inputs: ExplorerInputs
    attrs: dict[str, Any] = field(default_factory=dict)


Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]


def _chunks(total: int, size: int) -> list[tuple[int, int]]:
    return [(a, min(size, total - a)) for a in range(0, total, size)]


def run_worlds(inputs: ExplorerInputs, base: Mapping[str, Any] | None = None, *,
               n_samples: int = 4, chunk: int = 25, progress: Progress | None = None,
               cancel: Cancel | None = None) -> RunResult:
    """Run ``inputs.worlds`` worlds in chunks of ``chunk``; keep ``n_samples`` full paths.

    ``progress(done, total)`` is called after the sample paths and after each
    chunk (in worlds); when ``cancel()`` returns true between chunks the run
    stops with :class:`Cancelled`. The rows equal one call of
    :func:`herz.world.simulate` with the same seed.
    """
    from herz.world import simulate

    p = world_params(inputs, base)
    k = max(1, min(n_samples, inputs.worlds))
    total = inputs.worlds
    samples = simulate(p, steps=inputs.steps, seed=inputs.seed, world_indices=range(k),
                       trajectories=True)
    if progress:
        progress(0, total)
    frames: list[pd.DataFrame] = []
    attrs: dict[str, Any] = {}
    for start, size in _chunks(total, max(1, chunk)):
        if cancel and cancel():
            raise Cancelled(f"cancelled after {start} of {total} worlds")
        df = simulate(p, worlds=size, steps=inputs.steps, seed=inputs.seed, world_offset=start)
        attrs = {str(k): v for k, v in df.attrs.items()}
        frames.append(df)
        if progress:
            progress(start + size, total)
    out = pd.concat(frames, ignore_index=True)
    out.attrs.update(attrs)
    return RunResult(out, samples, p, inputs, attrs)


OUTCOME_ORDER = ("war", "unresolved", "no_dilemma", "mitigated", "transcended")


def outcome_shares(outcomes: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Share of each outcome (and of escape) with a Wilson score interval.

    Columns: ``outcome``, ``count``, ``n``, ``share``, ``low``, ``high``; one
    row per Booth-Wheeler outcome (zeros included) and a last row ``escape``
    (mitigated or transcended).
    """
    from herz.experiment import wilson_interval

    n = len(outcomes)
    if n == 0:
        raise ParameterError("outcomes", "(no rows)", "must hold at least one world")
    rows = []
    counts = outcomes["outcome"].astype(str).value_counts()
    for name in OUTCOME_ORDER:
        c = int(counts.get(name, 0))
        lo, hi = wilson_interval(c, n, confidence)
        rows.append({"outcome": name, "count": c, "n": n, "share": c / n, "low": lo, "high": hi})
    c = int(outcomes["escaped"].astype(bool).sum())
    lo, hi = wilson_interval(c, n, confidence)
    rows.append({"outcome": "escape", "count": c, "n": n, "share": c / n, "low": lo, "high": hi})
    return pd.DataFrame(rows)


def jervis_point(params: Any) -> dict[str, Any]:
    """Jervis's game and world at the world's offense-defense balance and distinguishability.

    The world's distinguishability d (share of defence not read as offence)
    is the d of :mod:`herz.models.jervis` (Jervis's rho = (1 + d) / 2);
    the payoffs are the world's own
    (:func:`herz.world.offense_defense.jervis_payoffs`: v = war_transfer,
    L = war_transfer + war_cost_share, k = budget_share). Returns the game class,
    the ordering, the cooperation threshold q* (None in a prisoner's dilemma), the
    conquest probability, the payoffs and Jervis's world (1-4, with rho >= 0.75
    read as distinguishable).
    """
    from herz.models import jervis

    delta = float(params.offense_defense_balance)
    d = float(params.distinguishability)
    rho = jervis.rho(d)
    from herz.world.offense_defense import jervis_payoffs

    pay = jervis_payoffs(params)
    kw = {"war_gain": pay["gain"], "war_loss": pay["loss"], "arms_cost": pay["cost"]}
    if kw["war_gain"] <= 0 or kw["arms_cost"] <= 0:
        raise ParameterError("war_transfer/budget_share", (kw["war_gain"], kw["arms_cost"]),
                             "must both be > 0 for Jervis's game")
    cls = jervis.classification(delta, d, **kw)
    game = jervis.security_game(delta, d, **kw)
    r, s, t, pp = game.rstp()
    number = jervis.world_of(delta, d)
    world = next(w for w in jervis.four_worlds() if w.number == number)
    return {
        "offense_defense_balance": delta, "distinguishability": d,
        "rho": rho, "game_class": cls.game_class.value, "ordering": cls.ordering,
        "cooperation_threshold": jervis.trust_threshold(delta, d, **kw),
        "conquest_probability": jervis.conquest_probability(delta, d),
        "payoffs": {"CC": r, "CD": s, "DC": t, "DD": pp},
        "world": number, "world_label": world.label, "world_description": world.description,
        "boundaries": jervis.regime_boundaries(d, **kw),
    }


def local_grid(offense_defense_balance: float, distinguishability: float, size: int = 3,
               log_step: float = math.log(2.0), d_step: float = 0.25
               ) -> tuple[list[float], list[float]]:
    """A ``size`` x ``size`` neighbourhood of the current point.

    Balances are spaced by factors of exp(``log_step``) around the current one
    (the balance is a ratio); distinguishabilities by ``d_step``, shifted to
    stay inside [0, 1]. The current point is always on the grid.
    """
    if size < 1:
        raise ParameterError("size", size, "must be >= 1")
    half = (size - 1) / 2.0
    balances = [float(offense_defense_balance * math.exp(log_step * (i - half)))
                for i in range(size)]
    lo = distinguishability - d_step * half
    lo = min(max(lo, 0.0), max(0.0, 1.0 - d_step * (size - 1)))
    dists = sorted({round(min(1.0, max(0.0, lo + d_step * j)), 10) for j in range(size)}
                   | {round(distinguishability, 10)})
    return balances, [float(d) for d in dists]


def escape_map(inputs: ExplorerInputs, base: Mapping[str, Any] | None = None, *,
               balances: Sequence[float] | None = None,
               distinguishabilities: Sequence[float] | None = None,
               worlds: int = 20, steps: int | None = None, confidence: float = 0.95,
               progress: Progress | None = None, cancel: Cancel | None = None) -> pd.DataFrame:
    """P(escape) with a Wilson interval at each balance x distinguishability cell.

    Defaults to :func:`local_grid` around ``inputs``; every other parameter is
    the current point's. Cell (i, j) runs ``worlds`` worlds from seed
    ``inputs.seed`` (common random numbers: cells differ by their parameters
    only). Columns: ``offense_defense_balance``, ``distinguishability``, ``n``,
    ``escaped``, ``p_escape``, ``low``, ``high``, ``p_war``, ``current``.
    """
    from herz.experiment import wilson_interval
    from herz.world import simulate

    if balances is None or distinguishabilities is None:
        b0, d0 = local_grid(inputs.offense_defense_balance, inputs.distinguishability)
        balances = b0 if balances is None else balances
        distinguishabilities = d0 if distinguishabilities is None else distinguishabilities
    n_steps = inputs.steps if steps is None else steps
    p0 = world_params(inputs, base)
    cells = [(float(b), float(d)) for b in balances for d in distinguishabilities]
    rows = []
    for i, (b, d) in enumerate(cells):
        if cancel and cancel():
            raise Cancelled(f"cancelled after {i} of {len(cells)} cells")
        p = p0.replace(offense_defense_balance=b, distinguishability=d)
        df = simulate(p, worlds=worlds, steps=n_steps, seed=inputs.seed)
        c = int(df["escaped"].sum())
        lo, hi = wilson_interval(c, worlds, confidence)
        rows.append({
            "offense_defense_balance": b, "distinguishability": d, "n": worlds, "escaped": c,
            "p_escape": c / worlds, "low": lo, "high": hi,
            "p_war": float((df["outcome"] == "war").mean()),
            "current": math.isclose(b, inputs.offense_defense_balance, rel_tol=1e-9)
            and math.isclose(d, inputs.distinguishability, abs_tol=1e-9),
        })
        if progress:
            progress(i + 1, len(cells))
    return pd.DataFrame(rows)


def network(samples: Any, world: int = 0, step: int = -1) -> dict[str, Any]:
    """One sample world's relations at ``step``, laid out for the network figure.

    States sit on a circle, members of each security community next to each
    other. Returns ``positions`` (N x 2), ``greedy`` (N), ``community`` (N,
    -1 outside any), ``edges`` (list of (i, j, s) with s the mean of s[i, j]
    and s[j, i]), ``trust`` (mean mutual trust per edge, same order) and the
    ``step`` shown.
    """
    ident = np.asarray(samples["identity"].isel(world=world, step=step))
    mistrust = np.asarray(samples["mistrust"].isel(world=world, step=step))
    comm = np.asarray(samples["community"].isel(world=world, step=step)).astype(int)
    greedy = np.asarray(samples["greedy"].isel(world=world)).astype(bool)
    n = ident.shape[0]
    order = sorted(range(n), key=lambda i: (comm[i] < 0, comm[i], i))
    angle = np.empty(n)
    for pos, i in enumerate(order):
        angle[i] = 2.0 * math.pi * pos / n + math.pi / 2.0
    positions = np.column_stack([np.cos(angle), np.sin(angle)])
    edges, trust = [], []
    for i in range(n):
        for j in range(i + 1, n):
            edges.append((i, j, float((ident[i, j] + ident[j, i]) / 2.0)))
            trust.append(float(1.0 - (mistrust[i, j] + mistrust[j, i]) / 2.0))
    steps = samples.sizes["step"]
    return {"positions": positions, "greedy": greedy, "community": comm, "edges": edges,
            "trust": trust, "step": int(step % steps), "world": int(samples["world"][world])}
