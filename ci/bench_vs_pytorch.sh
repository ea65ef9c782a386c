#!/usr/bin/env bash
# gcbench against the same work written in plain Python PyTorch (Debian's
# python3-torch: the same LibTorch 1.13), case by case: `gcbench bench` and
# tests/benchmarks/pytorch_reference/reference.py run in alternation (which
# side goes first swaps every round), each in its own process, then a table of
# medians, spreads, speed ratios and each process's peak memory.
#   bash ci/bench_vs_pytorch.sh [--rounds N] [--filter REGEX] [--min-time S] [--threads N] [--out DIR]
# Results: DIR/round<k>.{cpp,python}.json (Google Benchmark format; `gcbench
# history add` keeps them) and DIR/summary.json. Default DIR: results/bench_vs_pytorch.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=5
filter='^(train_step|train_step_gc_penalty|gc/(exact|exact_vmap_jacrev|hutchinson)|nc|fewshot)/'
min_time=1
threads=2
out=results/bench_vs_pytorch
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --filter) filter="$2"; shift 2 ;;
    --min-time) min_time="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "unknown argument: $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done
bash ci/setup.sh --reference
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build build -j "$(nproc)" --target gcbench gcbench_plugins
python=/usr/bin/python3   # Debian's, where python3-torch is
reference=tests/benchmarks/pytorch_reference
mkdir -p "$out"
"$python" "$reference/reference.py" --parameters > "$out/python.parameters.json"

run_cpp() {
  /usr/bin/time -f '%M' -o "$out/round$1.cpp.peak_kib" ./build/gcbench bench --filter="$filter" --min-time "$min_time" \
    --threads "$threads" --json "$out/round$1.cpp.json" > "$out/round$1.cpp.log" 2>&1
}
run_python() {
  /usr/bin/time -f '%M' -o "$out/round$1.python.peak_kib" "$python" "$reference/reference.py" --filter "$filter" \
    --min-time "$min_time" --threads "$threads" --json "$out/round$1.python.json" > "$out/round$1.python.log" 2>&1
}
for round in $(seq 1 "$rounds"); do
  echo "round $round of $rounds"
  if [ $((round % 2)) -eq 1 ]; then run_cpp "$round"; run_python "$round"; else run_python "$round"; run_cpp "$round"; fi
done
"$python" "$reference/side_by_side.py" "$out"
