// Buffers that are filled before they are read: chunk outputs of the speculative
// decompressor, input blocks of the compressor, the decompressor's input window and the
// writer's buffers. Not std::vectors, which would zero them: allocated without zeroing (only
// the pages written are touched; `rigz -d` of a 10 KB file made 1,541 page faults with
// zeroed 1 MiB buffers, 258 without) and, from 2 MiB on, 2 MiB-aligned and marked for transparent huge
// pages (MADV_HUGEPAGE; Linux's default THP mode, `madvise`, uses them only when asked):
// a buffer of tens of MB touched once took thousands of page faults with 4 KiB pages
// (28,340 for 50 MB of FASTQ in the speculative path on the 2-core VM, 5,153 with this).
// ByteBuffer, below, is the growable kind: a vector whose resize() does not zero.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <utility>
#include <vector>

namespace rigz {

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};

// `bytes` of uninitialised memory, to be released with std::free; throws std::bad_alloc.
void* allocate_big(size_t bytes);

template <class T>
using BigArray = std::unique_ptr<T[], FreeDeleter>;

template <class T>
BigArray<T> make_big_array(size_t n) {
  return BigArray<T>(static_cast<T*>(allocate_big(n * sizeof(T))));
}

// An allocator whose resize() leaves new elements uninitialised, for output buffers
// that are grown to an encoder's worst-case bound and then cut to what it wrote: with
// std::allocator every block's bound (its size again) was zero-filled first, 3% of the
// CPU of `rigz -1` (perf, linux-src.tar, 2-core VM).
template <class T>
struct UninitializedAllocator : std::allocator<T> {
  template <class U>
  struct rebind {
    using other = UninitializedAllocator<U>;
  };
  UninitializedAllocator() = default;
  template <class U>
  UninitializedAllocator(const UninitializedAllocator<U>&) noexcept {}
  template <class U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;  // default-initialisation: nothing for bytes
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

using ByteBuffer = std::vector<uint8_t, UninitializedAllocator<uint8_t>>;

}  // namespace rigz
