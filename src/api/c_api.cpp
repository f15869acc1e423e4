// The C API (include/rigz/rigz.h) over the shared engine: no exception leaves these functions.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include "api/engine.h"
#include "io/stream.h"
#include "rigz/rigz.h"
#include "rigz/rigz.hpp"

namespace {

using rigz::api::Error;
using rigz::api::ErrorCode;

// The detail of the calling thread's last failure (rigz_last_error).
thread_local std::string t_last_error;

// Grows a malloc'ed buffer that is handed to the caller, who frees it with rigz_free().
class MallocOutput : public rigz::OutputStream {
 public:
  ~MallocOutput() { std::free(data_); }
  void write(const uint8_t* buf, size_t n) override {
    if (n == 0) return;
    if (n > cap_ - len_) {
      size_t cap = std::max({cap_ * 2, len_ + n, size_t(4096)});
      void* p = std::realloc(data_, cap);
      if (!p) throw std::bad_alloc();
      data_ = static_cast<uint8_t*>(p);
      cap_ = cap;
    }
    std::memcpy(data_ + len_, buf, n);
    len_ += n;
  }
  // Gives the buffer away, trimmed to its length (at least one byte, so never NULL).
  void* release(size_t* len) {
    void* p = std::realloc(data_, len_ ? len_ : 1);
    if (!p) p = data_;
    if (!p) throw std::bad_alloc();
    data_ = nullptr;
    *len = len_;
    return p;
  }

 private:
  uint8_t* data_ = nullptr;
  size_t len_ = 0, cap_ = 0;
};

rigz::api::Options to_options(const rigz_options* o) {
  rigz::api::Options options;
  if (!o) return options;
  if (o->level == RIGZ_LEVEL_STORE)
    options.level = 0;
  else if (o->level != RIGZ_LEVEL_DEFAULT)
    options.level = o->level;  // checked by the engine
  options.threads = o->threads;
  options.block_size = o->block_size;
  options.pass_through = (o->flags & RIGZ_FLAG_PASS_THROUGH) != 0;
  options.allow_trailing_garbage = (o->flags & RIGZ_FLAG_ALLOW_TRAILING_GARBAGE) != 0;
  options.rsyncable = (o->flags & RIGZ_FLAG_RSYNCABLE) != 0;
  options.max_output_size = o->max_output;
  if (o->flags & ~(RIGZ_FLAG_PASS_THROUGH | RIGZ_FLAG_ALLOW_TRAILING_GARBAGE | RIGZ_FLAG_RSYNCABLE))
    throw Error(ErrorCode::invalid_argument, "unknown flags in rigz_options");
  return options;
}

// Runs `f`, returning RIGZ_OK or the code of what it threw (its detail kept for
// rigz_last_error).
template <class F>
int guarded(F&& f) noexcept {
  try {
    try {
      f();
      return RIGZ_OK;
    } catch (const Error& e) {
      t_last_error = e.what();
      return static_cast<int>(e.code());
    } catch (const std::bad_alloc&) {
      t_last_error = "out of memory";
      return RIGZ_ENOMEM;
    } catch (const std::exception& e) {
      t_last_error = e.what();
      return RIGZ_EINTERNAL;
    } catch (...) {
      t_last_error = "unknown error";
      return RIGZ_EINTERNAL;
    }
  } catch (...) {  // the message itself could not be stored
    return RIGZ_ENOMEM;
  }
}

using StreamsFn = rigz::api::Result (*)(rigz::InputStream&, rigz::OutputStream&, const rigz::api::Options&);

int in_memory(StreamsFn fn, const void* in, size_t in_len, void** out, size_t* out_len, const rigz_options* opts) {
  if (out) *out = nullptr;
  if (out_len) *out_len = 0;
  return guarded([&] {
    if (!out || !out_len || (!in && in_len)) throw Error(ErrorCode::invalid_argument, "NULL buffer or result pointer");
    rigz::api::Options options = to_options(opts);
    rigz::MemoryInput input(static_cast<const uint8_t*>(in), in_len);
    MallocOutput output;
    fn(input, output, options);
    *out = output.release(out_len);
  });
}

int on_fds(StreamsFn fn, int in_fd, int out_fd, const rigz_options* opts) {
  return guarded([&] {
    if (in_fd < 0 || out_fd < 0) throw Error(ErrorCode::invalid_argument, "invalid file descriptor");
    rigz::api::Options options = to_options(opts);
    rigz::FdInput input(in_fd);
    rigz::FdOutput output(out_fd);
    fn(input, output, options);
  });
}

}  // namespace

extern "C" {

int rigz_compress(const void* in, size_t in_len, void** out, size_t* out_len, const rigz_options* opts) {
  return in_memory(rigz::api_impl::compress_streams, in, in_len, out, out_len, opts);
}

int rigz_decompress(const void* in, size_t in_len, void** out, size_t* out_len, const rigz_options* opts) {
  return in_memory(rigz::api_impl::decompress_streams, in, in_len, out, out_len, opts);
}

void rigz_free(void* buffer) { std::free(buffer); }

int rigz_compress_fd(int in_fd, int out_fd, const rigz_options* opts) {
  return on_fds(rigz::api_impl::compress_streams, in_fd, out_fd, opts);
}

int rigz_decompress_fd(int in_fd, int out_fd, const rigz_options* opts) {
  return on_fds(rigz::api_impl::decompress_streams, in_fd, out_fd, opts);
}

const char* rigz_strerror(int code) {
  switch (code) {
    case RIGZ_OK:
      return "success";
    case RIGZ_EINVAL:
      return "invalid argument";
    case RIGZ_EREAD:
      return "read error";
    case RIGZ_EWRITE:
      return "write error";
    case RIGZ_EPIPE:
      return "broken pipe";
    case RIGZ_EDATA:
      return "corrupt, truncated or not gzip data";
    case RIGZ_ENOMEM:
      return "out of memory";
    case RIGZ_ELIMIT:
      return "output size limit exceeded";
    case RIGZ_EINTERNAL:
      return "internal error";
    default:
      return "unknown error code";
  }
}

const char* rigz_last_error(void) { return t_last_error.c_str(); }

const char* rigz_version(void) { return RIGZ_VERSION; }

}  // extern "C"
