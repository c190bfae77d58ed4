#!/usr/bin/env bash
# README Quick start command 1: install what is missing, then run the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --npm-only
node --conditions=wampkit-source --import tsx examples/wamp/demo.ts
