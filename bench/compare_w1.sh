#!/usr/bin/env bash
# Compares `lbsim run` on W1 with the hand-optimised baseline of ../shared/bench, alternating the
# two commands in one session and quoting the median ratio of whole-process wall times. The scenario
# is W1 as a user writes it: no metrics section (the automatic interval), the printed summary and
# the result files, as `lbsim run FILE --out DIR` gives them.
# With TUNED=1 the scenario sets `metrics: {interval: 100 s}` and the run is quiet (-q): the form
# older builds, without the automatic interval, need for a fair comparison.
# usage: [TUNED=1] bench/compare_w1.sh [rounds=7] [requests=2000000] [lbsim=build/cli/lbsim]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-7}
requests=${2:-2000000}
lbsim=${3:-build/cli/lbsim}
shared=$(cd .. && pwd)/shared/bench
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

g++ -std=c++17 -O3 -march=native -o "$work/baseline_w1" "$shared/baseline_w1.cpp"
[[ -x $lbsim ]] || { cmake --preset release >/dev/null && cmake --build build --target lbsim; }

wall() {  # prints the wall seconds of one run of "$@"
  local start end
  start=$(date +%s.%N); "$@" >/dev/null; end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.6f\n", b - a }'
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

for policy in rr lc; do
  algorithm=round_robin; [[ $policy == lc ]] && algorithm=least_connections
  cat > "$work/w1.yaml" <<YAML
name: w1-$policy
seed: 1
stop: { requests: $requests }
clients:
  - name: load
    arrivals: { process: poisson, rate: 14.4/s }
    mix:
      - { method: GET, path: /, work: { distribution: exponential, mean: 1 s } }
balancer: { algorithm: $algorithm }
servers:
  - { name: s, count: 16, cores: 1 }
YAML
  quiet=()
  if [[ ${TUNED:-0} == 1 ]]; then echo "metrics: { interval: 100 s }" >> "$work/w1.yaml"; quiet=(-q); fi
  : > "$work/ratios"; : > "$work/base"; : > "$work/ours"
  for ((i = 0; i < rounds; i++)); do
    b=$(wall "$work/baseline_w1" "$policy" "$requests")
    o=$(wall "$lbsim" run "$work/w1.yaml" --out "$work/out" "${quiet[@]}")
    echo "$b" >> "$work/base"; echo "$o" >> "$work/ours"
    awk -v o="$o" -v b="$b" 'BEGIN { printf "%.6f\n", o / b }' >> "$work/ratios"
  done
  printf '%s: baseline median %.3f s, lbsim run median %.3f s, median ratio %.2f (%d alternating rounds, %d requests)\n' \
    "$policy" "$(median < "$work/base")" "$(median < "$work/ours")" "$(median < "$work/ratios")" "$rounds" "$requests"
done
