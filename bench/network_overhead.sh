#!/usr/bin/env bash
# What the network costs in speed: runs the quickstart example as written and without its
# `network` section (same seed, same traffic) and prints events per second and requests per wall
# second of each, and their ratios. The issue's target: with a network at least 1/3 of the events
# per second without one.
# usage: bench/network_overhead.sh [duration=30min] [scenario=examples/quickstart.yaml]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-30min}
scenario=${2:-examples/quickstart.yaml}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[[ -x build/cli/lbsim ]] || { cmake --preset release >/dev/null && cmake --build build --target lbsim; }

# The same file less its top-level `network:` block (up to the next top-level key).
awk '/^[A-Za-z_]+:/ { skip = ($1 == "network:") } !skip' "$scenario" > "$work/no-network.yaml"
cp "$scenario" "$work/network.yaml"

field() { grep -o "\"$2\": *[0-9.e+]*" "$1" | head -1 | sed 's/.*: *//'; }
for variant in network no-network; do
  build/cli/lbsim run "$work/$variant.yaml" --set "duration=$duration" --out "$work/out-$variant" -q
  summary="$work/out-$variant/summary.json"
  events=$(field "$summary" events); wall=$(field "$summary" seconds); done_=$(field "$summary" completed)
  awk -v v="$variant" -v e="$events" -v w="$wall" -v c="$done_" \
    'BEGIN { printf "%-11s %12d events %9.3f s wall %12.0f events/s %12.0f requests/s\n", v, e, w, e / w, c / w }'
  echo "$events $wall $done_" > "$work/$variant.figures"
done
read -r ne nw nc < "$work/network.figures"
read -r oe ow oc < "$work/no-network.figures"
awk -v ne="$ne" -v nw="$nw" -v nc="$nc" -v oe="$oe" -v ow="$ow" -v oc="$oc" 'BEGIN {
  printf "with / without a network: events per second %.2f (target >= 0.33), requests per second %.2f, events per request %.1f vs %.1f\n",
         (ne / nw) / (oe / ow), (nc / nw) / (oc / ow), ne / nc, oe / oc }'
