// Byte streams the compressors and decompressors read and write: file descriptors,
// memory, and a sink that discards (for -t).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace rigz {

class InputStream {
 public:
  virtual ~InputStream() = default;
  // Reads up to n bytes; returns fewer only at end of input (0 = end). Throws Error::read.
  virtual size_t read(uint8_t* buf, size_t n) = 0;
};

class OutputStream {
 public:
  virtual ~OutputStream() = default;
  // Writes all n bytes or throws (Error::write, Error::broken_pipe).
  virtual void write(const uint8_t* buf, size_t n) = 0;
};

class FdInput : public InputStream {
 public:
  explicit FdInput(int fd) : fd_(fd) {}
  size_t read(uint8_t* buf, size_t n) override;

 private:
  int fd_;
};

class FdOutput : public OutputStream {
 public:
  explicit FdOutput(int fd) : fd_(fd) {}
  void write(const uint8_t* buf, size_t n) override;

 private:
  int fd_;
};

class MemoryInput : public InputStream {
 public:
  MemoryInput(const uint8_t* data, size_t len) : data_(data), len_(len) {}
  size_t read(uint8_t* buf, size_t n) override;

 private:
  const uint8_t* data_;
  size_t len_;
  size_t pos_ = 0;
};

class MemoryOutput : public OutputStream {
 public:
  void write(const uint8_t* buf, size_t n) override { data.insert(data.end(), buf, buf + n); }
  std::vector<uint8_t> data;
};

class NullOutput : public OutputStream {
 public:
  void write(const uint8_t*, size_t) override {}
};

}  // namespace rigz
