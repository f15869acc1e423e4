#include "format/zlib_format.h"

namespace rigz {

void write_zlib_header(uint8_t out[kZlibHeaderSize], int level) {
  unsigned flevel = level >= 9 ? 3 : level == 1 ? 0 : level >= 6 ? 1 : 2;
  unsigned head = (0x78u << 8) + (flevel << 6);
  head += 31 - head % 31;
  out[0] = static_cast<uint8_t>(head >> 8);
  out[1] = static_cast<uint8_t>(head);
}

ZlibHeaderStatus check_zlib_header(const uint8_t* data, size_t len) {
  if (len < 2) return ZlibHeaderStatus::not_zlib;
  const unsigned cmf = data[0], flg = data[1];
  if ((cmf & 0x0f) != 8 || (cmf >> 4) > 7 || ((cmf << 8) | flg) % 31 != 0) return ZlibHeaderStatus::not_zlib;
  return (flg & 0x20) ? ZlibHeaderStatus::needs_dictionary : ZlibHeaderStatus::ok;
}

}  // namespace rigz
