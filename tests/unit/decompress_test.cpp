#include "decompress/decompress.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <random>
#include <string>
#include <vector>

#include "io/error.h"
#include "test_support.h"

namespace rigz {
namespace {

using test::Bytes;

Bytes rigz_gzip(const Bytes& data, int level = 6, unsigned threads = 2, size_t block = 64 * 1024) {
  CompressOptions o;
  o.level = level;
  o.threads = threads;
  o.block_size = block;
  return test::compress(data, o);
}

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// Decompression with `threads` workers (where the library decompresses in parallel).
Bytes dec(const Bytes& gz, DecompressResult* r = nullptr, unsigned threads = 1) {
  DecompressOptions o;
  test::set_decompress_threads(o, threads);
  return test::decompress(gz, r, o);
}

constexpr unsigned kThreadCounts[] = {1, 4};

// Decompression must fail with Error::data, single-threaded or not.
void expect_data_error(const Bytes& gz, const std::string& what,
                       std::initializer_list<unsigned> thread_counts = {1, 4}) {
  for (unsigned threads : thread_counts) {
    try {
      dec(gz, nullptr, threads);
      ADD_FAILURE() << what << ": no exception (threads " << threads << ")";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), Error::Kind::data) << what << ": " << e.what();
    }
  }
}

// A mapped .gz whose size is a multiple of the page size ends where its last page does:
// an inflater or parser that read past its input would fault there. Members from zlib
// (the streaming path) and from rigz (indexed members in place), at every thread count.
TEST(Decompress, MappedInputEndingAtAPageBoundary) {
  const test::Bytes data = test::make_data(size_t(3) << 20, 25, 60);
  GzipHeader h;
  h.has_name = true;
  const test::Bytes plain = test::make_member(h, data, 1);
  CompressOptions co;
  co.level = 1;
  const test::Bytes ours = test::compress(data, co);
  for (const test::Bytes* gz0 : {&plain, &ours}) {
    test::Bytes gz = *gz0;
    if (gz0 == &plain) {  // pad the name so that the file fills its last page
      h.name.assign((4096 - gz.size() % 4096) % 4096, 'n');
      gz = test::make_member(h, data, 1);
    } else {  // zeros after the last member, which gzip ignores
      gz.resize(gz.size() + (4096 - gz.size() % 4096) % 4096, 0);
    }
    ASSERT_EQ(gz.size() % 4096, 0u);
    const int fd = test::temp_file_with(gz);
    ASSERT_GE(fd, 0);
    for (unsigned threads : {1u, 2u, 3u}) {
      SCOPED_TRACE(std::string(gz0 == &plain ? "zlib" : "rigz") + " threads " + std::to_string(threads));
      lseek(fd, 0, SEEK_SET);
      FdInput in(fd, /*map=*/true);
      MemoryOutput out;
      DecompressOptions o;
      test::set_decompress_threads(o, threads);
      const DecompressResult r = decompress_gzip(in, out, o);
      EXPECT_TRUE(out.data == data);
      EXPECT_EQ(r.in_bytes, gz.size());
    }
    close(fd);
  }
}

TEST(Decompress, ZlibMembers) {
  for (size_t size : {size_t(0), size_t(1), size_t(70000), size_t(3 << 20)}) {
    Bytes data = test::make_data(size, static_cast<unsigned>(size));
    for (int level : {1, 9}) {
      DecompressResult r;
      EXPECT_TRUE(test::decompress(test::zlib_gzip(data, level), &r) == data) << size;
      EXPECT_EQ(r.members, 1u);
      EXPECT_EQ(r.out_bytes, size);
    }
  }
}

TEST(Decompress, MultiMember) {
  Bytes a = test::make_data(100000, 1), b = test::make_data(2500000, 2), c = test::make_data(1, 3);
  Bytes gz = cat({rigz_gzip(a), test::zlib_gzip(b, 1, "b.txt"), rigz_gzip(c, 9, 1), test::zlib_gzip(a)});
  auto z = test::zlib_gunzip(gz);
  ASSERT_TRUE(z.has_value());
  EXPECT_GE(z->members, 4u);
  EXPECT_TRUE(z->out == cat({a, b, c, a}));
  for (unsigned threads : kThreadCounts) {
    DecompressResult r;
    Bytes out = dec(gz, &r, threads);
    EXPECT_TRUE(out == z->out);
    EXPECT_EQ(r.members, z->members);
    EXPECT_EQ(r.in_bytes, gz.size());
    EXPECT_EQ(r.out_bytes, out.size());
    EXPECT_FALSE(r.trailing_garbage);
    EXPECT_FALSE(r.first_header.has_name);
  }
}

TEST(Decompress, ManySmallMembers) {
  Bytes gz, want;
  for (int i = 0; i < 300; ++i) {
    Bytes d = test::make_data(static_cast<size_t>(i * 37 % 500), static_cast<unsigned>(i));
    Bytes m = (i % 2) ? rigz_gzip(d) : test::zlib_gzip(d);
    gz.insert(gz.end(), m.begin(), m.end());
    want.insert(want.end(), d.begin(), d.end());
  }
  for (unsigned threads : kThreadCounts) {
    DecompressResult r;
    EXPECT_TRUE(dec(gz, &r, threads) == want);
    EXPECT_EQ(r.members, 300u);
  }
}

TEST(Decompress, EmptyMembers) {
  Bytes empty_rigz = rigz_gzip({}), empty_zlib = test::zlib_gzip({});
  Bytes d = test::make_data(5000, 4);
  DecompressResult r;
  EXPECT_TRUE(test::decompress(empty_rigz, &r).empty());
  EXPECT_EQ(r.members, 1u);
  Bytes gz = cat({empty_rigz, empty_zlib, rigz_gzip(d), empty_rigz, empty_zlib});
  for (unsigned threads : kThreadCounts) {
    EXPECT_TRUE(dec(gz, &r, threads) == d);
    EXPECT_EQ(r.members, 5u);
    EXPECT_FALSE(r.trailing_garbage);
  }
}

TEST(Decompress, TrailingZerosAreIgnored) {
  Bytes d = test::make_data(10000, 5);
  for (size_t zeros : {size_t(1), size_t(2), size_t(9), size_t(1000), size_t(3 << 20)}) {
    Bytes gz = rigz_gzip(d);
    size_t member = gz.size();
    gz.resize(gz.size() + zeros, 0);
    for (unsigned threads : kThreadCounts) {
      DecompressResult r;
      EXPECT_TRUE(dec(gz, &r, threads) == d) << zeros;
      EXPECT_FALSE(r.trailing_garbage) << zeros;
      EXPECT_EQ(r.members, 1u);
      EXPECT_EQ(r.in_bytes, member + zeros);
    }
  }
}

// gzip -cdf: what follows the last member (zeros or not) is copied to the output as it is.
TEST(Decompress, PassThroughCopiesWhatFollowsTheMembers) {
  Bytes d = test::make_data(10000, 8);
  const Bytes tails[] = {{'x', 'y', '\n'}, {0, 0, 0}, {0, 0, 'z'}};
  for (const Bytes& tail : tails) {
    for (unsigned threads : kThreadCounts) {
      DecompressOptions o;
      o.pass_through = true;
      o.threads = threads;
      DecompressResult r;
      EXPECT_EQ(test::decompress(cat({rigz_gzip(d), rigz_gzip(d), tail}), &r, o), cat({d, d, tail}));
      EXPECT_FALSE(r.trailing_garbage);
      EXPECT_EQ(r.members, 2u);
    }
  }
}

TEST(Decompress, TrailingGarbageIsFlagged) {
  Bytes d = test::make_data(10000, 6);
  const Bytes garbages[] = {{'x'}, {'h', 'e', 'l', 'l', 'o'}, {0, 0, 0, 'x'}, {0x1f, 0x8c, 0, 0, 0, 0, 0, 0, 0, 0}};
  for (const Bytes& g : garbages) {
    Bytes gz = cat({rigz_gzip(d), g});
    for (unsigned threads : kThreadCounts) {
      DecompressResult r;
      EXPECT_TRUE(dec(gz, &r, threads) == d);
      EXPECT_TRUE(r.trailing_garbage);
      EXPECT_EQ(r.members, 1u);
    }
    auto z = test::zlib_gunzip(gz);
    ASSERT_TRUE(z.has_value());
    EXPECT_TRUE(z->trailing_garbage);
  }
  // Garbage after several members, and large garbage.
  Bytes big_garbage(2 << 20, 'g');
  Bytes gz = cat({rigz_gzip(d), rigz_gzip(d), big_garbage});
  for (unsigned threads : kThreadCounts) {
    DecompressResult r;
    EXPECT_TRUE(dec(gz, &r, threads) == cat({d, d}));
    EXPECT_TRUE(r.trailing_garbage);
    EXPECT_EQ(r.members, 2u);
  }
}

TEST(Decompress, NotGzip) {
  expect_data_error({}, "empty input");
  expect_data_error({'x'}, "one byte");
  expect_data_error({0x1f}, "half a magic");
  expect_data_error({'h', 'e', 'l', 'l', 'o', '\n'}, "text");
  expect_data_error(Bytes(100, 0), "zeros");
  expect_data_error({0x1f, 0x8b, 7, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "method 7");
  expect_data_error({0x1f, 0x8b, 8, 0x20, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "reserved flag");
}

// gzip reads two bytes before it checks the magic, so an input shorter than that ends
// too early whatever its byte; from two bytes on, a wrong magic is "not in gzip format".
TEST(Decompress, AnInputOfLessThanTwoBytesEndsTooEarly) {
  auto message = [](const Bytes& gz) {
    try {
      dec(gz, nullptr, 1);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message({}), "unexpected end of file");
  EXPECT_EQ(message({'x'}), "unexpected end of file");
  EXPECT_EQ(message({0x1f}), "unexpected end of file");
  EXPECT_EQ(message({'x', 'y'}), "not in gzip format");
  EXPECT_EQ(message({0x1f, 0x8b}), "unexpected end of file");
}

TEST(Decompress, PassThrough) {
  DecompressOptions o;
  o.pass_through = true;
  Bytes text = test::make_data(3 << 20, 7);
  text[0] = 'T';
  DecompressResult r;
  EXPECT_TRUE(test::decompress(text, &r, o) == text);
  EXPECT_TRUE(r.passed_through);
  EXPECT_EQ(r.out_bytes, text.size());
  Bytes one = {'z'};
  EXPECT_TRUE(test::decompress(one, &r, o) == one);
  EXPECT_TRUE(test::decompress({}, &r, o).empty());
  // gzip data is still decompressed.
  Bytes d = test::make_data(1000, 8);
  EXPECT_TRUE(test::decompress(rigz_gzip(d), &r, o) == d);
  EXPECT_FALSE(r.passed_through);
}

TEST(Decompress, TruncatedAtEveryLength) {
  Bytes d = test::make_data(1000, 9);
  GzipHeader h;
  h.has_name = true;
  h.name = "name";
  h.has_extra = true;
  h.extra = {'A', 'B', 1, 0, 'z'};
  h.has_hcrc = true;
  for (const Bytes& gz : {test::make_member(h, d), rigz_gzip(d)}) {
    GzipHeader parsed;
    size_t header_len = 0;
    ASSERT_EQ(parse_gzip_header(gz.data(), gz.size(), parsed, header_len), HeaderStatus::ok);
    for (size_t len = 0; len < gz.size(); ++len) {
      Bytes part(gz.begin(), gz.begin() + static_cast<long>(len));
      // Every length in the header, the first deflate bytes and the trailer; a sample of
      // the deflate data; fewer with workers (each call starts threads: slow under TSan).
      const bool ends = len < header_len + 24 || len + 12 > gz.size();
      if (ends || len % 29 == 0)
        expect_data_error(part, "prefix of " + std::to_string(len));
      else if (len % 5 == 0)
        expect_data_error(part, "prefix of " + std::to_string(len), {1});
    }
  }
}

TEST(Decompress, TruncatedLargeMember) {
  Bytes d = test::make_data(3 << 20, 10);
  Bytes gz = test::zlib_gzip(d);
  for (size_t len : {size_t(10), size_t(11), gz.size() / 3, gz.size() / 2 + 1, gz.size() - 9, gz.size() - 8,
                     gz.size() - 4, gz.size() - 1}) {
    Bytes part(gz.begin(), gz.begin() + static_cast<long>(len));
    expect_data_error(part, "prefix of " + std::to_string(len));
  }
}

TEST(Decompress, TruncatedRigzOutputAgreesWithZlib) {
  // rigz may write several members: a prefix that ends between two of them is a valid file.
  // Any other prefix is an error; either way rigz must agree with zlib.
  Bytes d = test::make_data(600 * 1024, 19);
  Bytes gz = rigz_gzip(d, 6, 4, 32 * 1024);
  std::mt19937 rng(5);
  for (int i = 0; i < 60; ++i) {
    size_t len = rng() % gz.size();
    Bytes part(gz.begin(), gz.begin() + static_cast<long>(len));
    auto z = test::zlib_gunzip(part);
    for (unsigned threads : kThreadCounts) {
      SCOPED_TRACE("prefix " + std::to_string(len) + " threads " + std::to_string(threads));
      if (z && z->members > 0) {
        DecompressResult r;
        EXPECT_TRUE(dec(part, &r, threads) == z->out);
        EXPECT_EQ(r.members, z->members);
      } else {
        EXPECT_THROW(dec(part, nullptr, threads), Error);
      }
    }
  }
}

TEST(Decompress, TruncatedSecondMemberIsAnError) {
  Bytes d = test::make_data(3000, 11);
  for (const Bytes& m : {rigz_gzip(d), test::zlib_gzip(d)}) {
    GzipHeader h;
    size_t header_len = 0;
    ASSERT_EQ(parse_gzip_header(m.data(), m.size(), h, header_len), HeaderStatus::ok);
    // Past its header, the second member is being inflated: running out is an error.
    for (size_t len : {header_len + 2, m.size() / 2, m.size() - 1}) {
      Bytes gz = cat({m, Bytes(m.begin(), m.begin() + static_cast<long>(len))});
      expect_data_error(gz, "second member cut at " + std::to_string(len));
    }
  }
}

TEST(Decompress, CorruptTrailer) {
  Bytes d = test::make_data(50000, 12);
  Bytes gz = rigz_gzip(d);
  for (size_t back = 1; back <= 8; ++back) {
    Bytes bad = gz;
    bad[bad.size() - back] ^= 0x10;
    expect_data_error(bad, back <= 4 ? "ISIZE" : "CRC");
  }
  // The same in the second of two members.
  Bytes two = cat({gz, gz});
  two[two.size() - 6] ^= 1;
  expect_data_error(two, "CRC of member 2");
}

TEST(Decompress, CorruptDeflateData) {
  Bytes d = test::make_data(200000, 13);
  Bytes gz = rigz_gzip(d);
  // Flipping a bit either breaks the data (an error), or is in a bit deflate ignores (stored
  // block padding; the output is right), or turns the magic of a later member (rigz writes
  // several) into trailing garbage: then the output is the members before it, with the
  // trailing-garbage warning, as gzip does.
  int errors = 0;
  const size_t step = gz.size() / 50 + 1;  // about 50 flips, in headers, data and trailers
  for (size_t i = 10; i + 8 < gz.size(); i += step) {
    Bytes bad = gz;
    bad[i] ^= static_cast<uint8_t>(1u << (i % 8));
    for (unsigned threads : kThreadCounts) {
      try {
        DecompressResult r;
        Bytes out = dec(bad, &r, threads);
        if (r.trailing_garbage) {
          EXPECT_LT(out.size(), d.size());
          EXPECT_TRUE(std::equal(out.begin(), out.end(), d.begin())) << "byte " << i;
        } else {
          EXPECT_TRUE(out == d) << "byte " << i << ": accepted with different output";
        }
      } catch (const Error& e) {
        EXPECT_EQ(e.kind(), Error::Kind::data);
        ++errors;
      }
    }
  }
  EXPECT_GT(errors, 0);
}

TEST(Decompress, BadHeaderCrc) {
  GzipHeader h;
  h.has_hcrc = true;
  Bytes gz = test::make_member(h, test::make_data(100, 14));
  EXPECT_TRUE(dec(gz) == test::make_data(100, 14));
  gz[4] ^= 1;  // mtime, covered by the header CRC
  expect_data_error(gz, "header crc");
}

TEST(Decompress, EveryHeaderField) {
  GzipHeader h;
  h.text = true;
  h.has_name = true;
  h.name = "file name";
  h.has_comment = true;
  h.comment = "comment";
  h.has_extra = true;
  h.extra = {'X', 'Y', 3, 0, 1, 2, 3};
  h.has_hcrc = true;
  h.mtime = 123456789;
  h.os = 7;
  Bytes d = test::make_data(40000, 20);
  Bytes gz = cat({test::make_member(h, d), test::make_member(GzipHeader{}, d)});
  for (unsigned threads : kThreadCounts) {
    DecompressResult r;
    EXPECT_TRUE(dec(gz, &r, threads) == cat({d, d}));
    EXPECT_EQ(r.members, 2u);
    EXPECT_TRUE(r.first_header.text);
    EXPECT_EQ(r.first_header.name, h.name);
    EXPECT_EQ(r.first_header.comment, h.comment);
    EXPECT_EQ(r.first_header.extra, h.extra);
    EXPECT_TRUE(r.first_header.has_hcrc);
    EXPECT_EQ(r.first_header.mtime, h.mtime);
    EXPECT_EQ(r.first_header.os, h.os);
  }
}

TEST(Decompress, LongHeaderFields) {
  // Header fields longer than the decompressor's input buffer.
  GzipHeader h;
  h.has_name = true;
  h.name = std::string(3 << 20, 'n');
  h.has_comment = true;
  h.comment = std::string((1 << 20) + 1, 'c');
  h.has_extra = true;
  h.extra.assign(0xffff, 'e');
  h.has_hcrc = true;
  Bytes d = test::make_data(70000, 15);
  Bytes gz = test::make_member(h, d);
  for (unsigned threads : kThreadCounts) {
    DecompressResult r;
    EXPECT_TRUE(dec(gz, &r, threads) == d);
    EXPECT_EQ(r.first_header.name, h.name);
    EXPECT_EQ(r.first_header.comment, h.comment);
    EXPECT_EQ(r.first_header.extra, h.extra);
    EXPECT_TRUE(r.first_header.has_hcrc);
  }
}

TEST(Decompress, HighlyCompressibleOutputLargerThanBuffers) {
  Bytes d(20 << 20, 'a');  // 20 MiB of one byte: ~20 KiB compressed, output loop runs many times
  Bytes gz = test::zlib_gzip(d, 9);
  EXPECT_LT(gz.size(), 100000u);
  DecompressResult r;
  EXPECT_TRUE(test::decompress(gz, &r) == d);
  EXPECT_EQ(r.out_bytes, d.size());
}

// Like a full disk: accepts `allow` writes, then throws Error::write.
class FailingOutput : public OutputStream {
 public:
  explicit FailingOutput(int allow) : allow_(allow) {}
  void write(const uint8_t*, size_t) override {
    if (writes_++ >= allow_) throw Error(Error::Kind::write, "No space left on device");
  }

 private:
  int allow_;
  std::atomic<int> writes_{0};
};

TEST(DecompressErrors, WriteFailurePropagates) {
  Bytes d = test::make_data(12 << 20, 21, 5);
  // One member from zlib (streaming path), several indexed members from rigz (parallel path).
  for (const Bytes& gz : {test::zlib_gzip(d, 1), rigz_gzip(d, 1, 4, 256 * 1024)}) {
    for (unsigned threads : {1u, 2u, 4u, 8u}) {
      for (int allow : {0, 1, 5}) {
        MemoryInput in(gz.data(), gz.size());
        FailingOutput out(allow);
        DecompressOptions o;
        test::set_decompress_threads(o, threads);
        try {
          decompress_gzip(in, out, o);
          ADD_FAILURE() << "no exception, threads " << threads << " allow " << allow;
        } catch (const Error& e) {
          EXPECT_EQ(e.kind(), Error::Kind::write);
        }
      }
    }
  }
}

TEST(Decompress, NullOutputCountsBytes) {
  Bytes d = test::make_data(1 << 20, 16);
  Bytes gz = rigz_gzip(d);
  MemoryInput in(gz.data(), gz.size());
  NullOutput out;
  DecompressResult r = decompress_gzip(in, out);
  EXPECT_EQ(r.out_bytes, d.size());
}

}  // namespace
}  // namespace rigz
