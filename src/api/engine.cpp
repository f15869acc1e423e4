#include "api/engine.h"

#include <algorithm>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>

#include "compress/compress.h"
#include "compress/plan.h"
#include "decompress/decompress.h"
#include "io/error.h"

namespace rigz::api {

Error::Error(ErrorCode code, const std::string& what) : std::runtime_error(what), code_(code) {}
Error::~Error() = default;

const char* version() noexcept { return RIGZ_VERSION; }

}  // namespace rigz::api

namespace rigz::api_impl {
namespace {

using api::ErrorCode;
using api::Options;
using api::Result;

constexpr size_t kMinBlockSize = size_t(32) << 10;
constexpr size_t kMaxBlockSize = size_t(256) << 20;
constexpr unsigned kMaxThreads = 4096;  // as the command line's -p
// Compressed bytes per decompression worker worth starting (about one member of a
// default block).
constexpr uint64_t kDecompressBytesPerThread = uint64_t(256) << 10;

ErrorCode code_of(const rigz::Error& e) {
  switch (e.kind()) {
    case rigz::Error::Kind::read:
      return ErrorCode::read;
    case rigz::Error::Kind::write:
    case rigz::Error::Kind::create:
      return ErrorCode::write;
    case rigz::Error::Kind::broken_pipe:
      return ErrorCode::broken_pipe;
    case rigz::Error::Kind::data:
      return ErrorCode::data;
    case rigz::Error::Kind::usage:
      return ErrorCode::invalid_argument;
    case rigz::Error::Kind::resource:
      return std::string_view(e.what()).find("out of memory") != std::string_view::npos ? ErrorCode::out_of_memory
                                                                                        : ErrorCode::internal;
  }
  return ErrorCode::internal;
}

// Runs `f`, turning whatever it throws into rigz::api::Error.
template <class F>
Result translated(F&& f) {
  try {
    return f();
  } catch (const api::Error&) {
    throw;
  } catch (const rigz::Error& e) {
    throw api::Error(code_of(e), e.what());
  } catch (const std::bad_alloc&) {
    throw api::Error(ErrorCode::out_of_memory, "out of memory");
  } catch (const std::system_error& e) {  // std::thread could not start a thread, ...
    throw api::Error(ErrorCode::internal, e.what());
  } catch (const std::exception& e) {
    throw api::Error(ErrorCode::internal, e.what());
  } catch (...) {
    throw api::Error(ErrorCode::internal, "unknown error");
  }
}

// Counts what passes and stops at the limit.
class LimitedOutput : public OutputStream {
 public:
  LimitedOutput(OutputStream& out, uint64_t limit) : out_(out), limit_(limit) {}
  void write(const uint8_t* buf, size_t n) override {
    if (limit_ && (n > limit_ || written_ > limit_ - n))
      throw api::Error(ErrorCode::output_limit,
                       "output exceeds the limit of " + std::to_string(limit_) + " bytes (max_output_size)");
    out_.write(buf, n);
    written_ += n;
  }

 private:
  OutputStream& out_;
  uint64_t limit_;
  uint64_t written_ = 0;
};

unsigned thread_count(unsigned requested) {
  if (requested == 0) requested = std::max(1u, std::thread::hardware_concurrency());
  return std::min(requested, kMaxThreads);
}

void check(const Options& o) {
  if (o.level < 0 || o.level > 12)
    throw api::Error(ErrorCode::invalid_argument,
                     "invalid compression level " + std::to_string(o.level) + " (it must be 0 to 12)");
  if (o.block_size != 0 && (o.block_size < kMinBlockSize || o.block_size > kMaxBlockSize))
    throw api::Error(ErrorCode::invalid_argument,
                     "invalid block size " + std::to_string(o.block_size) + " (it must be 0 or 32 KiB to 256 MiB)");
}

uint64_t ceil_div(uint64_t a, uint64_t b) { return a / b + (a % b != 0); }

}  // namespace

Result compress_streams(InputStream& in, OutputStream& out, const Options& options) {
  check(options);
  return translated([&] {
    CompressOptions c;
    c.level = options.level;
    c.threads = thread_count(options.threads);
    c.block_size = options.block_size;
    c.rsyncable = options.rsyncable;
    // The header has no name and no time, OS Unix: as `rigz -c < file` writes it.
    if (const std::optional<uint64_t> input_size = in.size_left()) {
      // An input shorter than a block is one block whatever the block size, so it gets a
      // buffer of its own size (the output is the same: a block one byte longer than the input
      // is not full, so --rsyncable does not cut it either); and no input needs more workers
      // than it has blocks.
      const size_t block = plan_compression(c.level, c.block_size, input_size).block_size;
      if (*input_size < block) c.block_size = std::max(kMinBlockSize, static_cast<size_t>(*input_size) + 1);
      c.threads =
          static_cast<unsigned>(std::min<uint64_t>(c.threads, std::max<uint64_t>(1, ceil_div(*input_size, block))));
    }
    LimitedOutput limited(out, options.max_output_size);
    auto r = compress_gzip(in, limited, c);
    return Result{r.in_bytes, r.out_bytes};
  });
}

Result decompress_streams(InputStream& in, OutputStream& out, const Options& options) {
  return translated([&] {
    DecompressOptions d;
    d.pass_through = options.pass_through;
    d.threads = thread_count(options.threads);
    if (const std::optional<uint64_t> input_size = in.size_left())
      d.threads = static_cast<unsigned>(
          std::min<uint64_t>(d.threads, std::max<uint64_t>(1, ceil_div(*input_size, kDecompressBytesPerThread))));
    LimitedOutput limited(out, options.max_output_size);
    auto r = decompress_gzip(in, limited, d);
    if (r.trailing_garbage && !options.allow_trailing_garbage)
      throw api::Error(ErrorCode::data, "trailing garbage after the last gzip member");
    return Result{r.in_bytes, r.out_bytes};
  });
}

}  // namespace rigz::api_impl
