"""The pinned environment: constraints.txt pins everything, and this environment matches it.

constraints.txt (made by scripts/lock.sh) is what scripts/test.sh, scripts/main.sh and CI
install from. If pyproject gains a dependency the lock does not pin, or the installed
versions drift from the pins, these tests fail.
"""

from __future__ import annotations

import json
import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)\s*(?:;\s*(.+))?$")
#: Core dependencies that shape no number (the command line's plumbing and its output).
NOT_SCIENTIFIC = {"typer", "rich", "filelock", "jinja2"}  # plumbing, output and report templates


def pins() -> dict[str, list[tuple[str, Requirement | None]]]:
    """constraints.txt as name -> [(version, marker requirement or None)]."""
    out: dict[str, list[tuple[str, Requirement | None]]] = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = PIN.match(line.strip())
        assert m, f"constraints.txt: not a pin: {line!r}"
        name, version, marker = m.groups()
        out.setdefault(canonicalize_name(name), []).append(
            (version, Requirement(f"{name}=={version}; {marker}") if marker else None))
    return out


def pin_here(name: str, table: dict[str, list[tuple[str, Requirement | None]]]) -> str | None:
    """The version pinned for ``name`` on this platform and Python, or None."""
    env = default_environment()
    for version, req in table.get(canonicalize_name(name), []):
        if req is None or req.marker is None or req.marker.evaluate(env):
            return version
    return None


def declared() -> list[Requirement]:
    """Every requirement pyproject declares: core and every extra."""
    reqs = [Requirement(r) for r in PYPROJECT["project"]["dependencies"]]
    for extra in PYPROJECT["project"]["optional-dependencies"].values():
        reqs += [Requirement(r) for r in extra]
    return reqs


def test_every_declared_requirement_is_pinned_within_its_range() -> None:
    table = pins()
    reqs = declared()
    assert len(reqs) >= 30
    for req in reqs:
        version = pin_here(req.name, table)
        assert version is not None, f"{req.name} is required by pyproject but not pinned in constraints.txt"
        assert Version(version) in req.specifier, f"{req.name}=={version} does not satisfy {req}"


def test_torch_is_pinned_to_the_cpu_release_the_scripts_install() -> None:
    assert pin_here("torch", pins()) == "2.13.0"
    assert '"torch==2.13.0"' in (ROOT / "scripts" / "test.sh").read_text()
    assert 'torch==2.13.0' in (ROOT / "scripts" / "lock.sh").read_text()


@pytest.mark.parametrize("script", ["test.sh", "main.sh"])
def test_scripts_install_from_the_lock(script: str) -> None:
    text = (ROOT / "scripts" / script).read_text()
    installs = [ln for ln in text.splitlines() if "pip install" in ln and "--upgrade pip" not in ln
                and not ln.lstrip().startswith("#")]
    assert installs
    for line in installs:
        assert "-c constraints.txt" in line or '"${PIP[@]}"' in line, line
    if script == "test.sh":
        assert re.search(r"PIP=\(.*-c constraints\.txt\)", text)


def _closure() -> dict[str, str]:
    """Installed distributions that herz (with every extra installed here) depends on."""
    env = default_environment()
    seen: dict[str, str] = {}
    todo: list[tuple[str, frozenset[str]]] = [("herz", frozenset(PYPROJECT["project"]["optional-dependencies"]))]
    while todo:
        name, extras = todo.pop()
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # an extra that is not installed here
        key = canonicalize_name(name)
        if key != "herz":
            seen[key] = dist.version
        for raw in dist.requires or []:
            req = Requirement(raw)
            if req.marker is not None and not any(req.marker.evaluate({**env, "extra": e})
                                                  for e in (*extras, "")):
                continue
            sub = canonicalize_name(req.name)
            new = frozenset(req.extras)
            if sub not in seen or new:
                todo.append((sub, new))
    return seen


def test_installed_versions_equal_the_pins() -> None:
    table = pins()
    installed = _closure()
    # the core and the test extra at least (this is the test environment)
    assert {"numpy", "scipy", "pandas", "pyarrow", "pytest", "hypothesis", "distributed"} <= set(installed)
    drift = []
    for name, version in sorted(installed.items()):
        pinned = pin_here(name, table)
        if pinned is None:
            drift.append(f"{name} {version}: not pinned")
        elif Version(version) not in SpecifierSet(f"=={pinned}"):  # torch 2.13.0+cpu is ==2.13.0
            drift.append(f"{name} {version}: pinned {pinned}")
    assert not drift, ("installed versions differ from constraints.txt (reinstall with "
                       "pip install -c constraints.txt, or regenerate it with bash scripts/lock.sh): "
                       + "; ".join(drift))


def test_manifest_versions_cover_the_scientific_dependencies() -> None:
    from herz.experiment.store import versions

    vers = versions()
    core = {canonicalize_name(Requirement(r).name) for r in PYPROJECT["project"]["dependencies"]}
    recorded = {canonicalize_name(k) for k in vers}
    assert core - NOT_SCIENTIFIC <= recorded, core - NOT_SCIENTIFIC - recorded
    for name, version in vers.items():
        if name not in ("herz", "python"):
            assert version == metadata.version(name)


def test_herz_info_prints_the_manifest_versions() -> None:
    from typer.testing import CliRunner

    from herz.cli import app
    from herz.experiment.store import versions

    runner = CliRunner()
    res = runner.invoke(app, ["info", "--json"])
    assert res.exit_code == 0, res.output
    info = json.loads(res.stdout)
    assert info["versions"] == versions()
    assert info["platform"]["system"] and info["platform"]["machine"]
    res = runner.invoke(app, ["info"])
    assert res.exit_code == 0, res.output
    vers = versions()
    assert f"herz {vers.pop('herz')}" in res.stdout and f"Python {vers.pop('python')}" in res.stdout
    for name, version in vers.items():
        assert f"{name} {version}" in res.stdout, name
