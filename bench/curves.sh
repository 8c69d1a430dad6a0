#!/usr/bin/env bash
# Curves, not points (docs/benchmarks.md): wall time, CPU time and peak memory against the number
# of requests, of servers and (lbsim alone) of network links, for `lbsim run` and, on the same W1
# model, for the hand-optimised baseline, SimGrid and SimPy programs of ../shared/bench. Every
# point is one whole process measured by /usr/bin/time under `nice -n 19`. A point gets a cap of
# CPU seconds (ulimit -t: on a shared machine wall time depends on the others' load, CPU time much
# less), and once a simulator's previous point predicts more than the cap, or more memory than
# MEM_CAP_MIB, its larger points are skipped and marked so in the CSV.
# Writes OUT/curves.csv, OUT/curves.md (the tables) and OUT/*.png (gnuplot).
# usage: bench/curves.sh [out=bench-curves] [cap_cpu_s=25]
# env: LBSIM (build/cli/lbsim), SERIES ("requests servers links"), SIMULATORS ("lbsim baseline simgrid simpy"),
#      POLICIES ("rr lc"), SLOW_POLICIES ("rr": SimGrid's and SimPy's), MEM_CAP_MIB (4096),
#      REQUESTS_SIZES, SERVERS_SIZES, LINKS_SERVERS (the sizes), SWEEP_REQUESTS (200,000: requests of the
#      servers and links sweeps)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bench-curves}
cap=${2:-25}
lbsim=${LBSIM:-build/cli/lbsim}
series=${SERIES:-requests servers links}
simulators=${SIMULATORS:-lbsim baseline simgrid simpy}
policies=${POLICIES:-rr lc}
slow_policies=${SLOW_POLICIES:-rr}
mem_cap=${MEM_CAP_MIB:-4096}
shared=$(cd .. && pwd)/shared/bench
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The comparison's own tools, from Debian, installed here and only here (not a dependency of lbsim).
missing=()
/usr/bin/python3 -c 'import SimPy' 2>/dev/null || missing+=(python3-simpy)
pkg-config --exists simgrid 2>/dev/null || missing+=(libsimgrid-dev pkg-config)
command -v gnuplot >/dev/null || missing+=(gnuplot-nox)
if ((${#missing[@]})); then
  echo "installing ${missing[*]}" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

g++ -std=c++17 -O3 -march=native -o "$work/baseline_w1" "$shared/baseline_w1.cpp"
# shellcheck disable=SC2046  # pkg-config's flags are words
g++ -std=c++17 -O2 -o "$work/simgrid_w1" "$shared/simgrid_w1.cpp" $(pkg-config --cflags --libs simgrid)
[[ -x $lbsim ]] || { cmake --preset release >/dev/null && cmake --build build --target lbsim; }

# W1 as a user writes it (no metrics section), as bench/compare_w1.sh runs it; with LINKS=1 a
# network: one link from the clients to the balancer and one per server, so K + 1 links.
w1_yaml() {  # policy requests servers links(0|1)
  local algorithm=round_robin rate sizes=""
  [[ $1 == lc ]] && algorithm=least_connections
  [[ $4 == 1 ]] && sizes=", request_size: 1 KB, response_size: 10 KB"
  rate=$(awk -v k="$3" 'BEGIN { printf "%g", 0.9 * k }')
  cat <<YAML
name: w1-$1
seed: 1
stop: { requests: $2 }
clients:
  - name: load
    arrivals: { process: poisson, rate: $rate/s }
    mix:
      - { method: GET, path: /, work: { distribution: exponential, mean: 1 s }$sizes }
balancer: { name: lb, algorithm: $algorithm }
servers:
  - { name: s, count: $3, cores: 1 }
YAML
  if [[ $4 == 1 ]]; then
    cat <<YAML
network:
  links:
    - { between: [clients, lb], bandwidth: 100 Gbps, latency: 5 ms }
    - { between: [lb, servers], bandwidth: 10 Gbps, latency: 0.2 ms }
YAML
  fi
}

csv=$out/curves.csv
echo "series,simulator,policy,requests,servers,links,status,wall_s,cpu_s,peak_mib,events" > "$csv"

# Runs one point, appends its CSV row and prints its wall seconds (or "skip").
point() {  # series simulator policy requests servers links(0|1)
  local s=$1 sim=$2 policy=$3 n=$4 k=$5 net=$6 links=0 cmd events=""
  [[ $net == 1 ]] && links=$((k + 1))
  case $sim in
    lbsim) w1_yaml "$policy" "$n" "$k" "$net" > "$work/w1.yaml"; cmd=("$lbsim" run "$work/w1.yaml" --out "$work/run" --force) ;;
    baseline) cmd=("$work/baseline_w1" "$policy" "$n" "$k") ;;
    simgrid) cmd=("$work/simgrid_w1" "$policy" "$n" "$k" --log=root.thres:critical) ;;
    simpy) cmd=(/usr/bin/python3 "$shared/simpy_w1.py" "$policy" "$n" "$k") ;;
  esac
  rm -rf "$work/run"
  local status=ok
  # The CPU cap, and a generous wall cap in case the machine is starved.
  # shellcheck disable=SC2016  # the inner shell expands them
  nice -n 19 /usr/bin/time -f '%e %U %S %M' -o "$work/time" timeout $((cap * 40)) \
    bash -c 'ulimit -t "$0" && exec "$@"' "$cap" "${cmd[@]}" > "$work/stdout" 2>"$work/stderr" || status=failed
  if grep -q 'status 124\|signal 24\|signal 9' "$work/time"; then status=timeout; fi
  read -r wall user sys rss < <(tail -1 "$work/time")
  if [[ $sim == lbsim && -f $work/run/summary.json ]]; then
    events=$(grep -o '"events": *[0-9]*' "$work/run/summary.json" | head -1 | sed 's/.*: *//')
  else
    events=$(grep -o 'events=[0-9]*' "$work/stdout" | head -1 | sed 's/events=//')
  fi
  [[ $status == failed ]] && sed 's/^/  /' "$work/stderr" | tail -3 >&2
  awk -v s="$s" -v sim="$sim" -v p="$policy" -v n="$n" -v k="$k" -v l="$links" -v st="$status" -v w="$wall" \
      -v u="$user" -v y="$sys" -v m="$rss" -v e="$events" \
    'BEGIN { printf "%s,%s,%s,%d,%d,%d,%s,%.3f,%.3f,%.1f,%s\n", s, sim, p, n, k, l, st, w, u + y, m / 1024, e }' >> "$csv"
  echo "$s $sim $policy requests=$n servers=$k links=$links: $status, wall ${wall} s, cpu $(awk -v u="$user" -v y="$sys" 'BEGIN{print u+y}') s, peak $((rss / 1024)) MiB" >&2
  if [[ $status == ok ]]; then awk -v u="$user" -v y="$sys" -v m="$rss" 'BEGIN { print u + y, m / 1024 }'; else echo "skip"; fi
}

skip_row() {  # series simulator policy requests servers links reason
  echo "$1,$2,$3,$4,$5,$6,$7,,,," >> "$csv"
  echo "$1 $2 $3 requests=$4 servers=$5: $7" >&2
}

# A sweep of one simulator over sizes. Past the cap the rest is skipped: the CPU time is
# predicted from the previous point by the ratio of requests (a requests sweep), the cap on memory
# by the ratio of the swept size; a servers sweep (fixed requests) is stopped by its first timeout.
sweep() {  # series simulator policy kind(requests|servers) net sizes...
  local s=$1 sim=$2 policy=$3 kind=$4 net=$5; shift 5
  local previous="" prev_size=0 size n k result reason=""
  for size in "$@"; do
    if [[ $kind == requests ]]; then n=$size; k=16; else n=${SWEEP_REQUESTS:-200000}; k=$size; fi
    local links=0; [[ $net == 1 ]] && links=$((k + 1))
    if [[ -n $reason ]]; then skip_row "$s" "$sim" "$policy" "$n" "$k" "$links" "$reason"; continue; fi
    if [[ -n $previous ]]; then
      read -r pw pm <<< "$previous"  # CPU seconds, MiB
      reason=$(awk -v w="$pw" -v m="$pm" -v r="$(awk -v a="$size" -v b="$prev_size" 'BEGIN{print a/b}')" -v cap="$cap" \
                   -v mc="$mem_cap" -v by_requests="$([[ $kind == requests ]] && echo 1 || echo 0)" \
        'BEGIN { if (by_requests && w * r > cap) printf "skipped: predicted %.0f CPU s > cap %d s", w * r, cap;
                 else if (m * r > mc) printf "skipped: predicted %.0f MiB > %d MiB", m * r, mc }')
      if [[ -n $reason ]]; then skip_row "$s" "$sim" "$policy" "$n" "$k" "$links" "$reason"; continue; fi
    fi
    result=$(point "$s" "$sim" "$policy" "$n" "$k" "$net")
    if [[ $result == skip ]]; then reason="skipped: a smaller point did not finish in the cap"; continue; fi
    previous=$result; prev_size=$size
  done
}

requests_sizes=${REQUESTS_SIZES:-100000 1000000 10000000 100000000}
servers_sizes=${SERVERS_SIZES:-16 100 1000 10000 100000}
links_servers=${LINKS_SERVERS:-16 100 1000 10000}
# Round robin first for every series, so that a run cut short still has one whole set of curves.
for policy in $policies; do
  for s in $series; do
    for sim in $simulators; do
      # The slow simulators cost minutes a curve: only the policies of SLOW_POLICIES (rr) for them.
      [[ ($sim == simgrid || $sim == simpy) && " $slow_policies " != *" $policy "* ]] && continue
      # shellcheck disable=SC2086  # the sizes are words
      case $s in
        requests) sweep requests "$sim" "$policy" requests 0 $requests_sizes ;;
        servers) sweep servers "$sim" "$policy" servers 0 $servers_sizes ;;
        links) if [[ $sim == lbsim ]]; then sweep links lbsim "$policy" servers 1 $links_servers; fi ;;
      esac
    done
  done
done

/usr/bin/python3 bench/curves_report.py "$csv" "$out"
