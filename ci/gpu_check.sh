#!/usr/bin/env bash
# The GPU check: one prepared script for a machine with an NVIDIA GPU and a pip
# torch (a lent device, a cluster node). About 10 minutes, most of it the build.
#
#   bash ci/gpu_check.sh [--python PY] [--gcbench PATH] [--out DIR] [--device cuda:N]
#   bash ci/gpu_check.sh --cpu-only [--gcbench PATH] [--out DIR]   its CPU half, on any machine
#
# Steps, each reported PASS or FAIL with what went wrong:
#   1 build     the CUDA build against PY's torch (default: ci/pip_torch.sh's
#               python, else python3) in build-gpu/; --gcbench PATH uses a
#               finished build instead (its plugins and gcbench_make_demo_data beside it)
#   2 data      CIFAR-FS-shaped data (CIFAR-100 binary format, 100 images a class)
#   3 bench     `gcbench bench` on the CPU and on the GPU; prints images/s of
#               resnet18 training, exact GC and Hutchinson on both
#   4 agreement a short ResNet-18 training on the GPU, then its checkpoint measured
#               again on the CPU: every GC estimate and NC metric must agree
#               (ci/gpu_agreement.py states the tolerances)
#   5 fig4      the Fig. 4 suite (ResNet-18, CIFAR-FS, lr/batch/L2 sweeps) cut to a
#               few minutes: 1 seed, 2 epochs, 3 points per sweep, 100 episodes
# With --cpu-only every GPU step runs on the CPU at a smaller size (the agreement
# step then compares two CPU measurements), so the script itself is tested where
# no GPU is. Exit 0: every step passed; 1: a step failed; 2: bad arguments or a
# missing prerequisite (no GPU, no torch).
set -uo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"

usage() { sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
cpu_only=0 python="" gcbench="" out="" device=cuda
while [ $# -gt 0 ]; do
  case "$1" in
    --cpu-only) cpu_only=1 ;;
    --python) [ $# -ge 2 ] || usage; python="$2"; shift ;;
    --gcbench) [ $# -ge 2 ] || usage; gcbench="$2"; shift ;;
    --out) [ $# -ge 2 ] || usage; out="$2"; shift ;;
    --device) [ $# -ge 2 ] || usage; device="$2"; shift ;;
    -h|--help) usage ;;
    *) echo "gpu_check: unknown argument '$1'" >&2; usage ;;
  esac
  shift
done
if ! [[ "$device" =~ ^cuda(:[0-9]{1,3})?$ ]]; then
  echo "gpu_check: --device is cuda or cuda:N, not '$device'" >&2
  exit 2
fi
[ "$cpu_only" = 1 ] && device=cpu
out="${out:-$repo/build-gpu/gpu-check}"
mkdir -p "$out" || { echo "gpu_check: cannot make $out" >&2; exit 2; }
out="$(cd "$out" && pwd)"

passed=() failed=()
pass() { passed+=("$1"); echo "PASS $1${2:+: $2}"; }
fail() { failed+=("$1"); echo "FAIL $1: $2"; }
summary() {
  echo
  echo "gpu_check ($([ "$cpu_only" = 1 ] && echo "CPU half" || echo "$device")): ${#passed[@]} passed, ${#failed[@]} failed${failed:+ (${failed[*]})}"
  echo "logs and results: $out"
  [ ${#failed[@]} -eq 0 ]
  exit $?
}

# Prerequisites.
if [ "$cpu_only" = 0 ]; then
  if ! gpus="$(nvidia-smi -L 2>&1)" || ! grep -q "^GPU" <<<"$gpus"; then
    echo "gpu_check: no NVIDIA GPU visible (nvidia-smi -L: ${gpus:-not found}); on a machine without one, run the CPU half: --cpu-only" >&2
    exit 2
  fi
  echo "$gpus"
fi

# 1 build
if [ -z "$gcbench" ]; then
  if [ -z "$python" ]; then
    source ci/pip_torch.sh
    python="$pip_torch_python"
    [ -x "$python" ] || python="$(command -v python3)"
  fi
  if ! "$python" -c 'import torch' 2>/dev/null; then
    echo "gpu_check: $python cannot import torch; give --python PY of an environment with a pip torch (bash ci/setup.sh --libtorch pip makes one)" >&2
    exit 2
  fi
  if [ "$cpu_only" = 0 ] && ! "$python" -c 'import sys, torch; sys.exit(0 if torch.version.cuda else 1)'; then
    echo "gpu_check: the torch of $python has no CUDA; install the CUDA wheel" >&2
    exit 2
  fi
  start=$SECONDS
  if cmake -S . -B build-gpu -DCMAKE_BUILD_TYPE=Release -DGCBENCH_BUILD_TESTS=ON -DGCBENCH_TORCH_PYTHON="$python" \
       >"$out/configure.log" 2>&1 &&
     cmake --build build-gpu -j "$(nproc)" --target gcbench gcbench_plugins gcbench_make_demo_data >"$out/build.log" 2>&1; then
    gcbench="$repo/build-gpu/gcbench"
    pass build "$(grep -o 'gcbench: LibTorch.*' "$out/configure.log") in $((SECONDS - start)) s"
  else
    fail build "see $out/configure.log and $out/build.log"
    summary
  fi
fi
if [ ! -x "$gcbench" ]; then
  echo "gpu_check: --gcbench $gcbench is not an executable" >&2
  exit 2
fi
build_dir="$(cd "$(dirname "$gcbench")" && pwd)"
make_data="$build_dir/gcbench_make_demo_data"

# 2 data: CIFAR-FS-shaped, in the CIFAR-100 binary release's format.
per_class=100 holdout=20
[ "$cpu_only" = 1 ] && per_class=24 holdout=4
data="$out/data/cifar-100-binary"
shape=(images_per_class="$per_class" holdout_per_class="$holdout")
if [ -x "$make_data" ] && rm -rf "$out/data" && "$make_data" cifar100 "$out/data" "$per_class" >"$out/data.log" 2>&1 &&
   "$gcbench" data verify cifar_fs "$data" --set "${shape[0]}" --set "${shape[1]}" >>"$out/data.log" 2>&1; then
  pass data "$per_class images a class, 100 classes, in $data"
else
  fail data "no usable data (needs $make_data; see $out/data.log)"
  summary
fi

dataset=(--set "dataset.root=$data" --set "dataset.options.${shape[0]}" --set "dataset.options.${shape[1]}")

# 3 bench on the CPU and on the GPU.
cases='^(train_step/(conv4|resnet18)|gc/(exact|hutchinson)/(conv4|resnet18)|nc/100k_x_512|fewshot/600_episodes_5way_5shot/ncm)$'
[ "$cpu_only" = 1 ] && cases='^(train_step/conv4|gc/(exact|hutchinson)/conv4)$'
images_per_second() {  # bench JSON, case name
  python3 -c 'import json, sys
runs = [b for b in json.load(open(sys.argv[1]))["benchmarks"] if b["name"].split("/real_time")[0] == sys.argv[2]]
print("%.1f" % runs[0]["items_per_second"] if runs else "-")' "$1" "$2" 2>/dev/null || echo "-"
}
bench_ok=1
for where in cpu "$device"; do
  [ "$where" = cpu ] && [ "$cpu_only" = 0 ] || [ "$where" = "$device" ] || continue
  json="$out/bench-${where//:/_}.json"
  if ! "$gcbench" bench --device "$where" --filter "$cases" --min-time 0.2 --json "$json" \
       >"$out/bench-${where//:/_}.log" 2>&1; then
    bench_ok=0
    fail "bench-$where" "see $out/bench-${where//:/_}.log"
  fi
  [ "$cpu_only" = 1 ] && break
done
if [ "$bench_ok" = 1 ]; then
  echo "images/s            $(printf '%14s' cpu) $([ "$cpu_only" = 0 ] && printf '%14s' "$device")"
  for name in train_step/resnet18 train_step/conv4 gc/exact/resnet18 gc/exact/conv4 gc/hutchinson/resnet18 gc/hutchinson/conv4; do
    line="$(printf '%-22s %12s' "$name" "$(images_per_second "$out/bench-cpu.json" "$name")")"
    [ "$cpu_only" = 0 ] && line="$line $(printf '%14s' "$(images_per_second "$out/bench-${device//:/_}.json" "$name")")"
    echo "$line"
  done
  pass bench "JSON in $out/bench-*.json"
fi

# 4 agreement: one checkpoint, measured on the GPU and on the CPU.
suite="$repo/suites/paper/fig4_cifar_fs_resnet18.toml"
architecture=resnet18
[ "$cpu_only" = 1 ] && architecture=conv4
common=(--set "architecture.plugin=$architecture" "${dataset[@]}")
agreement="$out/agreement"
rm -rf "$agreement"
if "$gcbench" run "$repo/suites/checks/gpu_agreement.toml" "${common[@]}" --set "runtime.device=$device" \
     --into "$agreement/trained" >"$out/agreement.log" 2>&1 &&
   checkpoint="$(find "$agreement/trained/runs" -name final.pt | head -1)" && [ -n "$checkpoint" ] &&
   "$gcbench" run "$repo/suites/checks/gpu_agreement.toml" "${common[@]}" --set "runtime.device=cpu" \
     --set "training.from_checkpoint=$checkpoint" --into "$agreement/cpu" >>"$out/agreement.log" 2>&1; then
  if python3 ci/gpu_agreement.py "$agreement/cpu" "$agreement/trained" >"$out/agreement-table.txt" 2>&1; then
    pass agreement "$(tail -1 "$out/agreement-table.txt") ($out/agreement-table.txt)"
  else
    cat "$out/agreement-table.txt"
    fail agreement "the $device and CPU measurements of one checkpoint differ ($out/agreement-table.txt)"
  fi
else
  fail agreement "the runs did not finish; see $out/agreement.log"
fi

# 5 the Fig. 4 suite, cut to a few minutes.
fig4=(--set "suite.seeds=[0]" --set "training.epochs=2" --set "training.milestones=[1]"
      --set "measure.fewshot.episodes=100" --set "measure.gc_samples=32" --set "runtime.device=$device"
      --set 'variants.learning_rate.sweep."training.lr"=[0.01, 0.05, 0.2]'
      --set 'variants.batch_size.sweep."training.batch_size"=[32, 128, 512]'
      --set 'variants.l2.sweep."training.l2"=[0.0, 1e-4, 1e-3]' "${dataset[@]}")
if [ "$cpu_only" = 1 ]; then
  fig4+=(--set "architecture.plugin=conv4" --set "training.epochs=1" --set "measure.gc_estimators=[\"hutchinson\"]"
         --set 'variants.learning_rate.sweep."training.lr"=[0.05]' --set 'variants.batch_size.sweep."training.batch_size"=[64]'
         --set 'variants.l2.sweep."training.l2"=[1e-4]')
fi
start=$SECONDS
if "$gcbench" run "$suite" "${fig4[@]}" --into "$out/fig4" >"$out/fig4.log" 2>&1 &&
   "$gcbench" report "$out/fig4" >>"$out/fig4.log" 2>&1; then
  pass fig4 "$(grep -c '"status":"ok"' "$out/fig4/runs.jsonl") runs in $((SECONDS - start)) s; report in $out/fig4"
else
  fail fig4 "see $out/fig4.log"
fi
summary
