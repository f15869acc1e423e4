// Decodes one chunk of a deflate stream whose beginning and window are unknown (a worker's
// job in the speculative parallel path). From the first plausible block start at or past
// a search offset, it decodes in 16-bit form (window bytes as markers) until the last
// 32 KiB of output hold no marker, then as plain bytes, and ends at the first block
// boundary at or past `stop_bit`, or after the final block. A candidate that fails to
// decode is dropped for the next one.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "decompress/speculative/block_finder.h"
#include "decompress/speculative/inflater.h"

namespace rigz::spec {

// An output buffer that grows by doubling, keeping its contents (a std::vector would
// zero the memory first).
template <class Sym>
struct GrowBuffer {
  std::unique_ptr<Sym[]> data;
  size_t capacity = 0;
  void reserve(size_t n, size_t keep) {
    if (n <= capacity) return;
    std::unique_ptr<Sym[]> grown(new Sym[n]);
    std::copy(data.get(), data.get() + keep, grown.get());
    data.swap(grown);
    capacity = n;
  }
};

struct ChunkRequest {
  const uint8_t* in = nullptr;  // the input bytes at hand
  size_t size = 0;
  bool last = false;         // the input ends at in + size
  uint64_t base_bit = 0;     // the stream offset of in[0], in bits
  uint64_t from_bit = 0;     // stream offset where to look for a start
  bool known_start = false;  // from_bit is a block start (the stream's first block)
  uint64_t stop_bit = 0;     // end at the first block boundary at or past this
  size_t max_output = 0;     // give up beyond this many bytes of output
  const std::atomic<bool>* cancel = nullptr;
};

struct Chunk {
  bool ok = false;
  SpanStart start;  // stream offsets
  uint64_t end_bit = 0;
  bool final = false;  // ends with the final block
  // Output: first `wide_len` symbols in 16-bit form, then `narrow_len` bytes. Both
  // buffers begin with kWindowSize slots of window (markers, or the bytes before).
  GrowBuffer<uint16_t> wide;
  size_t wide_len = 0;
  GrowBuffer<uint8_t> narrow;
  size_t narrow_len = 0;
  size_t size() const { return wide_len + narrow_len; }
};

class ChunkDecoder {
 public:
  // Fills `chunk`; chunk.ok is false when no start decodes up to stop_bit within the input
  // and output limits.
  void decode(const ChunkRequest& req, Chunk& chunk);

 private:
  // A candidate that fails in its first block was no block start: the next one is tried.
  // Any other failure (a limit reached, an error after a good block) ends the chunk.
  enum class Outcome { ok, bad_start, give_up };
  Outcome decode_from(const ChunkRequest& req, const SpanStart& start, Chunk& chunk);
  Outcome finish_narrow(const ChunkRequest& req, uint64_t bit, Chunk& chunk);

  Inflater<uint16_t> wide_;
  Inflater<uint8_t> narrow_;
};

}  // namespace rigz::spec
