// -l: gzip's listing of compressed size, uncompressed size, ratio and name (with -v:
// method, CRC and date as well), one line a file and a totals line for several; zlib
// streams and zip files (first entry) are listed too, after decompressing them.
// Also the check of a first header with gzip's messages, which decompression of a file
// shares.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "cli/options.h"
#include "cli/reporter.h"
#include "decompress/decompress.h"
#include "format/deflate_container.h"
#include "format/gzip_header.h"
#include "format/zip_format.h"

namespace rigz::cli {

// The first header at the start of [data, data+len), where `at_end` says that nothing
// follows those bytes: of a gzip member, a zlib stream, or a zip file's first entry.
struct HeaderCheck {
  enum class State { ok, need_more, bad } state;
  Detected kind = Detected::gzip;  // gzip (or not known: the problem says so), zlib, zip
  GzipHeader header;               // gzip
  ZipLocalHeader entry;            // zip
  size_t length = 0;               // of the header, when ok
  std::string problem;             // when bad: what follows the file name in gzip's message,
                                   // ": not in gzip format", " is encrypted -- not supported", ...
};
HeaderCheck check_first_header(const uint8_t* data, size_t len, bool at_end);

// Reads and checks the first header of the file `fd` (from offset 0, with pread: the
// file position does not move). Throws nothing; `problem` also covers read errors.
HeaderCheck read_first_header(int fd);

class Lister {
 public:
  explicit Lister(const Options& o)
      : verbose_(o.verbosity > 1),
        quiet_(o.verbosity == 0),
        use_stored_name_(o.restore_name),
        use_stored_time_(o.restore_time),
        operands_(o.files.size()) {}
  // Lists the gzip data on `fd` under the name `shown`; errors name `path`.
  void list_stream(int fd, const std::string& shown, Reporter& report, const std::string& path = "stdin");
  // The totals line, as gzip: when the command line names more than one file (a directory
  // walked by -r counts as one) and something was listed.
  void finish();
  // The name of the last line listed (gzip names it when the listing cannot be written).
  const std::string& last_name() const { return last_name_; }

 private:
  void print_line(bool totals, uint32_t crc, time_t date, uint64_t compressed, uint64_t uncompressed, uint64_t overhead,
                  const std::string& name, const char* method = "defla");

  // The gzip data of `in` decompressed to check and count it, or nothing after its
  // error or trailing-garbage warning.
  std::optional<DecompressResult> inflate(InputStream& in, Reporter& report, const std::string& path);
  // zlib, zip and .Z: decompressed (to count) from `in`; `file_size` is 0 for a pipe.
  void list_other(const HeaderCheck& hc, InputStream& in, uint64_t file_size, time_t file_time,
                  const std::string& shown, Reporter& report, const std::string& path);

  bool verbose_, quiet_, use_stored_name_, use_stored_time_;
  size_t operands_;  // files named on the command line
  bool header_printed_ = false;
  int files_ = 0;
  uint64_t total_in_ = 0, total_out_ = 0, total_overhead_ = 0;  // overhead: of the last file
  std::string last_name_;
};

}  // namespace rigz::cli
