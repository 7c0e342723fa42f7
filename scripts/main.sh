#!/usr/bin/env bash
# herz's main job: set up (or refresh) .venv, install herz, run it.
# Usage: bash scripts/main.sh [extra arguments for the main command]
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
"$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
.venv/bin/herz escape --out herz-output "$@"
