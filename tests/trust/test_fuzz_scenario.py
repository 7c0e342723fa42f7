"""Hostile scenario files: every case loads, or fails with a ScenarioError naming file and field.

tests/experiment/test_experiment_scenario.py fuzzes flat random documents and random text;
this file adds what a hostile or careless user can hand over: raw bytes on disk, TOML-ish
token soup, and real scenarios (every preset and a world and a toy scenario) with values,
types and keys mutated at random paths, including TOML's dates and times, huge and
non-finite numbers and deep nesting. A scenario that loads must say exactly what the file
said (no value silently changed, dropped or defaulted over).

Generated cases (fixed, derandomized, so CI runs the same ones every time):
``test_fuzz_bytes_on_disk`` 300, ``test_fuzz_toml_token_soup`` 300,
``test_fuzz_mutated_real_scenarios`` 600 (about one in ten of them loads, and is then checked
value by value against the file).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import tempfile
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from herz.experiment import Scenario, ScenarioError, load_scenario, parse_scenario
from herz.experiment.presets import preset_names, preset_path
from tests.trust.time_limit import time_limit

HANG_SECONDS = 30
WORLD = """
[experiment]
name = "w"
model = "world"
seed = 3
steps = 10
replicates = 2
[world]
n_states = 3
distinguishability = 0.25
[mechanisms]
signalling = true
[design]
method = "lhs"
samples = 4
[design.factors]
offense_defense_balance = { min = 0.5, max = 2.0, scale = "log" }
p_greedy = { min = 0.0, max = 0.5 }
[design.adaptive]
target_ci_width = 0.2
max_replicates = 8
batch = 2
[output]
directory = "results/w"
"""
TOY = """
[experiment]
name = "t"
model = "toy"
seed = 1
replicates = 3
[world]
sleep = 0.0
[design]
method = "grid"
[design.factors]
p_greedy = [0.1, 0.2]
distinguishability = { min = 0.0, max = 1.0, levels = 3 }
"""
SOURCES = {"world.toml": WORLD, "toy.toml": TOY,
           **{f"preset:{n}": preset_path(n).read_text(encoding="utf-8") for n in preset_names()}}
BASES = {name: tomllib.loads(text) for name, text in SOURCES.items()}

def outcome(text: str | None = None, path: Path | None = None, source: str = "fuzz.toml") -> Scenario | None:
    """Load; return the scenario, or None after checking the error is clean and says where."""
    try:
        with time_limit(HANG_SECONDS):
            sc = load_scenario(path) if path is not None else parse_scenario(text or "", source=source)
    except ScenarioError as exc:
        where = str(path) if path is not None else source
        lines = str(exc).splitlines()
        assert exc.problems and len(lines) >= len(exc.problems)
        # every problem names the file, and a field or a position in it (or the whole file)
        for p in exc.problems:
            rendered = p.render(where)
            assert rendered.startswith(where), rendered
            assert rendered in str(exc)
        return None
    assert isinstance(sc, Scenario) and len(sc.hash) == 64
    return sc


# ----------------------------------------------------------------------------- raw input


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="herz-fuzz-scenario-") as d:
        yield Path(d)


@settings(max_examples=300, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.one_of(
    st.binary(max_size=200),
    st.sampled_from(list(SOURCES.values())).flatmap(
        lambda t: st.tuples(st.just(t.encode()), st.integers(0, len(t)), st.binary(min_size=1, max_size=8)))
    .map(lambda x: x[0][:x[1]] + x[2] + x[0][x[1]:]),  # real scenarios with bytes spliced in
))
def test_fuzz_bytes_on_disk(data: bytes, scratch: Path) -> None:
    path = scratch / "scenario.toml"
    path.write_bytes(data)
    sc = outcome(path=path)
    if sc is not None:
        assert sc.text == data.decode("utf-8")


TOKENS = ["[experiment]", "[world]", "[design]", "[design.factors]", "[design.adaptive]", "[output]",
          "[mechanisms]", "[[experiment]]", "[experiment.seed]", "name", "seed", "model", "steps",
          "replicates", "chunk_size", "method", "samples", "factors", "p_greedy", "n_states", "=", "= ",
          "\n", "\n", "\n", " ", '"', "'", '"""', "[", "]", "{", "}", ",", ".", "#", "0", "1", "-1", "1e999",
          "nan", "inf", "true", "false", '"world"', '"toy"', '"grid"', '"lhs"', '"sobol"', "1979-05-27",
          "07:32:00", "1979-05-27T07:32:00Z", "0x10", "1_000", "\\u0000", "é", "\t", "\r\n", "min", "max",
          "levels", "= [", "= {", "9223372036854775808", "99999999999999999999"]


@settings(max_examples=300, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=3)), max_size=60).map("".join))
def test_fuzz_toml_token_soup(text: str) -> None:
    outcome(text)


# ----------------------------------------------------------------------------- mutated scenarios

scalars = st.one_of(
    st.integers(-3, 12), st.integers(-(2**70), 2**70), st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(), st.text(max_size=6),
    st.sampled_from(["world", "toy", "grid", "lhs", "sobol", "single", "log", "linear", "hobbesian",
                     "kantian", "simultaneous", "", "1", "0.5", "true"]),
    st.dates(), st.times(), st.datetimes(timezones=st.sampled_from([None, dt.UTC])),
)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(["min", "max", "levels", "scale", "x", "seed"]),
                                                 inner, max_size=4)), max_leaves=10)


def _paths(doc: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = [prefix] if prefix else []
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += _paths(v, (*prefix, k))
    return out


def _like(v: Any) -> st.SearchStrategy[Any]:
    if isinstance(v, bool):
        return st.booleans()
    if isinstance(v, int):
        return st.integers(0, 12)
    if isinstance(v, float):
        return st.one_of(st.floats(0, 1), st.floats(0.1, 5))
    if isinstance(v, str):
        return st.sampled_from(["grid", "lhs", "sobol", "single", "log", "linear", "hobbesian", "lockean",
                                "kantian", "world", "toy", "x", "results/elsewhere"])
    if isinstance(v, list):
        return st.lists(st.floats(0, 1), min_size=1, max_size=3)
    return values


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    name = draw(st.sampled_from(sorted(BASES)))
    doc = json.loads(json.dumps(BASES[name]))  # a deep copy (the bases hold no dates)
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(doc)
        path = draw(st.sampled_from(paths))
        parent: Any = doc
        for key in path[:-1]:
            parent = parent[key]
        how = draw(st.sampled_from(["plausible", "plausible", "plausible", "value", "value", "delete", "add",
                                    "rename"]))
        if how == "plausible":  # a value of the same type: often still valid, so loading is checked too
            parent[path[-1]] = draw(_like(parent[path[-1]]))
        elif how == "value":
            parent[path[-1]] = draw(values)
        elif how == "delete":
            del parent[path[-1]]
        elif how == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["seed", "stpes", "n_states", "bogus", "factors", "max", "x y"]))] = \
                draw(values)
        elif how == "rename":
            parent[path[-1] + draw(st.sampled_from(["s", "_", "X"]))] = parent.pop(path[-1])
    return name, doc


BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(k: str) -> str:
    return k if BARE.match(k) else json.dumps(k)


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf") if math.isinf(v) else repr(v)
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, dt.datetime | dt.date | dt.time):
        return v.isoformat().replace("+00:00", "Z")
    if isinstance(v, list):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    return "{" + ", ".join(f"{_key(k)} = {_value(x)}" for k, x in v.items()) + "}"


def to_toml(doc: dict[str, Any], prefix: str = "") -> str:
    """TOML text for a nested dict: scalars first, then one [table] per sub-dict."""
    lines = [f"{_key(k)} = {_value(v)}" for k, v in doc.items() if not isinstance(v, dict)]
    text = "\n".join(lines) + ("\n" if lines else "")
    for k, v in doc.items():
        if isinstance(v, dict):
            name = f"{prefix}.{_key(k)}" if prefix else _key(k)
            text += f"\n[{name}]\n" + to_toml(v, name)
    return text


def test_the_serializer_round_trips_every_base() -> None:
    for name, doc in BASES.items():
        assert tomllib.loads(to_toml(doc)) == doc, name
        assert outcome(to_toml(doc), source=name) is not None, name


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b


def check_faithful(sc: Scenario, doc: dict[str, Any]) -> None:
    """A scenario that loads says what the file said: nothing changed, dropped or defaulted over."""
    ex = doc["experiment"]
    for key in ("name", "description", "model", "seed", "steps", "replicates", "chunk_size"):
        if key in ex:
            assert _same(getattr(sc, key), ex[key]), (key, getattr(sc, key), ex[key])
    for key, value in doc.get("world", {}).items():
        got = sc.params[key]
        if isinstance(value, list | dict):  # arrays and tables: the model may convert them
            continue
        assert got == value or (isinstance(value, int) and not isinstance(value, bool) and got == float(value)), \
            (key, got, value)
    for key, value in doc.get("mechanisms", {}).items():
        assert sc.mechanisms[key] is value
    design = doc.get("design", {})
    assert sc.method == design.get("method", "single")
    assert {f.name for f in sc.factors} == set(design.get("factors", {}))
    if "directory" in doc.get("output", {}):
        assert sc.output == doc["output"]["directory"]
    # the validated scenario is stable: the same document gives the same hash
    assert Scenario.from_dict(sc.document, source="again").hash == sc.hash


@settings(max_examples=600, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_fuzz_mutated_real_scenarios(case: tuple[str, dict[str, Any]]) -> None:
    name, doc = case
    text = to_toml(doc)
    try:
        parsed = tomllib.loads(text)
    except tomllib.TOMLDecodeError:  # e.g. a key mutated into something TOML cannot hold
        assert outcome(text, source=name) is None
        return
    sc = outcome(text, source=name)
    if sc is not None:
        check_faithful(sc, parsed)


def test_a_wrong_value_is_named_with_its_file_and_field() -> None:
    doc = json.loads(json.dumps(BASES["world.toml"]))
    doc["experiment"]["seed"] = 2**70
    with pytest.raises(ScenarioError) as err:
        parse_scenario(to_toml(doc), source="w.toml")
    assert str(err.value) == "w.toml: experiment.seed = 1180591620717411303424: must be an integer <= 2**63 - 1" \
        .replace("2**63 - 1", str(2**63 - 1))
    doc["experiment"]["seed"] = 3
    doc["world"]["distinguishability"] = dt.date(2020, 1, 1)
    with pytest.raises(ScenarioError) as err:
        parse_scenario(to_toml(doc), source="w.toml")
    assert str(err.value).startswith("w.toml: world.distinguishability = datetime.date(2020, 1, 1): ")
