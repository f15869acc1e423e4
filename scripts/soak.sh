#!/usr/bin/env bash
# Soak test: thousands of random round trips through the rigz program.
#
# Each case draws, from its own seed, an input (0..4 MiB, log-uniform so small sizes are
# common, with random compressibility: text, runs, long repeats and random bytes mixed in
# a random proportion) and options (level 1-9, -p 1-8, -b 32..1024 KiB or the default,
# sometimes -i, sometimes -R where rigz has it, sometimes a named file instead of a pipe).
# It then checks that
#   - gzip -dc (zlib) restores the input, and gzip -t accepts the file;
#   - rigz -dc (with a random -p) restores the input;
#   - sometimes: the output does not depend on the thread count (-p 1 gives the same bytes).
# Any failure prints the case's seed and the command that replays it alone:
#   scripts/soak.sh --seed N --count 1
#
# Usage: scripts/soak.sh [--count M] [--seed N] [--jobs J] [--max-size BYTES] [--rigz PATH]
#                        [--keep-failures DIR] [--stop]
#   --count M        cases to run (default 2000)
#   --seed N         seed of the first case; case i uses N+i (default: from the clock)
#   --jobs J         cases run side by side (default 2)
#   --max-size B     largest input (default 4194304)
#   --rigz PATH      the program (default build/rigz)
#   --keep-failures  where the files of failing cases are kept (default
#                    $TMPDIR/rigz-soak-failures, /tmp without TMPDIR)
#   --stop           stop at the first failure
#   -v, --verbose    print every case, not only failures
set -euo pipefail

count=2000
seed=$(( $(date +%s) % 1000000 * 1000 ))
jobs=2
max_size=$((4 << 20))
rigz=build/rigz
keep=${TMPDIR:-/tmp}/rigz-soak-failures
stop=0
verbose=0
while [ $# -gt 0 ]; do
  case $1 in
    --count) count=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --max-size) max_size=$2; shift 2 ;;
    --rigz) rigz=$2; shift 2 ;;
    --keep-failures) keep=$2; shift 2 ;;
    --stop) stop=1; shift ;;
    -v|--verbose) verbose=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "soak.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
for n in "$count" "$seed" "$jobs" "$max_size"; do
  [[ $n =~ ^[0-9]+$ ]] || { echo "soak.sh: not a number: $n" >&2; exit 2; }
done
[ -x "$rigz" ] || { echo "soak.sh: no rigz program at $rigz (make build)" >&2; exit 2; }
rigz=$(cd "$(dirname "$rigz")" && pwd)/$(basename "$rigz")
command -v gzip >/dev/null || { echo "soak.sh: gzip is needed" >&2; exit 2; }
command -v perl >/dev/null || { echo "soak.sh: perl is needed" >&2; exit 2; }
has_rsyncable=0
"$rigz" --help 2>&1 | grep -q -- --rsyncable && has_rsyncable=1

work=$(mktemp -d "${TMPDIR:-/tmp}/rigz-soak.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/results"
# Commands that take longer than this are taken for hangs.
limit=300

# Writes SIZE bytes drawn from SEED to stdout. The mix: each segment is random bytes (with
# probability RANDOM_PCT %), or words, or a run of one byte, or a copy of earlier data.
gen_data() {
  perl -e '
    use strict; use warnings;
    my ($seed, $size, $random_pct) = @ARGV;
    srand($seed);
    my @words = qw(the quick brown fox jumps over lazy dog GET POST /index.html HTTP/1.1
                   200 404 rigz gzip deflate ACGT TTGACA 0 1 2 3 4 5 6 7 8 9 error warning);
    my $out = "";
    while (length($out) < $size) {
      my $r = rand(100);
      my $len = 1 + int(rand(1) ** 3 * 65536);
      if ($r < $random_pct) {
        $out .= pack("L*", map { int(rand(4294967296)) } 1 .. ($len + 3) / 4);
      } elsif ($r < $random_pct + (100 - $random_pct) * 0.6) {
        my $s = "";
        $s .= $words[int(rand(@words))] . (rand(10) < 1 ? "\n" : " ") while length($s) < $len;
        $out .= $s;
      } elsif ($r < $random_pct + (100 - $random_pct) * 0.8 || length($out) == 0) {
        $out .= chr(int(rand(256))) x $len;
      } else {  # a long-distance repeat
        my $from = int(rand(length($out)));
        $out .= substr($out, $from, $len);
      }
    }
    print substr($out, 0, $size);
  ' "$@"
}

# Runs case SEED; prints one line "ok SEED ..." or "FAIL SEED reason; details".
run_case() {
  set +e  # every step's status is checked by hand
  local case_seed=$1
  local dir="$work/$case_seed"
  mkdir -p "$dir"
  RANDOM=$case_seed  # bash seeds its generator with the whole number
  # Sizes: log-uniform in 0..max_size (most), uniform (a quarter), and now and then
# exactly zero or next to a multiple of 32 KiB.
  local size
  case $((RANDOM % 16)) in
    0) size=0 ;;
    1) size=$(( (32 << 10) * (1 + RANDOM % 32) + RANDOM % 3 - 1 )) ;;
    2|3|4|5) size=$(perl -e 'srand($ARGV[0]); printf "%d", rand($ARGV[1] + 1)' "$case_seed" "$max_size") ;;
    *) size=$(perl -e 'srand($ARGV[0]); printf "%d", exp(rand(log($ARGV[1] + 1))) - 1' "$case_seed" "$max_size") ;;
  esac
  [ "$size" -gt "$max_size" ] && size=$max_size
  [ "$size" -lt 0 ] && size=0
  local pcts=(0 0 5 20 50 80 100)
  local random_pct=${pcts[$((RANDOM % ${#pcts[@]}))]}
  local level=$((1 + RANDOM % 9))
  local threads=$((1 + RANDOM % 8))
  local block=$((32 + RANDOM % 993))
  local dthreads=$((1 + RANDOM % 8))
  local opts=(-"$level" -p "$threads")
  # The default block size a third of the time: only there are the blocks of small inputs
  # cut into pieces and members (docs/design.md, "Pieces of slow blocks").
  [ $((RANDOM % 3)) -ne 0 ] && opts+=(-b "$block")
  [ $((RANDOM % 4)) -eq 0 ] && opts+=(-i)
  [ "$has_rsyncable" = 1 ] && [ $((RANDOM % 8)) -eq 0 ] && opts+=(-R)
  local file_mode=$((RANDOM % 8 == 0))
  local check_threads=$((RANDOM % 4 == 0))
  local what="size $size random ${random_pct}% rigz ${opts[*]}$([ $file_mode = 1 ] && echo ' (file)') -d -p $dthreads"

  gen_data "$case_seed" "$size" "$random_pct" >"$dir/in"
  local reason=""
  if [ "$file_mode" = 1 ]; then
    cp "$dir/in" "$dir/f"
    timeout $limit "$rigz" -k "${opts[@]}" "$dir/f" 2>"$dir/err" || reason="rigz exited $? on a file"
    [ -z "$reason" ] && ! [ -f "$dir/f.gz" ] && reason="rigz wrote no f.gz"
    [ -z "$reason" ] && mv "$dir/f.gz" "$dir/out.gz"
  else
    timeout $limit "$rigz" -c "${opts[@]}" <"$dir/in" >"$dir/out.gz" 2>"$dir/err" || reason="rigz exited $?"
  fi
  if [ -z "$reason" ]; then
    timeout $limit gzip -dc <"$dir/out.gz" >"$dir/back.gzip" 2>>"$dir/err" || reason="gzip -dc exited $?"
  fi
  [ -z "$reason" ] && ! cmp -s "$dir/in" "$dir/back.gzip" && reason="gzip -dc restores something else"
  if [ -z "$reason" ]; then
    timeout $limit "$rigz" -dc -p "$dthreads" <"$dir/out.gz" >"$dir/back.rigz" 2>>"$dir/err" ||
      reason="rigz -dc exited $?"
  fi
  [ -z "$reason" ] && ! cmp -s "$dir/in" "$dir/back.rigz" && reason="rigz -dc restores something else"
  if [ -z "$reason" ]; then
    timeout $limit gzip -t <"$dir/out.gz" 2>>"$dir/err" || reason="gzip -t exited $?"
  fi
  if [ -z "$reason" ] && [ "$check_threads" = 1 ] && [ "$file_mode" = 0 ] && [ "$threads" != 1 ]; then
    local one=("${opts[@]}")
    one[2]=1
    timeout $limit "$rigz" -c "${one[@]}" <"$dir/in" >"$dir/out1.gz" 2>>"$dir/err" || reason="rigz -p 1 exited $?"
    [ -z "$reason" ] && ! cmp -s "$dir/out.gz" "$dir/out1.gz" && reason="output differs from -p 1"
  fi
  if [ -z "$reason" ]; then
    echo "ok $case_seed $what"
    rm -rf "$dir"
  else
    local err
    err=$(head -c 300 "$dir/err" | tr '\n' ' ')
    echo "FAIL $case_seed $reason; $what${err:+; stderr: $err}"
    mkdir -p "$keep"
    rm -f "$dir/back.gzip" "$dir/back.rigz" "$dir/f"
    rm -rf "${keep:?}/$case_seed"
    mv "$dir" "$keep/$case_seed"
  fi
}

echo "soak: $count cases from seed $seed, $jobs at a time, $rigz"
start=$(date +%s)
results="$work/results/all"
: >"$results"
failures=0
done_cases=0
report() {  # $1: a result line
  done_cases=$((done_cases + 1))
  case $1 in
    FAIL*)
      failures=$((failures + 1))
      local s=${1#FAIL }
      s=${s%% *}
      echo "$1"
      echo "  replay: scripts/soak.sh --seed $s --count 1 --rigz $rigz (files kept in $keep/$s)"
      ;;
    *) [ "$verbose" = 1 ] && echo "$1" ;;
  esac
  if [ $((done_cases % 100)) -eq 0 ]; then
    echo "soak: $done_cases/$count done, $failures failed, $(( $(date +%s) - start ))s"
  fi
}

declare -A pids=()  # pid -> case number
next=0
stopping=0
while { [ $next -lt "$count" ] && [ $stopping = 0 ]; } || [ ${#pids[@]} -gt 0 ]; do
  while [ ${#pids[@]} -lt "$jobs" ] && [ $next -lt "$count" ] && [ $stopping = 0 ]; do
    run_case $((seed + next)) >"$work/results/$next" 2>&1 &
    pids[$!]=$next
    next=$((next + 1))
  done
  wait -n 2>/dev/null || true
  for pid in "${!pids[@]}"; do
    kill -0 "$pid" 2>/dev/null && continue
    wait "$pid" 2>/dev/null || true
    i=${pids[$pid]}
    unset "pids[$pid]"
    line=$(grep -m1 -E '^(ok|FAIL) ' "$work/results/$i" || true)
    [ -n "$line" ] || line="FAIL $((seed + i)) the case script died: $(head -c 300 "$work/results/$i" | tr '\n' ' ')"
    report "$line"
    echo "$line" >>"$results"
    rm -f "$work/results/$i"
    [ "$stop" = 1 ] && [ "$failures" -gt 0 ] && stopping=1
  done
done
wait
echo "soak: $done_cases cases, $failures failed, $(( $(date +%s) - start ))s (seed $seed)"
[ "$failures" -eq 0 ]
