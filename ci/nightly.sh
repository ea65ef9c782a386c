#!/usr/bin/env bash
# The nightly regression job. Builds gcbench and every in-tree plugin, runs
# suites/nightly.toml and `gcbench bench`, adds both to the history, compares
# both with the baseline in results/baselines/, writes the dashboard, and exits
# with compare's code: 0 no regression, 1 a regression, 2 cannot compare.
#
#   bash ci/nightly.sh                    the job
#   bash ci/nightly.sh --update-baseline  the job, then this night's results become the baseline
#                                         (commit results/baselines/ to keep it)
#
# Settings, from the environment:
#   GCBENCH_NIGHTLY_OUT        where each night's folder goes (default results/nightly)
#   GCBENCH_HISTORY            the history file (default results/history.sqlite)
#   GCBENCH_MACHINE            the machine's name in the history (default: its host name)
#   GCBENCH_BENCH_FILTER       which `gcbench bench` cases, a regex (default: all, about 4.5 minutes on 2 cores)
#   GCBENCH_BENCH_REPETITIONS  repetitions of each case (default 5: the fewest that can reach p < 0.05)
set -euo pipefail
cd "$(dirname "$0")/.."
update=false
case "${1:-}" in
  --update-baseline) update=true ;;
  "") ;;
  *) echo "usage: bash ci/nightly.sh [--update-baseline]" >&2; exit 2 ;;
esac

bash ci/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j "$(nproc)" --target gcbench gcbench_plugins
gcbench=./build/gcbench

out=${GCBENCH_NIGHTLY_OUT:-results/nightly}
history=${GCBENCH_HISTORY:-results/history.sqlite}
filter=${GCBENCH_BENCH_FILTER:-.}
repetitions=${GCBENCH_BENCH_REPETITIONS:-5}
machine=()
[ -z "${GCBENCH_MACHINE:-}" ] || machine=(--machine "$GCBENCH_MACHINE")
baseline=results/baselines/nightly
baseline_bench=results/baselines/nightly-bench.json
thresholds=suites/nightly.thresholds.toml
night="$out/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$night"
started=$SECONDS

# run: 1 (a run failed) and 3 (a run diverged) are for compare to judge against
# the baseline, which names the run; 2 (the suite is invalid) ends the night.
run_code=0
"$gcbench" run suites/nightly.toml --out "$night" || run_code=$?
if [ "$run_code" -eq 2 ]; then echo "nightly: suites/nightly.toml is invalid" >&2; exit 2; fi
results=$(find "$night/nightly" -mindepth 1 -maxdepth 1 -type d | sort | tail -n 1)
"$gcbench" bench --filter="$filter" --repetitions "$repetitions" --min-time 0.2 --json "$night/bench.json"
"$gcbench" history add --db "$history" "${machine[@]}" "$results" "$night/bench.json"

code=0
compare() {  # BASELINE CONTENDER NAME
  local c=0
  if [ ! -e "$1" ]; then
    echo "nightly: no baseline at $1; make one with bash ci/nightly.sh --update-baseline" >&2
    c=2
  else
    "$gcbench" compare --thresholds "$thresholds" "$1" "$2" > "$night/compare-$3.txt" 2>&1 || c=$?
    cat "$night/compare-$3.txt"
  fi
  if [ "$c" -eq 2 ] || [ "$code" -eq 2 ]; then code=2; elif [ "$c" -eq 1 ]; then code=1; fi
}
compare "$baseline" "$results" results
compare "$baseline_bench" "$night/bench.json" bench
"$gcbench" dashboard --db "$history" --out "$night/dashboard"

if $update; then
  rm -rf "$baseline"
  mkdir -p "$baseline"
  cp "$results/runs.jsonl" "$results/plan.json" "$results/suite.resolved.toml" "$baseline/"
  cp "$night/bench.json" "$baseline_bench"
  echo "nightly: the baseline is now $results and $night/bench.json (in results/baselines/; commit it to keep it)"
fi
echo "nightly: run exit $run_code, compare exit $code, $((SECONDS - started)) s; dashboard $night/dashboard/index.html"
exit "$code"
