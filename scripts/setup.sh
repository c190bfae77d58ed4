#!/usr/bin/env bash
# Installs everything the demo and the tests need on a fresh Debian 12 machine that has Node 20
# and npm: the Debian packages in scripts/apt-packages.txt (when missing), pnpm, and the
# workspace's npm dependencies. Safe to run again; it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# --npm-only: skip the Debian packages (the demo needs none of them).
npm_only=false
[ "${1:-}" = "--npm-only" ] && npm_only=true

mapfile -t wanted < <(grep -v '^\s*#' scripts/apt-packages.txt | awk 'NF {print $1}')
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ "$npm_only" = false ] && [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

want_pnpm=$(node -p "require('./package.json').packageManager.split('@')[1]")
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "$want_pnpm" ]; then
  echo "setup: installing pnpm@$want_pnpm"
  npm install -g --silent "pnpm@$want_pnpm"
fi

pnpm install --frozen-lockfile
