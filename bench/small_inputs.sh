#!/bin/bash
# Inputs of a few blocks against pigz: compresses the first SIZES megabytes of every corpus
# file (default 2, 8 and 32) with rigz and pigz at the same level and thread count, best of
# RUNS (3), each pair run back to back, and prints the times and the ratios rigz / pigz of
# time and size. Such an input has few 2 MiB blocks for the threads, so a slow block on one
# thread can decide the whole time (docs/design.md, "Pieces of slow blocks").
#
# usage: bench/small_inputs.sh RIGZ CORPUS_DIR [LEVELS (6,9)] [THREADS (2)] [SIZES_MB (2,8,32)]
set -eu
rigz=$1
corpus=$2
levels=${3:-6,9}
threads=${4:-2}
sizes=${5:-2,8,32}
runs=${RUNS:-3}
tmp=$(mktemp -d /dev/shm/small-inputs.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# Best wall time of `runs` runs of the command, in ms, its output into $tmp/out.
best_ms() {
  local best=
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s%N)
    "$@" >"$tmp/out"
    end=$(date +%s%N)
    local ms=$(((end - start) / 1000000))
    if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
  done
  echo "$best"
}

printf '%-16s %5s %5s %8s %8s %7s %7s\n' file MB level rigz_ms pigz_ms time size
for path in "$corpus"/*; do
  file=$(basename "$path")
  [ "$file" = MANIFEST ] && continue
  for mb in ${sizes//,/ }; do
    head -c $((mb * 1000000)) "$path" >"$tmp/in"
    for level in ${levels//,/ }; do
      r=$(best_ms "$rigz" -"$level" -p "$threads" -c "$tmp/in")
      rs=$(stat -c %s "$tmp/out")
      cmp -s <(gzip -dc "$tmp/out") "$tmp/in" || { echo "rigz output wrong: $file $mb MB -$level" >&2; exit 1; }
      p=$(best_ms pigz -"$level" -p "$threads" -c "$tmp/in")
      ps=$(stat -c %s "$tmp/out")
      awk -v f="$file" -v mb="$mb" -v l="$level" -v r="$r" -v p="$p" -v rs="$rs" -v ps="$ps" \
        'BEGIN { printf "%-16s %5s %5s %8d %8d %7.2f %7.4f\n", f, mb, l, r, p, r / (p ? p : 1), rs / ps }'
    done
  done
done
