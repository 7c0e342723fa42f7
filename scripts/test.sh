#!/usr/bin/env bash
# herz's test suite: set up (or refresh) .venv-test with the test extras, then run pytest.
# Usage: bash scripts/test.sh [extra pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
"$PYTHON" -m venv .venv-test
# Every version comes from constraints.txt (the pinned environment; scripts/lock.sh makes it).
PIP=(.venv-test/bin/python -m pip install --quiet -c constraints.txt)
.venv-test/bin/python -m pip install --quiet --upgrade pip
# axelrod (the cross-check anchor) imports torch: take the CPU wheel first, pinned, so
# pip never pulls a multi-GB CUDA build to satisfy it.
"${PIP[@]}" "torch==2.13.0"
"${PIP[@]}" -e ".[test]"
.venv-test/bin/python -m pytest -q "$@"
