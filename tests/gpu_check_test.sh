#!/usr/bin/env bash
# ci/gpu_check.sh where no GPU is: its argument handling, and its CPU half run
# end to end against this build (every step but the GPU side).
#   gpu_check_test.sh REPO GCBENCH SCRATCH
set -uo pipefail
[ $# -eq 3 ] || { echo "usage: $0 REPO GCBENCH SCRATCH" >&2; exit 2; }
repo="$1" gcbench="$2" scratch="$3"
script="$repo/ci/gpu_check.sh"
passed=0 failed=0
expect() {  # description, expected exit, expected text, command...
  local what="$1" code="$2" text="$3"
  shift 3
  local output status
  output="$("$@" 2>&1)"
  status=$?
  if [ "$status" -eq "$code" ] && grep -qF -- "$text" <<<"$output"; then
    passed=$((passed + 1))
    echo "ok: $what"
  else
    failed=$((failed + 1))
    echo "FAIL: $what: exit $status (expected $code), expected '$text' in:"
    echo "$output" | tail -40
  fi
}
rm -rf "$scratch"
mkdir -p "$scratch"
expect "an unknown argument is refused with the usage" 2 "unknown argument '--gpus'" bash "$script" --gpus 2
expect "an option without its value is refused" 2 "--cpu-only" bash "$script" --python
expect "a device that is not CUDA is refused" 2 "--device is cuda or cuda:N, not 'cpu'" bash "$script" --device cpu
expect "a --gcbench that is not an executable is refused" 2 "is not an executable" \
  bash "$script" --cpu-only --gcbench "$scratch/nothing" --out "$scratch/none"
if ! command -v nvidia-smi >/dev/null || ! nvidia-smi -L 2>/dev/null | grep -q "^GPU"; then
  expect "without a GPU the GPU check says so and points at --cpu-only" 2 "no NVIDIA GPU visible" \
    bash "$script" --gcbench "$gcbench" --out "$scratch/gpu"
fi
expect "the CPU half passes every step on this build" 0 "4 passed, 0 failed" \
  bash -c 'bash "$1" --cpu-only --gcbench "$2" --out "$3" 2>&1 | tee "$3.log"; exit "${PIPESTATUS[0]}"' _ "$script" "$gcbench" "$scratch/cpu"
if grep -qE "^gc/exact/conv4 +[0-9.]+$" "$scratch/cpu.log"; then passed=$((passed + 1)); echo "ok: the CPU half prints images/s"
else failed=$((failed + 1)); echo "FAIL: the CPU half printed no images/s for gc/exact/conv4"; fi
for file in bench-cpu.json agreement-table.txt fig4/runs.jsonl fig4/report.md; do
  if [ -s "$scratch/cpu/$file" ]; then passed=$((passed + 1)); echo "ok: the CPU half wrote $file"
  else failed=$((failed + 1)); echo "FAIL: the CPU half wrote no $file"; fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
