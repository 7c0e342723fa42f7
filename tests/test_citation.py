"""The licence and citation files agree with the package; every dataset has BibTeX."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from typer.testing import CliRunner

import herz
from herz.cli import app
from herz.data import DATASETS

ROOT = Path(__file__).resolve().parents[1]


def test_licence_file_matches_pyproject() -> None:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert meta["license"] == "BSD-3-Clause"
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("BSD 3-Clause License")


def test_citation_cff_names_this_version_and_licence() -> None:
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert re.search(rf'^version: "{re.escape(herz.__version__)}"$', text, re.M)
    assert re.search(r"^license: BSD-3-Clause$", text, re.M)
    assert re.search(r"^cff-version: 1\.2\.0$", text, re.M)


def test_every_dataset_cites_as_bibtex() -> None:
    runner = CliRunner()
    for name in DATASETS:
        res = runner.invoke(app, ["data", "cite", name, "--bibtex"])
        assert res.exit_code == 0, res.output
        entries = re.findall(r"^@(\w+)\{(\w+),", res.output, re.M)
        assert entries, name
        assert res.output.count("{") == res.output.count("}"), name
        assert all(kind in {"article", "book", "incollection", "misc"} for kind, _ in entries)
    out = runner.invoke(app, ["data", "cite", "sipri_milex", "--bibtex"]).output
    assert "sipri.org/databases/milex" in out
