// Throughput of rigz's own deflate decoder (src/decompress/speculative/inflater.h) against
// ISA-L on the deflate data of a gzip file: `inflate_bench FILE.gz [repeats]`. Prints MB/s
// of output for ISA-L, the byte decoder and the 16-bit (marker) decoder, and the speed of
// the block finder (block_finder.h) over the whole deflate data, in MB/s of input.
#include <isa-l/igzip_lib.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <vector>

#include "decompress/speculative/block_finder.h"
#include "decompress/speculative/inflater.h"
#include "format/gzip_header.h"

namespace {

template <class F>
double best_seconds(int repeats, F&& f) {
  double best = 1e9;
  for (int i = 0; i < repeats; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    f();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return best;
}

template <class Sym>
size_t decode_own(const std::vector<uint8_t>& in, size_t start, std::vector<Sym>& out) {
  auto inf = std::make_unique<rigz::spec::Inflater<Sym>>();
  inf->start_at_header();
  auto s = inf->run(in.data() + start, in.size() - start, true, 0, out.data(), rigz::spec::kWindowSize, out.size(), 0,
                    UINT64_MAX);
  if (s.stop != rigz::spec::Stop::final_block) std::fprintf(stderr, "own decoder stopped early\n");
  return s.out_pos - rigz::spec::kWindowSize;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  std::ifstream f(argv[1], std::ios::binary);
  std::vector<uint8_t> in((std::istreambuf_iterator<char>(f)), {});
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 3;
  rigz::GzipHeader h;
  size_t start = 0;
  if (rigz::parse_gzip_header(in.data(), in.size(), h, start) != rigz::HeaderStatus::ok) return 2;
  const size_t isize =
      in[in.size() - 4] | in[in.size() - 3] << 8 | in[in.size() - 2] << 16 | size_t(in[in.size() - 1]) << 24;
  std::vector<uint8_t> out8(rigz::spec::kWindowSize + isize + 1024);
  std::vector<uint16_t> out16(rigz::spec::kWindowSize + isize + 1024);
  size_t got = 0;
  const double t_isal = best_seconds(repeats, [&] {
    auto st = std::make_unique<inflate_state>();
    isal_inflate_init(st.get());
    st->next_in = in.data() + start;
    st->avail_in = static_cast<uint32_t>(in.size() - start);
    st->next_out = out8.data();
    st->avail_out = static_cast<uint32_t>(out8.size());
    isal_inflate(st.get());
    got = st->total_out;
  });
  const double t8 = best_seconds(repeats, [&] { got = decode_own(in, start, out8); });
  const double t16 = best_seconds(repeats, [&] { got = decode_own(in, start, out16); });
  size_t candidates = 0;
  const double t_find = best_seconds(repeats, [&] {
    candidates = 0;
    const uint8_t* deflated = in.data() + start;
    const size_t n = in.size() - start - 8;
    for (uint64_t from = 0;; ++candidates) {
      auto cand = rigz::spec::find_block_start(deflated, n, from, uint64_t(n) * 8);
      if (!cand) break;
      from = cand->resume;
    }
  });
  std::printf(
      "%s: %zu bytes  isa-l %.0f MB/s  own(bytes) %.0f MB/s  own(16-bit) %.0f MB/s  finder %.0f MB/s of input "
      "(%zu candidates)\n",
      argv[1], got, isize / t_isal / 1e6, isize / t8 / 1e6, isize / t16 / 1e6,
      static_cast<double>(in.size() - start) / t_find / 1e6, candidates);
}
