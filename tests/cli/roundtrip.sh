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

# Standard input that is a regular file is compressed as the file itself is; a pipe, whose
# length is unknown, gets 4 MiB blocks at levels 8-9 (plan.cpp), the same for every thread
# count, read back by gzip.
group "standard input: a file and a pipe"
gen_mixed 9437184 in.9m 9
for level in 6 9; do
  run "$RIGZ" -"$level" -n -c in.3145728
  cp "$OUT" file.gz
  run "$RIGZ" -"$level" <in.3145728
  check_rc 0 "rigz -$level < in.3145728"
  assert_out_same file.gz "rigz -$level < file: not the bytes of rigz -$level -n -c file"
done
for p in 1 4; do
  cat in.9m | "$RIGZ" -9 -p "$p" >"pipe.$p.gz" 2>"$ERR"
  RC=${PIPESTATUS[1]}
  check_rc 0 "cat | rigz -9 -p $p"
done
assert_same pipe.1.gz pipe.4.gz "cat | rigz -9: -p 1 and -p 4 differ"
run gzip -dc pipe.1.gz
check_rc 0 "gzip -dc of rigz -9 from a pipe"
assert_out_same in.9m "gzip -dc of rigz -9 from a pipe"

# Decompression with several threads gives the same bytes.
group "decompression thread counts"
"$RIGZ" -c in.3145728 >big.gz
for p in $THREADS; do
  run "$RIGZ" -d -p "$p" -c big.gz
  check_rc 0 "rigz -d -p $p"
  assert_out_same in.3145728 "rigz -d -p $p"
done

finish
