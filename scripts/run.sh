#!/usr/bin/env bash
# Set up and start the service on :8000 (embedded backend; demo list unless LISTS is set).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
exec .venv/bin/python -m ai_service "$@"
