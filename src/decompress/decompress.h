// Streaming gzip decompression: any number of members, every header field, CRC-32 and
// ISIZE of every member checked, gzip's rules for what follows the last member.
#pragma once
#include <cstdint>
#include <functional>

#include "format/gzip_header.h"
#include "io/stream.h"

namespace rigz {

struct DecompressOptions {
  // With pass_through, input that does not start with the gzip magic is copied to the
  // output unchanged (gzip -cdf / zcat -f behaviour), and so is anything after the last
  // member that is not another member (no trailing-garbage warning then).
  bool pass_through = false;
  // Workers for members whose boundaries are indexed (rigz's own output, BGZF).
  unsigned threads = 1;
};

struct DecompressResult {
  uint64_t in_bytes = 0;   // compressed bytes consumed, trailing data included
  uint64_t out_bytes = 0;  // bytes written
  unsigned members = 0;
  uint64_t last_member_size = 0;  // the last member's output, not wrapped as its ISIZE
  uint32_t last_member_crc = 0;
  bool trailing_garbage = false;  // non-zero data after the last member (a warning)
  bool trailing_zeros = false;    // only zero bytes after it (gzip -v warns of them)
  bool passed_through = false;    // input was not gzip and was copied
  GzipHeader first_header;        // of the first member (for -N)
};

// Throws Error::data with a gzip-style reason ("unexpected end of file", "invalid
// compressed data--crc error", "not in gzip format", ...) on bad input.
DecompressResult decompress_gzip(InputStream& in, OutputStream& out, const DecompressOptions& opts = {});

// A pack (.z) stream from its magic and what follows it, as gzip reads them: more pack
// streams, gzip members (or a .Z stream), with the same rules for trailing data as after
// a member. `members` counts the pack streams too.
DecompressResult decompress_pack_and_rest(InputStream& in, OutputStream& out, const DecompressOptions& opts = {});

}  // namespace rigz
