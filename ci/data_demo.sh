#!/usr/bin/env bash
# Times what a new user types to get the paper's data, on generated data of the
# real sizes and formats (nothing here can be downloaded): `gcbench data fetch
# cifar_fs` of a CIFAR-100 binary release served over HTTP on loopback, and
# `gcbench data prepare mini_imagenet --from-imagenet` of an ImageNet-like
# training folder (100 classes, FILES images of WIDTHxHEIGHT each).
#   bash ci/data_demo.sh                      the real sizes: 600 CIFAR images per class; 650 files and 600 wanted per class
#   FILES=65 WANTED=60 bash ci/data_demo.sh   a tenth of mini-ImageNet
# Needs a build with tests (bash ci/test.sh) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build}
files=${FILES:-650} wanted=${WANTED:-600} width=${WIDTH:-500} height=${HEIGHT:-375}
work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill "$server"; rm -rf "$work"' EXIT
export GCBENCH_DATA=$work/data

echo "== generating a CIFAR-100 binary release (600 images per class) and packing it as the real one is"
"$build/gcbench_make_demo_data" cifar100 "$work/pack" 600
mkdir -p "$work/served"
tar -czf "$work/served/cifar-100-binary.tar.gz" -C "$work/pack" cifar-100-binary
ls -l "$work/served/cifar-100-binary.tar.gz"
python3 tests/support/archive_server.py "$work/served" "$work/port" "$work/requests.log" &
server=$!
for _ in $(seq 100); do [ -f "$work/port" ] && break; sleep 0.1; done
url="http://127.0.0.1:$(cat "$work/port")/cifar-100-binary.tar.gz"
sha=$(sha256sum "$work/served/cifar-100-binary.tar.gz" | cut -d' ' -f1)

echo "== gcbench data fetch cifar_fs (from loopback HTTP)"
TIMEFORMAT="fetch: %R s wall, %U s user"
time "$build/gcbench" data fetch cifar_fs --url "$url" --sha256 "$sha"

echo "== generating ImageNet-like class folders: 100 classes x $files images of ${width}x${height}"
start=$(date +%s)
"$build/gcbench_make_demo_data" imagenet "$work/imagenet" "$GCBENCH_DATA/mini_imagenet" "$files" "$wanted" "$width" "$height"
echo "generated in $(( $(date +%s) - start )) s: $(du -sh "$work/imagenet" | cut -f1)"

echo "== gcbench data prepare mini_imagenet --from-imagenet (folder)"
holdout=$(( wanted / 6 > 0 ? wanted / 6 : 1 ))
TIMEFORMAT="prepare: %R s wall, %U s user"
time "$build/gcbench" data prepare mini_imagenet \
  --from-imagenet "$work/imagenet" --set images_per_class="$wanted" --set holdout_per_class="$holdout"
