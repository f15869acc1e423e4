#include "io/stream.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "io/error.h"

namespace rigz {

size_t FdInput::read(uint8_t* buf, size_t n) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = ::read(fd_, buf + got, n - got);
    if (r == 0) break;
    if (r < 0) {
      if (errno == EINTR) continue;
      throw Error(Error::Kind::read, std::strerror(errno));
    }
    got += static_cast<size_t>(r);
  }
  return got;
}

void FdOutput::write(const uint8_t* buf, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd_, buf, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EPIPE) throw Error(Error::Kind::broken_pipe, std::strerror(errno));
      throw Error(Error::Kind::write, std::strerror(errno));
    }
    buf += w;
    n -= static_cast<size_t>(w);
  }
}

size_t MemoryInput::read(uint8_t* buf, size_t n) {
  size_t take = std::min(n, len_ - pos_);
  if (take) std::memcpy(buf, data_ + pos_, take);
  pos_ += take;
  return take;
}

}  // namespace rigz
