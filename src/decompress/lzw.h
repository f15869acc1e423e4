// Decompression of Unix compress (.Z) files: LZW with 9- to 16-bit codes, which gzip
// and pigz also read. The format has no check value and no end marker: the data ends
// where the input ends, so a truncated file decompresses to a shorter output.
#pragma once
#include <cstddef>
#include <cstdint>

#include "io/stream.h"

namespace rigz {

// Whether the first bytes are compress's magic, 1f 9d.
inline bool is_lzw_magic(const uint8_t* data, size_t len) { return len >= 2 && data[0] == 0x1f && data[1] == 0x9d; }

struct LzwResult {
  uint64_t in_bytes = 0;   // read, header included
  uint64_t out_bytes = 0;  // written
};

// Decompresses a whole .Z stream (from its magic to the end of `in`). Throws Error::data
// with gzip's words: "unexpected end of file" (shorter than the header), "compressed
// with N bits, can only handle 16 bits", "corrupt input." (a code that is not yet
// defined). Memory is fixed (about 400 KiB) whatever the input.
LzwResult decompress_lzw(InputStream& in, OutputStream& out);

}  // namespace rigz
