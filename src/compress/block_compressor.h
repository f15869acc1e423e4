// Compresses one block into a complete raw deflate stream. A worker owns one for its
// whole life, so compressor state is allocated once per thread, not once per block.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "compress/plan.h"
#include "io/big_buffer.h"

namespace rigz {

class BlockCompressor {
 public:
  virtual ~BlockCompressor() = default;
  // Appends the raw deflate stream (ending with a final block) of [data, data+len),
  // the block numbered `seq` (from 0) of its input.
  virtual void compress(const uint8_t* data, size_t len, uint64_t seq, ByteBuffer& out) = 0;
};

std::unique_ptr<BlockCompressor> make_block_compressor(const CompressionPlan& plan);

}  // namespace rigz
