// Messages on stderr in gzip's form ("rigz: FILE: reason") and the exit status they
// add up to: an error (1) is never lowered to a warning (2).
#pragma once
#include <string>

namespace rigz::cli {

class Reporter {
 public:
  explicit Reporter(int verbosity) : verbosity_(verbosity) {}
  // `new_line`: the message starts on a line of its own, as gzip's about data and writes.
  void error(const std::string& msg, bool new_line = false);
  void warning(const std::string& msg);    // silenced by -q, still exit 2
  void info(const std::string& msg);       // -v only; written as given
  void note(const std::string& msg);       // always written, exit status unchanged
  void silent_error() { exit_code_ = 1; }  // exit 1 without a message (a closed pipe)
  void silent_warning() {                  // exit 2, the message written by the caller
    if (exit_code_ == 0) exit_code_ = 2;
  }
  int exit_code() const { return exit_code_; }
  int verbosity() const { return verbosity_; }

 private:
  int verbosity_;
  int exit_code_ = 0;
};

// 0 if everything written to stdout (the FILE) has reached it, else why not (an errno):
// -l, --help and --version print through stdio, whose errors show only when flushed.
int stdout_error();

// gzip's ratio, 100 * part / whole as "%5.1f%%": " 63.5%", " -0.0%", "-66.7%", and
// "  0.0%" when whole is 0.
std::string format_ratio(long long part, long long whole);

// "NAME: what", or "NAME what" for gzip's messages about the file itself ("is
// encrypted -- not supported", "has flags 0x40 -- not supported").
std::string file_message(const std::string& name, const std::string& what);

}  // namespace rigz::cli
