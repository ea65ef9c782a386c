#!/usr/bin/env bash
# Installs what is missing, builds gcbench and its tests, and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/setup.sh --tests
jobs=$(nproc)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DGCBENCH_BUILD_TESTS=ON
cmake --build build -j "$jobs"
cd build
ctest --output-on-failure -j "$jobs"
