// The .Z (LZW) decoder: round trips through a small compress-compatible encoder written
// here (its own code, from the format), the edge cases of the format, and hostile input.
#include "decompress/lzw.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <utility>

#include "io/error.h"
#include "test_support.h"

namespace rigz {
namespace {

using test::Bytes;

// Packs codes as compress does: least significant bit first, in groups of eight codes
// that are padded to their full size when the code width changes.
class CodeWriter {
 public:
  void put(uint32_t code, unsigned width) {
    acc_ |= static_cast<uint64_t>(code) << nbits_;
    nbits_ += width;
    while (nbits_ >= 8) {
      out.push_back(static_cast<uint8_t>(acc_));
      acc_ >>= 8;
      nbits_ -= 8;
    }
    ++in_group_;
  }
  void pad_group(unsigned width) {
    while (in_group_ % 8) put(0, width);
    in_group_ = 0;
  }
  void finish() {
    if (nbits_) out.push_back(static_cast<uint8_t>(acc_));
  }
  Bytes out;

 private:
  uint64_t acc_ = 0;
  unsigned nbits_ = 0;
  uint64_t in_group_ = 0;
};

// A block-mode LZW encoder that never clears its table. `dec_free` follows the
// decoder's next free entry (one behind the encoder's), which decides the code width.
Bytes lzw_compress(const Bytes& in, unsigned max_bits) {
  CodeWriter w;
  w.out = {0x1f, 0x9d, static_cast<uint8_t>(0x80 | max_bits)};
  if (in.empty()) return w.out;
  const uint32_t max_max = 1u << max_bits;
  std::map<std::pair<uint32_t, uint8_t>, uint32_t> dict;
  uint32_t enc_free = 257, dec_free = 257, width = 9, max_code = 511;
  bool first = true;
  auto emit = [&](uint32_t code) {
    if (!first) {
      if (dec_free > max_code) {
        w.pad_group(width);
        ++width;
        max_code = width == max_bits ? max_max : (1u << width) - 1;
      }
    }
    w.put(code, width);
    if (!first && dec_free < max_max) ++dec_free;
    first = false;
  };
  uint32_t cur = in[0];
  for (size_t i = 1; i < in.size(); ++i) {
    auto it = dict.find({cur, in[i]});
    if (it != dict.end()) {
      cur = it->second;
      continue;
    }
    emit(cur);
    if (enc_free < max_max) dict[{cur, in[i]}] = enc_free++;
    cur = in[i];
  }
  emit(cur);
  w.finish();
  return w.out;
}

Bytes lzw_decompress(const Bytes& z) {
  MemoryInput in(z.data(), z.size());
  MemoryOutput out;
  LzwResult r = decompress_lzw(in, out);
  EXPECT_EQ(r.out_bytes, out.data.size());
  EXPECT_EQ(r.in_bytes, z.size());
  return out.data;
}

std::string lzw_error(const Bytes& z) {
  try {
    lzw_decompress(z);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), Error::Kind::data);
    return e.what();
  }
  return "";
}

TEST(Lzw, KnownStream) {
  // compress -c of "TOBEORNOTTOBEORTOBEORNOT" (ncompress 4.2), 16-bit codes.
  const Bytes z = {0x1f, 0x9d, 0x90, 0x54, 0x9e, 0x08, 0x29, 0xf2, 0x44, 0x8a, 0x93,
                   0x27, 0x54, 0x02, 0x0e, 0x2c, 0xa8, 0x90, 0xa0, 0x41, 0x84};
  const std::string want = "TOBEORNOTTOBEORTOBEORNOT";
  EXPECT_EQ(lzw_decompress(z), Bytes(want.begin(), want.end()));
}

TEST(Lzw, RoundTrips) {
  for (unsigned bits : {10u, 12u, 16u}) {
    for (size_t size : {size_t(1), size_t(2), size_t(1000), size_t(300000)}) {
      for (unsigned random_pct : {0u, 50u, 100u}) {
        Bytes data = test::make_data(size, bits * 7 + static_cast<unsigned>(size), random_pct);
        EXPECT_EQ(lzw_decompress(lzw_compress(data, bits)), data) << bits << " bits, " << size << " bytes";
      }
    }
  }
  Bytes zeros(200000, 0);  // long strings, the KwKwK case at every step
  EXPECT_EQ(lzw_decompress(lzw_compress(zeros, 16)), zeros);
}

TEST(Lzw, HeaderOnlyIsEmpty) { EXPECT_TRUE(lzw_decompress({0x1f, 0x9d, 0x90}).empty()); }

TEST(Lzw, TruncatedHeader) { EXPECT_EQ(lzw_error({0x1f, 0x9d}), "unexpected end of file"); }

TEST(Lzw, TooManyBits) {
  EXPECT_EQ(lzw_error({0x1f, 0x9d, 0x91, 0x41, 0x00}), "compressed with 17 bits, can only handle 16 bits");
}

TEST(Lzw, UndefinedCodes) {
  // The first code must be a byte: 0x101 (257) is not.
  EXPECT_EQ(lzw_error({0x1f, 0x9d, 0x90, 0x01, 0x03}), "corrupt input.");
  // 'A' (0x41) then 0x1ff, far past the next free entry (257).
  EXPECT_EQ(lzw_error({0x1f, 0x9d, 0x90, 0x41, 0xfe, 0x03}), "corrupt input.");
}

TEST(Lzw, HostileInputNeverCrashes) {
  std::mt19937 rng(12345);
  const Bytes good = lzw_compress(test::make_data(50000, 3, 20), 16);
  for (int i = 0; i < 300; ++i) {
    Bytes z = good;
    if (i % 2) {
      z.resize(3 + rng() % 4000);
      for (size_t k = 3; k < z.size(); ++k) z[k] = static_cast<uint8_t>(rng());
      z[2] = static_cast<uint8_t>(rng());
    } else {
      for (int k = 0; k < 4; ++k) z[3 + rng() % (z.size() - 3)] ^= static_cast<uint8_t>(1 + rng() % 255);
    }
    MemoryInput in(z.data(), z.size());
    NullOutput out;
    try {
      decompress_lzw(in, out);
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), Error::Kind::data);
    }
  }
}

}  // namespace
}  // namespace rigz
