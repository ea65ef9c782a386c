#!/usr/bin/env bash
# Installs, idempotently, every Debian package gcbench needs to build, test and run.
# Safe to run again: apt-get skips what is already installed.
#   bash ci/setup.sh           what building and running gcbench needs
#   bash ci/setup.sh --tests   that, and what the tests alone need (a headless browser)
#   bash ci/setup.sh --fuzz    that, and clang-14 with libFuzzer (ci/fuzz.sh)
#   bash ci/setup.sh --reference  that, and Python PyTorch (ci/bench_vs_pytorch.sh)
set -euo pipefail

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
)
if [ "${1:-}" = "--tests" ]; then
  packages+=(chromium)    # the report test renders report.html headless
  packages+=(python3)     # the fetch tests serve archives from a loopback HTTP server (Python's http.server)
fi
if [ "${1:-}" = "--reference" ]; then
  packages+=(python3-torch)   # the same LibTorch 1.13 from Python, for the side-by-side benchmark
fi
if [ "${1:-}" = "--fuzz" ]; then
  packages+=(clang-14 libfuzzer-14-dev)   # ci/fuzz.sh: libFuzzer targets
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages already installed"
  exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "setup: installing ${missing[*]}"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
