#include "compress/plan.h"

namespace rigz {

CompressionPlan plan_compression(int level, size_t block_size) {
  CompressionPlan p;
  p.zlib_level = level >= 1 && level <= 9 ? level : 9;  // the sample's reference
  // 2 MiB blocks: the dictionary lost at each block start costs under 0.2% there, and
  // even 100 MB spread over 48 blocks keeps 16 threads busy.
  p.block_size = block_size ? block_size : size_t(2) << 20;
  switch (level) {
    case 0:
      p.candidates = {0}, p.sample = false;
      break;  // stored blocks, as pigz -0
    case 10:
      p.candidates = {10}, p.sample = false;
      break;
    // pigz -11 is zopfli, 30-60x slower than libdeflate 12 for output within +0.8% of
    // zopfli's (docs/benchmarks.md). -12 trades parallelism for a little more ratio.
    case 11:
      p.candidates = {12}, p.sample = false;
      break;
    case 12:
      p.candidates = {12}, p.sample = false;
      if (!block_size) p.block_size = size_t(8) << 20;
      break;
    case 1:
      p.candidates = {1}, p.sample = false;
      break;  // libdeflate 1 beats zlib 1 in size everywhere
    case 2:
      p.candidates = {2, 3, 4};
      break;
    case 3:
      p.candidates = {3, 4, 5};
      break;
    case 4:
      p.candidates = {4, 5, 6};
      break;
    case 5:
      p.candidates = {5, 6, 7};
      break;
    case 6:
      p.candidates = {6, 7, 8};
      break;
    case 7:
      p.candidates = {7, 8, 9};
      break;
    default:
      p.candidates = {7, 8, 9, 10};
      break;  // 8 and 9
  }
  return p;
}

}  // namespace rigz
