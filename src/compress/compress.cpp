// The compression pipeline:
//
//   caller's thread          worker threads (N)               writer thread
//   read block i      ->     compress block i into a gzip  -> emit members strictly in
//                   queue    member of its own (+ CRC-32) reorder order, recycle buffers
//
// From 3 workers on, a regular file (or memory) is not read by the caller's thread beyond
// its first block: that thread only numbers the blocks, and each worker reads its own
// with pread (InputStream::read_at), so that the copy out of the page cache and the first
// touch of the pool's pages run in parallel. At -p 16 on 16 cores the one reading thread
// held fast levels back (best of 2, serial -> parallel reads: access.log -1 85 -> 59 ms,
// pigz 88; linux-src.tar -6 280 -> 240 ms, pigz 384; at -p 4 no change beyond noise;
// docs/benchmarks.md). Pipes and --rsyncable (whose cuts depend on the bytes) keep the
// serial reader.
//
// Past the first blocks, groups of four blocks share one sample's codec decision
// (block_compressor.cpp): a worker on a later block of a group waits on `decisions_` for
// its first block's, which the FIFO of jobs always hands to a worker first.
//
// At levels 8-9 a worker samples blocks ahead of compressing them, and the dearest
// sampled block is compressed first (LookaheadQueue, `lookahead`): blocks there take up
// to 3-4x each other's time, and one of the dearest among the last ones left the others
// idle. The dearest (libdeflate 10) are two members, which two workers compress at once
// (`cut`). Elsewhere todo_ is a FIFO, each block compressed right after its sample. In an
// input of a few blocks, `cut` makes pieces of its slow blocks, and of those with room to
// spare in size, for the workers to share.
//
// A fixed pool of Job buffers circulates reader -> workers -> writer -> reader, so memory
// is bounded by the pool (2N+2 blocks; 4N+2 at levels 7-9; at most 384 MiB of blocks or
// N+2, `pool_size`) whatever the input size, and output streams while compression goes
// on. Levels 7-9 get the deeper pool because their blocks take unequal times (a block
// the level choice sends to libdeflate 10 takes 4-5x the median): with 2N+2 the writer, waiting on one slow block,
// held every free buffer and idled the other workers (linux-src.tar -9 -p 16 on 16 cores:
// 1.03 s, 0.73 s with 4N+2; docs/benchmarks.md). Elsewhere the deeper pool only costs
// memory, whose first touch is not free (-1 -p 16 was 20% slower with it). An error in any
// thread closes every queue, which wakes and stops the others; the first error is rethrown
// to the caller.
#include "compress/compress.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "compress/block_compressor.h"
#include "compress/plan.h"
#include "compress/work_queue.h"
#include "format/crc32.h"
#include "io/big_buffer.h"
#include "io/error.h"

namespace rigz {
namespace {

constexpr size_t kMinBlockSize = 32768;

// From this many workers on, they read their own blocks (the comment at the top). Below,
// the reading thread overlaps a worker, which a read of its own would stall.
constexpr unsigned kParallelReadThreads = 3;

// A sampled block of libdeflate 10 or more (or zlib at 8-9) is compressed at once by the
// worker that sampled it, ahead of any waiting (Pipeline::lookahead).
constexpr unsigned kUrgentEffort = 10;

// The most pieces a block is cut into (Pipeline::cut).
constexpr unsigned kMaxPieces = 16;

// Where a member's header (at the start of its output) holds what is known only at its
// end: its size in the RZ subfield, and the header CRC after it.
struct MemberHeader {
  size_t len = 0;       // of the whole header
  size_t size_pos = 0;  // of the RZ size; 0: not indexed
  bool hcrc = false;
};

struct Job {
  uint64_t seq = 0;
  bool read_by_worker = false;  // in[] still to be filled, from offset seq * block size
  // Not a vector: one would zero the whole pool up front, on the reading thread. The pages
  // are touched first by the read that fills them.
  BigArray<uint8_t> in;
  size_t len = 0;      // block bytes
  bool last = false;   // no block follows (a worker's short read, or the serial reader's end)
  BlockChoice choice;  // what its sample chose (LookaheadQueue: the job was looked at)
  // A block may be cut into `pieces` of equal length (the last takes the rest), which
  // workers compress at once (Pipeline::cut): gzip members of their own, or, where
  // `chained`, pieces of one member (zlib primed with the bytes before each piece).
  unsigned pieces = 1;
  bool chained = false;
  bool indexed = true;                  // each member's header holds its size (start_member)
  std::atomic<unsigned> unfinished{0};  // pieces still to compress
  ByteBuffer out[kMaxPieces];           // each piece's output, emitted in order
  uint32_t piece_crc[kMaxPieces] = {};  // of each piece's bytes
  uint32_t crc = 0;                     // of the whole block (`finish`)
  MemberHeader header;                  // of a chained job's member, for `finish`
  double sample_ms = 0;                 // RIGZ_BLOCK_STATS: its reading and sampling

  size_t piece_from(unsigned i) const { return len / pieces * i; }
  size_t piece_len(unsigned i) const { return i + 1 < pieces ? len / pieces : len - piece_from(i); }
};

// One piece of a job to compress: all of it where it is not cut.
struct Part {
  Job* job;
  unsigned index = 0;
};

// RIGZ_BLOCK_STATS: for each member, once the input is done and in input order, the time
// its worker took to read and sample the block and to compress the member, its codec and
// sizes, on stderr. bench/replay.py replays these times on any number of workers, the way
// the pool was sized and the lookahead chosen (docs/design.md, "Costliest first").
class BlockStats {
 public:
  using Clock = std::chrono::steady_clock;
  bool on() const { return on_; }
  static double ms_since(Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
  }
  void add(const Part& part, const BlockChoice& choice, double sample_ms, double compress_ms, unsigned effort) {
    const Job& j = *part.job;
    std::lock_guard lock(mutex_);
    lines_.push_back(
        {j.seq, part.index, sample_ms, compress_ms, effort, choice, j.piece_len(part.index), j.out[part.index].size()});
  }
  void print(int zlib_level) {
    std::sort(lines_.begin(), lines_.end(),
              [](const Line& a, const Line& b) { return a.seq != b.seq ? a.seq < b.seq : a.index < b.index; });
    for (const Line& l : lines_) {
      const char* lib = l.choice.zlib ? "zlib" : l.choice.codec.library == Codec::Library::isal ? "isal" : "libdeflate";
      std::fprintf(stderr, "rigz: block %llu %d sample %.3f compress %.3f effort %u %s %d in %zu out %zu\n",
                   (unsigned long long)l.seq, l.index + 1, l.sample_ms, l.compress_ms, l.effort, lib,
                   l.choice.zlib ? zlib_level : l.choice.codec.level, l.in, l.out);
    }
  }

 private:
  struct Line {
    uint64_t seq;
    unsigned index;
    double sample_ms, compress_ms;
    unsigned effort;
    BlockChoice choice;
    size_t in, out;
  };
  const bool on_ = std::getenv("RIGZ_BLOCK_STATS") != nullptr;
  std::mutex mutex_;
  std::vector<Line> lines_;
};

class Pipeline {
 public:
  // `input_size`: the input's length where the stream knows it (the default block size
  // depends on it at some levels, plan.h).
  Pipeline(const CompressOptions& opts, std::optional<uint64_t> input_size, OutputStream& out)
      : opts_(opts),
        plan_(plan_compression(opts.level, opts.block_size, input_size)),
        out_(out),
        free_(pool_size(opts.threads, plan_)),
        todo_(lookahead(opts.threads, plan_)),
        decisions_(plan_.shared_sample ? make_decision_board(pool_size(opts.threads, plan_)) : nullptr) {
    for (size_t i = 0; i < pool_size(opts.threads, plan_); ++i) {
      jobs_.push_back(std::make_unique<Job>());
      free_.push(jobs_.back().get());
    }
    if (plan_.cut_blocks) take_as_small(*input_size);
  }

  // The first block is read here. An input that fits in it (or an empty one) is
  // compressed on this thread, with no pool, workers or writer to start: a small file
  // at -p 16 took 5.3 ms with them, 2.5 ms without (hyperfine, 10 KB, 2-core VM; pigz
  // 1.9 ms, gzip 1.1 ms: what is left is the start-up of a C++ program and its libraries).
  // Only a block cut into pieces (`cut`) calls workers, as many as it has pieces.
  CompressResult run(InputStream& in) {
    in_ = &in;
    Job* first = read_first_block(in);
    if (first->len < plan_.block_size) {
      first->last = true;
      take_as_small(first->len);
      auto compressor = make_block_compressor(plan_);
      BlockStats::Clock::time_point start;
      if (stats_.on()) start = BlockStats::Clock::now();
      const unsigned cost = look_at(*compressor, *first);
      if (stats_.on()) first->sample_ms = BlockStats::ms_since(start);
      // One member with nothing after it goes without its size (start_member); the
      // members of a cut block keep theirs.
      first->indexed = first->pieces > 1 && !first->chained;
      if (opts_.threads == 1 || first->pieces == 1) {
        for (unsigned i = 0; i < first->pieces; ++i) {
          if (stats_.on()) start = BlockStats::Clock::now();
          compress_part(*compressor, *first, i);
          record(Part{first, i}, start);
        }
        finish(*first);
        emit(*first);
        if (stats_.on()) stats_.print(plan_.zlib_level);
        return result_;
      }
      add_pieces(*first, cost, 0);
      todo_.close();
      run_threads(std::min(opts_.threads, first->pieces), [] {});
      return result_;
    }
    const bool parallel_reads = opts_.threads >= kParallelReadThreads && !opts_.rsyncable && in.reads_at_offsets();
    run_threads(opts_.threads, [&] {
      guarded([&] { parallel_reads ? number_blocks(first) : read(in, first); });
      todo_.close();
    });
    return result_;
  }

 private:
  // Runs `workers` workers and the writer while `feed` (on this thread) hands out jobs.
  template <class Feed>
  void run_threads(unsigned workers, Feed&& feed) {
    std::vector<std::thread> threads;
    for (unsigned i = 0; i < workers; ++i) threads.emplace_back([this] { guarded([this] { work(); }); });
    threads.emplace_back([this] { guarded([this] { write(); }); });
    feed();
    for (auto& t : threads) t.join();
    first_error_.rethrow();
    if (stats_.on()) stats_.print(plan_.zlib_level);
  }

  // Uneven levels get twice the look-ahead, 4 jobs a thread, 4 MiB blocks of levels 8-9
  // included: with 2 a thread, workers ran out of jobs behind a slow block that the writer
  // waited for (16 cores, rigz -9 -p 16: linux-src.tar 754 -> 648 ms, reads.fastq 1746 ->
  // 1394 ms; peak RSS 196 -> 264 MiB; docs/benchmarks.md).
  // Past kPoolBytes of blocks the pool stops growing with the thread count, down to one
  // block a thread and two more (a worker without a block idles): `rigz -9 -p 64` of a
  // stream of 1200 MB peaked at 1.1 GB with 4N+2 blocks of 4 MiB, -p 128 at 1.3 GB, where
  // issue 2 asks well under 1 GiB for any input. 384 MiB leaves every pool up to -p 16 as
  // measured on 16 cores (levels 8-9: 66 blocks, 264 MiB) and levels 1-6 up to -p 95.
  static size_t pool_size(unsigned threads, const CompressionPlan& plan) {
    constexpr size_t kPoolBytes = size_t(384) << 20;
    const size_t wanted = (plan.uneven ? 4 : 2) * size_t(threads) + 2;
    return std::max(size_t(threads) + 2, std::min(wanted, kPoolBytes / plan.block_size));
  }

  // How many sampled blocks may wait to be compressed, the dearest first (LookaheadQueue),
  // where the plan has it (levels 8-9): in input order a block that the sample sends to
  // libdeflate 10 (3-4x the others) may come among the last and leave the other workers
  // idle for most of its time. Two a thread: replaying per-block times of reads.fastq -9
  // on 16 workers (FIFO 1367 ms, an even share 831), one a thread gave 1045 ms, two 924,
  // four no better; measured on 16 cores, 1656 -> 1111 ms (docs/benchmarks.md).
  static size_t lookahead(unsigned threads, const CompressionPlan& plan) {
    return plan.costliest_first && threads > 1 ? 2 * size_t(threads) : 0;
  }

  template <class F>
  void guarded(F&& f) {
    first_error_.run(f, [this] {
      free_.close();
      todo_.abort();
      done_.close();
      if (decisions_) decisions_->close();
    });
  }

  // A job from the pool for block `seq`, with its input buffer (allocated on first use:
  // an input of a few blocks touches no more of the pool); nothing once the pool is closed.
  Job* next_job(uint64_t seq) {
    auto slot = free_.pop();
    if (!slot) return nullptr;
    Job* job = *slot;
    if (!job->in) job->in = make_big_array<uint8_t>(plan_.block_size);
    job->seq = seq;
    job->read_by_worker = false;
    return job;
  }

  // Block 0, read in two steps: its first 64 KiB into a buffer of that size, and only if
  // more follows into a whole block. A small input then never touches a block buffer,
  // whose 2 MiB huge page was cleared on its first byte: 0.5 ms of system time, a fifth
  // of compressing a 10 KB file (hyperfine, 2-core VM).
  Job* read_first_block(InputStream& in) {
    constexpr size_t kSmall = 64 * 1024;
    auto slot = free_.pop();  // the pool is full: never empty here
    Job* job = *slot;
    const size_t small = std::min(kSmall, plan_.block_size);
    job->in = make_big_array<uint8_t>(small);
    job->len = in.read(job->in.get(), small);
    if (job->len == small && small < plan_.block_size) {
      BigArray<uint8_t> block = make_big_array<uint8_t>(plan_.block_size);
      std::memcpy(block.get(), job->in.get(), small);
      job->in = std::move(block);
      job->len += in.read(job->in.get() + small, plan_.block_size - small);
    }
    return job;
  }

  // --rsyncable: ends a full block at its last content-defined boundary (rsync_cut) and
  // keeps the rest in `carry`, for the front of the next block.
  void cut_for_rsync(Job& job, std::vector<uint8_t>& carry) const {
    if (!opts_.rsyncable || job.len != plan_.block_size) return;
    const size_t cut = rsync_cut(job.in.get(), job.len);
    carry.assign(job.in.get() + cut, job.in.get() + job.len);
    job.len = cut;
  }

  // Fills block after block after the full `first`; holds one block back until the next
  // read tells whether it was the last.
  void read(InputStream& in, Job* first) {
    std::vector<uint8_t> carry;  // --rsyncable: the bytes after the last cut of a block
    cut_for_rsync(*first, carry);
    Job* pending = first;
    for (uint64_t seq = 1;; ++seq) {
      Job* job = next_job(seq);
      if (!job) return;  // the pipeline failed elsewhere
      std::copy(carry.begin(), carry.end(), job->in.get());
      job->len = carry.size() + in.read(job->in.get() + carry.size(), plan_.block_size - carry.size());
      carry.clear();
      cut_for_rsync(*job, carry);
      pending->last = job->len == 0;
      todo_.push(Part{pending});
      if (pending->last) {
        free_.push(job);
        return;
      }
      pending = job;
    }
  }

  // The reader of a source that workers can read at any offset: after the full `first`,
  // only hands out block numbers until a worker finds the end. Up to a pool of numbers
  // past the end may go out; their workers read nothing and the writer, stopping at the
  // end, never takes them.
  void number_blocks(Job* first) {
    todo_.push(Part{first});
    for (uint64_t seq = 1; seq <= end_seq_.load(); ++seq) {
      Job* job = next_job(seq);
      if (!job) return;  // the writer is done, or the pipeline failed elsewhere
      job->read_by_worker = true;
      todo_.push(Part{job});
    }
  }

  // A worker's read of its block; a short one is the end of the input.
  void read_block(Job& job) {
    const auto got = in_->read_at(job.seq * plan_.block_size, job.in.get(), plan_.block_size);
    if (!got) throw Error(Error::Kind::read, "input cannot be read at an offset");
    job.len = *got;
    job.last = job.len < plan_.block_size;
    if (!job.last) return;
    uint64_t end = end_seq_.load();
    while (job.seq < end && !end_seq_.compare_exchange_weak(end, job.seq)) {
    }
  }

  // --rsyncable: where to end a full block so that block boundaries follow the content
  // and a local change in the input changes only the members around it. pigz's rule: a
  // boundary follows each byte where a hash of the last 12 bytes hits a fixed value
  // (every 4 KiB on average); the block ends after the last boundary it holds.
  static size_t rsync_cut(const uint8_t* data, size_t len) {
    constexpr uint32_t kMask = (1u << 12) - 1, kHit = kMask >> 1;
    uint32_t hash = 0;
    size_t cut = len;
    for (size_t i = 0; i < len; ++i) {
      hash = ((hash << 1) ^ data[i]) & kMask;
      if (hash == kHit) cut = i + 1;
    }
    return cut;
  }

  // A job from todo_ is first sampled (its block read, where workers read, and its codec
  // chosen), then compressed, by this worker at once or by whichever worker todo_ hands
  // it to (costliest first). A split job's second member waits as the costliest, for the
  // next worker free, while this one compresses the first.
  void work() {
    auto compressor = make_block_compressor(plan_, decisions_.get());
    while (auto task = todo_.pop()) {
      Part part = task->item;
      Job* job = part.job;
      BlockStats::Clock::time_point start;
      if (stats_.on()) start = BlockStats::Clock::now();
      if (!task->looked_at) {
        if (job->read_by_worker) read_block(*job);
        // A block found empty past the end of the input: the writer stops before it.
        if (job->len == 0) {
          done_.put(job->seq, job);
          todo_.dropped();
          continue;
        }
        const unsigned cost = look_at(*compressor, *job);
        add_pieces(*job, cost, 1);
        if (stats_.on()) job->sample_ms = BlockStats::ms_since(start);
        auto now = todo_.looked_at(part, cost, kMaxPieces * job->seq, cost >= kUrgentEffort);
        if (!now) continue;
        part = *now;
        job = part.job;
        if (stats_.on()) start = BlockStats::Clock::now();
      }
      compress_part(*compressor, *job, part.index);
      record(part, start);
      if (--job->unfinished == 0) {
        finish(*job);
        done_.put(job->seq, job);
      }
    }
  }

  // RIGZ_BLOCK_STATS: a piece compressed since `start`.
  void record(const Part& part, BlockStats::Clock::time_point start) {
    if (!stats_.on()) return;
    const Job& job = *part.job;
    stats_.add(part, member_choice(job, part.index), part.index ? 0 : job.sample_ms, BlockStats::ms_since(start),
               effort(job.choice, plan_));
  }

  // An input of `len` bytes (known, or found to end within its first block) whose blocks
  // are cut for the threads (`cut`): plan.h's cut_blocks.
  void take_as_small(uint64_t len) {
    small_input_ = true;
    const uint64_t blocks = std::max<uint64_t>(1, (len + plan_.block_size - 1) / plan_.block_size);
    cheap_pieces_ = unsigned((kMaxPieces + blocks - 1) / blocks);
  }

  // Chooses the block's codec (from its sample) and cuts it; returns its cost (`effort`).
  unsigned look_at(BlockCompressor& compressor, Job& job) const {
    job.choice = compressor.choose(job.in.get(), job.len, job.seq);
    const unsigned cost = effort(job.choice, plan_);
    cut(job, cost);
    return cost;
  }

  // Hands pieces `from` and on of `job` to the workers, each behind the pieces of earlier
  // blocks and before the later ones of its own among equal costs.
  void add_pieces(Job& job, unsigned cost, unsigned from) {
    for (unsigned i = from; i < job.pieces; ++i) todo_.add(Part{&job, i}, cost, kMaxPieces * job.seq + i);
  }

  // Cuts a block into pieces that workers compress at once, by its choice alone, so
  // that the output is the same for every thread count (docs/design.md, "Pieces of slow
  // blocks"):
  //  - a block of zlib into pieces of 256 KiB chained into one member as pigz chains its
  //    own (each primed with the 32 KiB before it): the size of one pass, where independent
  //    members of source code came out up to 1.011x pigz;
  //  - in a small input (`small_input_`), a block of libdeflate 10 into members of
  //    512 KiB: its output is 2-4% under zlib 9's, room for the dictionaries lost;
  //  - in a small input, a block of any other codec whose sample came well under zlib's
  //    (`room`) into members of at least 256 KiB, as many as half that room pays for
  //    (`affordable_cuts`) and the input needs to give its threads kMaxPieces pieces;
  //  - elsewhere a full block of levels 8-9 (4 MiB) of libdeflate 10 into two members: one
  //    such block took 0.4-0.6 s on one core, most of `rigz -9 -p 16` of linux-src.tar (its
  //    careful first blocks take it), and two workers halve that; the dictionary lost at
  //    the cut costs 0.1-0.2% of the block ("Costliest first").
  void cut(Job& job, unsigned cost) const {
    constexpr size_t kSplitBlock = size_t(4) << 20, kZlibPiece = 256 << 10, kDearMember = 512 << 10,
                     kCheapMember = 256 << 10;
    auto count = [&](size_t piece) { return unsigned(std::clamp<size_t>(job.len / piece, 1, kMaxPieces)); };
    job.pieces = 1;
    if (job.choice.zlib)
      job.pieces = count(kZlibPiece);
    else if (small_input_ && cost >= kUrgentEffort)
      job.pieces = count(kDearMember);
    else if (small_input_)
      job.pieces = std::min({count(kCheapMember), cheap_pieces_, affordable_cuts(job) + 1});
    else if (plan_.costliest_first && cost >= kUrgentEffort && job.len >= kSplitBlock)
      job.pieces = 2;
    job.chained = job.pieces > 1 && job.choice.zlib;
    job.unfinished = job.pieces;
  }

  // How many cuts into independent members a block can pay for with half its `room`. A
  // member starts without the 32 KiB of history before it, which made those bytes about a
  // third larger compressed: one cut cost 0.31-0.52% of a 2 MB block of access.log at
  // libdeflate 1-7, 0.1-0.2% of source code, 0.01-0.1% of FASTQ and binaries (split(1) and
  // libdeflate-gzip, docs/design.md "Pieces of slow blocks"). Taken as 0.4 x 32 KiB of the
  // block's input, the logs' worst. And the sample flatters libdeflate against pigz by up
  // to 1.3% (logs at level 6), so that much of the room is not there: a block spends
  // half of what is left.
  static unsigned affordable_cuts(const Job& job) {
    constexpr double kCutCost = 0.4 * 32768, kSampleBias = 0.015;
    const double room = job.choice.room - kSampleBias;
    return room <= 0 ? 0 : unsigned(std::min(double(kMaxPieces), room * double(job.len) / (2 * kCutCost)));
  }

  // Piece `i` of `job`: a whole gzip member, or, in a chained job, the header and first
  // stretch of deflate stream (piece 0) or a later stretch, whose member `finish` ends.
  void compress_part(BlockCompressor& compressor, Job& job, unsigned i) {
    const uint8_t* data = job.in.get() + job.piece_from(i);
    const size_t len = job.piece_len(i);
    job.piece_crc[i] = crc32_update(0, data, len);
    ByteBuffer& out = job.out[i];  // keeps its buffer from the job's last block
    out.clear();
    const bool first_member = job.seq == 0 && i == 0;
    if (!job.chained) {
      const MemberHeader h = start_member(out, first_member, job.indexed);
      compressor.compress(data, len, member_choice(job, i), out);
      end_member(out, h, job.piece_crc[i], len);
      return;
    }
    if (i == 0) job.header = start_member(out, first_member, job.indexed);
    constexpr size_t kWindow = 32768;  // deflate's: what a piece's matches may reach back
    compressor.compress_piece(data, len, std::min(kWindow, job.piece_from(i)), i + 1 == job.pieces, out);
  }

  // The codec of member `i` of `job`: a careful block's mix (BlockChoice::weak) is taken
  // whole, but a small input's block cut into members mixes them as a mix mixes blocks.
  // FASTQ at level 9, where libdeflate 10 (4.3 MB/s there, as slow as zlib 9) is the only
  // level 0.5% under zlib's sample and libdeflate 7 (about five times faster) 1.2% over:
  // 2 MB took as long as pigz at `-p 1` with every member of 10 (docs/design.md, "Pieces
  // of slow blocks").
  BlockChoice member_choice(const Job& job, unsigned i) const {
    BlockChoice c = job.choice;
    if (small_input_ && job.pieces > 1 && c.strong_share < 1 && !takes_share(i, c.strong_share)) c.codec = c.weak;
    return c;
  }

  // Once every piece is in: the block's CRC, and a chained member's trailer and size.
  void finish(Job& job) {
    job.crc = job.piece_crc[0];
    for (unsigned i = 1; i < job.pieces; ++i) job.crc = crc32_combine(job.crc, job.piece_crc[i], job.piece_len(i));
    if (!job.chained) return;
    uint8_t trailer[kGzipTrailerSize];
    write_gzip_trailer(trailer, job.crc, job.len);
    ByteBuffer& tail = job.out[job.pieces - 1];
    tail.insert(tail.end(), trailer, trailer + sizeof trailer);
    size_t total = 0;
    for (unsigned i = 0; i < job.pieces; ++i) total += job.out[i].size();
    patch_member(job.out[0], job.header, total);
  }

  // A gzip member's header into `out`, `indexed` with an FEXTRA "RZ" subfield for its size
  // (patch_member) so that a decompressor can find the next member without inflating this
  // one. An input of one block (smaller than a block: the same for every thread count) is
  // one member with nothing to find after it, so it goes without (10 bytes: XLEN and the
  // subfield), and a file of up to 128 KiB (zlib alone, block_compressor.cpp) then comes
  // out as pigz writes it. The first member carries the name and time of the input.
  MemberHeader start_member(ByteBuffer& out, bool first, bool indexed) const {
    GzipHeader h = first ? opts_.header : GzipHeader{};
    h.xfl = gzip_xfl_for_level(opts_.level);
    MemberHeader m;
    if (indexed) {
      m.size_pos = 10 + 2 + h.extra.size() + 4;  // fixed header, XLEN, earlier subfields, RZ id+len
      h.has_extra = true;
      h.extra.insert(h.extra.end(), {'R', 'Z', 4, 0, 0, 0, 0, 0});
    }
    const std::vector<uint8_t> header = write_gzip_header(h);
    out.insert(out.end(), header.begin(), header.end());
    m.len = header.size();
    m.hcrc = h.has_hcrc;
    return m;
  }

  // Ends a whole member in `out` (the trailer of `crc` and `len`) and writes its size.
  static void end_member(ByteBuffer& out, const MemberHeader& h, uint32_t crc, size_t len) {
    uint8_t trailer[kGzipTrailerSize];
    write_gzip_trailer(trailer, crc, len);
    out.insert(out.end(), trailer, trailer + sizeof trailer);
    patch_member(out, h, out.size());
  }

  // Writes a member's size `total` into its header at the start of `out`, and the header
  // CRC, which covers it.
  static void patch_member(ByteBuffer& out, const MemberHeader& h, size_t total) {
    if (!h.size_pos) return;
    const uint32_t size = static_cast<uint32_t>(total);
    for (int i = 0; i < 4; ++i) out[h.size_pos + i] = static_cast<uint8_t>(size >> (8 * i));
    if (h.hcrc) {
      const uint32_t c = crc32_update(0, out.data(), h.len - 2);
      out[h.len - 2] = static_cast<uint8_t>(c);
      out[h.len - 1] = static_cast<uint8_t>(c >> 8);
    }
  }

  void write() {
    for (;;) {
      auto slot = done_.take_next();
      if (!slot) return;
      Job* job = *slot;
      // An empty block after a full one (an input of whole blocks) ends it without a member.
      if (job->len > 0) emit(*job);
      // What workers read, the stream moves past in order: its position ends where a
      // serial reader's would, and a progress line counts it.
      if (job->read_by_worker) in_->skip(job->len);
      if (job->last) {
        free_.close();  // wakes a reader still waiting to number blocks past the end
        return;
      }
      free_.push(job);
    }
  }

  void emit(const Job& job) {
    for (unsigned i = 0; i < job.pieces; ++i) {
      out_.write(job.out[i].data(), job.out[i].size());
      result_.out_bytes += job.out[i].size();
    }
    result_.crc = crc32_combine(result_.crc, job.crc, job.len);
    result_.in_bytes += job.len;
  }

  const CompressOptions& opts_;
  const CompressionPlan plan_;
  // plan.h's cut_blocks, or an input that turned out to fit in its first block: a pipe's
  // is then cut as a file of its length is, and gives the same bytes (`take_as_small`).
  bool small_input_ = false;
  // In a small input, the most members a block of a cheap codec may be cut into: enough
  // for the input to give kMaxPieces of them (Pipeline::cut).
  unsigned cheap_pieces_ = 1;
  OutputStream& out_;
  InputStream* in_ = nullptr;
  std::atomic<uint64_t> end_seq_{UINT64_MAX};  // the lowest block number found short
  std::vector<std::unique_ptr<Job>> jobs_;
  BoundedQueue<Job*> free_;
  LookaheadQueue<Part> todo_;
  ReorderBuffer<Job*> done_;
  std::unique_ptr<DecisionBoard> decisions_;  // what a group's first sample chose (plan.h's shared_sample)
  CompressResult result_;
  FirstError first_error_;
  BlockStats stats_;
};

}  // namespace

CompressResult compress_gzip(InputStream& in, OutputStream& out, const CompressOptions& opts) {
  CompressOptions o = opts;
  o.threads = std::max(1u, o.threads);
  if (o.block_size) o.block_size = std::max(o.block_size, kMinBlockSize);
  if (o.header.has_extra && o.header.extra.size() > 0xffff - 8)
    throw Error(Error::Kind::usage, "extra field too long: rigz adds 8 bytes to it");
  Pipeline pipeline(o, in.size_left(), out);
  return pipeline.run(in);
}

}  // namespace rigz
