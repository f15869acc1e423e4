// libFuzzer target: decompress_lzw (.Z) on arbitrary bytes. It must never crash, hang or
// throw anything but rigz::Error with kind data, and it reports what it read and wrote.
#include <cstddef>
#include <cstdint>

#include "decompress/lzw.h"
#include "fuzz_common.h"
#include "io/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  rigz::MemoryInput in(data, size);
  rigz::fuzz::DigestOutput out;
  try {
    rigz::LzwResult r = rigz::decompress_lzw(in, out);
    FUZZ_CHECK(r.out_bytes == out.digest.len);
    FUZZ_CHECK(r.in_bytes == size);
  } catch (const rigz::Error& e) {
    FUZZ_CHECK(e.kind() == rigz::Error::Kind::data);
  }
  return 0;
}
