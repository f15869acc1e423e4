// Byte streams the compressors and decompressors read and write: file descriptors,
// memory, and a sink that discards (for -t).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "io/file_map.h"

namespace rigz {

class InputStream {
 public:
  virtual ~InputStream() = default;
  // Reads up to n bytes; returns fewer only at end of input (0 = end). Throws Error::read.
  virtual size_t read(uint8_t* buf, size_t n) = 0;
  // Reads up to n bytes at `offset` from the stream's start without moving the stream:
  // the bytes read() gives or will give there. Returns the count (fewer only at the end),
  // or nothing where the source cannot (a pipe, a terminal). Safe to call from several
  // threads at once, also while another reads. The compressor's workers read their blocks
  // with it, and the speculative decompressor's their chunks, so that one reading thread
  // does not copy all the input for them.
  virtual std::optional<size_t> read_at(uint64_t offset, uint8_t* buf, size_t n) {
    (void)offset, (void)buf, (void)n;
    return std::nullopt;
  }
  // Whether read_at() works on this stream.
  bool reads_at_offsets() {
    uint8_t probe;
    return read_at(0, &probe, 0).has_value();
  }
  // Moves past n bytes without handing them out; returns how many there were (fewer only
  // at the end). This one reads and drops them; a regular file seeks.
  virtual uint64_t skip(uint64_t n);

  // The bytes from the stream's position to its end, where they can be read in place (a
  // mapped file: no copy), or nothing. The bytes before the position, back to the
  // stream's start, are in place too (view.data[-k]). The view does not move the stream:
  // who takes bytes from it moves past them with skip(), so that the position and a
  // progress count follow. A file that grows after the view was taken has the rest to
  // read() once the view is used up.
  struct View {
    const uint8_t* data;
    uint64_t size;
    bool whole;  // nothing can follow (memory); a file may grow
    bool file;   // a file's mapping: pages done with can be released (FileMap::release)
  };
  virtual std::optional<View> view_rest() { return std::nullopt; }

  // How many bytes are left to read, where the source says so (a regular file, memory), or
  // nothing (a pipe, a terminal). A hint: a file may still grow or shrink.
  virtual std::optional<uint64_t> size_left() { return std::nullopt; }
};

class OutputStream {
 public:
  virtual ~OutputStream() = default;
  // Writes all n bytes or throws (Error::write, Error::broken_pipe).
  virtual void write(const uint8_t* buf, size_t n) = 0;
  // Whether what is written goes nowhere (-t, /dev/null): no thread is worth spending on
  // writing it.
  virtual bool discards() const { return false; }
};

class FdInput : public InputStream {
 public:
  // With `map`, view_rest() maps a regular file of at least kMinMapped bytes for whoever
  // reads in place (InputWindow, so the decompressors). The caller must then handle SIGBUS,
  // which a file that shrinks while mapped raises (io/file_map.h).
  explicit FdInput(int fd, bool map = false);
  size_t read(uint8_t* buf, size_t n) override;
  // pread() on a regular file, from the offset the descriptor had when this was made.
  std::optional<size_t> read_at(uint64_t offset, uint8_t* buf, size_t n) override;
  uint64_t skip(uint64_t n) override;
  std::optional<View> view_rest() override;
  std::optional<uint64_t> size_left() override;

  // Below this much left to read, read() costs less than setting up a mapping.
  static constexpr uint64_t kMinMapped = uint64_t(1) << 20;

 private:
  int fd_;
  int64_t start_ = -1;  // the file offset of the stream's start; -1: not a regular file
  bool map_allowed_;
  // The whole file from offset 0, mapped again if it grew; earlier maps stay, for views
  // taken from them.
  std::vector<std::unique_ptr<FileMap>> maps_;
};

class FdOutput : public OutputStream {
 public:
  explicit FdOutput(int fd) : fd_(fd) {}
  void write(const uint8_t* buf, size_t n) override;
  bool discards() const override;  // the descriptor is /dev/null

 private:
  int fd_;
};

class MemoryInput : public InputStream {
 public:
  MemoryInput(const uint8_t* data, size_t len) : data_(data), len_(len) {}
  size_t read(uint8_t* buf, size_t n) override;
  std::optional<size_t> read_at(uint64_t offset, uint8_t* buf, size_t n) override;
  uint64_t skip(uint64_t n) override;
  std::optional<View> view_rest() override;
  std::optional<uint64_t> size_left() override { return len_ - pos_; }

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
  bool discards() const override { return true; }
};

}  // namespace rigz
