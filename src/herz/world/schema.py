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
from dataclasses import dataclass
from functools import cache
from typing import Any

from herz.errors import ParameterError
from herz.world.params import Mechanisms, WorldParams

__all__ = ["FieldSpec", "field_spec", "world_fields"]


@dataclass(frozen=True)
class FieldSpec:
    """One world parameter as the schema declares it.

    ``name`` is the dotted path a scenario uses (``mechanisms.war`` for a switch);
    ``kind`` is one of ``number``, ``integer``, ``switch``, ``choice``, ``per_state``,
    ``pair``, ``table``; ``choices`` lists an option's allowed values; ``lo``/``hi``
    are the allowed range (``None``: unbounded), open where ``lo_open``/``hi_open``.
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

    @property
    def bounded(self) -> bool:
        """True when both ends of the range are finite (a factor can be sampled in it)."""
        return self.lo is not None and self.hi is not None

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
                "choices": list(self.choices), "meaning": self.meaning, "source": self.source}


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
            hi_open=m["hi_open"], choices=choices))
    return tuple(specs)


def field_spec(name: str) -> FieldSpec:
    """The schema entry of one parameter (``mechanisms.war`` for a switch)."""
    for spec in world_fields():
        if spec.name == name:
            return spec
    raise ParameterError("world parameter", name,
                         "must be one of " + ", ".join(s.name for s in world_fields()))
