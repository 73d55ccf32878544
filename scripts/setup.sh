#!/usr/bin/env bash
# Create .venv and install the pinned requirements (only when they changed).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] < (3, 11))'; then
  echo "Python 3.11 or newer is required (found: $("$PYTHON" --version 2>&1)); set PYTHON=..." >&2
  exit 1
fi
stamp=.venv/.requirements.sha256
want=$(sha256sum current_requirements.txt | cut -d' ' -f1)
if [ ! -x .venv/bin/python ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  "$PYTHON" -m venv .venv
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r current_requirements.txt
  echo "$want" > "$stamp"
fi
