// Parallel decompression where the member boundaries are written down: rigz's own
// output (an "RZ" subfield in each member's FEXTRA holds the member's size, see
// docs/formats.md) and BGZF files (the "BC" subfield). Members are independent, so
// each is inflated whole by a worker and written in order.
#pragma once
#include <cstdint>
#include <optional>

#include "decompress/decompress.h"
#include "decompress/input_window.h"

namespace rigz {

// The size in bytes of the whole member (header to trailer) recorded in its header.
std::optional<uint32_t> indexed_member_size(const GzipHeader& h);

// Decompresses the run of indexed members at the front of `in` with `threads` workers,
// and returns before the first byte that does not start such a member (end of input,
// a member without an index, trailing data, or a member too large or inconsistent to
// handle whole: the streaming path then takes over and reports any error). Members
// decoded are added to `res`. Throws Error::data on a corrupt member.
void decompress_indexed_members(InputWindow& in, OutputStream& out, unsigned threads, DecompressResult& res);

}  // namespace rigz
