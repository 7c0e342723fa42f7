#!/usr/bin/env bash
# herz's test suite: set up (or refresh) .venv-test with the test extras, then run pytest.
# Usage: bash scripts/test.sh [extra pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
# The report and explorer tests drive the real, system Chromium (never a downloaded
# browser): Debian's chromium and chromium-driver, installed here when missing (needs
# root or sudo; on other systems install Chromium so that /usr/bin/chromium exists).
if [ ! -x /usr/bin/chromium ] || ! command -v chromedriver >/dev/null 2>&1; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: the browser tests need Chromium at /usr/bin/chromium and chromedriver;" \
         "install them with your system's package manager" >&2
    exit 1
  fi
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  echo "test.sh: installing Debian's chromium and chromium-driver"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
fi
PYTHON="${PYTHON:-python3}"
"$PYTHON" -m venv .venv-test
# Every version comes from constraints.txt (the pinned environment; scripts/lock.sh makes it).
PIP=(.venv-test/bin/python -m pip install --quiet -c constraints.txt)
.venv-test/bin/python -m pip install --quiet --upgrade pip
# axelrod (the cross-check anchor) imports torch: take the CPU wheel first, pinned, so
# pip never pulls a multi-GB CUDA build to satisfy it.
"${PIP[@]}" "torch==2.13.0"
"${PIP[@]}" -e ".[test]"
# One pytest worker per core (pytest-xdist; `-n logical`: every core the OS shows, hyperthreads too,
# where `-n auto` would count physical cores only and may give one worker). Whole files go to
# one worker (--dist loadfile), so a module's fixtures (the explorer server, the browser, the
# tiny escape map) are built once. Extra arguments come last: `bash scripts/test.sh -n 0` runs
# the suite in this process alone.
.venv-test/bin/python -m pytest -q -n logical --dist loadfile "$@"
