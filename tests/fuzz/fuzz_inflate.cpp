// libFuzzer target: rigz's own deflate decoder, block finder and chunk decoder (the
// speculative parallel path, src/decompress/speculative/) on arbitrary bytes.
// - The byte decoder must agree with zlib on raw deflate: the same verdict (a complete
//   stream or not) and the same output.
// - The block finder and the chunk decoder, from any offset, must not crash, and a chunk
//   they call good must start at a candidate the finder gave.
// - The same bytes as the deflate data of a gzip member: the speculative path (tiny
//   chunks, 2 threads) and the streaming path must give the same verdict and output.
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "decompress/decompress.h"
#include "decompress/speculative/block_finder.h"
#include "decompress/speculative/chunk_decoder.h"
#include "decompress/speculative/inflater.h"
#include "decompress/speculative/parallel_member.h"
#include "fuzz_common.h"
#include "io/error.h"
#include "test_support.h"

namespace {

using namespace rigz::spec;
constexpr size_t kMaxOut = size_t(4) << 20;

// zlib's raw inflate: the output if the stream is complete within kMaxOut.
bool zlib_inflate(const uint8_t* data, size_t size, std::vector<uint8_t>& out) {
  z_stream z{};
  if (inflateInit2(&z, -15) != Z_OK) return false;
  out.resize(kMaxOut);
  z.next_in = const_cast<uint8_t*>(data);
  z.avail_in = static_cast<uInt>(size);
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  const int ret = inflate(&z, Z_FINISH);
  out.resize(z.total_out);
  inflateEnd(&z);
  return ret == Z_STREAM_END;
}

void check_decoder(const uint8_t* data, size_t size) {
  std::vector<uint8_t> ref;
  const bool ref_ok = zlib_inflate(data, size, ref);
  std::vector<uint8_t> out(kWindowSize + kMaxOut + kOutputSlack);
  auto dec = std::make_unique<Inflater<uint8_t>>();
  dec->start_at_header();
  const Step s = dec->run(data, size, true, 0, out.data(), kWindowSize, out.size(), kWindowSize, UINT64_MAX);
  if (s.stop == Stop::output_full) return;  // beyond what zlib was given room for
  const bool ok = s.stop == Stop::final_block;
  FUZZ_CHECK(ok == ref_ok);
  if (ok) {
    FUZZ_CHECK(s.out_pos - kWindowSize == ref.size());
    FUZZ_CHECK(std::equal(ref.begin(), ref.end(), out.begin() + kWindowSize));
  }
}

void check_finder(const uint8_t* data, size_t size) {
  if (size < 4) return;
  const uint64_t from = data[0] % 64;
  auto cand = find_block_start(data, size, from, uint64_t(size) * 8);
  if (cand) FUZZ_CHECK(cand->start.earliest() + 10 >= from && cand->resume > from);
  ChunkRequest r;
  r.in = data;
  r.size = size;
  r.last = data[1] & 1;
  r.from_bit = from;
  r.known_start = data[1] & 2;
  r.stop_bit = uint64_t(data[2]) * 8;
  r.max_output = kMaxOut;
  ChunkDecoder decoder;
  Chunk chunk;
  decoder.decode(r, chunk);
  if (chunk.ok) FUZZ_CHECK(chunk.end_bit <= uint64_t(size) * 8 + 64 && chunk.size() <= kMaxOut + kWindowSize);
}

struct Outcome {
  bool ok = false;
  rigz::fuzz::Digest digest;
};

Outcome gunzip(const std::vector<uint8_t>& gz, unsigned threads, bool speculate) {
  SpeculateConfig c;
  c.enabled = speculate;
  c.min_threads = 1;
  c.any_size = true;
  c.chunk_bytes = 1024;
  c.max_chunk_output = 1 << 20;
  set_speculate_config(c);
  rigz::MemoryInput in(gz.data(), gz.size());
  rigz::fuzz::DigestOutput out;
  rigz::DecompressOptions opts;
  rigz::test::set_decompress_threads(opts, threads);
  Outcome o;
  try {
    rigz::decompress_gzip(in, out, opts);
    o.ok = true;
  } catch (const rigz::Error& e) {
    FUZZ_CHECK(e.kind() == rigz::Error::Kind::data);
  }
  o.digest = out.digest;
  return o;
}

void check_path(const uint8_t* data, size_t size) {
  // A header, the bytes, and the trailer zlib's output would have (if it has one).
  std::vector<uint8_t> ref;
  const bool ref_ok = zlib_inflate(data, size, ref);
  std::vector<uint8_t> gz = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
  gz.insert(gz.end(), data, data + size);
  const uint32_t crc = rigz::crc32_update(0, ref.data(), ref.size()), len = static_cast<uint32_t>(ref.size());
  for (int i = 0; i < 4; ++i) gz.push_back(static_cast<uint8_t>(crc >> (8 * i)));
  for (int i = 0; i < 4; ++i) gz.push_back(static_cast<uint8_t>(len >> (8 * i)));
  (void)ref_ok;
  const Outcome plain = gunzip(gz, 1, false);
  const Outcome spec = gunzip(gz, 2, true);
  FUZZ_CHECK(plain.ok == spec.ok);
  if (plain.ok) FUZZ_CHECK(plain.digest == spec.digest);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1 << 20)) return 0;
  check_decoder(data, size);
  check_finder(data, size);
  check_path(data, size);
  return 0;
}
