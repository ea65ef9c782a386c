#!/usr/bin/env bash
# Installs, idempotently, every Debian package gcbench needs to build, test and run.
# Safe to run again: apt-get skips what is already installed.
#   bash ci/setup.sh           what building and running gcbench needs
#   bash ci/setup.sh --tests   that, and what the tests alone need (a headless browser)
#   bash ci/setup.sh --fuzz    that, and clang-14 with libFuzzer (ci/fuzz.sh)
#   bash ci/setup.sh --reference  that, and Python PyTorch (ci/bench_vs_pytorch.sh)
#   bash ci/setup.sh --libtorch pip  that, and LibTorch 2.x: the pip torch that
#                              ci/pip-torch.txt pins, in a virtual environment outside
#                              the tree (ci/pip_torch.sh says where; ~4.5 GB with its
#                              CUDA libraries), for the second build (ci/test.sh --libtorch pip)
# Flags combine: bash ci/setup.sh --tests --libtorch pip
set -euo pipefail

tests=0 fuzz=0 reference=0 libtorch=system
while [ $# -gt 0 ]; do
  case "$1" in
    --tests) tests=1 ;;
    --fuzz) fuzz=1 ;;
    --reference) reference=1 ;;
    --libtorch)
      libtorch="${2:-}"
      shift || true
      case "$libtorch" in
        system|pip) ;;
        *) echo "setup: --libtorch takes 'system' (Debian's 1.13, the default) or 'pip' (ci/pip-torch.txt), not '$libtorch'" >&2; exit 2 ;;
      esac ;;
    *) echo "setup: unknown argument '$1'; see the comment at the top of ci/setup.sh" >&2; exit 2 ;;
  esac
  shift
done

packages=(
  build-essential cmake git pkg-config
  libtorch-dev            # LibTorch 1.13, CPU build
  libopenblas0-openmp     # an optimised BLAS for LibTorch: the reference BLAS is ~25x slower on linear layers
  libbenchmark-dev        # Google Benchmark: `gcbench bench`
  libsqlite3-dev libsqlitecpp-dev   # the results history (`gcbench history`)
  libboost-dev            # Boost.DLL (header-only with std::filesystem)
  libtomlplusplus-dev     # TOML++ for suite files
  libfmt-dev              # formatting
  libspdlog-dev           # logging
  libcli11-dev            # command-line parsing
  nlohmann-json3-dev      # run records
  zlib1g-dev              # gzip IDX files
  libssl-dev              # SHA-256 of plugin files (OpenSSL's libcrypto)
  libturbojpeg0-dev       # mini-ImageNet JPEG decoding
  libcurl4-openssl-dev    # `gcbench data fetch`: downloads
  libarchive-dev          # `gcbench data fetch`: unpacking; mini-ImageNet from ImageNet's tar
  catch2                  # tests (v2)
  dataset-fashion-mnist   # the quick-start's real data
  gnuplot-nox             # `gcbench report` draws its plots with gnuplot
  valgrind                # `gcbench bench --instructions` counts under callgrind (its header marks what to count)
  libgoogle-perftools-dev # tcmalloc_minimal, gcbench's allocator (faster and leaner than glibc's here)
)
if [ "$tests" = 1 ]; then
  packages+=(chromium)    # the report test renders report.html headless
  packages+=(python3)     # the fetch tests serve archives from a loopback HTTP server (Python's http.server)
  packages+=(clang-format clang-tidy)   # ci/format.sh (in CI) and ci/tidy.sh: the house rules as tools
  packages+=(libpng-dev)   # PNG files for the image_folder example dataset the SDK test builds (its JPEGs: TurboJPEG, above)
fi
if [ "$reference" = 1 ]; then
  packages+=(python3-torch)   # the same LibTorch 1.13 from Python, for the side-by-side benchmark
  packages+=(libjemalloc2 libtcmalloc-minimal4)   # its Python arms that preload jemalloc or tcmalloc
fi
if [ "$fuzz" = 1 ]; then
  packages+=(clang-14 libfuzzer-14-dev)   # ci/fuzz.sh: libFuzzer targets
fi

if [ "$libtorch" = pip ]; then
  packages+=(python3 python3-venv)   # the virtual environment the pip torch goes into
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages already installed"
else
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [ "$libtorch" = pip ]; then
  source "$(dirname "$0")/pip_torch.sh"
  # Debian's python, whose venv module python3-venv provides, rather than whichever python3 is first on PATH.
  base_python=/usr/bin/python3
  [ -x "$base_python" ] || base_python="$(command -v python3)"
  installed="$("$pip_torch_python" -c 'import torch; print(torch.__version__.split("+")[0])' 2>/dev/null || true)"
  if [ "$installed" = "$pip_torch_version" ]; then
    echo "setup: torch $pip_torch_version already in $pip_torch_venv"
  else
    echo "setup: installing torch $pip_torch_version into $pip_torch_venv (pip; about 4.5 GB with its CUDA libraries)"
    "$base_python" -m venv "$pip_torch_venv"
    "$pip_torch_python" -m pip install --quiet --disable-pip-version-check -r "$pip_torch_requirements"
    "$pip_torch_python" -c 'import torch; print("setup: torch", torch.__version__, "CUDA", torch.version.cuda)'
  fi
fi
