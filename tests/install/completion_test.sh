#!/usr/bin/env bash
# scripts/bash-completion/rigz offers every option of `rigz --help`, completes option values
# and files.
#   completion_test.sh RIGZ COMPLETION_SCRIPT
set -u
RIGZ_BIN=$1 SCRIPT=$2
export LC_ALL=C
unset GZIP RIGZ
FAILS=0
fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
T=$(mktemp -d "${TMPDIR:-/tmp}/rigz-completion.XXXXXX")
trap 'rm -rf "$T"' EXIT

# shellcheck source=/dev/null
. "$SCRIPT" || { echo "FAIL: cannot source $SCRIPT" >&2; exit 1; }
complete -p rigz unrigz rigzcat >/dev/null || fail "rigz, unrigz and rigzcat have no completion"

# Completes the command line "$@" (the last word is the one being completed); sets $got.
comp() {
  COMP_WORDS=("$@")
  COMP_CWORD=$(($# - 1))
  COMP_LINE="$*"
  COMP_POINT=${#COMP_LINE}
  COMPREPLY=()
  _rigz "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
  got=" ${COMPREPLY[*]} "
}

help=$("$RIGZ_BIN" --help)
options=$(grep -oE '(^|[ ,])--?[A-Za-z0-9][-A-Za-z0-9]*' <<<"$help" | sed 's/^[ ,]*//' | sort -u)
comp rigz -
for opt in $options; do
  [[ $got == *" $opt "* || $got == *" $opt= "* ]] || fail "option $opt is not completed"
done
comp rigz --proc
[ "$got" = " --processes= " ] || fail "--proc completes to:$got"
comp rigz -p ""
[[ $got == *" 1 "* ]] || fail "-p values:$got"
comp rigz --blocksize = ""
[[ $got == *" 2048 "* ]] || fail "--blocksize= values:$got"

cd "$T" && touch plain.txt packed.gz && mkdir sub
comp rigz ""
[[ $got == *" plain.txt "* && $got == *" sub"* ]] || fail "compressing offers:$got"
for line in "rigz -d" "rigz -cd" "unrigz" "rigzcat" "rigz --test"; do
  # shellcheck disable=SC2086
  comp $line ""
  [[ $got == *" packed.gz "* && $got != *" plain.txt "* ]] || fail "'$line' offers:$got"
done
echo "completion: $(wc -w <<<"$options") options checked, $FAILS failure(s)"
[ "$FAILS" -eq 0 ]
