// rigz: parallel gzip compression and decompression as a C++20 library.
//
//   #include <rigz/rigz.hpp>
//
//   std::vector<uint8_t> gz = rigz::api::compress(data);            // all cores, level 6
//   std::vector<uint8_t> back = rigz::api::decompress(gz);
//   rigz::api::compress(in_stream, out_stream, {.level = 9, .threads = 4});
//
// What it writes is standard gzip (RFC 1952) that every gzip reader accepts: one gzip member per
// block of input, each carrying its own size so that rigz can decompress them in parallel (see
// docs/formats.md). The output depends only on the input, the level and the block size, never on
// the number of threads.
//
// Errors are reported by throwing rigz::api::Error; the library never exits the process and never
// writes to stderr. Every call is independent (no global state, no signal handlers installed), so
// any number of threads may call these functions at once. A call with `threads` > 1 starts its own
// worker threads and joins them before it returns.
//
// Link with the CMake target rigz::rigz (find_package(rigz)) or `pkg-config --libs rigz`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "rigz/rigz.h"  // RIGZ_VERSION and the status codes shared with the C API

namespace rigz::api {

// Why a call failed. The values are those of the C API's RIGZ_E* codes.
enum class ErrorCode : int {
  ok = RIGZ_OK,
  invalid_argument = RIGZ_EINVAL,  // an option is out of range, a stream is already failed
  read = RIGZ_EREAD,               // the input could not be read
  write = RIGZ_EWRITE,             // the output could not be written
  broken_pipe = RIGZ_EPIPE,        // the output is a pipe whose reader went away
  data = RIGZ_EDATA,               // the compressed input is corrupt, truncated or not gzip
  out_of_memory = RIGZ_ENOMEM,     // an allocation failed
  output_limit = RIGZ_ELIMIT,      // the output would exceed Options::max_output_size
  internal = RIGZ_EINTERNAL,       // anything else (for instance, threads could not be started)
};

// The one exception type the library throws. what() gives the reason in gzip's words (for
// instance "invalid compressed data--crc error").
class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& what);
  ~Error() override;
  ErrorCode code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};

struct Options {
  // Compression level, as the command line's -0 .. -12: 1 (fastest) to 9 (smallest) as gzip's;
  // 0 stores without compressing; 10 to 12 compress more, much more slowly (12 in 8 MiB blocks).
  int level = 6;
  // Worker threads; 0 uses every online core. Small inputs use fewer (one per block).
  unsigned threads = 0;
  // Bytes of input per independently compressed block; 0 takes the default (2 MiB; 4 MiB at
  // levels 8-9 for inputs of 64 MiB and more or of unknown length). Otherwise 32 KiB to 256 MiB.
  size_t block_size = 0;
  // Compression: block ends follow the content, so that a small change to the input changes
  // little of the output (rsync-friendly, as gzip's and pigz's --rsyncable).
  bool rsyncable = false;
  // Decompression: input that is not gzip is copied to the output unchanged (zcat -f).
  bool pass_through = false;
  // Decompression: non-zero bytes after the last gzip member are ignored (gzip warns about them)
  // instead of being an ErrorCode::data error. Zero bytes after the last member are always ignored.
  bool allow_trailing_garbage = false;
  // Largest output a call may produce, in bytes; 0: no limit. A call that would write more stops
  // with ErrorCode::output_limit (a guard against decompression bombs).
  uint64_t max_output_size = 0;
};

// Byte counts of a streaming call.
struct Result {
  uint64_t in_bytes = 0;   // bytes read from the input
  uint64_t out_bytes = 0;  // bytes written to the output
};

// In memory: the whole result in a vector.
std::vector<uint8_t> compress(std::span<const uint8_t> data, const Options& options = {});
std::vector<uint8_t> decompress(std::span<const uint8_t> data, const Options& options = {});

// Streams: reads `in` to its end and writes to `out` (flushed before the call returns). Memory
// stays within a few blocks per thread whatever the size of the input. Each stream is used by one
// thread at a time, though not necessarily by the calling thread; the caller must not touch them
// until the call returns. A stream already in a failed state gives ErrorCode::invalid_argument.
Result compress(std::istream& in, std::ostream& out, const Options& options = {});
Result decompress(std::istream& in, std::ostream& out, const Options& options = {});

// File descriptors (files, pipes, sockets), read to end of file; neither is closed. Writing to a
// pipe whose reader has gone raises SIGPIPE unless the caller ignores that signal (the library
// leaves signal dispositions alone); ignored, it gives ErrorCode::broken_pipe.
Result compress_fd(int in_fd, int out_fd, const Options& options = {});
Result decompress_fd(int in_fd, int out_fd, const Options& options = {});

// The library's version, "MAJOR.MINOR.PATCH" (RIGZ_VERSION of the headers it was built with).
const char* version() noexcept;

}  // namespace rigz::api
