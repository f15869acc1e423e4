// File names: which suffixes mark compressed files, and what a name becomes.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace rigz::cli {

// The compressed suffix `name` ends with, as spelled in `name`, if any: gzip's rules
// (its get_suffix): the comparison ignores case; the user's -S suffix is tried first
// (last when it ends one of the others, as -S z does); then .gz, .z, .taz, .tgz, -gz,
// -z, _z. A name that is nothing but the suffix (".gz", "dir/.gz") has none.
std::optional<std::string> compressed_suffix(const std::string& name, const std::string& user_suffix);

// The name `name` decompresses to (.tgz and .taz become .tar), or nothing when it has
// no compressed suffix. Besides those of compressed_suffix, pigz's .zz, -zz (zlib) and
// .zip are removed (they do not stop a file from being compressed, as in pigz).
std::optional<std::string> decompressed_name(const std::string& name, const std::string& user_suffix);

// `suffix` if `name` ends with it (and is more than it), as pigz checks a file it would
// compress: case and gzip's other suffixes count for nothing.
std::optional<std::string> own_suffix(const std::string& name, const std::string& suffix);

// The suffixes `gunzip NAME` tries when NAME does not exist, in order: the -S suffix,
// .gz, .z, -z, .Z (gzip's list), then .zz and .zip (pigz's zlib and zip files).
std::vector<std::string> lookup_suffixes(const std::string& user_suffix);

std::string base_name(const std::string& path);
std::string dir_name(const std::string& path);  // with its trailing '/', or ""

}  // namespace rigz::cli
