// Shared by the fuzz targets: a checking abort, and output streams that keep only a
// digest (byte count and CRC-32), so that highly compressible inputs cost no memory.
#pragma once
#include <cstdint>
#include <cstdio>
#include <cstdlib>  // abort

#include "format/crc32.h"
#include "io/stream.h"

#define FUZZ_CHECK(cond)                                                             \
  do {                                                                               \
    if (!(cond)) {                                                                   \
      std::fprintf(stderr, "check failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
      std::abort();                                                                  \
    }                                                                                \
  } while (0)

namespace rigz::fuzz {

struct Digest {
  uint64_t len = 0;
  uint32_t crc = 0;
  void add(const uint8_t* p, size_t n) {
    crc = crc32_update(crc, p, n);
    len += n;
  }
  bool operator==(const Digest& o) const { return len == o.len && crc == o.crc; }
};

class DigestOutput : public OutputStream {
 public:
  void write(const uint8_t* buf, size_t n) override { digest.add(buf, n); }
  Digest digest;
};

}  // namespace rigz::fuzz
