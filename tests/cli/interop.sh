#!/bin/bash
# Interoperability: compressed size next to pigz; gzip, pigz, igzip and libdeflate
# output (and multi-member files) read by rigz; standard input and output.
source "$(dirname "$0")/lib.sh" "$@"

gen_text 2000000 big
gen_text 500000 text 2
gen_mixed 500000 mixed 3
: >empty

# rigz compresses at least as well as pigz at the same level: its output is at most
# 0.1% larger than pigz's (smaller is fine, and noted).
group "size next to pigz"
for level in 1 2 3 4 5 6 7 8 9; do
  for p in 1 2 4 8; do
    a=$("$RIGZ" -"$level" -p "$p" -c <big | wc -c)
    b=$(pigz -"$level" -p "$p" -c <big | wc -c)
    if [ $(((a - b) * 1000)) -le "$b" ]; then  # a <= b + b/1000
      ok
      [ $(((b - a) * 1000)) -gt "$b" ] && [ "$p" = 1 ] && echo "note: level $level: rigz $a bytes, pigz $b bytes"
    else
      fail "level $level -p $p: rigz $a bytes, pigz $b bytes (more than 0.1% larger)"
    fi
  done
done

# An input of up to 128 KiB is one zlib member without rigz's index subfield: the bytes
# pigz writes (docs/formats.md), name and time included.
group "small inputs as pigz writes them"
head -c 100000 big >small100k
head -c 700 text >small700
touch -d @1700000000 small100k small700
for f in small700 small100k; do
  for level in 1 2 3 4 5 6 7 8 9; do
    for n in -n -N; do
      "$RIGZ" -"$level" $n -c "$f" >r.gz
      pigz -"$level" $n -c "$f" >p.gz
      if cmp -s r.gz p.gz; then ok; else fail "$f -$level $n: rigz's output is not pigz's"; fi
    done
  done
done

# Output of other gzip implementations decompresses with rigz.
group "other compressors"
IGZIP=$(command -v igzip) || echo "igzip missing: skipped"
LIBDEFLATE=$(command -v libdeflate-gzip) || echo "libdeflate-gzip missing: skipped"
check_reads() {  # check_reads FILE.gz ORIGINAL DESC
  run "$RIGZ" -dc "$1"
  check_rc 0 "rigz -dc $3"
  assert_out_same "$2" "rigz -dc $3"
  run "$RIGZ" -t "$1"
  check_rc 0 "rigz -t $3"
}
for f in text mixed empty; do
  for level in 1 6 9; do
    gzip -"$level" -c "$f" >g.gz && check_reads g.gz "$f" "gzip -$level $f"
    pigz -"$level" -c "$f" >g.gz && check_reads g.gz "$f" "pigz -$level $f"
    if [ -n "$LIBDEFLATE" ]; then
      libdeflate-gzip -"$level" -c "$f" >g.gz && check_reads g.gz "$f" "libdeflate-gzip -$level $f"
    fi
  done
  if [ -n "$LIBDEFLATE" ]; then
    libdeflate-gzip -12 -c "$f" >g.gz && check_reads g.gz "$f" "libdeflate-gzip -12 $f"
  fi
  pigz -i -b 32 -c "$f" >g.gz && check_reads g.gz "$f" "pigz -i $f"
  pigz -0 -c "$f" >g.gz && check_reads g.gz "$f" "pigz -0 $f"
  pigz -H -c "$f" >g.gz && check_reads g.gz "$f" "pigz -H $f"
  pigz -U -c "$f" >g.gz && check_reads g.gz "$f" "pigz -U $f"
  pigz -C "a comment" -c "$f" >g.gz && check_reads g.gz "$f" "pigz -C $f"
  for level in 0 1 2 3; do
    [ -n "$IGZIP" ] && igzip -"$level" -c "$f" >g.gz && check_reads g.gz "$f" "igzip -$level $f"
  done
done

# A header with every optional field (FTEXT, FHCRC, FEXTRA, FNAME, FCOMMENT).
group "optional header fields"
if command -v python3 >/dev/null; then
  gzip -c -n mixed | python3 -c '
import sys, zlib, struct
gz = sys.stdin.buffer.read()
head = bytes([0x1f, 0x8b, 8, 0x1f]) + gz[4:10]
head += struct.pack("<H", 6) + b"AB\x02\x00xy" + b"name.txt\x00" + b"a comment\x00"
head += struct.pack("<H", zlib.crc32(head) & 0xffff)
sys.stdout.buffer.write(head + gz[10:])' >fields.gz
  run gzip -t fields.gz
  check_rc 0 "gzip -t on the crafted header"
  check_reads fields.gz mixed "all header fields"
else
  echo "python3 missing: skipped"
fi

# Several members, as cat makes them, an empty member among them.
group "multi-member"
gzip -c text >m1.gz
"$RIGZ" -c mixed >m2.gz
gzip -c empty >m3.gz
pigz -c text >m4.gz
cat m1.gz m2.gz m3.gz m4.gz >multi.gz
cat text mixed text >multi.expected
check_reads multi.gz multi.expected "four members"
cat m3.gz m3.gz >empties.gz
check_reads empties.gz empty "two empty members"
cat m3.gz m1.gz >empty_first.gz
check_reads empty_first.gz text "empty first member"
"$RIGZ" -c text >r1.gz
"$RIGZ" -c mixed >r2.gz
cat r1.gz r2.gz >rr.gz
cat text mixed >rr.expected
check_reads rr.gz rr.expected "two rigz members"
run gzip -dc rr.gz
assert_out_same rr.expected "gzip -dc on two rigz members"

# Standard input and output, and "-" as a file name.
group "stdin and stdout"
run "$RIGZ" <text
check_rc 0 "rigz < text"
cp "$OUT" s.gz
run gzip -dc s.gz
assert_out_same text "rigz < f > g, gzip -dc"
run "$RIGZ" -d <s.gz
check_rc 0 "rigz -d < g"
assert_out_same text "rigz -d < g"
run "$RIGZ" - <text
check_rc 0 "rigz -"
assert_same "$OUT" s.gz "rigz - and rigz < f give the same bytes"
run "$RIGZ" -dc - <s.gz
check_rc 0 "rigz -dc -"
assert_out_same text "rigz -dc -"
run "$RIGZ" -d - <s.gz
check_rc 0 "rigz -d -"
assert_out_same text "rigz -d -"
run "$RIGZ" -c - <empty
check_rc 0 "rigz -c - < empty"
cp "$OUT" e.gz
run gzip -dc e.gz
check_rc 0 "gzip -dc on compressed empty stdin"
assert_out_same empty "empty stdin"
# Through pipes (not regular files) both ways.
cat text | "$RIGZ" -p 4 | cat >pipe.gz
run gzip -dc pipe.gz
assert_out_same text "cat | rigz | cat"
cat pipe.gz | "$RIGZ" -d | cat >pipe.out
assert_same pipe.out text "cat | rigz -d | cat"
# Files and stdin mixed on one command line (-c concatenates the members).
run "$RIGZ" -c text - mixed <text
check_rc 0 "rigz -c text - mixed"
cp "$OUT" three.gz
cat text text mixed >three.expected
run gzip -dc three.gz
assert_out_same three.expected "rigz -c text - mixed"
assert_no_temp

finish
