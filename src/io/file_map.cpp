#include "io/file_map.h"

#include <sys/mman.h>

namespace rigz {

std::unique_ptr<FileMap> FileMap::map(int fd, uint64_t size) {
  if (size == 0 || size > SIZE_MAX) return nullptr;
  void* p = ::mmap(nullptr, static_cast<size_t>(size), PROT_READ, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) return nullptr;
  return std::unique_ptr<FileMap>(new FileMap(static_cast<const uint8_t*>(p), size));
}

FileMap::~FileMap() { ::munmap(const_cast<uint8_t*>(data_), static_cast<size_t>(size_)); }

}  // namespace rigz
