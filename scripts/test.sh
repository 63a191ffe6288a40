#!/usr/bin/env bash
# Set up and run the whole test suite: the checker's rules, the generators, the strict builds of
# both languages and the offline build, linkchecker, and the browser tests (Debian's Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-packages.sh test      # Chromium, CJK fonts, npm: installed as root, or named and stop
bash scripts/setup.sh
export NO_MKDOCS_2_WARNING=1
exec .venv/bin/python -m pytest "$@"
