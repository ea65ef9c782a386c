#!/usr/bin/env bash
# gcbench against the same work written in plain Python PyTorch, case by case,
# on the same LibTorch: `gcbench bench` and
# tests/benchmarks/pytorch_reference/reference.py, each in its own process, in
# rounds whose order rotates, then a table of medians, spreads, speed ratios and
# each case's peak memory.
#
# The anchor is a competent Python user, not Python's defaults. gcbench sets
# glibc's allocator in-process (no mmap, high trim threshold:
# runtime/process_tuning.cpp); a Python user who profiles sets it through the
# environment or preloads jemalloc or tcmalloc. So the Python side runs as
# several arms, each every round:
#   default     the environment as it comes
#   glibc       MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=1073741824 (gcbench's setting)
#   jemalloc    LD_PRELOAD of Debian's libjemalloc2, when installed (setup.sh --reference installs it)
#   tcmalloc    LD_PRELOAD of Debian's libtcmalloc_minimal, likewise
#   compiled    (--torch pip only) the training steps --filter selects, with torch.compile, glibc's
#               setting (no arm when it selects none: compiling costs seconds a network and round)
#   channels_last  the convolutional networks' cases --filter selects, weights and inputs in
#               channels-last memory (PyTorch's CPU advice for such networks; LibTorch's max-pool
#               and batch norm are much faster there), on tcmalloc (glibc's setting without it)
#   folded      the convolutional networks' GC cases --filter selects, as channels_last, with
#               batch norm folded into the convolutions by torch.fx's fuse, as gcbench folds it
# Targets are judged against the best arm of each case.
#
#   bash ci/bench_vs_pytorch.sh [--torch system|pip] [--rounds N] [--filter REGEX] [--min-time S]
#                               [--threads N] [--no-memory] [--out DIR]
#   --torch system   Debian's LibTorch 1.13 (build/) against Debian's python3-torch (default)
#   --torch pip      the pip torch 2.x of ci/pip-torch.txt (build-pip/) against that torch's Python
# Results: DIR/round<k>.<side>.json (Google Benchmark format; `gcbench history
# add` keeps them), DIR/memory/<case>.<side>.peak_kib (each case alone in a
# process, once), and DIR/summary.json with the machine, the arms' settings and
# every row. Default DIR: results/bench_vs_pytorch/<torch>.
set -euo pipefail
cd "$(dirname "$0")/.."
torch=system
rounds=5
filter='^(train_step|train_step_gc_penalty|gc/(exact|exact_vmap_jacrev|hutchinson)|nc|fewshot)/'
min_time=1
# Both sides warm each case up this long before measuring it (gcbench's speed targets would anyway:
# bench_cases.hpp), so neither side's first iterations, nor the other's longer warm-up, tilt a ratio.
warmup=0.2
threads=2
memory=1
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --torch) torch="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --filter) filter="$2"; shift 2 ;;
    --min-time) min_time="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --no-memory) memory=0; shift ;;
    --out) out="$2"; shift 2 ;;
    *) echo "unknown argument: $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done
case "$torch" in
  system)
    bash ci/setup.sh --reference
    build=build python=/usr/bin/python3   # Debian's, where python3-torch is
    cmake -S . -B build -DCMAKE_BUILD_TYPE=Release > /dev/null ;;
  pip)
    bash ci/setup.sh --reference --libtorch pip
    source ci/pip_torch.sh
    build=build-pip python="$pip_torch_python"
    cmake -S . -B build-pip -DCMAKE_BUILD_TYPE=Release -DGCBENCH_TORCH_PYTHON="$pip_torch_python" > /dev/null ;;
  *) echo "--torch takes system or pip, not '$torch'" >&2; exit 2 ;;
esac
cmake --build "$build" -j "$(nproc)" --target gcbench gcbench_plugins
out=${out:-results/bench_vs_pytorch/$torch}
reference=tests/benchmarks/pytorch_reference
mkdir -p "$out"
rm -f "$out"/round*.json "$out"/round*.log
"$python" "$reference/reference.py" --parameters > "$out/python.parameters.json"

# The arms: name, then the environment it runs in (env's NAME=VALUE words).
glibc=(MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=1073741824)
arms=(default glibc)
declare -A arm_env=([default]="" [glibc]="${glibc[*]}")
for library in jemalloc:libjemalloc.so.2 tcmalloc:libtcmalloc_minimal.so.4; do
  name=${library%%:*} file=/usr/lib/$(gcc -print-multiarch)/${library#*:}
  if [ -e "$file" ]; then arms+=("$name"); arm_env[$name]="LD_PRELOAD=$file"; fi
done
# The arms that run their own subset of the cases their own way: each is a
# reference.py flag, and runs the cases that flag lists. torch.compile (PyTorch 2
# alone) on glibc's setting; the memory-layout arms on the best allocator here.
declare -A arm_flag=([compiled]=--compile [channels_last]=--channels-last [folded]=--fold-batch-norm)
declare -A arm_cases=()
for arm in compiled channels_last folded; do
  [ "$arm" = compiled ] && [ "$torch" != pip ] && continue
  listed=$("$python" "$reference/reference.py" "${arm_flag[$arm]}" --filter "$filter" --list)
  [ -z "$listed" ] && continue  # compiling costs seconds a network and round: no arm without a case
  arms+=("$arm")
  arm_cases[$arm]=" $(tr '\n' ' ' <<< "$listed") "
  if [ "$arm" = compiled ]; then arm_env[$arm]="${glibc[*]}"; else arm_env[$arm]=${arm_env[tcmalloc]:-${glibc[*]}}; fi
done

# One side that dies (a Python arm killed for memory, as vmap(jacrev) on all four
# of resnet18's images at once was) loses its own file, not the session: the table is made from
# the rounds that finished, each arm's count of rounds beside it.
run_side() {  # SIDE ROUND_FILE_STEM CASE_FILTER MIN_TIME
  local side=$1 stem=$2 cases=$3 seconds=$4 code=0
  if [ "$side" = gcbench ]; then
    /usr/bin/time -f '%M' -o "$stem.peak_kib" "./$build/gcbench" bench --filter="$cases" --min-time "$seconds" \
      --warmup "$warmup" --threads "$threads" --json "$stem.json" > "$stem.log" 2>&1 || code=$?
  else
    local extra=()
    [ -n "${arm_flag[$side]:-}" ] && extra=("${arm_flag[$side]}")
    # shellcheck disable=SC2086 # the arm's environment words
    /usr/bin/time -f '%M' -o "$stem.peak_kib" env ${arm_env[$side]} "$python" "$reference/reference.py" \
      --filter "$cases" --min-time "$seconds" --warmup "$warmup" --threads "$threads" --json "$stem.json" "${extra[@]}" \
      > "$stem.log" 2>&1 ||
      code=$?
  fi
  if [ "$code" -ne 0 ]; then
    rm -f "$stem.json"
    echo "warning: $side stopped with exit $code ($(head -n 1 "$stem.peak_kib" 2>/dev/null)); no $side side in $stem, see $stem.log" >&2
  fi
}
sides=(gcbench "${arms[@]}")
for round in $(seq 1 "$rounds"); do
  # Each round starts one side later, so no side always runs first (a cold machine) or last.
  order=()
  for k in "${!sides[@]}"; do order+=("${sides[$(( (k + round - 1) % ${#sides[@]} ))]}"); done
  echo "round $round of $rounds: ${order[*]}"
  for side in "${order[@]}"; do
    if [ "$side" = gcbench ]; then
      run_side gcbench "$out/round$round.cpp" "$filter" "$min_time"
    else
      run_side "$side" "$out/round$round.python-$side" "$filter" "$min_time"
    fi
  done
done
if [ "$memory" = 1 ]; then
  # Peak resident memory of each case alone: one process a case and side, one short repetition.
  mkdir -p "$out/memory"
  mapfile -t cases < <("$python" "$reference/reference.py" --filter "$filter" --list)
  for case in "${cases[@]}"; do
    echo "memory: $case"
    stem="$out/memory/${case//\//_}"
    exact="^${case}\$"
    # A Python-only way of doing a case (vmap(jacrev)) has no gcbench case to measure.
    if "./$build/gcbench" bench --list --filter="$exact" > /dev/null 2>&1; then run_side gcbench "$stem.cpp" "$exact" 0.05; fi
    for arm in "${arms[@]}"; do
      [ -n "${arm_flag[$arm]:-}" ] && [[ ${arm_cases[$arm]} != *" $case "* ]] && continue
      run_side "$arm" "$stem.python-$arm" "$exact" 0.05
    done
  done
fi
machine=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
isa=$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -xE 'avx|avx2|fma|avx512f|avx512_bf16|amx_tile' | tr '\n' ' ')
settings=$(for arm in "${arms[@]}"; do printf '%s=%s;' "$arm" "${arm_env[$arm]:-none}"; done)
"$python" "$reference/side_by_side.py" "$out" --machine "$machine" --isa "$isa" --threads "$threads" \
  --arms "$settings" --torch "$torch"
