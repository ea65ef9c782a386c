#!/usr/bin/env bash
# Builds the harness, every plugin and the tests with AddressSanitizer and
# UndefinedBehaviorSanitizer (-DGCBENCH_SANITIZE=ON, in build-asan/) and runs the
# whole test suite under them. Any report fails the run.
#
# Suppressed, and why: LeakSanitizer (detect_leaks=0), because Debian's LibTorch
# is not instrumented and keeps registries and thread pools allocated until the
# process exits, which LSan reports as leaks that are not ours; nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/setup.sh --tests
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGCBENCH_SANITIZE=ON -DGCBENCH_BUILD_TESTS=ON
cmake --build build-asan -j "$(nproc)"
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
cd build-asan
ctest --output-on-failure -j "$(nproc)" --timeout 1800
