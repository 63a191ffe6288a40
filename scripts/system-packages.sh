#!/usr/bin/env bash
# The system packages a part of the project needs, installed when missing.
#
#   bash scripts/system-packages.sh build   # python3-venv: to make .venv
#   bash scripts/system-packages.sh test    # and Chromium, CJK fonts and npm for the browser tests
#
# As root on a Debian/Ubuntu machine it installs what is missing with apt-get. Otherwise it stops
# before anything runs, with one message naming the packages and the command to install them.
set -euo pipefail
want="${1:-build}"
need=()
python3 -c "import venv, ensurepip" 2>/dev/null || need+=(python3-venv)
if [ "$want" = test ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
  command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
fi
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing system packages: ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
  exit 0
fi
echo "error: missing system packages: ${need[*]} — install them first, as root: apt-get install -y ${need[*]}" >&2
exit 2
