#!/usr/bin/env bash
# clang-tidy's chosen checks (.clang-tidy, which says why each) on the product
# code: every source file of harness/ and plugins/, as the system build
# compiles it. Exit 1 on any finding. About 15 minutes on 2 cores (each file
# that includes LibTorch is slow to parse), so not part of .ci/run.
#   bash ci/tidy.sh [FILE-REGEX]     e.g. bash ci/tidy.sh 'harness/src/record/'
set -euo pipefail
cd "$(dirname "$0")/.."
filter="${1:-(harness|plugins)/.*\.cpp$}"
if ! command -v run-clang-tidy > /dev/null; then
  echo "tidy: clang-tidy is missing: apt-get install clang-tidy (ci/setup.sh --tests installs it)" >&2
  exit 2
fi
cmake -S . -B build-tidy -DCMAKE_BUILD_TYPE=Release -DGCBENCH_BUILD_TESTS=OFF -DCMAKE_EXPORT_COMPILE_COMMANDS=ON > /dev/null
# The generated header the record module includes.
cmake --build build-tidy --target gcbench_build_info > /dev/null
run-clang-tidy -quiet -p build-tidy -j "$(nproc)" "$filter"
