// Finds where a deflate block may start in the middle of a stream, without the data
// before it: a non-final dynamic Huffman block whose code definitions are valid and
// complete (with an end-of-block code), or a non-final stored block whose LEN is the
// complement of NLEN. Candidates are only plausible: the caller confirms one by decoding
// from it, and a false one is never used unless the real stream reaches it (see
// chunk_decoder.h and docs/design.md).
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>

namespace rigz::spec {

// Where a span of decoding starts. For a dynamic block, `bit` is the block's first bit.
// For a stored block, `bit` is the byte-aligned offset of its LEN field: the three header
// bits may sit anywhere in the ten bits before it, and any of those places starts the
// same block (see matches()).
struct SpanStart {
  uint64_t bit = 0;
  bool stored = false;

  // The earliest bit where the block's header can be.
  uint64_t earliest() const { return stored ? (bit >= 10 ? bit - 10 : 0) : bit; }
  bool operator==(const SpanStart&) const = default;
};

// Whether decoding that reaches a block boundary at `boundary` continues exactly as
// decoding from `start` does. `header_bits` are the stream's bits from `boundary` on
// (at least 3). For a stored start: a non-final stored header at `boundary` whose padding
// ends at start.bit.
inline bool matches(const SpanStart& start, uint64_t boundary, uint64_t header_bits) {
  if (!start.stored) return boundary == start.bit;
  return (header_bits & 7) == 0 && (boundary + 3 + 7) / 8 * 8 == start.bit;
}

// The 16 bits of in[0, size) from bit `bit` on, zeros past the end.
inline uint64_t peek16(const uint8_t* in, size_t size, uint64_t bit) {
  const size_t b = static_cast<size_t>(bit / 8);
  const uint64_t lo = b < size ? in[b] : 0, hi = b + 1 < size ? in[b + 1] : 0;
  return (lo | hi << 8 | (b + 2 < size ? uint64_t(in[b + 2]) << 16 : 0)) >> (bit % 8);
}

struct Candidate {
  SpanStart start;
  uint64_t resume;  // where to look for the next candidate if this one fails
};

// The first candidate whose header starts in [from_bit, limit_bit) of in[0, size).
std::optional<Candidate> find_block_start(const uint8_t* in, size_t size, uint64_t from_bit, uint64_t limit_bit);

}  // namespace rigz::spec
