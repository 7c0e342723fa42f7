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
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from herz.errors import ParameterError

__all__ = [
    "BATCH",
    "DEFAULT_INPUTS",
    "LABELS",
    "SLIDERS",
    "Cancelled",
    "ExplorerInputs",
    "FieldSpec",
    "RunResult",
    "Slider",
    "Switch",
    "default_form",
    "defaults_note",
    "escape_map",
    "escape_study_values",
    "jervis_point",
    "label",
    "label_errors",
    "local_grid",
    "network",
    "outcome_shares",
    "parse_inputs",
    "preset_choices",
    "preset_values",
    "run_worlds",
    "sample_paths",
    "sliders",
    "switches",
    "world_params",
]


class Cancelled(Exception):
    """A run was stopped by its ``cancel`` callback before it finished."""


@dataclass(frozen=True)
class FieldSpec:
    """One setting of the batch (not a world parameter): name, label, range, default, help."""

    name: str
    label: str
    kind: type
    lo: float
    hi: float
    default: int
    help: str

    def allowed(self) -> str:
        """What is allowed, in words."""
        if math.isinf(self.hi):
            return f"must be a whole number >= {self.lo:g}"
        return f"must be a whole number between {self.lo:g} and {self.hi:g}"


#: The batch: how many worlds, how long, which seed. These are the explorer's own
#: settings, not world parameters (the limits keep a run interactive).
BATCH: tuple[FieldSpec, ...] = (
    FieldSpec("worlds", "Worlds", int, 1, 2000, 100,
              "independent Monte Carlo worlds in the batch"),
    FieldSpec("steps", "Steps (years)", int, 2, 500, 100, "length of each run"),
    FieldSpec("seed", "Seed", int, 0, math.inf, 0,
              "root seed: the same seed gives the same worlds"),
)
_BATCH = {f.name: f for f in BATCH}

#: The world parameters the form shows as sliders, in order. Everything else about them
#: (label, range, default, unit, meaning, source) comes from :mod:`herz.world.schema`.
SLIDERS: tuple[str, ...] = ("offense_defense_balance", "distinguishability", "perception_noise",
                            "p_greedy", "signal_cost", "identity_plasticity",
                            "ontological_security", "n_states")


#: Labels that say what a switch does where its name alone would not (world v2, issue 18:
#: a signal is a binding cut of offence, arms control a verified treaty, each its own switch).
LABELS: dict[str, str] = {
    "mechanisms.signalling": "Costly signals (binding offence cut)",
    "mechanisms.arms_control": "Arms control (verified treaties)",
}


def label(name: str) -> str:
    """The form's label of a parameter: ``offense_defense_balance`` -> "Offense-defense balance"."""
    base = name.split(".")[-1]
    if name in _BATCH:
        return _BATCH[name].label
    if name in LABELS:
        return LABELS[name]
    if base.startswith("p_"):
        return f"P({base[2:].replace('_', ' ')})"
    if base.startswith("n_"):
        return f"Number of {base[2:].replace('_', ' ')}"
    text = base.replace("offense_defense", "offense-defense").replace("_", " ")
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Slider:
    """A slider of the form, built from the schema's entry of one world parameter.

    ``lo``/``hi`` are the slider's ends: the schema's range where it is finite; a range
    open to infinity stops at 10 times the default, and a ratio open at 0 (the
    offense-defense balance) runs on a log scale from a tenth of the default. ``options``
    lists the values of a log-scale slider (``None``: a plain slider with ``step``).
    """

    name: str
    label: str
    default: float | int
    lo: float
    hi: float
    step: float | int
    integer: bool
    options: tuple[float | int, ...] | None
    help: str
    range_text: str

    def choices(self, value: float | int) -> list[float | int]:
        """The log slider's values, with ``value`` among them (a preset's point)."""
        assert self.options is not None
        return sorted({*self.options, value})


def _nice_step(span: float) -> float:
    raw = span / 100.0
    exp = math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * 10**exp >= raw:
            return float(f"{m * 10**exp:.12g}")
    return float(10 ** (exp + 1))  # pragma: no cover - the loop always returns


@cache
def _slider(name: str) -> Slider:
    from herz.world.schema import field_spec

    spec = field_spec(name)
    integer = spec.kind == "integer"
    default = spec.default
    lo = 0.0 if spec.lo is None else spec.lo
    left = "(" if spec.lo_open else "["
    right = ")" if spec.hi_open or spec.hi is None else "]"
    hi_text = "inf" if spec.hi is None else f"{spec.hi:g}"
    range_text = f"schema range {left}{lo:g}, {hi_text}{right}"
    options: tuple[float | int, ...] | None = None
    if spec.hi is None and spec.lo_open and lo == 0.0:  # a ratio: log scale around the default
        lo, hi = default / 10.0, default * 10.0
        options = tuple(float(f"{default * 10 ** (k / 20):.3g}") for k in range(-20, 21))
        range_text += f"; the slider spans {lo:g} to {hi:g} on a log scale"
    elif spec.hi is None:
        hi = max(10.0 * default, lo + 1.0)
        range_text += f"; the slider stops at {hi:g}"
    else:
        hi = spec.hi
    if integer and hi / max(lo, 1) > 100:  # many orders of magnitude: log-spaced whole numbers
        options = tuple(sorted({round(lo * (hi / lo) ** (k / 40)) for k in range(41)}
                               | {int(default)}))
    step: float | int = 1 if integer else _nice_step(hi - lo)
    help_text = (f"{spec.meaning} ({spec.unit}; {range_text}; default {default:g}). "
                 f"Source: {spec.source}. Parameter `{name}`.")
    return Slider(name, label(name), default, lo, hi, step, integer, options, help_text,
                  range_text)


def sliders() -> tuple[Slider, ...]:
    """The form's sliders, in order."""
    return tuple(_slider(n) for n in SLIDERS)


@dataclass(frozen=True)
class Switch:
    """A mechanism switch of the form (``mechanisms.NAME`` in the schema)."""

    name: str
    label: str
    default: bool
    help: str


def switches() -> tuple[Switch, ...]:
    """Every mechanism switch of the world, from the schema, in its order."""
    from herz.world.schema import world_fields

    return tuple(Switch(s.name.split(".", 1)[1], label(s.name), bool(s.default),
                        f"{s.meaning}. Source: {s.source}.")
                 for s in world_fields() if s.name.startswith("mechanisms."))


@dataclass(frozen=True)
class ExplorerInputs:
    """A validated point of the explorer: slider values, mechanism switches, the batch."""

    world: Mapping[str, Any]
    mechanisms: Mapping[str, bool]
    worlds: int = 100
    steps: int = 100
    seed: int = 0
    preset: str | None = None

    @property
    def offense_defense_balance(self) -> float:
        """The current offense-defense balance."""
        return float(self.world["offense_defense_balance"])

    @property
    def distinguishability(self) -> float:
        """The current distinguishability."""
        return float(self.world["distinguishability"])

    @property
    def n_states(self) -> int:
        """The number of states per world."""
        return int(self.world["n_states"])

    def world_values(self) -> dict[str, Any]:
        """The world parameters set in the form."""
        return dict(self.world)


def _defaults() -> ExplorerInputs:
    return ExplorerInputs({s.name: s.default for s in sliders()},
                          {s.name: s.default for s in switches()},
                          worlds=_BATCH["worlds"].default, steps=_BATCH["steps"].default,
                          seed=_BATCH["seed"].default)


DEFAULT_INPUTS = _defaults()


def _parse_number(name: str, integer: bool, raw: Any) -> tuple[float | int | None, str | None]:
    text = str(raw).strip() if raw is not None else ""
    what = "a whole number" if integer else "a number"
    if text == "":
        return None, f"{name} = (empty): must be {what}"
    try:
        value = float(text)
    except ValueError:
        return None, f"{name} = {text!r}: must be {what}"
    if not math.isfinite(value) or (integer and not value.is_integer()):
        return None, f"{name} = {text}: must be {what}"
    return (int(value) if integer else value), None


def _shown(value: Any) -> str:
    text = str(value).strip() if value is not None else ""
    if text == "":
        return "(empty)"
    try:
        float(text)
    except ValueError:
        return repr(text)
    return text


def parse_inputs(raw: Mapping[str, Any], preset: str | None = None,
                 base: Mapping[str, Any] | None = None) -> tuple[ExplorerInputs | None, list[str]]:
    """Validate the form: the inputs, or None and one message per bad field.

    ``raw`` maps slider and batch names (see :data:`SLIDERS`, :data:`BATCH`) to values
    (numbers or text) and ``mechanisms.NAME`` to booleans; missing ones keep their
    defaults. The world parameters are checked by :class:`~herz.world.WorldParams`
    (on top of ``base``, a preset's world), so every message reads
    ``FIELD = VALUE: WHAT IS ALLOWED`` (:func:`label_errors` puts the form's labels in).
    """
    world = dict(DEFAULT_INPUTS.world)
    mechanisms = dict(DEFAULT_INPUTS.mechanisms)
    batch: dict[str, Any] = {}
    errors: list[str] = []
    known_switches = {f"mechanisms.{s.name}" for s in switches()}
    for key, value in raw.items():
        if key in SLIDERS:
            num, err = _parse_number(key, _slider(key).integer, value)
            if err:
                errors.append(err)
            else:
                world[key] = num
        elif key in _BATCH:
            spec = _BATCH[key]
            num, err = _parse_number(key, True, value)
            if err is not None or num is None or not spec.lo <= num <= spec.hi:
                errors.append(f"{key} = {_shown(value)}: {spec.allowed()}")
            else:
                batch[key] = num
        elif key in known_switches:
            if not isinstance(value, bool | np.bool_):
                errors.append(f"{key} = {value!r}: must be true or false")
            else:
                mechanisms[key.split(".", 1)[1]] = bool(value)
        elif key != "preset":
            errors.append(f"{key} = {value!r}: is not a field of the explorer")
    if errors:
        return None, errors
    inputs = ExplorerInputs(world, mechanisms, preset=preset,
                            worlds=batch.get("worlds", _BATCH["worlds"].default),
                            steps=batch.get("steps", _BATCH["steps"].default),
                            seed=batch.get("seed", _BATCH["seed"].default))
    try:
        world_params(inputs, base)
    except ParameterError as exc:
        return None, [str(exc)]
    return inputs, []


def label_errors(errors: Sequence[str]) -> list[str]:
    """The messages of :func:`parse_inputs` in the form's words: labels, not field names."""
    out = []
    for e in errors:
        name, sep, rest = e.partition(" = ")
        out.append(f"{label(name)}{sep}{rest}" if sep and (name in SLIDERS or name in _BATCH
                                                          or name.startswith("mechanisms."))
                   else e)
    return out


def preset_choices() -> list[str]:
    """Names of the shipped presets whose model is the world."""
    from herz.experiment.presets import preset_names

    return preset_names()


def _form_of(scenario: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    base = dict(scenario.params)
    mech = {s.name: s.default for s in switches()} | dict(scenario.mechanisms)
    base["mechanisms"] = mech
    form: dict[str, Any] = {}
    for name in SLIDERS:
        value = base.get(name, _slider(name).default)
        if isinstance(value, list | tuple):  # per-state values: the slider shows their mean
            value = float(np.mean(value))
        form[name] = value
    form.update(worlds=min(scenario.replicates, _BATCH["worlds"].hi),
                steps=min(scenario.steps, _BATCH["steps"].hi), seed=scenario.seed)
    form.update({f"mechanisms.{k}": bool(v) for k, v in mech.items()})
    return form, base


def preset_values(name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A preset's form values and its full world (the base of :func:`world_params`).

    The form values are the sliders' parameters, the preset's steps and replicates
    (as ``worlds``), its seed and every mechanism switch (``mechanisms.NAME``). The
    preset's design factors are not swept: the explorer runs its base point.
    """
    from herz.experiment.presets import load_preset

    return _form_of(load_preset(name))


def escape_study_values() -> tuple[dict[str, Any], dict[str, Any]]:
    """The escape study's scenario (``herz escape``, default size) as form values and base.

    Its map sweeps the offense-defense balance and distinguishability; the form gets
    its fixed point (5 states, 100 years, costly signalling on, its seed and
    replicates per cell) with the balance and distinguishability at the world's
    defaults, the centre of the map.
    """
    from herz.studies.escape import SIZES, escape_scenarios

    scenario = escape_scenarios(SIZES["default"])[0]
    return _form_of(scenario)


def default_form() -> dict[str, Any]:
    """The form at its defaults: the world's (schema) defaults and the batch's."""
    d = DEFAULT_INPUTS
    return ({**d.world, "worlds": d.worlds, "steps": d.steps, "seed": d.seed}
            | {f"mechanisms.{k}": v for k, v in d.mechanisms.items()})


def _value_text(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return f"{label(name)} {'on' if value else 'off'}"
    if isinstance(value, int):
        return f"{label(name)} {value}"
    return f"{label(name)} {value:g}"


def defaults_note() -> str:
    """The form's defaults in words, and where the escape study's scenario differs."""
    form = default_form()
    study, _ = escape_study_values()
    shown = [n for n in ("n_states", "offense_defense_balance", "distinguishability",
                         "mechanisms.signalling", "worlds", "steps", "seed")]
    defaults = ", ".join(_value_text(n, form[n]) for n in shown)
    differ = ", ".join(_value_text(n, study[n]) for n in form if study.get(n) != form[n])
    return (f"Defaults are the world's own (`herz world params`) and the batch's: {defaults}. "
            f"The escape study (`herz escape`) differs: {differ or 'nowhere'}.")


def world_params(inputs: ExplorerInputs, base: Mapping[str, Any] | None = None) -> Any:
    """The :class:`~herz.world.WorldParams` of ``inputs`` on top of ``base`` (defaults).

    Raises :class:`~herz.errors.ParameterError` naming the field on a bad value.
    """
    from herz.world import WorldParams

    data = dict(base or {})
    mech = dict(data.get("mechanisms") or {})
    mech.update(inputs.mechanisms)
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
    from herz.analysis.intervals import wilson_interval

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


def _jervis_args(params: Any) -> tuple[float, float, dict[str, float]]:
    """The one place that maps the world's parameters to :mod:`herz.models.jervis`' call.

    The world's distinguishability d (share of defence not read as offence) is the d of
    :mod:`herz.models.jervis` (Jervis's rho = (1 + d) / 2 is derived there); the payoffs
    are the world's own, :func:`herz.world.offense_defense.jervis_payoffs`.
    tests/explorer checks p_eff = (1 - d) / (1 + delta) against it, so a change of
    convention there fails loudly here.
    """
    from herz.world.offense_defense import jervis_payoffs

    delta = float(params.offense_defense_balance)
    d = float(params.distinguishability)
    pay = jervis_payoffs(params)
    kw = {"war_gain": pay["gain"], "war_loss": pay["loss"], "arms_cost": pay["cost"]}
    return delta, d, kw


#: d at which Jervis's worlds change from indistinguishable to distinguishable postures.
DISTINGUISHABLE_D = 0.5


def _quadrant(delta: float, d: float) -> tuple[str, str]:
    """Jervis's world in words, saying so when the point lies on a boundary between worlds."""
    if math.isclose(delta, 1.0):
        balance = "neutral (δ = 1): neither offense nor defense has the advantage"
    elif delta < 1.0:
        balance = "offense has the advantage (δ < 1)"
    else:
        balance = "defense has the advantage (δ > 1)"
    if math.isclose(d, DISTINGUISHABLE_D):
        postures = "postures are half distinguishable (d = 0.5, the line between Jervis's cases)"
    elif d > DISTINGUISHABLE_D:
        postures = "postures are distinguishable (d > 0.5)"
    else:
        postures = "postures are indistinguishable (d < 0.5)"
    return balance, postures


def jervis_point(params: Any) -> dict[str, Any]:
    """Jervis's game and world at the world's offense-defense balance and distinguishability.

    The world's distinguishability d (share of defence not read as offence) is the d of
    :mod:`herz.models.jervis` (rho = (1 + d) / 2 is reported beside it); the payoffs are
    the world's own (:func:`herz.world.offense_defense.jervis_payoffs`: v = war_transfer,
    L = war_transfer + war_cost_share, k = budget_share). Returns the game class, the
    ordering, the cooperation threshold q* (None in a prisoner's dilemma), the conquest
    probability, the payoffs and Jervis's world: its number and label, or the worlds it
    borders when δ = 1 or d = 0.5 (``worlds``), and the quadrant in words.
    """
    from herz.models import jervis

    delta, d, kw = _jervis_args(params)
    if kw["war_gain"] <= 0 or kw["arms_cost"] <= 0:
        raise ParameterError("war_transfer/budget_share", (kw["war_gain"], kw["arms_cost"]),
                             "must both be > 0 for Jervis's game")
    rho = jervis.rho(d)
    cls = jervis.classification(delta, d, **kw)
    r, s_, t, pp = jervis.security_game(delta, d, **kw).rstp()
    labels = {w.number: w.label for w in jervis.four_worlds()}
    offense = [True, False] if math.isclose(delta, 1.0) else [delta < 1.0]
    dist = ([False, True] if math.isclose(d, DISTINGUISHABLE_D) else [d > DISTINGUISHABLE_D])
    numbers = sorted({2 - o + 2 * d_ for o in offense for d_ in dist})  # 1..4 as in Jervis
    balance, postures = _quadrant(delta, d)
    if len(numbers) == 1:
        world_text = f"world {numbers[0]}: {labels[numbers[0]]}"
    elif len(numbers) == 4:
        world_text = "the point where all four of Jervis's worlds meet"
    else:
        world_text = ("on the boundary of worlds "
                      + " and ".join(f"{n} ({labels[n]})" for n in numbers))
    return {
        "offense_defense_balance": delta, "distinguishability": d,
        "rho": rho, "game_class": cls.game_class.value, "ordering": cls.ordering,
        "cooperation_threshold": jervis.trust_threshold(delta, d, **kw),
        "conquest_probability": jervis.conquest_probability(delta, d),
        "payoffs": {"CC": r, "CD": s_, "DC": t, "DD": pp},
        "world": numbers[0] if len(numbers) == 1 else None, "worlds": numbers,
        "world_label": world_text, "world_description": f"{balance}; {postures}",
        "boundaries": jervis.regime_boundaries(d, **kw),
    }


def sample_paths(samples: Any) -> pd.DataFrame:
    """The sample worlds' paths as a table (one row per world and year), for download."""
    rows: dict[str, list[Any]] = {"world": [], "year": [], "arms_mean": [], "trust_seekers": [],
                                  "outcome": []}
    t = np.asarray(samples["time"])
    for k, w in enumerate(np.asarray(samples["world"])):
        rows["world"] += [int(w)] * len(t)
        rows["year"] += [float(x) for x in t]
        rows["arms_mean"] += [float(x) for x in np.asarray(samples["arms_mean"][k])]
        rows["trust_seekers"] += [float(x) for x in np.asarray(samples["trust_seekers"][k])]
        rows["outcome"] += [str(samples["outcome"].values[k])] * len(t)
    return pd.DataFrame(rows)


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
    from herz.analysis.intervals import wilson_interval
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
