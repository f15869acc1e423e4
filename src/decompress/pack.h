// Decompression of pack (.z) files, the Huffman coder of old Unix systems, which gzip
// also reads. The header holds the original size, the code lengths and the bytes in
// canonical code order; the data ends with an end-of-block code.
#pragma once
#include <cstddef>
#include <cstdint>

#include "io/input_window.h"
#include "io/stream.h"

namespace rigz {

// Whether the first bytes are pack's magic, 1f 1e.
inline bool is_pack_magic(const uint8_t* data, size_t len) { return len >= 2 && data[0] == 0x1f && data[1] == 0x1e; }

struct PackResult {
  uint64_t in_bytes = 0;   // read, header included
  uint64_t out_bytes = 0;  // written
};

// Decompresses one packed stream from its magic. From a window, the bytes after the
// stream stay unconsumed there (gzip goes on with what follows: another stream, a gzip
// member); from a stream, the window of its own may have read some of them.
// Throws Error::data with gzip's words: "unexpected end of file", "invalid compressed
// data -- Huffman code bit length out of range", "too many leaves in Huffman tree",
// "invalid compressed data--format violated" (a code with no byte), "invalid compressed
// data--length error" (not the size the header gives).
PackResult decompress_pack(InputStream& in, OutputStream& out);
PackResult decompress_pack(InputWindow& in, OutputStream& out);

}  // namespace rigz
