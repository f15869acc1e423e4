// The decoder follows the format as compress (ncompress 4.2) writes it:
//  - a 3-byte header: 1f 9d, then a byte with the largest code width (low 5 bits) and
//    "block mode" (0x80: code 256 clears the table);
//  - codes packed least significant bit first, starting 9 bits wide; the width grows by
//    one when the next free table entry no longer fits, up to the header's maximum;
//  - compress writes codes in groups of eight (one group is `width` bytes), and when the
//    width changes or the table is cleared it pads the current group to its full size.
//    The reader therefore skips the unused rest of the group at those points.
#include "decompress/lzw.h"

#include <string>
#include <vector>

#include "io/error.h"
#include "io/input_window.h"

namespace rigz {
namespace {

constexpr unsigned kMaxBits = 16;     // the widest codes gzip and compress use
constexpr unsigned kInitBits = 9;     // the first width
constexpr uint32_t kClear = 256;      // block mode: clear the table
constexpr uint8_t kBlockMode = 0x80;  // in the header's third byte
constexpr uint8_t kBitsMask = 0x1f;   // the same byte's largest width

[[noreturn]] void corrupt(const std::string& what) { throw Error(Error::Kind::data, what); }

// Reads the input as a stream of little-endian bit fields, buffering in large reads.
class BitReader {
 public:
  explicit BitReader(InputStream& in) : in_(in, size_t(1) << 16) {}

  // The next `n` bytes (n <= 3) as they are, for the header; false at the end of input.
  bool bytes(uint8_t* out, size_t n) {
    for (size_t i = 0; i < n; ++i) {
      if (!next(out[i])) return false;
    }
    return true;
  }

  // The next code of `width` bits; false when fewer bits than that are left (the end).
  bool code(unsigned width, uint32_t& out) {
    while (nbits_ < width) {
      uint8_t b;
      if (!next(b)) return false;
      acc_ |= static_cast<uint32_t>(b) << nbits_;
      nbits_ += 8;
    }
    out = acc_ & ((1u << width) - 1);
    acc_ >>= width;
    nbits_ -= width;
    return true;
  }

  // Skips `bits` bits (the padding of a group); fewer at the end of input.
  void skip(uint64_t bits) {
    while (bits > 0) {
      if (nbits_ == 0) {
        uint8_t b;
        if (!next(b)) return;
        acc_ = b;
        nbits_ = 8;
      }
      unsigned k = bits < nbits_ ? static_cast<unsigned>(bits) : nbits_;
      acc_ >>= k;
      nbits_ -= k;
      bits -= k;
    }
  }

  uint64_t consumed() const { return in_.consumed(); }

 private:
  bool next(uint8_t& b) {
    if (in_.size() == 0 && !in_.refill()) return false;
    b = in_.data()[0];
    in_.consume(1);
    return true;
  }

  InputWindow in_;
  uint32_t acc_ = 0;  // bits not yet used, the next one lowest
  unsigned nbits_ = 0;
};

}  // namespace

LzwResult decompress_lzw(InputStream& in, OutputStream& out) {
  BitReader bits(in);
  uint8_t header[3];
  if (!bits.bytes(header, 2) || !is_lzw_magic(header, 2)) corrupt("not in gzip format");
  if (!bits.bytes(header + 2, 1)) corrupt("unexpected end of file");
  const unsigned max_bits = header[2] & kBitsMask;
  const bool block_mode = (header[2] & kBlockMode) != 0;
  if (max_bits > kMaxBits)
    corrupt("compressed with " + std::to_string(max_bits) + " bits, can only handle " + std::to_string(kMaxBits) +
            " bits");
  if (max_bits < kInitBits) corrupt("corrupt input.");
  const uint32_t max_max_code = 1u << max_bits;  // no entry at or past this one

  // The table: entry c (>= 256) is the string of entry prefix[c] followed by suffix[c].
  // Every prefix is smaller than its entry, so a string is at most the table's size.
  std::vector<uint16_t> prefix(max_max_code + 1);
  std::vector<uint8_t> suffix(max_max_code + 1);
  for (uint32_t c = 0; c < 256; ++c) suffix[c] = static_cast<uint8_t>(c);
  std::vector<uint8_t> stack(max_max_code + 2);  // one string, built last byte first
  std::vector<uint8_t> outbuf;
  outbuf.reserve(1 << 16);

  unsigned width = kInitBits;
  uint32_t max_code = (1u << width) - 1;
  uint32_t free_ent = block_mode ? kClear + 1 : 256;
  uint64_t codes_in_group = 0;  // codes read since the width last changed (for padding)
  int64_t old_code = -1;
  uint8_t fin_char = 0;
  LzwResult res;

  // Skips the rest of the current group of eight codes, as compress pads it.
  auto end_group = [&] {
    uint64_t left = (8 - codes_in_group % 8) % 8;
    bits.skip(left * width);
    codes_in_group = 0;
  };

  for (;;) {
    if (free_ent > max_code) {  // the next entry needs a wider code
      end_group();
      ++width;
      max_code = width == max_bits ? max_max_code : (1u << width) - 1;
    }
    uint32_t code;
    if (!bits.code(width, code)) break;
    ++codes_in_group;
    if (old_code < 0) {  // the first code is a byte
      if (code >= 256) corrupt("corrupt input.");
      fin_char = static_cast<uint8_t>(code);
      old_code = code;
      outbuf.push_back(fin_char);
      continue;
    }
    if (code == kClear && block_mode) {
      // The next entry made is 256 itself, which no code can name (it means clear):
      // the first string after a clear starts the table at 257.
      end_group();
      free_ent = kClear;
      width = kInitBits;
      max_code = (1u << width) - 1;
      continue;
    }
    const uint32_t in_code = code;
    size_t sp = stack.size();
    if (code >= free_ent) {
      // Only the entry about to be made may be named before it exists (the string of
      // the previous code and its own first byte).
      if (code > free_ent) corrupt("corrupt input.");
      stack[--sp] = fin_char;
      code = static_cast<uint32_t>(old_code);
    }
    while (code >= 256) {
      if (sp == 0) corrupt("corrupt input.");  // cannot happen with prefixes < entries
      stack[--sp] = suffix[code];
      code = prefix[code];
    }
    fin_char = static_cast<uint8_t>(code);
    if (sp == 0) corrupt("corrupt input.");
    stack[--sp] = fin_char;
    outbuf.insert(outbuf.end(), stack.begin() + static_cast<std::ptrdiff_t>(sp), stack.end());
    if (free_ent < max_max_code) {
      prefix[free_ent] = static_cast<uint16_t>(old_code);
      suffix[free_ent] = fin_char;
      ++free_ent;
    }
    old_code = in_code;
    if (outbuf.size() >= (1 << 16)) {
      out.write(outbuf.data(), outbuf.size());
      res.out_bytes += outbuf.size();
      outbuf.clear();
    }
  }
  out.write(outbuf.data(), outbuf.size());
  res.out_bytes += outbuf.size();
  res.in_bytes = bits.consumed();
  return res;
}

}  // namespace rigz
