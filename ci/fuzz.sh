#!/usr/bin/env bash
# Fuzzes every reader of untrusted input (suite files with includes and --set,
# IDX, CIFAR binaries, mini-ImageNet CSVs, results folders) with libFuzzer,
# under AddressSanitizer and UndefinedBehaviorSanitizer, for a fixed time each.
# A crash is saved in tests/fuzz/regressions/<target>/ (commit it once fixed:
# gcbench_tests replays every file there); the script then exits 1.
#   bash ci/fuzz.sh                  60 s per target
#   FUZZ_SECONDS=600 bash ci/fuzz.sh [target ...]
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/setup.sh --fuzz
seconds=${FUZZ_SECONDS:-60}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(suite_reader idx_reader cifar_reader mini_imagenet_csv records_reader)

CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGCBENCH_FUZZ=ON -DGCBENCH_BUILD_TESTS=OFF
cmake --build build-fuzz -j "$(nproc)" --target "${targets[@]/#/fuzz_}"

# LibTorch is not instrumented and keeps its own allocations for the process's life.
export ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
status=0
summary=""
for target in "${targets[@]}"; do
  mkdir -p "build-fuzz/corpus/$target" "tests/fuzz/regressions/$target"
  start=$(date +%s)
  if ./build-fuzz/"fuzz_$target" "build-fuzz/corpus/$target" "tests/fuzz/corpus/$target" \
      -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=20 -print_final_stats=1 \
      -artifact_prefix="tests/fuzz/regressions/$target/" 2> "build-fuzz/$target.log"; then
    verdict="no crash"
  else
    verdict="CRASH: see build-fuzz/$target.log and tests/fuzz/regressions/$target/"
    status=1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "build-fuzz/$target.log" | tail -1)
  summary+="$(printf '%-18s %4d s  %9s inputs  %s' "$target" "$(( $(date +%s) - start ))" "${runs:-?}" "$verdict")"$'\n'
done
printf '\n%s' "$summary"
exit $status
