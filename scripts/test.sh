#!/usr/bin/env bash
# The README's second command (and CI's): install what is missing, build everything, run every test.
#   LBSIM_SANITIZERS=1 scripts/test.sh    then the same test suite built with AddressSanitizer and
#                                         UndefinedBehaviorSanitizer (build-asan/); not yet part of CI:
#                                         it has not been run to the end and timed (docs/reliability.md)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset release >/dev/null
cmake --build build -j"$(nproc)"
ctest --test-dir build --output-on-failure -j"$(nproc)"

if [[ ${LBSIM_SANITIZERS:-0} != 1 ]]; then exit 0; fi
# The sanitizer build: no GUI (Qt's own code is not what is under test) and the same tests. Open MPI
# keeps memory until exit on purpose: tests/sanitizers/lsan.supp names its libraries, nothing else.
started=$SECONDS
cmake --preset asan -DLBSIM_BUILD_GUI=OFF >/dev/null
cmake --build build-asan -j"$(nproc)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$PWD/tests/sanitizers/lsan.supp:print_suppressions=0
ctest --test-dir build-asan --output-on-failure -j"$(nproc)"
echo "sanitizers: ASan+UBSan build and tests took $((SECONDS - started)) s"
