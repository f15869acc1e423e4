#include "decompress/speculative/huffman.h"

#include <algorithm>

namespace rigz::spec {
namespace {

// RFC 1951 3.2.5: base lengths and extra bits of length symbols 257..285, base distances
// and extra bits of distance symbols 0..29.
constexpr uint16_t kLengthBase[29] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                      31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
constexpr uint8_t kLengthExtra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                      2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
constexpr uint16_t kDistBase[30] = {1,    2,    3,    4,    5,    7,    9,    13,    17,    25,
                                    33,   49,   65,   97,   129,  193,  257,  385,   513,   769,
                                    1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
constexpr uint8_t kDistExtra[30] = {0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
                                    6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

uint32_t make_entry(Kind kind, unsigned value, unsigned extra) {
  return uint32_t(value) << 16 | uint32_t(kind) << 9 | uint32_t(extra) << 5;
}

uint32_t symbol_entry(Alphabet a, unsigned sym) {
  switch (a) {
    case Alphabet::litlen:
      if (sym < 256) return make_entry(Kind::literal, sym, 0);
      if (sym == 256) return make_entry(Kind::end_of_block, 0, 0);
      if (sym < 286) return make_entry(Kind::copy, kLengthBase[sym - 257], kLengthExtra[sym - 257]);
      return make_entry(Kind::invalid, 0, 0);  // 286, 287: in the fixed code, never valid
    case Alphabet::distance:
      if (sym < 30) return make_entry(Kind::copy, kDistBase[sym], kDistExtra[sym]);
      return make_entry(Kind::invalid, 0, 0);  // 30, 31
    case Alphabet::code_length:
      return make_entry(Kind::literal, sym, 0);
  }
  return make_entry(Kind::invalid, 0, 0);
}

unsigned reverse_bits(unsigned code, unsigned len) {
  unsigned r = 0;
  for (unsigned i = 0; i < len; ++i, code >>= 1) r = (r << 1) | (code & 1);
  return r;
}

}  // namespace

namespace {

// The number of codes of each length (count[0] left 0), and whether they make a code
// build() takes.
bool count_codes(Alphabet alphabet, const uint8_t* lengths, unsigned n, bool require_complete,
                 std::array<uint16_t, HuffmanTable::kMaxBits + 1>& count) {
  count.fill(0);
  for (unsigned s = 0; s < n; ++s) {
    if (lengths[s] > HuffmanTable::kMaxBits) return false;
    ++count[lengths[s]];
  }
  count[0] = 0;
  // Kraft: each length doubles the code space; more codes than space is oversubscribed.
  int left = 1;
  unsigned used = 0;
  for (unsigned len = 1; len <= HuffmanTable::kMaxBits; ++len) {
    left = (left << 1) - count[len];
    if (left < 0) return false;
    used += count[len];
  }
  if (left > 0) {
    const bool single = used == 1 && count[1] == 1;
    const bool empty = used == 0 && alphabet == Alphabet::distance;
    if (require_complete || !(single || empty)) return false;
  }
  return true;
}

}  // namespace

bool HuffmanTable::valid(Alphabet alphabet, const uint8_t* lengths, unsigned n, bool require_complete) {
  std::array<uint16_t, kMaxBits + 1> count;
  return count_codes(alphabet, lengths, n, require_complete, count);
}

bool HuffmanTable::build(Alphabet alphabet, const uint8_t* lengths, unsigned n, bool require_complete) {
  table_bits_ = alphabet == Alphabet::litlen ? 11 : alphabet == Alphabet::distance ? 10 : 7;
  mask_ = (uint64_t(1) << table_bits_) - 1;
  if (!count_codes(alphabet, lengths, n, require_complete, count_)) return false;
  // Canonical order: by length, then by symbol.
  std::array<uint16_t, kMaxBits + 2> offset{};
  for (unsigned len = 1; len <= kMaxBits; ++len) offset[len + 1] = offset[len] + count_[len];
  for (unsigned s = 0; s < n; ++s)
    if (lengths[s]) sorted_[offset[lengths[s]]++] = static_cast<uint16_t>(s);
  for (unsigned s = 0; s < n; ++s) entries_[s] = symbol_entry(alphabet, s);

  // Unfilled slots (an incomplete code's missing codes) decode as invalid; they take one
  // bit so that an entry never reads as "long code".
  // Only the slots of this alphabet's table: all 2048 for a code-length code (128 used)
  // or a distance code (1024) was work for nothing at every dynamic header.
  const unsigned size = 1u << table_bits_;
  std::fill(fast_.begin(), fast_.begin() + size, make_entry(Kind::invalid, 0, 0) | 1);
  unsigned code = 0, index = 0;
  for (unsigned len = 1; len <= kMaxBits; ++len, code <<= 1) {
    for (unsigned i = 0; i < count_[len]; ++i, ++code, ++index) {
      if (len <= table_bits_) {
        const uint32_t e = entries_[sorted_[index]] | len;
        for (unsigned slot = reverse_bits(code, len); slot < size; slot += 1u << len) fast_[slot] = e;
      } else {
        // The first table_bits bits of a long code: mark the slot for the slow path.
        fast_[reverse_bits(code >> (len - table_bits_), table_bits_)] = 0;
      }
    }
  }
  return true;
}

uint32_t HuffmanTable::slow_decode(uint64_t bits) const {
  // Canonical decoding one bit at a time: `code` is the code read so far, `first` the
  // first code of the current length, `index` the position of its symbol in sorted_.
  unsigned code = 0, first = 0, index = 0;
  for (unsigned len = 1; len <= kMaxBits; ++len, bits >>= 1) {
    code |= bits & 1;
    const unsigned count = count_[len];
    if (code < first + count) return entries_[sorted_[index + code - first]] | len;
    index += count;
    first = (first + count) << 1;
    code <<= 1;
  }
  return make_entry(Kind::invalid, 0, 0) | 1;
}

}  // namespace rigz::spec
