"""Scenario files: TOML validated into a typed, frozen :class:`Scenario`.

A scenario says what to run (the model, its parameters, the mechanisms switched
on), how to sample it (the design and its replicates), for how long (steps), from
which seed, and where the results go::

    [experiment]
    name = "escape-map"
    model = "world"          # world, toy, empty, or an import path "package.module:attr"
    seed = 20250101          # the root of the seed tree
    steps = 200
    replicates = 40          # per design point
    chunk_size = 20          # replicates per task and per Parquet file

    [world]                  # the model's parameters; those not named keep defaults
    distinguishability = 0.5

    [world.schedules]        # world parameters that change mid-run (technology shocks)
    offense_defense_balance = { at = 50, to = 3.0 }          # a step at step 50
    distinguishability = [{ start = 0, end = 100, to = 1.0 }] # a linear ramp

    [mechanisms]             # the model's switchable mechanisms
    signalling = true

    [design]
    method = "grid"          # single, grid, lhs, sobol, saltelli
    # samples = 64           # lhs, sobol, saltelli (saltelli: base samples)
    [design.factors]
    offense_defense_balance = [0.5, 1.0, 2.0]            # grid levels
    distinguishability = { levels = 5 }                  # the schema's range [0, 1]

    [design.adaptive]        # optional: more replicates where P(escape) is uncertain
    target_ci_width = 0.1
    max_replicates = 400
    batch = 40

    [output]
    directory = "results/escape-map"   # relative to the working directory

``[world.schedules]`` is part of ``[world]``: the world validates it
(:mod:`herz.world.schedule` lists which parameters may follow a schedule), and
its problems are reported as ``world.schedules.NAME``.

A range factor may leave out ``min`` and ``max`` where the model declares a schema
(the world does, :mod:`herz.world.schema`): the range is then the parameter's
allowed range, and a range given by hand must lie inside it.

``herz run`` reads the same files through the same reader (:func:`read_scenario`),
with a short ``[run]`` section (``worlds``, ``steps``, ``seed``) allowed in place of
``[experiment]``'s ``replicates``, ``steps`` and ``seed``, and defaults for those.

Every problem is reported as ``FILE: FIELD.PATH = VALUE: WHAT IS ALLOWED`` (malformed
TOML as ``FILE: line L, column C: ...``); unknown keys are errors that suggest the
nearest allowed key. Validation touches nothing on disk.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from herz.errors import HerzError, ParameterError
from herz.experiment import design as design_mod
from herz.experiment.models import ModelSpec, get_model, model_path, unknown_key_message

__all__ = [
    "Scenario",
    "ScenarioError",
    "ScenarioProblem",
    "load_scenario",
    "parse_scenario",
    "preset_names",
    "preset_path",
    "read_scenario",
]

SECTIONS = ("experiment", "world", "mechanisms", "design", "output")
#: ``[run]``'s keys and the ``[experiment]`` keys they stand for.
RUN_KEYS = {"worlds": "replicates", "steps": "steps", "seed": "seed"}
MAX_POINTS = 1_000_000
MAX_TASKS = 10_000_000


@dataclass(frozen=True)
class ScenarioProblem:
    """One thing wrong with a scenario: where, what value, and what is allowed."""

    path: str
    allowed: str
    value: Any = None
    has_value: bool = True
    line: int | None = None

    def render(self, source: str) -> str:
        """``SOURCE: PATH = VALUE: ALLOWED`` (or ``SOURCE: PATH: ALLOWED``)."""
        where = f"{source}: {self.path}" if self.path else source
        if self.has_value:
            return f"{where} = {_show(self.value)}: {self.allowed}"
        return f"{where}: {self.allowed}"


class ScenarioError(ParameterError):
    """A scenario is not valid. ``problems`` lists every problem found.

    The message has one line per problem, each naming the file, the field path, the
    bad value and what is allowed.
    """

    def __init__(self, source: str, problems: list[ScenarioProblem]) -> None:
        self.source = source
        self.problems = problems
        first = problems[0]
        self.field = first.path
        self.value = first.value
        self.allowed = first.allowed
        HerzError.__init__(self, "\n".join(p.render(source) for p in problems))


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return repr(value)


# --------------------------------------------------------------------------- schema

_STRICT = ConfigDict(extra="forbid", strict=True, frozen=True)

Name = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9_.\- ]+$")]


class ExperimentSection(BaseModel):
    """``[experiment]``: what to run, from which seed, how many times."""

    model_config = _STRICT

    name: Name = "experiment"
    description: str = ""
    model: str = "world"
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)]
    steps: Annotated[int, Field(ge=1, le=10_000_000)] = 100
    replicates: Annotated[int, Field(ge=1, le=10_000_000)] = 1
    chunk_size: Annotated[int, Field(ge=1, le=10_000_000)] | None = None


class RangeFactor(BaseModel):
    """A factor given as a range: ``{ min = .., max = .., levels = .. }``."""

    model_config = _STRICT

    min: float | None = None
    max: float | None = None
    levels: Annotated[int, Field(ge=1, le=100_000)] | None = None
    scale: Literal["linear", "log"] = "linear"


FactorSpec = RangeFactor | list[Any]


class AdaptiveSection(BaseModel):
    """``[design.adaptive]``: add replicates where P(escape) is still uncertain."""

    model_config = _STRICT

    target_ci_width: Annotated[float, Field(gt=0, le=1)]
    max_replicates: Annotated[int, Field(ge=1, le=10_000_000)]
    batch: Annotated[int, Field(ge=1, le=10_000_000)] | None = None
    confidence: Annotated[float, Field(gt=0, lt=1)] = 0.95


class DesignSection(BaseModel):
    """``[design]``: the sampling method, its factors and optional adaptivity."""

    model_config = _STRICT

    method: Literal["single", "grid", "lhs", "sobol", "saltelli"] = "single"
    samples: Annotated[int, Field(ge=1, le=MAX_POINTS)] | None = None
    factors: dict[str, FactorSpec] = Field(default_factory=dict)
    adaptive: AdaptiveSection | None = None


class OutputSection(BaseModel):
    """``[output]``: where the results go."""

    model_config = _STRICT

    directory: Annotated[str, Field(min_length=1)] | None = None


class _Document(BaseModel):
    model_config = _STRICT

    experiment: ExperimentSection
    world: dict[str, Any] = Field(default_factory=dict)
    mechanisms: dict[str, Any] = Field(default_factory=dict)
    design: DesignSection = Field(default_factory=DesignSection)
    output: OutputSection = Field(default_factory=OutputSection)


class RunSection(BaseModel):
    """``[run]``: ``herz run``'s short names for replicates (worlds), steps and seed."""

    model_config = _STRICT

    worlds: Annotated[int, Field(ge=1, le=10_000_000)] | None = None
    steps: Annotated[int, Field(ge=1, le=10_000_000)] | None = None
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] | None = None


_SUBMODELS: dict[tuple[str, ...], type[BaseModel]] = {
    (): _Document,
    ("experiment",): ExperimentSection,
    ("design",): DesignSection,
    ("design", "adaptive"): AdaptiveSection,
    ("output",): OutputSection,
    ("run",): RunSection,
}


# --------------------------------------------------------------------------- Scenario


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: every value checked, every default filled in.

    Build one with :func:`load_scenario` (a file), :func:`parse_scenario` (a string)
    or :meth:`from_dict`. ``params`` holds every model parameter (defaults filled),
    ``points`` every design point's full parameter dict.
    """

    name: str
    description: str
    model: str
    seed: int
    steps: int
    replicates: int
    chunk_size: int
    params: Mapping[str, Any]
    mechanisms: Mapping[str, bool]
    method: str
    samples: int | None
    factors: tuple[design_mod.Factor, ...]
    adaptive: AdaptiveSection | None
    output: str
    points: tuple[Mapping[str, Any], ...] = field(repr=False)
    source: str = "<scenario>"
    text: str = field(default="", repr=False)
    document: Mapping[str, Any] = field(default_factory=dict, repr=False)

    @property
    def spec(self) -> ModelSpec:
        """The model this scenario runs."""
        return get_model(self.model)

    @property
    def model_path(self) -> str:
        """The import path ``module:attribute`` of the model (what a fresh process imports)."""
        return model_path(self.model)

    def canonical(self) -> dict[str, Any]:
        """Everything that decides the results (not the name, description or output)."""
        return {
            "model": self.model,
            "seed": self.seed,
            "steps": self.steps,
            "replicates": self.replicates,
            "chunk_size": self.chunk_size,
            "params": dict(self.params),
            "mechanisms": dict(self.mechanisms),
            "design": {
                "method": self.method,
                "samples": self.samples,
                "factors": [_factor_dict(f) for f in self.factors],
                "adaptive": None if self.adaptive is None else self.adaptive.model_dump(),
            },
        }

    @functools.cached_property
    def hash(self) -> str:
        """SHA-256 of :meth:`canonical` as canonical JSON: equal hash, equal results."""
        blob = json.dumps(self.canonical(), sort_keys=True, separators=(",", ":"),
                          default=str)
        return hashlib.sha256(blob.encode()).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description (what the manifest records)."""
        d = self.canonical()
        d.update(name=self.name, description=self.description, output=self.output,
                 source=self.source, points=len(self.points), model_path=self.model_path)
        return d

    def replace(self, **changes: Any) -> Scenario:
        """Return a copy with top-level values replaced, validated again."""
        doc = copy.deepcopy(dict(self.document))
        for key, value in changes.items():
            section = "output" if key == "directory" else "experiment"
            doc.setdefault(section, {})[key] = value
        return from_dict(doc, source=self.source)

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any], source: str = "<scenario>") -> Scenario:
        """Validate a dict shaped like the TOML document."""
        return from_dict(doc, source=source)



def _factor_dict(f: design_mod.Factor) -> dict[str, Any]:
    return {"name": f.name, "values": None if f.values is None else list(f.values),
            "low": f.low, "high": f.high, "levels": f.levels, "scale": f.scale,
            "integer": f.integer}


# --------------------------------------------------------------------------- validation


def _allowed_keys(loc: tuple[str, ...]) -> list[str]:
    model = _SUBMODELS.get(loc)
    return list(model.model_fields) if model is not None else []


def _bounds_text(model: type[BaseModel] | None, name: str) -> str | None:
    if model is None or name not in model.model_fields:
        return None
    lo = hi = None
    lo_strict = hi_strict = False
    for meta in model.model_fields[name].metadata:
        for attr, strict, is_lo in (("ge", False, True), ("gt", True, True),
                                    ("le", False, False), ("lt", True, False)):
            v = getattr(meta, attr, None)
            if v is not None:
                if is_lo:
                    lo, lo_strict = v, strict
                else:
                    hi, hi_strict = v, strict
    ann = model.model_fields[name].annotation
    kind = "an integer" if "int" in str(ann) and "float" not in str(ann) else "a number"
    if lo is not None and hi is not None:
        if hi == 2**63 - 1 or hi >= 10_000_000:
            return f"must be {kind} {'>' if lo_strict else '>='} {lo}"
        if not lo_strict and not hi_strict:
            return f"must be between {lo} and {hi}"
        return (f"must be {kind} with {lo} {'<' if lo_strict else '<='} value "
                f"{'<' if hi_strict else '<='} {hi}")
    if lo is not None:
        return f"must be {kind} {'>' if lo_strict else '>='} {lo}"
    if hi is not None:
        return f"must be {kind} {'<' if hi_strict else '<='} {hi}"
    return None


_OPS = {"greater_than_equal": (">=", "ge"), "less_than_equal": ("<=", "le"),
        "greater_than": (">", "gt"), "less_than": ("<", "lt")}


def _ctx_bound(etype: str, err: Any) -> str:
    op, key = _OPS[etype]
    bound = err.get("ctx", {}).get(key)
    kind = "an integer" if isinstance(err.get("input"), int) else "a number"
    return f"must be {kind} {op} {bound}" if bound is not None else str(err["msg"])


_TYPE_TEXT = {
    "int_type": "must be an integer",
    "int_from_float": "must be an integer",
    "float_type": "must be a number",
    "string_type": "must be a string",
    "bool_type": "must be true or false",
    "dict_type": "must be a table",
    "model_type": "must be a table",
    "model_attributes_type": "must be a table",
    "list_type": "must be a list",
    "finite_number": "must be a finite number",
}


def _translate(exc: ValidationError, doc: Mapping[str, Any]) -> list[ScenarioProblem]:
    problems: list[ScenarioProblem] = []
    seen: set[str] = set()
    for err in exc.errors():
        loc = tuple(str(x) for x in err["loc"])
        # pydantic tries each member of a union: report once per location.
        if "design" in loc and "factors" in loc:
            i = loc.index("factors")
            if len(loc) > i + 1:
                fname = loc[i + 1]
                key = ".".join(loc[: i + 2])
                if key in seen:
                    continue
                seen.add(key)
                value = doc.get("design", {}).get("factors", {}).get(fname)
                problems.append(ScenarioProblem(
                    key, "must be a list of levels or a table "
                    "{ min = .., max = .., levels = .., scale = \"linear\" | \"log\" }"
                    + _range_detail(value), value))
                continue
        path = ".".join(loc)
        if path in seen:
            continue
        seen.add(path)
        etype = err["type"]
        parent = loc[:-1]
        name = loc[-1] if loc else ""
        if etype == "extra_forbidden":
            problems.append(ScenarioProblem(path, unknown_key_message(name, _allowed_keys(parent)),
                                    err.get("input")))
        elif etype == "missing":
            what = "missing section; required" if parent == () else "missing; required"
            problems.append(ScenarioProblem(path, what, has_value=False))
        elif etype in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
            text = _bounds_text(_SUBMODELS.get(parent), name) or _ctx_bound(etype, err)
            if etype in ("less_than_equal", "less_than"):  # too large: say the upper bound
                text = _ctx_bound(etype, err)
            problems.append(ScenarioProblem(path, text, err.get("input")))
        elif etype == "literal_error":
            expected = err.get("ctx", {}).get("expected", "")
            problems.append(ScenarioProblem(path, f"must be one of {expected}".replace("'", '"'),
                                    err.get("input")))
        elif etype in _TYPE_TEXT:
            problems.append(ScenarioProblem(path, _TYPE_TEXT[etype], err.get("input")))
        elif etype == "string_pattern_mismatch":
            problems.append(ScenarioProblem(path, "must use only letters, digits, spaces and _ . -",
                                    err.get("input")))
        elif etype in ("string_too_short", "string_too_long"):
            problems.append(ScenarioProblem(path, err["msg"].replace("String should", "must"),
                                    err.get("input")))
        else:
            problems.append(ScenarioProblem(path, err["msg"], err.get("input")))
    return problems


def _finite(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list | tuple):
        return all(_finite(v) for v in value)
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    return True


def _type_problem(default: Any, value: Any) -> str | None:
    """What is wrong with ``value``'s type for a parameter whose default is ``default``."""
    if isinstance(default, bool):
        return None if isinstance(value, bool) else "must be true or false"
    if isinstance(default, int | float):  # a number, or (where the model takes one) an array
        return None if _numeric(value) else "must be a number"
    if isinstance(default, str):
        return None if isinstance(value, str) else "must be a string"
    return None  # tables and the like: the model checks them


def _numeric(value: Any) -> bool:
    if isinstance(value, list):
        return all(_numeric(v) for v in value)
    return isinstance(value, int | float) and not isinstance(value, bool)


def _validate(spec: ModelSpec, params: Mapping[str, Any]) -> dict[str, Any]:
    """The model's own check, with anything but a ParameterError turned into one."""
    try:
        return spec.validate(params)
    except ParameterError:
        raise
    except (TypeError, ValueError, OverflowError, ArithmeticError) as exc:
        raise ParameterError("", None, f"not accepted by model {spec.name!r} ({exc})") from None


def _range_detail(value: Any) -> str:
    if isinstance(value, dict):
        unknown = [k for k in value if k not in RangeFactor.model_fields]
        if unknown:
            return "; " + unknown[0] + ": " + unknown_key_message(unknown[0],
                                                                  list(RangeFactor.model_fields))
    return ""


def _normalise(doc: Mapping[str, Any], defaults: Mapping[str, Any] | None
               ) -> tuple[dict[str, Any], dict[str, str], list[ScenarioProblem]]:
    """Fold ``[run]`` into ``[experiment]`` and fill ``defaults`` in; return renamed paths."""
    out = dict(doc)
    renamed: dict[str, str] = {}
    problems: list[ScenarioProblem] = []
    run = out.pop("run", None)
    exp = out.get("experiment", {} if (run is not None or defaults) else None)
    if exp is None or not isinstance(exp, Mapping):
        return out, renamed, problems  # pydantic reports a missing or malformed section
    exp = dict(exp)
    if run is not None:
        if not isinstance(run, Mapping):
            problems.append(ScenarioProblem("run", "must be a table", run))
        else:
            for key, value in run.items():
                if key not in RUN_KEYS:
                    problems.append(ScenarioProblem(
                        f"run.{key}", unknown_key_message(key, list(RUN_KEYS)), value))
                elif RUN_KEYS[key] in exp:
                    problems.append(ScenarioProblem(
                        f"run.{key}", f"also given as experiment.{RUN_KEYS[key]}; give it once",
                        value))
                else:
                    exp[RUN_KEYS[key]] = value
                    renamed[f"experiment.{RUN_KEYS[key]}"] = f"run.{key}"
    for key, value in (defaults or {}).items():
        exp.setdefault(key, value)
    out["experiment"] = exp
    return out, renamed, problems


def _world_problems(spec: ModelSpec, world: Mapping[str, Any]) -> list[ScenarioProblem]:
    """Each ``[world]`` key on its own: known, of the right type, in its range."""
    problems: list[ScenarioProblem] = []
    for key, value in world.items():
        path = f"world.{key}"
        if key not in spec.defaults:
            problems.append(ScenarioProblem(path, unknown_key_message(key, list(spec.defaults)),
                                            value))
            continue
        wrong = _level_problem(spec, key, value)
        if wrong:
            problems.append(ScenarioProblem(path, wrong, value))
    return problems


def _level_problem(spec: ModelSpec, name: str, value: Any) -> str | None:
    """What is wrong with one value of parameter ``name`` taken alone (schema first)."""
    fs = spec.fields.get(name)
    if fs is not None:
        return fs.problem(value)
    wrong = _type_problem(spec.defaults[name], value)
    if wrong is None and not _finite(value):
        return "must be a finite number"
    return wrong


def from_dict(doc: Mapping[str, Any], source: str = "<scenario>", text: str = "",
              defaults: Mapping[str, Any] | None = None) -> Scenario:
    """Validate a parsed TOML document into a :class:`Scenario` (raise :class:`ScenarioError`).

    ``defaults`` fills ``[experiment]`` keys the document leaves out (``herz run``'s
    worlds, steps and seed); ``[run]`` is folded into ``[experiment]``.
    """
    try:
        return _from_dict(doc, source, text, defaults)
    except RecursionError:
        raise ScenarioError(source, [ScenarioProblem(
            "", "nested too deeply (tables or lists inside each other hundreds of levels "
            "deep); a scenario needs at most a few levels", has_value=False)]) from None


def _from_dict(doc: Mapping[str, Any], source: str, text: str,
               defaults: Mapping[str, Any] | None) -> Scenario:
    if not isinstance(doc, Mapping):
        raise ScenarioError(source, [ScenarioProblem("", "must be a TOML document", doc)])
    original = doc
    doc, renamed, problems = _normalise(doc, defaults)
    try:
        parsed = _Document.model_validate(doc)
    except ValidationError as exc:
        found = [ScenarioProblem(renamed.get(p.path, p.path), p.allowed, p.value, p.has_value,
                                 p.line) for p in _translate(exc, doc)]
        raise ScenarioError(source, problems + found) from None
    ex = parsed.experiment
    try:
        spec = get_model(ex.model)
    except ParameterError as exc:
        raise ScenarioError(source, [*problems, ScenarioProblem("experiment.model", exc.allowed,
                                                                ex.model)]) from None

    # [world]: the model's parameters, each checked on its own (from the schema where the
    # model has one), then together by the model; defaults filled in.
    world_problems = _world_problems(spec, parsed.world)
    problems += world_problems
    params = dict(spec.defaults)
    params.update({k: v for k, v in parsed.world.items() if k in spec.defaults})
    if not world_problems:
        try:
            params = _validate(spec, params)
        except ParameterError as exc:
            world_problems.append(ScenarioProblem(
                f"world.{exc.field}" if exc.field else "world", exc.allowed, exc.value,
                has_value=bool(exc.field)))
            problems += world_problems[-1:]
    # Factor levels are checked against the scenario's [world] where it is valid, else
    # against the model's defaults: a mistake in [world] is reported once, not again
    # for every level of every factor.
    base = params if not world_problems else dict(spec.defaults)

    # [mechanisms]: booleans naming the model's mechanisms.
    mechanisms = dict(spec.mechanisms)
    for key, value in parsed.mechanisms.items():
        if key not in spec.mechanisms:
            problems.append(ScenarioProblem(f"mechanisms.{key}",
                                            unknown_key_message(key, list(spec.mechanisms)),
                                            value))
        elif not isinstance(value, bool):
            problems.append(ScenarioProblem(f"mechanisms.{key}", "must be true or false", value))
        else:
            mechanisms[key] = value

    # [design]
    dz = parsed.design
    sampled = dz.method in design_mod.SAMPLED
    factors: list[design_mod.Factor] = []
    for fname, fspec in dz.factors.items():
        path = f"design.factors.{fname}"
        if fname not in spec.defaults:
            problems.append(ScenarioProblem(path, unknown_key_message(fname, list(spec.defaults)),
                                            fspec if isinstance(fspec, list)
                                            else fspec.model_dump(exclude_none=True)))
            continue
        default = spec.defaults[fname]
        integer = isinstance(default, int) and not isinstance(default, bool)
        if isinstance(fspec, list):
            if not fspec:
                problems.append(ScenarioProblem(path, "must hold at least one level", fspec))
                continue
            if sampled:
                problems.append(ScenarioProblem(path, f"{dz.method} needs a range "
                                                "{ min = .., max = .. }, not a list of levels",
                                                fspec))
                continue
            bad = False
            for i, level in enumerate(fspec):
                wrong = _level_problem(spec, fname, level)
                if wrong is None:
                    try:
                        _validate(spec, {**base, fname: level})
                    except ParameterError as exc:
                        wrong = exc.allowed
                if wrong:
                    problems.append(ScenarioProblem(f"{path}[{i}]", wrong, level))
                    bad = True
            if not bad:
                factors.append(design_mod.Factor(fname, values=tuple(fspec), integer=integer))
            continue
        rf = fspec
        bad = False
        lo, hi = rf.min, rf.max
        fs = spec.fields.get(fname)
        if (lo is None or hi is None) and fs is not None:
            try:
                whole = design_mod.Factor.from_field(fs, lo, hi)
                lo, hi = whole.low, whole.high
            except ParameterError as exc:
                problems.append(ScenarioProblem(f"design.factors.{exc.field}", exc.allowed,
                                                has_value=False))
                continue
        if lo is None or hi is None:
            problems.append(ScenarioProblem(f"{path}.{'min' if lo is None else 'max'}",
                                            "missing; this model declares no range for "
                                            f"{fname}", has_value=False))
            continue
        if not (math.isfinite(lo) and math.isfinite(hi)):
            problems.append(ScenarioProblem(path, "min and max must be finite numbers",
                                            rf.model_dump(exclude_none=True)))
            continue
        if not lo <= hi:
            problems.append(ScenarioProblem(f"{path}.max", f"must be >= min ({lo!r})", hi))
            bad = True
        if rf.scale == "log" and lo <= 0:
            problems.append(ScenarioProblem(f"{path}.min", "must be > 0 on a log scale", lo))
            bad = True
        if dz.method == "grid" and rf.levels is None:
            problems.append(ScenarioProblem(f"{path}.levels", "missing; a grid range needs "
                                            "levels", has_value=False))
            bad = True
        if dz.method != "grid" and rf.levels is not None:
            problems.append(ScenarioProblem(f"{path}.levels", f"only a grid takes levels, not "
                                            f"{dz.method}", rf.levels))
            bad = True
        for end, v in (("min", lo), ("max", hi)):
            value = round(v) if integer else v
            wrong = _level_problem(spec, fname, value)
            if wrong is None:
                try:
                    _validate(spec, {**base, fname: value})
                except ParameterError as exc:
                    wrong = exc.allowed
            if wrong:
                problems.append(ScenarioProblem(f"{path}.{end}", wrong, v))
                bad = True
        if not bad:
            factors.append(design_mod.Factor(fname, low=lo, high=hi, levels=rf.levels,
                                             scale=rf.scale, integer=integer))
    if dz.method == "single" and dz.factors:
        problems.append(ScenarioProblem("design.factors", "a single-point design takes no "
                                        "factors; set design.method to "
                                        + ", ".join(design_mod.METHOD_NAMES[1:]),
                                        list(dz.factors)))
    if dz.method != "single" and not dz.factors:
        problems.append(ScenarioProblem("design.factors", f"missing; {dz.method} needs at least "
                                        "one factor", has_value=False))
    if sampled:
        if dz.samples is None:
            problems.append(ScenarioProblem("design.samples", f"missing; {dz.method} needs "
                                            "samples", has_value=False))
        elif dz.method in ("sobol", "saltelli") and (dz.samples & (dz.samples - 1)
                                                     or dz.samples < (2 if dz.method ==
                                                                      "saltelli" else 1)):
            problems.append(ScenarioProblem("design.samples", f"must be a power of 2 for "
                                            f"{dz.method} (e.g. 64, 128, 256)", dz.samples))
    elif dz.samples is not None:
        problems.append(ScenarioProblem("design.samples", "only " + ", ".join(design_mod.SAMPLED)
                                        + f" take samples, not {dz.method}", dz.samples))
    if dz.adaptive is not None:
        if not spec.escape_outcomes:
            problems.append(ScenarioProblem("design.adaptive", f"model {spec.name!r} reports no "
                                            "escape outcome; adaptive replication needs one",
                                            has_value=False))
        elif dz.adaptive.max_replicates < ex.replicates:
            problems.append(ScenarioProblem("design.adaptive.max_replicates",
                                            f"must be >= experiment.replicates "
                                            f"({ex.replicates})", dz.adaptive.max_replicates))
    if not problems:
        size = 1
        if dz.method == "grid":
            for f in factors:
                size *= len(f.grid_levels())
        elif dz.method == "saltelli" and dz.samples is not None:
            size = dz.samples * (len(factors) + 2)
        if size > MAX_POINTS:
            problems.append(ScenarioProblem("design.factors", f"the {dz.method} design has "
                                            f"{size} points; at most {MAX_POINTS} allowed",
                                            list(dz.factors)))
    if problems:
        raise ScenarioError(source, problems)

    points = design_mod.sample(dz.method, factors, dz.samples, ex.seed, base=params)
    for i, pt in enumerate(points):
        try:
            points[i] = _validate(spec, pt)
        except ParameterError as exc:
            problems.append(ScenarioProblem(f"design point {i}: world.{exc.field}", exc.allowed,
                                            exc.value))
            break
    max_reps = ex.replicates if dz.adaptive is None else dz.adaptive.max_replicates
    if len(points) * max_reps > MAX_TASKS * 100:
        problems.append(ScenarioProblem("experiment.replicates", "too many runs in all",
                                        ex.replicates))
    if problems:
        raise ScenarioError(source, problems)
    chunk = ex.chunk_size if ex.chunk_size is not None else min(ex.replicates, 100)
    return Scenario(
        name=ex.name, description=ex.description, model=ex.model, seed=ex.seed,
        steps=ex.steps, replicates=ex.replicates, chunk_size=chunk, params=params,
        mechanisms=mechanisms, method=dz.method, samples=dz.samples, factors=tuple(factors),
        adaptive=dz.adaptive,
        output=parsed.output.directory or f"results/{ex.name}",
        points=tuple(points), source=source, text=text, document=copy.deepcopy(dict(original)),
    )


_TOML_POS = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


def parse_scenario(text: str, source: str = "<scenario>",
                   defaults: Mapping[str, Any] | None = None,
                   overrides: Mapping[str, Mapping[str, Any]] | None = None) -> Scenario:
    """Parse and validate TOML text. ``source`` names it in error messages.

    ``defaults`` fills ``[experiment]`` keys the text leaves out (see :func:`from_dict`);
    ``overrides`` (``{"world": {...}, "mechanisms": {...}}``, from the command line)
    replaces keys of those sections before validation, so they get the same messages.
    """
    try:
        doc = tomllib.loads(text)
    except RecursionError:
        raise ScenarioError(source, [ScenarioProblem(
            "", "malformed TOML: nested too deeply (tables or lists inside each other "
            "hundreds of levels deep)", has_value=False)]) from None
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = _TOML_POS.search(msg)
        if m:
            where = f"line {m.group(1)}, column {m.group(2)}"
            msg = msg[: m.start()]
            raise ScenarioError(source, [ScenarioProblem(where, f"malformed TOML: {msg}",
                                                         has_value=False,
                                                         line=int(m.group(1)))]) from None
        raise ScenarioError(source, [ScenarioProblem("", f"malformed TOML: {msg}",
                                                     has_value=False)]) from None
    for section, values in (overrides or {}).items():
        if values:
            table = doc.get(section, {})
            doc[section] = {**(table if isinstance(table, dict) else {}), **values}
    return from_dict(doc, source=source, text=text, defaults=defaults)


def _presets_dir() -> Path:
    return Path(str(resources.files("herz.experiment") / "presets"))


def preset_names() -> list[str]:
    """The names of the shipped presets (:mod:`herz.experiment.presets`)."""
    return sorted(p.stem for p in _presets_dir().glob("*.toml"))


def preset_path(name: str) -> Path:
    """The file of preset ``name``."""
    if name not in preset_names():
        raise ParameterError("preset", name, "must be one of " + ", ".join(preset_names()))
    return _presets_dir() / f"{name}.toml"


def read_scenario(path: str | Path, defaults: Mapping[str, Any] | None = None,
                  overrides: Mapping[str, Mapping[str, Any]] | None = None) -> Scenario:
    """Read and validate a scenario file, or a preset by name: the one reader of herz.

    Every command that takes a scenario (``herz run``, ``herz sweep``, ``herz escape``'s
    studies) reads it here, so the same mistake gets the same message everywhere.
    """
    p = Path(path)
    if not p.exists():
        if str(path) in preset_names():
            p = preset_path(str(path))
            return parse_scenario(p.read_text(encoding="utf-8"), source=f"preset:{path}",
                                  defaults=defaults, overrides=overrides)
        raise ScenarioError(str(path), [ScenarioProblem("", "no such file (and no preset of "
                                                        "that name; see `herz presets`)",
                                                        has_value=False)])
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(str(path), [ScenarioProblem("", f"cannot read: {exc}",
                                                        has_value=False)]) from None
    return parse_scenario(text, source=str(path), defaults=defaults, overrides=overrides)


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file (or a preset, by name): :func:`read_scenario`."""
    return read_scenario(path)
