#!/usr/bin/env bash
# Set up, check the content, build the site and serve it on http://127.0.0.1:8000/
# (Chinese at /, English at /en/). Edits to lessons/, parents/, training/, docs/ and data/ rebuild it.
#   SCHOOL=path/to/school.yml bash scripts/serve.sh    # a school's edition (see examples/schools/)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-packages.sh build
bash scripts/setup.sh
export NO_MKDOCS_2_WARNING=1
if [ -n "${SCHOOL:-}" ]; then
  if [ ! -f "$SCHOOL" ]; then
    echo "error: SCHOOL=$SCHOOL: no such file — give the path of the school's profile (see examples/schools/)" >&2
    exit 2
  fi
  SCHOOL="$(cd "$(dirname "$SCHOOL")" && pwd)/$(basename "$SCHOOL")"
  export SCHOOL
  echo "school edition: $SCHOOL" >&2
fi
.venv/bin/python scripts/check.py
exec .venv/bin/mkdocs serve --dev-addr "${ADDR:-127.0.0.1:8000}" ${SCHOOL:+--watch "$SCHOOL"}
