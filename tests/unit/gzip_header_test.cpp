#include "format/gzip_header.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace rigz {
namespace {

GzipHeader full_header() {
  GzipHeader h;
  h.text = true;
  h.has_extra = true;
  h.extra = {'R', 'G', 3, 0, 1, 2, 3};
  h.has_name = true;
  h.name = "some file.txt";
  h.has_comment = true;
  h.comment = "a comment, with spaces";
  h.has_hcrc = true;
  h.mtime = 0x12345678;
  h.xfl = 2;
  h.os = 11;
  return h;
}

void expect_same(const GzipHeader& a, const GzipHeader& b) {
  EXPECT_EQ(a.text, b.text);
  EXPECT_EQ(a.has_extra, b.has_extra);
  EXPECT_EQ(a.extra, b.extra);
  EXPECT_EQ(a.has_name, b.has_name);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.has_comment, b.has_comment);
  EXPECT_EQ(a.comment, b.comment);
  EXPECT_EQ(a.has_hcrc, b.has_hcrc);
  EXPECT_EQ(a.mtime, b.mtime);
  EXPECT_EQ(a.xfl, b.xfl);
  EXPECT_EQ(a.os, b.os);
}

TEST(GzipHeader, MinimalHeaderIsTenBytes) {
  GzipHeader h;
  h.mtime = 0x01020304;
  auto bytes = write_gzip_header(h);
  ASSERT_EQ(bytes.size(), 10u);
  EXPECT_EQ(bytes[0], 0x1f);
  EXPECT_EQ(bytes[1], 0x8b);
  EXPECT_EQ(bytes[2], 8);
  EXPECT_EQ(bytes[3], 0);
  EXPECT_EQ(bytes[4], 4);  // little-endian mtime
  EXPECT_EQ(bytes[7], 1);
  EXPECT_EQ(bytes[9], 3);
  GzipHeader back;
  size_t used = 0;
  ASSERT_EQ(parse_gzip_header(bytes.data(), bytes.size(), back, used), HeaderStatus::ok);
  EXPECT_EQ(used, 10u);
  expect_same(h, back);
}

TEST(GzipHeader, RoundTripEveryFieldCombination) {
  const GzipHeader full = full_header();
  for (unsigned mask = 0; mask < 32; ++mask) {
    GzipHeader h = full;
    h.text = mask & 1;
    h.has_hcrc = mask & 2;
    h.has_extra = mask & 4;
    h.has_name = mask & 8;
    h.has_comment = mask & 16;
    if (!h.has_extra) h.extra.clear();
    if (!h.has_name) h.name.clear();
    if (!h.has_comment) h.comment.clear();
    auto bytes = write_gzip_header(h);
    EXPECT_EQ(bytes[3], mask) << "FLG byte";
    // Trailing bytes after the header must not be consumed.
    bytes.push_back(0xAA);
    bytes.push_back(0x00);
    GzipHeader back;
    size_t used = 0;
    ASSERT_EQ(parse_gzip_header(bytes.data(), bytes.size(), back, used), HeaderStatus::ok) << mask;
    EXPECT_EQ(used, bytes.size() - 2) << mask;
    expect_same(h, back);
  }
}

TEST(GzipHeader, EmptyFieldsRoundTrip) {
  GzipHeader h;
  h.has_extra = true;
  h.has_name = true;
  h.has_comment = true;
  h.has_hcrc = true;
  auto bytes = write_gzip_header(h);
  EXPECT_EQ(bytes.size(), 10u + 2 + 1 + 1 + 2);
  GzipHeader back;
  size_t used = 0;
  ASSERT_EQ(parse_gzip_header(bytes.data(), bytes.size(), back, used), HeaderStatus::ok);
  EXPECT_EQ(used, bytes.size());
  expect_same(h, back);
}

TEST(GzipHeader, MaximalExtraField) {
  GzipHeader h;
  h.has_extra = true;
  h.extra.resize(0xffff);
  for (size_t i = 0; i < h.extra.size(); ++i) h.extra[i] = static_cast<uint8_t>(i * 31);
  auto bytes = write_gzip_header(h);
  EXPECT_EQ(bytes.size(), 10u + 2 + 0xffff);
  GzipHeader back;
  size_t used = 0;
  ASSERT_EQ(parse_gzip_header(bytes.data(), bytes.size(), back, used), HeaderStatus::ok);
  EXPECT_EQ(back.extra, h.extra);
}

TEST(GzipHeader, HcrcMatchesZlib) {
  // zlib computes FHCRC as the low 16 bits of the CRC-32 of the header bytes before it.
  GzipHeader h = full_header();
  auto bytes = write_gzip_header(h);
  uLong c = ::crc32(0, bytes.data(), static_cast<uInt>(bytes.size() - 2));
  EXPECT_EQ(bytes[bytes.size() - 2], static_cast<uint8_t>(c));
  EXPECT_EQ(bytes[bytes.size() - 1], static_cast<uint8_t>(c >> 8));
}

TEST(GzipHeader, ZlibParsesOurHeader) {
  // A complete member: our header, an empty deflate stream, an empty trailer.
  GzipHeader h = full_header();
  auto bytes = write_gzip_header(h);
  const uint8_t rest[] = {0x03, 0x00, 0, 0, 0, 0, 0, 0, 0, 0};
  bytes.insert(bytes.end(), rest, rest + sizeof rest);
  z_stream s{};
  ASSERT_EQ(inflateInit2(&s, 31), Z_OK);
  gz_header zh{};
  std::vector<uint8_t> extra(100), name(100), comment(100);
  zh.extra = extra.data();
  zh.extra_max = static_cast<uInt>(extra.size());
  zh.name = name.data();
  zh.name_max = static_cast<uInt>(name.size());
  zh.comment = comment.data();
  zh.comm_max = static_cast<uInt>(comment.size());
  ASSERT_EQ(inflateGetHeader(&s, &zh), Z_OK);
  uint8_t out[16];
  s.next_in = bytes.data();
  s.avail_in = static_cast<uInt>(bytes.size());
  s.next_out = out;
  s.avail_out = sizeof out;
  EXPECT_EQ(inflate(&s, Z_FINISH), Z_STREAM_END);
  EXPECT_EQ(zh.done, 1);
  EXPECT_EQ(zh.text, 1);
  EXPECT_EQ(zh.time, h.mtime);
  EXPECT_EQ(zh.os, h.os);
  EXPECT_EQ(zh.hcrc, 1);
  EXPECT_EQ(zh.extra_len, h.extra.size());
  EXPECT_EQ(0, std::memcmp(extra.data(), h.extra.data(), h.extra.size()));
  EXPECT_EQ(std::string(reinterpret_cast<char*>(name.data())), h.name);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(comment.data())), h.comment);
  inflateEnd(&s);
}

TEST(GzipHeader, EveryTruncationNeedsMore) {
  for (unsigned mask : {0u, 2u, 4u, 8u, 16u, 31u}) {
    GzipHeader h = full_header();
    h.text = mask & 1;
    h.has_hcrc = mask & 2;
    h.has_extra = mask & 4;
    h.has_name = mask & 8;
    h.has_comment = mask & 16;
    const auto bytes = write_gzip_header(h);
    for (size_t len = 0; len < bytes.size(); ++len) {
      // Copy into an exactly sized buffer so ASan catches any read past `len`.
      std::vector<uint8_t> part(bytes.begin(), bytes.begin() + static_cast<long>(len));
      GzipHeader back;
      size_t used = 12345;
      EXPECT_EQ(parse_gzip_header(part.data(), part.size(), back, used), HeaderStatus::need_more)
          << "mask " << mask << " len " << len;
    }
  }
}

TEST(GzipHeader, NullBufferOfLengthZeroNeedsMore) {
  GzipHeader h;
  size_t used = 0;
  EXPECT_EQ(parse_gzip_header(nullptr, 0, h, used), HeaderStatus::need_more);
}

TEST(GzipHeader, ExtraLengthBeyondBufferNeedsMore) {
  // XLEN claims 60000 bytes but only 3 follow: no allocation of the claimed size, need_more.
  std::vector<uint8_t> b = {0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 3, 0x60, 0xea, 1, 2, 3};
  GzipHeader h;
  size_t used = 0;
  EXPECT_EQ(parse_gzip_header(b.data(), b.size(), h, used), HeaderStatus::need_more);
}

TEST(GzipHeader, BadMagic) {
  GzipHeader h;
  size_t used = 0;
  const uint8_t a[] = {0x1e, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
  EXPECT_EQ(parse_gzip_header(a, sizeof a, h, used), HeaderStatus::bad_magic);
  const uint8_t b[] = {0x1f, 0x8c, 8, 0, 0, 0, 0, 0, 0, 3};
  EXPECT_EQ(parse_gzip_header(b, sizeof b, h, used), HeaderStatus::bad_magic);
  // Detected as soon as the byte is there.
  EXPECT_EQ(parse_gzip_header(a, 1, h, used), HeaderStatus::bad_magic);
  EXPECT_EQ(parse_gzip_header(b, 2, h, used), HeaderStatus::bad_magic);
  const uint8_t zeros[10] = {};
  EXPECT_EQ(parse_gzip_header(zeros, sizeof zeros, h, used), HeaderStatus::bad_magic);
  const uint8_t text[] = "hello, world";
  EXPECT_EQ(parse_gzip_header(text, sizeof text, h, used), HeaderStatus::bad_magic);
}

TEST(GzipHeader, BadMethod) {
  GzipHeader h;
  size_t used = 0;
  for (uint8_t cm : {0, 7, 9, 255}) {
    const uint8_t a[] = {0x1f, 0x8b, cm, 0, 0, 0, 0, 0, 0, 3};
    EXPECT_EQ(parse_gzip_header(a, sizeof a, h, used), HeaderStatus::bad_method) << int(cm);
    EXPECT_EQ(parse_gzip_header(a, 3, h, used), HeaderStatus::bad_method) << int(cm);
  }
}

TEST(GzipHeader, BadFlags) {
  GzipHeader h;
  size_t used = 0;
  for (uint8_t flg : {0x20, 0x40, 0x80, 0xe0, 0xff}) {
    const uint8_t a[] = {0x1f, 0x8b, 8, flg, 0, 0, 0, 0, 0, 3};
    EXPECT_EQ(parse_gzip_header(a, sizeof a, h, used), HeaderStatus::bad_flags) << int(flg);
    EXPECT_EQ(parse_gzip_header(a, 4, h, used), HeaderStatus::bad_flags) << int(flg);
  }
}

TEST(GzipHeader, BadHeaderCrc) {
  GzipHeader h = full_header();
  auto bytes = write_gzip_header(h);
  for (size_t i : {bytes.size() - 1, bytes.size() - 2, size_t(4), size_t(9), size_t(12)}) {
    auto bad = bytes;
    bad[i] ^= 0x01;
    GzipHeader back;
    size_t used = 0;
    EXPECT_EQ(parse_gzip_header(bad.data(), bad.size(), back, used), HeaderStatus::bad_hcrc) << i;
  }
}

TEST(GzipHeader, ProblemsInGzipsWords) {
  const uint8_t method9[] = {0x1f, 0x8b, 9, 0, 0, 0, 0, 0, 0, 3};
  EXPECT_EQ(describe_header_problem(HeaderStatus::bad_method, method9, sizeof method9),
            "unknown method 9 -- not supported");
  const uint8_t encrypted[] = {0x1f, 0x8b, 8, 0x20};
  EXPECT_EQ(describe_header_problem(HeaderStatus::bad_flags, encrypted, sizeof encrypted),
            "is encrypted -- not supported");
  const uint8_t flags40[] = {0x1f, 0x8b, 8, 0x40};
  EXPECT_EQ(describe_header_problem(HeaderStatus::bad_flags, flags40, sizeof flags40),
            "has flags 0x40 -- not supported");
  EXPECT_EQ(describe_header_problem(HeaderStatus::need_more, method9, 5), "unexpected end of file");
  EXPECT_EQ(describe_header_problem(HeaderStatus::bad_magic, method9, 1), "not in gzip format");
  EXPECT_EQ(describe_header_problem(HeaderStatus::ok, method9, sizeof method9), "");
  GzipHeader h;
  h.has_hcrc = true;
  h.has_name = true;
  h.name = "n";
  auto bytes = write_gzip_header(h);
  const unsigned good = bytes[bytes.size() - 2] | bytes[bytes.size() - 1] << 8;
  bytes[bytes.size() - 2] ^= 0xff;
  const unsigned bad = bytes[bytes.size() - 2] | bytes[bytes.size() - 1] << 8;
  char want[96];
  std::snprintf(want, sizeof want, "header checksum 0x%04x != computed checksum 0x%04x", bad, good);
  GzipHeader back;
  size_t used = 0;
  ASSERT_EQ(parse_gzip_header(bytes.data(), bytes.size(), back, used), HeaderStatus::bad_hcrc);
  EXPECT_EQ(describe_header_problem(HeaderStatus::bad_hcrc, bytes.data(), bytes.size()), want);
}

TEST(GzipHeader, XflForLevel) {
  EXPECT_EQ(gzip_xfl_for_level(1), 4);
  for (int l = 2; l <= 8; ++l) EXPECT_EQ(gzip_xfl_for_level(l), 0) << l;
  EXPECT_EQ(gzip_xfl_for_level(9), 2);
}

TEST(GzipTrailer, WriteRead) {
  uint8_t t[kGzipTrailerSize];
  write_gzip_trailer(t, 0xcbf43926u, 9);
  const uint8_t want[] = {0x26, 0x39, 0xf4, 0xcb, 9, 0, 0, 0};
  EXPECT_EQ(0, std::memcmp(t, want, sizeof want));
  uint32_t crc = 0, isize = 0;
  read_gzip_trailer(t, crc, isize);
  EXPECT_EQ(crc, 0xcbf43926u);
  EXPECT_EQ(isize, 9u);
}

TEST(GzipTrailer, IsizeIsLengthModulo4GiB) {
  const uint64_t four_gib = uint64_t(1) << 32;
  for (uint64_t len : {four_gib - 1, four_gib, four_gib + 1, 5 * four_gib + 12345, ~uint64_t(0)}) {
    uint8_t t[kGzipTrailerSize];
    write_gzip_trailer(t, 0xdeadbeefu, len);
    uint32_t crc = 0, isize = 0;
    read_gzip_trailer(t, crc, isize);
    EXPECT_EQ(crc, 0xdeadbeefu);
    EXPECT_EQ(isize, static_cast<uint32_t>(len & 0xffffffffu)) << len;
  }
}

}  // namespace
}  // namespace rigz
