#!/usr/bin/env bash
# Set up, check the content, build the site and serve it on http://127.0.0.1:8000/
# (Chinese at /, English at /en/). Edits to lessons/, parents/, training/, docs/ and data/ rebuild it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-packages.sh build
bash scripts/setup.sh
export NO_MKDOCS_2_WARNING=1
.venv/bin/python scripts/check.py
exec .venv/bin/mkdocs serve --dev-addr "${ADDR:-127.0.0.1:8000}"
