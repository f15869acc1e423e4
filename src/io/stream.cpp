#include "io/stream.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "io/error.h"

namespace rigz {
namespace {

// Calls `io(buf + got, n - got, got)` (read or pread) until n bytes are in or the input
// ends; retries on EINTR.
template <class Io>
size_t read_fully(uint8_t* buf, size_t n, Io io) {
  size_t got = 0;
  while (got < n) {
    const ssize_t r = io(buf + got, n - got, got);
    if (r == 0) break;
    if (r < 0) {
      if (errno == EINTR) continue;
      throw Error(Error::Kind::read, std::strerror(errno));
    }
    got += static_cast<size_t>(r);
  }
  return got;
}

}  // namespace

FdInput::FdInput(int fd, bool map) : fd_(fd), map_allowed_(map) {
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) start_ = ::lseek(fd, 0, SEEK_CUR);
}

std::optional<size_t> FdInput::read_at(uint64_t offset, uint8_t* buf, size_t n) {
  if (start_ < 0) return std::nullopt;
  const uint64_t at = static_cast<uint64_t>(start_) + offset;
  return read_fully(buf, n,
                    [&](uint8_t* p, size_t k, size_t got) { return ::pread(fd_, p, k, static_cast<off_t>(at + got)); });
}

uint64_t InputStream::skip(uint64_t n) {
  uint8_t scratch[16384];
  uint64_t done = 0;
  while (done < n) {
    const size_t got = read(scratch, static_cast<size_t>(std::min<uint64_t>(n - done, sizeof scratch)));
    if (got == 0) break;
    done += got;
  }
  return done;
}

uint64_t FdInput::skip(uint64_t n) {
  if (start_ < 0) return InputStream::skip(n);
  const std::optional<uint64_t> left = size_left();
  if (!left) throw Error(Error::Kind::read, std::strerror(errno));
  const uint64_t step = std::min(n, *left);
  if (::lseek(fd_, static_cast<off_t>(step), SEEK_CUR) < 0) throw Error(Error::Kind::read, std::strerror(errno));
  return step;
}

std::optional<InputStream::View> FdInput::view_rest() {
  if (start_ < 0 || !map_allowed_) return std::nullopt;
  struct stat st;
  const off_t here = ::lseek(fd_, 0, SEEK_CUR);
  if (here < 0 || ::fstat(fd_, &st) != 0 || st.st_size < here) return std::nullopt;
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  if (size - static_cast<uint64_t>(here) < kMinMapped) return std::nullopt;
  if (maps_.empty() || maps_.back()->size() < size) {
    auto map = FileMap::map(fd_, size);
    if (!map) return std::nullopt;
    maps_.push_back(std::move(map));
  }
  const FileMap& map = *maps_.back();
  return View{map.data() + here, map.size() - static_cast<uint64_t>(here), false, true};
}

std::optional<uint64_t> FdInput::size_left() {
  if (start_ < 0) return std::nullopt;
  struct stat st;
  const off_t here = ::lseek(fd_, 0, SEEK_CUR);
  if (here < 0 || ::fstat(fd_, &st) != 0) return std::nullopt;
  return st.st_size > here ? static_cast<uint64_t>(st.st_size - here) : 0;
}

size_t FdInput::read(uint8_t* buf, size_t n) {
  return read_fully(buf, n, [&](uint8_t* p, size_t k, size_t) { return ::read(fd_, p, k); });
}

bool FdOutput::discards() const {
  struct stat out, null;
  return ::fstat(fd_, &out) == 0 && S_ISCHR(out.st_mode) && ::stat("/dev/null", &null) == 0 &&
         out.st_rdev == null.st_rdev;
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

std::optional<size_t> MemoryInput::read_at(uint64_t offset, uint8_t* buf, size_t n) {
  if (offset >= len_) return 0;
  const size_t take = std::min<uint64_t>(n, len_ - offset);
  if (take) std::memcpy(buf, data_ + offset, take);
  return take;
}

uint64_t MemoryInput::skip(uint64_t n) {
  const size_t take = static_cast<size_t>(std::min<uint64_t>(n, len_ - pos_));
  pos_ += take;
  return take;
}

std::optional<InputStream::View> MemoryInput::view_rest() { return View{data_ + pos_, len_ - pos_, true, false}; }

size_t MemoryInput::read(uint8_t* buf, size_t n) {
  size_t take = std::min(n, len_ - pos_);
  if (take) std::memcpy(buf, data_ + pos_, take);
  pos_ += take;
  return take;
}

}  // namespace rigz
