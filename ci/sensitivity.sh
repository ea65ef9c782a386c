#!/usr/bin/env bash
# How often the nightly's paired bench (`gcbench bench --against`, judged by
# `gcbench compare FILE`) catches a known slowdown, and how often it raises a
# false alarm on unchanged code: the table the nightly's threshold for its two
# speed targets is set from (suites/nightly.thresholds.toml,
# [benchmark.paired_relative_for]; README, "Nightly").
#
# The slowdown is real busy work in a real case: a copy of conv4 built with
# GCBENCH_TEST_SLOWDOWN (tests/CMakeLists.txt) spends that fraction of each
# forward's own time spinning after it. A first A/B, at a large fraction,
# measures how much of train_step/conv4 the forward is; each condition's
# fraction is then set so that train_step/conv4 slows by 3%, 5% and 10%
# (gc/hutchinson/conv4, whose forward share differs, slows by what it
# measures, and the table says so). Unchanged code is this build against a
# copy of itself. Every trial is a whole paired bench, as the nightly runs it.
#
#   bash ci/sensitivity.sh                 about 90 minutes on 2 cores with the defaults
#   bash ci/sensitivity.sh --table FOLDER  the table again from a finished folder's paired files
#                                          (e.g. at other thresholds), running nothing
#
# Settings, from the environment:
#   GCBENCH_SENSITIVITY_TRIALS    trials per condition (default 10)
#   GCBENCH_SENSITIVITY_ROUNDS    rounds per paired bench (default 10, as the nightly)
#   GCBENCH_SENSITIVITY_MIN_TIME  --min-time per case and round (default 0.2, as the nightly; both cases
#                                 here are the speed targets, which run at least 1 s whatever it says,
#                                 after a warm-up of at least 0.2 s)
#   GCBENCH_SENSITIVITY_TARGETS   slowdowns of train_step/conv4 to inject (default "0.03 0.05 0.10")
#   GCBENCH_SENSITIVITY_UNCHANGED 1 runs the same-code trials too (default), 0 leaves them out (to add
#                                 slowdown rows to a table whose same-code trials are measured already)
#   GCBENCH_SENSITIVITY_THRESHOLDS  paired_relative values to judge every trial at (default "0 0.005 0.01 0.02 0.03")
# Writes results/sensitivity/<UTC time>/: every trial's paired file, and sensitivity.md.
set -euo pipefail
cd "$(dirname "$0")/.."
trials=${GCBENCH_SENSITIVITY_TRIALS:-10}
rounds=${GCBENCH_SENSITIVITY_ROUNDS:-10}
min_time=${GCBENCH_SENSITIVITY_MIN_TIME:-0.2}
targets=${GCBENCH_SENSITIVITY_TARGETS:-"0.03 0.05 0.10"}
unchanged=${GCBENCH_SENSITIVITY_UNCHANGED:-1}
thresholds=${GCBENCH_SENSITIVITY_THRESHOLDS:-"0 0.005 0.01 0.02 0.03"}
cases=(train_step/conv4 gc/hutchinson/conv4)
filter='^(train_step/conv4|gc/hutchinson/conv4)$'
table_only=""
case "${1:-}" in
  --table) table_only=${2:?usage: bash ci/sensitivity.sh --table FOLDER} ;;
  "") ;;
  *) echo "usage: bash ci/sensitivity.sh [--table FOLDER]" >&2; exit 2 ;;
esac

baseline=./build/gcbench
if [ -z "$table_only" ]; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release > /dev/null
  cmake --build build -j "$(nproc)" --target gcbench gcbench_plugins gcbench_architecture_conv4_slowed >&2
  out="results/sensitivity/$(date -u +%Y%m%dT%H%M%SZ)"
  mkdir -p "$out"
else
  out=$table_only
fi

# A contender is a copy of this build with a plugins folder of its own beside it
# (gcbench finds its plugins beside itself), as another revision's build would be.
make_contender() {  # FOLDER CONV4_PLUGIN
  mkdir -p "$1/plugins"
  cp build/gcbench "$1/"
  cp build/plugins/gcbench_*.so "$1/plugins/"
  cp -r build/plugins/gcbench_*.data "$1/plugins/" 2>/dev/null || true  # plugins' shipped files, where there are any
  cp "$2" "$1/plugins/gcbench_architecture_conv4.so"
}

trial() {  # CONTENDER FRACTION FILE
  GCBENCH_TEST_SLOWDOWN="$2" "$1/gcbench" bench --against "$baseline" --filter "$filter" --rounds "$rounds" \
    --min-time "$min_time" --threads 2 --json "$3" 2> "$3.log"
}
# The interval's note of CASE in FILE judged at THRESHOLD: "<verdict> <ratio> <low> <high>".
judge() {  # FILE CASE THRESHOLD
  printf '[benchmark]\npaired_relative = %s\n' "$3" > "$out/thresholds.toml"
  # compare exits 1 on a regression: that is the answer here, not a failure.
  { "$baseline" compare --json --thresholds "$out/thresholds.toml" "$1" 2>/dev/null || true; } |
    jq -r --arg name "$2/real_time" '.findings[] | select(.subject == $name) |
      "\(.verdict) \(.ratio.estimate) \(.ratio.low) \(.ratio.high)"'
}

started=$SECONDS
if [ -z "$table_only" ]; then
  make_contender "$out/unchanged" build/plugins/gcbench_architecture_conv4.so
  make_contender "$out/slowed" build/tests/test_plugins/conv4_slowed/gcbench_architecture_conv4.so
  echo "sensitivity: measuring conv4's forward share of its cases (one A/B at fraction 0.5)" >&2
  trial "$out/slowed" 0.5 "$out/share.json"
  share=$(judge "$out/share.json" train_step/conv4 0.03 | awk '{ print ($2 - 1) / 0.5 }')
  echo "sensitivity: conv4's forward is $share of train_step/conv4 (its slowdown per unit of injected fraction)" >&2
  # What the table needs to be made again: the share, the conditions, the settings.
  {
    echo "share $share"
    echo "settings $trials $rounds $min_time"
    [ "$unchanged" = 0 ] || echo "condition unchanged 0"
    for target in $targets; do echo "condition $target $(awk -v t="$target" -v s="$share" 'BEGIN { print t / s }')"; done
  } > "$out/conditions.txt"
fi
share=$(awk '$1 == "share" { print $2 }' "$out/conditions.txt")
read -r trials rounds min_time <<< "$(awk '$1 == "settings" { print $2, $3, $4 }' "$out/conditions.txt")"
mapfile -t conditions < <(awk '$1 == "condition" { print $2, $3 }' "$out/conditions.txt")
if [ -z "$table_only" ]; then
  for condition in "${conditions[@]}"; do
    read -r name fraction <<< "$condition"
    contender="$out/slowed"
    [ "$name" = unchanged ] && contender="$out/unchanged"
    for t in $(seq 1 "$trials"); do
      file="$out/$name-$t.json"
      trial "$contender" "$fraction" "$file"
      echo "sensitivity: $name trial $t/$trials: $(judge "$file" train_step/conv4 0.03) | $(judge "$file" gc/hutchinson/conv4 0.03); $((SECONDS - started)) s" >&2
    done
  done
  rm -rf "$out/unchanged" "$out/slowed"
fi

{
  echo "# Paired-bench sensitivity ($(date -u +%Y-%m-%d), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores)"
  echo
  echo "$trials trials per condition, $rounds rounds each, --min-time $min_time, 2 threads; conv4's forward share of train_step/conv4: $share."
  echo "A trial is flagged when the 95% interval of the contender/baseline ratio lies wholly above 1 + threshold."
  echo
  header="| slowdown injected (train_step/conv4) | forward fraction | case | median measured ratio |"
  rule="|---|---|---|---|"
  for th in $thresholds; do header+=" flagged at ${th} |"; rule+="---|"; done
  echo "$header"
  echo "$rule"
  for condition in "${conditions[@]}"; do
    read -r name fraction <<< "$condition"
    for case in "${cases[@]}"; do
      row="| $name | $fraction | \`$case\` |"
      ratios=$(for t in $(seq 1 "$trials"); do judge "$out/$name-$t.json" "$case" 0.03 | awk '{ print $2 }'; done | sort -g)
      row+=" $(echo "$ratios" | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }') |"
      for th in $thresholds; do
        flagged=0
        for t in $(seq 1 "$trials"); do
          [ "$(judge "$out/$name-$t.json" "$case" "$th" | cut -d' ' -f1)" = REGRESSED ] && flagged=$((flagged + 1))
        done
        row+=" $flagged/$trials |"
      done
      echo "$row"
    done
  done
  if [ -z "$table_only" ]; then
    echo
    echo "Wall time of the trials: $((SECONDS - started)) s."
  fi
} | tee "$out/sensitivity.md"
echo "sensitivity: $out/sensitivity.md" >&2
