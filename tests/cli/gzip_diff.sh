#!/bin/bash
# A differential audit against gzip: each scenario runs `gzip ARGS` and `rigz ARGS` in
# two fresh directories prepared the same way, and compares the exit status, standard
# output, standard error (in order, the program name normalised) and the files left
# behind (names, contents, mode, mtime). pigz-only options are compared with pigz.
source "$(dirname "$0")/lib.sh" "$@"

T=1234567890
# rigz under gzip's names and its own.
mkdir "$ROOT/bin"
for name in gunzip zcat unrigz rigzcat; do ln -s "$RIGZ" "$ROOT/bin/$name"; done

# diff_gzip SETUP ARGS...: runs both programs in fresh directories made by the shell
# function SETUP. Variables that change a run:
#   GZ_PROG, RZ_PROG  the programs (default gzip and rigz), e.g. links named gunzip
#   IN                a file made by SETUP that becomes standard input (default /dev/null)
#   ENV_GZIP          the GZIP environment variable of both runs
#   LOOSE_RATIO=1     percentages in messages are not compared (compressed sizes differ)
#   NO_ERR=1          messages are not compared (wording that rigz chooses differently)
diff_gzip() {
  local setup=$1
  shift
  twin_dirs "$setup" "$T"
  local what="$setup: ${GZ_PROG:-gzip} $*${IN:+ < $IN}${ENV_GZIP:+ (GZIP=$ENV_GZIP)}"
  (cd "$ROOT/g" && env ${ENV_GZIP:+GZIP="$ENV_GZIP"} "${GZ_PROG:-gzip}" "$@" >"$ROOT/g.out" 2>"$ROOT/g.err" \
    <"${IN:-/dev/null}")
  local grc=$?
  (cd "$ROOT/r" && env ${ENV_GZIP:+GZIP="$ENV_GZIP"} "${RZ_PROG:-$RIGZ}" "$@" >"$OUT" 2>"$ERR" <"${IN:-/dev/null}")
  RC=$?
  # The standard input file is compared like the others (it may be a name on the line).
  if [ "$RC" -eq "$grc" ]; then ok; else fail "$what: exit status: gzip $grc, rigz $RC; rigz said: $(head -c 300 "$ERR")"; fi
  local gs rs
  gs=$(normal_stdout "$ROOT/g.out")
  rs=$(normal_stdout "$OUT")
  if [ "$gs" = "$rs" ]; then ok; else fail "$what: stdout differs:
gzip: $(head -c 600 <<<"$gs")
rigz: $(head -c 600 <<<"$rs")"; fi
  if [ "${NO_ERR:-0}" != 1 ]; then
    local ge re
    ge=$(normal_stderr "$ROOT/g.err")
    re=$(normal_stderr "$ERR")
    if [ "$ge" = "$re" ]; then ok; else fail "$what: stderr differs:
gzip: $ge
rigz: $re"; fi
  fi
  local gt rt
  gt=$(tree_of "$ROOT/g"; headers_of "$ROOT/g")
  rt=$(tree_of "$ROOT/r"; headers_of "$ROOT/r")
  if [ "$gt" = "$rt" ]; then ok; else fail "$what: files differ (< gzip, > rigz):
$(diff <(echo "$gt") <(echo "$rt") | grep '^[<>]')"; fi
}

# The name and time stored in the first header of every gzip file under DIR.
headers_of() {
  (
    cd "$1" || exit
    find . -type f | LC_ALL=C sort | while IFS= read -r f; do
      if [ "$(od -An -tx1 -N2 "$f" | tr -d ' ')" = 1f8b ]; then echo "$f header name=$(gz_name "$f") mtime=$(gz_mtime "$f")"; fi
    done
  )
}

# Compressed output differs byte for byte between the two programs: it is compared by
# what it decompresses to. Anything else is compared as it is.
normal_stdout() {
  if [ "$(od -An -tx1 -N2 "$1" | tr -d ' ')" = 1f8b ]; then
    # Without a name the data came from standard input: gzip 1.12 stores the time of a
    # regular file there, rigz stores 0 as issue 2 asks ("stdin gets no name and mtime 0").
    local name
    name=$(gz_name "$1")
    echo "gz:$(gzip -dc <"$1" 2>/dev/null | md5sum | cut -c1-32) name=$name${name:+ mtime=$(gz_mtime "$1")}"
  else
    cat "$1"
  fi
}
normal_stderr() {
  local s='s/\b(gzip|gunzip|zcat|rigz|unrigz|rigzcat|pigz|unpigz)\b/PROG/g'
  [ "${LOOSE_RATIO:-0}" = 1 ] && s="$s; s/-?[0-9]+\.[0-9]%/N%/g"
  sed -E "$s" "$1"
}

# ---- setups: each prepares the current directory
# Test data gets a fixed time at once, so that what the setups compress stores the same
# time in both directories.
eval "lib_$(declare -f gen_text)"
gen_text() { lib_gen_text "$@" && touch -d @$T "$2"; }
one() { gen_text 20000 f; }
two() { one; gen_text 30000 g 2; }
gz() { one; gzip -k f; }
gz_only() { one; gzip f; }
gz_two() { two; gzip -k f g; }
gz_and_out() { gz; echo old >f; }
file_and_gz() { one; echo old >f.gz; }
dir() { one; mkdir d; gen_text 500 d/x; }
gz_dir() { dir; gzip -r d; }
names() { one; for s in .tgz .z -gz .Z .taz _z -z; do gzip -c f >"f$s"; done; }
unknown() { one; gzip -c f >f.foo; }
notgz() { one; cp f f.gz; }
short() { printf x >x.gz; printf '\x1f' >m.gz; printf xy >xy.gz; : >e.gz; }  # less than a magic
empty() { : >e; touch -d @$T e; }
empty_gz() { empty; gzip -k e; }
multi() { gen_text 3000 a; gen_text 4000 b 2; cat a b >ab; gzip -c a >m.gz; gzip -c b >>m.gz; rm a b; }
zeros() { gz_only; head -c 1000 /dev/zero >>f.gz; }
garbage() { gz_only; echo garbage >>f.gz; }
bad_crc() { gz_only; printf '\x01\x02\x03\x04' | dd of=f.gz bs=1 seek=$(($(stat -c %s f.gz) - 8)) conv=notrunc status=none; }
bad_size() { gz_only; printf '\x01' | dd of=f.gz bs=1 seek=$(($(stat -c %s f.gz) - 4)) conv=notrunc status=none; }
truncated() { gz_only; head -c 300 f.gz >t.gz; rm f.gz; }
symlink() { one; ln -s f link; gzip -c f >z.gz; ln -s z.gz zlink.gz; }
hard() { one; ln f h; }
stdin_file() { one; cp f in; gzip -c f >in.gz; }
named() { gen_text 5000 orig; touch -d @1000000000 orig; gzip orig; mv orig.gz renamed.gz; }
no_name() { gen_text 5000 orig; touch -d @1000000000 orig; gzip -n orig; mv orig.gz renamed.gz; }
text_and_gz() { one; gzip -c f >f.gz; cp f plain; }
lzw() { one; compress -c f >f.Z; }
gz_then_lzw() { one; gzip -c f >m.gz; compress -c f >>m.gz; }  # a member, then a .Z stream
# A pack (.z) file, made by the encoder of tests/unit/pack_test.cpp: 51 bytes of text.
packed() {
  printf '\x1f\x1e\x00\x00\x00\x33\x06\x00\x00\x02\x06\x08\x06\x20\x65\x61\x63\x66\x6f\x72\x73\x0a\x6d\x6e' >p.z
  printf '\x70\x74\x75\x77\x78\x48\x55\x62\x64\x68\x69\x6b\x3b\x38\xd9\x4d\x79\x02\x7c\x02\x62\x0a\xc6\xcf' >>p.z
  printf '\x21\xfa\xd3\x18\x13\x0a\xbc\x17\x89\xaf\x9e\x4a\x7a\xf7\x64\x1c' >>p.z
  head -c 40 p.z >cut.z
  cp p.z len.z
  printf '\x34' | dd of=len.z bs=1 seek=5 conv=notrunc status=none  # the header says 52 bytes
  cp p.z nolen.z
  printf '\x00' | dd of=nolen.z bs=1 seek=6 conv=notrunc status=none  # no code length
  cp p.z leaves.z
  printf '\x03' | dd of=leaves.z bs=1 seek=7 conv=notrunc status=none  # 3 codes of 1 bit
}
# gzip goes on after a pack stream as after a member: another pack stream, a member, zeros
# or garbage may follow it, and a pack stream may follow a member.
packed_and_more() {
  packed
  gen_text 3000 f
  gzip -c f >f.gz
  cat p.z p.z >pp.z
  cat p.z f.gz >pg.z
  cat f.gz p.z f.gz >gpg.gz
  cat p.z >pz.z
  head -c 100 /dev/zero >>pz.z
  cat p.z >px.z
  echo garbage >>px.z
}
lzw_bad() {
  gen_text 200000 big
  compress -c big >big.Z
  rm big
  head -c 5000 big.Z >cut.Z                    # no end marker: decompresses, shorter
  head -c 3 big.Z >head.Z                      # a header and nothing else: empty
  head -c 2 big.Z >magic.Z                     # not even the header
  cp big.Z bits.Z
  printf '\x91' | dd of=bits.Z bs=1 seek=2 conv=notrunc status=none  # 17-bit codes
  cp big.Z bad.Z
  printf '\xff\xff\xff\xff' | dd of=bad.Z bs=1 seek=30 conv=notrunc status=none  # undefined codes
}

group "compress"
diff_gzip one f
diff_gzip one -k f
diff_gzip one -c f
diff_gzip two -c f g
diff_gzip two f g
diff_gzip empty e
diff_gzip one -1 f
diff_gzip one -9 f
diff_gzip one --fast f
diff_gzip one --best f
diff_gzip one --rsyncable f
diff_gzip one -n f
diff_gzip one --no-name f
diff_gzip one -N f
diff_gzip one --name f
diff_gzip one -q f
diff_gzip one -S .x f
diff_gzip one --suffix .x f
diff_gzip one --suffix=.x f
diff_gzip one -S '' f
diff_gzip one -S '' -c f
diff_gzip gz -d -S '' f.gz
diff_gzip one -S xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx f
diff_gzip one -S xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx f
diff_gzip one -S a/b f
diff_gzip one missing
diff_gzip one missing f
diff_gzip one "" f
diff_gzip one -- f
IN=f diff_gzip one
IN=f diff_gzip one -
IN=f diff_gzip one -c -
IN=f diff_gzip one -k - f

group "existing output, without -f (stdin is not a terminal)"
diff_gzip file_and_gz f
diff_gzip file_and_gz -k f
diff_gzip file_and_gz -q f
diff_gzip file_and_gz -f f
diff_gzip gz_and_out -d f.gz
diff_gzip gz_and_out -dq f.gz
diff_gzip gz_and_out -df f.gz

group "suffixes"
diff_gzip gz f.gz
diff_gzip gz -v f.gz
diff_gzip gz -q f.gz
diff_gzip gz -f f.gz
diff_gzip names -d f.tgz
diff_gzip names -d f.z
diff_gzip names -d f-gz
diff_gzip names -d f.Z
diff_gzip names -d f.taz f_z f-z
diff_gzip unknown -d f.foo
diff_gzip unknown -dq f.foo
diff_gzip unknown -d -S .foo f.foo
diff_gzip gz -d f
diff_gzip gz -d missing
diff_gzip gz -d missing.gz
diff_gzip gz -d "" f.gz

group "directories"
diff_gzip dir d
diff_gzip dir -q d
diff_gzip dir -r d
LOOSE_RATIO=1 diff_gzip dir -rv d
diff_gzip gz_dir -dr d
diff_gzip gz_dir -d d
diff_gzip gz_dir -rt d
diff_gzip gz_dir -rl d

group "links"
diff_gzip symlink link
diff_gzip symlink -f link
diff_gzip symlink -c link
diff_gzip symlink -d zlink.gz
diff_gzip symlink -df zlink.gz
diff_gzip hard f
diff_gzip hard -f f
diff_gzip hard -c f

group "more file rules"
out_is_dir() { gz; rm f; mkdir f; }
named_exists() { named; echo old >orig; }
gz_tree_mixed() { gz_dir; echo plain >d/plain; touch -d @$T d/plain; gzip -c d/plain >d/y.tgz; }
diff_gzip dir -c d
diff_gzip dir -t d
diff_gzip gz -t f.gz missing
diff_gzip out_is_dir -d f.gz
diff_gzip out_is_dir -df f.gz
diff_gzip named_exists -dN renamed.gz
diff_gzip named_exists -dNf renamed.gz
diff_gzip gz_tree_mixed -dr d
NO_ERR=1 diff_gzip gz_tree_mixed -drv d  # gzip in directory order, rigz in name order
diff_gzip gz_tree_mixed -tr d
diff_gzip gz_tree_mixed -lr d
diff_gzip gz_tree_mixed -lr d d/x.gz
diff_gzip gz -l f.gz missing
diff_gzip gz -l f.gz f
IN=f.gz diff_gzip bad_crc -l
IN=m.gz diff_gzip multi -l
IN=f.gz diff_gzip garbage -l
IN=f.gz diff_gzip garbage -lv
diff_gzip gz_two -l f.gz f g.gz
diff_gzip gz -l missing other
IN=f.gz diff_gzip gz -l - f.gz
diff_gzip gz -d -S .gz f
diff_gzip gz -qv -d f.gz
diff_gzip gz -vq -d f.gz
diff_gzip file_and_gz -kf f
diff_gzip gz_dir -dc d/x.gz d

group "-k with -d, -c with several files"
diff_gzip gz_two -dk f.gz g.gz
diff_gzip gz_two -dc f.gz g.gz
diff_gzip gz_two -d -c f.gz missing g.gz

group "-l"
diff_gzip gz -l f.gz
diff_gzip gz_two -l f.gz g.gz
diff_gzip gz_two -lv f.gz g.gz
diff_gzip gz -lv f.gz
diff_gzip gz -l f
diff_gzip notgz -l f.gz
diff_gzip gz_two -l f.gz missing g.gz
IN=f.gz diff_gzip gz -l
IN=f.gz diff_gzip gz -l -
# From a pipe: the date shown is the pipe's, 0, not the header's (gzip reads no time with -l
# unless -N).
gen_text 1000 "$ROOT/p.txt"
for args in -lv -lvN; do
  g=$(gzip -c "$ROOT/p.txt" | gzip $args 2>&1)
  r=$(gzip -c "$ROOT/p.txt" | "$RIGZ" $args 2>&1)
  [ "$g" = "$r" ] && ok || fail "gzip -c | rigz $args:
gzip: $g
rigz: $r"
done
diff_gzip multi -l m.gz
diff_gzip empty_gz -l e.gz
diff_gzip named -l renamed.gz
diff_gzip named -lN renamed.gz
diff_gzip gz -lq f.gz
diff_gzip garbage -l f.gz
# gzip -l lists nothing at all for a file with zeros after its data (exit 0); rigz lists it.
diff_gzip bad_crc -l f.gz
diff_gzip truncated -l t.gz
diff_gzip gz_two -lt f.gz g.gz
diff_gzip gz_two -tl f.gz
diff_gzip gz_two -dl f.gz
diff_gzip gz_two -td f.gz
diff_gzip gz_two -dt f.gz
diff_gzip gz -lt f.gz

group "-t"
diff_gzip gz -t f.gz
diff_gzip gz -tv f.gz
diff_gzip gz_two -tv f.gz g.gz
diff_gzip notgz -t f.gz
diff_gzip notgz -tv f.gz
for f in x.gz m.gz xy.gz e.gz; do  # one a run: gzip ends its run at the end of data
  diff_gzip short -t $f
  diff_gzip short -d $f
  diff_gzip short -l $f
done
IN=x.gz diff_gzip short -d
IN=m.gz diff_gzip short -t
IN=f.gz diff_gzip gz -t
IN=f.gz diff_gzip gz -tv
diff_gzip empty_gz -t e.gz

group "-v"
LOOSE_RATIO=1 diff_gzip one -v f
LOOSE_RATIO=1 diff_gzip two -v f g
LOOSE_RATIO=1 diff_gzip one -kv f
LOOSE_RATIO=1 diff_gzip one -cv f
diff_gzip gz -dv f.gz
diff_gzip gz -dkv f.gz
diff_gzip gz -dcv f.gz
IN=f LOOSE_RATIO=1 diff_gzip one -v
IN=f.gz diff_gzip gz -dv
diff_gzip empty_gz -dv e.gz

group "-n and -N when decompressing"
diff_gzip named -d renamed.gz
diff_gzip named -dN renamed.gz
diff_gzip named -dn renamed.gz
diff_gzip no_name -dN renamed.gz
diff_gzip named -dNc renamed.gz
diff_gzip named -dNv renamed.gz
diff_gzip named -dNk renamed.gz

group "pass-through of data that is not gzip"
diff_gzip text_and_gz -dcf plain
diff_gzip text_and_gz -dcf plain f.gz
diff_gzip text_and_gz -dc plain
diff_gzip text_and_gz -df plain
IN=plain diff_gzip text_and_gz -dcf
IN=plain diff_gzip text_and_gz -dc
# Standard input goes to standard output, so -df passes it through as -dcf does.
IN=plain diff_gzip text_and_gz -df
IN=plain diff_gzip text_and_gz -df -
IN=plain diff_gzip text_and_gz -d
IN=f.gz diff_gzip text_and_gz -df
GZ_PROG=gunzip RZ_PROG=$ROOT/bin/gunzip IN=plain diff_gzip text_and_gz -f
GZ_PROG=zcat RZ_PROG=$ROOT/bin/zcat diff_gzip text_and_gz -f plain f.gz
GZ_PROG=zcat RZ_PROG=$ROOT/bin/zcat diff_gzip text_and_gz plain
unset GZ_PROG RZ_PROG

group "empty and odd input"
diff_gzip empty_gz -d e.gz
diff_gzip empty -d e
IN=e diff_gzip empty -d
IN=e diff_gzip empty -dc
diff_gzip multi -d m.gz
diff_gzip multi -dc m.gz
diff_gzip zeros -d f.gz
diff_gzip zeros -t f.gz
diff_gzip zeros -tv f.gz
diff_gzip zeros -dv f.gz
diff_gzip zeros -dcv f.gz
IN=f.gz diff_gzip zeros -dv
diff_gzip garbage -d f.gz
diff_gzip garbage -dq f.gz
diff_gzip garbage -dc f.gz
diff_gzip garbage -t f.gz
diff_gzip garbage -tv f.gz
diff_gzip garbage -dv f.gz
# gzip -dv of several members takes the ratio of the last member's size to the whole
# file (63.7% is 36.4% there); rigz's ratio is that of the whole output.
LOOSE_RATIO=1 diff_gzip multi -dv m.gz
IN=m.gz diff_gzip multi -dcv
diff_gzip bad_crc -d f.gz
diff_gzip bad_crc -t f.gz
diff_gzip bad_size -t f.gz
diff_gzip truncated -d t.gz
diff_gzip truncated -t t.gz
diff_gzip truncated -dc t.gz
diff_gzip notgz -d f.gz
diff_gzip notgz -dq f.gz
diff_gzip notgz -df f.gz
diff_gzip notgz -dcf f.gz
diff_gzip garbage -dcf f.gz
diff_gzip garbage -tf f.gz
diff_gzip zeros -dcf f.gz
diff_gzip text_and_gz -tf plain
diff_gzip text_and_gz -tfv plain f.gz
diff_gzip lzw -dcf f.Z f

group "stdin and --"
IN=in.gz diff_gzip stdin_file -d
IN=in.gz diff_gzip stdin_file -d -
IN=in.gz diff_gzip stdin_file -dc -- -
IN=in diff_gzip stdin_file -d
IN=in diff_gzip stdin_file -t

group "GZIP environment variable"
ENV_GZIP=-9 diff_gzip one f
ENV_GZIP="-q --best" diff_gzip one f
ENV_GZIP="-n --rsyncable" diff_gzip one f
ENV_GZIP=-N diff_gzip named -d renamed.gz
ENV_GZIP=--keep diff_gzip one f
ENV_GZIP=-S.x diff_gzip one f
ENV_GZIP=-vc diff_gzip one f
ENV_GZIP=-d diff_gzip gz f.gz
ENV_GZIP="-9 x" diff_gzip one f
ENV_GZIP=-- diff_gzip one f
ENV_GZIP="-9 --" diff_gzip one f
ENV_GZIP=-9 diff_gzip one --bogus
ENV_GZIP=-x diff_gzip one f
ENV_GZIP=-vx diff_gzip one f
ENV_GZIP=-9 diff_gzip one -q f
ENV_GZIP=-k diff_gzip one f
ENV_GZIP="-k -n" diff_gzip one f
ENV_GZIP=-q diff_gzip file_and_gz f
ENV_GZIP=-v LOOSE_RATIO=1 diff_gzip one f

group "program names"
GZ_PROG=gunzip RZ_PROG=$ROOT/bin/gunzip diff_gzip gz f.gz
GZ_PROG=gunzip RZ_PROG=$ROOT/bin/unrigz diff_gzip gz f.gz
GZ_PROG=zcat RZ_PROG=$ROOT/bin/zcat diff_gzip gz f.gz
GZ_PROG=zcat RZ_PROG=$ROOT/bin/rigzcat diff_gzip gz f.gz
GZ_PROG=gunzip RZ_PROG=$ROOT/bin/gunzip diff_gzip gz -l f.gz
GZ_PROG=gunzip RZ_PROG=$ROOT/bin/gunzip diff_gzip gz -t f.gz

group "compress (.Z) files"
if command -v compress >/dev/null; then
  diff_gzip lzw -d f.Z
  diff_gzip lzw -dc f.Z
  diff_gzip lzw -t f.Z
  diff_gzip lzw -dv f.Z
  IN=f.Z diff_gzip lzw -d
  diff_gzip lzw -l f.Z
  IN=f.Z diff_gzip lzw -l
  diff_gzip lzw -lq f.Z
  # gzip -lv prints the unknown CRC of a .Z file as 16 f's; its manual and rigz, 8.
  run "$RIGZ" -lv ../r/f.Z
  assert_out_has "compr ffffffff "
  IN=f.Z diff_gzip lzw -dc
  IN=f.Z diff_gzip lzw -t
  diff_gzip gz_then_lzw -d m.gz
  diff_gzip gz_then_lzw -t m.gz
  diff_gzip gz_then_lzw -l m.gz
  IN=m.gz diff_gzip gz_then_lzw -dc
  GZ_PROG=zcat RZ_PROG=$ROOT/bin/zcat diff_gzip lzw f.Z
  diff_gzip lzw_bad -d big.Z
  diff_gzip lzw_bad -dc cut.Z
  diff_gzip lzw_bad -d head.Z
  diff_gzip lzw_bad -t magic.Z
  diff_gzip lzw_bad -t bits.Z
  diff_gzip lzw_bad -t bad.Z
  diff_gzip lzw_bad -d bad.Z
  diff_gzip lzw_bad -tv bad.Z
  # gzip stops at the first corrupt .Z file (or deflate data it finds invalid); rigz
  # goes on with the next file, as it does after any other error (same exit status).
  NO_ERR=1 diff_gzip lzw_bad -t bad.Z big.Z 2>/dev/null || true
else
  echo "compress (ncompress) is missing: .Z checks skipped"
fi

group "POSIXLY_CORRECT"
# Options end at the first file, as with gzip's getopt_long: "-v" is then a file name.
for args in "-k p.txt -v" "-k - -v"; do
  rm -rf "$ROOT/pg" "$ROOT/pr"
  mkdir "$ROOT/pg" "$ROOT/pr"
  gen_text 1000 "$ROOT/pg/p.txt"
  cp "$ROOT/pg/p.txt" "$ROOT/pr/p.txt"
  (cd "$ROOT/pg" && env POSIXLY_CORRECT=1 gzip $args <p.txt >out 2>err)
  grc=$?
  (cd "$ROOT/pr" && env POSIXLY_CORRECT=1 "$RIGZ" $args <p.txt >out 2>err)
  rrc=$?
  [ "$grc" = "$rrc" ] && ok || fail "POSIXLY_CORRECT rigz $args: exit status gzip $grc, rigz $rrc"
  [ "$(sed 's/gzip/PROG/' "$ROOT/pg/err")" = "$(sed 's/rigz/PROG/' "$ROOT/pr/err")" ] && ok ||
    fail "POSIXLY_CORRECT rigz $args: stderr: $(cat "$ROOT/pr/err")"
  [ "$(ls "$ROOT/pg")" = "$(ls "$ROOT/pr")" ] && ok || fail "POSIXLY_CORRECT rigz $args: files $(ls "$ROOT/pr")"
done

group "times a gzip header cannot hold, and inputs without one"
# Before 1970-01-01 00:00:01 or after 2106: a warning (exit 2, quiet with -q), time 0
# stored; none with -n. Not a regular file: no time stored, no warning.
for t in -315619200 0 7258118400; do
  T=$t diff_gzip one -k f
  T=$t LOOSE_RATIO=1 diff_gzip one -kv f
  T=$t diff_gzip one -kq f
  T=$t diff_gzip one -kn f
  T=$t diff_gzip one -c f
done
diff_gzip one -c /dev/null

group "option mistakes"
diff_gzip one -y f
diff_gzip one --bogus f
diff_gzip one -? f
diff_gzip one -k? f
diff_gzip one -S
diff_gzip one --suffix
diff_gzip one --fast=1 f
diff_gzip one --no f
diff_gzip one --s f
diff_gzip one --st f
diff_gzip one --n f
diff_gzip one -dy f
diff_gzip one --l f
# gzip's options that do nothing here: --ascii (a note unless -q), --lzw (refused).
diff_gzip one -a f
diff_gzip one -qa f
diff_gzip one --ascii -dc f
diff_gzip one -Z f
diff_gzip one --lzw f

group "pack (.z) files"
diff_gzip packed -d p.z
diff_gzip packed -dc p.z
diff_gzip packed -tv p.z
diff_gzip packed -dv p.z
diff_gzip packed -l p.z
IN=p.z diff_gzip packed -d
diff_gzip packed -t cut.z
diff_gzip packed -d len.z
diff_gzip packed -t nolen.z
diff_gzip packed -t leaves.z
diff_gzip packed_and_more -d pp.z
diff_gzip packed_and_more -dc pg.z
diff_gzip packed_and_more -d gpg.gz
diff_gzip packed_and_more -tv gpg.gz
diff_gzip packed_and_more -dv pz.z
diff_gzip packed_and_more -d px.z
diff_gzip packed_and_more -dcf px.z
diff_gzip packed_and_more -l pg.z
IN=gpg.gz diff_gzip packed_and_more -dc
IN=pp.z diff_gzip packed_and_more -l
diff_gzip packed_and_more -l px.z
diff_gzip packed_and_more -l pp.z

group "terminals"
# Under script(1) stdin, stdout and stderr are one terminal: both programs' whole output
# (messages and data) is compared, with the exit status.
if script -qec true /dev/null >/dev/null 2>&1; then
  gen_text 1000 "$ROOT/t.txt"
  gzip -c "$ROOT/t.txt" >"$ROOT/t.gz"
  for cmd in "< t.txt" "-q < t.txt" "-d" "-dq" "-dc t.gz" "-cf t.txt | gzip -dc | wc -c" "-t t.gz" "-l t.gz" "-cf < t.txt | gzip -dc | wc -c"; do
    (cd "$ROOT" && script -qec "gzip $cmd" /dev/null </dev/null >g.tty 2>&1)
    grc=$?
    (cd "$ROOT" && script -qec "$RIGZ $cmd" /dev/null </dev/null >r.tty 2>&1)
    rrc=$?
    [ "$grc" = "$rrc" ] && ok || fail "terminal: $cmd: exit status gzip $grc, rigz $rrc"
    g=$(sed -E 's/\b(gzip|rigz)\b/PROG/g; s|'"$RIGZ"'|PROG|g' "$ROOT/g.tty")
    r=$(sed -E 's|'"$RIGZ"'|PROG|g; s/\b(gzip|rigz)\b/PROG/g' "$ROOT/r.tty")
    [ "$g" = "$r" ] && ok || fail "terminal: $cmd: output differs:
gzip: $g
rigz: $r"
  done
  # gzip 1.12 refuses a terminal only for standard input, and writes `gzip -c FILE` to it;
  # its manual (-f: "Force compression ... if the compressed data is ... written to a
  # terminal") and pigz refuse both, and so does rigz; -q keeps the refusal quiet, as
  # gzip's for standard input and pigz's.
  (cd "$ROOT" && script -qec "$RIGZ -c -q t.txt" /dev/null </dev/null >r.tty 2>&1)
  rrc=$?
  [ "$rrc" = 1 ] && ok || fail "terminal: rigz -c -q t.txt: exit status $rrc, expected 1"
  [ ! -s "$ROOT/r.tty" ] && ok || fail "terminal: rigz -c -q t.txt wrote: $(head -c 300 "$ROOT/r.tty")"
  for cmd in "-c t.txt" "-k t.txt -c"; do
    (cd "$ROOT" && script -qec "$RIGZ $cmd" /dev/null </dev/null >r.tty 2>&1)
    rrc=$?
    [ "$rrc" = 1 ] && ok || fail "terminal: rigz $cmd: exit status $rrc, expected 1"
    grep -q "compressed data not written to a terminal. Use -f to force compression." "$ROOT/r.tty" && ok ||
      fail "terminal: rigz $cmd: $(head -c 300 "$ROOT/r.tty" | od -c | head -3)"
    [ "$(wc -c <"$ROOT/r.tty")" -lt 200 ] && ok || fail "terminal: rigz $cmd wrote data"
  done
else
  echo "script(1) cannot make a terminal: skipped"
fi

group "pigz-only options, against pigz"
zz() { one; pigz -z f; }
for args in "-p 2 f" "-p2 -k f" "-b 64 f" "-i f" "-0 f" "-11 f" "-z f" "-K f" "-m f" "-M -n f" "-C hello f" "-Y f"; do
  GZ_PROG=pigz diff_gzip one $args
done
GZ_PROG=pigz diff_gzip zz -d f.zz
GZ_PROG=pigz diff_gzip zz -dk f.zz
# Left different on purpose: -l prints gzip's table for every format (pigz has its own
# for zlib), and bad values of -p and -b are usage errors with gzip's exit status 1
# (pigz exits with 22 after "abort:").
for args in "-p 0" "-b 1" "-p -1" "-p +2" "-b +64" "-p 2x"; do
  expect 1 "$RIGZ" $args -c "$ROOT/r/f"
  assert_out_empty "rigz $args"
done
expect 1 "$RIGZ" -p " 2" -c "$ROOT/r/f"
assert_out_empty "rigz -p ' 2'"

group "a standard output that cannot be written"
# /dev/full (no space) and a closed descriptor: gzip's message, exit 1, and no more files.
if [ -w /dev/full ]; then
  gen_text 1000 "$ROOT/w.txt"
  gzip -c "$ROOT/w.txt" >"$ROOT/w.gz"
  for args in "-h" "-V" "-l w.gz" "-l w.gz w.gz" "-c w.txt w.txt" "-dc w.gz w.gz" "-lv < w.gz"; do
    for out in ">/dev/full" ">&-"; do
      (cd "$ROOT" && eval "gzip $args $out" 2>g.err)
      grc=$?
      (cd "$ROOT" && eval "\"$RIGZ\" $args $out" 2>r.err)
      rrc=$?
      [ "$grc" = "$rrc" ] && ok || fail "rigz $args $out: exit status gzip $grc, rigz $rrc"
      g=$(sed -E 's/\bgzip\b/PROG/g' "$ROOT/g.err")
      r=$(sed -E 's/\brigz\b/PROG/g' "$ROOT/r.err")
      [ "$g" = "$r" ] && ok || fail "rigz $args $out: stderr differs:
gzip: $g
rigz: $r"
    done
  done
fi

group "--help, -V, -L"
for opt in --help -h -V --version -L --license; do
  run "$RIGZ" "$opt"
  check_rc 0 "rigz $opt"
  assert_err_empty "rigz $opt: stderr"
  [ -s "$OUT" ] && ok || fail "rigz $opt: nothing on stdout"
done
# The first of them wins and nothing after it is read, as gzip's (whose -V and -L print
# the same text; rigz's differ).
run "$RIGZ" --version --help
check_rc 0 "rigz --version --help"
grep -q "Usage:" "$OUT" && fail "rigz --version --help printed the help" || ok
for args in "--help -x" "-hV" "-a -h" "-h -p 0"; do
  run "$RIGZ" $args
  check_rc 0 "rigz $args"
  assert_err_empty "rigz $args: stderr"
  assert_out_has "Usage: rigz"
done
run "$RIGZ" -x --help
check_rc 1 "rigz -x --help"
run "$RIGZ" --bogus
check_rc 1 "rigz --bogus"
run "$RIGZ" -y
check_rc 1 "rigz -y"

finish
