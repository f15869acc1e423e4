#include "cli/reporter.h"

#include <cstdio>

namespace rigz::cli {

void Reporter::error(const std::string& msg) {
  std::fprintf(stderr, "rigz: %s\n", msg.c_str());
  exit_code_ = 1;
}

void Reporter::warning(const std::string& msg) {
  if (verbosity_ > 0) std::fprintf(stderr, "rigz: %s\n", msg.c_str());
  if (exit_code_ == 0) exit_code_ = 2;
}

void Reporter::info(const std::string& msg) {
  if (verbosity_ > 1) std::fputs(msg.c_str(), stderr);
}

std::string format_ratio(long long saved, long long whole) {
  long long tenths = whole == 0 ? 0 : whole < 2147483 ? 1000 * saved / whole : saved / (whole / 1000);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%c%2lld.%1lld%%", tenths < 0 ? '-' : ' ', (tenths < 0 ? -tenths : tenths) / 10,
                (tenths < 0 ? -tenths : tenths) % 10);
  return buf;
}

}  // namespace rigz::cli
