// The format, as pack wrote it and gzip reads it:
//   1f 1e, the original size (4 bytes, big-endian), the largest code length L (1..24),
//   for each length 1..L the number of leaves of that length (the last one stored minus
//   2), then the bytes of the leaves, shortest codes first; the end-of-block code is the
//   last leaf of length L and has no byte. Codes are canonical: at each length the
//   lowest values are the prefixes of longer codes, the leaves follow. Bits are read
//   most significant first.
#include "decompress/pack.h"

#include <array>
#include <vector>

#include "io/error.h"
#include "io/input_window.h"

namespace rigz {
namespace {

constexpr unsigned kMaxLength = 24;  // gzip's limit for pack codes

[[noreturn]] void corrupt(const char* what) { throw Error(Error::Kind::data, what); }

// Bytes one at a time; the stream's last byte is the last one taken, so what follows it
// stays in the window.
class ByteReader {
 public:
  explicit ByteReader(InputWindow& in) : in_(in), start_(in.consumed()) {}
  uint8_t byte() {
    if (in_.size() == 0 && !in_.refill()) corrupt("unexpected end of file");
    const uint8_t b = in_.data()[0];
    in_.consume(1);
    return b;
  }
  uint64_t consumed() const { return in_.consumed() - start_; }

 private:
  InputWindow& in_;
  uint64_t start_;
};

}  // namespace

PackResult decompress_pack(InputStream& in, OutputStream& out) {
  InputWindow window(in, size_t(1) << 16);
  return decompress_pack(window, out);
}

PackResult decompress_pack(InputWindow& in, OutputStream& out) {
  ByteReader r(in);
  uint8_t magic[2] = {r.byte(), r.byte()};
  if (!is_pack_magic(magic, 2)) corrupt("not in gzip format");
  uint32_t size = 0;
  for (int i = 0; i < 4; ++i) size = size << 8 | r.byte();
  const unsigned max_len = r.byte();
  if (max_len == 0 || max_len > kMaxLength) corrupt("invalid compressed data -- Huffman code bit length out of range");

  // Leaves per length; a tree can have at most `room` of them at each length.
  std::array<unsigned, kMaxLength + 1> leaves{}, parents{}, base{};
  unsigned total = 0;
  uint64_t room = 1;
  for (unsigned len = 1; len <= max_len; ++len) {
    room *= 2;
    leaves[len] = r.byte();
    if (len == max_len) leaves[len] += 2;  // stored minus 2; the end code is one of them
    if (leaves[len] > room) corrupt("too many leaves in Huffman tree");
    room -= leaves[len];
    total += leaves[len];
  }
  if (total > 257) corrupt("too many leaves in Huffman tree");
  std::vector<uint8_t> literal(total);
  for (unsigned i = 0; i + 1 < total; ++i) literal[i] = r.byte();  // the end code has none

  // Canonical codes, from the longest length up: the prefixes at a length are half the
  // codes (prefixes and leaves) one bit longer. base[len] turns a leaf's code into its
  // index in literal[].
  unsigned nodes = 0, first = 0;
  for (unsigned len = 1; len <= max_len; ++len) {
    base[len] = first;
    first += leaves[len];
  }
  for (unsigned len = max_len; len >= 1; --len) {
    nodes /= 2;
    parents[len] = nodes;
    nodes += leaves[len];
  }
  const unsigned end_code = leaves[max_len] - 1;  // at length max_len, where there are no prefixes

  PackResult res;
  std::vector<uint8_t> buf;
  buf.reserve(1 << 16);
  uint32_t bits = 0;  // read but not used, most significant first
  unsigned nbits = 0;
  for (;;) {
    unsigned len = 0;
    uint32_t code = 0;
    do {
      if (++len > max_len) corrupt("invalid compressed data--format violated");
      if (nbits == 0) {
        bits = r.byte();
        nbits = 8;
      }
      code = code << 1 | ((bits >> --nbits) & 1);
    } while (code < parents[len]);
    if (len == max_len && code == end_code) break;
    const uint32_t index = code - parents[len];
    if (index >= leaves[len]) corrupt("invalid compressed data--format violated");  // no such code
    buf.push_back(literal[base[len] + index]);
    if (buf.size() == buf.capacity()) {
      out.write(buf.data(), buf.size());
      res.out_bytes += buf.size();
      buf.clear();
    }
  }
  out.write(buf.data(), buf.size());
  res.out_bytes += buf.size();
  res.in_bytes = r.consumed();
  if (res.out_bytes != size) corrupt("invalid compressed data--length error");
  return res;
}

}  // namespace rigz
