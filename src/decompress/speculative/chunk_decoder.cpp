#include "decompress/speculative/chunk_decoder.h"

#include <algorithm>

namespace rigz::spec {
namespace {

constexpr size_t kInitialOutput = size_t(1) << 20;
// Markers that stay in the last 32 KiB for this long (data that keeps copying from the
// unknown window) make the chunk give up: 16-bit output is twice the memory.
constexpr size_t kMaxWideOutput = size_t(32) << 20;

bool cancelled(const ChunkRequest& req) { return req.cancel && req.cancel->load(std::memory_order_relaxed); }

}  // namespace

void ChunkDecoder::decode(const ChunkRequest& req, Chunk& chunk) {
  chunk.ok = false;
  if (req.known_start) {
    chunk.ok = decode_from(req, SpanStart{req.from_bit, false}, chunk) == Outcome::ok;
    return;
  }
  const uint64_t base = req.base_bit, in_bits = base + uint64_t(req.size) * 8;
  for (uint64_t from = req.from_bit; from < in_bits && !cancelled(req);) {
    auto cand = find_block_start(req.in, req.size, from - base, in_bits - base);
    if (!cand) return;
    SpanStart start = cand->start;
    start.bit += base;
    const Outcome outcome = decode_from(req, start, chunk);
    if (outcome != Outcome::bad_start) {
      chunk.ok = outcome == Outcome::ok;
      return;
    }
    from = cand->resume + base;
  }
}

ChunkDecoder::Outcome ChunkDecoder::decode_from(const ChunkRequest& req, const SpanStart& start, Chunk& chunk) {
  chunk.start = start;
  chunk.final = false;
  chunk.wide_len = chunk.narrow_len = 0;
  chunk.wide.reserve(kWindowSize + kInitialOutput, 0);
  uint16_t* w = chunk.wide.data.get();
  for (size_t i = 0; i < kWindowSize; ++i) w[i] = static_cast<uint16_t>(kMarker | i);
  size_t o = kWindowSize;
  uint64_t bit = start.bit - req.base_bit;
  const uint64_t stop = req.stop_bit - req.base_bit;
  if (start.stored)
    wide_.start_at_stored_length();
  else
    wide_.start_at_header();
  // The newest marker in the output; none in the last 32 KiB means that nothing after
  // can refer to the unknown window any more.
  size_t last_marker = kWindowSize - 1, scanned = kWindowSize;
  const size_t wide_cap = std::min(req.max_output, kMaxWideOutput) + kWindowSize;
  uint64_t block_start = bit;
  for (;;) {
    if (cancelled(req)) return Outcome::give_up;
    // One block per call (stop at the first boundary past where it started), to look at
    // the markers between blocks.
    Step s =
        wide_.run(req.in, req.size, req.last, bit, chunk.wide.data.get(), o, chunk.wide.capacity, 0, block_start + 1);
    o = s.out_pos;
    bit = s.bit;
    if (s.stop == Stop::output_full) {
      if (chunk.wide.capacity >= wide_cap) return Outcome::give_up;
      chunk.wide.reserve(std::min(chunk.wide.capacity * 2, wide_cap + kMaxMatch), o);
      continue;
    }
    if (s.stop != Stop::boundary && s.stop != Stop::final_block) {
      const bool first_block = block_start == start.bit - req.base_bit;
      return first_block && s.stop != Stop::need_input ? Outcome::bad_start : Outcome::give_up;
    }
    block_start = bit;
    chunk.wide_len = o - kWindowSize;
    const uint16_t* out = chunk.wide.data.get();
    for (size_t i = std::max(scanned, o - std::min(o, kWindowSize)); i < o; ++i)
      if (out[i] & kMarker) last_marker = i;
    scanned = o;
    if (s.stop == Stop::final_block || bit >= stop) {
      chunk.final = s.stop == Stop::final_block;
      chunk.end_bit = bit + req.base_bit;
      return Outcome::ok;
    }
    if (last_marker + kWindowSize < o) return finish_narrow(req, bit, chunk);
  }
}

ChunkDecoder::Outcome ChunkDecoder::finish_narrow(const ChunkRequest& req, uint64_t bit, Chunk& chunk) {
  const size_t wide_end = kWindowSize + chunk.wide_len;
  chunk.narrow.reserve(kWindowSize + kInitialOutput, 0);
  uint8_t* n = chunk.narrow.data.get();
  const uint16_t* w = chunk.wide.data.get();
  for (size_t i = 0; i < kWindowSize; ++i) n[i] = static_cast<uint8_t>(w[wide_end - kWindowSize + i]);
  narrow_.start_at_header();
  size_t o = kWindowSize;
  const size_t cap = req.max_output - std::min(req.max_output, chunk.wide_len) + kWindowSize + kMaxMatch;
  const uint64_t stop = req.stop_bit - req.base_bit;
  for (;;) {
    if (cancelled(req)) return Outcome::give_up;
    Step s = narrow_.run(req.in, req.size, req.last, bit, chunk.narrow.data.get(), o, chunk.narrow.capacity, 0, stop);
    o = s.out_pos;
    bit = s.bit;
    if (s.stop == Stop::output_full) {
      if (chunk.narrow.capacity >= cap) return Outcome::give_up;
      chunk.narrow.reserve(std::min(chunk.narrow.capacity * 2, cap), o);
      continue;
    }
    if (s.stop != Stop::boundary && s.stop != Stop::final_block) return Outcome::give_up;
    chunk.narrow_len = o - kWindowSize;
    chunk.final = s.stop == Stop::final_block;
    chunk.end_bit = bit + req.base_bit;
    return Outcome::ok;
  }
}

}  // namespace rigz::spec
