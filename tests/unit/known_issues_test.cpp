// Bugs and divergences found in src/ by these tests, the fuzz targets and the soak script,
// kept as regression tests now that they are fixed. A new one starts DISABLED_ (run with
// --gtest_also_run_disabled_tests) and loses the prefix in the commit that fixes it.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <string>
#include <vector>

#include "io/error.h"
#include "test_support.h"

namespace rigz {
namespace {

using test::Bytes;

// compress_gzip writes one member per block (libdeflate plan) and appends an 8-byte "RZ"
// subfield to the caller's FEXTRA. write_gzip_header caps FEXTRA at 65535 bytes, cutting the
// subfield off, while the member size is still patched in at the offset it would have had:
// 8 bytes of the deflate data are overwritten. compress_gzip returns normally and the output
// is corrupt (zlib: "invalid stored block lengths" / "invalid code lengths set").
// Reproducer: CompressOptions o; o.header.has_extra = true; o.header.extra.assign(65528, 'e');
// compress 100000 bytes; inflate with zlib.
TEST(KnownIssues, LongCallerExtraFieldGivesCorruptOutput) {
  Bytes data = test::make_data(100000, 1);
  for (size_t xlen : {size_t(65527), size_t(65528), size_t(65535)}) {
    CompressOptions o;
    o.header.has_extra = true;
    o.header.extra.assign(xlen, 'e');
    Bytes gz;
    try {
      gz = test::compress(data, o);
    } catch (const std::exception&) {
      continue;  // refusing such a header would be fine too
    }
    auto z = test::zlib_gunzip(gz);
    ASSERT_TRUE(z.has_value()) << "xlen " << xlen << ": zlib rejects the output";
    EXPECT_TRUE(z->out == data);
  }
}

// CompressOptions::header is documented as "written as is", but compress_member clears
// has_hcrc: a caller asking for FHCRC silently gets a header without it. Either write it
// (computed after the member size is patched in) or reject the option with Error::usage.
// (Before ce46ee1 the same request threw std::logic_error from a worker.)
TEST(KnownIssues, HeaderCrcOptionIsWritten) {
  CompressOptions o;
  o.header.has_hcrc = true;
  o.header.has_name = true;
  o.header.name = "x";
  Bytes data = test::make_data(1000, 2);
  Bytes gz;
  try {
    gz = test::compress(data, o);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), Error::Kind::usage);  // refused up front: fine
    return;
  }
  auto z = test::zlib_gunzip(gz);
  ASSERT_TRUE(z.has_value());
  EXPECT_TRUE(z->out == data);
  DecompressResult r;
  test::decompress(gz, &r);
  EXPECT_TRUE(r.first_header.has_hcrc);
}

// Divergence from gzip 1.12 (found by fuzz_decompress): after a complete member, data that
// starts with the gzip magic but whose header is cut short, names an unknown method, sets
// reserved flags or fails its FHCRC is taken for trailing garbage ("decompression OK,
// trailing garbage ignored", exit 2). gzip treats anything after the magic as a member and
// fails with exit 1: "unexpected end of file", "unknown method 0 -- not supported",
// "stdin is encrypted -- not supported". (pigz ignores all of them silently, exit 0.)
// Reproducers:
//   (echo hi | gzip; printf '\x1f\x8b\x08\x00\x00') | build/rigz -dc; echo $?
//   (echo hi | gzip; printf '\x1f\x8b\x00\x00\x00\x00\x00\x00\x00\x03\x03\x00') | build/rigz -dc; echo $?
// tests/fuzz/regressions/fuzz_decompress/later-member-* are fuzzer-found inputs of this kind.
TEST(KnownIssues, BadMemberHeaderAfterFirstMemberIsAnError) {
  Bytes d = test::make_data(3000, 3);
  Bytes m = test::zlib_gzip(d);
  std::vector<Bytes> tails;
  for (size_t len : {size_t(1), size_t(2), size_t(5), size_t(9)})
    tails.emplace_back(m.begin(), m.begin() + static_cast<long>(len));
  tails.push_back({0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 3, 0x00, 0x10, 'x'});                  // XLEN past the end
  tails.push_back({0x1f, 0x8b, 0, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0});     // method 0
  tails.push_back({0x1f, 0x8b, 8, 0xe0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0});  // reserved flags
  GzipHeader h;
  h.has_hcrc = true;
  Bytes bad_hcrc = test::make_member(h, d);
  bad_hcrc[10] ^= 1;
  tails.push_back(bad_hcrc);
  for (size_t i = 0; i < tails.size(); ++i) {
    Bytes gz = m;
    gz.insert(gz.end(), tails[i].begin(), tails[i].end());
    EXPECT_THROW(test::decompress(gz), Error) << "tail " << i;
  }
}

// Found by fuzz_decompress. With threads > 1 (rigz -d -p N, N > 1), decompress_gzip trusts
// the member size recorded in an "RZ" (or BGZF "BC") FEXTRA subfield: when it is wrong the
// member is inflated from the wrong byte range and the run fails ("format violated" or
// "crc error"), though the file is valid: gzip, zlib and rigz -d -p 1 decompress it.
// indexed_members.h promises that "a member too large or inconsistent to handle whole"
// is left to the streaming path. A file from another tool that uses an "RZ" subfield of
// 4 bytes for something else is enough. Reproducer (tests/fuzz/regressions/fuzz_decompress/
// parallel-rejects-valid-member):
//   build/rigz -dc -p 1 < FILE  # exit 0, like gzip -dc
//   build/rigz -dc -p 4 < FILE  # rigz: stdin: invalid compressed data--format violated
TEST(KnownIssues, InconsistentMemberIndexFallsBackToStreaming) {
  Bytes d = test::make_data(5000, 4);
  GzipHeader h;
  h.has_extra = true;
  h.extra = {'R', 'Z', 4, 0, 0, 0, 0, 0};
  const Bytes good = test::make_member(h, d);
  const Bytes next = test::zlib_gzip(d);
  for (long delta : {-1L, 1L, 7L, -20L}) {
    Bytes m = good;
    const uint32_t recorded = static_cast<uint32_t>(static_cast<long>(m.size()) + delta);
    for (int i = 0; i < 4; ++i) m[16 + i] = static_cast<uint8_t>(recorded >> (8 * i));
    Bytes gz = m;
    gz.insert(gz.end(), next.begin(), next.end());
    auto z = test::zlib_gunzip(gz);
    ASSERT_TRUE(z.has_value());
    for (unsigned threads : {1u, 4u}) {
      DecompressOptions o;
      test::set_decompress_threads(o, threads);
      DecompressResult r;
      Bytes out;
      EXPECT_NO_THROW(out = test::decompress(gz, &r, o)) << "size off by " << delta << ", threads " << threads;
      EXPECT_TRUE(out == z->out);
    }
  }
}

// With threads > 1 every indexed member gets an output buffer of the ISIZE its trailer
// claims (up to 64 MiB), before inflating confirms it, and 2 * threads + 2 members are in
// flight. A 6 KB file of 200 tiny members that each claim 32 MiB makes rigz -d -p 32 reach
// about 2.1 GB of memory and take 9 s before it reports the (first) crc error; -p 1 uses
// 7 MB and fails at once. Measured peak RSS: -p 4: 330 MB, -p 16: 1.1 GB, -p 32: 2.1 GB.
// Reproducer: python3 -c "import struct,sys
// m=bytearray(b'\x1f\x8b\x08\x04\0\0\0\0\0\x03\x08\0RZ\x04\0\0\0\0\0\x03\0'+struct.pack('<II',0,32<<20))
// m[16:20]=struct.pack('<I',len(m)); sys.stdout.buffer.write(bytes(m)*200)" > bomb.gz
//   /usr/bin/time -v build/rigz -dc -p 32 < bomb.gz > /dev/null
// (The test measures the process's peak RSS: run it alone.)
TEST(KnownIssues, ClaimedMemberSizesDoNotDriveMemoryUse) {
  Bytes gz;
  for (int i = 0; i < 200; ++i) {
    Bytes m = {0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 3, 8, 0, 'R', 'Z', 4, 0, 0, 0, 0, 0, 3, 0};
    uint8_t trailer[kGzipTrailerSize];
    write_gzip_trailer(trailer, 0, uint64_t(32) << 20);
    m.insert(m.end(), trailer, trailer + sizeof trailer);
    m[16] = static_cast<uint8_t>(m.size());
    gz.insert(gz.end(), m.begin(), m.end());
  }
  struct rusage before {};
  getrusage(RUSAGE_SELF, &before);
  DecompressOptions o;
  test::set_decompress_threads(o, 32);
  EXPECT_THROW(test::decompress(gz, nullptr, o), Error);
  struct rusage after {};
  getrusage(RUSAGE_SELF, &after);
  EXPECT_LT(after.ru_maxrss - before.ru_maxrss, 256 * 1024) << "KiB of peak RSS growth";
}

}  // namespace
}  // namespace rigz
