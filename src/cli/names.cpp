#include "cli/names.h"

namespace rigz::cli {
namespace {

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

constexpr const char* kKnownSuffixes[] = {".gz", "-gz", ".z", "-z", "_z", ".tgz", ".taz"};

}  // namespace

std::optional<std::string> compressed_suffix(const std::string& name, const std::string& user_suffix) {
  if (!user_suffix.empty() && ends_with(name, user_suffix)) return user_suffix;
  for (const char* s : kKnownSuffixes)
    if (ends_with(name, s)) return std::string(s);
  return std::nullopt;
}

std::optional<std::string> decompressed_name(const std::string& name, const std::string& user_suffix) {
  auto suffix = compressed_suffix(name, user_suffix);
  if (!suffix) return std::nullopt;
  std::string stem = name.substr(0, name.size() - suffix->size());
  if (stem.empty() || stem.back() == '/') return std::nullopt;
  if (*suffix == ".tgz" || *suffix == ".taz") stem += ".tar";
  return stem;
}

std::string base_name(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string dir_name(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
}

}  // namespace rigz::cli
