#!/usr/bin/env bash
# Runs the four mini suites (suites/mini/: learning rate, batch size, L2, GC
# penalty on real Fashion-MNIST), writes each one's report, prints each suite's
# wall time, and ends with one table of the paper's claims across every mini
# study that has results (results/claims.md and claims.html; a study not run
# this time contributes its latest results). Each suite is sized for at most
# 15 minutes on 2 cores, the GC-penalty study for about 20.
# Usage: bash ci/mini.sh [lr batch_size l2 gc_penalty]   (default: all four)
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/build_runner.sh
suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(lr batch_size l2 gc_penalty)
summary=""
for suite in "${suites[@]}"; do
  start=$(date +%s)
  # Exit 3: every run finished but some diverged; the report shows which.
  ./build/gcbench run "suites/mini/$suite.toml" || [ $? -eq 3 ]
  wall=$(( $(date +%s) - start ))
  name=$(sed -n 's/^name = "\(.*\)"/\1/p' "suites/mini/$suite.toml")
  ./build/gcbench report "results/$name"
  summary+="$(printf '%-12s %4d s wall' "$suite" "$wall")"$'\n'
done
printf '\n%s' "$summary"

studies=()
for suite in lr batch_size l2 gc_penalty; do
  name=$(sed -n 's/^name = "\(.*\)"/\1/p' "suites/mini/$suite.toml")
  if [ -d "results/$name" ]; then studies+=("results/$name"); fi
done
if [ ${#studies[@]} -gt 0 ]; then
  ./build/gcbench report --claims "${studies[@]}" --out results
fi
