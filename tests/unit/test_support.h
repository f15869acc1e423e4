// Helpers shared by the unit tests and the fuzz targets: test data, in-memory compress and
// decompress, and zlib as the reference gunzip.
#pragma once
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "compress/compress.h"
#include "decompress/decompress.h"
#include "format/crc32.h"
#include "format/gzip_header.h"
#include "io/stream.h"

namespace rigz::test {

using Bytes = std::vector<uint8_t>;

// `size` bytes whose compressibility depends on `random_pct` (0: text-like, 100: random).
// Runs of words from a small vocabulary are mixed with runs of random bytes.
inline Bytes make_data(size_t size, unsigned seed, unsigned random_pct = 30) {
  static const char* const kWords[] = {
      "the ", "quick ", "brown ", "fox ",  "jumps ",   "over ",      "lazy ", "dog ", "\n", "GET /index.html HTTP/1.1 ",
      "200 ", "404 ",   "rigz ",  "gzip ", "deflate ", "0123456789 "};
  std::mt19937_64 rng(seed);
  Bytes out;
  out.reserve(size);
  while (out.size() < size) {
    size_t run = 1 + rng() % 4096;
    if (rng() % 100 < random_pct) {
      for (size_t i = 0; i < run && out.size() < size; ++i) out.push_back(static_cast<uint8_t>(rng()));
    } else {
      for (size_t i = 0; i < run && out.size() < size;) {
        const char* w = kWords[rng() % (sizeof kWords / sizeof kWords[0])];
        for (; *w && out.size() < size; ++w, ++i) out.push_back(static_cast<uint8_t>(*w));
      }
    }
  }
  return out;
}

// Like make_data, but the same mixture at every scale: random runs of at most 64 bytes
// between words (make_data's runs of up to 4 KiB make a block's sample unlike its whole).
inline Bytes make_uniform_data(size_t size, unsigned seed, unsigned random_pct) {
  const Bytes words = make_data(64 * 1024, seed, 0);
  std::mt19937_64 rng(seed);
  Bytes out;
  out.reserve(size);
  while (out.size() < size) {
    if (rng() % 100 < random_pct) {
      for (size_t n = 1 + rng() % 64; n > 0 && out.size() < size; --n) out.push_back(static_cast<uint8_t>(rng()));
    } else {
      const size_t at = rng() % (words.size() - 64), n = 1 + rng() % 64;
      for (size_t i = at; i < at + n && out.size() < size; ++i) out.push_back(words[i]);
    }
  }
  return out;
}

// Lines like a web server's access log: addresses, times, paths and sizes drawn from
// small sets, so that much of each line repeats earlier ones at varying distances.
inline Bytes make_log_data(size_t size, unsigned seed) {
  static const char* const kPaths[] = {
      "/",      "/index.html",     "/favicon.ico", "/api/v1/items", "/static/app.js", "/static/style.css",
      "/login", "/images/logo.png"};
  static const char* const kAgents[] = {"curl/7.88.1", "Mozilla/5.0 (X11; Linux x86_64)", "Wget/1.21.3",
                                        "python-requests/2.28.1"};
  std::mt19937_64 rng(seed);
  Bytes out;
  out.reserve(size + 256);
  unsigned second = 0;
  char line[256];
  while (out.size() < size) {
    second += static_cast<unsigned>(rng() % 3);
    const int n = std::snprintf(
        line, sizeof line, "10.%u.%u.%u - - [28/Nov/2026:%02u:%02u:%02u +0000] \"%s %s HTTP/1.1\" %u %u \"-\" \"%s\"\n",
        unsigned(rng() % 4), unsigned(rng() % 16), unsigned(rng() % 256), second / 3600 % 24, second / 60 % 60,
        second % 60, rng() % 5 ? "GET" : "POST", kPaths[rng() % 8], rng() % 10 ? 200u : 404u, unsigned(rng() % 50000),
        kAgents[rng() % 4]);
    out.insert(out.end(), line, line + n);
  }
  out.resize(size);
  return out;
}

// Sequencer reads in FASTQ: a header of rising coordinates, 150 bases from random places
// of a random genome (no repeats a read's length apart), "+", and a quality line of runs.
inline Bytes make_fastq_data(size_t size, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::string genome(1 << 20, 'A');
  for (char& b : genome) b = "ACGT"[rng() % 4];
  Bytes out;
  out.reserve(size + 512);
  unsigned y = 1000;
  char head[96];
  while (out.size() < size) {
    y += 1 + static_cast<unsigned>(rng() % 12);
    const int n =
        std::snprintf(head, sizeof head, "@SIM:1:FC1:1:1101:%u:%u 1:N:0:ATCACGAT\n", 1000 + unsigned(rng() % 30000), y);
    out.insert(out.end(), head, head + n);
    const size_t at = rng() % (genome.size() - 150);
    out.insert(out.end(), genome.begin() + at, genome.begin() + at + 150);
    for (const char c : {'\n', '+', '\n'}) out.push_back(static_cast<uint8_t>(c));
    char q = 'J';
    for (int i = 0; i < 150; ++i) {
      if (rng() % 3 == 0) q = static_cast<char>('#' + rng() % 40);
      out.push_back(static_cast<uint8_t>(q));
    }
    out.push_back('\n');
  }
  out.resize(size);
  return out;
}

inline Bytes compress(const Bytes& in, const CompressOptions& opts, CompressResult* result = nullptr) {
  MemoryInput input(in.data(), in.size());
  MemoryOutput output;
  CompressResult r = compress_gzip(input, output, opts);
  if (result) *result = r;
  return std::move(output.data);
}

inline Bytes decompress(const Bytes& in, DecompressResult* result = nullptr, const DecompressOptions& opts = {}) {
  MemoryInput input(in.data(), in.size());
  MemoryOutput output;
  DecompressResult r = decompress_gzip(input, output, opts);
  if (result) *result = r;
  return std::move(output.data);
}

// zlib's view of a gzip file, following gzip's rules: members one after another; after the
// first member, zeros or anything that does not start with the gzip magic end the input
// (trailing garbage). Returns nothing when zlib rejects the data (corrupt or truncated,
// including a truncated member after a complete one, which gzip reports as an error).
struct ZlibResult {
  Bytes out;
  unsigned members = 0;
  bool trailing_garbage = false;
};

// The same walk, handing the output to `sink(const uint8_t*, size_t)` instead of keeping it
// (for the fuzz targets, where output can be large). `out` of the result stays empty.
// Gives up (returns nothing) past `max_out` bytes of output.
template <class Sink>
std::optional<ZlibResult> zlib_gunzip_to(const uint8_t* data, size_t len, Sink&& sink,
                                         uint64_t max_out = uint64_t(1) << 32) {
  ZlibResult res;
  size_t pos = 0;
  uint64_t total = 0;
  z_stream s{};
  if (inflateInit2(&s, 31) != Z_OK) return std::nullopt;
  Bytes buf(1 << 16);
  for (;;) {
    if (res.members > 0) {
      if (pos == len) break;
      bool zeros = true;
      for (size_t i = pos; i < len && zeros; ++i) zeros = data[i] == 0;
      if (zeros) break;
      if (data[pos] != 0x1f || (pos + 1 < len && data[pos + 1] != 0x8b)) {
        res.trailing_garbage = true;
        break;
      }
    }
    inflateReset(&s);
    int ret = Z_OK;
    do {
      s.next_in = const_cast<uint8_t*>(data + pos);
      s.avail_in = static_cast<uInt>(std::min<size_t>(len - pos, size_t(1) << 30));
      s.next_out = buf.data();
      s.avail_out = static_cast<uInt>(buf.size());
      const uint8_t* before = s.next_in;
      ret = inflate(&s, Z_NO_FLUSH);
      pos += static_cast<size_t>(s.next_in - before);
      const size_t produced = buf.size() - s.avail_out;
      if (produced) sink(buf.data(), produced);
      total += produced;
      if (total > max_out) ret = Z_MEM_ERROR;
      if (ret == Z_BUF_ERROR && s.avail_out != 0) ret = Z_DATA_ERROR;  // the input ended
    } while (ret == Z_OK || ret == Z_BUF_ERROR);
    if (ret != Z_STREAM_END) {
      inflateEnd(&s);
      return std::nullopt;
    }
    ++res.members;
  }
  inflateEnd(&s);
  return res;
}

inline std::optional<ZlibResult> zlib_gunzip(const uint8_t* data, size_t len) {
  Bytes out;
  auto r = zlib_gunzip_to(data, len, [&](const uint8_t* p, size_t n) { out.insert(out.end(), p, p + n); });
  if (r) r->out = std::move(out);
  return r;
}

inline std::optional<ZlibResult> zlib_gunzip(const Bytes& b) { return zlib_gunzip(b.data(), b.size()); }

// A gzip member written by zlib itself (not rigz), with an optional file name.
inline Bytes zlib_gzip(const Bytes& in, int level = 6, const char* name = nullptr) {
  z_stream s{};
  deflateInit2(&s, level, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
  gz_header h{};
  if (name) {
    h.name = reinterpret_cast<Bytef*>(const_cast<char*>(name));
    deflateSetHeader(&s, &h);
  }
  Bytes out(deflateBound(&s, static_cast<uLong>(in.size())) + 64 + (name ? std::string(name).size() : 0));
  s.next_in = const_cast<uint8_t*>(in.data());
  s.avail_in = static_cast<uInt>(in.size());
  s.next_out = out.data();
  s.avail_out = static_cast<uInt>(out.size());
  deflate(&s, Z_FINISH);
  out.resize(out.size() - s.avail_out);
  deflateEnd(&s);
  return out;
}

// A gzip member with header `h` (every field as given, FHCRC included) around zlib's raw
// deflate of `in`: a member written independently of rigz's compressor.
inline Bytes make_member(const GzipHeader& h, const Bytes& in, int level = 6) {
  Bytes out = write_gzip_header(h);
  z_stream s{};
  deflateInit2(&s, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
  const size_t start = out.size();
  out.resize(start + deflateBound(&s, static_cast<uLong>(in.size())) + 16);
  s.next_in = const_cast<uint8_t*>(in.data());
  s.avail_in = static_cast<uInt>(in.size());
  s.next_out = out.data() + start;
  s.avail_out = static_cast<uInt>(out.size() - start);
  deflate(&s, Z_FINISH);
  out.resize(out.size() - s.avail_out);
  deflateEnd(&s);
  uint8_t trailer[kGzipTrailerSize];
  write_gzip_trailer(trailer, crc32_update(0, in.data(), in.size()), in.size());
  out.insert(out.end(), trailer, trailer + sizeof trailer);
  return out;
}

// A descriptor of an unlinked temporary file that holds `data`, at offset 0.
inline int temp_file_with(const Bytes& data) {
  char name[] = "/tmp/rigz-test.XXXXXX";
  const int fd = mkstemp(name);
  if (fd < 0) return fd;
  unlink(name);
  if (write(fd, data.data(), data.size()) != static_cast<ssize_t>(data.size())) return close(fd), -1;
  lseek(fd, 0, SEEK_SET);
  return fd;
}

// Sets DecompressOptions::threads where the library has it (parallel decompression of
// indexed members); a no-op otherwise.
template <class O>
void set_decompress_threads(O& o, unsigned threads) {
  if constexpr (requires { o.threads; }) o.threads = threads;
}

// Sets CompressOptions::rsyncable where the library has it; false where it has not.
template <class O>
bool set_rsyncable(O& o, bool on) {
  if constexpr (requires { o.rsyncable; }) {
    o.rsyncable = on;
    return true;
  } else {
    return false;
  }
}

}  // namespace rigz::test
