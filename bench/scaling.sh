#!/bin/bash
# Thread scaling on a many-core machine: rigz against pigz (compression) and igzip
# (decompression) with N threads pinned to N CPUs (taskset -c 0-(N-1)), wall ms of each
# run, paired in one loop so that a slow phase of the machine hits every tool alike.
#
#   bench/scaling.sh [-t 4,8,16] [-l 1,6,9] [-r 2] [-m compress,decompress] RIGZ FILE...
#
# Needs bash, taskset, md5sum and stat; pigz and igzip on PATH (skipped where missing).
# Meant for machines without Python or apt (the device machine of docs/benchmarks.md: carry
# the binaries and the Debian libraries they link, and set LD_LIBRARY_PATH). Prints one
# line per run, then the best of the runs per cell with its ratio:
#   C FILE LEVEL N TOOL RUN MS BYTES MD5   compression into /dev/shm (rigz's md5 must agree
#                                          for every N: output never depends on threads)
#   D FILE.PRODUCER N TOOL RUN MS          rigz -d -p N and igzip -d into /dev/null
# Unlike bench.py it does not check each output with gzip (the device machine may have
# none); rigz's own decompression of one output per producer is compared with the input.
set -u
threads=4,8,16 levels=1,6,9 runs=2 modes=compress,decompress
while getopts t:l:r:m: opt; do
  case $opt in
    t) threads=$OPTARG ;;
    l) levels=$OPTARG ;;
    r) runs=$OPTARG ;;
    m) modes=$OPTARG ;;
    *) exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -ge 2 ] || {
  sed -n 6p "$0"
  exit 2
}
rigz=$(realpath "$1")
shift
tmp=/dev/shm/rigz-scaling.$$
mkdir -p $tmp
trap 'rm -rf $tmp' EXIT
log=$tmp/log
have() { command -v "$1" >/dev/null; }

# ms N OUT CMD...: wall milliseconds of CMD pinned to CPUs 0..N-1, its output into OUT.
ms() {
  local n=$1 to=$2 start end
  shift 2
  start=$(date +%s%N)
  taskset -c 0-$((n - 1)) "$@" >"$to" || echo "FAIL $*" >&2
  end=$(date +%s%N)
  echo $(((end - start) / 1000000))
}

if [[ $modes == *compress* ]] && [[ $modes != decompress ]]; then
  for f in "$@"; do
    for level in ${levels//,/ }; do
      for n in ${threads//,/ }; do
        for r in $(seq "$runs"); do
          for tool in pigz "$rigz"; do
            [ "$tool" = pigz ] && ! have pigz && continue
            t=$(ms "$n" $tmp/out "$tool" -"$level" -p "$n" -c "$f")
            name=$(basename "$tool")
            echo "C $(basename "$f") $level $n $name $r $t $(stat -c %s $tmp/out) $(md5sum <$tmp/out | cut -c1-8)" | tee -a $log
          done
        done
      done
    done
  done
fi

if [[ $modes == *decompress* ]]; then
  for f in "$@"; do
    for producer in pigz rigz; do
      [ $producer = pigz ] && ! have pigz && continue
      tool=$producer
      [ $producer = rigz ] && tool=$rigz
      gz=$tmp/$(basename "$f").$producer.gz
      "$tool" -6 -c "$f" >"$gz"
      "$rigz" -d -c "$gz" | cmp -s - "$f" || echo "FAIL rigz -d of $producer -6 $f" >&2
      for r in $(seq "$runs"); do
        have igzip && echo "D $(basename "$f").$producer 1 igzip $r $(ms 1 /dev/null igzip -dc "$gz")" | tee -a $log
        for n in 1 ${threads//,/ }; do
          echo "D $(basename "$f").$producer $n rigz $r $(ms "$n" /dev/null "$rigz" -d -p "$n" -c "$gz")" | tee -a $log
        done
      done
    done
  done
fi

# Best of the runs per cell, as a ratio to pigz's (compression) or igzip's (decompression).
echo
awk '
  $1 == "C" { k = $2 " -" $3 " -p " $4; t = $5; if (!((k, t) in best) || $7 < best[k, t]) best[k, t] = $7
              size[k, t] = $8; keys[k] = 1; c = $2 " -" $3 " " t
              if (t != "pigz" && (c in md5) && md5[c] != $9) odd[c] = 1; md5[c] = $9 }
  $1 == "D" && $4 == "igzip" { if (!($2 in ig) || $6 < ig[$2]) ig[$2] = $6 }
  $1 == "D" && $4 != "igzip" { k = $2 " -d -p " $3; if (!(k in dbest) || $6 < dbest[k]) dbest[k] = $6; dfile[k] = $2 }
  END {
    for (k in keys) for (kt in best) { split(kt, p, SUBSEP); if (p[1] == k && p[2] != "pigz" && (k, "pigz") in best)
      printf "%s: %s %d ms, pigz %d ms, time %.2f, size %.4f\n", k, p[2], best[kt], best[k, "pigz"],
             best[kt] / best[k, "pigz"], size[kt] / size[k, "pigz"] }
    for (c in odd) print "NONDETERMINISTIC " c
    for (k in dbest) printf "%s: %d ms%s\n", k, dbest[k], (dfile[k] in ig) ? sprintf(", igzip -d %d ms, %.2f", ig[dfile[k]], dbest[k] / ig[dfile[k]]) : ""
  }' $log | sort
