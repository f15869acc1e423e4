// How a compression level is served: the measured choices of docs/benchmarks.md in
// one table.
//
// Every level writes independent blocks, each a gzip member of its own with its size
// in the header (docs/formats.md). A block is compressed by the first codec of
// `candidates` (an ISA-L or libdeflate level) whose output, on a sample of the block, is
// no larger than zlib's at the requested level (with `margin` of slack for libdeflate),
// or by a mix of it and the cheapest libdeflate level (block_compressor.cpp); if none
// is, by the strongest candidate where its sample was within 2% of zlib's, else by
// `fallback` where its sample meets the size, else by zlib itself (as are blocks small
// enough to be their own sample). Past the first blocks, up to level 7, groups of four
// blocks share their first block's decision where their bytes look alike
// (`shared_sample`). So the output tracks zlib's (pigz's) size at the speed
// of the cheapest codec that matches it for that kind of data: no single fixed one does
// (text, binaries and FASTQ need different ones).
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace rigz {

// One deflate encoder at one of its levels.
struct Codec {
  enum class Library { isal, libdeflate } library;
  int level;
};

struct CompressionPlan {
  int zlib_level;                 // the reference (and last resort) level
  std::vector<Codec> candidates;  // cheapest first
  bool sample = true;             // false: candidates[0] always (it beats zlib everywhere)
  double margin = 0.004;          // accepted size excess of libdeflate over zlib on the sample
  double mix_margin = -0.003;     // target of a mix of two codecs (block_compressor.cpp)
  bool uneven = false;            // blocks may take very unequal times (libdeflate 7 to 10)
  bool costliest_first = false;   // blocks are sampled ahead and the dearest compressed first
  int fallback = 0;               // libdeflate level tried before zlib where none qualifies (0: none)
  bool shared_sample = false;     // groups of blocks share one sample's decision (block_compressor.cpp)
  bool cut_blocks = false;        // a small input: its blocks of libdeflate 10, or with room, are cut into members
  size_t block_size;
};

// `block_size` 0 takes the plan's default, which at some levels depends on `input_size`,
// the input's length where it is known (a regular file, memory).
CompressionPlan plan_compression(int level, size_t block_size, std::optional<uint64_t> input_size = std::nullopt);

}  // namespace rigz
