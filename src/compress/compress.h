// Parallel gzip compression of a stream: the pipeline of docs/design.md.
#pragma once
#include <cstddef>
#include <cstdint>

#include "format/gzip_header.h"
#include "io/stream.h"

namespace rigz {

struct CompressOptions {
  int level = 6;             // 1..9
  unsigned threads = 1;      // compression workers
  size_t block_size = 0;     // bytes of input per block (>= 32 KiB); 0: the plan's
  bool independent = false;  // -i: accepted for pigz; blocks are always independent
  bool rsyncable = false;    // -R: block boundaries follow the content
  GzipHeader header;         // written as is (xfl filled in from level)
};

struct CompressResult {
  uint64_t in_bytes = 0;
  uint64_t out_bytes = 0;
  uint32_t crc = 0;
};

// Reads `in` to its end and writes one gzip member to `out`. Memory stays within a few
// blocks per thread whatever the input size. Throws Error on I/O failure.
CompressResult compress_gzip(InputStream& in, OutputStream& out, const CompressOptions& opts);

}  // namespace rigz
