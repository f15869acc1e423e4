// The public APIs as a user sees them: only <rigz/rigz.hpp> and <rigz/rigz.h>, no internal header.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <rigz/rigz.h>
#include <signal.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <rigz/rigz.hpp>
#include <sstream>
#include <streambuf>
#include <string>
#include <thread>
#include <vector>

namespace {

using Bytes = std::vector<uint8_t>;
namespace api = rigz::api;

// Text-like data: words of a small vocabulary in a pseudo-random order (compressible, not trivial).
Bytes text(size_t n, uint32_t seed = 1) {
  static const char* const kWords[] = {"gzip ",  "member ", "block ",    "thread ", "deflate ", "crc ",
                                       "index ", "rigz\n",  "parallel ", "0123 ",   "stream ",  "core "};
  Bytes out;
  out.reserve(n);
  uint32_t x = seed;
  while (out.size() < n) {
    x = x * 1664525u + 1013904223u;
    const char* w = kWords[(x >> 16) % 12];
    for (const char* p = w; *p && out.size() < n; ++p) out.push_back(static_cast<uint8_t>(*p));
  }
  return out;
}

Bytes random_bytes(size_t n, uint32_t seed) {
  Bytes out(n);
  uint32_t x = seed;
  for (auto& b : out) {
    x = x * 1103515245u + 12345u;
    b = static_cast<uint8_t>(x >> 23);
  }
  return out;
}

// Decompresses with zlib, member after member: what rigz writes is plain gzip.
Bytes zlib_gunzip(const Bytes& gz) {
  Bytes out;
  size_t pos = 0;
  while (pos < gz.size()) {
    z_stream z{};
    EXPECT_EQ(inflateInit2(&z, 31), Z_OK);
    z.next_in = const_cast<Bytes::value_type*>(gz.data() + pos);
    z.avail_in = static_cast<uInt>(gz.size() - pos);
    uint8_t buf[65536];
    int rc;
    do {
      z.next_out = buf;
      z.avail_out = sizeof buf;
      rc = inflate(&z, Z_NO_FLUSH);
      out.insert(out.end(), buf, buf + (sizeof buf - z.avail_out));
    } while (rc == Z_OK);
    EXPECT_EQ(rc, Z_STREAM_END);
    pos = gz.size() - z.avail_in;
    inflateEnd(&z);
    if (rc != Z_STREAM_END) break;
  }
  return out;
}

// Runs `f` expecting rigz::api::Error with `code`; returns its message.
template <class F>
std::string expect_error(api::ErrorCode code, F&& f) {
  try {
    f();
  } catch (const api::Error& e) {
    EXPECT_EQ(static_cast<int>(e.code()), static_cast<int>(code)) << e.what();
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not rigz::api::Error: " << e.what();
    return "";
  }
  ADD_FAILURE() << "no exception";
  return "";
}

std::string temp_path(const char* tag) {
  const char* dir = std::getenv("TMPDIR");
  std::string path = std::string(dir && *dir ? dir : "/tmp") + "/rigz-api-" + tag + "-XXXXXX";
  int fd = mkstemp(path.data());
  EXPECT_GE(fd, 0);
  close(fd);
  return path;
}

void write_file(const std::string& path, const Bytes& data) {
  FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(std::fwrite(data.data(), 1, data.size(), f), data.size());
  std::fclose(f);
}

Bytes read_file(const std::string& path) {
  Bytes data;
  FILE* f = std::fopen(path.c_str(), "rb");
  EXPECT_NE(f, nullptr);
  if (!f) return data;
  uint8_t buf[65536];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) data.insert(data.end(), buf, buf + n);
  std::fclose(f);
  return data;
}

// ---- C++ API ------------------------------------------------------------------------------

TEST(CppApi, RoundTripsSizesLevelsAndThreads) {
  for (size_t size : {size_t(0), size_t(1), size_t(1000), size_t(100000)}) {
    const Bytes data = text(size, static_cast<uint32_t>(size));
    for (int level : {0, 1, 6, 9, 12}) {
      for (unsigned threads : {0u, 1u, 3u}) {
        SCOPED_TRACE("size " + std::to_string(size) + " level " + std::to_string(level) + " threads " +
                     std::to_string(threads));
        api::Options o{.level = level, .threads = threads};
        const Bytes gz = api::compress(data, o);
        ASSERT_GE(gz.size(), 18u);
        EXPECT_EQ(gz[0], 0x1f);
        EXPECT_EQ(gz[1], 0x8b);
        if (level == 0) {
          EXPECT_GT(gz.size(), data.size());  // stored
        }
        EXPECT_EQ(api::decompress(gz, o), data);
      }
    }
  }
  const Bytes big = text(3 << 20, 3);
  for (int level : {1, 6}) {
    for (unsigned threads : {1u, 0u}) {
      const Bytes gz = api::compress(big, {.level = level, .threads = threads});
      EXPECT_LT(gz.size(), big.size() / 2);
      EXPECT_EQ(api::decompress(gz, {.threads = threads}), big);
    }
  }
}

// The memory API knows the input's size and sizes its buffers and threads to it; a stream
// does not. The bytes written must be the same.
TEST(CppApi, KnownInputSizeChangesNothingInTheOutput) {
  for (size_t size : {size_t(0), size_t(5000), size_t(32768), size_t(40000), size_t(300000)}) {
    const Bytes data = text(size, 77);
    for (api::Options o :
         {api::Options{}, api::Options{.level = 9, .block_size = 64 << 10}, api::Options{.rsyncable = true},
          api::Options{.block_size = 32 << 10, .rsyncable = true}, api::Options{.level = 12}}) {
      SCOPED_TRACE("size " + std::to_string(size) + " level " + std::to_string(o.level) + " block " +
                   std::to_string(o.block_size) + (o.rsyncable ? " rsyncable" : ""));
      std::istringstream in(std::string(data.begin(), data.end()));
      std::ostringstream out;
      api::compress(in, out, o);
      const Bytes gz = api::compress(data, o);
      EXPECT_EQ(std::string(gz.begin(), gz.end()), out.str());
      EXPECT_EQ(api::decompress(gz), data);
    }
  }
}

TEST(CppApi, OutputIsPlainGzipThatZlibReads) {
  const Bytes data = text(1 << 20, 7);
  const Bytes gz = api::compress(data, {.block_size = 64 << 10});  // 16 members
  EXPECT_LT(gz.size(), data.size() / 2);
  EXPECT_EQ(zlib_gunzip(gz), data);
  const Bytes noise = random_bytes(300000, 3);
  EXPECT_EQ(zlib_gunzip(api::compress(noise)), noise);
}

TEST(CppApi, OutputDoesNotDependOnThreads) {
  const Bytes data = text(1500000, 11);
  const Bytes one = api::compress(data, {.threads = 1, .block_size = 128 << 10});
  EXPECT_EQ(api::compress(data, {.threads = 4, .block_size = 128 << 10}), one);
  EXPECT_EQ(api::compress(data, {.threads = 0, .block_size = 128 << 10}), one);
  // A small input gives the same bytes whatever the block size it fits in.
  const Bytes small = text(50000, 5);
  EXPECT_EQ(api::compress(small), api::compress(small, {.block_size = 1 << 20}));
}

TEST(CppApi, DecompressesConcatenatedMembersAndOtherGzip) {
  const Bytes a = text(70000, 1), b = text(5000, 2);
  Bytes gz = api::compress(a);
  const Bytes gz_b = api::compress(b, {.level = 9});
  gz.insert(gz.end(), gz_b.begin(), gz_b.end());
  gz.insert(gz.end(), 64, 0);  // zero padding after the last member is ignored, as gzip does
  Bytes ab = a;
  ab.insert(ab.end(), b.begin(), b.end());
  EXPECT_EQ(api::decompress(gz), ab);

  // gzip written by zlib (a single member, no index).
  z_stream z{};
  ASSERT_EQ(deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
  Bytes zgz(deflateBound(&z, a.size()));
  z.next_in = const_cast<uint8_t*>(a.data());
  z.avail_in = static_cast<uInt>(a.size());
  z.next_out = zgz.data();
  z.avail_out = static_cast<uInt>(zgz.size());
  ASSERT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  zgz.resize(z.total_out);
  deflateEnd(&z);
  EXPECT_EQ(api::decompress(zgz), a);
}

TEST(CppApi, Streams) {
  const Bytes data = text(2 << 20, 9);
  std::istringstream in(std::string(data.begin(), data.end()));
  std::ostringstream gz;
  api::Result r = api::compress(in, gz, {.level = 4, .threads = 2});
  EXPECT_EQ(r.in_bytes, data.size());
  EXPECT_EQ(r.out_bytes, gz.str().size());

  std::istringstream gz_in(gz.str());
  gz_in.exceptions(std::ios::badbit | std::ios::failbit);  // end of input is not an error
  std::ostringstream out;
  r = api::decompress(gz_in, out);
  EXPECT_EQ(r.in_bytes, gz.str().size());
  EXPECT_EQ(r.out_bytes, data.size());
  EXPECT_EQ(out.str(), std::string(data.begin(), data.end()));
}

// A stream buffer that accepts `room` bytes and then fails.
class FullBuf : public std::streambuf {
 public:
  explicit FullBuf(size_t room) : room_(room) {}

 protected:
  std::streamsize xsputn(const char*, std::streamsize n) override {
    if (static_cast<size_t>(n) > room_) return 0;
    room_ -= static_cast<size_t>(n);
    return n;
  }
  int_type overflow(int_type c) override { return xsputn(nullptr, 1) == 1 ? c : traits_type::eof(); }

 private:
  size_t room_;
};

TEST(CppApi, StreamErrors) {
  const Bytes data = text(1 << 20, 4);
  std::istringstream in(std::string(data.begin(), data.end()));
  FullBuf full(1000);
  std::ostream out(&full);
  expect_error(api::ErrorCode::write, [&] { api::compress(in, out, {.block_size = 64 << 10}); });

  std::istringstream failed("x");
  failed.setstate(std::ios::failbit);
  std::ostringstream sink;
  expect_error(api::ErrorCode::invalid_argument, [&] { api::compress(failed, sink); });

  std::istringstream not_gzip("plain text, not gzip");
  expect_error(api::ErrorCode::data, [&] { api::decompress(not_gzip, sink); });
}

TEST(CppApi, FileDescriptors) {
  const std::string plain = temp_path("plain"), gz = temp_path("gz"), back = temp_path("back");
  const Bytes data = text(3 << 20, 21);
  write_file(plain, data);
  {
    int in = open(plain.c_str(), O_RDONLY), out = open(gz.c_str(), O_WRONLY | O_TRUNC);
    ASSERT_GE(in, 0);
    ASSERT_GE(out, 0);
    api::Result r = api::compress_fd(in, out, {.threads = 2});
    EXPECT_EQ(r.in_bytes, data.size());
    close(in);
    close(out);
  }
  EXPECT_EQ(zlib_gunzip(read_file(gz)), data);
  {
    int in = open(gz.c_str(), O_RDONLY), out = open(back.c_str(), O_WRONLY | O_TRUNC);
    api::Result r = api::decompress_fd(in, out);
    EXPECT_EQ(r.out_bytes, data.size());
    close(in);
    close(out);
  }
  EXPECT_EQ(read_file(back), data);
  expect_error(api::ErrorCode::invalid_argument, [] { api::compress_fd(-1, 1); });
  int closed = open(plain.c_str(), O_RDONLY);
  close(closed);
  expect_error(api::ErrorCode::read, [&] { api::compress_fd(closed, STDOUT_FILENO); });
  std::remove(plain.c_str());
  std::remove(gz.c_str());
  std::remove(back.c_str());
}

TEST(CppApi, BrokenPipeIsAnErrorNotASignalWhenIgnored) {
  struct sigaction ignore {
  }, old{};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, &old);
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  close(p[0]);
  const std::string plain = temp_path("pipe");
  write_file(plain, text(1 << 20, 2));
  int in = open(plain.c_str(), O_RDONLY);
  expect_error(api::ErrorCode::broken_pipe, [&] { api::compress_fd(in, p[1]); });
  close(in);
  close(p[1]);
  std::remove(plain.c_str());
  sigaction(SIGPIPE, &old, nullptr);
}

TEST(CppApi, CorruptInputThrowsAndTheProcessGoesOn) {
  const Bytes data = text(500000, 3);
  const Bytes gz = api::compress(data, {.block_size = 64 << 10});

  Bytes flipped = gz;
  flipped[gz.size() / 2] ^= 0x55;  // inside some member's deflate data
  expect_error(api::ErrorCode::data, [&] { api::decompress(flipped, {.threads = 1}); });
  expect_error(api::ErrorCode::data, [&] { api::decompress(flipped, {.threads = 4}); });

  Bytes crc = gz;
  crc[gz.size() - 8] ^= 1;  // CRC-32 of the last member
  std::string what = expect_error(api::ErrorCode::data, [&] { api::decompress(crc); });
  EXPECT_NE(what.find("crc"), std::string::npos) << what;

  const Bytes truncated(gz.begin(), gz.end() - 5);
  expect_error(api::ErrorCode::data, [&] { api::decompress(truncated); });
  expect_error(api::ErrorCode::data, [&] { api::decompress(Bytes{}); });
  const Bytes not_gzip = text(1000, 1);
  what = expect_error(api::ErrorCode::data, [&] { api::decompress(not_gzip); });
  EXPECT_NE(what.find("not in gzip format"), std::string::npos) << what;
  EXPECT_EQ(api::decompress(not_gzip, {.pass_through = true}), not_gzip);

  Bytes garbage = gz;
  garbage.insert(garbage.end(), {'j', 'u', 'n', 'k'});
  expect_error(api::ErrorCode::data, [&] { api::decompress(garbage); });
  EXPECT_EQ(api::decompress(garbage, {.allow_trailing_garbage = true}), data);
}

TEST(CppApi, InvalidOptionsAndLimits) {
  const Bytes data = text(200000, 8);
  expect_error(api::ErrorCode::invalid_argument, [&] { api::compress(data, {.level = -1}); });
  expect_error(api::ErrorCode::invalid_argument, [&] { api::compress(data, {.level = 13}); });
  expect_error(api::ErrorCode::invalid_argument, [&] { api::compress(data, {.block_size = 1000}); });
  expect_error(api::ErrorCode::invalid_argument, [&] { api::compress(data, {.block_size = size_t(1) << 30}); });
  const Bytes gz = api::compress(data);
  std::string what =
      expect_error(api::ErrorCode::output_limit, [&] { api::decompress(gz, {.max_output_size = 100000}); });
  EXPECT_NE(what.find("100000"), std::string::npos) << what;
  EXPECT_EQ(api::decompress(gz, {.max_output_size = data.size()}), data);
  expect_error(api::ErrorCode::output_limit, [&] { api::compress(data, {.max_output_size = 10}); });
  EXPECT_EQ(api::compress(data, {.threads = 100000}), gz);  // more threads than allowed: capped
}

TEST(CppApi, ManyThreadsAtOnce) {
  constexpr int kCallers = 8, kRounds = 6;
  std::atomic<int> ok{0}, errors{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < kCallers; ++t) {
    callers.emplace_back([t, &ok, &errors] {
      for (int i = 0; i < kRounds; ++i) {
        const Bytes data = text(100000 + 37000 * i, static_cast<uint32_t>(t * 100 + i));
        const Bytes gz = api::compress(data, {.level = 1 + (t + i) % 9, .threads = 2, .block_size = 32 << 10});
        if (api::decompress(gz, {.threads = 2}) == data) ++ok;
        Bytes bad = gz;
        bad[bad.size() - 6] ^= 0xff;  // ISIZE of the last member
        try {
          api::decompress(bad, {.threads = 2});
        } catch (const api::Error& e) {
          if (e.code() == api::ErrorCode::data) ++errors;
        }
      }
    });
  }
  for (auto& c : callers) c.join();
  EXPECT_EQ(ok, kCallers * kRounds);
  EXPECT_EQ(errors, kCallers * kRounds);
}

TEST(CppApi, Version) {
  EXPECT_STREQ(api::version(), RIGZ_VERSION);
  EXPECT_STREQ(RIGZ_VERSION, RIGZ_PROJECT_VERSION);  // the header follows CMakeLists.txt's project()
  EXPECT_EQ(std::to_string(RIGZ_VERSION_MAJOR) + "." + std::to_string(RIGZ_VERSION_MINOR) + "." +
                std::to_string(RIGZ_VERSION_PATCH),
            RIGZ_VERSION);
}

// ---- C API --------------------------------------------------------------------------------

TEST(CApi, RoundTripWithDefaultsAndOptions) {
  const Bytes data = text(400000, 12);
  void* gz = nullptr;
  size_t gz_len = 0;
  ASSERT_EQ(rigz_compress(data.data(), data.size(), &gz, &gz_len, nullptr), RIGZ_OK) << rigz_last_error();
  ASSERT_NE(gz, nullptr);
  const Bytes gz_bytes(static_cast<uint8_t*>(gz), static_cast<uint8_t*>(gz) + gz_len);
  EXPECT_EQ(gz_bytes, api::compress(data));  // the same bytes as the C++ API
  void* back = nullptr;
  size_t back_len = 0;
  rigz_options zeroed{};  // all defaults
  ASSERT_EQ(rigz_decompress(gz, gz_len, &back, &back_len, &zeroed), RIGZ_OK) << rigz_last_error();
  ASSERT_EQ(back_len, data.size());
  EXPECT_EQ(std::memcmp(back, data.data(), back_len), 0);
  rigz_free(gz);
  rigz_free(back);

  rigz_options o{};
  o.level = 9;
  o.threads = 3;
  o.block_size = 128 << 10;
  ASSERT_EQ(rigz_compress(data.data(), data.size(), &gz, &gz_len, &o), RIGZ_OK);
  EXPECT_EQ(Bytes(static_cast<uint8_t*>(gz), static_cast<uint8_t*>(gz) + gz_len),
            api::compress(data, {.level = 9, .block_size = 128 << 10}));
  rigz_free(gz);
  o = rigz_options{};
  o.flags = RIGZ_FLAG_RSYNCABLE;
  o.block_size = 64 << 10;
  ASSERT_EQ(rigz_compress(data.data(), data.size(), &gz, &gz_len, &o), RIGZ_OK);
  EXPECT_EQ(Bytes(static_cast<uint8_t*>(gz), static_cast<uint8_t*>(gz) + gz_len),
            api::compress(data, {.block_size = 64 << 10, .rsyncable = true}));
  rigz_free(gz);

  // Empty input, empty output: still a buffer to free.
  ASSERT_EQ(rigz_compress(nullptr, 0, &gz, &gz_len, nullptr), RIGZ_OK);
  ASSERT_EQ(rigz_decompress(gz, gz_len, &back, &back_len, nullptr), RIGZ_OK);
  EXPECT_NE(back, nullptr);
  EXPECT_EQ(back_len, 0u);
  rigz_free(gz);
  rigz_free(back);
  rigz_free(nullptr);
}

TEST(CApi, ErrorsAreCodes) {
  const Bytes data = text(100000, 13);
  void* gz = nullptr;
  size_t gz_len = 0;
  ASSERT_EQ(rigz_compress(data.data(), data.size(), &gz, &gz_len, nullptr), RIGZ_OK);
  Bytes bad(static_cast<uint8_t*>(gz), static_cast<uint8_t*>(gz) + gz_len);
  bad[bad.size() - 8] ^= 1;
  void* out = reinterpret_cast<void*>(1);
  size_t out_len = 123;
  EXPECT_EQ(rigz_decompress(bad.data(), bad.size(), &out, &out_len, nullptr), RIGZ_EDATA);
  EXPECT_EQ(out, nullptr);
  EXPECT_EQ(out_len, 0u);
  EXPECT_NE(std::string(rigz_last_error()).find("crc"), std::string::npos) << rigz_last_error();
  EXPECT_EQ(rigz_decompress("abc", 3, &out, &out_len, nullptr), RIGZ_EDATA);
  EXPECT_STREQ(rigz_last_error(), "not in gzip format");

  rigz_options o{};
  o.flags = RIGZ_FLAG_PASS_THROUGH;
  ASSERT_EQ(rigz_decompress("abc", 3, &out, &out_len, &o), RIGZ_OK);
  EXPECT_EQ(std::string(static_cast<char*>(out), out_len), "abc");
  rigz_free(out);

  o = rigz_options{};
  o.max_output = 1000;
  EXPECT_EQ(rigz_decompress(gz, gz_len, &out, &out_len, &o), RIGZ_ELIMIT);
  o = rigz_options{};
  o.level = 13;
  EXPECT_EQ(rigz_compress(data.data(), data.size(), &out, &out_len, &o), RIGZ_EINVAL);
  o.level = -2;
  EXPECT_EQ(rigz_compress(data.data(), data.size(), &out, &out_len, &o), RIGZ_EINVAL);
  o.level = RIGZ_LEVEL_STORE;  // -0
  ASSERT_EQ(rigz_compress(data.data(), data.size(), &out, &out_len, &o), RIGZ_OK);
  EXPECT_EQ(Bytes(static_cast<uint8_t*>(out), static_cast<uint8_t*>(out) + out_len), api::compress(data, {.level = 0}));
  rigz_free(out);
  o = rigz_options{};
  o.flags = 0x100;
  EXPECT_EQ(rigz_compress(data.data(), data.size(), &out, &out_len, &o), RIGZ_EINVAL);
  EXPECT_EQ(rigz_compress(nullptr, 10, &out, &out_len, nullptr), RIGZ_EINVAL);
  EXPECT_EQ(rigz_compress(data.data(), data.size(), nullptr, &out_len, nullptr), RIGZ_EINVAL);
  EXPECT_EQ(rigz_compress_fd(-1, 1, nullptr), RIGZ_EINVAL);
  rigz_free(gz);

  for (int code = RIGZ_OK; code <= RIGZ_EINTERNAL; ++code) {
    EXPECT_NE(rigz_strerror(code), nullptr);
    EXPECT_STRNE(rigz_strerror(code), "unknown error code") << code;
  }
  EXPECT_STREQ(rigz_strerror(-1), "unknown error code");
  EXPECT_STREQ(rigz_version(), RIGZ_VERSION);
  // The C codes and the C++ ones are the same numbers.
  EXPECT_EQ(static_cast<int>(api::ErrorCode::data), RIGZ_EDATA);
  EXPECT_EQ(static_cast<int>(api::ErrorCode::internal), RIGZ_EINTERNAL);
}

TEST(CApi, FileDescriptors) {
  const std::string plain = temp_path("cplain"), gz = temp_path("cgz"), back = temp_path("cback");
  const Bytes data = text(600000, 14);
  write_file(plain, data);
  int in = open(plain.c_str(), O_RDONLY), out = open(gz.c_str(), O_WRONLY | O_TRUNC);
  EXPECT_EQ(rigz_compress_fd(in, out, nullptr), RIGZ_OK) << rigz_last_error();
  close(in);
  close(out);
  in = open(gz.c_str(), O_RDONLY);
  out = open(back.c_str(), O_WRONLY | O_TRUNC);
  EXPECT_EQ(rigz_decompress_fd(in, out, nullptr), RIGZ_OK) << rigz_last_error();
  close(in);
  close(out);
  EXPECT_EQ(read_file(back), data);
  in = open(plain.c_str(), O_RDONLY);  // not gzip
  out = open(back.c_str(), O_WRONLY | O_TRUNC);
  EXPECT_EQ(rigz_decompress_fd(in, out, nullptr), RIGZ_EDATA);
  close(in);
  close(out);
  std::remove(plain.c_str());
  std::remove(gz.c_str());
  std::remove(back.c_str());
}

TEST(CApi, ManyThreadsAtOnceEachWithItsOwnLastError) {
  constexpr int kCallers = 8;
  std::atomic<int> failures{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < kCallers; ++t) {
    callers.emplace_back([t, &failures] {
      const Bytes data = text(150000 + 1000 * t, static_cast<uint32_t>(t));
      for (int i = 0; i < 5; ++i) {
        void* gz = nullptr;
        size_t gz_len = 0;
        rigz_options o{};
        o.threads = 2;
        o.block_size = 32 << 10;
        if (rigz_compress(data.data(), data.size(), &gz, &gz_len, &o) != RIGZ_OK) ++failures;
        void* back = nullptr;
        size_t back_len = 0;
        if (rigz_decompress(gz, gz_len, &back, &back_len, &o) != RIGZ_OK || back_len != data.size() ||
            std::memcmp(back, data.data(), back_len) != 0)
          ++failures;
        rigz_free(back);
        // Odd threads fail on purpose; each thread sees its own message.
        if (t % 2) {
          if (rigz_decompress(gz, gz_len - 3, &back, &back_len, &o) != RIGZ_EDATA) ++failures;
          if (std::string(rigz_last_error()).empty()) ++failures;
        } else if (*rigz_last_error() != '\0') {
          ++failures;
        }
        rigz_free(gz);
      }
    });
  }
  for (auto& c : callers) c.join();
  EXPECT_EQ(failures, 0);
}

}  // namespace
