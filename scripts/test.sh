#!/usr/bin/env bash
# Set up and run the whole test suite. pytest's exit code 5 (no tests collected) fails too.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
