#!/bin/bash
# The progress line on standard error: forced with --progress, shown by itself only on a
# terminal (a pseudo-terminal made by script(1)) for jobs over a second, never in pipes,
# redrawn in place at most four times a second and erased at the end.
source "$(dirname "$0")/lib.sh" "$@"

gen_random 3000000 data 3
gen_text 3000000 text 5
"$RIGZ" -c data >data.gz
"$RIGZ" -c text >text.gz

# segments FILE: the pieces of FILE between carriage returns, one a line (the last
# piece of a pseudo-terminal's output also loses script's "\r\n").
segments() { tr '\r' '\n' <"$1" | sed '/^$/d'; }
# check_erased FILE DESC: the last thing drawn is blank (the line was erased), and the
# progress never started a new line.
check_erased() {
  local last
  last=$(segments "$1" | tail -1)
  if [ -n "$last" ] && [ -z "${last// /}" ]; then ok; else fail "$2: the line is not erased at the end: '$last'"; fi
}
# slow_cat FILE [SECONDS]: FILE's first MiB, a pause, then the rest (a job that lasts).
slow_cat() {
  head -c 1000000 "$1"
  sleep "${2:-2}"
  tail -c +1000001 "$1"
}

# ---- forced: wherever stderr goes, from the start
group "--progress"
run "$RIGZ" --progress -c data
check_rc 0 "--progress -c data"
cp "$OUT" p.gz
run gzip -dc p.gz
assert_out_same data "--progress output"
expect 0 "$RIGZ" --progress -c data
[ "$(head -c 13 "$ERR" | od -An -c | tr -d ' ')" = '\rrigz:data:' ] && ok || fail "line: $(od -c "$ERR" | head -2)"
assert_err_has " of 2.9 MiB"
assert_err_has "%"
[ "$(tr -cd '\n' <"$ERR" | wc -c)" -eq 0 ] && ok || fail "--progress wrote a new line: $(od -c "$ERR" | head)"
check_erased "$ERR" "--progress"
# Decompression and -t count the compressed bytes read.
expect 0 "$RIGZ" --progress -dc data.gz
assert_out_same data "-dc --progress"
assert_err_has "rigz: data.gz: "
assert_err_has " of 2.9 MiB"
check_erased "$ERR" "-dc --progress"
expect 0 "$RIGZ" --progress -t text.gz
assert_err_has "rigz: text.gz: "
# Standard input: the size is not known.
run "$RIGZ" --progress -c <data
check_rc 0 "--progress from stdin"
run bash -c "cat data | '$RIGZ' --progress -c >/dev/null"
assert_err_has "rigz: stdin: "
grep -q " of " "$ERR" && fail "a pipe has no known size: $(tr '\r' '\n' <"$ERR" | head -3)" || ok
# Forced even with -q; --no-progress after it wins, and the reverse.
expect 0 "$RIGZ" -q --progress -c data
assert_err_has "rigz: data: "
expect 0 "$RIGZ" --progress --no-progress -c data
assert_err_empty "--no-progress after --progress"
expect 0 "$RIGZ" --no-progress --progress -c data
assert_err_has "rigz: data: "
# -l shows none.
expect 0 "$RIGZ" --progress -l data.gz
assert_err_empty "-l --progress"
# With -v, the line is gone before the message.
cp data v1
expect 0 "$RIGZ" --progress -v v1
assert_err_has "v1:	"
segments "$ERR" | tail -1 | grep -q '^v1:' && ok || fail "-v message after the line: $(segments "$ERR" | tail -2)"

# ---- never in pipes (or files) unless asked, however long the job
group "not in pipes"
slow_cat data 1.5 | "$RIGZ" -c >s.gz 2>s.err
[ -s s.err ] && fail "progress in a pipe: $(od -c s.err | head -3)" || ok
run gzip -dc s.gz
assert_out_same data "slow job's output"
"$RIGZ" -dc data.gz 2>s2.err | (sleep 1.5; cat >/dev/null)
[ -s s2.err ] && fail "progress in a pipe (decompressing): $(od -c s2.err | head -3)" || ok

# ---- on a terminal
group "terminal"
if ! command -v script >/dev/null || ! script -qfec true /dev/null >/dev/null 2>&1; then
  echo "script(1) cannot make a pseudo-terminal: skipped"
  finish
fi
# on_tty FILE CMD: runs the bash command CMD with stdin, stdout and stderr on a
# pseudo-terminal; what it shows goes to FILE. Sets $secs, how long it took.
on_tty() {
  local f=$1 t0 t1
  shift
  t0=$(date +%s%N)
  script -qfec "bash -c 'cd \"$WORK\" && $*'" /dev/null >"$f" </dev/null
  t1=$(date +%s%N)
  secs=$(((t1 - t0) / 1000000000 + 1))
}
export RIGZ_BIN=$RIGZ
on_tty tty1 "slow_cat() { head -c 1000000 \"\$1\"; sleep 2.5; tail -c +1000001 \"\$1\"; }; slow_cat data | \"\$RIGZ_BIN\" -c >t1.gz"
run gzip -dc t1.gz
assert_out_same data "the output under a terminal"
grep -q "rigz: stdin: " tty1 && ok || fail "no progress on a terminal: $(od -c tty1 | head -5)"
grep -q "/s" tty1 && ok || fail "no speed shown: $(segments tty1 | head -5)"
check_erased tty1 "on a terminal"
draws=$(grep -o $'\rrigz:' tty1 | wc -l)
# Not before a second, then at most four a second.
[ "$draws" -ge 2 ] && [ "$draws" -le $((4 * secs)) ] && ok || fail "$draws draws in $secs s"
[ "$(tr -cd '\n' <tty1 | wc -c)" -eq 0 ] && ok || fail "the progress line scrolled: $(od -c tty1 | head)"
# A known size: the percentage and the total.
on_tty tty2 "\"\$RIGZ_BIN\" -dc data.gz | (sleep 2.5; cat >/dev/null)"
grep -q "rigz: data.gz: [0-9.]*% .* of 2.9 MiB" tty2 && ok || fail "no percentage: $(segments tty2 | head -5)"
check_erased tty2 "a known size"
# Short jobs, -q, --no-progress: nothing.
on_tty tty3 "\"\$RIGZ_BIN\" -c text >t3.gz"
grep -q "rigz:" tty3 && fail "progress for a short job: $(od -c tty3 | head -3)" || ok
on_tty tty4 "\"\$RIGZ_BIN\" -q -dc data.gz | (sleep 1.5; cat >/dev/null)"
grep -q "rigz:" tty4 && fail "progress with -q: $(od -c tty4 | head -3)" || ok
on_tty tty5 "\"\$RIGZ_BIN\" --no-progress -dc data.gz | (sleep 1.5; cat >/dev/null)"
grep -q "rigz:" tty5 && fail "progress with --no-progress: $(od -c tty5 | head -3)" || ok
# Output to the terminal itself: the line would break it up.
on_tty tty6 "(head -c 100000 text.gz; sleep 1.5; tail -c +100001 text.gz) | \"\$RIGZ_BIN\" -dc"
grep -q "rigz:" tty6 && fail "progress while writing to the terminal: $(segments tty6 | grep rigz: | head -3)" || ok
grep -q "inflate" tty6 && ok || fail "the decompressed text is not on the terminal"

# Ended by a signal while the line is drawn: the line ends with a new line (the prompt
# that follows starts on its own line), and nothing is left behind.
mkdir sig
on_tty tty7 "cd sig; (head -c 1000000 ../data; sleep 4; cat ../data) | \"\$RIGZ_BIN\" >o.gz & sleep 2.5; kill -TERM \$!; wait; echo END"
grep -q "rigz: stdin: " tty7 && ok || fail "no progress before the signal: $(od -c tty7 | head -3)"
tr '\r' '\n' <tty7 | sed '/^$/d' | grep -B1 '^END' | head -1 | grep -q "rigz: stdin: " && ok ||
  fail "the line did not end before what followed: $(od -c tty7 | tail -4)"
assert_no_temp sig

finish
