#!/bin/bash
# Damaged and foreign input: every error is exit status 1 with one message naming
# the file, the input stays, and no output or temporary file is left; trailing
# garbage is a warning (2) and trailing zeros are ignored, as in gzip.
source "$(dirname "$0")/lib.sh" "$@"

gen_text 200000 text
gzip -n -c text >good.gz          # a plain 10-byte header, one member
"$RIGZ" -c text >rigz.gz          # rigz's own format
LEN=$(stat -c %s good.gz)

# patch FILE OFFSET HEXBYTE: overwrites one byte.
patch() { printf "\\x$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none; }
# xor_byte FILE OFFSET MASK: flips bits of one byte.
xor_byte() {
  local v
  v=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
  patch "$1" "$2" "$(printf %02x $((v ^ $3)))"
}

# check_bad FILE.gz: rigz -d, -t and -dc all fail on FILE.gz (as gzip does), with one
# line naming it, leaving the file as it was and no output or temporary file.
check_bad() {
  local f=$1 stem=${1%.gz}
  cp "$f" "$ROOT/orig"
  run gzip -t "$f"
  check_rc 1 "gzip -t $f (the reference)"
  for mode in -d -dk -df -t; do
    run "$RIGZ" $mode "$f"
    check_rc 1 "rigz $mode $f"
    assert_err_lines 1
    assert_err_has "$f"
    assert_out_empty
    assert_same "$f" "$ROOT/orig" "rigz $mode changed $f"
    assert_absent "$stem"
    assert_no_temp
    rm -f "$stem"  # start each mode afresh, even after a failure
    cp "$ROOT/orig" "$f"
  done
  run "$RIGZ" -dc "$f"
  check_rc 1 "rigz -dc $f"
  assert_err_lines 1
  assert_err_has "$f"
  run "$RIGZ" -d <"$f"
  check_rc 1 "rigz -d < $f"
  assert_err_has "stdin"
  rm -f "$ROOT/orig"
}

# Truncated anywhere: in the header, the deflate data or the trailer.
group "truncated"
for src in good.gz rigz.gz; do
  len=$(stat -c %s $src)
  for n in 0 1 2 5 9 10 11 20 $((len / 2)) $((len - 9)) $((len - 8)) $((len - 4)) $((len - 1)); do
    head -c "$n" $src >"cut$n.gz"
    check_bad "cut$n.gz"
    rm -f "cut$n.gz"
  done
done

# A wrong CRC or ISIZE in the trailer.
group "trailer"
for off in $((LEN - 8)) $((LEN - 5)); do
  cp good.gz crc.gz
  xor_byte crc.gz "$off" 1
  check_bad crc.gz
  run "$RIGZ" -t crc.gz
  assert_err_has "crc error"
done
for off in $((LEN - 4)) $((LEN - 1)); do
  cp good.gz isize.gz
  xor_byte isize.gz "$off" 0x10
  check_bad isize.gz
  run "$RIGZ" -t isize.gz
  assert_err_has "invalid compressed data--length error"
done
rm -f crc.gz isize.gz
# A wrong CRC in the last member of rigz's own output (members inflated by the workers):
# -dc writes all it inflated before the error, as gzip and pigz do, at any thread count.
gen_text 1000000 members 5  # over the 64 KiB of compressed input that one thread takes alone
"$RIGZ" -k -b 64 members
xor_byte members.gz $(($(stat -c %s members.gz) - 8)) 1
for p in 1 2 4; do
  run "$RIGZ" -dc -p $p members.gz
  check_rc 1 "rigz -dc -p $p members.gz"
  assert_err_has "crc error"
  assert_out_same members "rigz -dc -p $p of a bad last member"
done
rm -f members members.gz

# A bad header: magic, method, reserved flags, header CRC.
group "header"
cp good.gz magic.gz && patch magic.gz 0 1e && check_bad magic.gz
cp good.gz magic2.gz && patch magic2.gz 1 8c && check_bad magic2.gz
cp good.gz method.gz && patch method.gz 2 09 && check_bad method.gz
run "$RIGZ" -t method.gz
assert_err_has "method"
for bit in 20 40 80; do
  cp good.gz flags.gz && patch flags.gz 3 "$bit" && check_bad flags.gz
done
printf 'this is not gzip data at all\n' >notgz.gz
check_bad notgz.gz
run "$RIGZ" -t notgz.gz
assert_err_has "not in gzip format"
# The same through standard input, where the stream reports them.
run "$RIGZ" -t <method.gz
assert_err_has "stdin: unknown method 9 -- not supported"
cp good.gz flags.gz && patch flags.gz 3 40
run "$RIGZ" -t <flags.gz
assert_err_has "stdin has flags 0x40 -- not supported"
rm -f magic.gz magic2.gz method.gz flags.gz notgz.gz
# FHCRC set with a wrong header CRC.
{ printf '\x1f\x8b\x08\x02\x00\x00\x00\x00\x00\x03\x12\x34'; tail -c +11 good.gz; } >hcrc.gz
check_bad hcrc.gz

# Damaged deflate data: invalid Huffman codes or distances (gzip rejects them too).
group "deflate data"
for off in 12 100 $((LEN / 3)) $((LEN / 2)) $((LEN - 20)); do
  cp good.gz flip.gz
  for i in 0 1 2 3 4 5 6 7; do xor_byte flip.gz $((off + i)) 0xff; done
  check_bad flip.gz
done
# A block of the reserved type 3.
{ printf '\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\x07\x00\x00\x00\x00\x00\x00\x00\x00\x00'; } >btype3.gz
check_bad btype3.gz
# A stored block whose LEN and NLEN disagree.
{ printf '\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\x01\x05\x00\x00\x00hello\x00\x00\x00\x00\x05\x00\x00\x00'; } >nlen.gz
check_bad nlen.gz
# Damage in the second of two members.
cp good.gz m1.gz
cat good.gz good.gz >multi.gz
xor_byte multi.gz $((LEN + LEN / 2)) 0xff
xor_byte multi.gz $((LEN + LEN / 2 + 1)) 0xff
check_bad multi.gz
head -c $((LEN + LEN / 2)) multi.gz >multicut.gz
check_bad multicut.gz
rm -f flip.gz multi.gz multicut.gz m1.gz

# Trailing garbage: decompressed anyway, a warning, exit 2 (as gzip).
group "trailing garbage"
garbage_case() {  # garbage_case NAME BYTES...: good.gz followed by printf BYTES
  cp good.gz "$1.gz"
  printf "$2" >>"$1.gz"
}
for g in 'garbage\n' 'XY' '\x1f\x8c' '\x00\x00\x01' 'PK\x03\x04'; do
  garbage_case tg "$g"
  run "$RIGZ" -dc tg.gz
  check_rc 2 "-dc with trailing '$g'"
  assert_out_same text "-dc with trailing '$g'"
  assert_err_has "tg.gz: decompression OK, trailing garbage ignored"
  run gzip -dc tg.gz
  check_rc 2 "gzip -dc with trailing '$g' (the reference)"
  run "$RIGZ" -t tg.gz
  check_rc 2 "-t with trailing '$g'"
  run "$RIGZ" -d tg.gz
  check_rc 2 "-d with trailing '$g'"
  assert_same tg text "-d with trailing '$g'"
  assert_absent tg.gz
  rm -f tg
done
garbage_case tg 'garbage'
run "$RIGZ" -d <tg.gz
check_rc 2 "-d < with trailing garbage"
assert_out_same text
run "$RIGZ" -dcq tg.gz
check_rc 2 "-q with trailing garbage"
assert_err_empty
# Bytes after a member that begin another one (1f 8b) but do not complete it are an
# error, as in gzip ("unexpected end of file", "unknown method 9"), not trailing garbage.
for g in '\x1f\x8b' '\x1f\x8b\x08' '\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03' \
         '\x1f\x8b\x09\x00\x00\x00\x00\x00\x00\x03\x03\x00'; do
  garbage_case tm "$g"
  check_bad tm.gz
  rm -f tm.gz
done

# Trailing zeros (tape padding) are ignored.
group "trailing zeros"
for n in 1 2 10 512 70000; do
  cp good.gz tz.gz
  head -c $n /dev/zero >>tz.gz
  run gzip -dc tz.gz
  check_rc 0 "gzip -dc with $n zeros (the reference)"
  run "$RIGZ" -dc tz.gz
  check_rc 0 "-dc with $n trailing zeros"
  assert_out_same text
  assert_err_empty
  run "$RIGZ" -t tz.gz
  check_rc 0 "-t with $n trailing zeros"
done
# Zeros and then garbage: still garbage.
cp good.gz tzg.gz
printf '\0\0\0\0xyz' >>tzg.gz
run gzip -dc tzg.gz
grc=$RC
run "$RIGZ" -dc tzg.gz
check_rc $grc "zeros then garbage: gzip's status"

# Several files, one of them bad: the others are processed; the status is 1.
group "mixed good and bad"
cp good.gz a.gz
cp good.gz c.gz
head -c 100 good.gz >b.gz
run "$RIGZ" -d a.gz b.gz c.gz
check_rc 1 "-d a.gz (good) b.gz (bad) c.gz (good)"
assert_exists a c b.gz
assert_absent a.gz c.gz b
assert_same a text
assert_same c text
assert_err_lines 1
assert_no_temp

finish
