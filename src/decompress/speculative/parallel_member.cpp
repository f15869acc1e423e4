#include "decompress/speculative/parallel_member.h"

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "compress/work_queue.h"
#include "decompress/speculative/chunk_decoder.h"
#include "decompress/speculative/isal_span.h"
#include "format/crc32.h"
#include "io/error.h"

namespace rigz::spec {
namespace {

[[noreturn]] void corrupt(const char* why) { throw Error(Error::Kind::data, why); }
constexpr const char* kFormatViolated = "invalid compressed data--format violated";

struct Job {
  uint64_t seq = 0;
  std::vector<uint8_t> input;
  ChunkRequest req;
  Chunk chunk;
};

class ParallelMember {
 public:
  ParallelMember(InputWindow& in, BufferedWriter& sink, unsigned threads)
      : in_(in),
        sink_(sink),
        cfg_(speculate_config()),
        base_(in.consumed()),
        max_inflight_(2 * threads),
        threads_(threads),
        todo_(2 * threads),
        free_(2 * threads) {}
  ~ParallelMember() {
    stop();
    for (auto& t : workers_) t.join();
  }

  MemberCheck run();

 private:
  void stop() {
    cancel_ = true;
    todo_.close();
    done_.close();
    free_.close();
  }
  // Jobs and workers, made only once a member has proven long enough to need them.
  void start_workers() {
    for (unsigned i = 0; i < max_inflight_; ++i) {
      jobs_.push_back(std::make_unique<Job>());
      free_.push(jobs_.back().get());
    }
    for (unsigned i = 0; i < threads_; ++i)
      workers_.emplace_back([this] { errors_.run([this] { work(); }, [this] { stop(); }); });
  }
  void work() {
    ChunkDecoder decoder;
    while (auto job = todo_.pop()) {
      decoder.decode((*job)->req, (*job)->chunk);
      done_.put((*job)->seq - 1, *job);  // chunk 1 is the first scheduled (see run())
    }
  }

  uint64_t rel() const { return in_.consumed() - base_; }  // member offset of in_.data()
  void consume_to(uint64_t byte) {
    if (byte > rel()) in_.consume(static_cast<size_t>(byte - rel()));
  }
  void schedule();
  uint64_t bits_at(uint64_t bit);
  void emit(const uint8_t* data, size_t n);
  void account(const uint8_t* data, size_t n);  // CRC, size and window of output
  void emit_chunk(const Chunk& c);
  enum class RedoEnd { landed, final_block, missed };
  RedoEnd redo(const SpanStart* target, uint64_t feed_limit = UINT64_MAX);
  uint64_t position() const;

  InputWindow& in_;
  BufferedWriter& sink_;
  const SpeculateConfig& cfg_;
  const uint64_t base_;
  const unsigned max_inflight_;
  const unsigned threads_;
  std::vector<std::unique_ptr<Job>> jobs_;
  BoundedQueue<Job*> todo_, free_;
  ReorderBuffer<Job*> done_;
  std::vector<std::thread> workers_;
  FirstError errors_;
  std::atomic<bool> cancel_{false};

  uint64_t next_seq_ = 0;
  uint64_t stats_used_ = 0;
  unsigned inflight_ = 0;
  bool input_done_ = false;  // a chunk reaching the end of input was scheduled

  uint64_t end_bit_ = 0;  // the verified block boundary the output has reached
  MemberCheck check_;
  std::vector<uint8_t> window_ = std::vector<uint8_t>(kWindowSize);  // last `have_` bytes valid
  size_t have_ = 0;
  std::vector<uint8_t> resolved_;
  IsalSpan isal_;
  bool sequential_ = false;  // ISA-L is between block boundaries (see redo())
  uint64_t fed_ = 0;         // member offset of the next byte for ISA-L
};

// Hands chunks to the workers while fewer than max_inflight_ are out. Chunk k looks for a
// start from byte k * chunk_bytes and ends at the first block boundary at or past byte
// (k + 1) * chunk_bytes; it gets its input up to twice the chunk size (a block that runs
// further makes it give up, and the sequential decoder covers it).
void ParallelMember::schedule() {
  const uint64_t c = cfg_.chunk_bytes;
  while (inflight_ < max_inflight_ && !input_done_) {
    auto slot = free_.pop();
    if (!slot) return;
    Job* job = *slot;
    const uint64_t seq = next_seq_++;
    const uint64_t lo = std::max(seq * c, rel());
    uint64_t hi = seq * c + 2 * c;
    bool last = false;
    if (!in_.ensure(static_cast<size_t>(hi > rel() ? hi - rel() : 0))) {
      hi = rel() + in_.size();
      last = true;
      input_done_ = true;
    }
    job->seq = seq;
    job->input.assign(in_.data() + (lo - rel()), in_.data() + (std::max(lo, hi) - rel()));
    ChunkRequest& r = job->req;
    r.in = job->input.data();
    r.size = job->input.size();
    r.last = last;
    r.base_bit = lo * 8;
    r.from_bit = lo * 8;
    r.known_start = seq == 0;
    r.stop_bit = (seq + 1) * c * 8;
    r.max_output = cfg_.max_chunk_output;
    r.cancel = &cancel_;
    ++inflight_;
    if (!todo_.push(job)) return;
  }
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

void ParallelMember::emit(const uint8_t* data, size_t n) {
  account(data, n);
  while (n > 0) {
    std::vector<uint8_t>& buf = sink_.acquire();
    const size_t piece = std::min(n, buf.size());
    std::memcpy(buf.data(), data, piece);
    sink_.submit(piece);
    data += piece;
    n -= piece;
  }
}

void ParallelMember::account(const uint8_t* data, size_t n) {
  if (n == 0) return;
  check_.crc = crc32_update(check_.crc, data, n);
  check_.size += n;
  if (n >= kWindowSize) {
    std::memcpy(window_.data(), data + n - kWindowSize, kWindowSize);
  } else {
    std::memmove(window_.data(), window_.data() + n, kWindowSize - n);
    std::memcpy(window_.data() + kWindowSize - n, data, n);
  }
  have_ = std::min(kWindowSize, have_ + n);
}

// Replaces the markers of a verified chunk with the window's bytes. A marker before the
// start of the output is a distance too far back: the data is corrupt.
void ParallelMember::emit_chunk(const Chunk& c) {
  resolved_.resize(c.wide_len);
  const uint16_t* w = c.wide_len ? c.wide.data.get() + kWindowSize : nullptr;
  const size_t lowest = kWindowSize - have_;
  for (size_t i = 0; i < c.wide_len; ++i) {
    const uint16_t s = w[i];
    if (s & kMarker) {
      const size_t idx = s & (kMarker - 1);
      if (idx < lowest) corrupt(kFormatViolated);
      resolved_[i] = window_[idx];
    } else {
      resolved_[i] = static_cast<uint8_t>(s);
    }
  }
  emit(resolved_.data(), resolved_.size());
  if (c.narrow_len) emit(c.narrow.data.get() + kWindowSize, c.narrow_len);
  end_bit_ = c.end_bit;
}

// Decodes with ISA-L and the known window: from end_bit_, or on from where the last call
// stopped if that was not at a block boundary (`sequential_` then). It stops at `target`
// when the stream has a block boundary there (landed), after the final block, or, when
// the target is passed otherwise, once fed up to it (missed: the next chunk's start is the
// next aim). Input is consumed only up to 16 bytes behind what ISA-L was fed, so that the
// bytes its bit buffer holds stay readable.
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
    std::vector<uint8_t>& buf = sink_.acquire();
    const int ret = isal_.feed(in_.data() + (fed_ - rel()), avail, buf.data(), buf.size());
    fed_ += isal_.consumed();
    account(buf.data(), isal_.produced());
    sink_.submit(isal_.produced());
    full = isal_.produced() == buf.size();
    if (fed_ > 16) consume_to(fed_ - 16);
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

MemberCheck ParallelMember::run() {
  // Chunk 0 is decoded here, by ISA-L from the member's start: a member that ends within
  // its first MiB needs no worker at all (members of a multi-member file often do), and a
  // longer one goes on from there towards chunk 1's start while the workers take chunks 1,
  // 2, ... (a worker never takes chunk 0, whose window is known anyway).
  bool final = redo(nullptr, std::min<uint64_t>(cfg_.chunk_bytes, size_t(1) << 20)) == RedoEnd::final_block;
  if (!final) start_workers();
  next_seq_ = 1;
  for (uint64_t seq = 1; !final; ++seq) {
    schedule();
    if (seq == next_seq_) {
      // No chunk left (the input ended before the final block): decode to the end.
      redo(nullptr);
      break;
    }
    auto slot = done_.take_next();
    if (!slot) break;
    Job* job = *slot;
    --inflight_;
    const Chunk& chunk = job->chunk;
    bool used = false;
    if (chunk.ok) {
      bool at_start = !sequential_ && matches(chunk.start, end_bit_, bits_at(end_bit_));
      // A start beyond where the output stands: decode up to it, and see whether the
      // stream stops there at a block boundary.
      if (!at_start && chunk.start.earliest() > position()) {
        const RedoEnd r = redo(&chunk.start);
        at_start = r == RedoEnd::landed;
        final = r == RedoEnd::final_block;
      }
      if (at_start) {
        emit_chunk(chunk);
        final = chunk.final;
        used = true;
        ++stats_used_;
      }
    }
    if (!used && !final && chunk.has_target && chunk.target.earliest() > position()) {
      // Decode this stretch here, up to where the next chunk should start. (Without a
      // target, the next chunk's start is the aim, above, once it is in.)
      final = redo(&chunk.target) == RedoEnd::final_block;
    }
    free_.push(job);
    if (!sequential_) consume_to(end_bit_ / 8);
  }
  errors_.rethrow();
  consume_to((end_bit_ + 7) / 8);
  if (std::getenv("RIGZ_SPECULATE_STATS"))
    std::fprintf(stderr, "rigz: speculative member: %llu chunks, %llu used\n", (unsigned long long)next_seq_,
                 (unsigned long long)stats_used_);
  return check_;
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

bool use_parallel_member(InputWindow& in, unsigned threads) {
  const SpeculateConfig& cfg = speculate_config();
  if (cfg.cap_at_cpus) threads = std::min(threads, usable_cpus());
  if (!cfg.enabled || threads < cfg.min_threads) return false;
  if (cfg.any_size) return true;
  return in.ensure(2 * cfg.chunk_bytes);
}

MemberCheck inflate_member_parallel(InputWindow& in, BufferedWriter& sink, unsigned threads) {
  return ParallelMember(in, sink, std::max(1u, threads)).run();
}

}  // namespace rigz::spec
