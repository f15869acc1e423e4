#include "compress/plan.h"

namespace rigz {

CompressionPlan plan_compression(int level, size_t block_size, bool independent) {
  CompressionPlan p{Backend::libdeflate, level, size_t(1) << 20, true};
  if (independent) p = {Backend::zlib, level, size_t(128) << 10, false};
  if (block_size) p.block_size = block_size;
  return p;
}

}  // namespace rigz
