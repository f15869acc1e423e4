#!/bin/bash
# pigz 2.6's options beyond gzip's, side by side with pigz: -z (zlib), -K (zip), -H, -U,
# -m, -M, -C, -A, -F/-I/-J/-O, -Y; and decompression of zlib streams and zip files.
source "$(dirname "$0")/lib.sh" "$@"

if ! command -v pigz >/dev/null; then
  echo "pigz is not installed: skipped"
  exit 0
fi
py() { python3 - "$@"; }
have_python=0
command -v python3 >/dev/null && have_python=1

gen_text 400000 text 7      # several 128 KiB blocks
gen_text 20000 small 3      # one block: zlib's output is the same as pigz's
gen_mixed 300000 mixed 4
touch -d @1234567890 text small mixed

# ---- options are accepted, in their short and long forms
group "options accepted"
for opts in "-z" "--zlib" "-K" "--zip" "-H" "--huffman" "-U" "--rle" "-m" "--no-time" "-M" "--time" \
  "-C note" "--comment note" "--comment=note" "-A name" "--alias=name" "-F" "--first" "-I 5" "--iterations=5" \
  "-J 3" "--maxsplits 3" "-O" "--oneblock" "-I5 -J7 -F -O" "-Hz" "-UK" "-zKz" "-mM" "-Y" "-KC x -A y"; do
  # shellcheck disable=SC2086
  run "$RIGZ" -c $opts small
  check_rc 0 "rigz $opts"
  cp "$OUT" o.bin
  run pigz -dc o.bin
  check_rc 0 "pigz -dc of rigz -c $opts"
  assert_out_same small "pigz -dc of rigz -c $opts"
  [[ $opts == *=* ]] && continue  # pigz takes no --opt=value
  # shellcheck disable=SC2086
  run pigz -c $opts small
  check_rc 0 "pigz $opts (the reference)"
done
# pigz spells these in full; gzip's abbreviations keep their meaning.
for bad in --zl --zi --huff --co=x --al=x "-I x" "-J" --time=1 --progress=1; do
  # shellcheck disable=SC2086
  run "$RIGZ" -c $bad small
  check_rc 1 "rigz $bad"
done
run "$RIGZ" --h
check_rc 0 "--h is still --help"
assert_out_has "--zlib"
run "$RIGZ" --no -c small
check_rc 0 "--no is still --no-name"
[ $(($(od -An -tu1 -j3 -N1 "$OUT") & 8)) -eq 0 ] && ok || fail "--no stored a name"
run "$RIGZ" --pro=2 -c small
check_rc 0 "--pro is still --processes"

# ---- -z: the zlib format
group "-z"
for f in small text mixed; do
  for l in 0 1 6 9; do
    run "$RIGZ" -z -$l -c "$f"
    check_rc 0 "-z -$l $f"
    cp "$OUT" r.zz
    # The header's level clue is pigz's.
    [ "$(bytes_hex r.zz 0 2)" = "$(pigz -z -$l -c "$f" | od -An -tx1 -N2 | tr -d ' \n')" ] && ok ||
      fail "-z -$l: header $(bytes_hex r.zz 0 2)"
    run pigz -dc r.zz
    assert_out_same "$f" "pigz -dc of rigz -z -$l $f"
    if [ $have_python = 1 ]; then
      py r.zz "$f" <<'EOF' && ok || fail "python zlib of rigz -z -$l $f"
import sys, zlib
sys.exit(zlib.decompress(open(sys.argv[1], 'rb').read()) != open(sys.argv[2], 'rb').read())
EOF
    fi
  done
done
# As pigz: -z and -K leave alone only a file that has their own suffix (a .gz file gets
# wrapped), and -d of a name that does not exist finds its .zz file.
for opt in -z -K; do
  cp small small.gz
  same=$(pigz $opt -k small.gz 2>&1; echo $?; ls small.gz*)
  rm -f small.gz.zz small.gz.zip
  [ "$same" = "$("$RIGZ" $opt -k small.gz 2>&1; echo $?; ls small.gz*)" ] && ok || fail "$opt small.gz: not pigz's"
  rm -f small.gz*
done
cp small wrapped
"$RIGZ" -z wrapped
expect 0 "$RIGZ" -d wrapped
assert_same small wrapped
rm -f wrapped
# One block: the same bytes as pigz (both are zlib's deflate at the same level).
for l in 1 6 9; do
  run "$RIGZ" -z -$l -c small
  pigz -z -$l -c small >p.zz
  assert_out_same p.zz "-z -$l small: not pigz's bytes"
done
# The output does not depend on the number of threads; -b sets the block size.
"$RIGZ" -z -p 1 -c text >p1.zz
for p in 2 4 7; do
  run "$RIGZ" -z -p $p -c text
  assert_out_same p1.zz "-z -p $p differs from -p 1"
done
for b in 32 100 1024; do
  run "$RIGZ" -z -b $b -p 3 -c mixed
  cp "$OUT" b.zz
  run pigz -dc b.zz
  assert_out_same mixed "-z -b $b"
done
run "$RIGZ" -z -i -p 3 -c text
cp "$OUT" i.zz
run pigz -dc i.zz
assert_out_same text "-z -i"
# Empty input.
: >empty
run "$RIGZ" -z -c empty
cp "$OUT" e.zz
run pigz -dc e.zz
check_rc 0 "pigz -dc of an empty -z"
assert_out_empty
# In place: suffix .zz, the input removed, its metadata copied; -S after -z wins.
cp text f1 && touch -d @1234567890 f1
expect 0 "$RIGZ" -z f1
assert_absent f1
assert_exists f1.zz
assert_mtime f1.zz 1234567890
expect 0 "$RIGZ" -d f1.zz
assert_same f1 text
assert_absent f1.zz
cp small f2
expect 0 "$RIGZ" -z -S .zl f2
assert_exists f2.zl
cp small f3
expect 0 "$RIGZ" -S .zl -z f3
assert_exists f3.zz
# No room for a comment: a warning (status 2, pigz's words), the file is written.
cp small f4
expect 2 "$RIGZ" -z -C hello f4
assert_err_has "can't store comment in zlib format -- ignoring"
run pigz -dc f4.zz
assert_out_same small "-z -C"
expect 2 "$RIGZ" -q -z -C hello -c small
assert_err_empty

# ---- decompressing zlib: rigz's and pigz's, files and pipes, -t, -l, errors
group "zlib decompression"
pigz -z -c text >pigz.zz
for f in pigz.zz p1.zz; do
  run "$RIGZ" -dc "$f"
  check_rc 0 "-dc $f"
  assert_out_same text "-dc $f"
  run "$RIGZ" -d <"$f"
  assert_out_same text "-d < $f"
  expect 0 "$RIGZ" -t "$f"
  run "$RIGZ" -t <"$f"
  check_rc 0 "-t < $f"
  run "$RIGZ" -l "$f"
  check_rc 0 "-l $f"
  assert_out_has " $(stat -c %s "$f") "
  assert_out_has " 400000 "
done
cp pigz.zz named.zz
expect 0 "$RIGZ" -dk named.zz
assert_same named text
cp pigz.zz dash-zz && mv dash-zz named2-zz
expect 0 "$RIGZ" -d named2-zz
assert_same named2 text
expect 0 "$RIGZ" -lv pigz.zz
assert_out_has "$(python3 -c "import zlib;print('%08x' % zlib.adler32(open('text','rb').read()))" 2>/dev/null || echo defla)"
# Trailing zeros are ignored, other data is a warning; truncation and damage are errors.
{ cat pigz.zz; printf '\0\0\0'; } >z0.zz
run "$RIGZ" -dc z0.zz
check_rc 0 "zlib + zeros"
assert_out_same text
{ cat pigz.zz; printf 'junk'; } >zj.zz
run "$RIGZ" -dc zj.zz
check_rc 2 "zlib + junk"
assert_out_same text
assert_err_has "zj.zz: decompression OK, trailing garbage ignored"
head -c 1000 pigz.zz >zt.zz
run "$RIGZ" -t zt.zz
check_rc 1 "truncated zlib"
assert_err_has "zt.zz: unexpected end of file"
cp pigz.zz zc.zz
printf '\x00\x00\x00\x00' | dd of=zc.zz bs=1 seek=$(($(stat -c %s zc.zz) - 4)) conv=notrunc status=none
run "$RIGZ" -t zc.zz
check_rc 1 "bad Adler-32"
assert_err_has "zc.zz: invalid compressed data--crc error"
run pigz -t zc.zz
check_rc 1 "pigz -t with a bad Adler-32 (the reference)"
# Text that starts like a zlib header ("x^", "HK") is still not compressed data.
for t in 'x^ this is text' 'HK more text here' 'hb and so on'; do
  printf '%s\n' "$t" >looks.gz
  run "$RIGZ" -dc looks.gz
  check_rc 1 "'$t'"
  assert_err_has "looks.gz: not in gzip format"
  run "$RIGZ" -dcf looks.gz
  check_rc 0 "-dcf '$t'"
  assert_out_same looks.gz "-dcf passes '$t' through"
done

# ---- -K: zip
group "-K"
run "$RIGZ" -K -c small
pigz -K -c small >p.zip
assert_out_same p.zip "-K small: not pigz's bytes"
run "$RIGZ" -K -9 -c small
pigz -K -9 -c small >p.zip
assert_out_same p.zip "-K -9 small: not pigz's bytes"
cp text z1 && touch -d @1234567890 z1
expect 0 "$RIGZ" -K -p 3 z1
assert_absent z1
assert_exists z1.zip
if command -v unzip >/dev/null; then
  expect 0 unzip -t z1.zip
  run unzip -p z1.zip
  assert_out_same text "unzip -p"
  run unzip -l z1.zip
  assert_out_has "2009-02-13 23:31"
fi
run pigz -dc z1.zip
assert_out_same text "pigz -dc of rigz -K"
# -l counts all of a zip file as data, as gzip -l does: the same sizes and ratio (gzip
# cannot list pigz's zip files, whose sizes follow the data: python writes one it can).
if [ $have_python = 1 ]; then
  py small <<'EOF'
import sys, zipfile
with zipfile.ZipFile('w.zip', 'w', zipfile.ZIP_DEFLATED) as z:
    z.write(sys.argv[1], 'inner')
EOF
  run "$RIGZ" -l w.zip
  row=$(awk 'NR == 2 { print $1, $2, $3 }' "$OUT")
  gz_row=$(gzip -l w.zip | awk 'NR == 2 { print $1, $2, $3 }')
  [ -n "$gz_row" ] && [ "$row" = "$gz_row" ] && ok || fail "rigz -l w.zip: '$row', gzip -l: '$gz_row'"
fi
if [ $have_python = 1 ]; then
  py z1.zip text <<'EOF' && ok || fail "python zipfile of rigz -K"
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
i = z.infolist()
ok = len(i) == 1 and i[0].filename == 'z1' and z.testzip() is None and z.read('z1') == open(sys.argv[2], 'rb').read()
ok = ok and i[0].date_time == (2009, 2, 13, 23, 31, 30) and i[0].compress_type == zipfile.ZIP_DEFLATED
sys.exit(not ok)
EOF
  # -C is the entry's comment; -A names the entry from standard input; the default is "-".
  "$RIGZ" -K -C "a comment" -c small >c.zip
  "$RIGZ" -K -A from-stdin <small >a.zip
  "$RIGZ" -K <small >d.zip
  "$RIGZ" -K -A unused -c small >u.zip
  py <<'EOF' && ok || fail "zip entry names and comment"
import zipfile, sys
c = zipfile.ZipFile('c.zip').infolist()[0]
a = zipfile.ZipFile('a.zip').infolist()[0]
d = zipfile.ZipFile('d.zip').infolist()[0]
u = zipfile.ZipFile('u.zip').infolist()[0]
sys.exit(not (c.comment == b'a comment' and c.filename == 'small' and a.filename == 'from-stdin'
              and d.filename == '-' and u.filename == 'small'))
EOF
fi
for opts in "-C a-comment" "-A alias" "-m" "-n" "-nM"; do
  # shellcheck disable=SC2086
  pigz -K $opts -c <small >p.zip
  # shellcheck disable=SC2086
  run "$RIGZ" -K $opts -c <small
  cp "$OUT" r.zip
  # The same bytes but for the MS-DOS time of an entry without a stored time (now).
  if [ "$(bytes_hex r.zip 0 10)$(bytes_hex r.zip 14 100)" = "$(bytes_hex p.zip 0 10)$(bytes_hex p.zip 14 100)" ]; then
    ok
  else
    fail "-K $opts from stdin: local header differs from pigz's"
  fi
  [ "$(stat -c %s r.zip)" = "$(stat -c %s p.zip)" ] && ok || fail "-K $opts: size differs from pigz's"
done
cp small n1 && touch -d @1234567890 n1
for opts in "-m" "-n" "-nM" "-Nm"; do
  # shellcheck disable=SC2086
  pigz -K $opts -c n1 >p.zip
  # shellcheck disable=SC2086
  run "$RIGZ" -K $opts -c n1
  cp "$OUT" r.zip
  [ "$(bytes_hex r.zip 14 100)" = "$(bytes_hex p.zip 14 100)" ] && ok || fail "-K $opts n1: header differs from pigz's"
done
# Several files to stdout as zip: pigz's warning (rigz's status for a warning, 2), the
# entries written one after another all the same; one file, no warning.
expect 2 "$RIGZ" -K -c n1 small
assert_err_has "warning: output will be concatenated zip files -- rigz will not be able to extract"
[ "$(stat -c %s "$OUT")" -gt 0 ] && ok || fail "-Kc of two files wrote nothing"
expect 2 "$RIGZ" -q -K -c n1 small
assert_err_empty
expect 0 "$RIGZ" -K -c n1
assert_err_empty
# Large zips: Zip64 fields beyond 4 GiB are not tested here (too slow); the descriptor is
# always Zip64, as pigz writes it.

# ---- decompressing zip: rigz's, pigz's, Info-ZIP's
group "zip decompression"
pigz -K -c text >pigz.zip
for f in pigz.zip z1.zip; do
  run "$RIGZ" -dc "$f"
  assert_out_same text "-dc $f"
  run "$RIGZ" -d <"$f"
  assert_out_same text "-d < $f"
  expect 0 "$RIGZ" -t "$f"
  run "$RIGZ" -l "$f"
  check_rc 0 "-l $f"
  assert_out_has " 400000 "
done
mkdir nz && cp pigz.zip nz/other.zip && touch -d @2000000000 nz/other.zip
(cd nz && "$RIGZ" -dN other.zip)
assert_exists nz/text
assert_mtime nz/text 1234567890
assert_absent nz/other.zip
if command -v zip >/dev/null; then
  gen_text 5000 s1 1
  gen_text 7000 s2 2
  zip -q two.zip s1 s2
  zip -q -0 stored.zip s1
  zip -q one.zip s2
  run "$RIGZ" -dc one.zip
  check_rc 0 "Info-ZIP's zip"
  assert_out_same s2
  run "$RIGZ" -dc stored.zip
  check_rc 0 "a stored entry"
  assert_out_same s1
  # More entries: the first, and gzip's warning.
  run "$RIGZ" -dc two.zip
  check_rc 2 "two entries"
  assert_out_same s1
  assert_err_has "two.zip has more than one entry--rest ignored"
  run gzip -dc two.zip
  check_rc 2 "gzip -dc of two entries (the reference)"
  assert_out_same s1
  if zip -q -e -P secret enc.zip s1 2>/dev/null; then
    run "$RIGZ" -dc enc.zip
    check_rc 1 "encrypted"
    assert_err_has "enc.zip: encrypted file -- use unzip"
  fi
fi
head -c 3000 pigz.zip >trunc.zip
run "$RIGZ" -t trunc.zip
check_rc 1 "truncated zip"
assert_err_has "trunc.zip: unexpected end of file"

# ---- -H and -U: zlib's strategies
group "-H -U"
for s in H U; do
  run "$RIGZ" -$s -c small
  pigz -$s -c small >p.gz
  assert_out_same p.gz "-$s small: not pigz's bytes"
  for f in text mixed; do
    run "$RIGZ" -$s -p 3 -c $f
    check_rc 0 "-$s $f"
    cp "$OUT" s.gz
    run gzip -dc s.gz
    assert_out_same $f "gzip -dc of -$s $f"
    run "$RIGZ" -dc s.gz
    assert_out_same $f "rigz -dc of -$s $f"
    [ "$(gz_name s.gz)" = "$f" ] && ok || fail "-$s $f: name '$(gz_name s.gz)'"
    [ "$(gz_mtime s.gz)" = 1234567890 ] && ok || fail "-$s $f: mtime $(gz_mtime s.gz)"
  done
  "$RIGZ" -$s -z -c text >s.zz
  run pigz -dc s.zz
  assert_out_same text "-$s -z"
done
# Huffman only compresses text less than the default strategy.
h=$("$RIGZ" -H -c text | wc -c)
d=$("$RIGZ" -c text | wc -c)
[ "$h" -gt "$d" ] && ok || fail "-H ($h bytes) is not larger than the default ($d)"

# ---- -m (-T), -M, -n, -N: what the gzip header stores, as pigz stores it
group "-m -M -T -n -N"
for opts in "" "-m" "-M" "-T" "-n" "-N" "-nM" "-Nm" "-NT" "-mN" "-Mn" "-m -C c"; do
  # shellcheck disable=SC2086
  pigz -c $opts small >p.gz
  # shellcheck disable=SC2086
  "$RIGZ" -c $opts small >r.gz
  for field in gz_name gz_mtime; do
    [ "$($field r.gz)" = "$($field p.gz)" ] && ok || fail "'$opts': $field $($field r.gz), pigz's $($field p.gz)"
  done
  [ $(($(gz_flags r.gz) & 24)) = $(($(gz_flags p.gz) & 24)) ] && ok || fail "'$opts': flags $(gz_flags r.gz)"
done
# Restoring: -M the time only, -Nm the name only, -N both (as pigz, each in its directory).
pigz -c small >stored.gz
for opts in "-M" "-Nm" "-N" "-nM" "-m" ""; do
  for p in pigz rigz; do
    rm -rf "d$p" && mkdir "d$p" && cp stored.gz "d$p/x.gz" && touch -d @2000000000 "d$p/x.gz"
    prog=pigz
    [ $p = rigz ] && prog=$RIGZ
    # shellcheck disable=SC2086
    (cd "d$p" && "$prog" -d $opts x.gz)
  done
  a=$(cd dpigz && stat -c '%n %Y' -- *)
  b=$(cd drigz && stat -c '%n %Y' -- *)
  [ "$a" = "$b" ] && ok || fail "-d $opts: rigz made '$b', pigz '$a'"
done

# ---- -C: the gzip comment; -A has no effect on gzip output (as pigz)
group "-C -A"
run "$RIGZ" -c -C "a comment" small
cp "$OUT" c.gz
[ $(($(gz_flags c.gz) & 16)) -eq 16 ] && ok || fail "-C: no FCOMMENT flag"
grep -qa "a comment" c.gz && ok || fail "-C: comment not stored"
run gzip -dc c.gz
assert_out_same small "gzip -dc of -C"
run pigz -dc c.gz
assert_out_same small "pigz -dc of -C"
run "$RIGZ" -C "stdin comment" <small
cp "$OUT" c2.gz
[ $(($(gz_flags c2.gz) & 16)) -eq 16 ] && grep -qa "stdin comment" c2.gz && ok || fail "-C from stdin"
run "$RIGZ" -A alias <small
cp "$OUT" a.gz
[ "$(gz_name a.gz)" = "" ] && ok || fail "-A stored a name in gzip output: $(gz_name a.gz)"
[ "$(gz_name a.gz)" = "$(pigz -A alias <small | gz_name /dev/stdin)" ] && ok || fail "-A: not as pigz"

# ---- -Y: the file and its directory are synced before the input goes
group "-Y"
if command -v strace >/dev/null && strace -f -o /dev/null true 2>/dev/null; then
  cp small y1
  strace -f -e trace=fsync,unlink,unlinkat,rename,renameat2 -o trace "$RIGZ" -Y y1 2>/dev/null
  syncs=$(grep -c 'fsync(' trace)
  [ "$syncs" -ge 2 ] && ok || fail "-Y: $syncs fsync calls: $(cat trace)"
  # fsync, fsync (directory) before the input is removed
  order=$(grep -oE 'fsync|rename|unlink' trace | tr '\n' ' ')
  [[ $order == *"fsync rename"*"fsync unlink"* ]] && ok || fail "-Y: order $order"
  strace -f -e trace=fsync -o trace2 "$RIGZ" -c small >/dev/null 2>&1
  grep -q 'fsync(' trace2 && fail "fsync without -Y" || ok
else
  echo "strace is not usable: -Y not checked"
fi

finish
