#include "format/gzip_header.h"

#include <cstdio>

#include "format/crc32.h"

namespace rigz {
namespace {

constexpr uint8_t kFText = 1, kFHcrc = 2, kFExtra = 4, kFName = 8, kFComment = 16;
constexpr uint8_t kReservedFlags = 0xe0;

void put_le32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
uint32_t get_le32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

}  // namespace

uint8_t gzip_xfl_for_level(int level) {
  if (level >= 9) return 2;
  if (level == 1) return 4;
  return 0;
}

std::vector<uint8_t> write_gzip_header(const GzipHeader& h) {
  std::vector<uint8_t> out = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, h.xfl, h.os};
  uint8_t flags = 0;
  if (h.text) flags |= kFText;
  if (h.has_hcrc) flags |= kFHcrc;
  if (h.has_extra) flags |= kFExtra;
  if (h.has_name) flags |= kFName;
  if (h.has_comment) flags |= kFComment;
  out[3] = flags;
  put_le32(&out[4], h.mtime);
  if (h.has_extra) {
    size_t n = h.extra.size() > 0xffff ? 0xffff : h.extra.size();
    out.push_back(static_cast<uint8_t>(n));
    out.push_back(static_cast<uint8_t>(n >> 8));
    out.insert(out.end(), h.extra.begin(), h.extra.begin() + static_cast<long>(n));
  }
  if (h.has_name) {
    out.insert(out.end(), h.name.begin(), h.name.end());
    out.push_back(0);
  }
  if (h.has_comment) {
    out.insert(out.end(), h.comment.begin(), h.comment.end());
    out.push_back(0);
  }
  if (h.has_hcrc) {
    uint32_t c = crc32_update(0, out.data(), out.size());
    out.push_back(static_cast<uint8_t>(c));
    out.push_back(static_cast<uint8_t>(c >> 8));
  }
  return out;
}

HeaderStatus parse_gzip_header(const uint8_t* data, size_t len, GzipHeader& h, size_t& consumed) {
  h = GzipHeader{};
  if (len >= 1 && data[0] != 0x1f) return HeaderStatus::bad_magic;
  if (len >= 2 && data[1] != 0x8b) return HeaderStatus::bad_magic;
  if (len >= 3 && data[2] != 8) return HeaderStatus::bad_method;
  if (len >= 4 && (data[3] & kReservedFlags)) return HeaderStatus::bad_flags;
  if (len < 10) return HeaderStatus::need_more;
  const uint8_t flags = data[3];
  h.text = flags & kFText;
  h.mtime = get_le32(data + 4);
  h.xfl = data[8];
  h.os = data[9];
  size_t pos = 10;
  if (flags & kFExtra) {
    if (len < pos + 2) return HeaderStatus::need_more;
    size_t xlen = data[pos] | size_t(data[pos + 1]) << 8;
    pos += 2;
    if (len < pos + xlen) return HeaderStatus::need_more;
    h.has_extra = true;
    h.extra.assign(data + pos, data + pos + xlen);
    pos += xlen;
  }
  auto zstring = [&](std::string& s) {
    for (size_t i = pos; i < len; ++i)
      if (data[i] == 0) {
        s.assign(reinterpret_cast<const char*>(data + pos), i - pos);
        pos = i + 1;
        return true;
      }
    return false;
  };
  if (flags & kFName) {
    if (!zstring(h.name)) return HeaderStatus::need_more;
    h.has_name = true;
  }
  if (flags & kFComment) {
    if (!zstring(h.comment)) return HeaderStatus::need_more;
    h.has_comment = true;
  }
  if (flags & kFHcrc) {
    if (len < pos + 2) return HeaderStatus::need_more;
    uint32_t want = data[pos] | uint32_t(data[pos + 1]) << 8;
    if ((crc32_update(0, data, pos) & 0xffff) != want) return HeaderStatus::bad_hcrc;
    h.has_hcrc = true;
    pos += 2;
  }
  consumed = pos;
  return HeaderStatus::ok;
}

std::string describe_header_problem(HeaderStatus status, const uint8_t* data, size_t len) {
  char buf[96];
  switch (status) {
    case HeaderStatus::ok:
      return "";
    case HeaderStatus::need_more:
      return "unexpected end of file";
    case HeaderStatus::bad_magic:
      return "not in gzip format";
    case HeaderStatus::bad_method:
      return "unknown method " + std::to_string(data[2]) + " -- not supported";
    case HeaderStatus::bad_flags:
      if (data[3] & 0x20) return "is encrypted -- not supported";
      std::snprintf(buf, sizeof buf, "has flags 0x%x -- not supported", data[3]);
      return buf;
    case HeaderStatus::bad_hcrc: {
      // The same header without FHCRC parses: its length is where the CRC-16 sits.
      std::vector<uint8_t> copy(data, data + len);
      copy[3] &= static_cast<uint8_t>(~kFHcrc);
      GzipHeader h;
      size_t at = 0;
      if (parse_gzip_header(copy.data(), copy.size(), h, at) == HeaderStatus::ok && at + 2 <= len) {
        std::snprintf(buf, sizeof buf, "header checksum 0x%04x != computed checksum 0x%04x",
                      data[at] | data[at + 1] << 8, crc32_update(0, data, at) & 0xffff);
        return buf;
      }
      return "invalid compressed data--header crc error";
    }
  }
  return "invalid header";
}

void write_gzip_trailer(uint8_t out[kGzipTrailerSize], uint32_t crc, uint64_t total_len) {
  put_le32(out, crc);
  put_le32(out + 4, static_cast<uint32_t>(total_len));
}

void read_gzip_trailer(const uint8_t in[kGzipTrailerSize], uint32_t& crc, uint32_t& isize) {
  crc = get_le32(in);
  isize = get_le32(in + 4);
}

}  // namespace rigz
