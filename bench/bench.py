#!/usr/bin/python3
"""bench.py: rigz side by side with pigz, igzip, libdeflate-gzip and gzip on a corpus.

usage: bench/bench.py --rigz PATH CORPUS_DIR [--threads 1,2,4] [--levels 1,6,9] [--runs 3]
                      [--files a,b] [--tools rigz,pigz,igzip,libdeflate,gzip]
                      [--mode compress,decompress] [--out DIR] [--taskset]
       bench/bench.py --report-only [--out DIR]   (redo results.md and plot.png from results.json)

compress    For every corpus file and level, each tool compresses the file into /dev/shm.
            rigz and pigz run once per thread count (-p N); gzip, libdeflate-gzip and igzip are
            single-threaded and run once per file and level. igzip has levels 0-3 only, so the
            gzip level maps to igzip -1 (levels 1-2), -2 (3-5) or -3 (6-9). Every output of every
            run must come back as the original through `gzip -dc`, or the benchmark stops.
decompress  For every corpus file, a fixed set of producers (gzip -6, pigz -6, pigz -9, igzip -1,
            libdeflate -12, rigz -6) compresses the file once, untimed; every decompressor
            (rigz -d -p N for each N, pigz -d, igzip -d, libdeflate-gunzip, gzip -d) then
            decompresses each output to /dev/null. One untimed run per pair beforehand must
            reproduce the original exactly, or the benchmark stops.

Method (the one of shared/bench/compare and shared/bench/baseline): the commands of a group (one
file at one level for compress, one file for decompress) run in K rounds; each round runs every
command once, and the order rotates by one from round to round, so a slow phase of the machine
hits every tool alike. Reported: the median wall time, the median user+sys CPU time of the child
(from os.wait4), and ratios against a reference tool taken as the median of the per-round
ratios (paired runs). Inputs are read before timing, so they sit in the page cache.

--taskset pins every timed command to the first CPUs, as many as it has threads
(taskset -c 0-(N-1); single-threaded tools get CPU 0).

Output, in --out (default bench/out): results.json (every run, raw), results.md (the tables,
also printed) and plot.png (throughput vs compression ratio, one panel per corpus file).

The shebang names Debian's /usr/bin/python3 on purpose: the plot needs the python3-matplotlib
package, which installs for that interpreter. Without matplotlib everything but plot.png works.
"""
import argparse
import hashlib
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

MB = 1e6  # MB/s means 10^6 bytes per second, as in shared/bench
NOISY = 1.15  # a command whose slowest run took >15% longer than its fastest is marked "*"
ALL_TOOLS = ["rigz", "pigz", "igzip", "libdeflate", "gzip"]
MULTI_THREADED = {"rigz", "pigz"}  # these get -p N; the others are single-threaded
# (tool, the tool's own level) whose outputs every decompressor is timed on
PRODUCERS = [("gzip", 6), ("pigz", 6), ("pigz", 9), ("igzip", 1), ("libdeflate", 12),
             ("rigz", 6)]
DECOMPRESS_REFERENCE = "igzip"  # decompression times are also given relative to igzip -d
APT_PACKAGE = {"pigz": "pigz", "igzip": "isal", "libdeflate-gzip": "libdeflate-tools",
               "libdeflate-gunzip": "libdeflate-tools", "gzip": "gzip", "taskset": "util-linux",
               "time": "time"}


class BenchError(Exception):
    """A tool failed or produced wrong output: the benchmark stops."""


def igzip_level(level):
    """The igzip level (0-3) used where the other tools run at gzip level `level` (1-9)."""
    return 1 if level <= 2 else 2 if level <= 5 else 3


# ---- the tools' command lines ----------------------------------------------------------------

class Tools:
    """Knows each tool's binary and builds its command lines (without the input file)."""

    def __init__(self, rigz, taskset):
        self.binary = {"rigz": rigz, "pigz": "pigz", "igzip": "igzip",
                       "libdeflate": "libdeflate-gzip", "gzip": "gzip"}
        self.taskset = taskset

    def compress(self, tool, level, threads):
        """Compress to stdout at the tool's own `level`; `threads` only matters for rigz/pigz."""
        argv = [self.binary[tool]]
        if tool in MULTI_THREADED:
            argv += ["-p", str(threads)]
        return argv + [f"-{level}", "-c"]

    def decompress(self, tool, threads):
        """Decompress to stdout; `threads` only matters for rigz/pigz."""
        if tool in MULTI_THREADED:
            return [self.binary[tool], "-d", "-p", str(threads), "-c"]
        if tool == "libdeflate":
            return ["libdeflate-gunzip", "-c"]
        return [self.binary[tool], "-d", "-c"]

    def pinned(self, argv, threads):
        """argv, run on CPUs 0..threads-1 when --taskset is on."""
        if not self.taskset:
            return argv
        return ["taskset", "-c", "0" if threads == 1 else f"0-{threads - 1}"] + argv


def compress_label(tool, level):
    return f"{tool} -{level}"


def decompress_label(tool, threads):
    if tool in MULTI_THREADED:
        return f"{tool} -d -p{threads}"
    return "libdeflate-gunzip" if tool == "libdeflate" else f"{tool} -d"


def version(argv):
    """First line of what `argv` (a -V call) prints."""
    try:
        r = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           timeout=10)
        lines = (r.stdout + r.stderr).strip().splitlines()
        return lines[0] if lines else "?"
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"? ({e})"


# ---- running and checking commands -----------------------------------------------------------

def check_exit(argv, returncode, stderr):
    if returncode != 0:
        raise BenchError(f"`{' '.join(argv)}` exited with {returncode}: "
                         f"{stderr.decode(errors='replace').strip()[:300]}")


# A child's ru_maxrss from os.wait4 would include the memory of the Python process it was
# forked from (Linux records the old image's peak at exec), so peak memory comes from GNU
# time (the `time` program on PATH, not the shell keyword), whose own child is forked from a
# small process. Without it, RSS is not reported.
GNU_TIME = shutil.which("time")


def timed(argv, out_path):
    """Run argv with stdout to out_path; return (wall s, user+sys CPU s of the child, its
    peak resident memory in MiB or None)."""
    rss_file = None
    if GNU_TIME:
        fd, rss_file = tempfile.mkstemp(prefix="bench-rss.")
        os.close(fd)
        argv_run = [GNU_TIME, "-f", "%M", "-o", rss_file] + argv
    else:
        argv_run = argv
    with open(out_path, "wb") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv_run, stdout=out, stderr=subprocess.PIPE)
        err = proc.stderr.read()  # returns at end of file, i.e. when the child exits
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    check_exit(argv, proc.returncode, err)
    rss = None
    if rss_file:
        with open(rss_file) as f:
            rss = int(f.read().split()[-1]) / 1024  # %M is KiB
        os.unlink(rss_file)
    return wall, usage.ru_utime + usage.ru_stime, rss


def stdout_sha256(argv):
    """Run argv and return the sha256 of what it writes to stdout."""
    digest = hashlib.sha256()
    with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        for chunk in iter(lambda: proc.stdout.read(1 << 20), b""):
            digest.update(chunk)
        err = proc.stderr.read()
    check_exit(argv, proc.returncode, err)
    return digest.hexdigest()


def output_problem(argv, sha):
    """None if argv writes exactly the data whose sha256 is `sha`, else what went wrong."""
    try:
        if stdout_sha256(argv) == sha:
            return None
        return f"`{' '.join(argv)}` does not give back the original"
    except BenchError as e:  # it failed, e.g. gzip on a corrupt stream
        return str(e)


def file_sha256(path):
    """sha256 of a file; reading it also puts it in the page cache before any timing."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 22), b""):
            digest.update(chunk)
    return digest.hexdigest()


def run_rounds(records, runs, out_path, after_run, progress):
    """Time every record's command `runs` times, interleaved: each round runs every command
    once, in an order rotated by one per round. Run r lands at index r of wall/cpu, so the
    runs of two records with the same index were paired in the same round."""
    n = len(records)
    for r in range(runs):
        for rec in records[r % n:] + records[:r % n]:
            wall, cpu, rss = timed(rec["cmd"], out_path(rec))
            rec["wall"].append(wall)
            rec["cpu"].append(cpu)
            rec.setdefault("rss", []).append(rss)
            after_run(rec)
        log(f"  {progress}: round {r + 1}/{runs} done")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---- the two benchmarks ----------------------------------------------------------------------

def bench_compress(args, tools, name, path, size, sha, level, work):
    """All tools compress `path` at gzip level `level`; returns one record per command."""
    records = []
    for tool in args.tools:
        tool_level = igzip_level(level) if tool == "igzip" else level
        for threads in (args.threads if tool in MULTI_THREADED else [1]):
            records.append({
                "op": "compress", "file": name, "level": level, "tool": tool,
                "tool_level": tool_level, "threads": threads,
                "multi_threaded": tool in MULTI_THREADED,
                "cmd": tools.pinned(tools.compress(tool, tool_level, threads), threads) + [path],
                "in": size, "out": None, "wall": [], "cpu": []})

    def output(rec):
        return os.path.join(work, f"{rec['tool']}-{rec['tool_level']}-p{rec['threads']}.gz")

    def check(rec):
        """Each run's output must gunzip to the original."""
        gz = output(rec)
        problem = output_problem(["gzip", "-dc", gz], sha)
        if problem:
            os.rename(gz, gz + ".bad")  # *.bad survives the clean-up of the work directory
            raise BenchError(f"{compress_label(rec['tool'], rec['tool_level'])} "
                             f"-p{rec['threads']} on {name}: {problem} "
                             f"(its output is kept as {gz}.bad)")
        rec["out"] = os.path.getsize(gz)

    run_rounds(records, args.runs, output, check, f"{name} compress -{level}")
    for rec in records:
        os.unlink(output(rec))
    return records


def bench_decompress(args, tools, name, path, size, sha, work):
    """The producers compress `path`; every decompressor decompresses every output."""
    threads_max = max(args.threads)
    inputs = []  # (producer label, compressed file)
    for tool, level in PRODUCERS:
        if tool in args.tools:
            gz = os.path.join(work, f"{tool}-{level}.gz")
            timed(tools.compress(tool, level, threads_max) + [path], gz)  # time not used
            inputs.append((compress_label(tool, level), gz))
    decompressors = []  # (tool, threads)
    for tool in args.tools:
        if tool == "rigz":
            decompressors += [(tool, n) for n in args.threads]
        else:  # pigz inflates on one thread (plus helpers for I/O and the CRC): one column,
            # at the largest -p
            decompressors.append((tool, threads_max if tool in MULTI_THREADED else 1))

    records = []
    for producer, gz in inputs:
        for tool, threads in decompressors:
            records.append({
                "op": "decompress", "file": name, "producer": producer, "tool": tool,
                "decompressor": decompress_label(tool, threads), "threads": threads,
                "cmd": tools.pinned(tools.decompress(tool, threads), threads) + [gz],
                "in": os.path.getsize(gz), "out": size, "wall": [], "cpu": []})
    for rec in records:  # one checked, untimed run of every pair
        problem = output_problem(rec["cmd"], sha)
        if problem:
            gz = rec["cmd"][-1]
            shutil.copy(gz, gz + ".bad")  # *.bad survives the clean-up of the work directory
            raise BenchError(f"{rec['decompressor']} on {name} compressed by "
                             f"{rec['producer']}: {problem} (the input is kept as {gz}.bad)")
    run_rounds(records, args.runs, lambda rec: os.devnull, lambda rec: None,
               f"{name} decompress")
    for _, gz in inputs:
        os.unlink(gz)
    return records


# ---- reports: markdown tables and the plot ---------------------------------------------------

def median_wall(rec):
    return statistics.median(rec["wall"])


def paired_ratio(rec, ref):
    """Median over rounds of rec's wall time / ref's wall time in the same round."""
    return statistics.median(a / b for a, b in zip(rec["wall"], ref["wall"]))


def wall_cell(rec):
    """Median wall seconds, with * when the runs spread by more than NOISY."""
    noisy = max(rec["wall"]) / min(rec["wall"]) > NOISY
    return f"{median_wall(rec):.3f}{'*' if noisy else ''}"


def rss_cell(rec):
    """The largest peak resident memory of the runs (absent in results of older versions)."""
    rss = [x for x in rec.get("rss", []) if x is not None]
    return f"{max(rss):.0f}" if rss else "-"


def compress_table(meta, records, name, level):
    """One markdown table: every compressor on file `name` at gzip level `level`."""
    rows = [r for r in records if r["op"] == "compress" and r["file"] == name
            and r["level"] == level]
    pigz = {r["threads"]: r for r in rows if r["tool"] == "pigz"}
    first = meta["threads"][0]  # single-threaded tools are compared with pigz -p<first>
    lines = [f"### {name}, level {level}", "",
             "| tool | -p | wall s | MB/s | cpu s | peak RSS MiB | out bytes | in/out "
             "| size vs pigz | time vs pigz |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        ref = pigz.get(r["threads"] if r["multi_threaded"] else first)
        size_vs = f"{r['out'] / ref['out']:.4f}" if ref else "-"
        time_vs = f"{paired_ratio(r, ref):.2f}" if ref else "-"
        if ref and not r["multi_threaded"]:
            time_vs += f" (vs -p{first})"
        lines.append(f"| {compress_label(r['tool'], r['tool_level'])} | {r['threads']} "
                     f"| {wall_cell(r)} | {r['in'] / MB / median_wall(r):.1f} "
                     f"| {statistics.median(r['cpu']):.3f} | {rss_cell(r)} | {r['out']} "
                     f"| {r['in'] / r['out']:.3f} | {size_vs} | {time_vs} |")
    return lines + [""]


def decompress_tables(records, name):
    """Two markdown tables for file `name`: rows are producers, columns decompressors."""
    rows = [r for r in records if r["op"] == "decompress" and r["file"] == name]
    producers = list(dict.fromkeys(r["producer"] for r in rows))
    decompressors = list(dict.fromkeys(r["decompressor"] for r in rows))
    cell = {(r["producer"], r["decompressor"]): r for r in rows}
    ref_name = decompress_label(DECOMPRESS_REFERENCE, 1)
    head = "| producer | in/out | " + " | ".join(decompressors) + " |"
    rule = "|---|---:|" + "---:|" * len(decompressors)

    def table(fmt):
        out = [head, rule]
        for p in producers:
            ratio = rows[0]["out"] / cell[(p, decompressors[0])]["in"]
            out.append(f"| {p} | {ratio:.3f} | "
                       + " | ".join(fmt(cell[(p, d)]) for d in decompressors) + " |")
        return out

    lines = [f"### {name}, decompression", "",
             "Wall s (MB/s of decompressed output); rows: who compressed, columns: who "
             "decompressed.", ""]
    lines += table(lambda r: f"{wall_cell(r)} ({r['out'] / MB / median_wall(r):.0f})")
    if ref_name in decompressors:
        lines += ["", f"Time relative to {ref_name} on the same input (median of paired "
                      f"ratios; above 1 = slower than {ref_name}).", ""]
        lines += table(lambda r: f"{paired_ratio(r, cell[(r['producer'], ref_name)]):.2f}")
    return lines + [""]


def markdown(results):
    meta, records = results["meta"], results["records"]
    files = list(dict.fromkeys(r["file"] for r in records))
    igzip_map = ", ".join(f"-{k} -> igzip -{v}" for k, v in meta["igzip_levels"].items())
    lines = [
        f"# rigz benchmark ({meta['started']})", "",
        f"Machine: {meta['nproc']} CPUs ({meta['cpu']}); taskset: "
        f"{'on' if meta['taskset'] else 'off'}. Command: `{' '.join(meta['argv'])}`", "",
        "Versions: " + "; ".join(f"{t} ({meta['binaries'][t]}): {v}"
                                 for t, v in meta["versions"].items()), "",
        f"Times are medians of {meta['runs']} interleaved runs (the order of the commands "
        "rotates each round); cpu s = user+sys of the child; peak RSS = its largest resident set (ru_maxrss); MB = 10^6 bytes, MB/s = input "
        "MB / wall s for compression and output MB / wall s for decompression; in/out = "
        "compression ratio. Compressed outputs go to /dev/shm, decompressed ones to "
        "/dev/null. `*` marks a command whose slowest run took more than "
        f"{NOISY - 1:.0%} longer than its fastest (noise: re-run that file).", "",
        "Compression: size vs pigz = output bytes / pigz's at the same level; time vs pigz = "
        "median of the paired per-round wall-time ratios against pigz at the same level and "
        "the same -p. gzip, igzip and libdeflate are single-threaded and ran once per "
        f"level: their time is against pigz -p{meta['threads'][0]} (the first --threads "
        f"value), marked `(vs -p{meta['threads'][0]})`. igzip has levels 0-3 only: "
        f"{igzip_map}. Below 1 = smaller / faster than pigz.", ""]
    for name in files:
        lines += [f"## {name} ({meta['files'][name]['bytes']:,} bytes)", ""]
        for level in meta["levels"]:
            if any(r["op"] == "compress" and r["file"] == name and r["level"] == level
                   for r in records):
                lines += compress_table(meta, records, name, level)
        if any(r["op"] == "decompress" and r["file"] == name for r in records):
            lines += decompress_tables(records, name)
    return "\n".join(lines) + "\n"


STYLE = {"rigz": ("o", "tab:red"), "pigz": ("s", "tab:blue"), "igzip": ("^", "tab:green"),
         "libdeflate": ("D", "tab:purple"), "gzip": ("v", "tab:gray")}  # marker, colour


def plot(results, path):
    """Compression throughput (log x) vs ratio (y), one panel per file. False if no matplotlib."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.lines import Line2D
        from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter
    except ImportError:
        log(f"plot.png skipped: {sys.executable} cannot import matplotlib "
            "(apt-get install python3-matplotlib, and run with /usr/bin/python3)")
        return False
    meta = results["meta"]
    comp = [r for r in results["records"] if r["op"] == "compress"]
    files = list(dict.fromkeys(r["file"] for r in comp))
    if not files:
        return False
    ncols = min(3, len(files))
    nrows = math.ceil(len(files) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(6 * ncols, 4.6 * nrows), squeeze=False)
    for ax, name in zip(axes.flat, files):
        seen = set()  # igzip -3 stands in for both -6 and -9: draw it once
        for r in comp:
            key = (r["tool"], r["tool_level"], r["threads"])
            if r["file"] != name or key in seen:
                continue
            seen.add(key)
            x, y = r["in"] / MB / median_wall(r), r["in"] / r["out"]
            marker, colour = STYLE[r["tool"]]
            ax.scatter([x], [y], marker=marker, color=colour, s=36, zorder=3)
            label = f"-{r['tool_level']}" + (f" p{r['threads']}" if r["multi_threaded"] else "")
            # rigz and pigz often land on the same spot: rigz labels go left, the others
            # right, and each thread count one line lower than the previous one
            step = meta["threads"].index(r["threads"]) if r["multi_threaded"] else 0
            left = r["tool"] == "rigz"
            ax.annotate(label, (x, y), textcoords="offset points",
                        xytext=(-5 if left else 5, 3 - 8 * step),
                        ha="right" if left else "left", fontsize=7, color=colour)
        ax.set_xscale("log")
        ax.xaxis.set_major_locator(LogLocator(subs=(1, 2, 5)))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.yaxis.get_major_formatter().set_useOffset(False)
        ax.set_title(f"{name} ({meta['files'][name]['bytes'] / MB:.0f} MB)")
        ax.set_xlabel("compression throughput, MB/s (log scale)")
        ax.set_ylabel("compression ratio (input / output)")
        ax.grid(True, which="both", alpha=0.3)
    for ax in axes.flat[len(files):]:
        ax.set_visible(False)
    tools = [t for t in ALL_TOOLS if any(r["tool"] == t for r in comp)]
    handles = [Line2D([], [], linestyle="", marker=STYLE[t][0], color=STYLE[t][1], label=t)
               for t in tools]
    fig.legend(handles=handles, loc="upper center", ncol=len(tools), frameon=False)
    fig.suptitle(f"label: level, pN = threads; {meta['nproc']} CPUs, median of "
                 f"{meta['runs']} runs", y=0.005, va="bottom", fontsize=9)
    fig.tight_layout(rect=(0, 0.03, 1, 0.95))
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


def write_reports(results, out_dir):
    """results.json, results.md and plot.png in out_dir; returns the markdown."""
    with open(os.path.join(out_dir, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    md = markdown(results)
    with open(os.path.join(out_dir, "results.md"), "w") as f:
        f.write(md)
    plot(results, os.path.join(out_dir, "plot.png"))
    return md


# ---- command line and main -------------------------------------------------------------------

def parse_args(argv):
    def int_list(s):
        return [int(x) for x in s.split(",") if x]

    def name_list(s):
        return [x for x in s.split(",") if x]

    _title, usage, description = __doc__.split("\n\n", 2)
    p = argparse.ArgumentParser(usage=usage.removeprefix("usage: "), description=description,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("corpus", nargs="?", metavar="CORPUS_DIR")
    p.add_argument("--rigz", metavar="PATH", help="the rigz binary (needed unless --tools "
                   "leaves rigz out)")
    p.add_argument("--threads", type=int_list, default=[1, 2, 4],
                   help="-p values for rigz and pigz (default 1,2,4)")
    p.add_argument("--levels", type=int_list, default=[1, 6, 9],
                   help="gzip levels 1-9 (default 1,6,9)")
    p.add_argument("--runs", type=int, default=3, help="timed runs per command (default 3)")
    p.add_argument("--files", type=name_list, help="corpus files to use (default all)")
    p.add_argument("--tools", type=name_list, default=ALL_TOOLS,
                   help="default " + ",".join(ALL_TOOLS))
    p.add_argument("--mode", type=name_list, default=["compress", "decompress"],
                   help="compress,decompress (default both)")
    p.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                 "out"), help="default bench/out")
    p.add_argument("--taskset", action="store_true",
                   help="pin N-thread runs to CPUs 0..N-1")
    p.add_argument("--report-only", action="store_true",
                   help="only redo results.md and plot.png from OUT/results.json")
    a = p.parse_args(argv)
    if a.report_only:
        return a
    if not a.corpus:
        p.error("CORPUS_DIR is needed")
    if not os.path.isdir(a.corpus):
        p.error(f"{a.corpus} is not a directory")
    for what, values, allowed in (("--tools", a.tools, ALL_TOOLS),
                                  ("--mode", a.mode, ["compress", "decompress"])):
        if not values or set(values) - set(allowed):
            p.error(f"{what} takes some of {','.join(allowed)}")
    a.tools = [t for t in ALL_TOOLS if t in a.tools]  # fixed order in the tables
    if not a.levels or any(not 1 <= L <= 9 for L in a.levels):
        p.error("--levels takes levels 1 to 9")
    if not a.threads or min(a.threads) < 1 or a.runs < 1:
        p.error("--threads and --runs need positive numbers")
    if a.taskset and max(a.threads) > os.cpu_count():
        p.error(f"--taskset cannot pin -p {max(a.threads)} on {os.cpu_count()} CPUs")
    if "rigz" in a.tools:
        if not a.rigz:
            p.error("--rigz PATH is needed (or leave rigz out of --tools)")
        if os.sep in a.rigz:  # a path, not a name to look up in PATH
            a.rigz = os.path.abspath(a.rigz)
    return a


def corpus_files(args):
    """The corpus files to use, by name (MANIFEST and hidden entries are not corpus files)."""
    names = sorted(f for f in os.listdir(args.corpus)
                   if os.path.isfile(os.path.join(args.corpus, f))
                   and f != "MANIFEST" and not f.startswith("."))
    if args.files:
        missing = set(args.files) - set(names)
        if missing:
            sys.exit(f"bench.py: not in {args.corpus}: {', '.join(sorted(missing))}")
        names = [f for f in names if f in args.files]
    if not names:
        sys.exit(f"bench.py: no corpus files in {args.corpus}")
    return names


def check_binaries(args, tools):
    """Every binary we will run must exist; say which package provides a missing one."""
    needed = [tools.binary[t] for t in args.tools] + ["gzip"]  # gzip -dc checks the outputs
    if "libdeflate" in args.tools:
        needed.append("libdeflate-gunzip")
    if args.taskset:
        needed.append("taskset")
    for b in needed:
        if not shutil.which(b):
            hint = f" (apt-get install {APT_PACKAGE[b]})" if b in APT_PACKAGE else ""
            sys.exit(f"bench.py: cannot run {b}{hint}")


def main(argv):
    args = parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    if args.report_only:
        with open(os.path.join(args.out, "results.json")) as f:
            print(write_reports(json.load(f), args.out))
        return 0

    tools = Tools(args.rigz, args.taskset)
    check_binaries(args, tools)
    names = corpus_files(args)
    if "igzip" in args.tools and "compress" in args.mode:
        log("igzip has levels 0-3 only: " + ", ".join(
            f"gzip -{L} -> igzip -{igzip_level(L)}" for L in args.levels))
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                if line.startswith("model name")), "?")
    results = {"meta": {
        "started": time.strftime("%Y-%m-%d %H:%M:%S"), "argv": ["bench/bench.py"] + argv,
        "nproc": os.cpu_count(), "cpu": cpu, "taskset": args.taskset,
        "runs": args.runs, "threads": args.threads, "levels": args.levels,
        "tools": args.tools, "mode": args.mode, "corpus": os.path.abspath(args.corpus),
        "igzip_levels": {L: igzip_level(L) for L in args.levels},
        "binaries": {t: shutil.which(tools.binary[t]) for t in args.tools},
        "versions": {t: version([tools.binary[t], "-V"]) for t in args.tools},
        "files": {}}, "records": []}

    work = tempfile.mkdtemp(prefix="rigz-bench-", dir="/dev/shm")
    try:
        for name in names:
            path = os.path.join(os.path.abspath(args.corpus), name)
            size = os.path.getsize(path)
            sha = file_sha256(path)  # also warms the page cache
            results["meta"]["files"][name] = {"bytes": size, "sha256": sha}
            log(f"== {name}: {size:,} bytes")
            if "compress" in args.mode:
                for level in args.levels:
                    results["records"] += bench_compress(args, tools, name, path, size, sha,
                                                         level, work)
            if "decompress" in args.mode:
                results["records"] += bench_decompress(args, tools, name, path, size, sha,
                                                       work)
            write_reports(results, args.out)  # after every file: a crash keeps the rest
    except BenchError as e:
        log(f"FAIL: {e}")
        return 1
    finally:
        for f in os.listdir(work):  # keep outputs that failed a check (*.bad)
            if not f.endswith(".bad"):
                os.unlink(os.path.join(work, f))
        if not os.listdir(work):
            os.rmdir(work)
    results["meta"]["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
    print(write_reports(results, args.out))
    log(f"wrote {args.out}/results.json, results.md, plot.png")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
