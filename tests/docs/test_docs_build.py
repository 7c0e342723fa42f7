"""The documentation site builds with MkDocs in strict mode: any warning fails."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_mkdocs_build_strict(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site"),
         "--config-file", str(ROOT / "mkdocs.yml")],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert "WARNING" not in proc.stderr, proc.stderr[-4000:]
    site = tmp_path / "site"
    for page in ("index.html", "tutorial/index.html", "explorer/index.html",
                 "reference/world/index.html", "reproducibility/index.html"):
        assert (site / page).is_file(), page
    ref = (site / "reference" / "world" / "index.html").read_text(encoding="utf-8")
    assert "simulate" in ref and "WorldParams" in ref
    for image in ("explorer-overview.png", "explorer-escape-map.png", "explorer-sliders.png",
                  "explorer-step-through.png"):
        assert (site / "images" / image).is_file(), image
    # equations are typeset (MathJax through pymdownx.arithmatex), not ASCII code blocks
    for page in ("classic-models", "arms-offense-defense", "perception-beliefs"):
        html = (site / "background" / page / "index.html").read_text(encoding="utf-8")
        assert 'class="arithmatex"' in html, page
    assert (site / "javascripts" / "mathjax.js").is_file()


def test_background_pages_have_no_ascii_equations():
    for page in sorted((ROOT / "docs" / "background").glob("*.md")):
        assert "```text" not in page.read_text(encoding="utf-8"), page.name


def test_screenshots_are_in_the_repository():
    for image in ("explorer-overview.png", "explorer-escape-map.png", "explorer-sliders.png",
                  "explorer-step-through.png"):
        path = ROOT / "docs" / "images" / image
        assert path.is_file() and path.stat().st_size > 10_000, path
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
