#include "io/file_map.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>

namespace rigz {

std::unique_ptr<FileMap> FileMap::map(int fd, uint64_t size) {
  if (size == 0 || size > SIZE_MAX) return nullptr;
  void* p = ::mmap(nullptr, static_cast<size_t>(size), PROT_READ, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) return nullptr;
  return std::unique_ptr<FileMap>(new FileMap(static_cast<const uint8_t*>(p), size));
}

void FileMap::release(const uint8_t* begin, const uint8_t* end) {
  static const uintptr_t page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
  const uintptr_t from = (reinterpret_cast<uintptr_t>(begin) + page - 1) & ~(page - 1);
  const uintptr_t to = reinterpret_cast<uintptr_t>(end) & ~(page - 1);
  if (from < to) ::madvise(reinterpret_cast<void*>(from), to - from, MADV_DONTNEED);
}

FileMap::~FileMap() { ::munmap(const_cast<uint8_t*>(data_), static_cast<size_t>(size_)); }

}  // namespace rigz
