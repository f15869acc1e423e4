// What the C++ and C APIs share: options checked and mapped onto the internal ones, the
// pipelines run over any InputStream/OutputStream, and every exception turned into
// rigz::api::Error. Internal: not installed.
#pragma once
#include <cstdint>

#include "io/stream.h"
#include "rigz/rigz.hpp"

namespace rigz::api_impl {

using api::Options;
using api::Result;

// The input's length, where the stream knows it (memory, regular files:
// InputStream::size_left), lets small inputs use fewer threads and smaller buffers; the
// output is the same as without it.
Result compress_streams(InputStream& in, OutputStream& out, const Options& options);
Result decompress_streams(InputStream& in, OutputStream& out, const Options& options);

}  // namespace rigz::api_impl
