#!/bin/bash
# Round trips: every level and thread count over sizes around the 32 KiB window, the
# compressor's 64 KiB first read and the 128 KiB sample limit, plus a few MiB; output
# identical whatever the thread count, and readable by gzip and pigz.
source "$(dirname "$0")/lib.sh" "$@"

SIZES="0 1 32767 32768 32769 65536 65537 131071 131072 131073 3145728"
THREADS="1 2 4 8"

group "inputs"
for size in $SIZES; do gen_mixed "$size" "in.$size" "$size"; done
ok

for size in $SIZES; do
  group "size $size"
  for level in 1 2 3 4 5 6 7 8 9; do
    # The same bytes for every thread count.
    for p in $THREADS; do
      run "$RIGZ" -"$level" -p "$p" -c "in.$size"
      check_rc 0 "rigz -$level -p $p -c in.$size"
      cp "$OUT" "gz.$p"
    done
    for p in $THREADS; do assert_same gz.1 "gz.$p" "size $size level $level: -p 1 and -p $p differ"; done
    # Decompressed by rigz, gzip and pigz.
    run "$RIGZ" -dc gz.1
    check_rc 0 "rigz -dc (level $level)"
    assert_out_same "in.$size" "rigz -dc: size $size level $level"
    run gzip -t gz.1
    check_rc 0 "gzip -t (size $size level $level)"
    run gzip -dc gz.1
    check_rc 0 "gzip -dc (size $size level $level)"
    assert_out_same "in.$size" "gzip -dc: size $size level $level"
    run pigz -dc gz.1
    check_rc 0 "pigz -dc (size $size level $level)"
    assert_out_same "in.$size" "pigz -dc: size $size level $level"
  done
done

# Decompression with several threads gives the same bytes.
group "decompression thread counts"
"$RIGZ" -c in.3145728 >big.gz
for p in $THREADS; do
  run "$RIGZ" -d -p "$p" -c big.gz
  check_rc 0 "rigz -d -p $p"
  assert_out_same in.3145728 "rigz -d -p $p"
done

finish
