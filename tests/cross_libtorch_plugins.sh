#!/usr/bin/env bash
# Each LibTorch build refuses the plugins of the other, naming both LibTorch
# versions, and still loads its own: a plugin built against LibTorch 2.x must
# never be called from a gcbench built against 1.13, nor the reverse.
#   cross_libtorch_plugins.sh THIS_GCBENCH THIS_PLUGINS OTHER_GCBENCH OTHER_PLUGINS
set -uo pipefail
[ $# -eq 4 ] || { echo "usage: $0 THIS_GCBENCH THIS_PLUGINS OTHER_GCBENCH OTHER_PLUGINS" >&2; exit 2; }
failures=0

torch_version() {  # the LibTorch a gcbench's own plugins were built against
  "$1" plugins --json 2>/dev/null | python3 -c 'import json, sys; print(json.load(sys.stdin)["plugins"][0]["libtorch_version"])'
}

check() {  # gcbench, its LibTorch, the other's plugin folder, the other's LibTorch
  local gcbench="$1" own="$2" folder="$3" other="$4"
  local output
  output="$("$gcbench" plugins --plugin-path "$folder" 2>&1)"
  local status=$?
  local refused
  refused="$(grep -c "plugin not loaded: .*was built against LibTorch $other .*but this gcbench uses LibTorch $own" <<<"$output")"
  local plugins
  plugins="$(find "$folder" -maxdepth 1 -name 'gcbench_*.so' | wc -l)"
  if [ "$status" -ne 0 ] || [ "$refused" -ne "$plugins" ] || [ "$plugins" -eq 0 ]; then
    echo "FAIL: $gcbench (LibTorch $own) with the plugins of $folder (LibTorch $other): exit $status," \
         "$refused of $plugins refused naming both versions. Output:"
    echo "$output"
    failures=$((failures + 1))
  else
    echo "ok: $gcbench (LibTorch $own) refused all $plugins plugins of LibTorch $other, naming both versions"
  fi
}

this_version="$(torch_version "$1")"
other_version="$(torch_version "$3")"
if [ -z "$this_version" ] || [ -z "$other_version" ] || [ "$this_version" = "$other_version" ]; then
  echo "FAIL: the two builds must use different LibTorch versions (this: '$this_version', other: '$other_version')"
  exit 1
fi
check "$1" "$this_version" "$4" "$other_version"
check "$3" "$other_version" "$2" "$this_version"
[ "$failures" -eq 0 ] && echo "2 passed, 0 failed" || echo "$((2 - failures)) passed, $failures failed"
exit "$failures"
