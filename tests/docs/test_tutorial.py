"""The tutorial runs top to bottom, Python and shell steps in order, as a reader would.

Python blocks run in one namespace; each line of a ``bash`` block runs in a shell, in
the same fresh folder, with this environment's ``herz`` first on PATH. The install
lines of step 1 are the one exception: this environment is already installed, so they
are checked to be present and left out (listed in INSTALL_LINES).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"
BLOCK = re.compile(r"^```(python|bash)[^\n]*\n(.*?)^```", re.S | re.M)
#: The lines that set up an environment (this test runs in one already set up).
INSTALL_LINES = (
    "python -m venv .venv && source .venv/bin/activate",
    "pip install -e .                # in a clone of the repository",
)


def steps() -> list[tuple[str, str]]:
    text = (DOCS / "tutorial.md").read_text(encoding="utf-8")
    return [(m.group(1), m.group(2)) for m in BLOCK.finditer(text)]


def test_the_tutorial_runs_top_to_bottom(tmp_path, monkeypatch) -> None:
    import matplotlib

    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)
    bin_dir = Path(sys.executable).parent
    src = Path(__file__).resolve().parents[2] / "src"
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
           "PYTHONPATH": f"{src}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
           "COLUMNS": "100", "MPLBACKEND": "Agg"}
    namespace: dict = {"__name__": "__tutorial__"}
    seen_install = set()
    shell_lines = 0
    for i, (kind, code) in enumerate(steps(), 1):
        if kind == "python":
            try:
                exec(compile(code, f"tutorial.md[block {i}]", "exec"), namespace)
            except Exception as exc:
                raise AssertionError(f"tutorial python block {i} failed: {exc!r}\n{code}") from exc
            continue
        for line in code.splitlines():
            if not line.strip():
                continue
            if line.rstrip() in INSTALL_LINES:
                seen_install.add(line.rstrip())
                continue
            proc = subprocess.run(["bash", "-c", line], cwd=tmp_path, env=env, capture_output=True,
                                  text=True, timeout=600)
            assert proc.returncode == 0, f"tutorial shell step failed: {line}\n{proc.stderr[-2000:]}"
            shell_lines += 1
    assert seen_install == set(INSTALL_LINES)
    assert shell_lines >= 7
    # what the tutorial wrote and later used
    for name in ("my-escape-map.toml", "my-escape-map.png"):
        assert (tmp_path / name).is_file(), name
    for folder in ("my-escape-map", "my-escape-map-shell"):
        assert (tmp_path / "results" / folder / "manifest.json").is_file(), folder
    from herz.plot import plt

    plt.close("all")


def test_every_file_the_shell_steps_read_is_written_before() -> None:
    written = set()
    for kind, code in steps():
        if kind == "python":
            written |= set(re.findall(r'Path\("([^"]+)"\)\.write_text', code))
            written |= set(re.findall(r'savefig\("([^"]+)"\)', code))
        else:
            for name in re.findall(r"\b([\w.-]+\.toml)\b", code):
                assert name in written, f"the tutorial uses {name} before writing it"
