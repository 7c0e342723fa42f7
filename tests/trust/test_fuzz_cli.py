"""Fuzz the command line: every argv ends in exit status 0, 1 or 2, never a traceback or a hang.

The commands and their options are read from the real command tree, so a new command is
fuzzed as soon as it is registered. Cheap commands get random values for random options;
commands that run long (sweeps, the escape map, the explorer's server, reports) get only
inputs that must fail: a scenario or results directory that is missing, garbage or
damaged, and random options after it. ``herz.cli.main`` runs in this process.

Generated cases (fixed, derandomized, so CI runs the same ones every time):
``test_fuzz_cheap_commands`` 250, ``test_fuzz_long_commands_with_bad_input`` 120,
``test_fuzz_raw_argv`` 100.
"""

from __future__ import annotations

import contextlib
import enum
import io
import json
import os
import signal
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from herz.cli import app, main
from tests.trust.time_limit import Hang, time_limit

#: Commands that may run for minutes on valid input, or serve forever: fuzzed with bad input.
LONG = {("sweep",), ("resume",), ("run",), ("escape",), ("dyads",), ("calibrate",), ("replay",),
        ("verify",), ("query",), ("report", "escape"), ("report", "richardson"),
        ("models", "richardson", "fit"), ("models", "jervis", "map"), ("models", "ipd", "tournament"),
        ("models", "ipd", "moran"), ("explore",)}
HANG_SECONDS = 60


def _commands() -> dict[tuple[str, ...], Any]:
    out: dict[tuple[str, ...], Any] = {}

    def walk(cmd: Any, path: tuple[str, ...]) -> None:
        if hasattr(cmd, "commands"):
            for name, sub in cmd.commands.items():
                walk(sub, (*path, name))
        else:
            out[path] = cmd

    walk(typer.main.get_command(app), ())
    return out


COMMANDS = _commands()
CHEAP = sorted(p for p in COMMANDS if p not in LONG)
LONG_HERE = sorted(p for p in COMMANDS if p in LONG)

no_nul = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
INTS = ["0", "1", "-1", "2", "3", "7", "-5", "100", "1000000", "99999999999999999999", "1.5", "x"]
FLOATS = ["0", "0.5", "1", "-0.5", "2", "-1", "nan", "inf", "-inf", "1e308", "-1e308", "1e-320", "-0", "abc"]
WORDS = ["", " ", "abc", "é", "3,0,5,1", "1,2", "1,2,3,4,5,6,7,8", "a,b", ",,", "nan,nan,nan,nan",
         "inf,0,5,1", "tft", "alld", "allc", "grudger", "tft,alld", "all", "nmc", "sipri", "log",
         "level", "usa-ussr", "cow_nmc", "grh_arms_races", "sipri_milex", "cold-war", "world",
         "deadlock", "harmony", "offense-dominant", "-", "--", "[1, 2]", "{}", "1e308", "0.1",
         "/nonexistent/x", "."]


def _values(annotation: Any) -> st.SearchStrategy[str]:
    text = st.text(alphabet=no_nul, max_size=8)
    if annotation is bool:
        return st.sampled_from(["true", "false", "1", "x"])
    if annotation is int:
        return st.one_of(st.sampled_from(INTS), st.integers(-10, 10).map(str))
    if annotation is float:
        return st.one_of(st.sampled_from(FLOATS), st.floats(-1e6, 1e6).map(repr))
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return st.one_of(st.sampled_from([str(m.value) for m in annotation]), text)
    return st.one_of(st.sampled_from(WORDS), text)


def _option_tokens(param: Any) -> st.SearchStrategy[list[str]]:
    name = st.sampled_from(list(param.opts))
    if getattr(param, "is_flag", False):
        return name.map(lambda n: [n])
    annotation = getattr(param.type_descriptor, "annotation", str)
    return st.tuples(name, _values(annotation)).map(list)


@st.composite
def argvs(draw: st.DrawFn, paths: list[tuple[str, ...]]) -> list[str]:
    path = draw(st.sampled_from(paths))
    cmd = COMMANDS[path]
    argv = list(path)
    options = [p for p in cmd.params if p.param_type_name == "option"]
    arguments = [p for p in cmd.params if p.param_type_name == "argument"]
    for arg in arguments:
        if draw(st.integers(0, 9)):  # usually give each positional
            argv.append(draw(_values(getattr(arg.type_descriptor, "annotation", str))))
    for param in options:  # required options: usually given, so the command's own code runs
        if param.required and draw(st.integers(0, 9)):
            argv += draw(_option_tokens(param))
    if options:
        for param in draw(st.lists(st.sampled_from(options), max_size=5)):
            argv += draw(_option_tokens(param))
    argv += draw(st.lists(st.sampled_from(["--help", "--json", "--no-such-option", "extra", "-x", "--"]),
                          max_size=1))
    return argv

def run_cli(argv: list[str], entry: Any = None) -> tuple[int, str, str]:
    """Run ``herz ARGV`` in this process (``entry``: herz.cli.main); return (status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code: Any = 0
    stdin = sys.stdin
    sys.stdin = io.StringIO("")
    try:
        with time_limit(HANG_SECONDS), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            (entry or main)(argv)
    except SystemExit as exc:
        code = exc.code if exc.code is not None else 0
    except Hang:
        pytest.fail(f"herz {' '.join(argv)!r} hung (no result after {HANG_SECONDS} s)")
    except BaseException as exc:
        raise AssertionError(f"herz {argv!r} crashed: {type(exc).__name__}: {exc}\nstderr: "
                             f"{err.getvalue()[-2000:]}") from exc
    finally:
        sys.stdin = stdin
    return int(code) if isinstance(code, int) else 1, out.getvalue(), err.getvalue()


def check(argv: list[str]) -> None:
    code, out, err = run_cli(argv)
    assert code in (0, 1, 2), (argv, code, err)
    assert "Traceback (most recent call last)" not in out + err, (argv, err)
    if code == 2:  # an input error: one line on stderr that says what is wrong
        lines = [ln for ln in err.strip().splitlines() if ln.strip() and "warning" not in ln]
        assert len(lines) >= 1 and lines[-1].startswith("herz"), (argv, err)


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    """A scratch working directory for files the commands write (and the garbage they read)."""
    old = Path.cwd()
    with tempfile.TemporaryDirectory(prefix="herz-fuzz-cli-") as d:
        os.chdir(d)
        try:
            yield Path(d)
        finally:
            os.chdir(old)


def test_the_command_tree_is_covered() -> None:
    assert len(CHEAP) >= 20 and len(LONG_HERE) >= 10
    assert ("info",) in CHEAP and ("sweep",) in LONG_HERE and ("explore",) in LONG_HERE


@settings(max_examples=250, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(argv=argvs(CHEAP))
def test_fuzz_cheap_commands(argv: list[str], workdir: Path) -> None:
    check(argv)


# --------------------------------------------------------------------- long commands, bad input


def _garbage_inputs(root: Path) -> list[str]:
    """Scenario files and results directories that must be refused (made once)."""
    root.mkdir(exist_ok=True)
    items: list[Path] = []
    for name, data in {"bytes.toml": bytes(range(256)), "empty.toml": b"",
                       "python.toml": b"import os\nos.system('echo ran')\n",
                       "half.toml": b"[experiment]\nseed = 1\nbogus = [1, 2\n",
                       "unknown.toml": b"[experiment]\nseed = 1\nno_such_key = 1\n",
                       "bad-values.toml": b"[experiment]\nseed = -1\nsteps = 0\n[design]\nmethod = 'x'\n",
                       }.items():
        (root / name).write_bytes(data)
        items.append(root / name)
    for name, manifest in {"empty-dir": None, "bad-json": b"{not json", "wrong-format": b'{"format": 1}',
                           "list-json": b"[1, 2, 3]", "binary": bytes(range(200)),
                           "half-manifest": b'{"format": "herz-sweep/1", "chunks": {"x": 1}}'}.items():
        d = root / name
        d.mkdir(exist_ok=True)
        if manifest is not None:
            (d / "manifest.json").write_bytes(manifest)
        items.append(d)
    items += [root / "missing", root / "bytes.toml" / "below-a-file"]
    return [str(p) for p in items]


#: For the long commands without a positional input: arguments they must refuse before any work.
REFUSED: dict[tuple[str, ...], list[list[str]]] = {
    ("escape",): [["--no-such-option"], ["--workers", "0"], ["--workers", "x"], ["--size", "-3"],
                  ["--size", "enormous"], ["--progress", "x"]],
    ("dyads",): [["--no-such-option"], ["--scope", "none"], ["--transform", "cube"], ["--alpha", "x"],
                 ["--out", "garbage/bytes.toml/sub"], ["--out", "garbage/bytes.toml"]],
    ("report", "richardson"): [["--no-such-option"], ["extra"], ["--json", "1"]],
}


def _refused(options: list[Any]) -> list[list[str]]:
    """An unknown option, or a number option given a word: refused before any work."""
    out = [["--no-such-option"]]
    for p in options:
        if getattr(p.type_descriptor, "annotation", None) in (int, float) and not getattr(p, "is_flag", False):
            out.append([p.opts[0], "not-a-number"])
    return out


@st.composite
def bad_long_argvs(draw: st.DrawFn, garbage: list[str]) -> list[str]:
    path = draw(st.sampled_from(LONG_HERE))
    cmd = COMMANDS[path]
    argv = list(path)
    arguments = [p for p in cmd.params if p.param_type_name == "argument"]
    options = [p for p in cmd.params if p.param_type_name == "option"]
    if path == ("explore",):
        argv.append("--dry-run")  # never start the server
    elif not arguments:  # escape, dyads, ...: a value they must refuse, and only that
        return argv + draw(st.sampled_from(REFUSED.get(path) or _refused(options)))
    else:
        # (herz run takes an empty file as "every default": it is not bad input there)
        argv.append(draw(st.sampled_from([g for g in garbage
                                          if not (path == ("run",) and g.endswith("empty.toml"))])))
        for arg in arguments[1:]:
            argv.append(draw(_values(getattr(arg.type_descriptor, "annotation", str))))
    if options:
        for param in draw(st.lists(st.sampled_from(options), max_size=3)):
            if param.opts[0] in ("--dry-run", "--help", "--open"):
                continue
            argv += draw(_option_tokens(param))
    return argv


@pytest.fixture(scope="module")
def garbage(workdir: Path) -> list[str]:
    return _garbage_inputs(workdir / "garbage")


@settings(max_examples=120, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzz_long_commands_with_bad_input(data: st.DataObject, garbage: list[str]) -> None:
    argv = data.draw(bad_long_argvs(garbage))
    code, out, err = run_cli(argv)
    if argv[0] == "explore":
        assert code in (0, 2), (argv, code, err)
        return
    # bad input never runs: it is refused with status 2 (or 1 where a command reports failure)
    assert code in (1, 2), (argv, code, out, err)
    assert "Traceback" not in out + err


@settings(max_examples=100, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(argv=st.lists(st.one_of(st.sampled_from([p[0] for p in CHEAP] + ["models", "data", "world", "--version",
                                                                        "--help", "-h", "--json"]),
                               st.text(alphabet=no_nul, max_size=6)), max_size=4))
def test_fuzz_raw_argv(argv: list[str], workdir: Path) -> None:
    if argv and argv[0] in {p[0] for p in LONG_HERE} - {p[0] for p in CHEAP}:
        argv = ["--no-such-option", *argv]
    check(argv)


def test_the_harness_sees_crashes_and_hangs() -> None:
    def crash(argv: list[str]) -> None:
        raise RuntimeError("boom")

    def hang(argv: list[str]) -> None:
        signal.alarm(1)  # shorten the limit for this check
        while True:
            pass

    with pytest.raises(AssertionError, match="crashed: RuntimeError: boom"):
        run_cli(["info"], entry=crash)
    if hasattr(signal, "SIGALRM"):  # POSIX (CI): the alarm turns a hang into a failure
        with pytest.raises(pytest.fail.Exception, match="hung"):
            run_cli(["info"], entry=hang)
    code, out, _ = run_cli(["info", "--json"])
    assert code == 0 and json.loads(out)["versions"]["herz"]
