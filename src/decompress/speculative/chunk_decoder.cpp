#include "decompress/speculative/chunk_decoder.h"

#include <algorithm>

namespace rigz::spec {
namespace {

// The trial of a candidate's first block needs no more output than this: a block still
// going at that point counts as decoding (nothing disproves it).
constexpr size_t kTrialOutput = size_t(1) << 20;
// 16-bit output takes two bytes a symbol: at most half the chunk's output limit, so that a
// chunk's buffers never hold more than that limit in bytes.
size_t wide_limit(const ChunkRequest& req) { return req.max_output / 2; }

bool cancelled(const ChunkRequest& req) { return req.cancel && req.cancel->load(std::memory_order_relaxed); }

// Whether decoding from `start` in 16-bit form into `buf` gets through the first block
// (a block cut off by the end of the input at hand or by the output limit counts: nothing
// disproves it). Any bytes pass as a stored block, so a stored start must also be followed
// by a stored or dynamic block that decodes: a false LEN = ~NLEN (one in 65536 positions)
// is then caught by the next header.
template <class Decoder>
bool first_block_decodes(const ChunkRequest& req, Decoder& dec, const SpanStart& start, GrowBuffer<uint16_t>& buf) {
  buf.reserve(kTrialOutput + kWindowSize + kOutputSlack, 0);
  for (size_t i = 0; i < kWindowSize; ++i) buf.data[i] = static_cast<uint16_t>(kMarker | i);
  if (start.stored)
    dec.start_at_stored_length();
  else
    dec.start_at_header();
  uint64_t bit = start.bit - req.base_bit;
  size_t o = kWindowSize;
  for (int block = 0;; ++block) {
    const Step s = dec.run(req.in, req.size, req.last, bit, buf.data.get(), o, buf.capacity, 0, bit + 1);
    if (s.stop == Stop::need_input || s.stop == Stop::output_full) return true;
    if (s.stop != Stop::boundary && s.stop != Stop::final_block) return false;
    if (block == 1) return dec.block_type() != 1;
    if (!start.stored || s.stop == Stop::final_block) return true;
    bit = s.bit;
    o = s.out_pos;
  }
}

}  // namespace

std::optional<Candidate> ChunkDecoder::find_start(const ChunkRequest& req, uint64_t from_bit) {
  const uint64_t base = req.base_bit, in_bits = base + uint64_t(req.size) * 8;
  for (uint64_t from = std::max(from_bit, base); from < in_bits && !cancelled(req);) {
    auto cand = find_block_start(req.in, req.size, from - base, in_bits - base);
    if (!cand) return std::nullopt;
    SpanStart start = cand->start;
    start.bit += base;
    if (first_block_decodes(req, wide_, start, trial_)) return Candidate{start, cand->resume + base};
    from = cand->resume + base;
  }
  return std::nullopt;
}

void ChunkDecoder::decode(const ChunkRequest& req, Chunk& chunk) {
  chunk.ok = false;
  chunk.has_target = false;
  // The end first: the next chunk's start, found by the rule it will use itself.
  if (auto t = find_start(req, req.stop_bit)) {
    chunk.has_target = true;
    chunk.target = t->start;
  } else if (!req.last) {
    return;  // no end in sight: the chunk could only run past its input
  }
  if (req.known_start) {
    chunk.ok = decode_from(req, SpanStart{req.from_bit, false}, chunk) == Outcome::ok;
    return;
  }
  for (uint64_t from = req.from_bit; !cancelled(req);) {
    auto start = find_start(req, from);
    if (!start) return;
    const Outcome outcome = decode_from(req, start->start, chunk);
    if (outcome != Outcome::bad_start) {
      chunk.ok = outcome == Outcome::ok;
      return;
    }
    from = start->resume;
  }
}

ChunkDecoder::Outcome ChunkDecoder::decode_from(const ChunkRequest& req, const SpanStart& start, Chunk& chunk) {
  chunk.start = start;
  chunk.final = false;
  chunk.wide_len = chunk.narrow_len = 0;
  if (req.known_start) {
    // The stream's start: the window is empty and known, ISA-L does it all.
    return finish_with_isal(req, start.bit - req.base_bit, nullptr, 0, chunk);
  }
  if (chunk.has_target && start.earliest() >= chunk.target.earliest()) return Outcome::give_up;
  chunk.wide.reserve(wide_limit(req) + kWindowSize + kOutputSlack, 0);
  uint16_t* w = chunk.wide.data.get();
  for (size_t i = 0; i < kWindowSize; ++i) w[i] = static_cast<uint16_t>(kMarker | i);
  size_t o = kWindowSize;
  uint64_t bit = start.bit - req.base_bit;
  const uint64_t target = chunk.has_target ? chunk.target.earliest() - req.base_bit : UINT64_MAX;
  if (start.stored)
    wide_.start_at_stored_length();
  else
    wide_.start_at_header();
  // The newest marker in the output; none in the last 32 KiB means that nothing after
  // can refer to the unknown window any more.
  size_t last_marker = kWindowSize - 1, scanned = kWindowSize;
  const uint64_t first = bit;
  uint64_t block_start = bit;
  for (;;) {
    if (cancelled(req)) return Outcome::give_up;
    // One block per call (stop at the first boundary past where it started), to look at
    // the markers between blocks.
    Step s = wide_.run(req.in, req.size, req.last, bit, chunk.wide.data.get(), o, chunk.wide.capacity, 0,
                       std::min(block_start + 1, target));
    o = s.out_pos;
    bit = s.bit;
    if (s.stop == Stop::output_full) return Outcome::give_up;
    if (s.stop != Stop::boundary && s.stop != Stop::final_block)
      return block_start == first && s.stop != Stop::need_input ? Outcome::bad_start : Outcome::give_up;
    block_start = bit;
    chunk.wide_len = o - kWindowSize;
    const uint16_t* out = chunk.wide.data.get();
    for (size_t i = std::max(scanned, o - kWindowSize); i < o; ++i)
      if (out[i] & kMarker) last_marker = i;
    scanned = o;
    if (s.stop == Stop::final_block) {
      chunk.final = true;
      chunk.end_bit = bit + req.base_bit;
      return Outcome::ok;
    }
    if (bit >= target) {
      // At the first boundary at or past the target's earliest bit: it must be the target.
      if (!matches(chunk.target, bit + req.base_bit, peek16(req.in, req.size, bit))) return Outcome::give_up;
      chunk.end_bit = bit + req.base_bit;
      return Outcome::ok;
    }
    if (last_marker + kWindowSize < o) {
      // The window is clean: narrow it to bytes and let ISA-L go on with it.
      uint8_t dict[kWindowSize];
      for (size_t i = 0; i < kWindowSize; ++i) dict[i] = static_cast<uint8_t>(out[o - kWindowSize + i]);
      return finish_with_isal(req, bit, dict, kWindowSize, chunk);
    }
  }
}

ChunkDecoder::Outcome ChunkDecoder::finish_with_isal(const ChunkRequest& req, uint64_t bit, const uint8_t* dict,
                                                     size_t dict_len, Chunk& chunk) {
  const uint8_t* p = isal_.begin(req.in, req.size, bit, dict, dict_len);
  if (!p) return Outcome::give_up;
  const uint8_t* end = req.in + req.size;
  if (chunk.has_target) end = req.in + std::min<uint64_t>(req.size, feed_end_byte(chunk.target) - req.base_bit / 8);
  if (p > end) return Outcome::give_up;
  chunk.narrow.reserve(req.max_output + kWindowSize, 0);
  // Bytes of output memory: the 16-bit part counts twice.
  const size_t cap = req.max_output - std::min(req.max_output, 2 * chunk.wide_len) + kWindowSize;
  size_t o = kWindowSize;  // the narrow buffer's window slots stay unused here
  for (;;) {
    if (cancelled(req)) return Outcome::give_up;
    const int ret = isal_.feed(p, static_cast<size_t>(end - p), chunk.narrow.data.get() + o, cap - o);
    p += isal_.consumed();
    o += isal_.produced();
    if (ret < 0) return Outcome::give_up;
    if (isal_.finished()) {
      chunk.narrow_len = o - kWindowSize;
      chunk.final = true;
      chunk.end_bit = isal_.position(static_cast<uint64_t>(p - req.in) * 8) + req.base_bit;
      return Outcome::ok;
    }
    if (o == cap) return Outcome::give_up;
    if (p < end) continue;
    // All input up to the target fed: ISA-L must wait exactly at the target.
    if (!chunk.has_target || !isal_.between_blocks()) return Outcome::give_up;
    const uint64_t at = isal_.position(static_cast<uint64_t>(p - req.in) * 8);
    if (!matches(chunk.target, at + req.base_bit, peek16(req.in, req.size, at))) return Outcome::give_up;
    chunk.narrow_len = o - kWindowSize;
    chunk.end_bit = at + req.base_bit;
    return Outcome::ok;
  }
}

}  // namespace rigz::spec
