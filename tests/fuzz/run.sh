#!/usr/bin/env bash
# Runs the fuzz targets of a fuzz build (make fuzz / make fuzz-long), one after another,
# each for SECONDS from its seeds plus the corpus it has grown in BUILD/corpus/<target>.
# Stops at the first crash; the input that crashed is BUILD/<target>-crash-* (replay it
# with BUILD/tests/fuzz/<target> FILE; make it a regression in tests/fuzz/regressions/).
# Usage: tests/fuzz/run.sh BUILD SECONDS [target...]
set -euo pipefail
build=$1
seconds=$2
shift 2
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(fuzz_header fuzz_decompress fuzz_roundtrip fuzz_lzw fuzz_pack fuzz_inflate)
here=$(cd "$(dirname "$0")" && pwd)
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
for t in "${targets[@]}"; do
  case $t in
    fuzz_roundtrip) seeds=$here/seeds/raw; max_len=65536 ;;
    fuzz_lzw) seeds=$here/seeds/Z; max_len=16384 ;;
    fuzz_pack) seeds=$here/seeds/pack; max_len=16384 ;;
    fuzz_inflate) seeds=$here/seeds/deflate; max_len=65536 ;;
    *) seeds=$here/seeds/gz; max_len=16384 ;;
  esac
  mkdir -p "$build/corpus/$t"
  echo "== $t: ${seconds}s"
  # The progress lines (NEW, REDUCE, pulse) are left out; the target's status is what counts.
  set +e
  "$build/tests/fuzz/$t" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=4096 -max_len=$max_len \
    -print_final_stats=1 -artifact_prefix="$build/$t-" "$build/corpus/$t" "$seeds" 2>&1 |
    grep -v -E '^#[0-9]+[[:space:]]+(NEW|REDUCE|pulse)'
  status=${PIPESTATUS[0]}
  set -e
  [ "$status" -eq 0 ] || { echo "== $t FAILED (status $status): see $build/$t-*" >&2; exit 1; }
done
