#!/usr/bin/env bash
# Installs what is missing, builds gcbench and its tests, and runs every test.
#   bash ci/test.sh                  against the system LibTorch (Debian's 1.13, CPU), in build/
#   bash ci/test.sh --libtorch pip   against LibTorch 2.x from the pip torch that ci/pip-torch.txt
#                                    pins (CUDA-enabled; its GPU code compiles and links, its tests
#                                    run on the CPU), in build-pip/. When build/ holds a finished
#                                    system build, it also checks that each build refuses the
#                                    other's plugins.
set -euo pipefail
cd "$(dirname "$0")/.."
libtorch=system
if [ "${1:-}" = "--libtorch" ]; then
  libtorch="${2:-}"
elif [ $# -gt 0 ]; then
  echo "test: unknown argument '$1'; use --libtorch system|pip" >&2
  exit 2
fi
bash ci/setup.sh --tests --libtorch "$libtorch"
jobs=$(nproc)
configure=(-DCMAKE_BUILD_TYPE=Release -DGCBENCH_BUILD_TESTS=ON -DGCBENCH_WERROR=ON)
build=build
if [ "$libtorch" = pip ]; then
  source ci/pip_torch.sh
  build=build-pip
  # The developer benchmarks are built and compiled-checked by the system build; CI time is short.
  configure+=(-DGCBENCH_TORCH_PYTHON="$pip_torch_python" -DGCBENCH_BUILD_DEV_BENCHES=OFF)
  [ -x build/gcbench ] && configure+=(-DGCBENCH_OTHER_LIBTORCH_BUILD="$PWD/build")
fi
cmake -S . -B "$build" "${configure[@]}"
cmake --build "$build" -j "$jobs"
cd "$build"
ctest --output-on-failure -j "$jobs"
