// Member loop over ISA-L's inflate. rigz parses each gzip header and trailer itself
// (ISA-L's parser would hide the multi-member and trailing-data rules, and its check
// does not tell a CRC error from a length error) and lets ISA-L inflate the raw deflate
// data while it computes the CRC-32 (ISAL_GZIP_NO_HDR).
#include "decompress/decompress.h"

#include <isa-l/igzip_lib.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include "decompress/indexed_members.h"
#include "decompress/lzw.h"
#include "decompress/pack.h"
#include "decompress/speculative/parallel_member.h"
#include "io/buffered_writer.h"
#include "io/error.h"
#include "io/input_window.h"

namespace rigz {
namespace {

constexpr size_t kInBufSize = size_t(1) << 20;
constexpr size_t kOutBufSize = size_t(1) << 20;
constexpr size_t kSmallInput = 64 * 1024;

[[noreturn]] void corrupt(const char* why) { throw Error(Error::Kind::data, why); }

// Where the input stands before a member, by gzip's rules: after the first member,
// the end of input ends the stream, and bytes that do not begin with the gzip magic are
// trailing data; anything that begins with it is a member, so its faults are errors.
enum class Next { member, end, trailing };
Next read_header(InputWindow& r, GzipHeader& h, bool first) {
  for (;;) {
    if (!first && (r.size() >= 1 && r.data()[0] != 0x1f)) return Next::trailing;
    if (!first && (r.size() >= 2 && r.data()[1] != 0x8b)) return Next::trailing;
    // gzip reads the two magic bytes before it looks at them: an input of one byte, any
    // byte, is "unexpected end of file" there, not "not in gzip format".
    if (first && r.size() < 2) {
      if (r.refill()) continue;
      throw Error(Error::Kind::data, describe_header_problem(HeaderStatus::need_more, r.data(), r.size()));
    }
    size_t used = 0;
    HeaderStatus st = parse_gzip_header(r.data(), r.size(), h, used);
    if (st == HeaderStatus::ok) {
      r.consume(used);
      return Next::member;
    }
    if (st == HeaderStatus::need_more && r.refill()) continue;
    if (!first && r.size() == 0) return Next::end;
    throw Error(Error::Kind::data, describe_header_problem(st, r.data(), r.size()));
  }
}

// The unconsumed whole bytes of ISA-L's bit buffer once a deflate stream has ended:
// the first bytes of the trailer, which go back to the input.
void return_buffered_bytes(inflate_state& state, InputWindow& r) {
  const int bytes = state.read_in_length / 8;
  uint64_t bits = state.read_in >> (state.read_in_length % 8);
  uint8_t buf[8];
  for (int i = 0; i < bytes; ++i, bits >>= 8) buf[i] = static_cast<uint8_t>(bits);
  r.unread(buf, static_cast<size_t>(bytes));
  state.read_in_length = 0;
}

// The member's trailer against the CRC-32 and size (mod 2^32) of what was inflated.
void check_trailer(InputWindow& r, uint32_t crc, uint64_t size) {
  if (!r.ensure(kGzipTrailerSize)) corrupt("unexpected end of file");
  uint32_t want_crc, isize;
  read_gzip_trailer(r.data(), want_crc, isize);
  r.consume(kGzipTrailerSize);
  if (crc != want_crc) corrupt("invalid compressed data--crc error");
  if (isize != static_cast<uint32_t>(size)) corrupt("invalid compressed data--length error");
}

// Trailing data after a member: zeros are ignored as gzip does; anything else is garbage.
bool only_zeros(InputWindow& r) {
  for (;;) {
    if (std::any_of(r.data(), r.data() + r.size(), [](uint8_t b) { return b != 0; })) return false;
    r.consume(r.size());
    if (!r.refill()) return true;
  }
}

// The member loop. `continuation`: the input follows a stream of another kind (a pack
// stream) and may be empty; what is not a member there is trailing data.
DecompressResult decompress_members(InputStream& in, OutputStream& out, const DecompressOptions& opts,
                                    bool continuation) {
  DecompressResult res;
  InputWindow r(in, kInBufSize);
  auto state = std::make_unique<inflate_state>();
  r.refill();
  if (opts.pass_through && !continuation && (r.size() < 2 || r.data()[0] != 0x1f || r.data()[1] != 0x8b)) {
    res.passed_through = true;
    do {
      out.write(r.data(), r.size());
      res.out_bytes += r.size();
      r.consume(r.size());
    } while (r.refill());
    res.in_bytes = r.consumed();
    return res;
  }
  // An input that the first read took whole and that is small is inflated on this thread
  // alone: starting a writer thread cost more than it saved (rigz -d of a 2 KB member:
  // 1.38 -> 1.30 ms, hyperfine medians, 2-core VM; gzip -d 0.87 ms, pigz -d 1.5 ms).
  const unsigned threads = r.ended() && r.size() <= kSmallInput ? 1 : opts.threads;
  // With a thread to spare, write() runs beside the inflating, unless the output goes
  // nowhere: handing buffers to a writer that does nothing with them cost up to 9% of the
  // wall time and 20% of the CPU (rigz -d -p 2 to /dev/null; docs/design.md, "Reading in
  // place"). Where the parallel path may run, the writer stays even then: only a threaded
  // writer lets the workers replace the markers, which an unthreaded one leaves to this
  // thread (on 16 cores that made -p 16 into /dev/null 1.2-2.5x slower than into a file).
  BufferedWriter sink(out, kOutBufSize, threads > 1 && (!out.discards() || spec::may_use_parallel(threads)));
  for (bool first = !continuation;; first = false) {
    if (threads > 1 && front_member_indexed(r)) {
      sink.flush();
      const unsigned before = res.members;
      decompress_indexed_members(r, out, threads, res);
      if (res.members > before) first = false;
    }
    GzipHeader h;
    Next next = read_header(r, h, first);
    if (next == Next::end) break;
    if (next == Next::trailing) {
      // gzip decodes a compress (.Z) stream that follows a member (`cat a.gz b.Z`); it
      // runs to the end of the input.
      if (is_lzw_magic(r.data(), r.size())) {
        sink.flush();
        WindowRest rest(r);
        res.last_member_size = decompress_lzw(rest, out).out_bytes;
        res.out_bytes += res.last_member_size;
        ++res.members;
        break;
      }
      // A pack (.z) stream too; it has an end, and gzip goes on with what follows it.
      if (is_pack_magic(r.data(), r.size())) {
        sink.flush();
        res.last_member_size = decompress_pack(r, out).out_bytes;
        res.out_bytes += res.last_member_size;
        ++res.members;
        continue;
      }
      if (opts.pass_through) {
        // gzip -cdf: what follows the last member is not gzip, so it is copied as it is,
        // zeros too, like a whole file that is not gzip; no warning.
        do {
          while (r.size() > 0) {
            OutBuffer& buf = sink.acquire();
            const size_t n = std::min(r.size(), buf.size());
            std::memcpy(buf.data(), r.data(), n);
            sink.submit(n);
            res.out_bytes += n;
            r.consume(n);
          }
        } while (r.refill());
        break;
      }
      res.trailing_garbage = !only_zeros(r);
      res.trailing_zeros = !res.trailing_garbage;
      break;
    }
    if (first) res.first_header = h;
    if (spec::use_parallel_member(r, threads)) {
      // Any member of some size: chunks decoded speculatively by the workers.
      const spec::MemberCheck check = spec::inflate_member_parallel(r, sink, threads);
      res.out_bytes += check.size;
      check_trailer(r, check.crc, check.size);
      ++res.members;
      res.last_member_size = check.size;
      res.last_member_crc = check.crc;
      continue;
    }
    isal_inflate_init(state.get());
    state->crc_flag = ISAL_GZIP_NO_HDR;
    const uint64_t member_start = res.out_bytes;
    for (;;) {
      if (r.size() == 0 && !r.refill()) corrupt("unexpected end of file");
      state->next_in = const_cast<uint8_t*>(r.data());
      state->avail_in = static_cast<uint32_t>(std::min<size_t>(r.size(), UINT32_MAX));
      OutBuffer& buf = sink.acquire();
      state->next_out = buf.data();
      state->avail_out = static_cast<uint32_t>(buf.size());
      int ret = isal_inflate(state.get());
      r.consume(static_cast<size_t>(state->next_in - r.data()));
      const size_t produced = buf.size() - state->avail_out;
      sink.submit(produced);  // what is good so far is written even if the rest is corrupt
      res.out_bytes += produced;
      if (ret < 0) corrupt("invalid compressed data--format violated");
      if (state->block_state == ISAL_BLOCK_FINISH) break;
    }
    return_buffered_bytes(*state, r);
    check_trailer(r, state->crc, state->total_out);
    ++res.members;
    res.last_member_size = res.out_bytes - member_start;
    res.last_member_crc = state->crc;
  }
  sink.finish();
  res.in_bytes = r.consumed();
  return res;
}

}  // namespace

DecompressResult decompress_gzip(InputStream& in, OutputStream& out, const DecompressOptions& opts) {
  return decompress_members(in, out, opts, false);
}

DecompressResult decompress_pack_and_rest(InputStream& in, OutputStream& out, const DecompressOptions& opts) {
  InputWindow window(in, size_t(1) << 16);
  const PackResult pack = decompress_pack(window, out);
  WindowRest rest(window);
  DecompressResult res = decompress_members(rest, out, opts, true);
  if (res.members == 0) res.last_member_size = pack.out_bytes;
  ++res.members;
  res.in_bytes += pack.in_bytes;
  res.out_bytes += pack.out_bytes;
  return res;
}

}  // namespace rigz
