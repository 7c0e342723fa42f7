#!/usr/bin/env bash
# herz's test suite: set up (or refresh) .venv-test with the test extras, then run pytest.
# Usage: bash scripts/test.sh [extra pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
"$PYTHON" -m venv .venv-test
PIP=(.venv-test/bin/python -m pip install --quiet)
.venv-test/bin/python -m pip install --quiet --upgrade pip
"${PIP[@]}" -e ".[test]"
.venv-test/bin/python -m pytest -q "$@"
