#include "decompress/speculative/block_finder.h"

#include "decompress/speculative/bit_reader.h"
#include "decompress/speculative/dynamic_header.h"

namespace rigz::spec {
namespace {

// The 64 bits of in[] from bit p on (zeros past the end).
uint64_t bits_at(const uint8_t* in, size_t size, uint64_t p) {
  const size_t byte = p / 8;
  uint64_t v = 0;
  if (byte + 8 <= size) {
    v = load64(in + byte);
  } else {
    for (size_t i = 0; byte + i < size && i < 8; ++i) v |= uint64_t(in[byte + i]) << (8 * i);
  }
  return v >> (p % 8);
}

// The cheap tests first: HLIT and HDIST in range, and a complete code-length code (its
// Kraft sum is exactly 1); only then the full code definitions.
bool plausible_dynamic(const uint8_t* in, size_t size, uint64_t p, uint64_t head) {
  if (((head >> 3) & 31) > 29 || ((head >> 8) & 31) > 29) return false;
  const unsigned ncode = 4 + ((head >> 13) & 15);
  const uint64_t lens = bits_at(in, size, p + 17);
  unsigned kraft = 0;  // in units of 2^-7
  for (unsigned i = 0; i < ncode; ++i) {
    const unsigned len = (lens >> (3 * i)) & 7;
    if (len) kraft += 128u >> len;
  }
  if (kraft != 128) return false;
  BitReader br(in, size, p + 3);
  HuffmanTable lit, dist;
  if (read_dynamic_tables(br, lit, dist, true) != nullptr) return false;
  return br.position() <= uint64_t(size) * 8;
}

// A non-final stored header at p: zero padding up to the byte boundary, then LEN, NLEN.
bool plausible_stored(const uint8_t* in, size_t size, uint64_t p, uint64_t head, uint64_t& len_bit) {
  const unsigned pad = static_cast<unsigned>((8 - (p + 3) % 8) % 8);
  if ((head >> 3) & ((1u << pad) - 1)) return false;
  const size_t b = static_cast<size_t>((p + 3 + pad) / 8);
  if (b + 4 > size) return false;
  const unsigned len = in[b] | unsigned(in[b + 1]) << 8, nlen = in[b + 2] | unsigned(in[b + 3]) << 8;
  if ((len ^ nlen) != 0xffff) return false;
  len_bit = uint64_t(b) * 8;
  return true;
}

}  // namespace

std::optional<Candidate> find_block_start(const uint8_t* in, size_t size, uint64_t from_bit, uint64_t limit_bit) {
  const uint64_t end = std::min<uint64_t>(limit_bit, uint64_t(size) * 8);
  for (uint64_t p = from_bit; p < end; ++p) {
    const uint64_t head = bits_at(in, size, p);
    const unsigned type = head & 7;  // BFINAL = 0, then BTYPE
    if (type == 4) {
      if (plausible_dynamic(in, size, p, head)) return Candidate{{p, false}, p + 1};
    } else if (type == 0) {
      uint64_t len_bit = 0;
      // The next candidate header lies past this block's possible header positions.
      if (plausible_stored(in, size, p, head, len_bit)) return Candidate{{len_bit, true}, len_bit - 2};
    }
  }
  return std::nullopt;
}

}  // namespace rigz::spec
