#!/usr/bin/env bash
# The README's first command: install what is missing, build lbsim, run the default scenario.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset release >/dev/null
cmake --build build --target lbsim -j"$(nproc)"
echo
./build/cli/lbsim run examples/web-api.yaml --out results/web-api
