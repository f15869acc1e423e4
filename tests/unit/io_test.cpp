// The input and output plumbing the parallel paths rely on: positional reads and skips
// through the stream wrappers, and the writer's queue of external bytes.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <numeric>
#include <string>
#include <vector>

#include "io/buffered_writer.h"
#include "io/input_window.h"
#include "io/peek_input.h"
#include "io/progress.h"
#include "io/stream.h"

namespace rigz {
namespace {

std::vector<uint8_t> counting_bytes(size_t n) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(i * 7 + i / 251);
  return v;
}

// A regular file holding `data`, removed at the end of the test.
class TempFile {
 public:
  explicit TempFile(const std::vector<uint8_t>& data) {
    char name[] = "/tmp/rigz-io-test.XXXXXX";
    fd_ = mkstemp(name);
    path_ = name;
    EXPECT_EQ(write(fd_, data.data(), data.size()), static_cast<ssize_t>(data.size()));
    lseek(fd_, 0, SEEK_SET);
  }
  ~TempFile() {
    close(fd_);
    unlink(path_.c_str());
  }
  int fd() const { return fd_; }

 private:
  int fd_;
  std::string path_;
};

TEST(FdInput, ReadAtCountsFromWhereTheStreamStarted) {
  const auto data = counting_bytes(100000);
  TempFile f(data);
  lseek(f.fd(), 1000, SEEK_SET);  // the stream starts here
  FdInput in(f.fd());
  uint8_t buf[64];
  ASSERT_EQ(in.read(buf, 10), 10u);  // reading does not move what read_at() sees
  auto got = in.read_at(5000, buf, sizeof buf);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(*got, sizeof buf);
  EXPECT_TRUE(std::equal(buf, buf + sizeof buf, data.begin() + 6000));
  got = in.read_at(99000 - 32, buf, sizeof buf);  // 32 bytes before the end
  EXPECT_EQ(*got, 32u);
  EXPECT_EQ(*in.read_at(200000, buf, sizeof buf), 0u);
  ASSERT_EQ(in.read(buf, 1), 1u);
  EXPECT_EQ(buf[0], data[1010]);
}

TEST(FdInput, APipeHasNoReadAtAndSkipsByReading) {
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  const auto data = counting_bytes(3000);
  ASSERT_EQ(write(p[1], data.data(), data.size()), 3000);
  close(p[1]);
  FdInput in(p[0]);
  uint8_t buf[16];
  EXPECT_FALSE(in.read_at(0, buf, sizeof buf).has_value());
  EXPECT_EQ(in.skip(2000), 2000u);
  ASSERT_EQ(in.read(buf, 1), 1u);
  EXPECT_EQ(buf[0], data[2000]);
  EXPECT_EQ(in.skip(5000), 999u);  // only what is left
  close(p[0]);
}

TEST(FdInput, SkipSeeksAndStopsAtTheEnd) {
  const auto data = counting_bytes(50000);
  TempFile f(data);
  FdInput in(f.fd());
  EXPECT_EQ(in.skip(40000), 40000u);
  uint8_t b;
  ASSERT_EQ(in.read(&b, 1), 1u);
  EXPECT_EQ(b, data[40000]);
  EXPECT_EQ(in.skip(20000), 9999u);
  EXPECT_EQ(in.read(&b, 1), 0u);
}

TEST(StreamWrappers, PassReadAtAndSkipThrough) {
  const auto data = counting_bytes(70000);
  TempFile f(data);
  FdInput raw(f.fd());
  CountingInput counted(raw, nullptr);
  PeekInput peek(counted, 100);  // reads the first 100 bytes now
  uint8_t buf[8];
  ASSERT_EQ(*peek.read_at(50, buf, sizeof buf), sizeof buf);  // inside the head
  EXPECT_TRUE(std::equal(buf, buf + 8, data.begin() + 50));
  ASSERT_EQ(*peek.read_at(60000, buf, sizeof buf), sizeof buf);
  EXPECT_TRUE(std::equal(buf, buf + 8, data.begin() + 60000));
  EXPECT_EQ(peek.skip(30), 30u);      // within the head
  EXPECT_EQ(peek.skip(1000), 1000u);  // the rest of the head, then the file
  ASSERT_EQ(peek.read(buf, 1), 1u);
  EXPECT_EQ(buf[0], data[1030]);

  MemoryInput mem(data.data(), data.size());
  ASSERT_EQ(*mem.read_at(69996, buf, sizeof buf), 4u);
  EXPECT_TRUE(std::equal(buf, buf + 4, data.begin() + 69996));
}

TEST(InputWindow, SkipGoesPastWhatIsBuffered) {
  const auto data = counting_bytes(300000);
  for (bool file : {true, false}) {
    SCOPED_TRACE(file ? "file" : "memory");
    TempFile f(data);
    FdInput fd_in(f.fd());
    MemoryInput mem_in(data.data(), data.size());
    InputWindow w(file ? static_cast<InputStream&>(fd_in) : mem_in, 4096);
    ASSERT_TRUE(w.ensure(100));
    w.consume(10);
    EXPECT_TRUE(w.skip(200000));  // past the 4 KiB buffered
    EXPECT_EQ(w.consumed(), 200010u);
    ASSERT_TRUE(w.ensure(1));
    EXPECT_EQ(w.data()[0], data[200010]);
    EXPECT_FALSE(w.skip(200000));  // past the end
    EXPECT_FALSE(w.refill());
  }
}

TEST(InputWindow, EndedOnlyOnceTheInputHasEnded) {
  for (size_t len : {0u, 3000u, 4096u, 10000u}) {
    SCOPED_TRACE(len);
    const auto data = counting_bytes(len);
    TempFile f(data);
    FdInput in(f.fd());
    InputWindow w(in, 4096);
    w.refill();
    // A read that fills less than asked is the end (InputStream::read), so a small input
    // is known whole after one refill; a full read says nothing yet.
    EXPECT_EQ(w.ended(), len < 4096);
    EXPECT_EQ(w.size(), std::min<size_t>(len, 4096));
    w.consume(w.size());
    while (w.refill()) w.consume(w.size());
    EXPECT_TRUE(w.ended());
    EXPECT_EQ(w.consumed(), len);
  }
}

// An output that records what it is given.
class Recorder : public OutputStream {
 public:
  void write(const uint8_t* buf, size_t n) override { data.insert(data.end(), buf, buf + n); }
  std::vector<uint8_t> data;
};

TEST(BufferedWriter, ExternalBytesKeepTheirPlaceAmongBuffers) {
  for (bool threaded : {false, true}) {
    SCOPED_TRACE(threaded ? "threaded" : "unthreaded");
    Recorder out;
    std::vector<uint8_t> expected;
    std::vector<std::vector<uint8_t>> external(50);
    {
      BufferedWriter w(out, 1000, threaded);
      uint64_t last = 0;
      for (int i = 0; i < 50; ++i) {
        OutBuffer& buf = w.acquire();
        std::iota(buf.data(), buf.data() + 10, static_cast<uint8_t>(i));
        expected.insert(expected.end(), buf.data(), buf.data() + 10);
        w.submit(10);
        external[i] = counting_bytes(5000 + i);
        expected.insert(expected.end(), external[i].begin(), external[i].end());
        const uint64_t ticket = w.submit_external(external[i].data(), external[i].size());
        EXPECT_GT(ticket, last);
        last = ticket;
      }
      EXPECT_TRUE(w.written(last, true));
      w.finish();
    }
    EXPECT_EQ(out.data, expected);
  }
}

}  // namespace
}  // namespace rigz
