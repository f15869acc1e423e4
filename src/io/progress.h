// A progress line on standard error for long jobs: the bytes read so far, of how many
// when the input's size is known, the speed and the time left, redrawn in place (with a
// carriage return) at most four times a second by a thread of its own, and erased when
// the job ends. The command line decides when to show it (on a terminal, after a
// second; always with --progress); the library knows nothing of it: the input stream
// is wrapped in a CountingInput that reports what is read.
#pragma once
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "io/stream.h"

namespace rigz {

class Progress {
 public:
  // Draws on `fd` lines that start with `label`; `total` is the input size, 0 when
  // unknown. Nothing is drawn before `delay` has passed.
  Progress(int fd, std::string label, uint64_t total, std::chrono::milliseconds delay);
  ~Progress();  // finish()
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void add(uint64_t n) { done_.fetch_add(n, std::memory_order_relaxed); }
  // Stops the redrawing and erases the line, if one was drawn. Idempotent.
  void finish();

  // The text of the line (without the label): "42.0% 1.2 GiB of 2.9 GiB, 310 MiB/s, 0:05 left",
  // or "1.2 GiB, 310 MiB/s" when the total is unknown; rate in bytes per second, < 0
  // when not known yet.
  static std::string describe(uint64_t done, uint64_t total, double rate);

 private:
  void loop();
  void draw();

  using Clock = std::chrono::steady_clock;
  const int fd_;
  const std::string label_;
  const uint64_t total_;
  const std::chrono::milliseconds delay_;
  const Clock::time_point start_;
  std::atomic<uint64_t> done_{0};
  std::deque<std::pair<Clock::time_point, uint64_t>> samples_;  // for the recent speed
  size_t drawn_ = 0;                                            // columns of the line on screen
  std::mutex m_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

// Ends a progress line that is on the screen with a new line, so that what follows (the
// shell's prompt after SIGINT) starts on a line of its own; async-signal-safe.
void end_progress_line_from_signal();

// Passes reads through and counts them into a Progress (none: only passes them).
class CountingInput : public InputStream {
 public:
  CountingInput(InputStream& in, Progress* progress) : in_(in), progress_(progress) {}
  // Reads in pieces of at most 256 KiB, so that the count moves while a large block fills.
  size_t read(uint8_t* buf, size_t n) override {
    if (!progress_) return in_.read(buf, n);
    size_t got = 0;
    while (got < n) {
      const size_t piece = std::min<size_t>(n - got, size_t(1) << 18);
      const size_t k = in_.read(buf + got, piece);
      progress_->add(k);
      got += k;
      if (k < piece) break;  // the end of the input
    }
    return got;
  }

  // Not counted: the progress line follows read() and skip(), the stream's own pace (the
  // readers at offsets skip the stream past what they read, in order).
  std::optional<size_t> read_at(uint64_t offset, uint8_t* buf, size_t n) override {
    return in_.read_at(offset, buf, n);
  }
  std::optional<View> view_rest() override { return in_.view_rest(); }  // counted as skip()ped
  std::optional<uint64_t> size_left() override { return in_.size_left(); }
  uint64_t skip(uint64_t n) override {
    const uint64_t k = in_.skip(n);
    if (progress_) progress_->add(k);
    return k;
  }

 private:
  InputStream& in_;
  Progress* progress_;
};

}  // namespace rigz
