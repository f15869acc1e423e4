#!/bin/bash
# Size of single-block inputs against pigz: cuts windows of WINDOW bytes (default 1.9 MB, under
# one 2 MiB block, so each is one codec decision) out of every corpus file at a few offsets,
# compresses each with rigz and `pigz -p 2` at each level, and prints the largest and the
# smallest ratio rigz / pigz per file and level. A whole file averages its blocks' decisions;
# a window of one or a few blocks shows how far single decisions can miss (docs/design.md,
# "The first blocks of an input"). WINDOW=4000000 makes two-block windows.
#
# usage: bench/size_windows.sh RIGZ CORPUS_DIR [LEVELS (1,2,6,9)] [OFFSETS_MIB (5,35,65,95,125)]
set -eu
rigz=$1
corpus=$2
levels=${3:-1,2,6,9}
offsets=${4:-5,35,65,95,125}
window=${WINDOW:-1900000}
tmp=$(mktemp -d /dev/shm/size-windows.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

printf '%-16s %5s %8s %8s  %s\n' file level max min "offset of max (MiB)"
for path in "$corpus"/*; do
  file=$(basename "$path")
  [ "$file" = MANIFEST ] && continue
  size=$(stat -c %s "$path")
  for level in ${levels//,/ }; do
    max=0 min=9 at=-
    for off in ${offsets//,/ }; do
      [ $(((off << 20) + window)) -le "$size" ] || continue
      tail -c +$(((off << 20) + 1)) "$path" | head -c "$window" >"$tmp/in"
      r=$("$rigz" -"$level" -c "$tmp/in" | wc -c)
      p=$(pigz -"$level" -p 2 -c "$tmp/in" | wc -c)
      ratio=$(awk -v r="$r" -v p="$p" 'BEGIN { printf "%.4f", r / p }')
      if awk -v a="$ratio" -v b="$max" 'BEGIN { exit !(a > b) }'; then max=$ratio at=$off; fi
      if awk -v a="$ratio" -v b="$min" 'BEGIN { exit !(a < b) }'; then min=$ratio; fi
    done
    printf '%-16s %5s %8s %8s  %s\n' "$file" "$level" "$max" "$min" "$at"
  done
done
