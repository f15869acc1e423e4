#include "decompress/speculative/parallel_member.h"

#include <sched.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "compress/work_queue.h"
#include "decompress/speculative/chunk_decoder.h"
#include "decompress/speculative/isal_span.h"
#include "format/crc32.h"
#include "io/error.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace rigz::spec {
namespace {

[[noreturn]] void corrupt(const char* why) { throw Error(Error::Kind::data, why); }
constexpr const char* kFormatViolated = "invalid compressed data--format violated";

// A 16-bit output symbol as a byte: a literal, or the byte of `window` its marker names.
// Branch-free (a literal's index, below 256, is a valid one too): literals and markers
// mix unpredictably.
inline uint8_t resolved(uint16_t sym, const std::vector<uint8_t>& window) {
  const uint8_t from_window = window[sym & (kMarker - 1)];
  return sym & kMarker ? from_window : static_cast<uint8_t>(sym);
}

struct Job {
  uint64_t seq = 0;
  // The chunk's input, never cleared (only what is put there is touched): read by the
  // worker itself (InputStream::read_at) when read_len is set, from `read_from` on, else
  // copied in by the calling thread.
  GrowBuffer<uint8_t> input;
  uint64_t read_from = 0;
  size_t read_len = 0;
  ChunkRequest req;
  Chunk chunk;
  uint32_t narrow_crc = 0;  // CRC-32 of the chunk's byte part, by the worker
  uint64_t ticket = 0;      // the writer's ticket for its last part (BufferedWriter::submit_external)
  // Set when the job is back with a worker to replace the markers of its 16-bit part, once
  // the window before the chunk (`prior`) is known: in place, the buffer then read as bytes.
  bool replace = false;
  std::vector<uint8_t> prior;
  uint32_t wide_crc = 0;
  size_t crc_piece = 0;               // where wide_crc goes in ParallelMember::pieces_
  std::atomic<bool> claimed{true};    // someone is replacing the markers (exchange to take it)
  std::atomic<bool> replaced{false};  // done: the writer may write the part
};

// A worker's second task: the 16-bit part of a verified chunk to bytes, in the same buffer
// (byte i is written after the 16-bit symbol i / 2 that held it was read), and its CRC-32.
// The window is whole here, so every marker names a byte of it. Whoever claims the job
// first does it (a worker, or the calling thread rather than wait for one).
void replace_markers(Job& job) {
  if (job.claimed.exchange(true, std::memory_order_acq_rel)) return;
  const Chunk& c = job.chunk;
  const uint16_t* w = c.wide.data.get() + kWindowSize;
  uint8_t* out = reinterpret_cast<uint8_t*>(c.wide.data.get() + kWindowSize);
  uint8_t piece[4096];  // through a local buffer, so that the loop need not fear aliasing
  for (size_t done = 0; done < c.wide_len;) {
    const size_t n = std::min(sizeof piece, c.wide_len - done);
    const uint16_t* in = w + done;
    size_t i = 0;
    // Sixteen symbols at a time: without a marker among them (most, once a chunk's output
    // is past its first references to the window) a plain narrowing, in SSE2 where there
    // is SSE2; else symbol by symbol.
    for (; i + 16 <= n; i += 16) {
#if defined(__SSE2__)
      const __m128i lo = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i));
      const __m128i hi = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i + 8));
      // The top bit of each high byte: bit 15 of each symbol, the marker bit.
      if ((_mm_movemask_epi8(_mm_or_si128(lo, hi)) & 0xAAAA) == 0) {
        _mm_storeu_si128(reinterpret_cast<__m128i*>(piece + i), _mm_packus_epi16(lo, hi));
        continue;
      }
#endif
      for (size_t k = 0; k < 16; ++k) piece[i + k] = resolved(in[i + k], job.prior);
    }
    for (; i < n; ++i) piece[i] = resolved(in[i], job.prior);
    std::memcpy(out + done, piece, n);
    done += n;
  }
  job.wide_crc = crc32_update(0, out, c.wide_len);
  job.replaced.store(true, std::memory_order_release);
  job.replaced.notify_all();
}

class ParallelMember {
 public:
  ParallelMember(InputWindow& in, BufferedWriter& sink, unsigned threads)
      : in_(in),
        sink_(sink),
        cfg_(speculate_config()),
        chunk_bytes_(chunk_bytes_for(cfg_, threads)),
        base_(in.consumed()),
        positional_(in.source().reads_at_offsets()),
        max_inflight_(2 * threads),
        threads_(threads),
        todo_(2 * threads) {
    fit_chunks_to_input();
  }
  ~ParallelMember() {
    stop();
    for (auto& t : workers_) t.join();
    // A replacement no worker got to (they stopped on an error) is done here: the writer
    // waits for it. And it may still hold chunk bytes of jobs_, which must outlive that.
    for (Job* job : writing_)
      if (job->replace) replace_markers(*job);
    try {
      if (!writing_.empty()) sink_.written(writing_.back()->ticket, true);
    } catch (...) {  // the writer failed: it has stopped, and the error is reported elsewhere
    }
  }

  MemberCheck run();

 private:
  void stop() {
    cancel_ = true;
    todo_.close();
    done_.close();
  }
  // Jobs and workers, made only once a member has proven long enough to need them.
  void start_workers() {
    for (unsigned i = 0; i < max_inflight_; ++i) {
      jobs_.push_back(std::make_unique<Job>());
      idle_.push_back(jobs_.back().get());
    }
    for (unsigned i = 0; i < threads_; ++i)
      workers_.emplace_back([this] { errors_.run([this] { work(); }, [this] { stop(); }); });
  }
  void work() {
    ChunkDecoder decoder;
    while (auto task = todo_.pop()) {
      Job& job = *task->job;
      if (task->replace) {
        // The calling thread may have done it already, and even reused the job since:
        // the claim makes this a no-op then.
        replace_markers(job);
        continue;
      }
      if (job.read_len) {
        job.input.reserve(job.read_len, 0);
        const size_t got = *in_.source().read_at(job.read_from, job.input.data.get(), job.read_len);
        job.req.in = job.input.data.get();
        job.req.size = got;
        job.req.last = got < job.read_len;
        if (job.req.last) input_end_seen_ = true;
      }
      decoder.decode(job.req, job.chunk);
      const Chunk& c = job.chunk;
      if (c.ok) job.narrow_crc = c.narrow_len ? crc32_update(0, c.narrow.data.get() + kWindowSize, c.narrow_len) : 0;
      done_.put(job.seq - 1, &job);  // chunk 1 is the first scheduled (see run())
    }
  }

  uint64_t rel() const { return in_.consumed() - base_; }  // member offset of in_.data()
  // Where workers read their own input, the calling thread's window may not have reached
  // the end of the chunk it emitted: it skips the rest (a regular file seeks).
  void consume_to(uint64_t byte) {
    if (byte > rel()) in_.skip(byte - rel());
  }
  void schedule();
  void fit_chunks_to_input();
  void fit_chunks_to_ratio();
  bool too_dense() const;
  // What the calling thread decoded before the workers start (the member's first MiB):
  // input and output bytes.
  struct Start {
    uint64_t in, out;
  };
  Start decoded_start() const { return {position() / 8, pieces_.empty() ? 0 : pieces_.front().len}; }
  Job* idle_job();
  uint64_t bits_at(uint64_t bit);
  void account(const uint8_t* data, size_t n);  // CRC, size and window of output
  void slide_window(const uint8_t* data, size_t n);
  void add_crc(uint32_t crc, uint64_t len);
  void replace_here(Job& job);
  bool emit_chunk(Job& job);
  void release(Job* job);
  enum class RedoEnd { landed, final_block, missed };
  RedoEnd redo(const SpanStart* target, uint64_t feed_limit = UINT64_MAX);
  uint64_t position() const;

  InputWindow& in_;
  BufferedWriter& sink_;
  const SpeculateConfig& cfg_;
  uint64_t chunk_bytes_;  // fit_chunks_to_input() and fit_chunks_to_ratio() may lower it
  const uint64_t base_;
  const bool positional_;  // workers read their own input (InputStream::read_at)
  const unsigned max_inflight_;
  const unsigned threads_;
  std::vector<std::unique_ptr<Job>> jobs_;
  // A worker's tasks: decode a chunk, or replace the markers of one that was verified.
  struct Task {
    Job* job;
    bool replace;
  };
  BoundedQueue<Task> todo_;
  // Jobs not out with a worker: idle, or holding chunk bytes the writer has yet to write.
  std::deque<Job*> idle_, writing_;
  ReorderBuffer<Job*> done_;
  std::vector<std::thread> workers_;
  FirstError errors_;
  std::atomic<bool> cancel_{false};
  std::atomic<bool> input_end_seen_{false};  // a worker's read_at() reached the end of input

  uint64_t next_seq_ = 0;
  uint64_t stats_used_ = 0;
  // RIGZ_SPECULATE_STATS: where the calling thread's time goes (seconds).
  double t_schedule_ = 0, t_wait_ = 0, t_redo_ = 0, t_emit_ = 0, t_start_ = 0, t_skip_ = 0, t_drain_ = 0;
  unsigned inflight_ = 0;
  bool input_done_ = false;  // a chunk reaching the end of input was scheduled

  uint64_t end_bit_ = 0;  // the verified block boundary the output has reached
  // CRC-32 and size of the output in order, in pieces joined at the end: a chunk's 16-bit
  // part is checksummed by the worker that replaces its markers, after the bytes behind it.
  struct CrcPiece {
    uint32_t crc = 0;
    uint64_t len = 0;
  };
  std::vector<CrcPiece> pieces_;
  bool piece_open_ = false;  // the last piece still takes the calling thread's output
  std::vector<uint8_t> window_ = std::vector<uint8_t>(kWindowSize);  // last `have_` bytes valid
  size_t have_ = 0;
  IsalSpan isal_;
  bool sequential_ = false;  // ISA-L is between block boundaries (see redo())
  uint64_t fed_ = 0;         // member offset of the next byte for ISA-L
};

// Two chunks a thread at least, where the input's length is known: a chunk is decoded by
// one worker, so with fewer the others wait. On 16 cores, pigz -6 output into /dev/null,
// best of 3 (docs/benchmarks.md, "16 cores, 2026-11-27"), access.log (16 MB) at -p 16 took
// 94 ms with 2 MiB chunks (8 of them), 51 with 512 KiB, at -p 8 101 ms against 78 with
// 1 MiB; linux-src.tar (40 MB) at -p 16 102 against 85 with 1 MiB; reads.fastq (50 MB) the
// same with 1 or 2 MiB at -p 16, 140 against 123 ms with 2 MiB at -p 8. Not under 512 KiB:
// 256 KiB was slower in every cell (the boundary work of each chunk).
void ParallelMember::fit_chunks_to_input() {
  const std::optional<uint64_t> left = in_.bytes_left();
  if (cfg_.chunk_bytes || !left) return;
  constexpr uint64_t kStep = 64 << 10, kLeast = 512 << 10;
  const uint64_t share = *left / (2 * uint64_t(threads_));
  chunk_bytes_ = std::clamp(share / kStep * kStep, kLeast, chunk_bytes_);
}

// Whether the member is better decoded by ISA-L alone: text of 8:1 and more (logs) keeps
// its markers through whole chunks (the unknown window is named all along), which then
// take the 16-bit decoder and the replacement, about 3x ISA-L's work per byte; with
// fewer than 8 threads that lost to ISA-L alone (access.log at -p 4 on 16 cores: 1.22-1.69x
// igzip -d for every chunk size, against 0.67-0.87x at -p 8). The ratio is the first MiB's.
bool ParallelMember::too_dense() const {
  const auto [in, out] = decoded_start();
  return !cfg_.chunk_bytes && threads_ < 8 && out >= 8 * in;
}

// A chunk gives up when its output passes max_chunk_output (two bytes a symbol while
// markers remain, and on logs or FASTQ they remain for whole chunks): with access.log's
// 9:1 and the limit at 32 MiB, 4 MiB and even 2 MiB chunks all gave up, and the path only
// waited for them (5 chunks, 0 used: 1.5x igzip's time at -p 2). So the chunk size follows
// the ratio of the first MiB: the whole chunk must fit in 16-bit form with 25% to spare,
// down to 256 KiB (a 1000:1 member still gives up and streams). The limit went to 48 MiB
// with this, so that source code (5:1, markers clear early) keeps its 4 MiB chunks, much
// faster than 2 MiB at -p 4 (docs/benchmarks.md). A chunk size the configuration sets stays.
void ParallelMember::fit_chunks_to_ratio() {
  const auto [in, out] = decoded_start();
  if (cfg_.chunk_bytes || in == 0 || out <= in) return;
  const double symbols = static_cast<double>(cfg_.max_chunk_output / 2);
  const uint64_t fit = static_cast<uint64_t>(symbols / (1.25 * static_cast<double>(out) / static_cast<double>(in)));
  constexpr uint64_t kStep = 64 << 10, kLeast = 256 << 10;
  chunk_bytes_ = std::clamp(fit / kStep * kStep, kLeast, chunk_bytes_);
}

// Hands chunks to the workers while fewer than max_inflight_ are out. Chunk k looks for a
// start from byte k * chunk_bytes and ends at the first block boundary at or past byte
// (k + 1) * chunk_bytes; it gets its input up to twice the chunk size (a block that runs
// further makes it give up, and the sequential decoder covers it).
void ParallelMember::schedule() {
  const uint64_t c = chunk_bytes_;
  // Where workers read the input, one that reached its end stops the scheduling early
  // (chunks past the end would only be read and dropped).
  if (input_end_seen_) input_done_ = true;
  while (inflight_ < max_inflight_ && !input_done_) {
    Job* job = idle_job();
    const uint64_t seq = next_seq_++;
    const uint64_t lo = std::max(seq * c, rel());
    uint64_t hi = seq * c + 2 * c;
    job->seq = seq;
    ChunkRequest& r = job->req;
    if (positional_) {
      // The worker reads [lo, hi) itself, and learns there whether the input ends.
      job->read_from = base_ + lo;
      job->read_len = static_cast<size_t>(std::max(lo, hi) - lo);
    } else {
      bool last = false;
      if (!in_.ensure(static_cast<size_t>(hi > rel() ? hi - rel() : 0))) {
        hi = rel() + in_.size();
        last = true;
        input_done_ = true;
      }
      job->read_len = 0;
      const size_t n = static_cast<size_t>(std::max(lo, hi) - lo);
      job->input.reserve(n, 0);
      if (n) std::memcpy(job->input.data.get(), in_.data() + (lo - rel()), n);
      r.in = job->input.data.get();
      r.size = n;
      r.last = last;
    }
    r.base_bit = lo * 8;
    r.from_bit = lo * 8;
    r.known_start = seq == 0;
    r.stop_bit = (seq + 1) * c * 8;
    r.max_output = cfg_.max_chunk_output;
    r.cancel = &cancel_;
    ++inflight_;
    if (!todo_.push({job, false})) return;
  }
}

// A job to schedule: an idle one, or the oldest whose chunk bytes the writer has written
// (waiting for that when none is idle).
Job* ParallelMember::idle_job() {
  // Rather than wait, replace the markers of the oldest job if no worker has begun it.
  if (idle_.empty() && writing_.front()->replace) replace_markers(*writing_.front());
  while (!writing_.empty() && sink_.written(writing_.front()->ticket, idle_.empty())) {
    release(writing_.front());
    writing_.pop_front();
  }
  Job* job = idle_.front();
  idle_.pop_front();
  return job;
}

// The stream's bits from `bit` on (at least 3 valid, zeros past the end).
uint64_t ParallelMember::bits_at(uint64_t bit) {
  const uint64_t byte = bit / 8;
  in_.ensure(static_cast<size_t>(byte - rel() + 2));
  uint64_t v = 0;
  for (uint64_t i = 0; i < 2 && byte + i - rel() < in_.size(); ++i)
    v |= uint64_t(in_.data()[byte + i - rel()]) << (8 * i);
  return v >> (bit % 8);
}

void ParallelMember::account(const uint8_t* data, size_t n) {
  if (n == 0) return;
  if (!piece_open_) pieces_.emplace_back();
  piece_open_ = true;
  pieces_.back().crc = crc32_update(pieces_.back().crc, data, n);
  pieces_.back().len += n;
  slide_window(data, n);
}

void ParallelMember::add_crc(uint32_t crc, uint64_t len) {
  pieces_.push_back({crc, len});
  piece_open_ = false;
}

void ParallelMember::slide_window(const uint8_t* data, size_t n) {
  if (n >= kWindowSize) {
    std::memcpy(window_.data(), data + n - kWindowSize, kWindowSize);
  } else {
    std::memmove(window_.data(), window_.data() + n, kWindowSize - n);
    std::memcpy(window_.data() + kWindowSize - n, data, n);
  }
  have_ = std::min(kWindowSize, have_ + n);
}

// The 16-bit part of a chunk, its markers replaced here, into the writer's buffers: where
// the output so far is shorter than the window (a marker may then name a byte before the
// member's start, a distance too far back: corrupt data), or with an unthreaded writer.
void ParallelMember::replace_here(Job& job) {
  const Chunk& c = job.chunk;
  const uint16_t* w = c.wide.data.get() + kWindowSize;
  const size_t lowest = kWindowSize - have_;
  // Markers name bytes of the window as it was before the chunk; it slides as pieces go.
  job.prior = window_;
  for (size_t done = 0; done < c.wide_len;) {
    OutBuffer& buf = sink_.acquire();
    const size_t piece = std::min(c.wide_len - done, buf.size());
    for (size_t i = 0; i < piece; ++i) {
      const uint16_t sym = w[done + i];
      if ((sym & kMarker) && (sym & (kMarker - 1)) < lowest) corrupt(kFormatViolated);
      buf[i] = resolved(sym, job.prior);
    }
    account(buf.data(), piece);
    sink_.submit(piece);
    done += piece;
  }
}

// Writes a verified chunk. Its 16-bit part: only its last 32 KiB get their markers
// replaced here, for the window of what follows; a worker replaces the rest in place
// (replace_markers) while this thread goes on, and the writer waits for that. Its byte
// part, which the worker checksummed, goes from the chunk's own buffer. No copy either
// way. Returns true when the job must stay out of use until written (`writing_`).
bool ParallelMember::emit_chunk(Job& job) {
  const Chunk& c = job.chunk;
  bool kept = false;
  if (c.wide_len && (have_ < kWindowSize || !sink_.threaded())) {
    replace_here(job);
  } else if (c.wide_len) {
    const uint16_t* w = c.wide.data.get() + kWindowSize;
    const size_t tail = std::min(c.wide_len, kWindowSize);
    uint8_t last[kWindowSize];
    for (size_t i = 0; i < tail; ++i) last[i] = resolved(w[c.wide_len - tail + i], window_);
    job.prior = window_;
    slide_window(last, tail);
    job.crc_piece = pieces_.size();
    add_crc(0, c.wide_len);  // its CRC comes with release()
    job.replace = true;
    // Open to a claim only once all of the above is set, `replaced` included.
    job.replaced.store(false, std::memory_order_relaxed);
    job.claimed.store(false, std::memory_order_release);
    job.ticket = sink_.submit_external(reinterpret_cast<const uint8_t*>(w), c.wide_len, &job.replaced);
    todo_.push_front({&job, true});  // before the chunks waiting to be decoded: the writer waits for it
    kept = true;
  }
  end_bit_ = c.end_bit;
  if (c.narrow_len) {
    const uint8_t* bytes = c.narrow.data.get() + kWindowSize;
    add_crc(job.narrow_crc, c.narrow_len);
    slide_window(bytes, c.narrow_len);
    job.ticket = sink_.submit_external(bytes, c.narrow_len);
    kept = true;
  }
  return kept;
}

// A job whose bytes are written: idle again, its replaced part's CRC in its place.
void ParallelMember::release(Job* job) {
  if (job->replace) pieces_[job->crc_piece].crc = job->wide_crc;
  job->replace = false;
  idle_.push_back(job);
}

// Decodes with ISA-L and the known window: from end_bit_, or on from where the last call
// stopped if that was not at a block boundary (`sequential_` then). It stops at `target`
// when the stream has a block boundary there (landed), after the final block, or, when
// the target is passed otherwise, once fed up to it (missed: the next chunk's start is the
// next aim). Input is consumed only up to where ISA-L stands (its bit buffer and a header
// it set aside are before what it was fed), so that bits_at() can read the bytes there.
ParallelMember::RedoEnd ParallelMember::redo(const SpanStart* target, uint64_t feed_limit) {
  if (!sequential_) {
    consume_to(end_bit_ / 8);
    in_.ensure(1);
    const uint8_t* p =
        isal_.begin(in_.data(), in_.size(), end_bit_ - rel() * 8, window_.data() + kWindowSize - have_, have_);
    if (!p) corrupt("unexpected end of file");
    fed_ = rel() + static_cast<uint64_t>(p - in_.data());
    sequential_ = true;
  }
  const uint64_t limit = target ? feed_end_byte(*target) : feed_limit;
  bool full = false;  // the last call filled its output buffer: ISA-L may hold more
  for (;;) {
    if (fed_ >= limit && !full) {
      // Fed up to the target: decoding must wait exactly there.
      const uint64_t at = isal_.position(fed_ * 8);
      if (target && fed_ == limit && isal_.between_blocks() && matches(*target, at, bits_at(at))) {
        end_bit_ = at;
        sequential_ = false;
        return RedoEnd::landed;
      }
      return RedoEnd::missed;
    }
    if (fed_ < limit && fed_ - rel() == in_.size() && !in_.refill()) corrupt("unexpected end of file");
    const size_t avail =
        fed_ < limit ? static_cast<size_t>(std::min<uint64_t>(in_.size() - (fed_ - rel()), limit - fed_)) : 0;
    OutBuffer& buf = sink_.acquire();
    const int ret = isal_.feed(in_.data() + (fed_ - rel()), avail, buf.data(), buf.size());
    fed_ += isal_.consumed();
    account(buf.data(), isal_.produced());
    sink_.submit(isal_.produced());
    full = isal_.produced() == buf.size();
    consume_to(isal_.position(fed_ * 8) / 8);
    if (ret < 0) corrupt(kFormatViolated);
    if (isal_.finished()) {
      end_bit_ = isal_.position(fed_ * 8);
      sequential_ = false;
      return RedoEnd::final_block;
    }
  }
}

// Where the output stands in the stream: the verified boundary, or ISA-L's position while
// it is between two.
uint64_t ParallelMember::position() const { return sequential_ ? isal_.position(fed_ * 8) : end_bit_; }

namespace {
using Clock = std::chrono::steady_clock;
// Adds the seconds since `start` to `total` when the scope ends.
struct Timed {
  double& total;
  Clock::time_point start = Clock::now();
  ~Timed() { total += std::chrono::duration<double>(Clock::now() - start).count(); }
};
}  // namespace

MemberCheck ParallelMember::run() {
  // Chunk 0 is decoded here, by ISA-L from the member's start: a member that ends within
  // its first MiB needs no worker at all (members of a multi-member file often do), and a
  // longer one goes on from there towards chunk 1's start while the workers take chunks 1,
  // 2, ... (a worker never takes chunk 0, whose window is known anyway).
  const auto t0 = Clock::now();
  bool final = false;
  {
    Timed t{t_redo_};
    final = redo(nullptr, std::min<uint64_t>(chunk_bytes_, size_t(1) << 20)) == RedoEnd::final_block;
  }
  if (!final) {
    if (too_dense()) {
      // Decoded here to the end, by ISA-L alone.
      Timed t{t_redo_};
      redo(nullptr);
      final = true;
    } else {
      Timed t{t_start_};
      fit_chunks_to_ratio();
      start_workers();
    }
  }
  next_seq_ = 1;
  for (uint64_t seq = 1; !final; ++seq) {
    {
      Timed t{t_schedule_};
      schedule();
    }
    if (seq == next_seq_) {
      // No chunk left (the input ended before the final block): decode to the end.
      Timed t{t_redo_};
      redo(nullptr);
      break;
    }
    std::optional<Job*> slot;
    {
      Timed t{t_wait_};
      // Before waiting for the next chunk: replace markers that no worker has begun.
      if (!done_.ready_next())
        for (Job* job : writing_)
          if (job->replace) replace_markers(*job);
      slot = done_.take_next();
    }
    if (!slot) break;
    Job* job = *slot;
    --inflight_;
    const Chunk& chunk = job->chunk;
    if (job->req.last) input_done_ = true;  // known only now where workers read the input
    bool used = false, kept = false;
    if (chunk.ok) {
      bool at_start = !sequential_ && matches(chunk.start, end_bit_, bits_at(end_bit_));
      // A start beyond where the output stands: decode up to it, and see whether the
      // stream stops there at a block boundary.
      if (!at_start && chunk.start.earliest() > position()) {
        Timed t{t_redo_};
        const RedoEnd r = redo(&chunk.start);
        at_start = r == RedoEnd::landed;
        final = r == RedoEnd::final_block;
      }
      if (at_start) {
        Timed t{t_emit_};
        kept = emit_chunk(*job);
        final = chunk.final;
        used = true;
        ++stats_used_;
      }
    }
    if (!used && !final && chunk.has_target && chunk.target.earliest() > position()) {
      // Decode this stretch here, up to where the next chunk should start. (Without a
      // target, the next chunk's start is the aim, above, once it is in.)
      Timed t{t_redo_};
      final = redo(&chunk.target) == RedoEnd::final_block;
    }
    (kept ? writing_ : idle_).push_back(job);
    Timed t{t_skip_};
    if (!sequential_) consume_to(end_bit_ / 8);
  }
  errors_.rethrow();
  {
    Timed t{t_drain_};
    consume_to((end_bit_ + 7) / 8);
    // Every replaced part's CRC is in once everything is written.
    if (!writing_.empty()) sink_.written(writing_.back()->ticket, true);
    for (Job* job : writing_) release(job);
    writing_.clear();
  }
  MemberCheck check;
  for (const CrcPiece& p : pieces_) {
    check.crc = crc32_combine(check.crc, p.crc, p.len);
    check.size += p.len;
  }
  if (std::getenv("RIGZ_SPECULATE_STATS")) {
    // The process's CPU so far beside the calling thread's wall time: system time is
    // mostly the first touch of chunk buffers (docs/design.md).
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    std::fprintf(stderr,
                 "rigz: speculative member: %llu chunks of %llu KiB, %llu used; calling thread %.3f s: redo %.3f, "
                 "schedule %.3f, wait %.3f, emit %.3f, start %.3f, skip %.3f, drain %.3f; process so far: user "
                 "%.3f s, system %.3f s, %ld minor faults\n",
                 (unsigned long long)next_seq_, (unsigned long long)(chunk_bytes_ >> 10),
                 (unsigned long long)stats_used_, std::chrono::duration<double>(Clock::now() - t0).count(), t_redo_,
                 t_schedule_, t_wait_, t_emit_, t_start_, t_skip_, t_drain_,
                 ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6, ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6,
                 ru.ru_minflt);
  }
  return check;
}

}  // namespace

namespace {
SpeculateConfig config_from_env() {
  SpeculateConfig c;
  const char* mode = std::getenv("RIGZ_SPECULATE");
  if (mode && std::string(mode) == "off") c.enabled = false;
  if (mode && std::string(mode) == "on") {
    c.min_threads = 2;
    c.cap_at_cpus = false;
  }
  if (mode && std::string(mode) == "force") {
    c.min_threads = 1;
    c.cap_at_cpus = false;
    c.any_size = true;
    c.chunk_bytes = size_t(32) << 10;
  }
  if (const char* chunk = std::getenv("RIGZ_SPECULATE_CHUNK")) {
    const long long n = std::atoll(chunk);
    if (n >= 1024) c.chunk_bytes = static_cast<size_t>(n);
  }
  return c;
}
SpeculateConfig& config() {
  static SpeculateConfig cfg = config_from_env();
  return cfg;
}
}  // namespace

const SpeculateConfig& speculate_config() { return config(); }
void set_speculate_config(const SpeculateConfig& cfg) { config() = cfg; }

// The CPUs this process may run on (taskset and cgroup cpusets included).
unsigned usable_cpus() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return static_cast<unsigned>(CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

// The threads that count: only those with a CPU to run on, unless configured otherwise.
static unsigned effective_threads(const SpeculateConfig& cfg, unsigned threads) {
  return std::max(1u, cfg.cap_at_cpus ? std::min(threads, usable_cpus()) : threads);
}

size_t chunk_bytes_for(const SpeculateConfig& cfg, unsigned threads) {
  if (cfg.chunk_bytes) return cfg.chunk_bytes;
  return threads >= 12 ? size_t(2) << 20 : size_t(4) << 20;
}

bool may_use_parallel(unsigned threads) {
  const SpeculateConfig& cfg = speculate_config();
  return cfg.enabled && effective_threads(cfg, threads) >= cfg.min_threads;
}

bool use_parallel_member(InputWindow& in, unsigned threads) {
  const SpeculateConfig& cfg = speculate_config();
  if (!may_use_parallel(threads)) return false;
  threads = effective_threads(cfg, threads);
  if (cfg.any_size) return true;
  return in.ensure(2 * chunk_bytes_for(cfg, threads));
}

MemberCheck inflate_member_parallel(InputWindow& in, BufferedWriter& sink, unsigned threads) {
  return ParallelMember(in, sink, effective_threads(speculate_config(), threads)).run();
}

}  // namespace rigz::spec
