// File names: which suffixes mark compressed files, and what a name becomes.
#pragma once
#include <optional>
#include <string>

namespace rigz::cli {

// The compressed suffix `name` ends with, if any: the user's -S suffix first, then
// .gz, -gz, .z, -z, _z, .tgz and .taz, as gzip knows them.
std::optional<std::string> compressed_suffix(const std::string& name, const std::string& user_suffix);

// The name `name` decompresses to (.tgz and .taz become .tar), or nothing when it has
// no compressed suffix or is nothing but the suffix.
std::optional<std::string> decompressed_name(const std::string& name, const std::string& user_suffix);

std::string base_name(const std::string& path);
std::string dir_name(const std::string& path);  // with its trailing '/', or ""

}  // namespace rigz::cli
