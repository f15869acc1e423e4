// One block of the parallel deflate stream: the interface every backend implements.
// A worker owns one BlockCompressor for its whole life, so backend state is allocated
// once per thread, not once per block.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace rigz {

struct BlockInput {
  const uint8_t* dict;  // up to 32 KiB preceding the block (may be empty)
  size_t dict_len;
  const uint8_t* data;
  size_t len;
  bool last;  // the final block: ends the deflate stream (BFINAL)
};

class BlockCompressor {
 public:
  virtual ~BlockCompressor() = default;
  // Appends the raw deflate for `in` to `out`. A block that is not last ends on a byte
  // boundary and leaves the stream open, so blocks can simply be concatenated.
  virtual void compress(const BlockInput& in, std::vector<uint8_t>& out) = 0;
};

// zlib: uses the dictionary; a block that is not last ends with a sync flush.
std::unique_ptr<BlockCompressor> make_zlib_block_compressor(int level);
// libdeflate (levels 1-12): ignores the dictionary; every block is a complete stream.
std::unique_ptr<BlockCompressor> make_libdeflate_block_compressor(int level);

}  // namespace rigz
