// Which backend, backend level and block size serve a compression level: the
// measured choices of docs/benchmarks.md, kept in one table.
#pragma once
#include <cstddef>

namespace rigz {

enum class Backend { zlib, libdeflate };

struct CompressionPlan {
  Backend backend;
  int backend_level;
  size_t block_size;
  // true: every block is a gzip member of its own, independent of the others and
  // indexed (docs/formats.md); false: one member, blocks chained by a 32 KiB dictionary.
  bool members;
};

// `block_size` 0 takes the plan's default; `independent` (-i) keeps the zlib chain
// but without dictionaries.
CompressionPlan plan_compression(int level, size_t block_size, bool independent);

}  // namespace rigz
