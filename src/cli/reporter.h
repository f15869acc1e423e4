// Messages on stderr in gzip's form ("rigz: FILE: reason") and the exit status they
// add up to: an error (1) is never lowered to a warning (2).
#pragma once
#include <string>

namespace rigz::cli {

class Reporter {
 public:
  explicit Reporter(int verbosity) : verbosity_(verbosity) {}
  void error(const std::string& msg);
  void warning(const std::string& msg);  // silenced by -q, still exit 2
  void info(const std::string& msg);     // -v only; written as given
  int exit_code() const { return exit_code_; }
  int verbosity() const { return verbosity_; }

 private:
  int verbosity_;
  int exit_code_ = 0;
};

// gzip's ratio: "(whole - part) / whole" in tenths of a percent, as " 63.5%" or "-12.0%".
std::string format_ratio(long long saved, long long whole);

}  // namespace rigz::cli
