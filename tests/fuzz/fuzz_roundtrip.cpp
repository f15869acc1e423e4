// libFuzzer target: compress arbitrary bytes with options taken from the first bytes,
// then decompress with rigz (streaming and parallel) and with zlib, and compare.
// Also checks that the output does not depend on the thread count.
//
// Input layout: [level] [threads] [block] [shape] [header] payload...
//   block: low 3 bits pick the block size, 0x40 --rsyncable, 0x80 -i
//   shape picks how the payload is stretched into the data to compress (as is, repeated,
//   repeated with a counter mixed in, or pseudo-random), so that short fuzz inputs still
//   span several blocks.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "compress/compress.h"
#include "decompress/decompress.h"
#include "format/crc32.h"
#include "fuzz_common.h"
#include "test_support.h"

namespace {

using rigz::test::Bytes;

// Sets CompressOptions::rsyncable where the library has it.
template <class O>
void set_rsyncable(O& o, bool on) {
  if constexpr (requires { o.rsyncable; }) o.rsyncable = on;
}

Bytes stretch(const uint8_t* p, size_t n, uint8_t shape) {
  Bytes out(p, p + n);
  if (n == 0) return out;
  const size_t target = size_t(1 + (shape >> 2)) * 2048;  // up to 128 KiB
  switch (shape & 3) {
    case 0:
      break;
    case 1:  // repeated
      while (out.size() < target) out.insert(out.end(), p, p + std::min(n, target - out.size()));
      break;
    case 2:  // repeated, each copy changed: matches but not runs
      for (uint32_t k = 1; out.size() < target; ++k)
        for (size_t i = 0; i < n && out.size() < target; ++i) out.push_back(static_cast<uint8_t>(p[i] + k * 31));
      break;
    case 3: {  // pseudo-random bytes seeded by the payload: incompressible
      uint32_t x = rigz::crc32_update(0, p, n) | 1;
      while (out.size() < target) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        out.push_back(static_cast<uint8_t>(x));
      }
      break;
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 5) return 0;
  rigz::CompressOptions opts;
  opts.level = data[0] % 13;  // 0 (stored) .. 12
  const unsigned threads = 1 + data[1] % 4;
  // 0: the plan's default (large, and costly to allocate: one in eight); 1000 is raised to 32 KiB.
  static const size_t kBlocks[] = {0, 32 << 10, 33 << 10, 40 << 10, 64 << 10, 100 << 10, 128 << 10, 1000};
  opts.block_size = kBlocks[data[2] % 8];
  opts.independent = data[2] & 0x80;
  set_rsyncable(opts, data[2] & 0x40);
  const uint8_t hflags = data[4];
  const Bytes input = stretch(data + 5, size - 5, data[3]);
  if (hflags & 1) {
    opts.header.has_name = true;
    for (size_t i = 5; i < size && i < 40; ++i)
      if (data[i]) opts.header.name.push_back(static_cast<char>(data[i]));
  }
  if (hflags & 2) {
    opts.header.has_comment = true;
    opts.header.comment = "fuzz";
  }
  if (hflags & 4) {
    opts.header.has_extra = true;
    opts.header.extra.assign(data + 5, data + std::min<size_t>(size, 5 + (hflags >> 3)));
  }
  opts.header.text = hflags & 8;
  opts.header.mtime = hflags * 0x01010101u;

  // Reference: one thread. Then the requested thread count must give the same bytes.
  opts.threads = 1;
  rigz::CompressResult cr;
  const Bytes gz = rigz::test::compress(input, opts, &cr);
  FUZZ_CHECK(cr.in_bytes == input.size());
  FUZZ_CHECK(cr.out_bytes == gz.size());
  FUZZ_CHECK(cr.crc == rigz::crc32_update(0, input.data(), input.size()));
  if (threads > 1) {
    opts.threads = threads;
    FUZZ_CHECK(rigz::test::compress(input, opts) == gz);
  }

  auto z = rigz::test::zlib_gunzip(gz);
  FUZZ_CHECK(z.has_value());
  FUZZ_CHECK(z->out == input);
  FUZZ_CHECK(!z->trailing_garbage);

  for (unsigned dthreads : {1u, 3u}) {
    rigz::DecompressOptions dopts;
    rigz::test::set_decompress_threads(dopts, dthreads);
    rigz::DecompressResult dr;
    const Bytes back = rigz::test::decompress(gz, &dr, dopts);
    FUZZ_CHECK(back == input);
    FUZZ_CHECK(dr.members == z->members);
    FUZZ_CHECK(dr.in_bytes == gz.size());
    FUZZ_CHECK(!dr.trailing_garbage);
    FUZZ_CHECK(dr.first_header.has_name == opts.header.has_name);
    FUZZ_CHECK(dr.first_header.name == opts.header.name);
    FUZZ_CHECK(dr.first_header.comment == opts.header.comment);
    FUZZ_CHECK(dr.first_header.mtime == opts.header.mtime);
  }
  return 0;
}
