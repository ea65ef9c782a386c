#!/usr/bin/env bash
# Installs what is missing, builds gcbench, runs the quick-start suite on
# Fashion-MNIST, prints the results table and writes the report (report.md and
# report.html beside the records). Extra arguments go to `gcbench run`.
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/build_runner.sh
./build/gcbench plugins
./build/gcbench run suites/quickstart.toml "$@"
[ $# -gt 0 ] || ./build/gcbench report results/quickstart
