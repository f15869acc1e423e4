#include "cli/names.h"

#include <algorithm>
#include <cctype>

namespace rigz::cli {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

std::optional<std::string> compressed_suffix(const std::string& name, const std::string& user_suffix) {
  std::vector<std::string> known = {".gz", ".z", ".taz", ".tgz", "-gz", "-z", "_z"};
  const std::string user = lower(user_suffix);
  if (!user.empty()) {
    bool ends_known = std::any_of(known.begin(), known.end(),
                                  [&](const std::string& k) { return user.size() < k.size() && ends_with(k, user); });
    if (ends_known)
      known.push_back(user);
    else
      known.insert(known.begin(), user);
  }
  const std::string l = lower(name);
  for (const auto& s : known) {
    if (l.size() > s.size() && l[l.size() - s.size() - 1] != '/' && ends_with(l, s))
      return name.substr(name.size() - s.size());
  }
  return std::nullopt;
}

std::optional<std::string> own_suffix(const std::string& name, const std::string& suffix) {
  if (name.size() > suffix.size() && ends_with(name, suffix)) return suffix;
  return std::nullopt;
}

std::optional<std::string> decompressed_name(const std::string& name, const std::string& user_suffix) {
  auto suffix = compressed_suffix(name, user_suffix);
  if (!suffix) {
    const std::string l = lower(name);
    for (const std::string s : {".zz", "-zz", ".zip"})  // pigz's: zlib and zip files
      if (l.size() > s.size() && l[l.size() - s.size() - 1] != '/' && ends_with(l, s))
        suffix = name.substr(name.size() - s.size());
  }
  if (!suffix) return std::nullopt;
  std::string stem = name.substr(0, name.size() - suffix->size());
  const std::string l = lower(*suffix);
  if (l == ".tgz" || l == ".taz") stem += ".tar";
  return stem;
}

std::vector<std::string> lookup_suffixes(const std::string& user_suffix) {
  std::vector<std::string> out;
  // gzip's, then pigz's zlib and zip suffixes (`rigz -d f` finds f.zz as `pigz -d f` does).
  for (const std::string& s : {user_suffix, std::string(".gz"), std::string(".z"), std::string("-z"), std::string(".Z"),
                               std::string(".zz"), std::string(".zip")})
    if (!s.empty() && std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  return out;
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
