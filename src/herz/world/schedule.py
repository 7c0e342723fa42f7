"""Parameter schedules: technology shocks and gradual change of a world parameter.

A parameter need not stay constant over a run. The nuclear revolution made
conquest between nuclear powers all but impossible almost at once; missile
defence or precision strike shift the offense-defense balance; satellites and
on-site inspection made postures more distinguishable over decades (Jervis
1978 names technology, with geography, as what sets both variables; Glaser and
Kaufmann 1998). A :class:`Schedule` is a sequence of :class:`Change` s, each
moving the parameter from the value it has reached to a new value ``to``:

- a **step** (``Schedule.step(at=50, to=3.0)``): the new value holds from step
  ``at`` on (a technology shock);
- a **ramp** (``Schedule.ramp(start=0, end=100, to=1.0)``): the value moves
  linearly from what it was at step ``start`` to ``to`` at step ``end`` and holds
  after (a gradual change).

Before the first change the parameter has its constant value in
:class:`~herz.world.params.WorldParams`; changes follow each other in time and
may be chained (``Schedule.step(at=20, to=0.5).then(Schedule.ramp(start=60,
end=80, to=2.0))``). The value at step t is the one the step from t to t + 1
uses (:func:`herz.world.step.step` evaluates every schedule once per step, in
Python, and the mechanisms read the result as a constant). Schedules are
deterministic: they draw no random numbers.

Only the parameters in :data:`SCHEDULABLE` may follow a schedule: those that
the step reads afresh every step and that stand for technology, information
or costs. The number of states, the initial conditions and the thresholds that
classify outcomes cannot change mid-run.

In a scenario file (``[world.schedules]``), each schedule is a table or an array
of tables; a table with ``at`` is a step, one with ``start`` and ``end`` a ramp::

    [world.schedules]
    offense_defense_balance = { at = 50, to = 3.0 }
    distinguishability = [{ start = 0, end = 100, to = 1.0 }]

References
----------
Jervis, R. (1978). Cooperation under the security dilemma. *World Politics*
30(2): 167-214. doi:10.2307/2009958.

Glaser, C. L. and Kaufmann, C. (1998). What is the offense-defense balance and
can we measure it? *International Security* 22(4): 44-82. doi:10.2307/2539240.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from herz.errors import ParameterError

__all__ = ["SCHEDULABLE", "Change", "Schedule", "Schedules"]

#: World parameters that may follow a schedule (technology, information, costs).
SCHEDULABLE: tuple[str, ...] = (
    "offense_defense_balance",
    "first_strike_advantage",
    "distinguishability",
    "perception_noise",
    "signal_cost",
    "verification",
    "war_cost_share",
    "budget_share",
    "greed_build",
    "identity_plasticity",
)

#: Largest step a schedule may name (the random streams' step counter has 24 bits).
MAX_STEP = (1 << 24) - 1


@dataclass(frozen=True)
class Change:
    """One change of a schedule: from step ``start`` to step ``end`` move to ``to``.

    ``start == end`` is a step change (the value is ``to`` from ``start`` on);
    ``start < end`` a linear ramp from the value reached at ``start``.
    """

    start: int
    end: int
    to: float

    @property
    def is_step(self) -> bool:
        """Whether this change is a jump (``start == end``)."""
        return self.start == self.end

    def to_dict(self) -> dict[str, Any]:
        """``{at, to}`` for a step, ``{start, end, to}`` for a ramp (TOML-ready)."""
        if self.is_step:
            return {"at": self.start, "to": self.to}
        return {"start": self.start, "end": self.end, "to": self.to}


def _whole(field: str, value: Any) -> int:
    if isinstance(value, bool) or not (isinstance(value, int) or (
            isinstance(value, float) and value.is_integer())):
        raise ParameterError(field, value, f"must be a whole number of steps in [0, {MAX_STEP}]")
    v = int(value)
    if not 0 <= v <= MAX_STEP:
        raise ParameterError(field, value, f"must be a whole number of steps in [0, {MAX_STEP}]")
    return v


def _number(field: str, value: Any) -> float:
    if isinstance(value, bool):
        raise ParameterError(field, value, "must be a finite number")
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ParameterError(field, value, "must be a finite number") from None
    if not math.isfinite(v):
        raise ParameterError(field, value, "must be a finite number")
    return v


@dataclass(frozen=True)
class Schedule:
    """A deterministic path of one world parameter over the steps of a run.

    Build one with :meth:`step`, :meth:`ramp`, :meth:`then` or
    :meth:`from_value` (what a scenario file holds). See the module docstring.
    """

    changes: tuple[Change, ...]

    def __post_init__(self) -> None:
        changes = tuple(self.changes)
        if not changes:
            raise ParameterError("schedule", [], "needs at least one change")
        for k, c in enumerate(changes):
            if not isinstance(c, Change):
                raise ParameterError(f"schedule[{k}]", c, "must be a Change")
            if c.end < c.start:
                raise ParameterError(f"schedule[{k}].end", c.end, f"must be >= start ({c.start})")
            if k and c.start < changes[k - 1].end + (1 if changes[k - 1].is_step else 0):
                prev = changes[k - 1]
                raise ParameterError(f"schedule[{k}].start", c.start,
                                     f"must come after the previous change (step {prev.end})")
        object.__setattr__(self, "changes", changes)

    # ------------------------------------------------------------------ builders
    @classmethod
    def step(cls, at: int, to: float) -> Schedule:
        """A jump to ``to`` at step ``at`` (a technology shock)."""
        at = _whole("at", at)
        return cls((Change(at, at, _number("to", to)),))

    @classmethod
    def ramp(cls, start: int, end: int, to: float) -> Schedule:
        """A linear move from the value at step ``start`` to ``to`` at step ``end``."""
        s, e = _whole("start", start), _whole("end", end)
        if e <= s:
            raise ParameterError("end", end, f"must be > start ({s}) for a ramp")
        return cls((Change(s, e, _number("to", to)),))

    def then(self, other: Schedule) -> Schedule:
        """Return this schedule followed by ``other`` (whose changes must come later)."""
        return Schedule(self.changes + other.changes)

    @classmethod
    def from_value(cls, value: Any, field: str = "schedule") -> Schedule:
        """Build from a Schedule, a table or a list of tables (the scenario form).

        A table is ``{at, to}`` (a step) or ``{start, end, to}`` (a ramp).
        """
        if isinstance(value, Schedule):
            return value
        items: Sequence[Any]
        if isinstance(value, Mapping):
            items = [value]
        elif isinstance(value, list | tuple) and value:
            items = value
        else:
            raise ParameterError(field, value, "must be a table {at, to} or {start, end, to}, "
                                 "or a non-empty list of such tables")
        changes: list[Change] = []
        for k, item in enumerate(items):
            where = f"{field}[{k}]" if len(items) > 1 or not isinstance(value, Mapping) else field
            if isinstance(item, Change):
                changes.append(item)
                continue
            if not isinstance(item, Mapping):
                raise ParameterError(where, item, "must be a table {at, to} or {start, end, to}")
            keys = set(item)
            if keys == {"at", "to"}:
                at = _whole(f"{where}.at", item["at"])
                changes.append(Change(at, at, _number(f"{where}.to", item["to"])))
            elif keys == {"start", "end", "to"}:
                s = _whole(f"{where}.start", item["start"])
                e = _whole(f"{where}.end", item["end"])
                if e <= s:
                    raise ParameterError(f"{where}.end", item["end"],
                                         f"must be > start ({s}) for a ramp")
                changes.append(Change(s, e, _number(f"{where}.to", item["to"])))
            else:
                raise ParameterError(where, dict(item), "must have the keys at and to (a step) "
                                     "or start, end and to (a ramp)")
        try:
            return cls(tuple(changes))
        except ParameterError as exc:
            raise ParameterError(exc.field.replace("schedule", field, 1), exc.value,
                                 exc.allowed) from None

    # ------------------------------------------------------------------ use
    def value_at(self, t: int, base: float) -> float:
        """The parameter's value at step ``t`` when its constant value is ``base``."""
        v = base
        for c in self.changes:
            if t < c.start:
                break
            if t >= c.end:
                v = c.to
            else:  # inside a ramp; clipped so rounding never leaves [v, to]
                lo, hi = min(v, c.to), max(v, c.to)
                v = min(max(v + (c.to - v) * (t - c.start) / (c.end - c.start), lo), hi)
                break
        return v

    def targets(self) -> tuple[float, ...]:
        """Every value the schedule moves to (with the base, they bound its path)."""
        return tuple(c.to for c in self.changes)

    def last_change(self) -> int:
        """Step from which the value no longer changes."""
        return self.changes[-1].end

    def to_list(self) -> list[dict[str, Any]]:
        """The scenario form: a list of ``{at, to}`` and ``{start, end, to}`` tables."""
        return [c.to_dict() for c in self.changes]


class Schedules(Mapping[str, Schedule]):
    """An immutable, hashable mapping of parameter name to :class:`Schedule`.

    Built from any mapping whose values are schedules or their scenario form
    (see :meth:`Schedule.from_value`), or from the JSON text of such a table;
    names are checked against :data:`SCHEDULABLE`. Iterates in name order.
    """

    __slots__ = ("_items",)

    def __init__(self, data: Mapping[str, Any] | None = None) -> None:
        items: dict[str, Schedule] = {}
        if isinstance(data, str):
            # the JSON text of the table, as flat tables (a sweep's design.parquet) store it
            try:
                data = json.loads(data)
            except ValueError:
                raise ParameterError("schedules", data, "must be a table of parameter name = "
                                     "schedule (or its JSON text)") from None
        if data is not None:
            if not isinstance(data, Mapping):
                raise ParameterError("schedules", data, "must be a table of parameter name = "
                                     "schedule")
            for name, value in data.items():
                if name not in SCHEDULABLE:
                    raise ParameterError(f"schedules.{name}", value, "cannot follow a schedule; "
                                         "schedulable: " + ", ".join(SCHEDULABLE))
                items[str(name)] = Schedule.from_value(value, f"schedules.{name}")
        self._items: tuple[tuple[str, Schedule], ...] = tuple(sorted(items.items()))

    def __getitem__(self, key: str) -> Schedule:
        for name, sch in self._items:
            if name == key:
                return sch
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return (name for name, _ in self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Schedules):
            return self._items == other._items
        if isinstance(other, Mapping):
            return dict(self._items) == dict(other.items())
        return NotImplemented

    def __repr__(self) -> str:
        return "Schedules(" + repr(dict(self._items)) + ")"

    def to_dict(self) -> dict[str, list[dict[str, Any]]]:
        """The scenario form: ``{name: [{at, to} | {start, end, to}, ...]}``."""
        return {name: sch.to_list() for name, sch in self._items}
