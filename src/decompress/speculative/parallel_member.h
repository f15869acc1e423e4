// Parallel decompression of one gzip member of any origin (no index of its blocks): the
// deflate data is cut into chunks at nominal offsets, workers decode each chunk from a
// block start they find themselves (chunk_decoder.h) with the window unknown, and the
// calling thread takes the chunks in order, keeps those whose start is exactly where the
// previous one ended, and decodes whatever no chunk covers itself, with the known window.
// A kept chunk's window markers are replaced from the window before it: its last 32 KiB by
// the calling thread (the next window), the rest by the workers. Workers read their own
// input where the source allows (InputStream::read_at), and chunks go to the writer without
// a copy. Output never depends on a guess. See docs/design.md.
#pragma once
#include <cstddef>
#include <cstdint>

#include "io/buffered_writer.h"
#include "io/input_window.h"

namespace rigz::spec {

struct SpeculateConfig {
  // Use the path from this many threads on. Not at 2: on the 2-core machine of
  // docs/design.md, -p 2 was slower than ISA-L alone (the figures are there).
  unsigned min_threads = 3;
  // Compressed bytes per chunk; 0: by the thread count (chunk_bytes_for()), lowered for
  // members whose ratio would overflow max_chunk_output (parallel_member.cpp).
  size_t chunk_bytes = 0;
  size_t max_chunk_output = size_t(48) << 20;
  bool enabled = true;
  bool any_size = false;  // also members smaller than two chunks (tests)
  // Count only the threads that have a CPU to run on (-p 4 on two cores is two): with
  // fewer cores than the workers need, the path only adds work (docs/design.md).
  bool cap_at_cpus = true;
};

// The configuration, with the knobs of the environment applied once: RIGZ_SPECULATE=off
// disables the path, =on uses it from 2 threads on, =force from one thread on and for
// members of any size, with 32 KiB chunks (tests); RIGZ_SPECULATE_CHUNK=bytes sets the
// chunk size; RIGZ_SPECULATE_STATS prints, per member, chunks used, where the calling
// thread's time went, and the process's CPU time and page faults so far.
const SpeculateConfig& speculate_config();
// Replaces the configuration (unit tests; call it before any decompression starts).
void set_speculate_config(const SpeculateConfig& cfg);

struct MemberCheck {
  uint32_t crc = 0;
  uint64_t size = 0;  // uncompressed bytes
};

// The chunk size for `threads` workers: 4 MiB, 2 MiB from 12 threads on, unless the
// configuration sets one. On 16 cores (pigz -6 output, best of 3, ms for 1/2/4 MiB):
// linux-src.tar -p 4 211/202/155, -p 8 159/155/118, -p 16 104/110/123; reads.fastq -p 4
// 240/259/239, -p 8 194/164/173, -p 16 135/106/140. Fewer, larger chunks cost less
// boundary work; at 16 threads a 40 MB member needs more than 10 of them to keep every
// worker busy.
size_t chunk_bytes_for(const SpeculateConfig& cfg, unsigned threads);

// Whether the parallel path can run at all with `threads` threads (enabled, and enough of
// them with a CPU each), whatever the member.
bool may_use_parallel(unsigned threads);

// Whether the member whose deflate data is at the front of `in` is worth the parallel
// path with `threads` threads (reads ahead to see whether it is large enough).
bool use_parallel_member(InputWindow& in, unsigned threads);

// Inflates the deflate data at the front of `in`, writes it to `sink` and leaves `in` at
// the byte after it (the trailer). Throws Error::data with gzip's messages.
MemberCheck inflate_member_parallel(InputWindow& in, BufferedWriter& sink, unsigned threads);

}  // namespace rigz::spec
