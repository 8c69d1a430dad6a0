#!/usr/bin/env bash
# The README's second command (and CI's): install what is missing, build everything, run every test,
# then the test suite again built with AddressSanitizer and UndefinedBehaviorSanitizer (build-asan/),
# without the tests labelled validation (docs/reliability.md, "Sanitizers", says why).
#   LBSIM_SANITIZERS=0 scripts/test.sh    skips the sanitizer half (the release build and tests only)
#   LBSIM_TSAN=1 scripts/test.sh          adds the ThreadSanitizer run of the study tests (build-tsan/)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset release >/dev/null
cmake --build build -j"$(nproc)"
ctest --test-dir build --output-on-failure -j"$(nproc)"

if [[ ${LBSIM_SANITIZERS:-1} != 0 ]]; then
  # The sanitizer build: no GUI (Qt's own code is not what is under test) and the same tests but the
  # validation label (long runs against queueing theory: under ASan, 71% of the tests' time), every
  # UBSan finding fatal. Open MPI keeps memory until exit on purpose: tests/sanitizers/lsan.supp names
  # its libraries, nothing else.
  started=$SECONDS
  cmake --preset asan -DLBSIM_BUILD_GUI=OFF >/dev/null
  cmake --build build-asan -j"$(nproc)"
  (
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    export LSAN_OPTIONS=suppressions=$PWD/tests/sanitizers/lsan.supp:print_suppressions=0
    ctest --test-dir build-asan --output-on-failure -j"$(nproc)" -LE validation
  )
  echo "sanitizers: ASan+UBSan build and tests took $((SECONDS - started)) s"
fi

if [[ ${LBSIM_TSAN:-0} == 1 ]]; then
  # ThreadSanitizer on the code that runs on worker threads: the study runner (--jobs) and two
  # simulations at once (docs/reliability.md, "ThreadSanitizer").
  started=$SECONDS
  cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLBSIM_BUILD_GUI=OFF \
    -DCMAKE_CXX_FLAGS="-fsanitize=thread -fno-omit-frame-pointer" -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread >/dev/null
  cmake --build build-tsan -j"$(nproc)" --target scenario_tests golden_tests lbsim
  export TSAN_OPTIONS=halt_on_error=1
  build-tsan/tests/scenario_tests "[study]"
  build-tsan/tests/golden_tests "two runs on two threads at once match a run alone"
  echo "sanitizers: ThreadSanitizer build and study tests took $((SECONDS - started)) s"
fi
