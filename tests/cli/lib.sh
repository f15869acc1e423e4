# Helpers shared by the command-line tests. Each test script starts with
#
#   source "$(dirname "$0")/lib.sh" "$@"
#
# where the first argument is the rigz binary. The script then runs in a fresh
# temporary directory ($WORK, removed at exit), records failures without stopping,
# and ends with `finish`, whose exit status is ctest's verdict.
set -u
export LC_ALL=C TZ=UTC
unset GZIP RIGZ
exec </dev/null  # stdin is never a terminal or a pipe that stays open

if [ $# -lt 1 ] || [ ! -x "$1" ]; then
  echo "usage: $0 path/to/rigz" >&2
  exit 2
fi
RIGZ=$(realpath "$1")
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# $ROOT holds the captured output of the last command ($OUT, $ERR) and $WORK, the
# directory the tests run in, so "nothing left behind" checks see only test files.
ROOT=$(mktemp -d "${TMPDIR:-/tmp}/rigz-cli.XXXXXX")
WORK=$ROOT/work
OUT=$ROOT/stdout
ERR=$ROOT/stderr
RC=0
mkdir "$WORK"
cd "$WORK" || exit 2
CLEANUPS=()
cleanup() {
  local c
  for c in "${CLEANUPS[@]+"${CLEANUPS[@]}"}"; do eval "$c" >/dev/null 2>&1; done
  cd / && chmod -R u+w "$ROOT" 2>/dev/null
  rm -rf "$ROOT"
}
trap cleanup EXIT
# Registers a command to run at exit (before the directory is removed): umount, kill.
at_exit() { CLEANUPS+=("$1"); }

FAILS=0
CHECKS=0
GROUP=""
# Names the group of checks that follow (shown with each failure).
group() {
  GROUP=$1
  echo "--- $1"
}
fail() {
  FAILS=$((FAILS + 1))
  echo "FAIL [$GROUP]: $*"
}
ok() { CHECKS=$((CHECKS + 1)); }

# ---- running commands

# run CMD...: runs CMD with stdout in $OUT and stderr in $ERR; its status in $RC.
# Redirect the call's stdin to feed it (run "$RIGZ" -d < f.gz); stdin is otherwise
# /dev/null, so rigz never sees a terminal (and never asks before overwriting).
run() {
  "$@" >"$OUT" 2>"$ERR"
  RC=$?
}

# expect STATUS CMD...: runs CMD and checks its exit status.
expect() {
  local want=$1
  shift
  run "$@"
  check_rc "$want" "$*"
}

# check_rc STATUS DESC: the last command's exit status.
check_rc() {
  if [ "$RC" -eq "$1" ]; then
    ok
  else
    fail "$2: exit status $RC, expected $1; stderr: $(head -c 400 "$ERR")"
  fi
}

# ---- files

assert_exists() {
  local f
  for f; do if [ -e "$f" ] || [ -L "$f" ]; then ok; else fail "$f should exist"; fi; done
}
assert_absent() {
  local f
  for f; do if [ -e "$f" ] || [ -L "$f" ]; then fail "$f should not exist"; else ok; fi; done
}
# assert_same A B [DESC]: two files have the same bytes.
assert_same() {
  if [ -f "$1" ] && [ -f "$2" ] && cmp -s "$1" "$2"; then
    ok
  else
    fail "${3:-$1 and $2 differ}: $(cmp "$1" "$2" 2>&1 | head -1)"
  fi
}
# assert_out_same FILE [DESC]: the last command's stdout equals FILE.
assert_out_same() { assert_same "$OUT" "$1" "${2:-stdout differs from $1}"; }
# assert_size FILE BYTES
assert_size() {
  local n
  n=$(stat -c %s "$1" 2>/dev/null || echo missing)
  if [ "$n" = "$2" ]; then ok; else fail "$1 has size $n, expected $2"; fi
}
# assert_no_temp [DIR]: no temporary file of rigz (.rigz-*) is left under DIR.
assert_no_temp() {
  local left
  left=$(find "${1:-$WORK}" -name '.rigz-*' 2>/dev/null | head -3)
  if [ -z "$left" ]; then ok; else fail "temporary files left: $left"; fi
}
# assert_mtime FILE SECONDS
assert_mtime() {
  local t
  t=$(stat -c %Y "$1" 2>/dev/null || echo missing)
  if [ "$t" = "$2" ]; then ok; else fail "$1 has mtime $t, expected $2"; fi
}
# assert_mode FILE OCTAL
assert_mode() {
  local m
  m=$(stat -c %a "$1" 2>/dev/null || echo missing)
  if [ "$m" = "$2" ]; then ok; else fail "$1 has mode $m, expected $2"; fi
}
# bytes_hex FILE OFFSET COUNT: the bytes as one lower-case hex string.
bytes_hex() { od -An -tx1 -j "$2" -N "$3" "$1" | tr -d ' \n'; }

# ---- gzip header fields (RFC 1952) of the first member

# gz_flags FILE: FLG as a decimal number.
gz_flags() { od -An -tu1 -j3 -N1 "$1" | tr -d ' '; }
# gz_mtime FILE: MTIME (bytes 4-7, little-endian) as a decimal number.
gz_mtime() {
  local b
  read -r -a b < <(od -An -tu1 -j4 -N4 "$1")
  echo $((b[0] | b[1] << 8 | b[2] << 16 | b[3] << 24))
}
# gz_name FILE: FNAME, empty when absent.
gz_name() {
  local flg off=10 b
  flg=$(gz_flags "$1")
  if ((flg & 4)); then
    read -r -a b < <(od -An -tu1 -j10 -N2 "$1")
    off=$((12 + b[0] + 256 * b[1]))
  fi
  if ((flg & 8)); then tail -c +$((off + 1)) "$1" | head -c 4096 | tr '\0' '\n' | head -1; fi
}

# ---- stderr and stdout

assert_err_empty() {
  if [ -s "$ERR" ]; then fail "${1:-stderr should be empty}: $(head -c 400 "$ERR")"; else ok; fi
}
assert_out_empty() {
  if [ -s "$OUT" ]; then fail "${1:-stdout should be empty}: $(head -c 200 "$OUT" | od -c | head -2)"; else ok; fi
}
# assert_err_has TEXT: stderr contains TEXT (a fixed string).
assert_err_has() {
  if grep -qF -- "$1" "$ERR"; then ok; else fail "stderr lacks '$1': $(head -c 400 "$ERR")"; fi
}
assert_out_has() {
  if grep -qF -- "$1" "$OUT"; then ok; else fail "stdout lacks '$1': $(head -c 400 "$OUT")"; fi
}
# assert_err_lines N: stderr has exactly N lines, not counting empty ones (gzip, and
# rigz after it, start messages about the data with a new line).
assert_err_lines() {
  local n
  n=$(grep -c . "$ERR")
  if [ "$n" -eq "$1" ]; then ok; else fail "stderr has $n lines, expected $1: $(head -c 400 "$ERR")"; fi
}

# ---- side by side with gzip

# tree_of DIR: one line per entry under DIR: name, type, mode, owner and mtime (files), and
# the checksum of the contents (compressed files decompressed first, so gzip's and
# rigz's outputs compare equal when they hold the same data).
tree_of() {
  (
    cd "$1" || exit
    find . -mindepth 1 | LC_ALL=C sort | while IFS= read -r f; do
      if [ -L "$f" ]; then
        echo "$f link $(readlink "$f")"
      elif [ -d "$f" ]; then
        echo "$f dir $(stat -c %a "$f")"
      elif [ -f "$f" ]; then
        local sum
        if [ "$(od -An -tx1 -N2 "$f" | tr -d ' ')" = 1f8b ]; then
          sum="gz:$(gzip -dc <"$f" 2>/dev/null | md5sum | cut -c1-12)"
        else
          sum=$(md5sum <"$f" | cut -c1-12)
        fi
        echo "$f file $(stat -c '%a %u:%g %Y' "$f") $sum"
      else
        echo "$f other"
      fi
    done
  )
}

# twin_dirs SETUP TIME: empties $ROOT/g and $ROOT/r (for gzip's and rigz's runs) and runs
# SETUP in each; every file it makes gets the time TIME, whenever the setup ran.
twin_dirs() {
  local d
  for d in g r; do
    chmod -R u+w "$ROOT/$d" 2>/dev/null
    rm -rf "${ROOT:?}/$d"
    mkdir "$ROOT/$d"
    (cd "$ROOT/$d" && $1 && find . -mindepth 1 ! -type l -exec touch -h -d @"$2" {} +)
  done
}

# same_as_gzip [-e] SETUP ARGS...: runs `gzip ARGS` and `rigz ARGS` each in a fresh
# directory prepared by the shell function SETUP (all its files then get the same
# modification time, 1234567890), and checks that they end with the same exit status
# and the same files. With -e the messages must match as well, in any order (with
# "gzip" and "rigz" made the same). GZ_PROG and RZ_PROG replace the two programs
# (gunzip, zcat, ... as links). The rigz run is left in $ROOT/r, with $OUT and $ERR.
same_as_gzip() {
  local cmp_err=0
  if [ "$1" = -e ]; then
    cmp_err=1
    shift
  fi
  local setup=$1
  shift
  twin_dirs "$setup" 1234567890
  (cd "$ROOT/g" && "${GZ_PROG:-gzip}" "$@" >"$ROOT/g.out" 2>"$ROOT/g.err" </dev/null)
  local grc=$?
  (cd "$ROOT/r" && "${RZ_PROG:-$RIGZ}" "$@" >"$OUT" 2>"$ERR" </dev/null)
  RC=$?
  local what="$setup: ${GZ_PROG:-gzip} $*"
  if [ "$RC" -eq "$grc" ]; then ok; else fail "$what: rigz exit $RC, gzip exit $grc; rigz said: $(head -c 300 "$ERR")"; fi
  local gt rt
  gt=$(tree_of "$ROOT/g")
  rt=$(tree_of "$ROOT/r")
  if [ "$gt" = "$rt" ]; then
    ok
  else
    fail "$what: files differ (< gzip, > rigz):
$(diff <(echo "$gt") <(echo "$rt") | grep '^[<>]')"
  fi
  if [ "$cmp_err" = 1 ]; then
    local ge re
    # Empty lines are left out (those that start gzip's messages about the data).
    # Sorted: both walk directories in readdir order, which two twin directories need
    # not share.
    ge=$(sed -E '/^$/d; s/\b(gzip|gunzip|zcat)\b/PROG/g' "$ROOT/g.err" | sort)
    re=$(sed -E '/^$/d; s/\b(gzip|rigz|unrigz|rigzcat|gunzip|zcat)\b/PROG/g' "$ERR" | sort)
    if [ "$ge" = "$re" ]; then
      ok
    else
      fail "$what: messages differ:
gzip: $ge
rigz: $re"
    fi
  fi
}

# ---- test data (deterministic)

# gen_text BYTES FILE [SEED]: compressible text, words and numbers in lines.
gen_text() {
  awk -v n="$1" -v seed="${3:-1}" 'BEGIN {
    srand(seed)
    nw = split("the of and to in is was that for on with as by at from data block stream member " \
               "header trailer window deflate inflate huffman literal length distance code table " \
               "tree bits bytes file name time level thread queue worker writer reader buffer", w, " ")
    while (len < n) {
      k = int(rand() * 12) + 3; line = ""
      for (i = 0; i < k; i++) line = line w[int(rand() * nw) + 1] " "
      line = line int(rand() * 100000) "\n"
      printf "%s", line; len += length(line)
    }
  }' | head -c "$1" >"$2"
}
# gen_random BYTES FILE [SEED]: incompressible bytes.
gen_random() {
  if command -v openssl >/dev/null; then
    openssl enc -aes-128-ctr -nosalt -pbkdf2 -pass "pass:rigz${3:-1}" </dev/zero 2>/dev/null | head -c "$1" >"$2"
  else
    head -c "$1" /dev/urandom >"$2"
  fi
}
# gen_mixed BYTES FILE [SEED]: text and random data in alternating 16 KiB stretches.
gen_mixed() {
  local half=$(($1 / 2 + 16384))
  gen_text "$half" "$ROOT/mix.t" "${3:-1}"
  gen_random "$half" "$ROOT/mix.r" "${3:-1}"
  local i=0
  while [ $((i * 16384)) -lt "$half" ]; do
    dd if="$ROOT/mix.t" bs=16384 skip=$i count=1 status=none
    dd if="$ROOT/mix.r" bs=16384 skip=$i count=1 status=none
    i=$((i + 1))
  done | head -c "$1" >"$2"
  rm -f "$ROOT/mix.t" "$ROOT/mix.r"
}

# ---- the end

finish() {
  echo "$CHECKS checks passed, $FAILS failed"
  [ "$FAILS" -eq 0 ]
  exit $?
}
