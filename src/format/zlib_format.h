// The zlib wrapper (RFC 1950) around a deflate stream: a two-byte header and the
// Adler-32 of the data, big-endian, after it. pigz -z writes it, suffix .zz.
#pragma once
#include <cstddef>
#include <cstdint>

namespace rigz {

constexpr size_t kZlibHeaderSize = 2, kZlibTrailerSize = 4;

// The header as pigz writes it: deflate with a 32 KiB window, and FLEVEL as a clue to
// the level (3 for 9 and above, 0 for 1, 1 for 6 to 8, 2 otherwise).
void write_zlib_header(uint8_t out[kZlibHeaderSize], int level);

enum class ZlibHeaderStatus { ok, not_zlib, needs_dictionary };
// Whether two bytes start a zlib stream: method 8, a window of at most 32 KiB and a
// valid check; needs_dictionary when FDICT is set (a preset dictionary, which no file
// tool can supply).
ZlibHeaderStatus check_zlib_header(const uint8_t* data, size_t len);

inline void put_be32(uint8_t* out, uint32_t v) {
  out[0] = static_cast<uint8_t>(v >> 24);
  out[1] = static_cast<uint8_t>(v >> 16);
  out[2] = static_cast<uint8_t>(v >> 8);
  out[3] = static_cast<uint8_t>(v);
}
inline uint32_t get_be32(const uint8_t* in) {
  return uint32_t(in[0]) << 24 | uint32_t(in[1]) << 16 | uint32_t(in[2]) << 8 | in[3];
}

}  // namespace rigz
