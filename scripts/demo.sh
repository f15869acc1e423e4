#!/usr/bin/env bash
# Compresses a demo file with rigz, decompresses it, and checks the round trip (and that
# gzip reads rigz's output).
set -euo pipefail
rigz=$(realpath "${1:-build/rigz}")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# About 20 MB of text: the system's headers, repeated.
for _ in 1 2 3 4; do cat /usr/include/*.h; done > "$dir/demo.txt" 2>/dev/null
cp "$dir/demo.txt" "$dir/original"
size=$(stat -c %s "$dir/demo.txt")
start=$(date +%s%N)
"$rigz" -v "$dir/demo.txt"
mid=$(date +%s%N)
gzip -t "$dir/demo.txt.gz"
"$rigz" -d -v "$dir/demo.txt.gz"
end=$(date +%s%N)
cmp "$dir/demo.txt" "$dir/original"
echo "demo: $size bytes compressed in $(((mid - start) / 1000000)) ms and restored in $(((end - mid) / 1000000)) ms; round trip OK, gzip -t OK"
