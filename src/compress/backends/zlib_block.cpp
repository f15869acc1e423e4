// zlib backend: the pigz scheme. Each block is deflated with the previous 32 KiB as
// preset dictionary and closed with a sync flush (an empty stored block), so the
// concatenation of the blocks is one valid deflate stream, nearly as small as a
// single-threaded one.
#include <zlib.h>

#include <stdexcept>

#include "compress/block_compressor.h"

namespace rigz {
namespace {

class ZlibBlockCompressor : public BlockCompressor {
 public:
  explicit ZlibBlockCompressor(int level) {
    if (deflateInit2(&strm_, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
      throw std::runtime_error("zlib: out of memory");
  }
  ~ZlibBlockCompressor() override { deflateEnd(&strm_); }

  void compress(const BlockInput& in, std::vector<uint8_t>& out) override {
    deflateReset(&strm_);
    if (in.dict_len) deflateSetDictionary(&strm_, in.dict, static_cast<uInt>(in.dict_len));
    const size_t start = out.size();
    // deflateBound covers Z_FINISH; a sync flush adds at most 5 bytes more.
    out.resize(start + deflateBound(&strm_, static_cast<uLong>(in.len)) + 16);
    strm_.next_in = const_cast<Bytef*>(in.data);
    strm_.avail_in = static_cast<uInt>(in.len);
    strm_.next_out = out.data() + start;
    strm_.avail_out = static_cast<uInt>(out.size() - start);
    int ret = deflate(&strm_, in.last ? Z_FINISH : Z_SYNC_FLUSH);
    if (ret == Z_STREAM_ERROR || strm_.avail_in != 0 || (in.last && ret != Z_STREAM_END))
      throw std::runtime_error("zlib: deflate failed");
    out.resize(out.size() - strm_.avail_out);
  }

 private:
  z_stream strm_{};
};

}  // namespace

std::unique_ptr<BlockCompressor> make_zlib_block_compressor(int level) {
  return std::make_unique<ZlibBlockCompressor>(level);
}

}  // namespace rigz
