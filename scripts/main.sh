#!/usr/bin/env bash
# herz's main job: set up (or refresh) .venv, install herz, run it.
# Usage: bash scripts/main.sh [extra arguments for the main command]
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
"$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
# Every version comes from constraints.txt (the pinned environment; scripts/lock.sh makes it).
# [discovery]: PRIM boxes (prim, GPL-3.0, an optional extra of BSD-licensed herz).
.venv/bin/python -m pip install --quiet -c constraints.txt -e ".[discovery]"
.venv/bin/herz escape --out herz-output "$@"
