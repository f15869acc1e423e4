// The C++ API (include/rigz/rigz.hpp): memory, std::iostream and file descriptor front ends
// over the shared engine.
#include <istream>
#include <ostream>

#include "api/engine.h"
#include "io/stream.h"
#include "rigz/rigz.hpp"

namespace rigz::api {
namespace {

// Reads a std::istream; a failure other than end of input is a read error.
class IstreamInput : public InputStream {
 public:
  explicit IstreamInput(std::istream& in) : in_(in) {}
  size_t read(uint8_t* buf, size_t n) override {
    size_t got = 0;
    try {
      while (got < n && in_.good()) {
        in_.read(reinterpret_cast<char*>(buf + got), static_cast<std::streamsize>(n - got));
        got += static_cast<size_t>(in_.gcount());
      }
    } catch (const std::exception& e) {  // the caller enabled exceptions on the stream
      if (in_.bad() || !in_.eof()) throw Error(ErrorCode::read, std::string("input stream: ") + e.what());
      got += static_cast<size_t>(in_.gcount());
    }
    if (in_.bad() || (in_.fail() && !in_.eof())) throw Error(ErrorCode::read, "input stream: read failed");
    return got;
  }

 private:
  std::istream& in_;
};

class OstreamOutput : public OutputStream {
 public:
  explicit OstreamOutput(std::ostream& out) : out_(out) {}
  void write(const uint8_t* buf, size_t n) override {
    try {
      out_.write(reinterpret_cast<const char*>(buf), static_cast<std::streamsize>(n));
    } catch (const std::exception& e) {
      throw Error(ErrorCode::write, std::string("output stream: ") + e.what());
    }
    if (!out_) throw Error(ErrorCode::write, "output stream: write failed");
  }
  void flush() {
    try {
      out_.flush();
    } catch (const std::exception& e) {
      throw Error(ErrorCode::write, std::string("output stream: ") + e.what());
    }
    if (!out_) throw Error(ErrorCode::write, "output stream: write failed");
  }

 private:
  std::ostream& out_;
};

void check_streams(std::istream& in, std::ostream& out) {
  if (in.fail()) throw Error(ErrorCode::invalid_argument, "input stream is in a failed state");
  if (!out) throw Error(ErrorCode::invalid_argument, "output stream is in a failed state");
}

void check_fds(int in_fd, int out_fd) {
  if (in_fd < 0 || out_fd < 0) throw Error(ErrorCode::invalid_argument, "invalid file descriptor");
}

}  // namespace

std::vector<uint8_t> compress(std::span<const uint8_t> data, const Options& options) {
  MemoryInput in(data.data(), data.size());
  MemoryOutput out;
  api_impl::compress_streams(in, out, options);
  return std::move(out.data);
}

std::vector<uint8_t> decompress(std::span<const uint8_t> data, const Options& options) {
  MemoryInput in(data.data(), data.size());
  MemoryOutput out;
  api_impl::decompress_streams(in, out, options);
  return std::move(out.data);
}

Result compress(std::istream& in, std::ostream& out, const Options& options) {
  check_streams(in, out);
  IstreamInput input(in);
  OstreamOutput output(out);
  Result r = api_impl::compress_streams(input, output, options);
  output.flush();
  return r;
}

Result decompress(std::istream& in, std::ostream& out, const Options& options) {
  check_streams(in, out);
  IstreamInput input(in);
  OstreamOutput output(out);
  Result r = api_impl::decompress_streams(input, output, options);
  output.flush();
  return r;
}

Result compress_fd(int in_fd, int out_fd, const Options& options) {
  check_fds(in_fd, out_fd);
  FdInput in(in_fd);
  FdOutput out(out_fd);
  return api_impl::compress_streams(in, out, options);
}

Result decompress_fd(int in_fd, int out_fd, const Options& options) {
  check_fds(in_fd, out_fd);
  FdInput in(in_fd);
  FdOutput out(out_fd);
  return api_impl::decompress_streams(in, out, options);
}

}  // namespace rigz::api
