// Member loop over ISA-L's inflate. rigz parses each gzip header itself (ISA-L's parser
// would hide the multi-member and trailing-data rules) and lets ISA-L inflate the raw
// deflate data while it computes and checks the CRC-32 and ISIZE of the trailer
// (ISAL_GZIP_NO_HDR_VER).
#include "decompress/decompress.h"

#include <isa-l/igzip_lib.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include "io/error.h"

namespace rigz {
namespace {

constexpr size_t kInBufSize = size_t(1) << 20;
constexpr size_t kOutBufSize = size_t(1) << 20;

// Input with a window that can be refilled while keeping unconsumed bytes.
class Reader {
 public:
  explicit Reader(InputStream& in) : in_(in), buf_(kInBufSize) {}
  const uint8_t* data() const { return buf_.data() + pos_; }
  size_t size() const { return end_ - pos_; }
  bool eof() const { return eof_; }
  void consume(size_t n) {
    pos_ += n;
    consumed_ += n;
  }
  uint64_t consumed() const { return consumed_; }
  // Reads more; keeps the unconsumed bytes (and grows the buffer if they fill it, for
  // headers with long fields). Returns false at end of input.
  bool refill() {
    if (eof_) return false;
    if (pos_ > 0) {
      std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
      end_ -= pos_;
      pos_ = 0;
    }
    if (end_ == buf_.size()) buf_.resize(buf_.size() * 2);
    size_t got = in_.read(buf_.data() + end_, buf_.size() - end_);
    if (got == 0) eof_ = true;
    end_ += got;
    return got > 0;
  }

 private:
  InputStream& in_;
  std::vector<uint8_t> buf_;
  size_t pos_ = 0, end_ = 0;
  uint64_t consumed_ = 0;
  bool eof_ = false;
};

[[noreturn]] void corrupt(const char* why) { throw Error(Error::Kind::data, why); }

// Header of the next member; false if the input ended cleanly before one started.
enum class Next { member, end, garbage };
Next read_header(Reader& r, GzipHeader& h, bool first) {
  for (;;) {
    size_t used = 0;
    HeaderStatus st = parse_gzip_header(r.data(), r.size(), h, used);
    if (st == HeaderStatus::ok) {
      r.consume(used);
      return Next::member;
    }
    if (st == HeaderStatus::need_more) {
      if (r.refill()) continue;
      if (r.size() == 0 && !first) return Next::end;
      if (first && r.size() < 2) corrupt(r.size() == 0 ? "unexpected end of file" : "not in gzip format");
      if (!first) return Next::garbage;
      corrupt("unexpected end of file");
    }
    if (!first) return Next::garbage;
    switch (st) {
      case HeaderStatus::bad_magic: corrupt("not in gzip format");
      case HeaderStatus::bad_method: corrupt("unknown method -- not supported");
      case HeaderStatus::bad_flags: corrupt("has flags 0x%x -- not supported");
      case HeaderStatus::bad_hcrc: corrupt("invalid compressed data--header crc error");
      default: corrupt("invalid header");
    }
  }
}

// Trailing data after a member: zeros are ignored as gzip does; anything else is garbage.
bool only_zeros(Reader& r) {
  for (;;) {
    if (std::any_of(r.data(), r.data() + r.size(), [](uint8_t b) { return b != 0; })) return false;
    r.consume(r.size());
    if (!r.refill()) return true;
  }
}

}  // namespace

DecompressResult decompress_gzip(InputStream& in, OutputStream& out, const DecompressOptions& opts) {
  DecompressResult res;
  Reader r(in);
  auto state = std::make_unique<inflate_state>();
  std::vector<uint8_t> outbuf(kOutBufSize);
  r.refill();
  if (opts.pass_through && (r.size() < 2 || r.data()[0] != 0x1f || r.data()[1] != 0x8b)) {
    res.passed_through = true;
    do {
      out.write(r.data(), r.size());
      res.out_bytes += r.size();
      r.consume(r.size());
    } while (r.refill());
    res.in_bytes = r.consumed();
    return res;
  }
  for (bool first = true;; first = false) {
    GzipHeader h;
    Next next = read_header(r, h, first);
    if (next == Next::end) break;
    if (next == Next::garbage) {
      res.trailing_garbage = !only_zeros(r);
      break;
    }
    if (first) res.first_header = h;
    isal_inflate_init(state.get());
    state->crc_flag = ISAL_GZIP_NO_HDR_VER;
    for (;;) {
      if (r.size() == 0 && !r.refill()) corrupt("unexpected end of file");
      state->next_in = const_cast<uint8_t*>(r.data());
      state->avail_in = static_cast<uint32_t>(std::min<size_t>(r.size(), UINT32_MAX));
      state->next_out = outbuf.data();
      state->avail_out = static_cast<uint32_t>(outbuf.size());
      int ret = isal_inflate(state.get());
      r.consume(static_cast<size_t>(state->next_in - r.data()));
      size_t produced = outbuf.size() - state->avail_out;
      if (ret == ISAL_INCORRECT_CHECKSUM) corrupt("invalid compressed data--crc error");
      if (ret < 0) corrupt("invalid compressed data--format violated");
      if (produced) {
        out.write(outbuf.data(), produced);
        res.out_bytes += produced;
      }
      if (state->block_state == ISAL_BLOCK_FINISH) break;
    }
    ++res.members;
  }
  res.in_bytes = r.consumed();
  return res;
}

}  // namespace rigz
