// Decodes one chunk of a deflate stream whose beginning and window are unknown (a worker's
// job in the speculative parallel path). Chunk k starts at the first block start found
// at or past its nominal offset (the first candidate of block_finder.h whose first block
// decodes) and ends where chunk k + 1 will start, found by the same rule from the next
// nominal offset: its `target`. It decodes in 16-bit form (window bytes as markers) with
// rigz's decoder until the last 32 KiB of output hold no marker, then with ISA-L and that
// window up to the target (isal_span.h). A chunk that cannot reach its target exactly, or
// runs past its limits, is given up (ok = false); the caller decodes that stretch itself.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include "decompress/speculative/block_finder.h"
#include "decompress/speculative/inflater.h"
#include "decompress/speculative/isal_span.h"
#include "io/big_buffer.h"

namespace rigz::spec {

// An output buffer allocated once at its largest size and never cleared (a std::vector
// would zero it): the pages a chunk does not reach are never touched, so they cost no
// memory (beyond the last 2 MiB huge page reached; io/big_buffer.h), and a buffer reused
// by later chunks is never copied.
template <class Sym>
struct GrowBuffer {
  BigArray<Sym> data;
  size_t capacity = 0;
  void reserve(size_t n, size_t keep) {
    if (n <= capacity) return;
    BigArray<Sym> grown = make_big_array<Sym>(n);
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
  uint64_t stop_bit = 0;     // the next chunk's nominal offset: look for the target there
  size_t max_output = 0;     // give up beyond this many bytes of output memory
  const std::atomic<bool>* cancel = nullptr;
};

struct Chunk {
  bool ok = false;
  SpanStart start;  // stream offsets
  uint64_t end_bit = 0;
  bool final = false;  // ends with the final block
  // Where the chunk was to end (the next chunk's start), if one was found; set even when
  // the chunk is given up, for the caller to aim at.
  bool has_target = false;
  SpanStart target;
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
  std::optional<Candidate> find_start(const ChunkRequest& req, uint64_t from_bit);
  Outcome decode_from(const ChunkRequest& req, const SpanStart& start, Chunk& chunk);
  Outcome finish_with_isal(const ChunkRequest& req, uint64_t bit, const uint8_t* dict, size_t dict_len, Chunk& chunk);

  Inflater<uint16_t> wide_;
  GrowBuffer<uint16_t> trial_;
  IsalSpan isal_;
};

}  // namespace rigz::spec
