#!/bin/bash
# Never lose data: full disks, write errors, signals, unwritable directories and
# closed pipes end with the input intact and no partial output or temporary file.
source "$(dirname "$0")/lib.sh" "$@"

gen_random 600000 random
gen_text 3000000 text

# A file system of 1 MiB (tmpfs; needs the right to mount).
group "full disk"
FULL=$ROOT/full
mkdir "$FULL"
if mount -t tmpfs -o size=1m tmpfs "$FULL" 2>/dev/null; then
  at_exit "umount '$FULL'"
  # Compressing: the output does not fit beside the input.
  cp random "$FULL/r"
  run "$RIGZ" "$FULL/r"
  check_rc 1 "compressing onto a full disk"
  assert_err_lines 1
  assert_err_has "$FULL/r.gz"
  assert_same "$FULL/r" random "input changed"
  assert_absent "$FULL/r.gz"
  assert_no_temp "$FULL"
  # With -f over an existing output: the old output is not lost either.
  echo old >"$FULL/r.gz"
  run "$RIGZ" -f "$FULL/r"
  check_rc 1 "compressing onto a full disk with -f"
  assert_same "$FULL/r" random "input changed"
  [ "$(cat "$FULL/r.gz")" = old ] && ok || fail "-f on a full disk lost the old output"
  assert_no_temp "$FULL"
  rm -f "$FULL/r" "$FULL/r.gz"
  # Decompressing: the small .gz expands beyond the space left.
  "$RIGZ" -c text >"$FULL/t.gz"
  cp "$FULL/t.gz" t.gz
  run "$RIGZ" -d "$FULL/t.gz"
  check_rc 1 "decompressing onto a full disk"
  assert_err_lines 1
  assert_same "$FULL/t.gz" t.gz "input changed"
  assert_absent "$FULL/t"
  assert_no_temp "$FULL"
  run "$RIGZ" -dN "$FULL/t.gz"
  check_rc 1 "decompressing with -N onto a full disk"
  assert_absent "$FULL/t"
  assert_no_temp "$FULL"
  # -c into a file there.
  run "$RIGZ" -dc "$FULL/t.gz"
  check_rc 0 "-dc from the full disk to elsewhere"
  sh -c "'$RIGZ' -dc '$FULL/t.gz' >'$FULL/out'" 2>"$ERR"
  RC=$?
  check_rc 1 "-dc into a file on a full disk"
  assert_err_lines 1
  rm -f "$FULL/out"
  # -r over a tree: each file that does not fit fails; the status is 1.
  rm -f "$FULL/t.gz"
  mkdir "$FULL/d"
  cp random "$FULL/d/a"
  head -c 1000 text >"$FULL/d/b"
  run "$RIGZ" -r "$FULL/d"
  check_rc 1 "-r onto a full disk"
  assert_same "$FULL/d/a" random
  assert_exists "$FULL/d/b.gz"
  assert_no_temp "$FULL"
else
  echo "cannot mount a tmpfs (not permitted): full-disk tests skipped"
fi

# /dev/full: every write fails with ENOSPC.
group "/dev/full"
for args in "-c random" "-c text" "-dc t.gz" "-p 1 -c text" "-1 -c -"; do
  run sh -c "'$RIGZ' $args <text >/dev/full"
  check_rc 1 "rigz $args >/dev/full"
  assert_err_lines 1
  assert_err_has "No space left on device"
done
assert_exists text random t.gz

# Signals during a long compression: no output, no temporary file, input intact.
group "signals"
SIGDIR=$WORK
[ -d /dev/shm ] && [ -w /dev/shm ] && SIGDIR=$(mktemp -d /dev/shm/rigz-cli.XXXXXX) && at_exit "rm -rf '$SIGDIR'"
for i in 1 2 3 4 5 6 7; do cat text; done >"$SIGDIR/part"
for i in 1 2 3 4 5 6 7 8 9 10; do cat "$SIGDIR/part"; done >"$SIGDIR/big"  # 210 MB
rm "$SIGDIR/part"
BIG_SUM=$(md5sum <"$SIGDIR/big")
# interrupt SIGNAL DELAY ARGS...: runs rigz ARGS in the background and sends SIGNAL
# after DELAY seconds; $RC is its exit status.
interrupt() {
  local sig=$1 delay=$2
  shift 2
  env --default-signal=INT,TERM,HUP "$RIGZ" "$@" >"$OUT" 2>"$ERR" &
  local pid=$!
  sleep "$delay"
  kill -s "$sig" "$pid" 2>/dev/null
  { wait "$pid"; } 2>/dev/null  # (without bash's "Hangup" notice)
  RC=$?
}
for sig in INT TERM HUP; do
  interrupt $sig 0.3 -p 2 "$SIGDIR/big"
  [ "$RC" -ne 0 ] && ok || fail "SIG$sig: rigz finished before the signal (too fast for this test?)"
  [ "$RC" -eq $((128 + $(kill -l $sig))) ] && ok || fail "SIG$sig: exit status $RC, not $((128 + $(kill -l $sig)))"
  assert_absent "$SIGDIR/big.gz"
  assert_no_temp "$SIGDIR"
  [ "$(md5sum <"$SIGDIR/big")" = "$BIG_SUM" ] && ok || fail "SIG$sig: input changed"
done
# -k and -1 -p 8: the same.
interrupt INT 0.3 -1 -k -p 8 "$SIGDIR/big"
assert_absent "$SIGDIR/big.gz"
assert_no_temp "$SIGDIR"
# Interrupting a decompression.
"$RIGZ" -1 -c "$SIGDIR/big" >"$SIGDIR/big2.gz"
rm "$SIGDIR/big"
interrupt TERM 0.05 -d "$SIGDIR/big2.gz"
if [ "$RC" -eq 0 ]; then  # it won the race: the output must then be complete
  [ "$(md5sum <"$SIGDIR/big2")" = "$BIG_SUM" ] && ok || fail "decompression: wrong output"
else
  assert_absent "$SIGDIR/big2"
  assert_exists "$SIGDIR/big2.gz"
fi
assert_no_temp "$SIGDIR"
# A signal ignored by the caller (nohup) stays ignored.
"$RIGZ" -dc "$SIGDIR/big2.gz" | head -c 100000000 >"$SIGDIR/big"
rm -f "$SIGDIR/big2" "$SIGDIR/big2.gz"
nohup "$RIGZ" -1 -k -p 2 "$SIGDIR/big" >/dev/null 2>&1 &
pid=$!
sleep 0.2
kill -HUP $pid 2>/dev/null
{ wait $pid; } 2>/dev/null
RC=$?
check_rc 0 "SIGHUP under nohup"
run gzip -t "$SIGDIR/big.gz"
check_rc 0 "output after an ignored SIGHUP"
rm -f "$SIGDIR/big" "$SIGDIR/big.gz"

# A directory where the output cannot be created.
group "unwritable directory"
RO=$ROOT/ro
mkdir "$RO"
cp text "$RO/t"
"$RIGZ" -c text >"$RO/u.gz"
cp "$RO/u.gz" u.gz
if [ "$(id -u)" -ne 0 ]; then
  chmod 555 "$RO"
  at_exit "chmod 755 '$RO'"
  ro_ok=1
elif mount -t tmpfs tmpfs "$RO" 2>/dev/null; then  # root ignores modes: a read-only mount
  at_exit "umount '$RO'"
  cp text "$RO/t"
  cp u.gz "$RO/u.gz"
  mount -o remount,ro "$RO" && ro_ok=1
else
  ro_ok=0
  echo "running as root without mount: unwritable-directory tests skipped"
fi
if [ "$ro_ok" = 1 ]; then
  for args in "$RO/t" "-k $RO/t" "-f $RO/t" "-d $RO/u.gz" "-dk $RO/u.gz"; do
    run "$RIGZ" $args
    check_rc 1 "rigz $args in an unwritable directory"
    assert_err_lines 1
    assert_same "$RO/t" text
    assert_same "$RO/u.gz" u.gz
    assert_absent "$RO/t.gz" "$RO/u"
  done
  run "$RIGZ" -c "$RO/t"
  check_rc 0 "-c from an unwritable directory"
fi

# A compressed input that shrinks while rigz reads it (another program truncates it): rigz
# -d reads files of 1 MiB and more in place (mapped), where this raises SIGBUS instead of a
# short read. rigz stops with an error that names the file, exit 1, not a crash. The
# output goes to a pipe that is not read, so that rigz stalls with most of the input unread.
group "input that shrinks while it is read"
gen_random 32000000 shrink.src
"$RIGZ" -1 -c shrink.src >shrink.src.gz
for args in "-dc" "-dc -p 1"; do
  cp shrink.src.gz victim
  ("$RIGZ" $args victim 2>"$ERR"; echo $? >rc) | (sleep 1; truncate -s 0 victim; cat >/dev/null)
  RC=$(cat rc)
  check_rc 1 "rigz $args on a file that shrinks"
  assert_err_lines 1
  assert_err_has "victim"
done
rm -f victim rc shrink.src.gz

# A file that grows or shrinks while rigz compresses it: the output holds what was read,
# and rigz says so as gzip does ("file size changed while zipping", even with -q, exit 0).
# The output pipe is not read at first, so that rigz stalls with most of the file unread.
group "file that changes size while it is compressed"
for change in "grows" "shrinks"; do
  for args in "-c -1" "-c -1 -q -p 1"; do
    cp shrink.src victim
    ("$RIGZ" $args victim 2>"$ERR"; echo $? >rc) | (
      sleep 1
      if [ $change = grows ]; then echo more >>victim; else truncate -s 20000000 victim; fi
      cat >changed.gz
    )
    RC=$(cat rc)
    check_rc 0 "rigz $args on a file that $change"
    assert_err_lines 1
    assert_err_has "victim: file size changed while zipping"
    # What rigz read is a prefix of the file as it was (all of it, when it grew).
    gzip -dc changed.gz >changed || fail "gzip -dc of the output for a file that $change"
    if [ $change = grows ]; then
      cmp -s changed victim && ok || fail "the output of a file that grew is not the whole file"
    else
      cmp -s changed shrink.src -n "$(stat -c %s changed)" && ok || fail "the output of a file that shrank is not a prefix"
    fi
  done
done
"$RIGZ" -c -1 shrink.src 2>"$ERR" >/dev/null
assert_err_empty "rigz -c of a file that stays as it is"
rm -f victim rc changed changed.gz shrink.src

# A reader that stops early (head): no message, whatever the exit status.
group "closed pipe"
"$RIGZ" -c text text text text >big.gz
for args in "-dc big.gz" "-c text" "-dc -p 4 big.gz" "-c -1 -p 4 text" "-d" ""; do
  "$RIGZ" $args <big.gz 2>"$ERR" | head -c 10 >/dev/null
  assert_err_empty "rigz $args | head -c 10"
done
out=$("$RIGZ" -dc big.gz 2>&1 | head -c 10)
[ "$out" = "$(head -c 10 text)" ] && ok || fail "rigz -dc | head: '$out'"
assert_no_temp

finish
