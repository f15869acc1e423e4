// libdeflate backend: whole blocks without a dictionary (libdeflate has no preset
// dictionary), each a complete deflate stream. Its match finders are 2-4x faster than
// zlib's at equal or better ratio, which outweighs the dictionary lost at each block
// start when blocks are large (docs/benchmarks.md has the figures).
#include <libdeflate.h>

#include <stdexcept>

#include "compress/block_compressor.h"

namespace rigz {
namespace {

class LibdeflateBlockCompressor : public BlockCompressor {
 public:
  explicit LibdeflateBlockCompressor(int level) : c_(libdeflate_alloc_compressor(level)) {
    if (!c_) throw std::runtime_error("libdeflate: out of memory");
  }
  ~LibdeflateBlockCompressor() override { libdeflate_free_compressor(c_); }

  void compress(const BlockInput& in, std::vector<uint8_t>& out) override {
    const size_t start = out.size();
    out.resize(start + libdeflate_deflate_compress_bound(c_, in.len));
    size_t n = libdeflate_deflate_compress(c_, in.data, in.len, out.data() + start, out.size() - start);
    if (n == 0) throw std::runtime_error("libdeflate: compression failed");
    out.resize(start + n);
  }

 private:
  libdeflate_compressor* c_;
};

}  // namespace

std::unique_ptr<BlockCompressor> make_libdeflate_block_compressor(int level) {
  return std::make_unique<LibdeflateBlockCompressor>(level);
}

}  // namespace rigz
