// One deflate stream in a gzip, zlib or zip wrapper, made and read with zlib: the
// formats and strategies of pigz that rigz's block compressor (src/compress, one gzip
// member per block, libdeflate) does not write: -z (zlib), -K (zip), -H (Huffman only)
// and -U (run-length encoding); and the decompression of zlib streams and of the first
// entry of zip files.
//
// Compression splits the input into blocks as pigz does: each block is deflated by
// zlib with the last 32 KiB of the previous block as its dictionary, and all but the
// last end with a sync flush on a byte boundary, so the pieces join into one deflate
// stream. Blocks are compressed on `threads` workers and written in order; memory is
// bounded by about 2 blocks per worker; the output does not depend on the number of
// threads. Decompression runs on one thread (these are rarely used formats).
#pragma once
#include <cstddef>
#include <cstdint>

#include "format/gzip_header.h"
#include "format/zip_format.h"
#include "io/stream.h"

namespace rigz {

enum class Container { gzip, zlib, zip };

struct ContainerCompressOptions {
  Container container = Container::gzip;
  int level = 6;             // 0..9; higher levels compress as 9
  int strategy = 0;          // zlib's: Z_DEFAULT_STRATEGY (0), Z_HUFFMAN_ONLY, Z_RLE
  unsigned threads = 1;      // compression workers
  size_t block_size = 0;     // bytes of input per block (at least 32 KiB); 0: 128 KiB as pigz
  bool independent = false;  // no dictionary from the previous block (pigz -i)
  GzipHeader header;         // gzip: written as is, XFL from the level
  ZipEntry entry;            // zip: the entry's name, time and comment
};

struct ContainerResult {
  uint64_t in_bytes = 0;   // of uncompressed data
  uint64_t out_bytes = 0;  // written
  uint32_t check = 0;      // CRC-32 (gzip, zip) or Adler-32 (zlib) of the data
  uint64_t overhead = 0;   // bytes of the output around the deflate data
};

// Reads `in` to its end and writes one wrapped deflate stream to `out`. Throws Error on
// I/O failure (Error::resource when zlib cannot start).
ContainerResult compress_container(InputStream& in, OutputStream& out, const ContainerCompressOptions& opts);

// lzw: compress (.Z), 1f 9d; pack: pack (.z), 1f 1e
enum class Detected { gzip, zlib, zip, lzw, pack, other };
// Which format the first bytes of an input announce: the gzip magic 1f 8b, a zlib
// header (see check_zlib_header), or a zip local header signature "PK\3\4".
// Two bytes decide gzip and zlib; zip needs four.
Detected detect_container(const uint8_t* data, size_t len);

struct ContainerDecompressResult {
  uint64_t in_bytes = 0;          // compressed bytes read, including what follows the data
  uint64_t out_bytes = 0;         // written
  uint32_t check = 0;             // the stream's Adler-32 (zlib) or CRC-32 (zip)
  uint64_t overhead = 0;          // bytes read that are not deflate data
  bool trailing_garbage = false;  // zlib: non-zero bytes after the stream (a warning)
  bool more_entries = false;      // zip: entries after the first, which are ignored (a warning)
  ZipLocalHeader entry;           // zip: the first entry's local header
};

// Decompress a zlib stream, checking its Adler-32; zero bytes after it are ignored as
// gzip ignores them after a member. Throws Error::data with gzip's words on bad input
// ("unexpected end of file", "invalid compressed data--format violated", ...).
ContainerDecompressResult decompress_zlib(InputStream& in, OutputStream& out);

// Decompress the first entry of a zip file (deflated, or stored with its sizes in the
// local header), checking its CRC-32 and length against the local header or the data
// descriptor. The rest of the file is read and ignored (the central directory), unless
// another entry follows, which is left unread.
ContainerDecompressResult decompress_zip(InputStream& in, OutputStream& out);

}  // namespace rigz
