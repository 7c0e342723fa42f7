#!/usr/bin/env bash
# Regenerate constraints.txt, the pinned environment that scripts/test.sh, scripts/main.sh and
# CI install from (pip install -c constraints.txt ...). It resolves herz's core dependencies, all
# extras and the CPU torch pin (axelrod imports torch) for Python 3.11 on every platform
# (--universal: Linux, macOS and Windows markers in one file).
# The pins already in constraints.txt are kept where they still resolve, so running this
# again gives the same file; after changing pyproject.toml it pins only what is new.
# Usage: bash scripts/lock.sh                  keep existing pins
#        bash scripts/lock.sh --upgrade        move every pin to the newest release
#        bash scripts/lock.sh --upgrade-package numpy   move one
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
UV_VERSION=0.13.9
if ! command -v uv >/dev/null 2>&1 || [ "$(uv --version | cut -d' ' -f2)" != "$UV_VERSION" ]; then
  venv="${TMPDIR:-/tmp}/herz-uv-$UV_VERSION"
  [ -x "$venv/bin/uv" ] || { "$PYTHON" -m venv "$venv" && "$venv/bin/python" -m pip install --quiet "uv==$UV_VERSION"; }
  PATH="$venv/bin:$PATH"
fi
echo "torch==2.13.0" | uv pip compile pyproject.toml - --all-extras --universal \
  --python-version 3.11.7 --custom-compile-command "bash scripts/lock.sh" \
  -o constraints.txt "$@"
