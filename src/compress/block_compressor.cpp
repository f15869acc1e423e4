// The block compressor of every level: picks, per block, the cheapest codec (ISA-L or
// libdeflate level) that matches zlib's size on a sample of the block (compress/plan.h).
#include "compress/block_compressor.h"

#include <isa-l/igzip_lib.h>
#include <libdeflate.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <optional>
#include <stdexcept>

#include "io/error.h"

namespace rigz {
namespace {

// The sample: eight pieces of 8 KiB, one from the middle of each eighth of the block,
// side by side. Blocks of binaries change character within 2 MiB, and one 64 KiB piece
// from the middle misled: ISA-L, taken where its sample was within 0.4% of zlib's size,
// was 2.8% larger on those blocks of binaries.tar at level 1, 0.0% with eight pieces.
constexpr size_t kSamplePieces = 8;
constexpr size_t kSampleSize = 64 * 1024;

// The first blocks of every input are compressed carefully: a candidate must be 0.5% under
// zlib's size on the sample, ISA-L is not tried, a mix always takes its stronger level, and
// where nothing qualifies the later blocks' rule serves (the strongest candidate within
// 2%, but at level 1), else the plan's fallback (if its sample is 0.5% under), else zlib.
// A sample misjudges single blocks by up to 3% (ISA-L on binaries, a margin's worth of
// libdeflate 7 on source code, a mix's weak half on FASTQ), which only many blocks average
// out; an input of a few blocks came out up to 1.032x pigz (bench/size_windows.sh, 4 MB
// windows; docs/design.md, "The first blocks of an input"). After the first 4 blocks one
// misjudged block weighs at most a fifth of the output, and the careful blocks' own margin
// offsets it: windows of 5 and 7 blocks came out at most 1.0017x pigz with 4 careful
// blocks. 8 cost 5-12% more time on large inputs where the careful blocks fell to zlib or
// to libdeflate 10 (docs/design.md, "The first blocks of an input").
constexpr uint64_t kCarefulBlocks = 4;
constexpr double kCarefulMargin = -0.005;

// The members of a careful block cut in a small input mix two levels as blocks do only
// where the stronger level's sample is this far under zlib's. On FASTQ at levels 7-9
// libdeflate 10 is 5.4-5.9% under, and windows of 2-8 MB mixing its members with libdeflate
// 7's came out at most 0.9994x pigz; on source code it is 2.4-2.9% under, and such a mix
// made a 4 MB window of linux-src.tar 1.0054x pigz -9 (the sample flatters libdeflate 7
// there). docs/design.md, "Pieces of slow blocks".
constexpr double kMemberMixRoom = 0.04;

// Past the careful blocks and the next four, a group of four blocks shares the decision
// of its first one's sample: the sample (zlib at the requested level on 64 KiB, then each
// candidate until one qualifies) was up to 5-13% of the work at levels 3-5 (no sample
// past the first blocks, 60 MB heads of the corpus), where the block's own codec is fast.
// The other three still take their own sample's bytes and compare a fingerprint of them
// (below) with the first's: where the data changed its character (a tar of text and
// compressed files), the block samples itself. Which blocks share depends only on their
// numbers, so the output stays the same for every thread count; a worker on a later
// block of a group waits for the first block's decision, which the pipeline hands out
// first (docs/design.md, "One sample for four blocks").
constexpr uint64_t kSharedFrom = 8;
constexpr uint64_t kGroup = 4;

uint64_t group_of(uint64_t seq) { return seq / kGroup; }
bool shares_decision(uint64_t seq) { return seq >= kSharedFrom; }
bool leads_group(uint64_t seq) { return seq % kGroup == 0; }

// The sum of the squared byte counts of a sample: the chance that two of its bytes are
// equal, times the sample size squared. In units of uniform random bytes' (1), 2 MiB
// blocks of the corpus score: access.log 9, binaries.tar 7-19, linux-src.tar 11-25,
// reads.fastq 19. Integers, so that the same bytes give the same verdict everywhere.
uint64_t fingerprint(const uint8_t* sample, size_t len) {
  uint32_t counts[256] = {};
  for (size_t i = 0; i < len; ++i) ++counts[sample[i]];
  uint64_t sum = 0;
  for (uint32_t c : counts) sum += uint64_t(c) * c;
  return sum;
}

// Within a factor of 1.5 (0.58 bit of Renyi entropy). At level 6 on the corpus, 2 of
// linux-src.tar's 66 blocks that could share differ by more and sample themselves, 31 of
// binaries.tar's 58, none of access.log's, reads.fastq's or random.bin's. With 1.15, 35
// of linux-src.tar's did, for 3-4% more time at levels 2-7 and sizes within 0.1% of these.
bool alike(uint64_t a, uint64_t b) {
  const uint64_t lo = std::min(a, b), hi = std::max(a, b);
  return hi * 2 <= lo * 3;
}

class AdaptiveBlockCompressor : public BlockCompressor {
 public:
  // The compressors are made on first use: a small input needs one or two of them, and a
  // worker that never gets a block none (rigz -6 on a 300 KB file, `perf stat -r 100`:
  // 10.1 ms against 11.0 ms).
  AdaptiveBlockCompressor(const CompressionPlan& plan, DecisionBoard* board) : plan_(plan), board_(board) {}
  ~AdaptiveBlockCompressor() override {
    if (zlib_ready_) deflateEnd(&zlib_);
  }

  BlockChoice choose(const uint8_t* data, size_t len, uint64_t seq) override {
    if (!plan_.sample) return {false, plan_.candidates.front()};
    const bool shared = board_ && shares_decision(seq);
    // A small block would be its own sample, and zlib's output on it the reference that
    // a candidate must meet: zlib's is taken as it is. That is pigz's size, and less work
    // than a trial of each candidate on top (rigz -6 of a 10 KB file, one libdeflate
    // compressor fewer to set up: 2.25 -> 1.95 ms, hyperfine, 2-core VM).
    if (len <= 2 * kSampleSize) {
      if (shared && leads_group(seq)) board_->post(group_of(seq), BlockDecision{});
      return {true, {}};
    }
    const uint8_t* sample = take_sample(data, len);
    const uint64_t print = shared ? fingerprint(sample, kSampleSize) : 0;
    if (shared && !leads_group(seq)) {
      const std::optional<BlockDecision> first = board_->wait(group_of(seq));
      if (first && first->kind != BlockDecision::Kind::own && alike(print, first->fingerprint))
        return resolve(*first, seq);
    }
    BlockDecision d = decide(sample, seq);
    d.fingerprint = print;
    if (shared && leads_group(seq)) board_->post(group_of(seq), d);
    return resolve(d, seq);
  }

  void compress(const uint8_t* data, size_t len, const BlockChoice& choice, ByteBuffer& out) override {
    if (choice.zlib) return deflate_zlib(data, len, out);
    compress_with(choice.codec, data, len, out);
  }

  void compress_piece(const uint8_t* data, size_t len, size_t dict_len, bool last, ByteBuffer& out) override {
    z_stream& z = zlib();
    deflateReset(&z);
    if (dict_len && deflateSetDictionary(&z, data - dict_len, static_cast<uInt>(dict_len)) != Z_OK)
      throw Error(Error::Kind::resource, "zlib: deflateSetDictionary failed");
    deflate_into(data, len, last ? Z_FINISH : Z_SYNC_FLUSH, out);
  }

 private:
  // `size`: the codec's output on the sample, where it was compared with zlib's.
  static BlockDecision use(Codec codec, double size = 0, double zlib_size = 0) {
    BlockDecision d{BlockDecision::Kind::codec, codec};
    if (size > 0 && size < zlib_size) d.room = 1.0 - size / zlib_size;
    return d;
  }

  BlockChoice resolve(const BlockDecision& d, uint64_t seq) const {
    switch (d.kind) {
      case BlockDecision::Kind::codec:
        // Member 0 takes the stronger level even where the weaker met the mix's target
        // (a share of 0 or less) but not a careful block's margin.
        if (d.weak_size > 0) return {false, d.codec, d.room, d.weak, std::max(strong_share(d), 1e-9)};
        return {false, d.codec, d.room};
      case BlockDecision::Kind::mix:
        return {false, takes_share(seq, strong_share(d)) ? d.codec : d.weak};
      default:
        return {true, {}};
    }
  }

  // What the block's sample says to compress it with.
  BlockDecision decide(const uint8_t* sample, uint64_t seq) {
    trial_zlib_.clear();
    deflate_zlib(sample, kSampleSize, trial_zlib_);
    // Incompressible (random, already compressed): every level stores it. ISA-L 1 still
    // finds whatever the rest of the block holds, at 1.3 GB/s on random data against
    // libdeflate 1's 92 MB/s (32 MB of random.bin, one core).
    if (trial_zlib_.size() >= kSampleSize) return use({Codec::Library::isal, 1});
    const double zlib_size = static_cast<double>(trial_zlib_.size());
    const bool careful = seq < kCarefulBlocks;
    // ISA-L must match zlib with no margin and is never part of a mix (strong_share).
    const double limit = zlib_size * (1.0 + (careful ? kCarefulMargin : plan_.margin));
    size_t weak = plan_.candidates.size();  // the cheapest libdeflate level: a mix's weak half
    double weak_size = 0;
    for (size_t k = 0; k < plan_.candidates.size(); ++k) {
      const Codec codec = plan_.candidates[k];
      const bool isal = codec.library == Codec::Library::isal;
      if (isal && careful) continue;
      trial_.clear();
      compress_with(codec, sample, kSampleSize, trial_);
      const double size = static_cast<double>(trial_.size());
      if (!isal && weak == plan_.candidates.size()) weak = k, weak_size = size;
      if (size > (isal ? zlib_size : limit)) continue;
      if (isal || k == weak || size >= weak_size) return use(codec, size, zlib_size);
      BlockDecision mix{BlockDecision::Kind::mix, codec, plan_.candidates[weak], weak_size, size, zlib_size};
      if (!careful) return mix;
      // A careful block takes the stronger level whole; only its members may mix
      // (BlockChoice::weak), where that level has room enough to pay for the weaker's
      // share (kMemberMixRoom).
      const BlockDecision strong = use(codec, size, zlib_size);
      if (strong.room < kMemberMixRoom) return strong;
      mix.kind = BlockDecision::Kind::codec;
      mix.room = strong.room;
      return mix;
    }
    // No candidate met zlib's size on the sample. A block that is not careful takes the
    // strongest candidate where it was within 2% of zlib: on whole blocks that is smaller
    // than zlib on every corpus file (docs/design.md), so the sample misled, and zlib is
    // 1.5-2x slower (FASTQ at level 6 took zlib in one block in four this way, its samples
    // at most 0.8% over; binaries.tar's at levels 6-9 up to 1.6%, 2.6% in one block).
    // Further off, the sample is right: text of a small vocabulary is 2.7-3.6% over with
    // libdeflate 6-7 against zlib 5-6, and with those blocks rigz -6 was 2.2% larger than
    // pigz -6. Then the plan's fallback, a stronger libdeflate level, serves if its sample
    // meets the limit (level 1: libdeflate 2, where libdeflate 1 is up to 15% over zlib 1
    // on a third of binaries.tar's blocks), else zlib.
    // So does a careful block, but at level 1, whose fallback (libdeflate 2) is the careful
    // choice there: libdeflate 1 instead made block 0 of binaries.tar 5.4% larger. Careful
    // blocks of levels 2-9 took zlib here, for output that was larger on every window of
    // the corpus where they differed, and 2.3x slower on FASTQ at level 6 (docs/design.md,
    // "Careful blocks need not fall to zlib").
    if ((!careful || !plan_.fallback) && static_cast<double>(trial_.size()) <= zlib_size * 1.02)
      return use(plan_.candidates.back(), static_cast<double>(trial_.size()), zlib_size);
    if (plan_.fallback) {
      const Codec fallback{Codec::Library::libdeflate, plan_.fallback};
      trial_.clear();
      compress_with(fallback, sample, kSampleSize, trial_);
      if (static_cast<double>(trial_.size()) <= limit)
        return use(fallback, static_cast<double>(trial_.size()), zlib_size);
    }
    return {BlockDecision::Kind::zlib};
  }

  const uint8_t* take_sample(const uint8_t* data, size_t len) {
    constexpr size_t piece = kSampleSize / kSamplePieces;
    if (sample_.empty()) sample_.resize(kSampleSize);
    for (size_t i = 0; i < kSamplePieces; ++i)
      std::memcpy(&sample_[i * piece], data + (2 * i + 1) * len / (2 * kSamplePieces) - piece / 2, piece);
    return sample_.data();
  }

  // Where the cheapest libdeflate level misses the size on the sample and a dearer one
  // meets it, a whole run of blocks can still average zlib's size at a lower cost: a
  // fraction x of the blocks takes the dearer level, the rest the cheapest, with x chosen so
  // that the sample sizes average the target, zlib's size plus `mix_margin`. (FASTQ at
  // level 9: libdeflate 7 is +1.2%, 10 is -4.7%, so about one block in five takes 10,
  // at twice the speed of 10 alone.) Which blocks take it must not depend on timing,
  // so that the output is the same for every thread count (`takes_share`); block 0
  // does wherever the weaker level misses the target, so a small input errs on the small
  // side.
  // ISA-L is never the weak half of a mix, nor taken with a margin: its size against
  // zlib's varies from block to block more than the sample shows (binaries), and the
  // mix's target, zlib's size on independent blocks, is up to 1% above pigz's on logs at
  // level 2; mixed with libdeflate 1 there, it came out 1.0066x pigz -2 on access.log.
  // The stronger level's size is under the cheapest's (decide() takes it outright otherwise).
  double strong_share(const BlockDecision& mix) const {
    const double target = mix.zlib_size * (1.0 + plan_.mix_margin);
    return (mix.weak_size - target) / (mix.weak_size - mix.strong_size);
  }

  // Appends a complete raw deflate stream of `data` to `out`.
  void compress_with(Codec codec, const uint8_t* data, size_t len, ByteBuffer& out) {
    if (codec.library == Codec::Library::isal) return deflate_isal(codec.level, data, len, out);
    libdeflate_compressor* c = libdeflate(codec.level);
    const size_t start = out.size();
    out.resize(start + libdeflate_deflate_compress_bound(c, len));
    size_t n = libdeflate_deflate_compress(c, data, len, out.data() + start, out.size() - start);
    if (n == 0) throw Error(Error::Kind::resource, "libdeflate: compression failed");
    out.resize(start + n);
  }

  void deflate_isal(int level, const uint8_t* data, size_t len, ByteBuffer& out) {
    std::vector<uint8_t>& work = isal_level_buffers_[level];  // ISA-L's hash tables
    if (work.empty())
      work.resize(level == 1 ? ISAL_DEF_LVL1_DEFAULT : level == 2 ? ISAL_DEF_LVL2_DEFAULT : ISAL_DEF_LVL3_DEFAULT);
    // Stateless compression falls back to stored blocks (5 bytes per 64 KiB) where the
    // compressed form would not fit; this room takes either.
    const size_t start = out.size();
    out.resize(start + len + 5 * (len / 65535 + 1) + ISAL_DEF_MAX_HDR_SIZE);
    // Zeroed first: isal_deflate_stateless_init leaves the stream's internal state as it
    // finds it, and with stack garbage there ISA-L 2 gave other bytes for the same input
    // (a 64 KiB sample 51737 or 33690 bytes, from run to run of the TSan build), so the
    // output depended on the thread count.
    isal_zstream s{};
    isal_deflate_stateless_init(&s);
    s.level = static_cast<uint32_t>(level);
    s.level_buf = work.data();
    s.level_buf_size = static_cast<uint32_t>(work.size());
    s.next_in = const_cast<uint8_t*>(data);
    s.avail_in = static_cast<uint32_t>(len);
    s.next_out = out.data() + start;
    s.avail_out = static_cast<uint32_t>(out.size() - start);
    s.end_of_stream = 1;
    s.flush = NO_FLUSH;
    if (isal_deflate_stateless(&s) != COMP_OK) throw Error(Error::Kind::resource, "ISA-L: compression failed");
    out.resize(start + s.total_out);
  }

  // Appends a complete raw deflate stream of `data` to `out`.
  void deflate_zlib(const uint8_t* data, size_t len, ByteBuffer& out) {
    deflateReset(&zlib());
    deflate_into(data, len, Z_FINISH, out);
  }

  // The worker's zlib stream at the plan's level, made on first use.
  z_stream& zlib() {
    if (!zlib_ready_) {
      if (deflateInit2(&zlib_, plan_.zlib_level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw Error(Error::Kind::resource, "zlib: out of memory");
      zlib_ready_ = true;
    }
    return zlib_;
  }

  // Appends what zlib makes of `data` with `flush` (Z_FINISH, or Z_SYNC_FLUSH: the end of
  // a piece) to `out`. deflateBound() covers a whole stream; a sync flush adds an empty
  // stored block (5 bytes) and what zlib holds back, hence the room on top.
  void deflate_into(const uint8_t* data, size_t len, int flush, ByteBuffer& out) {
    const size_t start = out.size();
    out.resize(start + deflateBound(&zlib_, static_cast<uLong>(len)) + 64);
    zlib_.next_in = const_cast<Bytef*>(data);
    zlib_.avail_in = static_cast<uInt>(len);
    zlib_.next_out = out.data() + start;
    zlib_.avail_out = static_cast<uInt>(out.size() - start);
    const int ret = deflate(&zlib_, flush);
    const bool done =
        flush == Z_FINISH ? ret == Z_STREAM_END : ret == Z_OK && zlib_.avail_in == 0 && zlib_.avail_out > 0;
    if (!done) throw Error(Error::Kind::resource, "zlib: deflate failed");
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
  DecisionBoard* const board_;
  std::map<int, std::unique_ptr<libdeflate_compressor, void (*)(libdeflate_compressor*)>> libdeflate_;
  z_stream zlib_{};
  bool zlib_ready_ = false;
  std::map<int, std::vector<uint8_t>> isal_level_buffers_;
  std::vector<uint8_t> sample_;
  ByteBuffer trial_, trial_zlib_;
};

}  // namespace

bool takes_share(uint64_t index, double share) {
  // index * 2^64 / golden ratio, modulo 2^64: the fractional part in 64-bit fixed point.
  const uint64_t fixed = index * 0x9E3779B97F4A7C15ull;
  return static_cast<double>(fixed) * 0x1p-64 < share;
}

unsigned effort(const BlockChoice& choice, const CompressionPlan& plan) {
  if (choice.zlib) return static_cast<unsigned>(plan.zlib_level) + 2;
  return choice.codec.library == Codec::Library::isal ? 0 : static_cast<unsigned>(choice.codec.level);
}

std::unique_ptr<DecisionBoard> make_decision_board(size_t blocks_in_flight) {
  // A block asks for its group's decision while it is in flight, so no further back than
  // the groups those blocks span.
  return std::make_unique<DecisionBoard>(blocks_in_flight / kGroup + 2);
}

std::unique_ptr<BlockCompressor> make_block_compressor(const CompressionPlan& plan, DecisionBoard* board) {
  return std::make_unique<AdaptiveBlockCompressor>(plan, board);
}

}  // namespace rigz
