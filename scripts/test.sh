#!/usr/bin/env bash
# Set up everything the tests need from the project's own files, then run the whole suite.
# Extra arguments go to pytest (e.g. `bash scripts/test.sh tests/expert_pool -x`; `-n 0`: no parallel workers).
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'

# Browser tests drive Debian's chromium (Playwright's own browser download is not used), with a CJK font so
# that the pages' Chinese renders in screenshots instead of empty boxes.
if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  else
    echo "note: chromium or fonts-noto-cjk not installed; browser tests will be skipped or show no Chinese" \
         "(apt-get install chromium fonts-noto-cjk)" >&2
  fi
fi

# In parallel, one worker per core (pytest-xdist; tests/conftest.py gives each worker its own databases and
# adds up the PostgreSQL runs). `-n 0` among the arguments runs in one process, e.g. to debug with --pdb.
exec .venv/bin/python -m pytest -n auto "$@"
