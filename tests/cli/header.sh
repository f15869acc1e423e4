#!/bin/bash
# The gzip header: name and time stored for files (not with -n, not for standard
# input), and restored with -N on decompression.
source "$(dirname "$0")/lib.sh" "$@"

T=1234567890  # 2009-02-13 23:31:30 UTC

# A regular file: FNAME is its base name, MTIME its modification time.
group "name and mtime stored"
mkdir -p sub/dir
gen_text 100000 sub/dir/data.txt
touch -d "@$T" sub/dir/data.txt
expect 0 "$RIGZ" -k sub/dir/data.txt
assert_exists sub/dir/data.txt.gz
[ "$(bytes_hex sub/dir/data.txt.gz 0 3)" = 1f8b08 ] && ok || fail "magic and method: $(bytes_hex sub/dir/data.txt.gz 0 3)"
[ $(($(gz_flags sub/dir/data.txt.gz) & 8)) -eq 8 ] && ok || fail "FNAME flag not set"
[ "$(gz_name sub/dir/data.txt.gz)" = data.txt ] && ok || fail "FNAME is '$(gz_name sub/dir/data.txt.gz)', not data.txt"
[ "$(gz_mtime sub/dir/data.txt.gz)" = "$T" ] && ok || fail "MTIME is $(gz_mtime sub/dir/data.txt.gz), not $T"
[ "$(bytes_hex sub/dir/data.txt.gz 9 1)" = 03 ] && ok || fail "OS is not 3 (Unix)"
# -c stores them too (gzip does).
run "$RIGZ" -c sub/dir/data.txt
cp "$OUT" c.gz
[ "$(gz_name c.gz)" = data.txt ] && ok || fail "-c: FNAME is '$(gz_name c.gz)'"
[ "$(gz_mtime c.gz)" = "$T" ] && ok || fail "-c: MTIME is $(gz_mtime c.gz)"
# gzip reads them back.
run gzip -lvN sub/dir/data.txt.gz
assert_out_has " sub/dir/data.txt"
# The stored name is what the file was called, even with -S.
gen_text 1000 named
expect 0 "$RIGZ" -k -S .zz named
[ "$(gz_name named.zz)" = named ] && ok || fail "-S: FNAME is '$(gz_name named.zz)'"

# -n: neither name nor time.
group "-n"
expect 0 "$RIGZ" -n -c sub/dir/data.txt
cp "$OUT" n.gz
[ $(($(gz_flags n.gz) & 8)) -eq 0 ] && ok || fail "-n: FNAME flag set"
[ "$(gz_mtime n.gz)" = 0 ] && ok || fail "-n: MTIME is $(gz_mtime n.gz)"
expect 0 "$RIGZ" -k --no-name -f sub/dir/data.txt
[ $(($(gz_flags sub/dir/data.txt.gz) & 8)) -eq 0 ] && ok || fail "--no-name: FNAME flag set"
[ "$(gz_mtime sub/dir/data.txt.gz)" = 0 ] && ok || fail "--no-name: MTIME is $(gz_mtime sub/dir/data.txt.gz)"
# -n then -N: the last one wins.
expect 0 "$RIGZ" -n -N -c sub/dir/data.txt
cp "$OUT" nN.gz
[ "$(gz_name nN.gz)" = data.txt ] && ok || fail "-n -N: FNAME is '$(gz_name nN.gz)'"

# Standard input: no name, time 0 (from a pipe or a redirected file).
group "stdin"
run "$RIGZ" <sub/dir/data.txt
cp "$OUT" s1.gz
[ $(($(gz_flags s1.gz) & 8)) -eq 0 ] && ok || fail "stdin file: FNAME flag set"
[ "$(gz_mtime s1.gz)" = 0 ] && ok || fail "stdin file: MTIME is $(gz_mtime s1.gz)"
cat sub/dir/data.txt | "$RIGZ" >s2.gz
[ $(($(gz_flags s2.gz) & 8)) -eq 0 ] && ok || fail "stdin pipe: FNAME flag set"
[ "$(gz_mtime s2.gz)" = 0 ] && ok || fail "stdin pipe: MTIME is $(gz_mtime s2.gz)"

# Decompression without -N: the name comes from the .gz file, the time is the .gz file's.
group "decompression without -N"
gen_text 5000 orig
touch -d "@$T" orig
"$RIGZ" orig
mv orig.gz renamed.gz
touch -d "@$((T + 1000))" renamed.gz
expect 0 "$RIGZ" -d renamed.gz
assert_exists renamed
assert_absent orig renamed.gz
assert_mtime renamed $((T + 1000))

# -N: name and time from the header.
group "decompression with -N"
rm -f renamed
gen_text 5000 orig
touch -d "@$T" orig
"$RIGZ" orig
mv orig.gz renamed.gz
expect 0 "$RIGZ" -dN renamed.gz
assert_exists orig
assert_absent renamed renamed.gz
assert_mtime orig "$T"
# In a sub-directory: the stored name goes beside the .gz file.
gen_text 5000 sub/orig2
touch -d "@$T" sub/orig2
"$RIGZ" sub/orig2
mv sub/orig2.gz sub/other.gz
expect 0 "$RIGZ" --name -d sub/other.gz
assert_exists sub/orig2
assert_absent sub/other sub/other.gz
assert_mtime sub/orig2 "$T"
# A stored name with directories: only its last component is used.
printf 'hello\n' >h
gzip -n h  # a plain 10-byte header
for stored in ../../evil /tmp/evil a/b/evil; do
  { printf '\x1f\x8b\x08\x08\x00\x00\x00\x00\x00\x03%s\0' "$stored"; tail -c +11 h.gz; } >craft.gz
  run gzip -t craft.gz
  check_rc 0 "gzip -t on crafted header ($stored)"
  expect 0 "$RIGZ" -dNk craft.gz
  assert_exists evil
  assert_absent "$ROOT/evil" /tmp/evil a
  [ "$(cat evil 2>/dev/null)" = hello ] && ok || fail "stored name $stored: wrong contents"
  rm -f evil
done
# A header without a name: -N keeps the name of the .gz file.
"$RIGZ" -n -c orig >noname.gz
expect 0 "$RIGZ" -dN noname.gz
assert_exists noname
# -N with -c writes to stdout whatever the stored name.
"$RIGZ" -k orig
mv orig.gz o3.gz
expect 0 "$RIGZ" -dNc o3.gz
assert_out_same orig
assert_exists o3.gz
# -N lists the stored name.
expect 0 "$RIGZ" -lN o3.gz
assert_out_has " orig"
assert_no_temp

finish
