// ISA-L's inflate (the fastest decoder at hand) over a span of a deflate stream that
// starts at a block boundary at any bit offset, with a known window, and ends exactly at
// a given block boundary. ISA-L (2.30) cannot be told to stop at a block end, but fed the
// input only up to the byte that holds the target boundary (a stored block's LEN byte),
// it stops there: the next header does not fit in what is left, so it waits in
// ISAL_BLOCK_HDR with those bits unread (checked on gzip, pigz and random data; see
// docs/design.md). The caller checks exactly that state and position, and the header
// bits there, so a target that is no boundary is detected, never trusted.
#pragma once
#include <isa-l/igzip_lib.h>

#include <cstddef>
#include <cstdint>
#include <memory>

#include "decompress/speculative/block_finder.h"

namespace rigz::spec {

class IsalSpan {
 public:
  IsalSpan() : state_(std::make_unique<inflate_state>()) {}

  // Starts at bit `bit` of in[0, size) (a block boundary) with the `dict_len` bytes before
  // it. Returns the pointer to the first byte that feed() must be given next, or nullptr
  // when the bit is past the input.
  const uint8_t* begin(const uint8_t* in, size_t size, uint64_t bit, const uint8_t* dict, size_t dict_len);

  // Inflates from `next` (avail bytes) into out[0, out_len). Returns ISA-L's code; the
  // caller looks at consumed() / produced() / finished().
  int feed(const uint8_t* next, size_t avail, uint8_t* out, size_t out_len);
  size_t consumed() const { return consumed_; }
  size_t produced() const { return produced_; }
  bool finished() const { return state_->block_state == ISAL_BLOCK_FINISH; }
  // The stream position, given the position of the byte after the last one fed: what
  // ISA-L holds unread is its bit buffer and, while a header is incomplete, the whole bytes
  // it set aside in tmp_in_buffer to parse the header again from its start.
  uint64_t position(uint64_t fed_end_bit) const {
    return fed_end_bit - static_cast<uint64_t>(state_->read_in_length) - 8 * static_cast<uint64_t>(state_->tmp_in_size);
  }
  // Whether decoding stopped at a block boundary, waiting for the next header.
  bool between_blocks() const {
    return state_->block_state == ISAL_BLOCK_NEW_HDR || state_->block_state == ISAL_BLOCK_HDR;
  }

 private:
  std::unique_ptr<inflate_state> state_;
  size_t consumed_ = 0, produced_ = 0;
};

// Where to stop feeding ISA-L for it to halt at `target`: the byte after the one that holds
// a dynamic block's first bit; for a stored block, its LEN byte.
inline uint64_t feed_end_byte(const SpanStart& target) { return target.stored ? target.bit / 8 : (target.bit + 7) / 8; }

}  // namespace rigz::spec
