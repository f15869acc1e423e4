#include "io/progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

namespace rigz {
namespace {

constexpr auto kTick = std::chrono::milliseconds(250);  // at most four redraws a second
constexpr auto kSpeedWindow = std::chrono::seconds(5);  // the speed is that of the last 5 s

// The fd of the progress line on the screen, or -1 (for the signal handlers).
std::atomic<int> g_line_fd{-1};
static_assert(std::atomic<int>::is_always_lock_free);

std::string human(double bytes) {
  static const char* const kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  char buf[32];
  if (bytes < 1024) {
    std::snprintf(buf, sizeof buf, "%.0f B", bytes);
    return buf;
  }
  int u = -1;
  do {
    bytes /= 1024;
    ++u;
  } while (bytes >= 1024 && u < 5);
  std::snprintf(buf, sizeof buf, "%.1f %s", bytes, kUnits[u]);
  return buf;
}

void write_all(int fd, const std::string& s) {
  const char* p = s.data();
  size_t n = s.size();
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return;  // the progress line is not worth an error
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
}

}  // namespace

void end_progress_line_from_signal() {
  const int fd = g_line_fd.exchange(-1);
  if (fd >= 0) (void)!::write(fd, "\n", 1);
}

Progress::Progress(int fd, std::string label, uint64_t total, std::chrono::milliseconds delay)
    : fd_(fd), label_(std::move(label)), total_(total), delay_(delay), start_(Clock::now()) {
  thread_ = std::thread([this] { loop(); });
}

Progress::~Progress() { finish(); }

void Progress::finish() {
  {
    std::lock_guard<std::mutex> lock(m_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (drawn_) {
    g_line_fd.store(-1);
    std::string blank(drawn_ + 2, ' ');
    blank.front() = blank.back() = '\r';
    write_all(fd_, blank);
    drawn_ = 0;
  }
}

std::string Progress::describe(uint64_t done, uint64_t total, double rate) {
  char buf[64];
  std::string s;
  if (total > 0) {
    std::snprintf(buf, sizeof buf, "%.1f%% ",
                  std::min(100.0, 100.0 * static_cast<double>(done) / static_cast<double>(total)));
    s = buf + human(static_cast<double>(done)) + " of " + human(static_cast<double>(total));
  } else {
    s = human(static_cast<double>(done));
  }
  if (rate >= 0) s += ", " + human(rate) + "/s";
  if (total > 0 && rate > 0 && done < total) {
    const auto left = static_cast<unsigned long long>(static_cast<double>(total - done) / rate + 0.5);
    if (left >= 3600)
      std::snprintf(buf, sizeof buf, ", %llu:%02llu:%02llu left", left / 3600, left / 60 % 60, left % 60);
    else
      std::snprintf(buf, sizeof buf, ", %llu:%02llu left", left / 60, left % 60);
    s += buf;
  }
  return s;
}

void Progress::loop() {
  std::unique_lock<std::mutex> lock(m_);
  for (;;) {
    const auto now = Clock::now();
    samples_.emplace_back(now, done_.load(std::memory_order_relaxed));
    while (samples_.size() > 2 && now - samples_[1].first >= kSpeedWindow) samples_.pop_front();
    if (now - start_ >= delay_) draw();
    if (cv_.wait_for(lock, kTick, [this] { return stop_; })) return;
  }
}

void Progress::draw() {
  const auto& [t0, d0] = samples_.front();
  const auto& [t1, d1] = samples_.back();
  const double seconds = std::chrono::duration<double>(t1 - t0).count();
  const double rate = seconds >= 0.2 ? static_cast<double>(d1 - d0) / seconds : -1;
  std::string text = describe(d1, total_, rate);
  size_t width = 80;
  struct winsize ws;
  if (ioctl(fd_, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) width = ws.ws_col;
  width = width > 1 ? width - 1 : 1;  // the last column would wrap on some terminals
  std::string label = label_;
  if (label.size() + 2 + text.size() > width) {  // shorten the name from its start
    const size_t room = width > text.size() + 2 + 3 ? width - text.size() - 2 : 3;
    label = label.size() > room ? "..." + label.substr(label.size() - (room > 3 ? room - 3 : 0)) : label;
  }
  std::string line = "\r";
  line.append(label).append(": ").append(text);
  if (line.size() > width + 1) line.resize(width + 1);
  const size_t shown = line.size() - 1;
  if (drawn_ > shown) line.append(drawn_ - shown, ' ');
  drawn_ = std::max(drawn_, shown);
  write_all(fd_, line);
  g_line_fd.store(fd_);
}

}  // namespace rigz
