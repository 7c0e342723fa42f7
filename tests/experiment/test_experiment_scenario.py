"""Scenario files: a table of bad scenarios with their messages, a fuzz test, presets."""

from __future__ import annotations

import math
import textwrap

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from herz.errors import ParameterError
from herz.experiment import Scenario, ScenarioError, load_scenario, parse_scenario
from herz.experiment.presets import load_preset, preset_names

BASE = textwrap.dedent("""\
    [experiment]
    name = "t"
    model = "toy"
    seed = 1
    steps = 10
    replicates = 4
    """)


def check(text: str) -> str:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, source="s.toml")
    return str(info.value)


def test_valid_base_scenario() -> None:
    sc = parse_scenario(BASE, source="s.toml")
    assert isinstance(sc, Scenario)
    assert sc.model == "toy" and sc.replicates == 4 and sc.steps == 10
    assert len(sc.points) == 1 and sc.points[0]["distinguishability"] == 0.5
    assert sc.output == "results/t"
    assert sc.chunk_size == 4


BAD = [
    # (id, extra TOML or full replacement, expected message, exact?)
    ("out-of-range", BASE + "[world]\ndistinguishability = 1.7\n",
     "s.toml: world.distinguishability = 1.7: must be between 0 and 1", True),
    ("wrong-type-string", BASE.replace("steps = 10", 'steps = "ten"'),
     's.toml: experiment.steps = "ten": must be an integer', True),
    ("wrong-type-float", BASE.replace("replicates = 4", "replicates = 2.5"),
     "s.toml: experiment.replicates = 2.5: must be an integer", True),
    ("wrong-type-bool", BASE.replace("seed = 1", "seed = true"),
     "s.toml: experiment.seed = true: must be an integer", True),
    ("below-minimum", BASE.replace("steps = 10", "steps = 0"),
     "s.toml: experiment.steps = 0: must be an integer >= 1", True),
    ("negative-seed", BASE.replace("seed = 1", "seed = -1"),
     "s.toml: experiment.seed = -1: must be an integer >= 0", True),
    ("chunk-size", BASE + "chunk_size = 0\n",
     "s.toml: experiment.chunk_size = 0: must be an integer >= 1", True),
    ("unknown-key", BASE.replace("seed = 1", "sead = 1"),
     "s.toml: experiment.sead = 1: unknown key; did you mean 'seed'?", False),
    ("unknown-section", BASE + "[wrold]\nn = 1\n",
     "s.toml: wrold = {n = 1}: unknown key; did you mean 'world'?", True),
    ("unknown-world-key", BASE + "[world]\ndistinguishabilty = 0.5\n",
     "s.toml: world.distinguishabilty = 0.5: unknown key; did you mean 'distinguishability'?",
     True),
    ("missing-section", "[world]\ndistinguishability = 0.5\n",
     "s.toml: experiment: missing section; required", True),
    ("missing-seed", BASE.replace("seed = 1\n", ""),
     "s.toml: experiment.seed: missing; required", True),
    ("malformed-toml", BASE + "steps = = 3\n",
     "s.toml: line 7, column 9: malformed TOML: Invalid value", True),
    ("duplicate-key", BASE + "seed = 2\n", "s.toml: line 7", False),
    ("bad-method", BASE + '[design]\nmethod = "random"\n',
     's.toml: design.method = "random": must be one of "single", "grid", "lhs", "sobol" or "saltelli"',
     True),
    ("sobol-not-power-of-2", BASE + '[design]\nmethod = "sobol"\nsamples = 100\n'
     "[design.factors]\np_greedy = { min = 0.0, max = 0.5 }\n",
     "s.toml: design.samples = 100: must be a power of 2 for sobol (e.g. 64, 128, 256)", True),
    ("grid-range-without-levels", BASE + '[design]\nmethod = "grid"\n'
     "[design.factors]\np_greedy = { min = 0.0, max = 0.5 }\n",
     "s.toml: design.factors.p_greedy.levels: missing; a grid range needs levels", True),
    ("lhs-with-list", BASE + '[design]\nmethod = "lhs"\nsamples = 4\n'
     "[design.factors]\np_greedy = [0.1, 0.2]\n",
     "s.toml: design.factors.p_greedy = [0.1, 0.2]: lhs needs a range", False),
    ("unknown-factor", BASE + '[design]\nmethod = "grid"\n'
     "[design.factors]\np_gredy = [0.1, 0.2]\n",
     "s.toml: design.factors.p_gredy = [0.1, 0.2]: unknown key; did you mean 'p_greedy'?",
     True),
    ("factor-level-out-of-range", BASE + '[design]\nmethod = "grid"\n'
     "[design.factors]\ndistinguishability = [0.5, 1.5]\n",
     "s.toml: design.factors.distinguishability[1] = 1.5: must be between 0 and 1", True),
    ("factor-range-out-of-range", BASE + '[design]\nmethod = "lhs"\nsamples = 4\n'
     "[design.factors]\ndistinguishability = { min = -0.5, max = 1.0 }\n",
     "s.toml: design.factors.distinguishability.min = -0.5: must be between 0 and 1", True),
    ("factor-min-above-max", BASE + '[design]\nmethod = "lhs"\nsamples = 4\n'
     "[design.factors]\np_greedy = { min = 0.5, max = 0.1 }\n",
     "s.toml: design.factors.p_greedy.max = 0.1: must be >= min (0.5)", True),
    ("factor-bad-table-key", BASE + '[design]\nmethod = "lhs"\nsamples = 4\n'
     "[design.factors]\np_greedy = { min = 0.0, mx = 0.1 }\n",
     "did you mean 'max'?", False),
    ("single-with-factors", BASE + "[design.factors]\np_greedy = [0.1, 0.2]\n",
     "s.toml: design.factors = [\"p_greedy\"]: a single-point design takes no factors", False),
    ("mechanism-not-bool", BASE + '[mechanisms]\nwar = "yes"\n',
     's.toml: mechanisms.war = "yes": must be true or false', True),
    ("mechanism-unknown", BASE + "[mechanisms]\nsignaling = true\n",
     "s.toml: mechanisms.signaling = true: unknown key; did you mean 'signalling'?", True),
    ("unknown-model", BASE.replace('model = "toy"', 'model = "wrld"'),
     's.toml: experiment.model = "wrld": must be one of ', False),
    ("unknown-model-hint", BASE.replace('model = "toy"', 'model = "wrld"'),
     "did you mean 'world'?", False),
    ("section-not-table", "world = 3\n" + BASE,
     "s.toml: world = 3: must be a table", True),
    ("bad-name", BASE.replace('name = "t"', 'name = "a/b"'),
     's.toml: experiment.name = "a/b": must use only letters, digits, spaces and _ . -', True),
    ("adaptive-max-below-replicates", BASE + "[design.adaptive]\ntarget_ci_width = 0.1\n"
     "max_replicates = 2\n",
     "s.toml: design.adaptive.max_replicates = 2: must be >= experiment.replicates (4)", True),
    ("adaptive-width", BASE + "[design.adaptive]\ntarget_ci_width = 0\nmax_replicates = 8\n",
     "s.toml: design.adaptive.target_ci_width = 0: must be a number with 0 < value <= 1",
     True),
    ("adaptive-without-escape", BASE.replace('model = "toy"', 'model = "empty"')
     + "[design.adaptive]\ntarget_ci_width = 0.1\nmax_replicates = 8\n",
     "s.toml: design.adaptive: model 'empty' reports no escape outcome", False),
    ("nan", BASE + "[world]\np_greedy = nan\n",
     "s.toml: world.p_greedy = nan: must be a finite number", True),
    ("inf-level", BASE + '[design]\nmethod = "grid"\n[design.factors]\n'
     "p_greedy = [0.1, inf]\n",
     "s.toml: design.factors.p_greedy[1] = inf: must be a finite number", True),
]


@pytest.mark.parametrize(("text", "expected", "exact"), [b[1:] for b in BAD],
                         ids=[b[0] for b in BAD])
def test_bad_scenarios(text: str, expected: str, exact: bool) -> None:
    msg = check(text)
    first = msg.splitlines()[0]
    if exact:
        assert first == expected, msg
    else:
        assert expected in msg, msg


def test_every_problem_is_reported() -> None:
    text = BASE.replace("steps = 10", "steps = -3").replace("seed = 1", "sead = 1")
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, source="s.toml")
    paths = {p.path for p in info.value.problems}
    assert {"experiment.steps", "experiment.sead", "experiment.seed"} <= paths
    assert isinstance(info.value, ParameterError)


def test_world_scenario_validates_against_world_fields() -> None:
    pytest.importorskip("herz.world")
    text = BASE.replace('model = "toy"', 'model = "world"')
    sc = parse_scenario(text + "[world]\nn_states = 3\n", source="w.toml")
    from herz.world import WorldParams

    assert set(sc.params) == set(WorldParams().to_dict()) - {"mechanisms"}
    assert check(text + "[world]\ndistinguishability = 1.7\n").splitlines()[0] == (
        "s.toml: world.distinguishability = 1.7: must be in [0, 1]")
    assert "did you mean 'perception_noise'" in check(text + "[world]\nperception_nois = 1\n")
    assert "mechanisms.signaling" in check(text + "[mechanisms]\nsignaling = true\n")


def test_bad_file_never_touches_results(tmp_path) -> None:
    from herz.experiment import sweep

    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("x")
    bad = tmp_path / "bad.toml"
    bad.write_text(BASE + f'[world]\np_greedy = 2.0\n[output]\ndirectory = "{out}"\n')
    with pytest.raises(ScenarioError, match=r"world\.p_greedy = 2\.0"):
        sweep(bad)
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]
    with pytest.raises(ScenarioError, match="no such file"):
        load_scenario(tmp_path / "nope.toml")


def test_hash_ignores_name_and_output_but_not_parameters() -> None:
    a = parse_scenario(BASE)
    b = parse_scenario(BASE.replace('name = "t"', 'name = "u"') + '[output]\ndirectory = "x"\n')
    c = parse_scenario(BASE + "[world]\np_greedy = 0.3\n")
    assert a.hash == b.hash
    assert a.hash != c.hash


@pytest.mark.parametrize("name", preset_names())
def test_presets_are_valid_and_cited(name: str) -> None:
    sc = load_preset(name)
    text = sc.text
    assert "References" in text or "doi:" in text
    assert text.lstrip().startswith("#")
    assert sc.output == f"results/{name}"
    assert len(sc.points) >= 1


def test_six_presets() -> None:
    assert set(preset_names()) == {
        "offensive-realist", "cold-war", "sino-indian-tibet", "europe-2025",
        "kantian-community", "offense-dominant-multipolar"}


# ------------------------------------------------------------------ fuzz

KEYS = ["experiment", "world", "mechanisms", "design", "output", "name", "model", "seed",
        "steps", "replicates", "chunk_size", "method", "samples", "factors", "adaptive",
        "distinguishability", "p_greedy", "offense_defense_balance", "war", "signalling",
        "min", "max", "levels", "scale", "directory", "target_ci_width", "max_replicates",
        "x", "toy", "grid", "lhs", "sobol"]

scalars = st.one_of(
    st.integers(-5, 2**64), st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
    st.sampled_from(["toy", "grid", "lhs", "sobol", "single", "world", "log", "", "é"]),
    st.text(max_size=5))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(KEYS), inner, max_size=4)),
    max_leaves=12)
documents = st.dictionaries(st.sampled_from(KEYS), values, max_size=6)


def _toml_value(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    assert isinstance(v, dict)
    return "{" + ", ".join(f"{k} = {_toml_value(x)}" for k, x in v.items()) + "}"


def _toml(doc: dict) -> str:
    return "".join(f"{k} = {_toml_value(v)}\n" for k, v in doc.items())


def _outcome(text: str) -> None:
    try:
        sc = parse_scenario(text, source="fuzz.toml")
    except ScenarioError as exc:
        msg = str(exc)
        assert msg.startswith("fuzz.toml"), msg
        assert exc.problems
    else:
        assert isinstance(sc, Scenario)
        assert len(sc.hash) == 64


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_fuzz_random_documents(doc: dict) -> None:
    _outcome(_toml(doc))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=documents, base=st.booleans())
def test_fuzz_near_valid_documents(doc: dict, base: bool) -> None:
    # Start from a valid scenario and add random sections: exercises deeper validation.
    text = (BASE if base else "") + "".join(
        f"[{k}]\n{_toml(v)}" if isinstance(v, dict) and k != "experiment" else ""
        for k, v in doc.items())
    _outcome(text)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=80))
def test_fuzz_random_text(text: str) -> None:
    _outcome(text)


WORLD = BASE.replace('model = "toy"', 'model = "world"')


def test_a_bad_world_value_is_one_line_not_one_per_factor_level() -> None:
    """A mistake in [world] is reported once; valid factor levels are not blamed for it."""
    msg = check(WORLD + "[world]\nn_states = true\n[design]\nmethod = \"grid\"\n"
                "[design.factors]\ndistinguishability = [0.1, 0.5, 0.9]\n")
    assert msg.splitlines() == ["s.toml: world.n_states = true: must be a whole number"]


def test_every_bad_world_key_is_reported_with_the_schemas_words() -> None:
    msg = check(WORLD + "[world]\np_greedy = 2\nculture = \"roman\"\nn_states = 2.5\n")
    assert msg.splitlines() == [
        "s.toml: world.p_greedy = 2: must be in [0, 1]",
        's.toml: world.culture = "roman": must be one of hobbesian, lockean, kantian',
        "s.toml: world.n_states = 2.5: must be a whole number"]


@pytest.mark.parametrize("depth", [2_000, 50_000])
def test_toml_nested_thousands_deep_is_one_clear_line(depth: int) -> None:
    text = WORLD + "[world]\nx = " + "[" * depth + "]" * depth + "\n"
    msg = check(text)
    assert len(msg.splitlines()) == 1 and "nested too deeply" in msg, msg
    doc: dict = {"experiment": {"seed": 1}}
    inner = doc
    for _ in range(depth):
        inner["a"] = {}
        inner = inner["a"]
    with pytest.raises(ScenarioError, match="nested too deeply"):
        Scenario.from_dict(doc)


def test_range_factor_takes_its_range_from_the_schema() -> None:
    sc = parse_scenario(WORLD + "[design]\nmethod = \"grid\"\n[design.factors]\n"
                        "distinguishability = { levels = 3 }\n", source="s.toml")
    assert [p["distinguishability"] for p in sc.points] == [0.0, 0.5, 1.0]
    msg = check(WORLD + "[design]\nmethod = \"grid\"\n[design.factors]\n"
                "signal_cost = { levels = 3 }\n")
    assert msg.splitlines()[0] == ("s.toml: design.factors.signal_cost.max: missing; the "
                                   "schema's range of signal_cost is >= 0, so give max")
    msg = check(WORLD + "[design]\nmethod = \"grid\"\n[design.factors]\n"
                "p_greedy = { min = 0.5, max = 1.5, levels = 3 }\n")
    assert msg.splitlines()[0] == "s.toml: design.factors.p_greedy.max = 1.5: must be in [0, 1]"


def test_saltelli_is_a_design_method() -> None:
    text = (WORLD + "[design]\nmethod = \"saltelli\"\nsamples = 4\n[design.factors]\n"
            "distinguishability = {}\np_greedy = { min = 0.0, max = 0.5 }\n"
            "offense_defense_balance = { min = 0.25, max = 4.0, scale = \"log\" }\n")
    sc = parse_scenario(text, source="s.toml")
    assert len(sc.points) == 4 * (3 + 2)
    d = [p["distinguishability"] for p in sc.points]
    assert len(set(d)) > 4 and all(0.0 <= x <= 1.0 for x in d)
    assert all(0.25 <= p["offense_defense_balance"] <= 4.0 for p in sc.points)
    # blocks of D + 2: A, AB_1..AB_D, B; AB_j takes column j from B and the rest from A
    a, ab1, b = sc.points[0], sc.points[1], sc.points[4]
    assert ab1["distinguishability"] == b["distinguishability"]
    assert ab1["p_greedy"] == a["p_greedy"]
    assert parse_scenario(text, source="again").points == sc.points  # fixed by the seed
    assert "power of 2" in check(text.replace("samples = 4", "samples = 6"))
    assert "needs a range" in check(text.replace("distinguishability = {}",
                                                 "distinguishability = [0.1, 0.2]"))


def test_run_section_and_defaults_are_read_by_the_same_reader() -> None:
    from herz.experiment.scenario import read_scenario

    sc = parse_scenario('[world]\nn_states = 3\n[run]\nworlds = 5\nsteps = 20\nseed = 4\n',
                        source="r.toml", defaults={"seed": 0, "replicates": 100, "steps": 200})
    assert (sc.replicates, sc.steps, sc.seed, sc.model) == (5, 20, 4, "world")
    assert sc.params["n_states"] == 3
    with pytest.raises(ScenarioError) as info:
        parse_scenario("[run]\nworlds = 0\n", source="r.toml", defaults={"seed": 0})
    assert str(info.value) == "r.toml: run.worlds = 0: must be an integer >= 1"
    with pytest.raises(ScenarioError, match=r"also given as experiment\.seed"):
        parse_scenario("[experiment]\nseed = 1\n[run]\nseed = 2\n", source="r.toml")
    with pytest.raises(ScenarioError, match="no such file"):
        read_scenario("/no/such/file.toml")


def test_model_by_import_path() -> None:
    sc = parse_scenario(BASE.replace('model = "toy"', 'model = "herz.experiment.models:TOY"'))
    assert sc.spec.name == "toy" and sc.model_path == "herz.experiment.models:TOY"
    assert parse_scenario(BASE).to_dict()["model_path"] == "herz.experiment.models:TOY"
    assert "cannot import module" in check(BASE.replace('model = "toy"',
                                                        'model = "no_such_pkg.mod:SPEC"'))
    assert "has no attribute" in check(BASE.replace('model = "toy"',
                                                    'model = "herz.experiment.models:NOPE"'))
    assert "did you mean 'toy'" in check(BASE.replace('model = "toy"', 'model = "tyo"'))


def _bad_values(spec):
    """Values of one field that the world must refuse, one per way of being wrong."""
    if spec.kind == "switch":
        return [1, "yes"]
    if spec.kind == "choice":
        return ["no-such-choice"]
    if spec.kind not in ("number", "integer", "per_state"):
        return []
    out: list = [True, "ten"]
    if spec.kind == "per_state":
        out += [["a", 1.0], [True, 1.0]]
    if spec.kind == "integer":
        out.append(2.5)
    if spec.lo is not None:
        out.append(spec.lo if spec.lo_open else spec.lo - 1)
    if spec.hi is not None:
        out.append(spec.hi if spec.hi_open else spec.hi + max(1.0, abs(spec.hi)))
    return out


def test_the_schemas_checks_say_what_the_world_says() -> None:
    """Every field, every way of being wrong: the scenario's schema check and the world's
    own check (WorldParams) refuse the same values with the same words."""
    from herz.world import WorldParams
    from herz.world.schema import world_fields

    checked = 0
    for spec in world_fields():
        if spec.name.startswith("mechanisms."):
            continue
        assert spec.problem(WorldParams().to_dict()[spec.name]) is None, spec.name
        for value in _bad_values(spec):
            said = spec.problem(value)
            assert said is not None, (spec.name, value)
            with pytest.raises(ParameterError) as info:
                WorldParams.from_dict({spec.name: value})
            assert info.value.allowed == said, (spec.name, value, said, info.value.allowed)
            checked += 1
    assert checked > 100
