// libFuzzer target: decompress_gzip on arbitrary bytes.
// It must never crash, hang or throw anything but rigz::Error with kind data, and it must
// agree with zlib walking the input by gzip's rules (tests/unit/test_support.h: members one
// after another, anything after a member that starts with the magic is a member, zeros or
// other bytes end the input): the same verdict, output, member count and trailing-garbage
// flag. The parallel path for indexed members (3 threads) must agree with the streaming
// path (1 thread) the same way.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <optional>

#include "decompress/decompress.h"
#include "fuzz_common.h"
#include "io/error.h"
#include "test_support.h"

namespace {

using rigz::fuzz::Digest;

struct Outcome {
  bool ok = false;
  Digest digest;
  unsigned members = 0;
  bool trailing_garbage = false;
  uint64_t in_bytes = 0;
};

Outcome run_rigz(const uint8_t* data, size_t size, unsigned threads) {
  rigz::MemoryInput in(data, size);
  rigz::fuzz::DigestOutput out;
  rigz::DecompressOptions opts;
  rigz::test::set_decompress_threads(opts, threads);
  Outcome o;
  try {
    rigz::DecompressResult r = rigz::decompress_gzip(in, out, opts);
    o.ok = true;
    o.members = r.members;
    o.trailing_garbage = r.trailing_garbage;
    o.in_bytes = r.in_bytes;
    FUZZ_CHECK(r.out_bytes == out.digest.len);
    FUZZ_CHECK(r.in_bytes <= size);
    FUZZ_CHECK(r.members >= 1);
  } catch (const rigz::Error& e) {
    FUZZ_CHECK(e.kind() == rigz::Error::Kind::data);
  }
  o.digest = out.digest;
  return o;
}

// The parallel path costs threads and buffers on every call (a third of the speed), so it
// runs where it can matter: inputs that hold an index subfield id ("RZ", "BC"), and one
// input in eight besides.
bool worth_parallel(const uint8_t* data, size_t size) {
  for (size_t i = 0; i + 1 < size; ++i)
    if ((data[i] == 'R' && data[i + 1] == 'Z') || (data[i] == 'B' && data[i + 1] == 'C')) return true;
  return rigz::crc32_update(0, data, size) % 8 == 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Outcome one = run_rigz(data, size, 1);
  if (worth_parallel(data, size)) {
    const Outcome par = run_rigz(data, size, 3);
    FUZZ_CHECK(one.ok == par.ok);
    if (one.ok) {
      FUZZ_CHECK(one.digest == par.digest);
      FUZZ_CHECK(one.members == par.members);
      FUZZ_CHECK(one.trailing_garbage == par.trailing_garbage);
      FUZZ_CHECK(one.in_bytes == par.in_bytes);
    }
  }
  Digest zd;
  auto z = rigz::test::zlib_gunzip_to(data, size, [&](const uint8_t* p, size_t n) { zd.add(p, n); });
  FUZZ_CHECK(one.ok == z.has_value());
  if (one.ok) {
    FUZZ_CHECK(one.digest == zd);
    FUZZ_CHECK(one.members == z->members);
    FUZZ_CHECK(one.trailing_garbage == z->trailing_garbage);
  }
  return 0;
}
