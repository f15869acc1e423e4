#!/bin/bash
# gzip's file rules, checked side by side with gzip itself: which files are written,
# replaced, kept or refused, with which exit status and messages.
source "$(dirname "$0")/lib.sh" "$@"

T=1234567890
# Setups: each prepares the current directory for one case.
one_file() { gen_text 20000 f; touch -d "@$T" f; }
two_files() { one_file; gen_text 30000 g 2; touch -d "@$T" g; }
with_gz() { one_file; gzip -k f; }
gz_and_out() { with_gz; echo old >f; touch -d "@$T" f; }
file_and_gz() { one_file; echo old >f.gz; }
suffixes() {
  one_file
  for s in .gz .z -gz -z _z .tgz .taz .GZ .Z .foo .bar; do gzip -c f >"f$s"; done
  gzip -c f >f.tar.gz
  gzip -c f >.gz
}
sticky() { one_file; cp f st; chmod 1644 st; }
modes() {
  one_file
  for m in 600 640 754 444 4755 2750; do cp f "m$m"; chmod "$m" "m$m"; touch -d "@$T" "m$m"; done
}
tree() {
  mkdir -p d/sub/deeper d/empty
  gen_text 1000 d/a
  gen_text 2000 d/sub/b
  gen_text 3000 d/sub/deeper/c
  gzip -n -c d/a >d/sub/already.gz
  touch -d "@$T" d/a d/sub/b d/sub/deeper/c
}
gz_tree() { tree; gzip -r d; }
odd_tree() { tree; echo target >target; ln -s ../target d/link; mkfifo d/sub/fifo; ln d/a d/hard; }
symlink() { one_file; ln -s f link; ln -s missing dangling; }
gz_symlink() { with_gz; ln -s f.gz link.gz; }
hardlink() { one_file; ln f hard; }
gz_hardlink() { with_gz; ln f.gz hard.gz; }
a_dir() { one_file; mkdir d; }
a_fifo() { one_file; mkfifo pipe; }
dash_names() { one_file; cp f ./-k; cp f ./--; }
not_gz() { one_file; cp f f.gz; }
upper() { one_file; gzip -c f >F.TGZ; gzip -c f >G.Gz; gzip -c f >v.Q; }
# gunzip NAME looks for NAME.gz, NAME.z, NAME-z, NAME.Z (and NAME with the -S suffix).
lookup() {
  one_file
  local i=1 s
  for s in .gz .z -z .Z -gz _z .tgz .taz .x; do gzip -c f >"w$i$s"; i=$((i + 1)); done
}
empty() { : >e; touch -d "@$T" e; }
empty_gz() { : >e; gzip e; }

# Compression replaces f by f.gz; -k keeps it; mtime and mode go along.
group "compress"
same_as_gzip -e one_file f
same_as_gzip -e one_file -k f
same_as_gzip -e one_file -c f
same_as_gzip -e two_files f g
same_as_gzip -e empty e
same_as_gzip -e modes m600 m640 m754 m444 m4755 m2750
same_as_gzip -e modes -f m4755 m2750
same_as_gzip -e modes -c m4755
same_as_gzip -e sticky st
same_as_gzip -e sticky -f st
same_as_gzip -e one_file -S .zz f
same_as_gzip -e one_file --suffix=_x f
same_as_gzip one_file -S '' f
same_as_gzip -e one_file missing f

# A file that already has a compressed suffix is left alone.
group "already compressed"
same_as_gzip -e with_gz f.gz
same_as_gzip -e suffixes f.z f-gz f.tgz f_z f-z f.taz f.tar.gz
same_as_gzip -e suffixes -S .foo f.foo
same_as_gzip -e suffixes -f f.gz
same_as_gzip -e suffixes f.GZ f.Z
same_as_gzip -e suffixes -r .
same_as_gzip suffixes -rv .  # messages in readdir order, which the twin directories need not share
same_as_gzip -e suffixes -r f.gz
same_as_gzip -e suffixes -c f.gz

# An output name too long for the file system: an error before any work, the input
# kept (gzip shortens the name instead).
long=$(printf 'n%.0s' $(seq 1 254))
gen_text 1000 "$long"
cp "$long" long.orig
expect 1 "$RIGZ" "$long"
assert_err_has "File name too long"
assert_same "$long" long.orig
assert_no_temp
rm -f "$long" long.orig

# An existing output is not replaced without -f (stdin is not a terminal: no question).
group "existing output"
same_as_gzip -e file_and_gz f
same_as_gzip -e file_and_gz -k f
same_as_gzip -e file_and_gz -f f
same_as_gzip -e file_and_gz -q f
same_as_gzip -e gz_and_out -d f.gz
same_as_gzip -e gz_and_out -df f.gz
same_as_gzip -e two_files -k g f

# Decompression: the name without its suffix (.tgz and .taz become .tar).
group "decompress names"
same_as_gzip -e suffixes -d f.gz
same_as_gzip -e suffixes -d f.z
same_as_gzip -e suffixes -d f-gz
same_as_gzip -e suffixes -d f-z
same_as_gzip -e suffixes -d f_z
same_as_gzip -e suffixes -d f.tgz
same_as_gzip -e suffixes -d f.taz
same_as_gzip -e suffixes -d f.tar.gz
same_as_gzip -e suffixes -d -S .foo f.foo
same_as_gzip -e suffixes -d --suffix .foo f.foo
same_as_gzip -e suffixes -d f.bar
same_as_gzip -e suffixes -d f.GZ
same_as_gzip -e suffixes -d .gz
same_as_gzip -e suffixes -dk f.gz f.z
same_as_gzip -e with_gz -d f
same_as_gzip -e empty_gz -d e.gz
same_as_gzip -e not_gz -d f.gz
same_as_gzip -e one_file -d f
same_as_gzip -e one_file -d missing
same_as_gzip -e one_file -d missing.gz
same_as_gzip -e one_file -d missing.foo
same_as_gzip -e one_file -d -S .foo missing
same_as_gzip -e upper -d F.TGZ G.Gz
same_as_gzip -e upper -d -S .q v.Q
same_as_gzip -e lookup -d w1 w2 w3 w4 w5 w6 w7 w8 w9
same_as_gzip -e lookup -d -S .x w9

# Mode bits and times are copied to the output, both ways.
group "metadata"
same_as_gzip -e modes m600 m640 m754 m444
"$RIGZ" -k ../r/m640 2>/dev/null
cp "$ROOT/r/m640.gz" "$ROOT/r/m754.gz" .
chmod 640 m640.gz
touch -d "@$((T + 5))" m640.gz
expect 0 "$RIGZ" -d m640.gz
assert_mode m640 640
assert_mtime m640 $((T + 5))

# The owner too, where rigz may set it (as root).
owned() { one_file; chown 65534:65534 f; gzip -c f >g.gz; chown 65534:65534 g.gz; }
if [ "$(id -u)" = 0 ]; then
  same_as_gzip -e owned f
  same_as_gzip -e owned -d g.gz
fi

# -r walks directories; without -r a directory is skipped with a warning.
group "recursive"
same_as_gzip -e tree -r d
same_as_gzip -e gz_tree -dr d
same_as_gzip -e gz_tree -tr d
same_as_gzip -e tree -rk d/
same_as_gzip -e tree d
same_as_gzip -e a_dir d f
same_as_gzip -e a_dir -d d
same_as_gzip -e tree -rc d
same_as_gzip -e tree -r d/sub/b
same_as_gzip -e odd_tree -r d
same_as_gzip -e odd_tree -rf d
# A directory's files in readdir order, as gzip and pigz take them (not sorted by name):
# `-rc` of one directory decompresses to the same concatenation as theirs.
mkdir order
i=0
for n in m c x a q; do gen_text 500 "order/$n" $((i += 1)); done
gzip -rc order | gzip -dc >order.gzip
run "$RIGZ" -rc order
gzip -dc <"$OUT" >order.rigz
assert_same order.gzip order.rigz "-rc order: the files in gzip's order"
rm -rf order order.gzip order.rigz

# Links: a symbolic link is refused without -f, a file with several links too.
group "links"
same_as_gzip -e symlink link
same_as_gzip -e symlink -f link
same_as_gzip -e symlink -c link
same_as_gzip -e symlink dangling
same_as_gzip -e symlink -k link
same_as_gzip -e gz_symlink -d link.gz
same_as_gzip -e gz_symlink -df link.gz
same_as_gzip -e hardlink f
same_as_gzip -e hardlink -f f
same_as_gzip -e hardlink -k f
same_as_gzip -e hardlink -c f
same_as_gzip -e gz_hardlink -d f.gz
same_as_gzip -e gz_hardlink -df f.gz
same_as_gzip -e a_fifo pipe

# -c with several files: one stream of concatenated members.
group "-c with several files"
same_as_gzip -e two_files -c f g
cat "$ROOT/r/f" "$ROOT/r/g" >fg
gzip -dc <"$OUT" >fg.out
assert_same fg fg.out "-c f g decompresses to f then g"
same_as_gzip -e two_files -dc missing f
two_files
gzip -k f g
run "$RIGZ" -dc f.gz g.gz
assert_out_same fg "-dc f.gz g.gz"
rm -f f g f.gz g.gz fg fg.out

# "--" ends the options.
group "--"
same_as_gzip -e dash_names -- -k --
same_as_gzip -e dash_names -k -- f

# The program name decides the mode: gunzip, zcat, and rigz's own unrigz, rigzcat.
group "program names"
mkdir "$ROOT/bin"
for name in gunzip zcat unrigz rigzcat ungz gzcat; do ln -s "$RIGZ" "$ROOT/bin/$name"; done
GZ_PROG=gunzip RZ_PROG=$ROOT/bin/gunzip same_as_gzip -e with_gz f.gz
GZ_PROG=gunzip RZ_PROG=$ROOT/bin/unrigz same_as_gzip with_gz f.gz
GZ_PROG=gunzip RZ_PROG=$ROOT/bin/gunzip same_as_gzip -e with_gz -c f.gz
GZ_PROG=zcat RZ_PROG=$ROOT/bin/zcat same_as_gzip -e with_gz f.gz
GZ_PROG=zcat RZ_PROG=$ROOT/bin/rigzcat same_as_gzip with_gz f.gz
GZ_PROG=zcat RZ_PROG=$ROOT/bin/zcat same_as_gzip -e with_gz f
gen_text 1000 f
gzip -k f
run "$ROOT/bin/zcat" f.gz
check_rc 0 "zcat f.gz"
assert_out_same f "zcat f.gz"
run "$ROOT/bin/rigzcat" <f.gz
assert_out_same f "rigzcat < f.gz"
run "$ROOT/bin/unrigz" -c f.gz
assert_out_same f "unrigz -c f.gz"
rm -f f f.gz

# Terminals: no compressed data written to or read from one without -f.
group "terminals"
if script -qec true /dev/null >/dev/null 2>&1; then
  gen_text 1000 f
  gzip -k f
  pty() { script -qec "$1" /dev/null </dev/null >"$OUT" 2>&1; RC=$?; }
  pty "$RIGZ -c f"
  check_rc 1 "rigz -c to a terminal"
  grep -q 'compressed data not written to a terminal' "$OUT" && ok || fail "no message for -c to a terminal: $(head -c 300 "$OUT")"
  [ "$(wc -c <"$OUT")" -lt 400 ] && ok || fail "compressed data written to the terminal"
  pty "$RIGZ < f"
  check_rc 1 "rigz < f to a terminal"
  pty "$RIGZ -cf f | cat >forced.gz"
  check_rc 0 "rigz -cf to a pipe"
  pty "$RIGZ -d"
  check_rc 1 "rigz -d reading a terminal"
  grep -q 'compressed data not read from a terminal' "$OUT" && ok || fail "no message for -d from a terminal: $(head -c 300 "$OUT")"
  pty "$RIGZ -dc f.gz"
  check_rc 0 "rigz -dc to a terminal"
  grep -q "$(head -c 20 f)" "$OUT" && ok || fail "-dc to a terminal: not written"
  pty "$RIGZ -t f.gz"
  check_rc 0 "rigz -t with a terminal"
  pty "$RIGZ -l f.gz"
  check_rc 0 "rigz -l with a terminal"
  # An existing output: rigz asks, as gzip does.
  echo old >f.gz
  echo n | script -qec "$RIGZ -k f" /dev/null >"$OUT" 2>&1
  grep -q 'f.gz already exists; do you wish to overwrite (y or n)?' "$OUT" && ok || fail "no question: $(cat "$OUT")"
  [ "$(cat f.gz)" = old ] && ok || fail "answer n: f.gz replaced"
  echo y | script -qec "$RIGZ -k f" /dev/null >"$OUT" 2>&1
  run gzip -dc f.gz
  assert_out_same f "answer y: f.gz not replaced"
  rm f.gz
  pty "$RIGZ -k f"
  check_rc 0 "rigz -k f with a terminal (writes f.gz)"
  rm -f f f.gz forced.gz
else
  echo "script(1) cannot make a terminal: skipped"
fi
assert_no_temp

finish
