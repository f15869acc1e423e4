// Compresses one block into a complete raw deflate stream. A worker owns one for its
// whole life, so compressor state is allocated once per thread, not once per block.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "compress/plan.h"
#include "compress/work_queue.h"
#include "io/big_buffer.h"

namespace rigz {

// How one block is compressed: a codec (an ISA-L or libdeflate level), or zlib at the
// plan's level.
struct BlockChoice {
  bool zlib = false;
  Codec codec{};
  // How far the codec's output on the sample came under zlib's, a fraction of zlib's
  // (0.03: 3% smaller); 0 where it did not or is not known. What a block may spend on
  // being cut into members (compress.cpp, Pipeline::cut).
  double room = 0;
  // A careful block whose sample a mix of two levels would meet takes the stronger, `codec`,
  // whole; where a small input's block is cut into members, a share of them does and the
  // rest take `weak` (`takes_share`), as the blocks of a mix do.
  Codec weak{};
  double strong_share = 1;
};

// Whether number `index` of a sequence (a block, a member of one) is among the `share`
// (0 to 1) of them that take a mix's stronger level: the fractional part of index x the
// golden ratio, which spreads evenly over [0, 1), is below `share`. Number 0 is whenever
// `share` is above 0.
bool takes_share(uint64_t index, double share);

// What a block of that choice costs to compress, relative to the others of an input:
// the codec's level, zlib two above its own (zlib 9 is slower than libdeflate 10 on
// FASTQ, zlib 6 about libdeflate 8's speed). It orders the compression of sampled blocks,
// and the dearest are cut into pieces that threads share (compress.cpp); a function of
// the choice alone, so the output stays the same for every thread count.
unsigned effort(const BlockChoice& choice, const CompressionPlan& plan);

class BlockCompressor {
 public:
  virtual ~BlockCompressor() = default;
  // The choice for [data, data+len), the block numbered `seq` (from 0) of its input
  // (from its sample, or its group's).
  virtual BlockChoice choose(const uint8_t* data, size_t len, uint64_t seq) = 0;
  // Appends the raw deflate stream (ending with a final block) of the block, as chosen.
  virtual void compress(const uint8_t* data, size_t len, const BlockChoice& choice, ByteBuffer& out) = 0;
  // Appends one piece of a longer deflate stream that zlib compresses at the plan's level,
  // as pigz does: primed with the `dict_len` bytes before it (up to 32 KiB, at `data -
  // dict_len`), so that pieces compressed apart chain into the stream one pass would have
  // made but for their block ends; ending byte-aligned (an empty stored block), or, where
  // `last`, with the final block.
  virtual void compress_piece(const uint8_t* data, size_t len, size_t dict_len, bool last, ByteBuffer& out) = 0;
};

// What the sample of a block decided (block_compressor.cpp): the codec for the whole
// block, a mix of two, or zlib. A group of blocks shares its first block's decision.
struct BlockDecision {
  enum class Kind { own, codec, mix, zlib } kind = Kind::own;  // own: each block samples itself
  Codec codec{};                                               // kind codec; a mix's stronger level
  Codec weak{};                                                // a mix's cheaper level
  double weak_size = 0, strong_size = 0, zlib_size = 0;        // a mix's sample sizes
  double room = 0;                                             // kind codec: BlockChoice::room
  uint64_t fingerprint = 0;                                    // of the sample's bytes
};
using DecisionBoard = Noticeboard<BlockDecision>;

// A board for the workers of one input, of which up to `blocks_in_flight` consecutive
// blocks are being compressed at a time.
std::unique_ptr<DecisionBoard> make_decision_board(size_t blocks_in_flight);

// `board`: where the workers of one input share decisions, where the plan has them
// (`shared_sample`); without one every block samples itself.
std::unique_ptr<BlockCompressor> make_block_compressor(const CompressionPlan& plan, DecisionBoard* board = nullptr);

}  // namespace rigz
