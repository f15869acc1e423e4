// The speculative parallel path for gzip members of any origin: rigz's own deflate decoder
// (bytes and 16-bit with window markers), the block finder, the chunk decoder and the
// whole path through decompress_gzip, against zlib.
#include <gtest/gtest.h>
#include <zlib.h>

#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "decompress/speculative/block_finder.h"
#include "decompress/speculative/chunk_decoder.h"
#include "decompress/speculative/huffman.h"
#include "decompress/speculative/inflater.h"
#include "decompress/speculative/parallel_member.h"
#include "io/error.h"
#include "test_support.h"

namespace rigz::spec {
namespace {

using test::Bytes;

// Raw deflate with zlib: `flush_every` > 0 ends a block (Z_SYNC_FLUSH: an empty stored
// block follows, as in pigz) or a full flush every that many input bytes.
Bytes zlib_deflate(const Bytes& in, int level, int strategy = Z_DEFAULT_STRATEGY, size_t flush_every = 0,
                   int flush = Z_SYNC_FLUSH) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, level, Z_DEFLATED, -15, 8, strategy), Z_OK);
  Bytes out(deflateBound(&z, in.size()) + 64 * (in.size() / (flush_every ? flush_every : in.size() + 1) + 1) + 64);
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  size_t pos = 0;
  do {
    const size_t n = flush_every ? std::min(flush_every, in.size() - pos) : in.size() - pos;
    z.next_in = const_cast<uint8_t*>(in.data() + pos);
    z.avail_in = static_cast<uInt>(n);
    pos += n;
    EXPECT_NE(deflate(&z, pos == in.size() ? Z_FINISH : (flush_every ? flush : Z_NO_FLUSH)), Z_STREAM_ERROR);
  } while (pos < in.size());
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// One decode of a whole stream with the byte decoder (the window slots stay empty).
Step inflate_all(const Bytes& deflated, Bytes& out, size_t cap) {
  out.assign(kWindowSize + cap + kOutputSlack, 0);
  auto dec = std::make_unique<Inflater<uint8_t>>();
  dec->start_at_header();
  Step s =
      dec->run(deflated.data(), deflated.size(), true, 0, out.data(), kWindowSize, out.size(), kWindowSize, UINT64_MAX);
  out.erase(out.begin(), out.begin() + kWindowSize);
  out.resize(s.out_pos - kWindowSize);
  return s;
}

struct Case {
  const char* name;
  int level, strategy;
  size_t flush_every;
  unsigned random_pct;
};
const Case kCases[] = {
    {"stored", 0, Z_DEFAULT_STRATEGY, 0, 30},
    {"fast", 1, Z_DEFAULT_STRATEGY, 0, 30},
    {"default", 6, Z_DEFAULT_STRATEGY, 0, 30},
    {"best_text", 9, Z_DEFAULT_STRATEGY, 0, 0},
    {"fixed", 6, Z_FIXED, 0, 30},
    {"huffman_only", 6, Z_HUFFMAN_ONLY, 0, 30},
    {"rle", 6, Z_RLE, 0, 10},
    {"random", 6, Z_DEFAULT_STRATEGY, 0, 100},
    {"sync_flushes", 6, Z_DEFAULT_STRATEGY, 50000, 30},
    {"many_flushes", 1, Z_DEFAULT_STRATEGY, 7000, 20},
};

TEST(Inflater, DecodesWhatZlibWrites) {
  for (const Case& c : kCases) {
    const Bytes data = test::make_data(700000, 11, c.random_pct);
    const Bytes deflated = zlib_deflate(data, c.level, c.strategy, c.flush_every);
    Bytes out;
    const Step s = inflate_all(deflated, out, data.size());
    EXPECT_EQ(s.stop, Stop::final_block) << c.name;
    EXPECT_EQ((s.bit + 7) / 8, deflated.size()) << c.name;
    EXPECT_TRUE(out == data) << c.name << " sizes " << out.size() << " " << data.size() << " first diff "
                             << (std::mismatch(out.begin(), out.end(), data.begin()).first - out.begin());
  }
}

// Small input pieces and a small output buffer: every resumption point (need_input,
// output_full, inside stored blocks) must continue exactly.
TEST(Inflater, ResumesAcrossInputAndOutputLimits) {
  for (const Case& c : kCases) {
    const Bytes data = test::make_data(300000, 5, c.random_pct);
    const Bytes deflated = zlib_deflate(data, c.level, c.strategy, c.flush_every);
    auto dec = std::make_unique<Inflater<uint8_t>>();
    dec->start_at_header();
    Bytes out(kWindowSize + 4096), result;
    size_t o = kWindowSize, avail = 0;
    uint64_t bit = 0;
    const uint8_t* base = deflated.data();
    for (int guard = 0; guard < 1000000; ++guard) {
      const bool last = avail >= deflated.size() - (base - deflated.data());
      const Step s = dec->run(base, std::min(avail, deflated.size() - size_t(base - deflated.data())), last, bit,
                              out.data(), o, out.size(), 0, UINT64_MAX);
      o = s.out_pos;
      bit = s.bit;
      if (s.stop == Stop::output_full || s.stop == Stop::final_block) {
        result.insert(result.end(), out.begin() + kWindowSize, out.begin() + o);
        std::copy(out.begin() + o - kWindowSize, out.begin() + o, out.begin());
        o = kWindowSize;
        if (s.stop == Stop::final_block) break;
      } else if (s.stop == Stop::need_input) {
        base += bit / 8;
        avail -= std::min<size_t>(avail, bit / 8);
        bit %= 8;
        avail += 1500;
      } else {
        FAIL() << c.name << " stopped with " << int(s.stop);
      }
    }
    EXPECT_TRUE(result == data) << c.name;
  }
}

TEST(Inflater, RejectsInvalidStreams) {
  Bytes out;
  EXPECT_EQ(inflate_all(Bytes{0x07}, out, 100).stop, Stop::error);                          // block type 3
  EXPECT_EQ(inflate_all(Bytes{0x01, 0x05, 0x00, 0xfb, 0xff}, out, 100).stop, Stop::error);  // LEN != ~NLEN
  // A fixed block whose first symbol copies from distance 1 with nothing before it.
  const Bytes far = {0x03, 0x02, 0x00};  // fixed, length 3 (code 257), distance code 0
  EXPECT_EQ(inflate_all(far, out, 100).stop, Stop::error);
  // A truncated stream at every cut: never a final block, never more than the data.
  const Bytes data = test::make_data(100000, 3);
  const Bytes deflated = zlib_deflate(data, 6);
  for (size_t cut = 0; cut < deflated.size(); cut += 97) {
    const Step s = inflate_all(Bytes(deflated.begin(), deflated.begin() + cut), out, data.size());
    EXPECT_NE(s.stop, Stop::final_block) << cut;
  }
  // Random bytes: some verdict, no crash (the sanitizers watch the reads and writes).
  std::mt19937 rng(1);
  for (int i = 0; i < 2000; ++i) {
    Bytes junk(1 + rng() % 600);
    for (auto& b : junk) b = static_cast<uint8_t>(rng());
    inflate_all(junk, out, 1 << 16);
  }
}

TEST(Huffman, CodeRules) {
  HuffmanTable t;
  const uint8_t over[3] = {1, 1, 1};
  EXPECT_FALSE(t.build(Alphabet::litlen, over, 3));
  const uint8_t incomplete[3] = {1, 2, 0};
  EXPECT_FALSE(t.build(Alphabet::litlen, incomplete, 3));
  const uint8_t single[2] = {0, 1};
  EXPECT_TRUE(t.build(Alphabet::distance, single, 2));
  EXPECT_FALSE(t.build(Alphabet::distance, single, 2, true));
  const uint8_t none[2] = {0, 0};
  EXPECT_TRUE(t.build(Alphabet::distance, none, 2));
  EXPECT_FALSE(t.build(Alphabet::litlen, none, 2));
  uint8_t complete[19] = {};
  for (int i = 0; i < 16; ++i) complete[i] = 4;
  EXPECT_TRUE(t.build(Alphabet::code_length, complete, 19, true));
}

// The block boundaries of a stream, by decoding it block by block.
std::vector<uint64_t> boundaries(const Bytes& deflated) {
  std::vector<uint64_t> out;
  auto dec = std::make_unique<Inflater<uint8_t>>();
  dec->start_at_header();
  Bytes buf(kWindowSize + (64 << 20));
  uint64_t bit = 0;
  for (;;) {
    const Step s =
        dec->run(deflated.data(), deflated.size(), true, bit, buf.data(), kWindowSize, buf.size(), 0, bit + 1);
    if (s.stop != Stop::boundary) break;
    bit = s.bit;
    out.push_back(bit);
  }
  return out;
}

// From a boundary in the middle, the 16-bit decoder with an unknown window, once its
// markers are replaced with the real window, gives the real data.
TEST(Inflater, MarkersStandForTheUnknownWindow) {
  const Bytes data = test::make_data(2000000, 21, 10);
  const Bytes deflated = zlib_deflate(data, 6);
  const auto bounds = boundaries(deflated);
  ASSERT_GT(bounds.size(), 3u);
  // Output before each boundary: decode up to it.
  for (size_t i : {size_t(1), bounds.size() / 2}) {
    auto dec = std::make_unique<Inflater<uint8_t>>();
    dec->start_at_header();
    Bytes prefix(kWindowSize + data.size() + kOutputSlack);
    const Step upto =
        dec->run(deflated.data(), deflated.size(), true, 0, prefix.data(), kWindowSize, prefix.size(), 0, bounds[i]);
    ASSERT_EQ(upto.bit, bounds[i]);
    const size_t before = upto.out_pos - kWindowSize;
    auto wide = std::make_unique<Inflater<uint16_t>>();
    wide->start_at_header();
    std::vector<uint16_t> out(kWindowSize + data.size() + kOutputSlack);
    for (size_t j = 0; j < kWindowSize; ++j) out[j] = static_cast<uint16_t>(kMarker | j);
    const Step s = wide->run(deflated.data(), deflated.size(), true, bounds[i], out.data(), kWindowSize, out.size(), 0,
                             UINT64_MAX);
    ASSERT_EQ(s.stop, Stop::final_block);
    ASSERT_EQ(before + s.out_pos - kWindowSize, data.size());
    size_t markers = 0;
    for (size_t j = kWindowSize; j < s.out_pos; ++j) {
      uint8_t b = static_cast<uint8_t>(out[j]);
      if (out[j] & kMarker) {
        ++markers;
        const size_t back = kWindowSize - (out[j] & (kMarker - 1));
        ASSERT_LE(back, before);
        b = data[before - back];
      }
      ASSERT_EQ(b, data[before + j - kWindowSize]) << j;
    }
    EXPECT_GT(markers, 0u);
  }
}

TEST(BlockFinder, FindsRealBlocks) {
  for (const Case& c : kCases) {
    if (c.level == 0 || c.strategy == Z_FIXED) continue;  // no dynamic blocks to find
    const Bytes data = test::make_data(1500000, 8, c.random_pct);
    const Bytes deflated = zlib_deflate(data, c.level, c.strategy, c.flush_every);
    const auto bounds = boundaries(deflated);
    size_t found = 0;
    for (uint64_t b : bounds) {
      auto cand = find_block_start(deflated.data(), deflated.size(), b, b + 1);
      if (!cand) continue;
      ++found;
      // Either the dynamic block at b, or the stored block whose header is at b.
      EXPECT_TRUE(matches(cand->start, b, peek16(deflated.data(), deflated.size(), b))) << c.name << " " << b;
    }
    EXPECT_GT(found, bounds.size() / 2) << c.name;
  }
}

// The search that tests 64 positions at a time finds what testing one position at a time
// finds, in the same order (dynamic and stored headers, near the input's end too).
TEST(BlockFinder, WordSearchFindsWhatEachPositionFinds) {
  std::mt19937 rng(7);
  for (const Case& c : kCases) {
    const Bytes data = test::make_data(400000, 8, c.random_pct);
    const Bytes deflated = zlib_deflate(data, c.level, c.strategy, c.flush_every ? c.flush_every : 9000);
    const uint64_t bits = uint64_t(deflated.size()) * 8;
    // One position at a time: a search whose range holds that position only.
    std::vector<Candidate> each;
    for (uint64_t p = 0; p < bits;) {
      auto cand = find_block_start(deflated.data(), deflated.size(), p, p + 1);
      if (!cand) {
        ++p;
        continue;
      }
      each.push_back(*cand);
      p = cand->resume;
    }
    ASSERT_FALSE(each.empty()) << c.name;
    // The same list, searching the whole range each time.
    std::vector<Candidate> word;
    for (uint64_t p = 0;; p = word.back().resume) {
      auto cand = find_block_start(deflated.data(), deflated.size(), p, bits);
      if (!cand) break;
      word.push_back(*cand);
    }
    ASSERT_EQ(word.size(), each.size()) << c.name;
    for (size_t i = 0; i < each.size(); ++i) {
      EXPECT_EQ(word[i].start, each[i].start) << c.name << " " << i;
      EXPECT_EQ(word[i].resume, each[i].resume) << c.name << " " << i;
    }
    // And from anywhere.
    for (int trial = 0; trial < 100; ++trial) {
      const uint64_t from = rng() % bits;
      std::optional<Candidate> ref;
      for (uint64_t p = from; p < bits && !ref; ++p) ref = find_block_start(deflated.data(), deflated.size(), p, p + 1);
      auto got = find_block_start(deflated.data(), deflated.size(), from, bits);
      ASSERT_EQ(got.has_value(), ref.has_value()) << c.name << " from " << from;
      if (got) {
        EXPECT_EQ(got->start, ref->start) << c.name << " from " << from;
      }
    }
  }
}

// A chunk from the middle of a stream starts at a real boundary and, with its target,
// ends at the next chunk's start.
TEST(ChunkDecoder, ChunksMeetEachOther) {
  const Bytes data = test::make_data(3000000, 4, 20);
  const Bytes deflated = zlib_deflate(data, 6, Z_DEFAULT_STRATEGY, 100000);
  const size_t c = 64 << 10;
  std::vector<std::unique_ptr<Chunk>> chunks;
  ChunkDecoder dec;
  for (size_t k = 0; k * c < deflated.size(); ++k) {
    ChunkRequest r;
    const size_t lo = k * c, hi = std::min(deflated.size(), lo + 2 * c);
    r.in = deflated.data() + lo;
    r.size = hi - lo;
    r.last = hi == deflated.size();
    r.base_bit = r.from_bit = lo * 8;
    r.known_start = k == 0;
    r.stop_bit = (k + 1) * c * 8;
    r.max_output = 32 << 20;
    chunks.push_back(std::make_unique<Chunk>());
    dec.decode(r, *chunks.back());
  }
  size_t ok = 0, met = 0;
  for (size_t k = 0; k + 1 < chunks.size(); ++k) {
    ok += chunks[k]->ok;
    if (chunks[k]->ok && chunks[k + 1]->ok && chunks[k]->end_bit == chunks[k + 1]->start.earliest()) ++met;
  }
  EXPECT_GT(ok, chunks.size() / 2);
  EXPECT_GT(met, 0u);
}

// The whole path through decompress_gzip, with small chunks so that small inputs are cut.
class SpeculativePath : public ::testing::Test {
 protected:
  void SetUp() override {
    saved_ = speculate_config();
    SpeculateConfig c;
    c.min_threads = 1;
    c.any_size = true;
    c.chunk_bytes = 16 << 10;
    set_speculate_config(c);
  }
  void TearDown() override { set_speculate_config(saved_); }
  SpeculateConfig saved_;
};

Bytes gzip_of(const Bytes& deflated, const Bytes& data) {
  static const uint8_t kHeader[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
  Bytes gz(kHeader, kHeader + 10);
  gz.resize(10 + deflated.size());
  std::copy(deflated.begin(), deflated.end(), gz.begin() + 10);
  const uint32_t crc = crc32_update(0, data.data(), data.size()), len = static_cast<uint32_t>(data.size());
  for (int i = 0; i < 4; ++i) gz.push_back(static_cast<uint8_t>(crc >> (8 * i)));
  for (int i = 0; i < 4; ++i) gz.push_back(static_cast<uint8_t>(len >> (8 * i)));
  return gz;
}

// rigz's verdict and output against zlib's, for `threads` threads.
void expect_like_zlib(const Bytes& gz, unsigned threads, const std::string& what) {
  auto ref = test::zlib_gunzip(gz);
  DecompressOptions o;
  test::set_decompress_threads(o, threads);
  try {
    DecompressResult r;
    const Bytes out = test::decompress(gz, &r, o);
    ASSERT_TRUE(ref.has_value()) << what << ": rigz accepted what zlib refuses";
    EXPECT_TRUE(out == ref->out) << what;
  } catch (const Error& e) {
    EXPECT_FALSE(ref.has_value()) << what << ": " << e.what();
  }
}

TEST_F(SpeculativePath, AgreesWithZlib) {
  for (const Case& c : kCases) {
    const Bytes data = test::make_data(400000, 9, c.random_pct);
    const Bytes gz = gzip_of(zlib_deflate(data, c.level, c.strategy, c.flush_every), data);
    for (unsigned threads : {1u, 2u, 4u}) {
      DecompressOptions o;
      test::set_decompress_threads(o, threads);
      DecompressResult r;
      EXPECT_TRUE(test::decompress(gz, &r, o) == data) << c.name << " threads " << threads;
      EXPECT_EQ(r.members, 1u);
    }
  }
}

TEST_F(SpeculativePath, MembersAndTrailingData) {
  const Bytes a = test::make_data(200000, 1), b = test::make_data(150000, 2, 90);
  Bytes gz = gzip_of(zlib_deflate(a, 6), a);
  const Bytes second = gzip_of(zlib_deflate(b, 1, Z_DEFAULT_STRATEGY, 30000), b);
  gz.insert(gz.end(), second.begin(), second.end());
  DecompressOptions o;
  test::set_decompress_threads(o, 2);
  DecompressResult r;
  Bytes want = a;
  want.insert(want.end(), b.begin(), b.end());
  EXPECT_TRUE(test::decompress(gz, &r, o) == want);
  EXPECT_EQ(r.members, 2u);
  Bytes garbage = gz;
  for (uint8_t x : {'j', 'u', 'n', 'k'}) garbage.push_back(x);
  EXPECT_TRUE(test::decompress(garbage, &r, o) == want);
  EXPECT_TRUE(r.trailing_garbage);
}

TEST_F(SpeculativePath, CorruptAndTruncatedInput) {
  const Bytes data = test::make_data(300000, 6, 20);
  const Bytes gz = gzip_of(zlib_deflate(data, 6, Z_DEFAULT_STRATEGY, 60000), data);
  std::mt19937 rng(7);
  for (int i = 0; i < 60; ++i) {
    Bytes bad = gz;
    const size_t at = 10 + rng() % (gz.size() - 10);
    bad[at] ^= static_cast<uint8_t>(1 + rng() % 255);
    expect_like_zlib(bad, 1 + i % 3, "flip at " + std::to_string(at));
  }
  for (size_t cut = 11; cut < gz.size(); cut += gz.size() / 23) {
    DecompressOptions o;
    test::set_decompress_threads(o, 2);
    try {
      test::decompress(Bytes(gz.begin(), gz.begin() + cut), nullptr, o);
      ADD_FAILURE() << "cut at " << cut << " accepted";
    } catch (const Error& e) {
      EXPECT_STREQ(e.what(), "unexpected end of file") << cut;
    }
  }
}

// Output that goes nowhere (-t, /dev/null) keeps a writer thread where the path runs, so
// that the workers replace the markers; every chunk is still checked against the trailer.
TEST_F(SpeculativePath, DiscardedOutputIsStillChecked) {
  const Bytes data = test::make_data(400000, 6, 10);
  Bytes gz = gzip_of(zlib_deflate(data, 6), data);
  for (unsigned threads : {2u, 4u}) {
    DecompressOptions o;
    test::set_decompress_threads(o, threads);
    MemoryInput in(gz.data(), gz.size());
    NullOutput out;
    EXPECT_EQ(decompress_gzip(in, out, o).out_bytes, data.size()) << threads;
  }
  gz[gz.size() - 8] ^= 1;  // the CRC-32
  DecompressOptions o;
  test::set_decompress_threads(o, 4);
  MemoryInput in(gz.data(), gz.size());
  NullOutput out;
  try {
    decompress_gzip(in, out, o);
    ADD_FAILURE() << "a wrong CRC accepted";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "invalid compressed data--crc error");
  }
}

// A member of 8:1 and more at fewer than 8 threads is decoded by ISA-L alone after its
// first MiB (parallel_member.cpp, too_dense): the same bytes, checked the same way.
TEST_F(SpeculativePath, DenseMembersAreDecodedWhole) {
  SpeculateConfig c = speculate_config();
  c.chunk_bytes = 0;  // the sizes of the input and the ratio choose (a set one keeps the path)
  set_speculate_config(c);
  std::mt19937 rng(11);
  std::string log;
  while (log.size() < 16000000)
    log += "10.0." + std::to_string(rng() % 4) + "." + std::to_string(rng() % 32) + " - - \"GET /page/" +
           std::to_string(rng() % 200) + " HTTP/1.1\" " + (rng() % 4 ? "200 " : "404 ") + std::to_string(rng() % 50) +
           "\n";
  const Bytes data(log.begin(), log.end());
  const Bytes deflated = zlib_deflate(data, 6);
  ASSERT_GT(deflated.size(), size_t(1) << 20);  // longer than the first MiB decoded alone
  ASSERT_GE(data.size(), 8 * deflated.size());
  Bytes gz = gzip_of(deflated, data);
  for (unsigned threads : {2u, 4u}) {
    DecompressOptions o;
    test::set_decompress_threads(o, threads);
    DecompressResult r;
    EXPECT_TRUE(test::decompress(gz, &r, o) == data) << threads;
  }
  gz[gz.size() - 5] ^= 1;  // the CRC-32
  DecompressOptions o;
  test::set_decompress_threads(o, 4);
  EXPECT_THROW(test::decompress(gz, nullptr, o), Error);
}

TEST_F(SpeculativePath, ExtremeRatioStaysBounded) {
  // 64 MiB of zeros: about 1000:1, more than a chunk may hold; the path falls back to
  // decoding those stretches itself.
  const Bytes data(64 << 20, 0);
  const Bytes gz = gzip_of(zlib_deflate(data, 9), data);
  DecompressOptions o;
  test::set_decompress_threads(o, 2);
  EXPECT_TRUE(test::decompress(gz, nullptr, o) == data);
}

}  // namespace
}  // namespace rigz::spec
