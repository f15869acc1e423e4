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

// The Kraft sums of four 3-bit code lengths (0: unused), in units of 2^-7.
struct KraftTable {
  uint16_t sum[4096];
  constexpr KraftTable() : sum() {
    for (unsigned v = 0; v < 4096; ++v)
      for (unsigned i = 0; i < 4; ++i) {
        const unsigned len = (v >> (3 * i)) & 7;
        if (len) sum[v] += static_cast<uint16_t>(128u >> len);
      }
  }
};
constexpr KraftTable kKraft;

// The cheap tests first: HLIT and HDIST in range, and a complete code-length code (its
// Kraft sum is exactly 1, four lengths a table look-up); only then the full code
// definitions.
bool plausible_dynamic(const uint8_t* in, size_t size, uint64_t p, uint64_t head) {
  if (((head >> 3) & 31) > 29 || ((head >> 8) & 31) > 29) return false;
  const unsigned ncode = 4 + ((head >> 13) & 15);
  const uint64_t lens = bits_at(in, size, p + 17) & ((uint64_t(1) << (3 * ncode)) - 1);
  const unsigned kraft = kKraft.sum[lens & 4095] + kKraft.sum[(lens >> 12) & 4095] + kKraft.sum[(lens >> 24) & 4095] +
                         kKraft.sum[(lens >> 36) & 4095] + kKraft.sum[lens >> 48];
  if (kraft != 128) return false;
  BitReader br(in, size, p + 3);
  if (read_dynamic_tables(br, nullptr, nullptr, true) != nullptr) return false;
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

// The 64 bits of in[] from bit p on, all valid: in[] must hold 16 bytes from p / 8.
uint64_t word_at(const uint8_t* in, uint64_t p) {
  const unsigned s = p % 8;
  const uint64_t lo = load64(in + p / 8);
  return s ? lo >> s | load64(in + p / 8 + 8) << (64 - s) : lo;
}

// A mask of the positions p + k (k < 64) where a non-final dynamic header with HLIT and
// HDIST in range may start, or a stored header: bit k of `bit(j)` is the stream's bit
// p + k + j, so 64 positions are tested with a few word operations.
uint64_t header_mask(const uint8_t* in, uint64_t p) {
  const uint64_t w0 = word_at(in, p), w1 = word_at(in, p + 64);
  auto bit = [&](unsigned j) { return j ? w0 >> j | w1 << (64 - j) : w0; };
  // BFINAL 0 and BTYPE 2: bits 0, 0, 1. HLIT (bits 3-7) or HDIST (8-12) above 29: their
  // four high bits all set.
  const uint64_t dynamic =
      ~bit(0) & ~bit(1) & bit(2) & ~(bit(4) & bit(5) & bit(6) & bit(7)) & ~(bit(9) & bit(10) & bit(11) & bit(12));
  // A stored header has its LEN = ~NLEN at one of the bytes its padding may reach, which
  // holds by chance once in 65536 bytes: only then are its 000 positions worth a look.
  // The LEN bytes of positions p to p + 63 are the nine from (p + 10) / 8: two words of
  // LEN ^ NLEN at each byte offset.
  const uint64_t first = (p + 10) / 8;
  const uint64_t x0 = load64(in + first), x1 = load64(in + first + 5);
  const uint64_t y0 = x0 ^ x0 >> 16, y1 = x1 ^ x1 >> 16;
  bool len_nlen = false;
  for (unsigned i = 0; i < 5; ++i) len_nlen |= (y0 >> (8 * i) & 0xffff) == 0xffff;
  for (unsigned i = 0; i < 4; ++i) len_nlen |= (y1 >> (8 * i) & 0xffff) == 0xffff;
  return len_nlen ? dynamic | (~bit(0) & ~bit(1) & ~bit(2)) : dynamic;
}

// The header at p, tested in full.
std::optional<Candidate> candidate_at(const uint8_t* in, size_t size, uint64_t p) {
  const uint64_t head = bits_at(in, size, p);
  const unsigned type = head & 7;  // BFINAL = 0, then BTYPE
  if (type == 4) {
    if (plausible_dynamic(in, size, p, head)) return Candidate{{p, false}, p + 1};
  } else if (type == 0) {
    uint64_t len_bit = 0;
    // The next candidate header lies past this block's possible header positions.
    if (plausible_stored(in, size, p, head, len_bit)) return Candidate{{len_bit, true}, len_bit - 2};
  }
  return std::nullopt;
}

}  // namespace

// Most positions fail on their first bits: those are tested 64 at a time (header_mask()),
// and only the few that pass one by one; near the end of the input, all one by one. With
// the code checks that build no tables (read_dynamic_tables()), 5x the speed of testing
// every position in full: `inflate_bench` on the first 8 MB of linux-src.tar from pigz -6
// and igzip -1 and reads.fastq from pigz -6, 20 / 20 / 16 MB/s of input before, 99 / 102 /
// 98 after (2-core VM, best of 3). igzip -1 writes blocks of 100 KB and more, so a chunk's
// search for its start took longer than decoding much of it.
std::optional<Candidate> find_block_start(const uint8_t* in, size_t size, uint64_t from_bit, uint64_t limit_bit) {
  const uint64_t end = std::min<uint64_t>(limit_bit, uint64_t(size) * 8);
  uint64_t p = from_bit;
  // A dynamic header's tests read up to 17 + 57 bits past its start (plausible_dynamic()
  // reads on, but only through bits_at() and BitReader, which stop at the end).
  for (; p + 64 <= end && p / 8 + 8 + 24 <= size; p += 64)
    for (uint64_t mask = header_mask(in, p); mask; mask &= mask - 1)
      if (auto cand = candidate_at(in, size, p + static_cast<uint64_t>(__builtin_ctzll(mask)))) return cand;
  for (; p < end; ++p)
    if (auto cand = candidate_at(in, size, p)) return cand;
  return std::nullopt;
}

}  // namespace rigz::spec
