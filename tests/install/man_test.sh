#!/usr/bin/env bash
# docs/rigz.1 renders without a warning, and documents every option `rigz --help` lists.
# Exit 77 (skipped) without groff.
#   man_test.sh RIGZ MAN_PAGE
set -u
RIGZ_BIN=$1 PAGE=$2
export LC_ALL=C
unset GZIP RIGZ
FAILS=0
fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }

if ! command -v groff >/dev/null; then
  echo "groff is not installed (Debian: groff-base): skipped"
  exit 77
fi
warnings=$(groff -man -ww -z "$PAGE" 2>&1)
[ -z "$warnings" ] || fail "groff warnings: $warnings"
if command -v man >/dev/null; then
  warnings=$(MANWIDTH=80 man --warnings -l "$PAGE" 2>&1 >/dev/null)
  [ -z "$warnings" ] || fail "man warnings: $warnings"
fi

# The page as text, hyphens plain. Each option must appear where an option is documented: at
# the start of a tagged paragraph (a line indented by 7 columns), alone or in a list.
text=$(groff -man -Tascii -P-cbou "$PAGE" 2>/dev/null)
help=$("$RIGZ_BIN" --help) || fail "rigz --help failed"
options=$(grep -oE '(^|[ ,])--?[A-Za-z0-9][-A-Za-z0-9]*' <<<"$help" | sed 's/^[ ,]*//' | sort -u)
[ "$(wc -l <<<"$options")" -ge 20 ] || fail "too few options found in --help: $options"
# A range of levels ("-0 to -9") is one entry: it must be one in the man page too.
for range in $(grep -oE -- '-[0-9]+ to -[0-9]+' <<<"$help" | tr ' ' '_'); do
  range=${range//_/ }
  grep -qE "^ {7}$range" <<<"$text" || fail "levels $range are not documented in the man page"
  from=${range%% *} to=${range##* }
  for ((l = ${from#-}; l <= ${to#-}; l++)); do options=$(grep -vx -- "-$l" <<<"$options"); done
done
for opt in $options --; do
  grep -qE "^ {7}(.*, )?$opt(,| |$)" <<<"$text" || fail "option $opt of --help is not documented in the man page"
done
for word in GZIP RIGZ unrigz rigzcat gunzip zcat 'EXIT STATUS' 'OUTPUT FORMAT'; do
  grep -q "$word" <<<"$text" || fail "the man page does not mention $word"
done
for status in 0 1 2; do
  grep -qE "^ {7}$status( |\$)" <<<"$text" || fail "exit status $status is not documented"
done
echo "man page: $(wc -w <<<"$options") options checked, $FAILS failure(s)"
[ "$FAILS" -eq 0 ]
