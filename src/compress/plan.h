// How a compression level is served: the measured choices of docs/benchmarks.md in
// one table.
//
// Every level writes independent blocks, each a gzip member of its own with its size
// in the header (docs/formats.md). A block is compressed by the first libdeflate level
// of `candidates` whose output, on a sample of the block, is no larger than zlib's at
// the requested level (with `margin` of slack), or by a mix of it and the cheapest one
// (block_compressor.cpp); if none is, by the strongest candidate (zlib itself for blocks
// small enough to be their own sample). So the
// output tracks zlib's (pigz's) size at the speed of the cheapest libdeflate level that
// matches it for that kind of data: no single fixed level does (text, binaries and
// FASTQ need different ones).
#pragma once
#include <cstddef>
#include <vector>

namespace rigz {

struct CompressionPlan {
  int zlib_level;               // the reference (and fallback) level
  std::vector<int> candidates;  // libdeflate levels, cheapest first
  bool sample = true;           // false: candidates[0] always (it beats zlib everywhere)
  double margin = 0.004;        // accepted size excess over zlib on the sample
  double mix_margin = -0.003;   // target of a mix of two levels (block_compressor.cpp)
  bool uneven = false;          // blocks may take very unequal times (candidates 7 to 10)
  size_t block_size;
};

// `block_size` 0 takes the plan's default.
CompressionPlan plan_compression(int level, size_t block_size);

}  // namespace rigz
