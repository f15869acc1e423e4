// Canonical Huffman decoding tables for deflate (RFC 1951 section 3.2.2), built from a
// list of code lengths. A code is looked up by the low `table_bits` bits of the bit
// buffer (deflate packs Huffman codes most significant bit first, so the table is indexed
// by the bit-reversed code); the rare codes longer than that are decoded bit by bit from
// the per-length counts (slow_decode).
//
// Each entry is a uint32_t:
//   bits 0-4   bits the code takes (0: longer than the table, use slow_decode)
//   bits 5-8   extra bits that follow the code (length and distance symbols)
//   bits 9-10  kind (Kind below)
//   bits 16-31 value: the literal byte, the base length, the base distance, or the
//              code-length symbol
#pragma once
#include <array>
#include <cstdint>

namespace rigz::spec {

enum class Kind : uint32_t { literal = 0, copy = 1, end_of_block = 2, invalid = 3 };
enum class Alphabet { litlen, distance, code_length };

inline unsigned entry_bits(uint32_t e) { return e & 31; }
inline unsigned entry_extra(uint32_t e) { return (e >> 5) & 15; }
inline Kind entry_kind(uint32_t e) { return static_cast<Kind>((e >> 9) & 3); }
inline unsigned entry_value(uint32_t e) { return e >> 16; }

class HuffmanTable {
 public:
  static constexpr unsigned kMaxBits = 15;
  static constexpr unsigned kMaxSymbols = 288;

  // Builds the table for `n` symbols with the given code lengths (0: unused). Returns
  // false for an oversubscribed code, and for an incomplete one except where deflate
  // decoders accept it: a single code of length 1, and (distances only) no code at all.
  // `require_complete` refuses those exceptions too (the block finder uses it).
  bool build(Alphabet alphabet, const uint8_t* lengths, unsigned n, bool require_complete = false);
  // Whether build() would succeed, without building anything.
  static bool valid(Alphabet alphabet, const uint8_t* lengths, unsigned n, bool require_complete = false);

  unsigned table_bits() const { return table_bits_; }
  // The entry for the code at the bottom of `bits` (at least kMaxBits valid bits).
  uint32_t lookup(uint64_t bits) const {
    const uint32_t e = fast_[bits & mask_];
    return entry_bits(e) != 0 ? e : slow_decode(bits);
  }

 private:
  uint32_t slow_decode(uint64_t bits) const;

  unsigned table_bits_ = 0;
  uint64_t mask_ = 0;
  std::array<uint32_t, 1u << 11> fast_;
  std::array<uint16_t, kMaxBits + 1> count_{};
  std::array<uint16_t, kMaxSymbols> sorted_{};   // symbols in canonical order
  std::array<uint32_t, kMaxSymbols> entries_{};  // the entry of each symbol, bits left 0
};

}  // namespace rigz::spec
