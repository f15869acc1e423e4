// Single-entry PKZip files as pigz -K writes them: a local header with Zip64 and
// extended-timestamp extra fields and no sizes, the deflate data, a Zip64 data
// descriptor, then the central directory and its end record (APPNOTE.TXT 6.3).
// And the parse of a local header, to decompress the first entry of any zip file.
#pragma once
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <string>
#include <vector>

namespace rigz {

struct ZipEntry {
  std::string name;       // "-" for standard input (pigz's default)
  std::string comment;    // in the central directory; empty for none
  uint32_t mtime = 0;     // Unix time in the extended timestamp field; 0 when not stored
  uint32_t dos_time = 0;  // MS-DOS time (low 16 bits) and date (high 16 bits)
};

// MS-DOS date and time of `t` in local time; times before 1980 give 1980-01-01 00:00.
uint32_t dos_datetime(time_t t);
// The Unix time of an MS-DOS date and time read as local time.
time_t from_dos_datetime(uint32_t dos);

std::vector<uint8_t> zip_local_header(const ZipEntry& e);
// The Zip64 data descriptor (with its signature) that follows the data.
std::vector<uint8_t> zip_data_descriptor(uint32_t crc, uint64_t compressed, uint64_t uncompressed);
// The central directory of the one entry, whose local header is at offset 0, and the
// end records; `directory_offset` is where it starts (the bytes written before it).
std::vector<uint8_t> zip_central_directory(const ZipEntry& e, uint32_t crc, uint64_t compressed, uint64_t uncompressed,
                                           uint64_t directory_offset);

constexpr uint32_t kZipLocalSignature = 0x04034b50, kZipDescriptorSignature = 0x08074b50,
                   kZipCentralSignature = 0x02014b50;

struct ZipLocalHeader {
  uint16_t flags = 0, method = 0;
  uint32_t dos_time = 0, crc = 0;
  uint64_t compressed = 0, uncompressed = 0;  // from the header or its Zip64 field
  bool zip64 = false;                         // a Zip64 extra field is present
  bool has_mtime = false;                     // an extended timestamp with the mtime
  uint32_t mtime = 0;
  std::string name;
  size_t length = 0;  // of the whole header
  bool encrypted() const { return flags & 1; }
  bool has_descriptor() const { return flags & 8; }
  // The modification time: the extended timestamp, or else the MS-DOS time.
  time_t time() const { return has_mtime ? mtime : from_dos_datetime(dos_time); }
};

enum class ZipHeaderStatus { ok, need_more, bad_signature };
// Parses a local header at the start of [data, data+len); reads nothing past len.
ZipHeaderStatus parse_zip_local_header(const uint8_t* data, size_t len, ZipLocalHeader& h);

inline uint16_t get_le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }
inline uint32_t get_le32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}
inline uint64_t get_le64(const uint8_t* p) { return get_le32(p) | uint64_t(get_le32(p + 4)) << 32; }

}  // namespace rigz
