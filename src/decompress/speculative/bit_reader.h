// The decoder's bit input: a 64-bit LSB-first bit buffer (deflate's bit order) over a
// byte range, refilled eight bytes at a time.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace rigz::spec {

inline uint64_t load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;  // little-endian hosts (x86-64, aarch64): the first byte is the low one
}

// A 64-bit LSB-first bit buffer over in[0, size). Past the end it feeds zero bytes and
// counts them, so that the decoder never reads out of bounds; position() beyond size * 8
// then tells that the input was too short.
struct BitReader {
  const uint8_t* begin;
  const uint8_t* p;
  const uint8_t* end;
  uint64_t buf = 0;
  unsigned count = 0;  // valid bits in buf
  size_t padding = 0;  // zero bytes fed past the end

  BitReader(const uint8_t* in, size_t size, uint64_t bit) : begin(in), p(in + bit / 8), end(in + size) {
    if (p > end) {  // a start past the end: all padding
      padding = static_cast<size_t>(p - end);
      p = end;
    }
    refill();
    skip(static_cast<unsigned>(bit % 8));
  }
  uint64_t position() const { return (static_cast<uint64_t>(p - begin) + padding) * 8 - count; }
  size_t left() const { return static_cast<size_t>(end - p); }
  // At least 56 valid bits afterwards. The bits above `count` are either zero or the
  // stream's next bits, so OR-ing the same bytes again is harmless.
  void refill() {
    if (left() >= 8) {
      buf |= load64(p) << count;
      p += (63 - count) >> 3;
      count |= 56;
      return;
    }
    while (count <= 56) {
      uint64_t byte = 0;
      if (p < end)
        byte = *p++;
      else
        ++padding;
      buf |= byte << count;
      count += 8;
    }
  }
  uint64_t peek() {
    if (count < 32) refill();
    return buf;
  }
  void skip(unsigned n) {
    buf >>= n;
    count -= n;
  }
  // Drops the bits up to the next byte boundary, then hands whole bytes back to the
  // input so that p is the exact byte position (stored blocks copy from there).
  void align_and_rewind() {
    skip(count % 8);
    const unsigned bytes = count / 8;
    if (padding >= bytes) {
      padding -= bytes;
    } else {
      p -= bytes - padding;
      padding = 0;
    }
    buf = 0;
    count = 0;
  }
};

}  // namespace rigz::spec
