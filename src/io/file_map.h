// A read-only mapping of a regular file, so that the decompressor reads its bytes where
// the page cache holds them instead of having read() copy them out: 7-8% less CPU for
// `rigz -d -p 1` (docs/design.md, "Reading in place"; the compressor gained nothing
// measurable from it and reads as before).
//
// A mapping has one hazard that read() has not: if the file shrinks while it is mapped,
// touching a page past its new end raises SIGBUS. The command line, which maps, turns
// that signal into an error that names the file (cli/run.cpp); the library maps only where
// its caller asks (FdInput's `map` flag).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>

namespace rigz {

class FileMap {
 public:
  // All `size` bytes of the regular file open on `fd`; nullptr where it cannot be mapped.
  static std::unique_ptr<FileMap> map(int fd, uint64_t size);
  ~FileMap();
  FileMap(const FileMap&) = delete;
  FileMap& operator=(const FileMap&) = delete;

  const uint8_t* data() const { return data_; }
  uint64_t size() const { return size_; }

  // Drops the whole pages of [begin, end), a range of a mapping, from this process's
  // memory: the page cache keeps them, and a later touch maps them again with the same
  // bytes. Mapped pages count in the resident set as they are touched, so without this
  // the peak RSS grew with the input (compressing 200 MB from a mapping: 206 MB, 21 MB
  // read into buffers); with it the resident part of an input is the stretch in use. Only for file mappings: on other
  // memory it would discard the contents.
  static void release(const uint8_t* begin, const uint8_t* end);

 private:
  FileMap(const uint8_t* data, uint64_t size) : data_(data), size_(size) {}
  const uint8_t* data_;
  uint64_t size_;
};

}  // namespace rigz
