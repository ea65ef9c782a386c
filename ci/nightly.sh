#!/usr/bin/env bash
# The nightly regression job. Builds gcbench and every in-tree plugin, and the
# baseline revision beside it (once: kept under a cache folder until the
# baseline moves). Then, on this machine:
#   - results: suites/nightly.toml run by this build, against the same suite run
#     by the baseline build on this machine (cached per baseline revision and
#     machine identity), so unchanged code gives identical results and any
#     change is the code's;
#   - speed: `gcbench bench --against` the baseline build, the two sides in
#     alternating rounds of one session, judged on the rounds' paired ratios;
#   - instructions: a few small cases counted under callgrind by both builds
#     (the baseline's counts cached like its results), judged to 1%: a count
#     repeats exactly, so this sees what the noise of wall time hides.
# Adds both to the history, writes the dashboard, and exits with compare's
# code: 0 no regression, 1 a regression, 2 cannot compare (a baseline that does
# not build, or another that cannot be paired).
#
#   bash ci/nightly.sh                    the job
#   bash ci/nightly.sh --update-baseline  the job, then this revision becomes the baseline revision
#                                         (results/baselines/nightly-revision; commit it to keep it)
#
# Settings, from the environment:
#   GCBENCH_NIGHTLY_OUT        where each night's folder goes (default results/nightly)
#   GCBENCH_HISTORY            the history file (default results/history.sqlite)
#   GCBENCH_MACHINE            the machine's name in the history (default: its host name)
#   GCBENCH_BASELINE_REVISION  the revision to compare with (default: results/baselines/nightly-revision)
#   GCBENCH_CACHE              where baseline builds and results are kept (default ~/.cache/gcbench)
#   GCBENCH_BENCH_FILTER       which `gcbench bench` cases, a regex (default: the `bench --nightly` ones)
#   GCBENCH_BENCH_ROUNDS       rounds of the paired bench (default 10: see ci/sensitivity.sh)
#   GCBENCH_INSTRUCTIONS_FILTER  the cases counted under callgrind (default: the small/ family, made
#                              for it: mlp's and conv4's step at batch 8, Hutchinson on conv4, NC, NCM
#                              episodes; "" counts none)
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
# The paired bench runs the cases each declares the nightly's (`bench --nightly`,
# harness/src/bench/bench_cases.hpp): all but five that took 135 of a bench
# process's 185 s here and whose code kept cases run, so that 10 rounds of both
# sides take 9.5 minutes (2-core Xeon). This build names them to both sides.
cases=(--nightly)
[ -z "${GCBENCH_BENCH_FILTER:-}" ] || cases=(--filter="$GCBENCH_BENCH_FILTER")
rounds=${GCBENCH_BENCH_ROUNDS:-10}
counted=${GCBENCH_INSTRUCTIONS_FILTER-'^small/'}
machine=()
[ -z "${GCBENCH_MACHINE:-}" ] || machine=(--machine "$GCBENCH_MACHINE")
thresholds=suites/nightly.thresholds.toml
night="$out/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$night"
started=$SECONDS

# The baseline revision, built once into the cache. A revision that is not
# there, or does not build, ends the night with 2: nothing can be compared.
revision=${GCBENCH_BASELINE_REVISION:-$(cat results/baselines/nightly-revision 2>/dev/null || true)}
if [ -z "$revision" ]; then
  echo "nightly: no baseline revision; make one with bash ci/nightly.sh --update-baseline" >&2
  exit 2
fi
if ! commit=$(git rev-parse --verify --quiet "$revision^{commit}"); then
  echo "nightly: the baseline revision '$revision' is not a commit of this repository (git fetch it?)" >&2
  exit 2
fi
cache=${GCBENCH_CACHE:-$HOME/.cache/gcbench}/nightly-baseline
base="$cache/$commit"
if [ ! -e "$base/built" ]; then
  echo "nightly: building the baseline revision $commit into $base (once; kept until the baseline moves)" >&2
  for old in "$cache"/*/; do  # earlier baselines' worktrees and builds
    [ -d "$old/source" ] && git worktree remove --force "$old/source" 2>/dev/null || true
    rm -rf "$old"
  done
  git worktree prune
  mkdir -p "$base"
  if ! { git worktree add --detach "$base/source" "$commit" &&
         cmake -S "$base/source" -B "$base/build" -DCMAKE_BUILD_TYPE=Release -DGCBENCH_BUILD_TESTS=OFF &&
         cmake --build "$base/build" -j "$(nproc)" --target gcbench gcbench_plugins; } > "$base/build.log" 2>&1; then
    tail -n 20 "$base/build.log" >&2
    echo "nightly: the baseline revision $commit failed to build (log: $base/build.log); nothing compared" >&2
    exit 2
  fi
  touch "$base/built"
fi
baseline_gcbench="$base/build/gcbench"

# The baseline's results on this machine: what its build computes here, run
# once per machine identity, as `gcbench machine` defines it for compare too
# (CPU, instruction sets, the BLAS, LAPACK and OpenMP files loaded, threads and
# their variables, LibTorch, device). Asked of this revision's gcbench, which
# links the LibTorch the baseline's does (the paired bench below refuses
# otherwise); the baseline's `version --json` adds its own LibTorch and revision.
identity=$( { "$gcbench" machine --json; "$baseline_gcbench" version --json; } | sha256sum | cut -c1-16)
# Kept only once the suite has finished (exit 0, or 1 and 3, whose failed or
# diverged runs are the baseline's own and repeat): an interrupted or crashed
# run goes into a partial folder that the next night starts afresh.
baseline_results_root="$base/results-$identity"
if [ ! -d "$baseline_results_root" ]; then
  echo "nightly: running the baseline's suite on this machine (once per machine identity $identity)" >&2
  partial="$baseline_results_root.partial"
  rm -rf "$partial"
  base_code=0
  "$baseline_gcbench" run "$base/source/suites/nightly.toml" --out "$partial" || base_code=$?
  case "$base_code" in
    0|1|3) mv "$partial" "$baseline_results_root" ;;
    2) echo "nightly: the baseline's suites/nightly.toml is invalid" >&2; exit 2 ;;
    *) echo "nightly: the baseline's suite stopped (exit $base_code) before it finished; its results ($partial) are not kept" >&2
       exit 2 ;;
  esac
fi
baseline_results=$(find "$baseline_results_root/nightly" -mindepth 1 -maxdepth 1 -type d | sort | tail -n 1)

# run: 1 (a run failed) and 3 (a run diverged) are for compare to judge against
# the baseline, which names the run; 2 (the suite is invalid) ends the night.
run_code=0
"$gcbench" run suites/nightly.toml --out "$night" || run_code=$?
if [ "$run_code" -eq 2 ]; then echo "nightly: suites/nightly.toml is invalid" >&2; exit 2; fi
results=$(find "$night/nightly" -mindepth 1 -maxdepth 1 -type d | sort | tail -n 1)

bench_code=0
# No --warmup: the two speed targets warm up 0.2 s of their own, as ci/sensitivity.sh measured them,
# and Google Benchmark's warm-up of every case was half of each side's time (bench_cases.hpp says why).
"$gcbench" bench --against "$baseline_gcbench" "${cases[@]}" --rounds "$rounds" --min-time 0.2 \
  --json "$night/bench.json" || bench_code=$?
if [ "$bench_code" -ne 0 ]; then echo "nightly: the paired bench against $commit could not run" >&2; exit 2; fi
counts=()
baseline_help=$("$baseline_gcbench" bench --help)
if [ -n "$counted" ] && [[ $baseline_help != *--instructions* ]]; then
  echo "nightly: the baseline $commit predates bench --instructions; instruction counts start with a newer baseline" >&2
  counted=""
fi
if [ -n "$counted" ]; then
  baseline_counts="$base/instructions-$identity.json"
  if [ ! -e "$baseline_counts" ] &&
     ! "$baseline_gcbench" bench --instructions --filter="$counted" --json "$baseline_counts"; then
    echo "nightly: the baseline's instruction counts could not be taken" >&2
    exit 2
  fi
  "$gcbench" bench --instructions --filter="$counted" --json "$night/instructions.json"
  counts=("$night/instructions.json")
fi
"$gcbench" history add --db "$history" "${machine[@]}" "$results" "$night/bench.json" "${counts[@]}"

code=0
compare() {  # NAME ARGUMENTS...
  local c=0 name=$1
  shift
  "$gcbench" compare --thresholds "$thresholds" "$@" > "$night/compare-$name.txt" 2>&1 || c=$?
  cat "$night/compare-$name.txt"
  if [ "$c" -eq 2 ] || [ "$code" -eq 2 ]; then code=2; elif [ "$c" -eq 1 ]; then code=1; fi
}
compare results "$baseline_results" "$results"
compare bench "$night/bench.json"
[ -z "$counted" ] || compare instructions "$baseline_counts" "$night/instructions.json"
"$gcbench" dashboard --db "$history" --out "$night/dashboard" --baseline "$commit"

if $update; then
  git rev-parse HEAD > results/baselines/nightly-revision
  echo "nightly: the baseline revision is now $(cat results/baselines/nightly-revision) (results/baselines/nightly-revision; commit it to keep it)"
fi
echo "nightly: baseline $commit, run exit $run_code, compare exit $code, $((SECONDS - started)) s; dashboard $night/dashboard/index.html"
exit "$code"
