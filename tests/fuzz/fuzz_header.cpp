// libFuzzer target: parse_gzip_header on arbitrary bytes.
// Checks, besides the sanitizers' memory checks: a parsed header is exactly what
// write_gzip_header writes back for the fields it returned, and every shorter prefix of it
// is need_more (never ok, never a different verdict); describe_header_problem has words
// for every failure.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "format/gzip_header.h"
#include "fuzz_common.h"

using rigz::GzipHeader;
using rigz::HeaderStatus;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  GzipHeader h;
  size_t used = 0;
  const HeaderStatus st = rigz::parse_gzip_header(data, size, h, used);
  if (st != HeaderStatus::ok) {
    // The message for it reads only the bytes that are there.
    FUZZ_CHECK(!rigz::describe_header_problem(st, data, size).empty());
    // A verdict on the bytes present: an error stays the same with more bytes after them.
    if (st != HeaderStatus::need_more && size < 64) {
      std::vector<uint8_t> more(data, data + size);
      more.resize(size + 64, 0);
      GzipHeader h2;
      size_t used2 = 0;
      FUZZ_CHECK(rigz::parse_gzip_header(more.data(), more.size(), h2, used2) == st);
    }
    return 0;
  }
  FUZZ_CHECK(used >= 10 && used <= size);
  FUZZ_CHECK(h.has_extra == bool(data[3] & 4));
  FUZZ_CHECK(h.has_name == bool(data[3] & 8));
  FUZZ_CHECK(h.has_comment == bool(data[3] & 16));
  FUZZ_CHECK(h.has_hcrc == bool(data[3] & 2));
  FUZZ_CHECK(h.name.find('\0') == std::string::npos);
  FUZZ_CHECK(h.comment.find('\0') == std::string::npos);

  const std::vector<uint8_t> again = rigz::write_gzip_header(h);
  FUZZ_CHECK(again.size() == used);
  FUZZ_CHECK(std::memcmp(again.data(), data, used) == 0);

  // Prefixes: need_more. Each in a buffer of its exact size, so ASan sees any overread.
  const size_t step = used > 256 ? used / 64 : 1;
  for (size_t len = 0; len < used; len += step) {
    std::vector<uint8_t> part(data, data + len);
    GzipHeader hp;
    size_t used_p = 0;
    FUZZ_CHECK(rigz::parse_gzip_header(part.data(), part.size(), hp, used_p) == HeaderStatus::need_more);
  }
  return 0;
}
