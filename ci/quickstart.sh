#!/usr/bin/env bash
# Installs what is missing, builds gcbench, runs the quick-start suite on
# Fashion-MNIST, prints the results table and writes the report (report.md and
# report.html beside the records). Extra arguments go to `gcbench run`.
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/build_runner.sh
./build/gcbench plugins
# Exit 3: every run finished but some diverged; the table and the report show which.
./build/gcbench run suites/quickstart.toml "$@" || [ $? -eq 3 ]
[ $# -gt 0 ] || ./build/gcbench report results/quickstart
