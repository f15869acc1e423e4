// The gzip member wrapper (RFC 1952): header and trailer, written and parsed.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace rigz {

struct GzipHeader {
  bool has_name = false;
  std::string name;  // FNAME, without the terminating zero
  bool has_comment = false;
  std::string comment;  // FCOMMENT
  bool has_extra = false;
  std::vector<uint8_t> extra;  // FEXTRA payload
  bool text = false;           // FTEXT
  bool has_hcrc = false;       // FHCRC was present (and checked when parsing)
  uint32_t mtime = 0;          // seconds since the epoch, 0 = none
  uint8_t xfl = 0;             // 2 = best compression, 4 = fastest
  uint8_t os = 3;              // 3 = Unix
};

// Serialises `h` (with FHCRC computed when has_hcrc is set).
std::vector<uint8_t> write_gzip_header(const GzipHeader& h);

// XFL as gzip writes it for a compression level.
uint8_t gzip_xfl_for_level(int level);

enum class HeaderStatus {
  ok,          // parsed; `consumed` bytes form the header
  need_more,   // the buffer ends inside the header
  bad_magic,   // not 1f 8b
  bad_method,  // CM is not 8 (deflate)
  bad_flags,   // reserved FLG bits set
  bad_hcrc,    // FHCRC does not match
};

// Parses a header at the start of [data, data+len). Never reads past len and never
// allocates from a length field before the bytes it claims are present.
HeaderStatus parse_gzip_header(const uint8_t* data, size_t len, GzipHeader& h, size_t& consumed);

// gzip's words for a header that failed to parse with `status` ("unknown method 9 -- not
// supported", "is encrypted -- not supported", "has flags 0x40 -- not supported", "header
// checksum 0x1234 != computed checksum 0x5678", "unexpected end of file"). Messages that
// begin with "is " or "has " follow the file name after a space, the others after ": ".
std::string describe_header_problem(HeaderStatus status, const uint8_t* data, size_t len);

constexpr size_t kGzipTrailerSize = 8;
void write_gzip_trailer(uint8_t out[kGzipTrailerSize], uint32_t crc, uint64_t total_len);
void read_gzip_trailer(const uint8_t in[kGzipTrailerSize], uint32_t& crc, uint32_t& isize);

}  // namespace rigz
