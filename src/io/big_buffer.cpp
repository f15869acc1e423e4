#include "io/big_buffer.h"

#include <sys/mman.h>

#include <algorithm>
#include <new>

namespace rigz {

void* allocate_big(size_t bytes) {
  constexpr size_t kHuge = size_t(2) << 20;
  const bool huge = bytes >= kHuge;
  const size_t align = huge ? kHuge : alignof(std::max_align_t);
  const size_t size = (std::max<size_t>(bytes, 1) + align - 1) / align * align;  // aligned_alloc's rule
  void* p = std::aligned_alloc(align, size);
  if (!p) throw std::bad_alloc();
  if (huge) madvise(p, size, MADV_HUGEPAGE);  // a hint: refused (no THP) is fine
  return p;
}

}  // namespace rigz
