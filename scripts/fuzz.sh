#!/usr/bin/env bash
# Long fuzzing runs (docs/reliability.md, "Fuzzing"): builds the libFuzzer harnesses of tests/fuzz
# with clang, ASan and UBSan in build-fuzz/, seeds a corpus with every YAML and CSV file of the
# repository, and runs each harness with the YAML dictionary.
#
#   scripts/fuzz.sh [RUNS] [HARNESS...]     RUNS per harness (default 10000000); HARNESS: scenario,
#                                           study, trace (default all three)
#   FUZZ_SECONDS=600 scripts/fuzz.sh        stop each harness after that long instead
#
# A crash leaves its input in build-fuzz/findings/NAME/: fix it, then copy the input into
# tests/fuzz/crashes/NAME/ so that the fuzz_replay_NAME CTest replays it on every CI run.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang++ >/dev/null || { echo "fuzz: clang++ is not installed (apt-get install clang libclang-rt-14-dev)" >&2; exit 1; }

runs=${1:-10000000}
shift || true
harnesses=("$@")
((${#harnesses[@]})) || harnesses=(scenario study trace)

cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DLBSIM_SANITIZE=ON -DLBSIM_FUZZ=ON -DLBSIM_BUILD_GUI=OFF >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target "${harnesses[@]/#/fuzz_}"

for name in "${harnesses[@]}"; do
  corpus=build-fuzz/corpus/$name
  findings=build-fuzz/findings/$name
  mkdir -p "$corpus" "$findings"
  # The seeds: every YAML (and trace CSV) of the repository, the kept corpus, every past crash.
  find examples tests/data tests/mpi -type f \( -name '*.yaml' -o -name '*.csv' \) -exec cp -n {} "$corpus"/ \;
  cp -n tests/fuzz/corpus/"$name"/* tests/fuzz/crashes/"$name"/* "$corpus"/ 2>/dev/null || true
  limit=(-runs="$runs")
  [[ -n ${FUZZ_SECONDS:-} ]] && limit=(-max_total_time="$FUZZ_SECONDS")
  echo "fuzz: $name (${limit[*]})"
  # The longest input: room to splice two of the largest seeds (6.7 KB) and past every limit a
  # small input can reach (100 levels of nesting, the 4096-byte trace line); longer inputs only
  # make each execution slower (docs/reliability.md, "Fuzzing").
  max_len=16384
  [[ $name == trace ]] && max_len=8192
  ASAN_OPTIONS=detect_leaks=0 build-fuzz/tests/fuzz/fuzz_"$name" "$corpus" -dict=tests/fuzz/yaml.dict \
    -max_len="$max_len" -timeout=10 -rss_limit_mb=4096 -artifact_prefix="$findings"/ -print_final_stats=1 \
    "${limit[@]}" 2>&1 | tee build-fuzz/fuzz-"$name".log | grep -E '^(#[0-9]+ +(DONE|pulse)|stat::|==|SUMMARY)' || true
done
