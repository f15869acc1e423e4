#!/usr/bin/env bash
# scripts/bash-completion/rigz offers every option of `rigz --help`, completes option values
# and files: on its own, and under the bash-completion package when it is installed.
#   completion_test.sh RIGZ COMPLETION_SCRIPT
set -u
RIGZ_BIN=$(realpath "$1") SCRIPT=$(realpath "$2")
export LC_ALL=C
unset GZIP RIGZ
T=$(mktemp -d "${TMPDIR:-/tmp}/rigz-completion.XXXXXX")
trap 'rm -rf "$T"' EXIT
help=$("$RIGZ_BIN" --help) || { echo "FAIL: rigz --help" >&2; exit 1; }
options=$(grep -oE '(^|[ ,])--?[A-Za-z0-9][-A-Za-z0-9]*' <<<"$help" | sed 's/^[ ,]*//' | sort -u)
cd "$T" && touch plain.txt packed.gz && mkdir sub || exit 1

# Completes the command line of the words "$@" (the last one is being completed; "=" is a
# word of its own, as bash splits --opt=value); sets $got.
comp() {
  COMP_WORDS=("$@")
  COMP_CWORD=$(($# - 1))
  COMP_LINE="$*"
  COMP_LINE=${COMP_LINE// = /=}
  COMP_POINT=${#COMP_LINE}
  COMPREPLY=()
  _rigz "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
  got=" ${COMPREPLY[*]} "
}

# Prints a line per failure.
checks() {
  # shellcheck source=/dev/null
  . "$SCRIPT" || { echo "cannot source $SCRIPT"; return; }
  complete -p rigz unrigz rigzcat >/dev/null || echo "rigz, unrigz and rigzcat have no completion"
  comp rigz -
  for opt in $options; do
    [[ $got == *" $opt "* || $got == *" $opt= "* ]] || echo "option $opt is not completed"
  done
  comp rigz --proc
  [ "$got" = " --processes= " ] || echo "--proc completes to:$got"
  comp rigz -p ""
  [[ $got == *" 1 "* ]] || echo "-p values:$got"
  comp rigz --blocksize = ""
  [[ $got == *" 2048 "* ]] || echo "--blocksize= values:$got"
  comp rigz --suffix = .t
  [ "$got" = " .tgz " ] || echo "--suffix=.t completes to:$got"
  comp rigz ""
  [[ $got == *" plain.txt "* && $got == *" sub"* ]] || echo "compressing offers:$got"
  for line in "rigz -d" "rigz -cd" "unrigz" "rigzcat" "rigz --test"; do
    # shellcheck disable=SC2086
    comp $line ""
    [[ $got == *" packed.gz "* && $got != *" plain.txt "* ]] || echo "'$line' offers:$got"
  done
}

failures=$(checks 2>&1)
modes=1
if [ -f /usr/share/bash-completion/bash_completion ]; then
  modes=2
  failures+=$'\n'$(
    # shellcheck source=/dev/null
    . /usr/share/bash-completion/bash_completion >/dev/null 2>&1
    checks 2>&1 | sed 's/^/with bash-completion: /'
  )
fi
failures=$(sed '/^$/d' <<<"$failures")
[ -n "$failures" ] && sed 's/^/FAIL: /' <<<"$failures" >&2
echo "completion: $(wc -w <<<"$options") options checked, $modes mode(s)"
[ -z "$failures" ]
