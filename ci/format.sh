#!/usr/bin/env bash
# The house style (.clang-format) on every C++ file git tracks.
#   bash ci/format.sh          lists the files that differ from it; exit 1 when any does
#   bash ci/format.sh --fix    rewrites them
set -euo pipefail
cd "$(dirname "$0")/.."
mode=check
if [ "${1:-}" = "--fix" ]; then
  mode=fix
elif [ $# -gt 0 ]; then
  echo "format: unknown argument '$1'; use --fix or nothing" >&2
  exit 2
fi
if ! command -v clang-format > /dev/null; then
  echo "format: clang-format is missing: apt-get install clang-format (ci/setup.sh --tests installs it)" >&2
  exit 2
fi
mapfile -d '' files < <(git ls-files -z -- '*.cpp' '*.hpp' '*.h' ':!:tests/fuzz/corpus' ':!:tests/fuzz/regressions')
if [ "$mode" = fix ]; then
  clang-format -i --style=file -- "${files[@]}"
  exit 0
fi
differing=()
for file in "${files[@]}"; do
  if ! clang-format --style=file --dry-run -Werror -- "$file" > /dev/null 2>&1; then differing+=("$file"); fi
done
if [ ${#differing[@]} -gt 0 ]; then
  printf 'format: not in the house style (.clang-format): %s\n' "${differing[@]}" >&2
  echo "format: bash ci/format.sh --fix rewrites them" >&2
  exit 1
fi
echo "format: ${#files[@]} files in the house style"
