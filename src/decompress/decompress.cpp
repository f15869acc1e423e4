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

#include "decompress/indexed_members.h"
#include "decompress/input_window.h"
#include "io/buffered_writer.h"
#include "io/error.h"

namespace rigz {
namespace {

constexpr size_t kInBufSize = size_t(1) << 20;
constexpr size_t kOutBufSize = size_t(1) << 20;

[[noreturn]] void corrupt(const char* why) { throw Error(Error::Kind::data, why); }

// Header of the next member; false if the input ended cleanly before one started.
enum class Next { member, end, garbage };
Next read_header(InputWindow& r, GzipHeader& h, bool first) {
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
      case HeaderStatus::bad_magic:
        corrupt("not in gzip format");
      case HeaderStatus::bad_method:
        corrupt("unknown method -- not supported");
      case HeaderStatus::bad_flags:
        corrupt("has flags 0x%x -- not supported");
      case HeaderStatus::bad_hcrc:
        corrupt("invalid compressed data--header crc error");
      default:
        corrupt("invalid header");
    }
  }
}

// Trailing data after a member: zeros are ignored as gzip does; anything else is garbage.
bool only_zeros(InputWindow& r) {
  for (;;) {
    if (std::any_of(r.data(), r.data() + r.size(), [](uint8_t b) { return b != 0; })) return false;
    r.consume(r.size());
    if (!r.refill()) return true;
  }
}

}  // namespace

DecompressResult decompress_gzip(InputStream& in, OutputStream& out, const DecompressOptions& opts) {
  DecompressResult res;
  InputWindow r(in, kInBufSize);
  auto state = std::make_unique<inflate_state>();
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
  // With a thread to spare, write() runs beside the inflating.
  BufferedWriter sink(out, kOutBufSize, opts.threads > 1);
  for (bool first = true;; first = false) {
    if (opts.threads > 1) {
      sink.flush();
      const unsigned before = res.members;
      decompress_indexed_members(r, out, opts.threads, res);
      if (res.members > before) first = false;
    }
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
      std::vector<uint8_t>& buf = sink.acquire();
      state->next_out = buf.data();
      state->avail_out = static_cast<uint32_t>(buf.size());
      int ret = isal_inflate(state.get());
      r.consume(static_cast<size_t>(state->next_in - r.data()));
      const size_t produced = buf.size() - state->avail_out;
      sink.submit(produced);  // what is good so far is written even if the rest is corrupt
      res.out_bytes += produced;
      if (ret == ISAL_INCORRECT_CHECKSUM) corrupt("invalid compressed data--crc error");
      if (ret < 0) corrupt("invalid compressed data--format violated");
      if (state->block_state == ISAL_BLOCK_FINISH) break;
    }
    ++res.members;
  }
  sink.finish();
  res.in_bytes = r.consumed();
  return res;
}

}  // namespace rigz
