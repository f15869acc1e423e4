// The code definitions at the start of a dynamic Huffman block (RFC 1951 3.2.7): HLIT,
// HDIST, HCLEN, the code-length code, then the literal/length and distance code lengths
// run-length coded with it. Shared by the decoder and the block finder, over any bit
// reader with peek() (at least 32 valid bits, zeros past the end) and skip(n).
#pragma once
#include <cstdint>

#include "decompress/speculative/huffman.h"

namespace rigz::spec {

// Returns nullptr, or what is wrong. `strict` (the block finder) also refuses the
// incomplete codes that decoders tolerate, and codes no encoder would write. Without
// `lit` and `dist` the codes are only checked, not built (the block finder: building the
// decoding tables cost it more than all its other tests).
template <class Bits>
const char* read_dynamic_tables(Bits& bits, HuffmanTable* lit, HuffmanTable* dist, bool strict) {
  static constexpr uint8_t kOrder[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
  uint64_t b = bits.peek();
  const unsigned nlit = 257 + (b & 31), ndist = 1 + ((b >> 5) & 31), ncode = 4 + ((b >> 10) & 15);
  bits.skip(14);
  if (nlit > 286 || ndist > 30) return "too many length or distance symbols";
  uint8_t lengths[286 + 30] = {};
  uint8_t code_lengths[19] = {};
  b = bits.peek();  // 19 * 3 = 57 bits do not fit one peek: two halves
  for (unsigned i = 0; i < ncode; ++i) {
    if (i == 10) b = (bits.skip(30), bits.peek());
    code_lengths[kOrder[i]] = (b >> (3 * (i % 10))) & 7;
  }
  bits.skip(3 * (ncode - (ncode > 10 ? 10 : 0)));
  HuffmanTable cl;
  // A code-length code must be complete (zlib refuses an incomplete one too).
  if (!cl.build(Alphabet::code_length, code_lengths, 19, true)) return "invalid code lengths set";
  const unsigned total = nlit + ndist;
  for (unsigned i = 0; i < total;) {
    b = bits.peek();
    const uint32_t e = cl.lookup(b);
    const unsigned len = entry_bits(e), sym = entry_value(e);
    b >>= len;
    if (sym < 16) {
      lengths[i++] = static_cast<uint8_t>(sym);
      bits.skip(len);
      continue;
    }
    unsigned repeat = 0;
    uint8_t value = 0;
    if (sym == 16) {
      if (i == 0) return "invalid bit length repeat";
      value = lengths[i - 1];
      repeat = 3 + (b & 3);
      bits.skip(len + 2);
    } else if (sym == 17) {
      repeat = 3 + (b & 7);
      bits.skip(len + 3);
    } else {
      repeat = 11 + (b & 127);
      bits.skip(len + 7);
    }
    if (i + repeat > total) return "invalid bit length repeat";
    for (; repeat; --repeat) lengths[i++] = value;
  }
  if (lengths[256] == 0) return "invalid code -- missing end-of-block";
  if (!lit) {
    if (!HuffmanTable::valid(Alphabet::litlen, lengths, nlit, strict)) return "invalid literal/lengths set";
    if (!HuffmanTable::valid(Alphabet::distance, lengths + nlit, ndist, false)) return "invalid distances set";
    return nullptr;
  }
  if (!lit->build(Alphabet::litlen, lengths, nlit, strict)) return "invalid literal/lengths set";
  if (!dist->build(Alphabet::distance, lengths + nlit, ndist, false)) return "invalid distances set";
  return nullptr;
}

}  // namespace rigz::spec
