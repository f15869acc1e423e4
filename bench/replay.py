#!/usr/bin/env python3
"""Replays per-block times of `rigz` compression on any number of workers.

    RIGZ_BLOCK_STATS=1 rigz -9 -p 1 -c FILE 2>times.txt >/dev/null
    bench/replay.py times.txt [--workers 4,8,16]

RIGZ_BLOCK_STATS prints, for each member, the time its worker took to read and sample the
block and to compress it, and the codec's effort (src/compress/compress.cpp). This script
plays those times through a model of the pipeline (src/compress/compress.cpp and
LookaheadQueue in work_queue.h): a pool of 4N+2 jobs (a block may start only while fewer
than that many are unwritten), and blocks taken either in input order (FIFO, levels 1-7)
or sampled up to 2N ahead with the dearest compressed first, a block of effort 10 or more
at once by the worker that sampled it, and its other pieces, where it is cut, waiting as
the dearest (compress.cpp, Pipeline::cut). It prints the time at which the last block is
written for each policy next to an even share of the work (the sum over N). Times from `-p 1` on one
free core are the cleanest input; the model leaves out reading, writing and memory.
That is how the lookahead of levels 8-9 was chosen (docs/design.md, "Costliest first").
"""
import argparse
import heapq
import re

LINE = re.compile(r"rigz: block (\d+) (\d+) sample ([\d.]+) compress ([\d.]+) effort (\d+)")
URGENT = 10
MAX_PIECES = 16


def load(path):
    blocks = {}
    for line in open(path):
        m = LINE.match(line)
        if not m:
            continue
        seq, part = int(m[1]), int(m[2])
        b = blocks.setdefault(seq, {"sample": 0.0, "parts": {}, "effort": int(m[5])})
        if part == 1:
            b["sample"] = float(m[3])
        b["parts"][part] = float(m[4])
    return [blocks[k] for k in sorted(blocks)]


def replay(blocks, workers, pool, lookahead):
    n = len(blocks)
    left = [len(b["parts"]) for b in blocks]  # members still to compress
    done_at = [None] * n
    written, written_at = 0, 0.0
    fresh = 0  # the next block to sample
    ready = []  # (-effort, key, seq, part)
    free = [(0.0, w) for w in range(workers)]  # (time a worker is free, worker)
    heapq.heapify(free)
    pending = []  # (finish time, seq) of members in progress

    def finish_until(t):
        nonlocal written, written_at
        while pending and pending[0][0] <= t:
            end, seq = heapq.heappop(pending)
            left[seq] -= 1
            if left[seq] == 0:
                done_at[seq] = end
        while written < n and done_at[written] is not None:
            written_at = max(written_at, done_at[written])
            written += 1

    def run(t, seq, part):
        end = t + blocks[seq]["parts"][part]
        heapq.heappush(pending, (end, seq))
        return end

    def take_costliest(t):
        _, _, seq, part = heapq.heappop(ready)
        return run(t, seq, part)

    while written < n:
        t, w = heapq.heappop(free)
        finish_until(t)
        can_sample = fresh < n and fresh < written + pool
        if can_sample and (len(ready) < lookahead or not ready):
            seq = fresh
            fresh += 1
            b = blocks[seq]
            t += b["sample"]
            finish_until(t)
            e = b["effort"]
            for part in sorted(b["parts"])[1:]:  # a cut block's other pieces wait (MAX_PIECES in compress.cpp)
                heapq.heappush(ready, (-e, MAX_PIECES * seq + part - 1, seq, part))
            if lookahead == 0 or (e >= URGENT and (not ready or e >= -ready[0][0])):
                heapq.heappush(free, (run(t, seq, 1), w))
                continue
            heapq.heappush(ready, (-e, MAX_PIECES * seq, seq, 1))
            more = fresh < n and fresh < written + pool
            if len(ready) > lookahead or not more:
                heapq.heappush(free, (take_costliest(t), w))
            else:
                heapq.heappush(free, (t, w))
        elif ready:
            heapq.heappush(free, (take_costliest(t), w))
        else:  # nothing to do until a member finishes
            nxt = min([e for e, _ in pending] or [t + 1.0])
            heapq.heappush(free, (max(nxt, t + 1e-6), w))
    return written_at


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("times")
    ap.add_argument("--workers", default="4,8,16")
    args = ap.parse_args()
    blocks = load(args.times)
    if not blocks:
        raise SystemExit("no 'rigz: block' lines in " + args.times)
    work = sum(b["sample"] + sum(b["parts"].values()) for b in blocks)
    members = sum(len(b["parts"]) for b in blocks)
    print(f"{len(blocks)} blocks, {members} members, {work:.0f} ms of work")
    print("workers  even share  FIFO  lookahead 1/thread  2/thread  4/thread (ms)")
    for n in (int(x) for x in args.workers.split(",")):
        pool = 4 * n + 2
        row = [replay(blocks, n, pool, 0)] + [replay(blocks, n, pool, k * n) for k in (1, 2, 4)]
        print(f"{n:7d}  {work / n:10.0f}  " + "  ".join(f"{x:.0f}" for x in row))


if __name__ == "__main__":
    main()
