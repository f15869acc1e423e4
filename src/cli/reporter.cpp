#include "cli/reporter.h"

#include <cerrno>
#include <cstdio>

namespace rigz::cli {
namespace {

// gzip starts its messages about the compressed data itself with a new line (they may
// come in the middle of a -v line, "f.gz:\t"); rigz does the same, so that the two
// programs' stderr match line for line. Messages about files, options and headers
// (unknown method, encrypted, header checksum) start on the line as they are.
bool starts_on_new_line(const std::string& msg) {
  for (const char* what :
       {": not in gzip format", ": unexpected end of file", ": invalid compressed data--",
        ": decompression OK, trailing garbage ignored", ": decompression OK, trailing zero bytes ignored",
        ": corrupt input.", ": compressed with ", ": invalid compressed data -- ", ": too many leaves in Huffman tree"})
    if (msg.find(what) != std::string::npos) return true;
  return false;
}

}  // namespace

void Reporter::error(const std::string& msg, bool new_line) {
  std::fprintf(stderr, "%srigz: %s\n", new_line || starts_on_new_line(msg) ? "\n" : "", msg.c_str());
  exit_code_ = 1;
}

void Reporter::warning(const std::string& msg) {
  if (verbosity_ > 0) std::fprintf(stderr, "%srigz: %s\n", starts_on_new_line(msg) ? "\n" : "", msg.c_str());
  if (exit_code_ == 0) exit_code_ = 2;
}

void Reporter::note(const std::string& msg) { std::fprintf(stderr, "rigz: %s\n", msg.c_str()); }

void Reporter::info(const std::string& msg) {
  if (verbosity_ > 1) std::fputs(msg.c_str(), stderr);
}

int stdout_error() {
  if (std::fflush(stdout) != 0) return errno;
  return std::ferror(stdout) ? EIO : 0;
}

std::string file_message(const std::string& name, const std::string& what) {
  const bool about_file = what.rfind("is ", 0) == 0 || what.rfind("has ", 0) == 0;
  return name + (about_file ? " " : ": ") + what;
}

std::string format_ratio(long long part, long long whole) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%5.1f%%",
                whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return buf;
}

}  // namespace rigz::cli
