// Parallel decompression where the member boundaries are written down: rigz's own
// output (an "RZ" subfield in each member's FEXTRA holds the member's size, see
// docs/formats.md) and BGZF files (the "BC" subfield). Members are independent, so
// each is inflated whole by a worker and written in order.
#pragma once
#include <cstdint>
#include <optional>

#include "decompress/decompress.h"
#include "io/input_window.h"

namespace rigz {

// The size in bytes of the whole member (header to trailer) recorded in its header.
std::optional<uint32_t> indexed_member_size(const GzipHeader& h);

// Decompresses the run of indexed members at the front of `in` with `threads` workers,
// and returns before the first byte that does not start such a member (end of input,
// a member without an index, trailing data, or a member too large or inconsistent to
// handle whole: the streaming path then takes over and reports any error). Members
// decoded are added to `res`. Throws Error::data on a corrupt member.
void decompress_indexed_members(InputWindow& in, OutputStream& out, unsigned threads, DecompressResult& res);

// Whether the member at the front of `in` records its size: the cheap test to make before
// calling decompress_indexed_members, which starts threads (a file of 300 small members without
// an index took 2.5x as long at -p 2 as at -p 1 when each one started them).
bool front_member_indexed(InputWindow& in);

}  // namespace rigz

namespace rigz {

// What -l reports for a file made entirely of indexed members (sizes beyond 4 GiB
// included, where a single ISIZE would wrap), read from headers and trailers alone.
struct IndexedSummary {
  uint64_t uncompressed = 0;
  uint32_t crc = 0;       // CRC-32 of the whole uncompressed content
  uint64_t overhead = 0;  // header and trailer bytes of all members
  uint64_t members = 0;
};

// Walks the members of the regular file `fd` of `file_size` bytes with pread. Returns
// nothing unless every member carries an index and they add up to the file (zeros after
// the last member are allowed, as gzip allows them).
std::optional<IndexedSummary> summarize_indexed_file(int fd, uint64_t file_size);

}  // namespace rigz
