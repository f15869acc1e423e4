#!/bin/bash
# Options: short clusters, long forms and prefixes, values, the GZIP and RIGZ
# variables, -b, -l, -t, -v, -q, -V, -h.
source "$(dirname "$0")/lib.sh" "$@"

gen_text 300000 text
gen_mixed 200000 mixed 5
"$RIGZ" -6 -p 1 -c text >level6.gz
"$RIGZ" -1 -p 1 -c text >level1.gz
"$RIGZ" -9 -p 1 -c text >level9.gz
cmp -s level1.gz level9.gz && fail "levels 1 and 9 give the same bytes: the level checks below prove nothing"

# Short options alone, clustered, with values attached or separate; long options
# with = or a separate value, and unique prefixes of long options.
group "option forms"
check_same() {  # check_same EXPECTED.gz ARGS...: rigz ARGS (from text) gives EXPECTED
  local want=$1
  shift
  run "$RIGZ" "$@"
  check_rc 0 "rigz $*"
  assert_out_same "$want" "rigz $*"
}
check_same level6.gz -c -p1 text
check_same level1.gz -1 -c -p 1 text
check_same level1.gz -1c -p1 text
check_same level1.gz -c1p1 text
check_same level9.gz -9 --stdout --processes=1 text
check_same level9.gz --best --std --processes 1 text
check_same level1.gz --fast --to-stdout --proc=1 text
check_same level6.gz -1 -6 -cp1 text
check_same level9.gz -cp 1 -9 -- text
"$RIGZ" -c text >p.gz
check_same p.gz -c -p4 text
check_same p.gz -c -p 4 text
check_same p.gz -c --processes=4 text
check_same p.gz -c --processes 4 text
check_same p.gz -c --pro=4 text
check_same p.gz -c -p 8 -k text
cp text k.txt
expect 0 "$RIGZ" -9k k.txt
assert_exists k.txt k.txt.gz
expect 0 "$RIGZ" -dc k.txt.gz
assert_out_same text
rm -f k.txt
expect 0 "$RIGZ" -dk k.txt.gz
assert_same k.txt text
run "$RIGZ" -dc level6.gz
assert_out_same text "-dc"
run "$RIGZ" -cd level6.gz
assert_out_same text "-cd"
run "$RIGZ" --decomp --stdout level6.gz
assert_out_same text "--decomp --stdout"
run "$RIGZ" --uncompress -c level6.gz
assert_out_same text "--uncompress -c"
run "$RIGZ" -d --to-stdout -- level6.gz
assert_out_same text "-d --to-stdout --"
# Mistakes: exit status 1 and a message, as gzip.
for bad in -x --bogus --s --std=1 -p -p0 -px "-p -1" -b -b31 -bx -13 -99 "-S xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" "--suffix="; do
  run "$RIGZ" $bad -c text
  check_rc 1 "rigz $bad"
  assert_out_empty "rigz $bad writes nothing"
  [ -s "$ERR" ] && ok || fail "rigz $bad: no message"
done
run gzip --bogus
check_rc 1 "gzip --bogus (the reference)"

# -b: the block size in KiB, at least 32.
group "-b"
gen_text 2000000 big
for b in 32 33 64 100 128 1024 4096; do
  run "$RIGZ" -b "$b" -p 4 -c big
  check_rc 0 "-b $b"
  cp "$OUT" b.gz
  run gzip -dc b.gz
  assert_out_same big "-b $b round trip"
  run "$RIGZ" -b "$b" -p 1 -c big
  assert_out_same b.gz "-b $b: -p 1 and -p 4 differ"
done
run "$RIGZ" --blocksize 32 -c big
check_rc 0 "--blocksize 32"
run "$RIGZ" --blocksize=64 -c big
check_rc 0 "--blocksize=64"
run "$RIGZ" -b 31 -c big
check_rc 1 "-b 31"

# GZIP, PIGZ and RIGZ: options before the command line's; no file names allowed there.
group "environment"
GZIP=-1 run "$RIGZ" -p1 -c text
check_rc 0 "GZIP=-1"
assert_out_same level1.gz "GZIP=-1"
RIGZ=-1 run "$RIGZ" -p1 -c text
check_rc 0 "RIGZ=-1"
assert_out_same level1.gz "RIGZ=-1"
RIGZ="-1 -p 1" run "$RIGZ" -c text
assert_out_same level1.gz "RIGZ='-1 -p 1'"
GZIP=-9 RIGZ=-1 run "$RIGZ" -p1 -c text
assert_out_same level1.gz "RIGZ comes after GZIP"
RIGZ=-1 run "$RIGZ" -9 -p1 -c text
assert_out_same level9.gz "the command line comes after RIGZ"
PIGZ=-1 run "$RIGZ" -p1 -c text
check_rc 0 "PIGZ=-1"
assert_out_same level1.gz "PIGZ=-1 (pigz's variable)"
GZIP=-9 PIGZ=-1 run "$RIGZ" -p1 -c text
assert_out_same level1.gz "PIGZ comes after GZIP"
PIGZ=-9 RIGZ=-1 run "$RIGZ" -p1 -c text
assert_out_same level1.gz "RIGZ comes after PIGZ"
PIGZ=-c run "$RIGZ" -p1 text
assert_out_same level6.gz "PIGZ=-c (every option)"
PIGZ=text run "$RIGZ" -c text
check_rc 1 "a file in PIGZ"
assert_err_has "PIGZ"
RIGZ=-c run "$RIGZ" -p1 text
check_rc 0 "RIGZ=-c"
assert_out_same level6.gz "RIGZ=-c"
assert_exists text
RIGZ=text run "$RIGZ" -c text
check_rc 1 "a file in RIGZ"
assert_out_empty "a file in RIGZ: nothing written"
assert_err_has "RIGZ"
GZIP=text run "$RIGZ" -c text
check_rc 1 "a file in GZIP"
assert_err_has "GZIP"
RIGZ="-- text" run "$RIGZ" -c text
check_rc 1 "-- and a file in RIGZ"
RIGZ=--bogus run "$RIGZ" -c text
check_rc 1 "a bad option in RIGZ"
RIGZ=-q run "$RIGZ" /nonexistent
check_rc 1 "RIGZ=-q and a missing file"

# -l: gzip's listing, byte for byte (for files gzip wrote: gzip lists a file of
# several members from its last trailer, so rigz's own files are listed elsewhere).
group "-l"
mkdir -p sub
gen_random 50000 rand
: >empty
echo hi >tiny
cp text sub/text2
touch -d @1234567890 text rand empty tiny sub/text2
gzip -k text rand empty tiny sub/text2
gzip -c text >noname_suffix.dat
gzip -9 -c rand >sub/rand.z
for args in "text.gz" "rand.gz" "empty.gz" "tiny.gz" "text.gz rand.gz empty.gz tiny.gz" \
            "sub/text2.gz" "sub/rand.z" "-v text.gz rand.gz" "-v empty.gz" "-N sub/text2.gz" \
            "-lv sub/text2.gz tiny.gz" "noname_suffix.dat" "-q text.gz rand.gz" "-- text.gz"; do
  gzip -l $args >gzip.list 2>gzip.err
  grc=$?
  run "$RIGZ" -l $args
  check_rc "$grc" "rigz -l $args"
  assert_out_same gzip.list "rigz -l $args: not gzip's listing"
done
# -r: both in readdir order, the totals line too.
gzip -lr sub >gzip.list
"$RIGZ" -lr sub >rigz.list
assert_same rigz.list gzip.list "rigz -lr sub: not gzip's listing"
# A pipe is decompressed through, as gzip 1.12 does: the ratio of several members is taken
# over the whole input, and a truncated or corrupt one is an error, not a line.
cat text.gz tiny.gz >two.gz
head -c 300 text.gz >cut.gz
for args in "-l text.gz" "-l two.gz" "-lv two.gz" "-l cut.gz"; do
  gzip ${args% *} <"${args#* }" >gzip.list 2>/dev/null
  grc=$?
  run "$RIGZ" ${args% *} <"${args#* }"
  check_rc "$grc" "rigz $args from a pipe"
  assert_out_same gzip.list "rigz ${args% *} < ${args#* }"
done
# Past 4 GiB, where ISIZE wraps, the size that decompressing gave (as gzip 1.12 shows it).
if command -v python3 >/dev/null; then
  python3 - z4.gz <<'EOF'
# 4 GiB + 1000 zero bytes in one member, without compressing them all: after a full flush
# the compressed form of a MiB of zeros that follows zeros is always the same bytes.
import struct, sys, zlib
MIB, n = 1 << 20, 4096
zero = bytes(MIB)
c = zlib.compressobj(9, zlib.DEFLATED, -15)
first = c.compress(zero) + c.flush(zlib.Z_FULL_FLUSH)
again = c.compress(zero) + c.flush(zlib.Z_FULL_FLUSH)
tail = c.compress(bytes(1000)) + c.flush()
crc = 0
for _ in range(n + 1):
    crc = zlib.crc32(zero, crc)
crc = zlib.crc32(bytes(1000), crc)
with open(sys.argv[1], 'wb') as f:
    f.write(b'\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03' + first + again * n + tail)
    f.write(struct.pack('<II', crc, ((n + 1) * MIB + 1000) & 0xffffffff))
EOF
  run "$RIGZ" -l z4.gz
  assert_out_has " 4296016872 "
  "$RIGZ" -l <z4.gz >"$OUT"
  assert_out_has " 4296016872 "
  rm -f z4.gz
fi
run "$RIGZ" --list text
check_rc 1 "-l on a file that is not gzip"
assert_err_has "text"
# rigz's own output (several members) lists its real sizes and CRC.
gen_text 5000000 big
"$RIGZ" -k -b 64 big
run "$RIGZ" -lv big.gz
check_rc 0 "-lv on rigz output"
read -r -a fields < <(tail -1 "$OUT")
[ "${fields[1]}" = "$(gzip -c big | tail -c 8 | od -An -tx4 -N4 | tr -d ' ')" ] && ok || fail "-lv: CRC ${fields[1]}"
[ "${fields[5]}" = "$(stat -c %s big.gz)" ] && ok || fail "-lv: compressed size ${fields[5]}"
[ "${fields[6]}" = "$(stat -c %s big)" ] && ok || fail "-lv: uncompressed size ${fields[6]}, not $(stat -c %s big)"
rm -f big big.gz

# -t: checks, writes nothing, 0 for good data and 1 for bad.
group "-t"
run "$RIGZ" -t text.gz rand.gz empty.gz
check_rc 0 "-t on good files"
assert_out_empty
assert_err_empty
cp text.gz bad.gz
printf 'X' | dd of=bad.gz bs=1 seek=1000 conv=notrunc status=none
ls >"$ROOT/before"
run "$RIGZ" -t bad.gz
check_rc 1 "-t on a corrupt file"
assert_out_empty
assert_err_has "bad.gz"
run "$RIGZ" --test text.gz bad.gz rand.gz
check_rc 1 "-t with one bad file among good ones"
run "$RIGZ" -t <text.gz
check_rc 0 "-t < text.gz"
run "$RIGZ" -t text
check_rc 1 "-t on a file that is not gzip"
ls >"$ROOT/after"
assert_same "$ROOT/before" "$ROOT/after" "-t created or removed files"

# -v: gzip's messages.
group "-v"
cp text v1
run "$RIGZ" -v v1
check_rc 0 "-v"
grep -Eq '^v1:'$'\t''[ -][ 0-9][0-9]\.[0-9]% -- replaced with v1\.gz$' "$ERR" && ok || fail "-v: $(cat "$ERR")"
run "$RIGZ" -vk -f v1.gz -d
grep -Eq '^v1\.gz:'$'\t''[ -][ 0-9][0-9]\.[0-9]% -- created v1$' "$ERR" && ok || fail "-vkd: $(cat "$ERR")"
same_v() {  # same_v ARGS...: rigz -v and gzip -v print the same (on gzip's files)
  local g
  g=$(gzip "$@" 2>&1 >/dev/null)
  run "$RIGZ" "$@"
  [ "$(sed 's/^rigz/gzip/' "$ERR")" = "$g" ] && ok || fail "rigz $*: '$(cat "$ERR")', gzip: '$g'"
}
same_v -dvc text.gz rand.gz empty.gz tiny.gz
same_v -tv text.gz rand.gz empty.gz tiny.gz
same_v -dvk -f text.gz rand.gz empty.gz tiny.gz
same_v -lv text.gz
g=$(gzip -tv - <text.gz 2>&1)
run "$RIGZ" -tv - <text.gz
[ "$(cat "$ERR")" = "$g" ] && ok || fail "rigz -tv -: '$(cat "$ERR")', gzip: '$g'"
g=$(gzip -dv <text.gz 2>&1 >/dev/null)
run "$RIGZ" -dv <text.gz
[ "$(cat "$ERR")" = "$g" ] && ok || fail "rigz -dv < text.gz: '$(cat "$ERR")', gzip: '$g'"
run "$RIGZ" -v <text
[ -z "$(grep -Ev '^ *[ -][0-9]+\.[0-9]%$' "$ERR")" ] && ok || fail "-v < text: $(cat "$ERR")"

# -q: no warnings, but the exit status stays.
group "-q"
mkdir -p adir
run "$RIGZ" -q adir
check_rc 2 "-q on a directory"
assert_err_empty
run "$RIGZ" adir
check_rc 2 "a directory"
assert_err_has "adir is a directory -- ignored"
run "$RIGZ" -q /nonexistent
check_rc 1 "-q on a missing file"
assert_err_has "/nonexistent"
cat text.gz text.gz >twice.gz
echo garbage >>twice.gz
run "$RIGZ" -dcq twice.gz
check_rc 2 "-q and trailing garbage"
assert_err_empty

# RIGZ_BLOCK_STATS (bench/replay.py reads it): a line per member on stderr, the output
# unchanged. 300 KB in blocks of 64 KiB: five members.
group "RIGZ_BLOCK_STATS"
"$RIGZ" -6 -b 64 -p 2 -c text >b64.gz
RIGZ_BLOCK_STATS=1 run "$RIGZ" -6 -b 64 -p 2 -c text
check_rc 0 "RIGZ_BLOCK_STATS=1 rigz -6 -b 64"
assert_out_same b64.gz
n=$(grep -c '^rigz: block [0-9]* 1 sample [0-9.]* compress [0-9.]* effort' "$ERR")
[ "$n" -eq 5 ] && ok || fail "RIGZ_BLOCK_STATS: $n block lines for 5 members"

# RIGZ_SPECULATE_STATS: a line per speculatively decoded member on stderr (the calling
# thread's time and the process's CPU), the output unchanged. The gzip of "text" is one
# member; force takes the path for it on any machine.
group "RIGZ_SPECULATE_STATS"
gzip -6 -c text >g6.gz
RIGZ_SPECULATE=force RIGZ_SPECULATE_STATS=1 run "$RIGZ" -d -p 2 -c g6.gz
check_rc 0 "RIGZ_SPECULATE_STATS=1 rigz -d"
assert_out_same text
n=$(grep -c '^rigz: speculative member: [0-9]* chunks of [0-9]* KiB, [0-9]* used; calling thread .*; process so far: user [0-9.]* s, system [0-9.]* s, [0-9]* minor faults$' "$ERR")
[ "$n" -eq 1 ] && ok || fail "RIGZ_SPECULATE_STATS: $n lines for 1 member"

# -V, -h, -L: exit 0 with the text on stdout.
group "-V -h -L"
for opt in -V --version -h --help -L --license; do
  run "$RIGZ" $opt
  check_rc 0 "rigz $opt"
  [ -s "$OUT" ] && ok || fail "rigz $opt prints nothing"
done
run "$RIGZ" -V
assert_out_has "rigz"
run "$RIGZ" -h
assert_out_has "Usage"

finish
