// -l: gzip's listing of compressed size, uncompressed size, ratio and name (with -v:
// method, CRC and date as well), one line a file and a totals line for several.
#pragma once
#include <cstdint>
#include <string>

#include "cli/options.h"
#include "cli/reporter.h"

namespace rigz::cli {

class Lister {
 public:
  explicit Lister(const Options& o) : verbose_(o.verbosity > 1), quiet_(o.verbosity == 0), use_stored_name_(o.restore_name) {}
  // Lists the gzip data on `fd` under the name `shown`; errors name `path`.
  void list_stream(int fd, const std::string& shown, Reporter& report, const std::string& path = "stdin");
  void finish();  // totals line when more than one file was listed
  int exit_code() const { return 0; }

 private:
  void print_line(const char* method, uint32_t crc, uint32_t mtime, uint64_t compressed, uint64_t uncompressed,
                  uint64_t overhead, const std::string& name);

  bool verbose_, quiet_, use_stored_name_;
  bool header_printed_ = false;
  int files_ = 0;
  uint64_t total_in_ = 0, total_out_ = 0, total_overhead_ = 0;
};

}  // namespace rigz::cli
