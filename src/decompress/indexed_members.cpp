#include "decompress/indexed_members.h"

#include <isa-l/igzip_lib.h>
#include <unistd.h>

#include <algorithm>
#include <exception>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include "compress/work_queue.h"
#include "format/crc32.h"
#include "io/error.h"

namespace rigz {
namespace {

// Larger members, or members that claim to inflate to more, are left to the streaming
// path: a header's sizes are never trusted for an allocation beyond these. Nor beyond
// what deflate can reach: at most 258 bytes for every 2 bits, 1032:1.
constexpr uint32_t kMaxMemberSize = 64u << 20;
constexpr uint32_t kMaxMemberOutput = 64u << 20;
constexpr uint64_t kMaxDeflateRatio = 1032;

uint32_t le32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

struct MemberJob {
  uint64_t seq = 0;
  bool end = false;          // marks the end of the run for the writer
  bool holds_input = false;  // the member was taken from the input and not yet written out
  // The member's bytes: where the input holds them in place (InputWindow::in_place, a
  // mapped file), or a copy in `copy`.
  const uint8_t* in = nullptr;
  size_t in_size = 0;
  std::vector<uint8_t> copy;
  size_t header_len = 0;
  std::vector<uint8_t> out;
  uint32_t out_len = 0;
  // After inflating: nullptr (good), a gzip error for a member whose deflate data and
  // size agree but whose trailer does not, or kInconsistent.
  const char* error = nullptr;
  GzipHeader header;
};

// The member is not what its index says (wrong size, output beyond ISIZE, bad deflate
// data): the streaming path takes it over and gives the verdict.
const char* const kInconsistent = "inconsistent";

class MemberDecoder {
 public:
  MemberDecoder(OutputStream& out, unsigned threads, DecompressResult& res)
      : out_(out), threads_(threads), res_(res), free_(2 * threads + 2), todo_(2 * threads + 2) {
    for (unsigned i = 0; i < 2 * threads + 2; ++i) {
      jobs_.push_back(std::make_unique<MemberJob>());
      free_.push(jobs_.back().get());
    }
  }

  void run(InputWindow& in) {
    std::vector<std::thread> threads;
    for (unsigned i = 0; i < threads_; ++i) threads.emplace_back([this] { guarded([this] { work(); }); });
    threads.emplace_back([this] { guarded([this] { write(); }); });
    guarded([&] { read(in); });
    todo_.close();
    for (auto& t : threads) t.join();
    first_error_.rethrow();
    hand_back(in);
  }

 private:
  template <class F>
  void guarded(F&& f) {
    first_error_.run(f, [this] {
      free_.close();
      todo_.close();
      done_.close();
    });
  }

  void read(InputWindow& in) {
    uint64_t seq = 0;
    for (;; ++seq) {
      GzipHeader h;
      size_t header_len = 0;
      HeaderStatus st = HeaderStatus::need_more;
      while ((st = parse_gzip_header(in.data(), in.size(), h, header_len)) == HeaderStatus::need_more &&
             in.size() < kMaxMemberSize && in.refill()) {
      }
      if (st != HeaderStatus::ok) break;
      auto size = indexed_member_size(h);
      if (!size || *size < header_len + 8 || *size > kMaxMemberSize || !in.ensure(*size)) break;
      const uint32_t isize = le32(in.data() + *size - 4);
      if (isize > kMaxMemberOutput || isize > (*size - header_len) * kMaxDeflateRatio) break;
      auto slot = free_.pop();
      if (!slot) return;
      MemberJob* job = *slot;
      job->seq = seq;
      if (in.in_place()) {
        job->in = in.data();
      } else {
        job->copy.assign(in.data(), in.data() + *size);
        job->in = job->copy.data();
      }
      job->in_size = *size;
      job->holds_input = true;
      job->header_len = header_len;
      job->out_len = isize;
      job->header = std::move(h);
      in.consume(*size);
      if (!todo_.push(job)) return;
    }
    auto slot = free_.pop();
    if (!slot) return;
    (*slot)->seq = seq;
    (*slot)->end = true;
    done_.put(seq, *slot);
  }

  void work() {
    auto state = std::make_unique<inflate_state>();
    while (auto slot = todo_.pop()) {
      MemberJob* job = *slot;
      if (job->out.size() < job->out_len) job->out.resize(job->out_len);
      isal_inflate_init(state.get());
      state->crc_flag = ISAL_GZIP_NO_HDR;
      state->next_in = const_cast<uint8_t*>(job->in) + job->header_len;
      state->avail_in = static_cast<uint32_t>(job->in_size - job->header_len);
      state->next_out = job->out.data();
      state->avail_out = job->out_len;
      const int ret = isal_inflate_stateless(state.get());
      // The bytes after the deflate data, some of them possibly in ISA-L's bit buffer,
      // must be exactly the trailer.
      const size_t left = state->avail_in + static_cast<size_t>(state->read_in_length / 8);
      const uint8_t* trailer = job->in + job->in_size - kGzipTrailerSize;
      job->error = nullptr;
      if (ret != ISAL_DECOMP_OK || left != kGzipTrailerSize)
        job->error = kInconsistent;
      else if (le32(trailer) != state->crc)
        job->error = "invalid compressed data--crc error";
      else if (le32(trailer + 4) != state->total_out)
        job->error = "invalid compressed data--length error";
      done_.put(job->seq, job);
    }
  }

  void write() {
    while (auto slot = done_.take_next()) {
      MemberJob* job = *slot;
      if (job->end) return;
      if (job->error == kInconsistent) {
        // Stop the run; hand_back() returns this member and those after it to the input.
        free_.close();
        todo_.close();
        return;
      }
      // A member whose trailer disagrees is written before its error is raised, as the
      // streaming path (and gzip, and pigz) write what they inflated: the same output for
      // every thread count, for `-dc` to salvage.
      out_.write(job->out.data(), job->out_len);
      if (job->error) throw Error(Error::Kind::data, job->error);
      job->holds_input = false;
      if (res_.members == 0) res_.first_header = job->header;
      res_.out_bytes += job->out_len;
      ++res_.members;
      res_.last_member_size = job->out_len;
      res_.last_member_crc = le32(job->in + job->in_size - kGzipTrailerSize);
      free_.push(job);
    }
  }

  // Puts the members that were read but not written back in front of the input, in
  // order, for the streaming path.
  void hand_back(InputWindow& in) {
    std::vector<MemberJob*> held;
    for (auto& job : jobs_)
      if (job->holds_input) held.push_back(job.get());
    std::sort(held.begin(), held.end(), [](MemberJob* a, MemberJob* b) { return a->seq > b->seq; });
    for (MemberJob* job : held) in.unread(job->in, job->in_size);
  }

  OutputStream& out_;
  unsigned threads_;
  DecompressResult& res_;
  std::vector<std::unique_ptr<MemberJob>> jobs_;
  BoundedQueue<MemberJob*> free_, todo_;
  ReorderBuffer<MemberJob*> done_;
  FirstError first_error_;
};

}  // namespace

std::optional<uint32_t> indexed_member_size(const GzipHeader& h) {
  if (!h.has_extra) return std::nullopt;
  const auto& x = h.extra;
  for (size_t i = 0; i + 4 <= x.size();) {
    const size_t len = x[i + 2] | size_t(x[i + 3]) << 8;
    if (i + 4 + len > x.size()) break;
    if (x[i] == 'R' && x[i + 1] == 'Z' && len == 4) return le32(&x[i + 4]);
    if (x[i] == 'B' && x[i + 1] == 'C' && len == 2) return (x[i + 4] | uint32_t(x[i + 5]) << 8) + 1;
    i += 4 + len;
  }
  return std::nullopt;
}

void decompress_indexed_members(InputWindow& in, OutputStream& out, unsigned threads, DecompressResult& res) {
  MemberDecoder(out, threads, res).run(in);
}

bool front_member_indexed(InputWindow& in) {
  GzipHeader h;
  size_t header_len = 0;
  HeaderStatus st = HeaderStatus::need_more;
  while ((st = parse_gzip_header(in.data(), in.size(), h, header_len)) == HeaderStatus::need_more &&
         in.size() < kMaxMemberSize && in.refill()) {
  }
  return st == HeaderStatus::ok && indexed_member_size(h).has_value();
}

}  // namespace rigz

namespace rigz {

std::optional<IndexedSummary> summarize_indexed_file(int fd, uint64_t file_size) {
  IndexedSummary s;
  std::vector<uint8_t> buf(1 << 16);
  for (uint64_t pos = 0; pos < file_size;) {
    ssize_t n = pread(fd, buf.data(), buf.size(), static_cast<off_t>(pos));
    if (n <= 0) return std::nullopt;
    GzipHeader h;
    size_t header_len = 0;
    if (parse_gzip_header(buf.data(), static_cast<size_t>(n), h, header_len) != HeaderStatus::ok) {
      if (pos == 0) return std::nullopt;
      // Only zeros may follow the last member, as gzip allows.
      for (;;) {
        if (std::any_of(buf.begin(), buf.begin() + n, [](uint8_t b) { return b != 0; })) return std::nullopt;
        pos += static_cast<uint64_t>(n);
        if (pos >= file_size) return s;
        n = pread(fd, buf.data(), buf.size(), static_cast<off_t>(pos));
        if (n <= 0) return std::nullopt;
      }
    }
    auto size = indexed_member_size(h);
    if (!size || *size < header_len + 8 || *size > file_size - pos) return std::nullopt;
    uint8_t trailer[8];
    if (pread(fd, trailer, 8, static_cast<off_t>(pos + *size - 8)) != 8) return std::nullopt;
    const uint32_t isize = le32(trailer + 4);
    s.crc = crc32_combine(s.crc, le32(trailer), isize);
    s.uncompressed += isize;
    s.overhead += header_len + 8;
    ++s.members;
    pos += *size;
  }
  return s;
}

}  // namespace rigz
