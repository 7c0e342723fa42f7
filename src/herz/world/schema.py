"""The world's parameter schema, read from :class:`~herz.world.params.WorldParams`.

Every world parameter is declared once, as a field of ``WorldParams`` (or of
``Mechanisms``) whose metadata carries its meaning, unit, range and source.
Everything that needs to know about parameters (the scenario's ``[world]``
section, design factors and their bounds, SALib problems, ``herz world params``,
the explorer's form) reads them from here instead of writing them again.
"""

from __future__ import annotations

import dataclasses
import enum
import math
from dataclasses import dataclass
from functools import cache
from typing import Any

from herz.errors import ParameterError
from herz.world.params import Mechanisms, WorldParams, _range_text

__all__ = ["FieldSpec", "field_spec", "world_fields"]

_NUMERIC = ("number", "integer", "per_state")


@dataclass(frozen=True)
class FieldSpec:
    """One world parameter as the schema declares it.

    ``name`` is the dotted path a scenario uses (``mechanisms.war`` for a switch);
    ``kind`` is one of ``number``, ``integer``, ``switch``, ``choice``, ``per_state``,
    ``pair``, ``table``; ``choices`` lists an option's allowed values; ``lo``/``hi``
    are the allowed range (``None``: unbounded), open where ``lo_open``/``hi_open``;
    ``per_world``: the field may take one value per world of a batch
    (``herz.simulate(..., per_world=...)``, :data:`herz.world.params.PER_WORLD`).
    """

    name: str
    kind: str
    default: Any
    unit: str
    meaning: str
    source: str
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    hi_open: bool = False
    choices: tuple[str, ...] = ()
    per_world: bool = False

    @property
    def bounded(self) -> bool:
        """True when both ends of the range are finite (a factor can be sampled in it)."""
        return self.lo is not None and self.hi is not None

    def range_text(self) -> str:
        """The allowed values in words: ``in [0, 1]``, ``> 0``, ``true | false``, ...

        The same text :class:`~herz.world.params.WorldParams` puts in its messages
        (one function writes both).
        """
        if self.kind == "switch":
            return "true | false"
        if self.kind == "choice":
            return " | ".join(self.choices)
        if self.lo is None and self.hi is None:
            return "any finite number" if self.kind in _NUMERIC else "-"
        return _range_text({"lo": self.lo, "hi": self.hi, "lo_open": self.lo_open,
                            "hi_open": self.hi_open})

    def problem(self, value: Any) -> str | None:
        """What is wrong with ``value`` for this field on its own, or ``None``.

        The messages are the world's (``must be a whole number``, ``must be in [0, 1]``,
        ``must be one of ...``). Per-state lengths, matrices, schedules and checks
        across fields are the world's own (:class:`~herz.world.params.WorldParams`).
        """
        if self.kind == "switch":
            return None if isinstance(value, bool) else "must be true or false"
        if self.kind == "choice":
            return None if value in self.choices else "must be one of " + ", ".join(self.choices)
        if self.kind not in _NUMERIC:
            return None
        values = value if self.kind == "per_state" and isinstance(value, list) else [value]
        for v in values:
            if isinstance(v, bool) or not isinstance(v, int | float):
                if self.kind == "integer":
                    return "must be a whole number"
                return "must be a number per state" if values is value else "must be a number"
            if self.kind == "integer" and not float(v).is_integer():
                return "must be a whole number"
            if not self.contains(float(v)):
                return "must be " + (self.range_text() if self.lo is not None or self.hi
                                     is not None else "a finite number")
        return None

    def contains(self, value: float) -> bool:
        """True when the number ``value`` lies in the allowed range."""
        if not math.isfinite(value):
            return False
        if self.lo is not None and not (value > self.lo if self.lo_open else value >= self.lo):
            return False
        return self.hi is None or (value < self.hi if self.hi_open else value <= self.hi)

    def label(self) -> str:
        """A readable label: the meaning, with the unit where it says more than a word."""
        return self.meaning

    def default_text(self) -> str:
        """The default as a user would write it in TOML."""
        d = self.to_dict()["default"]
        if isinstance(d, bool):
            return "true" if d else "false"
        if isinstance(d, float):
            return f"{d:g}"
        if isinstance(d, dict) and not d:
            return "{}"
        return str(d)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready record (numbers stay numbers)."""
        default = self.default
        if isinstance(default, enum.Enum):
            default = default.value
        elif isinstance(default, tuple):
            default = [list(v) if isinstance(v, tuple) else v for v in default]
        elif not isinstance(default, bool | int | float | str | type(None)):
            default = str(default) if not hasattr(default, "to_dict") else default.to_dict()
        return {"name": self.name, "kind": self.kind, "default": default, "unit": self.unit,
                "lo": self.lo, "hi": self.hi, "lo_open": self.lo_open, "hi_open": self.hi_open,
                "choices": list(self.choices), "meaning": self.meaning, "source": self.source,
                "per_world": self.per_world}


def _kind(f: dataclasses.Field[Any], default: Any) -> tuple[str, tuple[str, ...]]:
    if isinstance(default, enum.Enum):
        return "choice", tuple(e.value for e in type(default))
    if isinstance(default, bool):
        return "switch", ()
    if isinstance(default, int):
        return "integer", ()
    if f.type == "PerState":
        return "per_state", ()
    if f.type == "PairValue":
        return "pair", ()
    if isinstance(default, float):
        return "number", ()
    return "table", ()


@cache
def world_fields() -> tuple[FieldSpec, ...]:
    """Every world parameter, in declaration order, switches as ``mechanisms.NAME``."""
    defaults = WorldParams()
    specs: list[FieldSpec] = []
    for f in dataclasses.fields(WorldParams):
        m = f.metadata
        default = getattr(defaults, f.name)
        if isinstance(default, Mechanisms):
            for mf in dataclasses.fields(Mechanisms):
                specs.append(FieldSpec(
                    name=f"mechanisms.{mf.name}", kind="switch", default=getattr(default, mf.name),
                    unit="switch", meaning=mf.metadata["doc"], source=mf.metadata["source"]))
            continue
        kind, choices = _kind(f, default)
        specs.append(FieldSpec(
            name=f.name, kind=kind, default=default, unit=m["unit"], meaning=m["doc"],
            source=m["source"], lo=m["lo"], hi=m["hi"], lo_open=m["lo_open"],
            hi_open=m["hi_open"], choices=choices, per_world=bool(m.get("per_world", False))))
    return tuple(specs)


def field_spec(name: str) -> FieldSpec:
    """The schema entry of one parameter (``mechanisms.war`` for a switch)."""
    for spec in world_fields():
        if spec.name == name:
            return spec
    raise ParameterError("world parameter", name,
                         "must be one of " + ", ".join(s.name for s in world_fields()))
