#include "format/zip_format.h"

namespace rigz {
namespace {

constexpr uint32_t kFF = 0xffffffff;

void put16(std::vector<uint8_t>& v, uint32_t x) {
  v.push_back(static_cast<uint8_t>(x));
  v.push_back(static_cast<uint8_t>(x >> 8));
}
void put32(std::vector<uint8_t>& v, uint32_t x) {
  put16(v, x & 0xffff);
  put16(v, x >> 16);
}
void put64(std::vector<uint8_t>& v, uint64_t x) {
  put32(v, static_cast<uint32_t>(x));
  put32(v, static_cast<uint32_t>(x >> 32));
}
void put_bytes(std::vector<uint8_t>& v, const std::string& s) { v.insert(v.end(), s.begin(), s.end()); }

// The extended timestamp field (0x5455): the modification time only.
void put_timestamp(std::vector<uint8_t>& v, uint32_t mtime) {
  put16(v, 0x5455);
  put16(v, 5);
  v.push_back(1);
  put32(v, mtime);
}

}  // namespace

uint32_t dos_datetime(time_t t) {
  struct tm tm;
  if (!localtime_r(&t, &tm) || tm.tm_year < 80) return (1u << 5 | 1u) << 16;  // 1980-01-01 00:00
  if (tm.tm_year > 80 + 127) tm.tm_year = 80 + 127;
  uint32_t date = static_cast<uint32_t>((tm.tm_year - 80) << 9 | (tm.tm_mon + 1) << 5 | tm.tm_mday);
  uint32_t time = static_cast<uint32_t>(tm.tm_hour << 11 | tm.tm_min << 5 | tm.tm_sec / 2);
  return date << 16 | time;
}

time_t from_dos_datetime(uint32_t dos) {
  struct tm tm = {};
  tm.tm_year = static_cast<int>((dos >> 25) & 0x7f) + 80;
  tm.tm_mon = static_cast<int>((dos >> 21) & 0x0f) - 1;
  tm.tm_mday = static_cast<int>((dos >> 16) & 0x1f);
  tm.tm_hour = static_cast<int>((dos >> 11) & 0x1f);
  tm.tm_min = static_cast<int>((dos >> 5) & 0x3f);
  tm.tm_sec = static_cast<int>(dos & 0x1f) * 2;
  tm.tm_isdst = -1;
  time_t t = mktime(&tm);
  return t < 0 ? 0 : t;
}

std::vector<uint8_t> zip_local_header(const ZipEntry& e) {
  std::vector<uint8_t> v;
  put32(v, kZipLocalSignature);
  put16(v, 45);  // version needed: 4.5, Zip64
  put16(v, 8);   // flags: the sizes and CRC are in the data descriptor
  put16(v, 8);   // deflate
  put32(v, e.dos_time);
  put32(v, 0);  // CRC-32, in the descriptor
  put32(v, kFF);
  put32(v, kFF);  // sizes: in the Zip64 field (and the descriptor)
  put16(v, static_cast<uint32_t>(e.name.size()));
  put16(v, 4 + 16 + 9);
  put_bytes(v, e.name);
  put16(v, 0x0001);  // Zip64: uncompressed and compressed sizes, unknown here
  put16(v, 16);
  put64(v, 0);
  put64(v, 0);
  put_timestamp(v, e.mtime);
  return v;
}

std::vector<uint8_t> zip_data_descriptor(uint32_t crc, uint64_t compressed, uint64_t uncompressed) {
  std::vector<uint8_t> v;
  put32(v, kZipDescriptorSignature);
  put32(v, crc);
  put64(v, compressed);
  put64(v, uncompressed);
  return v;
}

std::vector<uint8_t> zip_central_directory(const ZipEntry& e, uint32_t crc, uint64_t compressed, uint64_t uncompressed,
                                           uint64_t directory_offset) {
  const bool big = compressed >= kFF || uncompressed >= kFF;
  std::vector<uint8_t> v;
  put32(v, kZipCentralSignature);
  put16(v, 0xff2d);  // made by: 4.5, and a host that gives the attributes no meaning (as pigz)
  put16(v, 45);
  put16(v, 8);
  put16(v, 8);
  put32(v, e.dos_time);
  put32(v, crc);
  put32(v, big ? kFF : static_cast<uint32_t>(compressed));
  put32(v, big ? kFF : static_cast<uint32_t>(uncompressed));
  put16(v, static_cast<uint32_t>(e.name.size()));
  put16(v, (big ? 20 : 0) + 9);
  put16(v, static_cast<uint32_t>(e.comment.size()));
  put16(v, 0);  // disk
  put16(v, 0);  // internal attributes
  put32(v, 0);  // external attributes
  put32(v, 0);  // offset of the local header
  put_bytes(v, e.name);
  if (big) {
    put16(v, 0x0001);
    put16(v, 16);
    put64(v, uncompressed);
    put64(v, compressed);
  }
  put_timestamp(v, e.mtime);
  put_bytes(v, e.comment);
  const uint64_t size = v.size();
  if (directory_offset >= kFF) {  // Zip64 end record and its locator
    const uint64_t at = directory_offset + size;
    put32(v, 0x06064b50);
    put64(v, 44);
    put16(v, 45);
    put16(v, 45);
    put32(v, 0);
    put32(v, 0);
    put64(v, 1);
    put64(v, 1);
    put64(v, size);
    put64(v, directory_offset);
    put32(v, 0x07064b50);
    put32(v, 0);
    put64(v, at);
    put32(v, 1);
  }
  put32(v, 0x06054b50);
  put16(v, 0);
  put16(v, 0);
  put16(v, 1);
  put16(v, 1);
  put32(v, static_cast<uint32_t>(size));
  put32(v, directory_offset >= kFF ? kFF : static_cast<uint32_t>(directory_offset));
  put16(v, 0);  // no archive comment
  return v;
}

ZipHeaderStatus parse_zip_local_header(const uint8_t* data, size_t len, ZipLocalHeader& h) {
  if (len < 4) return len > 0 && data[0] != 'P' ? ZipHeaderStatus::bad_signature : ZipHeaderStatus::need_more;
  if (get_le32(data) != kZipLocalSignature) return ZipHeaderStatus::bad_signature;
  if (len < 30) return ZipHeaderStatus::need_more;
  h = ZipLocalHeader{};
  h.flags = get_le16(data + 6);
  h.method = get_le16(data + 8);
  h.dos_time = get_le32(data + 10);
  h.crc = get_le32(data + 14);
  h.compressed = get_le32(data + 18);
  h.uncompressed = get_le32(data + 22);
  const size_t name_len = get_le16(data + 26), extra_len = get_le16(data + 28);
  h.length = 30 + name_len + extra_len;
  if (len < h.length) return ZipHeaderStatus::need_more;
  h.name.assign(reinterpret_cast<const char*>(data + 30), name_len);
  const uint8_t* x = data + 30 + name_len;
  for (size_t pos = 0; pos + 4 <= extra_len;) {
    const unsigned id = get_le16(x + pos), n = get_le16(x + pos + 2);
    const uint8_t* f = x + pos + 4;
    if (pos + 4 + n > extra_len) break;
    if (id == 0x0001) {
      h.zip64 = true;
      size_t at = 0;
      if (h.uncompressed == kFF && at + 8 <= n) h.uncompressed = get_le64(f + at), at += 8;
      if (h.compressed == kFF && at + 8 <= n) h.compressed = get_le64(f + at);
    } else if (id == 0x5455 && n >= 5 && (f[0] & 1)) {
      h.has_mtime = true;
      h.mtime = get_le32(f + 1);
    }
    pos += 4 + n;
  }
  return ZipHeaderStatus::ok;
}

}  // namespace rigz
