#include "compress/plan.h"

namespace rigz {

CompressionPlan plan_compression(int level, size_t block_size, std::optional<uint64_t> input_size) {
  CompressionPlan p;
  p.zlib_level = level >= 1 && level <= 9 ? level : 9;  // the sample's reference
  // 2 MiB blocks: the dictionary lost at each block start costs under 0.2% there, and
  // even 100 MB spread over 48 blocks keeps 16 threads busy.
  p.block_size = block_size ? block_size : size_t(2) << 20;
  // Codecs tried per rigz level, cheapest first (docs/design.md). I2 is ISA-L's level 2,
  // 3-5x the speed of libdeflate 1; at level 1 the sample takes it where it matches zlib 1
  // (source code and FASTQ, 4.5% under it there; not logs or binaries, where it is 3-6%
  // larger). Not at level 2: against zlib 2 it is even on source code and FASTQ, and the
  // sample's error (+-3% per block) let it into blocks where it was 1-3% over (one block of
  // source code alone: 1.03x pigz -2). ISA-L's level 3 is not used: its output differs with
  // the CPU (AVX-512 or not: rigz -3 of linux-src.tar had other bytes on a Xeon than on the
  // 2-core VM), and rigz's output must not, so that builds are reproducible; ISA-L's levels
  // 1 and 2 and every libdeflate and zlib level gave the same bytes on both. Every level
  // has a libdeflate candidate: the first blocks of an input go without ISA-L
  // (block_compressor.cpp).
  //  0: stored blocks, as pigz -0.  1: libdeflate 1 is smaller than zlib 1 everywhere.
  //  2-4: zlib 2-4 run nearly as fast as zlib 1, so these start low (libdeflate 1 matches
  //  zlib 2 on text, not on binaries, hence no margin at level 2: a block of binaries whose
  //  sample had it 0.16% over zlib 2 came out 2% over; at level 3 the sample would take it
  //  on logs, where it ends up 0.8% larger than pigz -3).  5: not 4, which the sample takes
  //  on logs for output 1% larger than pigz -5.  6: libdeflate 8 is slower than zlib 6 on FASTQ.
  //  7-9: libdeflate 7 matches zlib 9 on logs, where 8 and 9 are slower than zlib itself;
  //  source code needs 8, FASTQ 10 (in a mix with 7, block_compressor.cpp), also at level
  //  7, where zlib 7 is as slow as 9 on FASTQ.  10-12: beyond zlib; pigz -11 is zopfli,
  //  30-60x slower than libdeflate 12 for output within +0.8% of it; -12 trades
  //  parallelism for a little more ratio with 8 MiB blocks.
  using L = Codec::Library;
  constexpr Codec I2{L::isal, 2};
  auto D = [](int l) { return Codec{L::libdeflate, l}; };
  static const std::vector<Codec> kCandidates[13] = {{D(0)},
                                                     {I2, D(1)},
                                                     {D(1), D(2), D(3)},
                                                     {D(2), D(3), D(4)},
                                                     {D(3), D(4), D(5)},
                                                     {D(5), D(6)},
                                                     {D(6), D(7)},
                                                     {D(7), D(8), D(9), D(10)},
                                                     {D(7), D(8), D(9), D(10)},
                                                     {D(7), D(8), D(9), D(10)},
                                                     {D(10)},
                                                     {D(12)},
                                                     {D(12)}};
  p.candidates = kCandidates[level < 0 ? 0 : level > 12 ? 12 : level];
  p.sample = level >= 1 && level <= 9;
  p.uneven = level >= 7 && level <= 9;  // libdeflate 7 to 10: 4-5x apart
  // Levels 8-9 (4 MiB blocks, each sampling itself) sample blocks ahead of compressing
  // them, and start the dearest first (compress.cpp, Pipeline::lookahead): reads.fastq -9
  // on 16 cores 1656 -> 1111 ms at -p 16, 2610 -> 2161 at -p 8 (pigz 2421 and 5090); and
  // a full block of libdeflate 10 is two members that two workers compress (linux-src.tar
  // -9 -p 16 846 -> 530 ms, pigz 958).
  // Not level 7 (2 MiB blocks, groups sharing a sample), where it gained nothing at -p 16
  // and cost 4-5% at -p 4 (reads.fastq 2911 -> 3062 ms, linux-src.tar 789 -> 818).
  p.costliest_first = level == 8 || level == 9;
  if (level == 2) p.margin = 0;  // libdeflate 1 on binaries (above)
  // Groups of blocks share a sample up to level 7, where it is 5-13% of the work. At
  // levels 8-9 it is less, and sharing gained nothing measurable (linux-src.tar -9 and
  // reads.fastq -9 no faster, one run each), for sizes nearer pigz's (docs/design.md,
  // "One sample for four blocks").
  p.shared_sample = level >= 1 && level <= 7;
  // Blocks of binaries where libdeflate 1 misses zlib 1's size (on the sample, by more than
  // 2%, or by any amount in the first blocks) went to zlib 1; libdeflate 2 is smaller than
  // zlib 1 there and faster (docs/design.md, "A fallback at level 1").
  if (level == 1) p.fallback = 2;
  // Levels 8-9: 4 MiB blocks. Their output was 0.15-0.3% larger than pigz's with 2 MiB
  // (linux-src.tar -9 1.0028x, access.log 1.0019x); with 4 MiB at most 1.0009x, for 2-5%
  // less CPU (half the samples; docs/design.md, "Block size"). But an input of fewer than
  // 16 such blocks would leave threads idle that 2 MiB blocks keep busy, so a known length
  // under 64 MiB keeps 2 MiB; a stream of unknown length (a pipe) takes 4 MiB.
  constexpr uint64_t kLargeBlock = uint64_t(4) << 20, kLargeBlockInput = 16 * kLargeBlock;
  if ((level == 8 || level == 9) && !block_size && (!input_size || *input_size >= kLargeBlockInput))
    p.block_size = kLargeBlock;
  if (level == 12 && !block_size) p.block_size = size_t(8) << 20;
  // An input of a few blocks has too few of them for the threads: one block of zlib 6 or
  // libdeflate 10 (the careful first blocks of FASTQ and source code took them) on one
  // thread was most of the time (2 MB of FASTQ, -p 16 on 16 cores: 225 ms at -6, pigz 22
  // ms). zlib's blocks are cut into chained pieces in any input; under 32 default blocks
  // those of libdeflate 10, and those whose sample has room to spare, are cut into members
  // too (compress.cpp, Pipeline::cut), which costs a little size that larger inputs, with
  // blocks enough, need not pay.
  constexpr uint64_t kFewBlocksInput = uint64_t(64) << 20;
  p.cut_blocks = p.sample && !block_size && input_size && *input_size < kFewBlocksInput;
  return p;
}

}  // namespace rigz
