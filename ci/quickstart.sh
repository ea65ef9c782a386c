#!/usr/bin/env bash
# Installs what is missing, builds gcbench, runs the quick-start suite on
# Fashion-MNIST, prints the results table and writes the report (report.md and
# report.html beside the records). Extra arguments go to `gcbench run`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j "$(nproc)" --target gcbench gcbench_architecture_conv4 gcbench_dataset_fashion_mnist \
  gcbench_gc_estimator_exact gcbench_gc_estimator_hutchinson
./build/gcbench plugins
./build/gcbench run suites/quickstart.toml "$@"
[ $# -gt 0 ] || ./build/gcbench report results/quickstart
