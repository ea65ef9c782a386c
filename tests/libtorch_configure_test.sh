#!/usr/bin/env bash
# Configuring against a pip torch refuses, with the reason, what cannot be built
# against: a torch of the other C++ ABI, a torch without CMake files, and a CUDA
# torch where CMake finds no CUDA toolkit. Each torch is a stand-in python that
# answers cmake/LibTorch.cmake's questions as such a torch would.
#   libtorch_configure_test.sh REPO SCRATCH
set -uo pipefail
[ $# -eq 2 ] || { echo "usage: $0 REPO SCRATCH" >&2; exit 2; }
repo="$1" scratch="$2"
rm -rf "$scratch" && mkdir -p "$scratch"
passed=0 failed=0

fake_torch() {  # folder, has CMake files (0/1), cxx11 ABI (0/1), CUDA version ("" for none)
  local dir="$1"
  mkdir -p "$dir/torch/share/cmake"
  [ "$2" = 1 ] && mkdir -p "$dir/torch/share/cmake/Torch" && touch "$dir/torch/share/cmake/Torch/TorchConfig.cmake"
  cat >"$dir/python" <<PY
#!/bin/sh
printf 'prefix=%s\nversion=2.99.0+test\ncxx11_abi=%s\ncuda=%s\n' "$dir/torch/share/cmake" "$3" "$4"
PY
  chmod +x "$dir/python"
}

expect_refusal() {  # what, fake torch folder, expected text, extra cmake arguments...
  local what="$1" dir="$2" text="$3"
  shift 3
  local output
  output="$(cmake -S "$repo" -B "$dir/build" -DGCBENCH_BUILD_TESTS=OFF -DGCBENCH_TORCH_PYTHON="$dir/python" "$@" 2>&1)"
  if [ $? -ne 0 ] && grep -qF -- "$text" <<<"$(tr -s ' \n' ' ' <<<"$output")"; then
    passed=$((passed + 1)); echo "ok: $what"
  else
    failed=$((failed + 1)); echo "FAIL: $what: expected a failed configure saying '$text':"; echo "$output" | tail -20
  fi
}

fake_torch "$scratch/old-abi" 1 0 ""
expect_refusal "a torch of the old C++ ABI is refused, naming both ABIs" "$scratch/old-abi" \
  "was built with _GLIBCXX_USE_CXX11_ABI=0, but this system's libraries (fmt, spdlog, Boost, SQLiteCpp) use _GLIBCXX_USE_CXX11_ABI=1"
fake_torch "$scratch/no-cmake" 0 1 ""
expect_refusal "a torch without CMake files is refused" "$scratch/no-cmake" "has no CMake files"
fake_torch "$scratch/cuda" 1 1 "13.2"
expect_refusal "a CUDA torch without a CUDA toolkit is refused, not built as CPU-only" "$scratch/cuda" \
  "is built with CUDA 13.2, and linking against it needs the CUDA toolkit" -DCMAKE_DISABLE_FIND_PACKAGE_CUDAToolkit=ON
mkdir -p "$scratch/none"
printf '#!/bin/sh\necho "error=ModuleNotFoundError(\\"No module named torch\\")"\n' >"$scratch/none/python"
chmod +x "$scratch/none/python"
expect_refusal "a python without torch is refused, saying how to get one" "$scratch/none" "cannot import torch"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
