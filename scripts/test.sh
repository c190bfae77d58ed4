#!/usr/bin/env bash
# The whole test suite (README Quick start command 2): install what is missing, then lint and
# format check, type check and build, and every test over real sockets.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== lint + format"
pnpm exec biome ci .
echo "== typecheck + build"
pnpm exec tsc -b
pnpm exec tsc -p conformance/tsconfig.json
pnpm exec tsc -p bench/tsconfig.json
pnpm exec tsc -p examples/tsconfig.json
echo "== wasm module reproducible (rebuild, compare with the committed bytes)"
bash scripts/build-wasm.sh --check
echo "== API docs (TypeDoc; fails on undocumented exports and broken links)"
pnpm run docs
echo "== tests"
pnpm exec vitest run
echo "== browser bundles"
pnpm exec rollup -c --silent
echo "== browser tests (Debian Chromium via Playwright)"
pnpm exec playwright test
