// What the C++ and C APIs share: options checked and mapped onto the internal ones, the
// pipelines run over any InputStream/OutputStream, and every exception turned into
// rigz::api::Error. Internal: not installed.
#pragma once
#include <cstdint>
#include <optional>

#include "io/stream.h"
#include "rigz/rigz.hpp"

namespace rigz::api_impl {

using api::Options;
using api::Result;

// `input_size`, when known (memory, regular files), lets small inputs use fewer threads and
// smaller buffers; the output is the same as without it.
Result compress_streams(InputStream& in, OutputStream& out, const Options& options, std::optional<uint64_t> input_size);
Result decompress_streams(InputStream& in, OutputStream& out, const Options& options,
                          std::optional<uint64_t> input_size);

// The bytes left to read from `fd` if it is a regular file.
std::optional<uint64_t> remaining_file_size(int fd);

}  // namespace rigz::api_impl
