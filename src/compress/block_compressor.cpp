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
  // The compressors are made on first use: a small input needs one or two of them, and a
  // worker that never gets a block none (rigz -6 on a 300 KB file, `perf stat -r 100`:
  // 10.1 ms against 11.0 ms).
  explicit AdaptiveBlockCompressor(const CompressionPlan& plan) : plan_(plan) {}
  ~AdaptiveBlockCompressor() override {
    if (zlib_ready_) deflateEnd(&zlib_);
  }

  void compress(const uint8_t* data, size_t len, uint64_t seq, std::vector<uint8_t>& out) override {
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
    const double zlib_size = static_cast<double>(trial_zlib_.size());
    const double limit = zlib_size * (1.0 + plan_.margin);
    double cheapest_size = 0;
    for (size_t k = 0; k < plan_.candidates.size(); ++k) {
      const int level = plan_.candidates[k];
      trial_.clear();
      deflate_libdeflate(level, sample, sample_len, trial_);
      const double size = static_cast<double>(trial_.size());
      if (k == 0) cheapest_size = size;
      if (size > limit) continue;
      if (whole) {
        out.insert(out.end(), trial_.begin(), trial_.end());
      } else {
        const bool strong = k == 0 || takes_stronger_level(seq, cheapest_size, size, zlib_size);
        deflate_libdeflate(strong ? level : plan_.candidates.front(), data, len, out);
      }
      return;
    }
    // No candidate met zlib's size on the sample. A small block's sample is the block, so
    // zlib's output is the answer. A larger block takes the strongest candidate: on whole
    // blocks it is smaller than zlib at that level on every corpus file (docs/design.md),
    // so the sample misled, and zlib is 1.5-2x slower (FASTQ at level 6 took zlib in one
    // block in four this way).
    if (!whole) return deflate_libdeflate(plan_.candidates.back(), data, len, out);
    out.insert(out.end(), trial_zlib_.begin(), trial_zlib_.end());
  }

 private:
  // Where the cheapest candidate misses the size on the sample and a dearer one meets
  // it, a whole run of blocks can still average zlib's size at a lower cost: a fraction
  // x of the blocks takes the dearer level, the rest the cheapest, with x chosen so
  // that the sample sizes average the target, zlib's size plus `mix_margin`. (FASTQ at
  // level 9: libdeflate 7 is +1.2%, 10 is -4.7%, so about one block in five takes 10,
  // at twice the speed of 10 alone.) Which blocks take it must not depend on timing,
  // so that the output is the same for every thread count: block `seq` does when the
  // fractional part of seq * golden ratio, a sequence that spreads evenly over [0, 1),
  // is below x. Block 0 always does, so a small input errs on the small side.
  bool takes_stronger_level(uint64_t seq, double cheapest, double stronger, double zlib_size) const {
    if (stronger >= cheapest) return true;
    const double target = zlib_size * (1.0 + plan_.mix_margin);
    const double x = (cheapest - target) / (cheapest - stronger);
    // seq * 2^64 / golden ratio, modulo 2^64: the fractional part in 64-bit fixed point.
    const uint64_t fixed = seq * 0x9E3779B97F4A7C15ull;
    const double phase = static_cast<double>(fixed) * 0x1p-64;
    return phase < x;
  }

  void deflate_libdeflate(int level, const uint8_t* data, size_t len, std::vector<uint8_t>& out) {
    libdeflate_compressor* c = libdeflate(level);
    const size_t start = out.size();
    out.resize(start + libdeflate_deflate_compress_bound(c, len));
    size_t n = libdeflate_deflate_compress(c, data, len, out.data() + start, out.size() - start);
    if (n == 0) throw Error(Error::Kind::resource, "libdeflate: compression failed");
    out.resize(start + n);
  }

  // A complete raw deflate stream of `data`, replacing the contents of `out`.
  void deflate_zlib(const uint8_t* data, size_t len, std::vector<uint8_t>& out) {
    if (!zlib_ready_) {
      if (deflateInit2(&zlib_, plan_.zlib_level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw Error(Error::Kind::resource, "zlib: out of memory");
      zlib_ready_ = true;
    }
    deflateReset(&zlib_);
    out.resize(deflateBound(&zlib_, static_cast<uLong>(len)));
    zlib_.next_in = const_cast<Bytef*>(data);
    zlib_.avail_in = static_cast<uInt>(len);
    zlib_.next_out = out.data();
    zlib_.avail_out = static_cast<uInt>(out.size());
    if (deflate(&zlib_, Z_FINISH) != Z_STREAM_END) throw Error(Error::Kind::resource, "zlib: deflate failed");
    out.resize(out.size() - zlib_.avail_out);
  }

  libdeflate_compressor* libdeflate(int level) {
    auto it = libdeflate_.find(level);
    if (it != libdeflate_.end()) return it->second.get();
    std::unique_ptr<libdeflate_compressor, void (*)(libdeflate_compressor*)> c(libdeflate_alloc_compressor(level),
                                                                               libdeflate_free_compressor);
    if (!c) throw Error(Error::Kind::resource, "libdeflate: out of memory");
    return libdeflate_.emplace(level, std::move(c)).first->second.get();
  }

  const CompressionPlan plan_;
  std::map<int, std::unique_ptr<libdeflate_compressor, void (*)(libdeflate_compressor*)>> libdeflate_;
  z_stream zlib_{};
  bool zlib_ready_ = false;
  std::vector<uint8_t> trial_, trial_zlib_;
};

}  // namespace

std::unique_ptr<BlockCompressor> make_block_compressor(const CompressionPlan& plan) {
  return std::make_unique<AdaptiveBlockCompressor>(plan);
}

}  // namespace rigz
