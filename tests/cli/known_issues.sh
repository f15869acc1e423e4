#!/bin/bash
# Divergences from gzip that this suite found in the decompressor, fixed and kept as
# regression tests.
source "$(dirname "$0")/lib.sh" "$@"

gen_text 200000 text
gzip -n -c text >good.gz
LEN=$(stat -c %s good.gz)

# A wrong ISIZE is "invalid compressed data--length error" for gzip; rigz says "crc error".
group "ISIZE message"
cp good.gz isize.gz
printf '\x55' | dd of=isize.gz bs=1 seek=$((LEN - 2)) conv=notrunc status=none
run gzip -t isize.gz
check_rc 1 "gzip -t (the reference)"
grep -q "length error" "$ERR" && ok || fail "gzip's own message changed: $(cat "$ERR")"
run "$RIGZ" -t isize.gz
check_rc 1 "rigz -t"
assert_err_has "invalid compressed data--length error"

# After a member, bytes that begin another one (1f 8b) but do not complete it are an
# error for gzip (exit 1: "unexpected end of file", "unknown method 9"), not trailing
# garbage; rigz warns "decompression OK, trailing garbage ignored" (exit 2) and, for
# rigz -d, writes the output and removes the input.
group "incomplete member after a member"
for g in '\x1f\x8b' '\x1f\x8b\x08' '\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03' \
         '\x1f\x8b\x09\x00\x00\x00\x00\x00\x00\x03\x03\x00'; do
  cp good.gz tm.gz
  printf "$g" >>tm.gz
  run gzip -t tm.gz
  check_rc 1 "gzip -t with '$g' after the member (the reference)"
  for mode in -t -dc; do
    run "$RIGZ" $mode tm.gz
    check_rc 1 "rigz $mode with '$g' after the member"
  done
  run "$RIGZ" -d tm.gz
  check_rc 1 "rigz -d with '$g' after the member"
  assert_exists tm.gz
  assert_absent tm
  rm -f tm tm.gz
done

# The header messages of the stream path (standard input; files are checked by the
# command line first, with gzip's words): "unknown method 9 -- not supported", "has
# flags 0x40 -- not supported"; rigz prints "unknown method -- not supported" and
# the format string "has flags 0x%x -- not supported".
group "header messages on stdin"
cp good.gz method.gz
printf '\x09' | dd of=method.gz bs=1 seek=2 conv=notrunc status=none
run "$RIGZ" -t <method.gz
check_rc 1 "rigz -t < bad method"
assert_err_has "stdin: unknown method 9 -- not supported"
cp good.gz flags.gz
printf '\x40' | dd of=flags.gz bs=1 seek=3 conv=notrunc status=none
run "$RIGZ" -t <flags.gz
check_rc 1 "rigz -t < reserved flag"
assert_err_has "stdin has flags 0x40 -- not supported"

finish
