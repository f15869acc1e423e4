// The block compressor of every level: picks, per block, the cheapest libdeflate level
// that matches zlib's size on a sample of the block (see compress/plan.h).
#include "compress/block_compressor.h"

#include <libdeflate.h>
#include <zlib.h>

#include <map>
#include <stdexcept>

#include "io/error.h"

namespace rigz {
namespace {

constexpr size_t kSampleSize = 64 * 1024;

class AdaptiveBlockCompressor : public BlockCompressor {
 public:
  explicit AdaptiveBlockCompressor(const CompressionPlan& plan) : plan_(plan) {
    for (int level : plan.candidates) add_libdeflate(level);
    if (plan.sample) add_libdeflate(1);  // for incompressible blocks
    if (deflateInit2(&zlib_, plan.zlib_level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
      throw Error(Error::Kind::resource, "zlib: out of memory");
  }
  ~AdaptiveBlockCompressor() override { deflateEnd(&zlib_); }

  void compress(const uint8_t* data, size_t len, std::vector<uint8_t>& out) override {
    if (!plan_.sample) return deflate_libdeflate(plan_.candidates.front(), data, len, out);
    // The sample: the middle of the block, or all of a small block (whose trial output
    // is then the result itself).
    const bool whole = len <= 2 * kSampleSize;
    const uint8_t* sample = whole ? data : data + (len - kSampleSize) / 2;
    const size_t sample_len = whole ? len : kSampleSize;
    deflate_zlib(sample, sample_len, trial_zlib_);
    // Incompressible (random, already compressed): every level stores it; the fastest
    // libdeflate level still finds whatever the rest of the block holds.
    if (!whole && trial_zlib_.size() >= sample_len) return deflate_libdeflate(1, data, len, out);
    const double limit = static_cast<double>(trial_zlib_.size()) * (1.0 + plan_.margin);
    for (int level : plan_.candidates) {
      trial_.clear();
      deflate_libdeflate(level, sample, sample_len, trial_);
      if (static_cast<double>(trial_.size()) <= limit) {
        if (whole)
          out.insert(out.end(), trial_.begin(), trial_.end());
        else
          deflate_libdeflate(level, data, len, out);
        return;
      }
    }
    if (!whole) deflate_zlib(data, len, trial_zlib_);
    out.insert(out.end(), trial_zlib_.begin(), trial_zlib_.end());
  }

 private:
  void deflate_libdeflate(int level, const uint8_t* data, size_t len, std::vector<uint8_t>& out) {
    libdeflate_compressor* c = libdeflate_.at(level).get();
    const size_t start = out.size();
    out.resize(start + libdeflate_deflate_compress_bound(c, len));
    size_t n = libdeflate_deflate_compress(c, data, len, out.data() + start, out.size() - start);
    if (n == 0) throw Error(Error::Kind::resource, "libdeflate: compression failed");
    out.resize(start + n);
  }

  // A complete raw deflate stream of `data`, replacing the contents of `out`.
  void deflate_zlib(const uint8_t* data, size_t len, std::vector<uint8_t>& out) {
    deflateReset(&zlib_);
    out.resize(deflateBound(&zlib_, static_cast<uLong>(len)));
    zlib_.next_in = const_cast<Bytef*>(data);
    zlib_.avail_in = static_cast<uInt>(len);
    zlib_.next_out = out.data();
    zlib_.avail_out = static_cast<uInt>(out.size());
    if (deflate(&zlib_, Z_FINISH) != Z_STREAM_END) throw Error(Error::Kind::resource, "zlib: deflate failed");
    out.resize(out.size() - zlib_.avail_out);
  }

  void add_libdeflate(int level) {
    if (libdeflate_.count(level)) return;
    std::unique_ptr<libdeflate_compressor, void (*)(libdeflate_compressor*)> c(libdeflate_alloc_compressor(level),
                                                                               libdeflate_free_compressor);
    if (!c) throw Error(Error::Kind::resource, "libdeflate: out of memory");
    libdeflate_.emplace(level, std::move(c));
  }

  const CompressionPlan plan_;
  std::map<int, std::unique_ptr<libdeflate_compressor, void (*)(libdeflate_compressor*)>> libdeflate_;
  z_stream zlib_{};
  std::vector<uint8_t> trial_, trial_zlib_;
};

}  // namespace

std::unique_ptr<BlockCompressor> make_block_compressor(const CompressionPlan& plan) {
  return std::make_unique<AdaptiveBlockCompressor>(plan);
}

}  // namespace rigz
