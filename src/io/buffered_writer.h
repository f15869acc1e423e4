// Output in large buffers, written either on the caller's thread or, when threaded, on a
// writer thread of its own so that producing the next buffer (inflating) overlaps with
// the write() of the last one. The caller fills acquire()'s buffer and submit()s it, or
// hands over bytes of its own with submit_external() and keeps them until written().
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>

#include "compress/work_queue.h"
#include "io/big_buffer.h"
#include "io/stream.h"

namespace rigz {

// One of the writer's buffers: `size()` bytes to fill, not zeroed (io/big_buffer.h).
class OutBuffer {
 public:
  explicit OutBuffer(size_t size) : bytes_(make_big_array<uint8_t>(size)), size_(size) {}
  uint8_t* data() { return bytes_.get(); }
  const uint8_t* data() const { return bytes_.get(); }
  size_t size() const { return size_; }
  uint8_t& operator[](size_t i) { return bytes_[i]; }

 private:
  BigArray<uint8_t> bytes_;
  size_t size_;
};

class BufferedWriter {
 public:
  BufferedWriter(OutputStream& out, size_t buffer_size, bool threaded)
      : out_(out), free_(kBuffers), full_(kBuffers + kExternal), threaded_(threaded) {
    for (size_t i = 0; i < (threaded ? kBuffers : 1); ++i) buffers_.emplace_back(buffer_size);
    for (auto& b : buffers_) free_.push(&b);
    if (threaded) writer_ = std::thread([this] { write_loop(); });
  }
  ~BufferedWriter() { stop(); }

  // A free buffer to fill (its size() is the capacity). Throws the writer's error.
  OutBuffer& acquire() {
    auto b = free_.pop();
    rethrow();
    current_ = *b;
    return *current_;
  }

  // Hands the first `len` bytes of the acquired buffer to be written.
  void submit(size_t len) {
    if (!threaded_) {
      out_.write(current_->data(), len);
      free_.push(current_);
      return;
    }
    {
      std::lock_guard lock(mutex_);
      ++pending_;
    }
    full_.push({current_, nullptr, len, nullptr});
    rethrow();
  }

  // Queues `len` bytes at `data`, which the caller owns, to be written after everything
  // submitted before: no copy. They must stay unchanged until written(ticket), ticket
  // being what this returns. With `ready`, the writer waits for it to turn true before it
  // writes them (someone else is still filling them); unthreaded, they are written at
  // once, and `ready` must be true already.
  uint64_t submit_external(const uint8_t* data, size_t len, const std::atomic<bool>* ready = nullptr) {
    ++submitted_;
    if (!threaded_) {
      out_.write(data, len);
      std::lock_guard lock(mutex_);
      written_ = submitted_;
      return submitted_;
    }
    {
      std::lock_guard lock(mutex_);
      ++pending_;
    }
    full_.push({nullptr, data, len, ready});
    rethrow();
    return submitted_;
  }

  // Whether what submit_external() gave `ticket` for has been written; waits for it when
  // `wait`. Throws the writer's error.
  bool written(uint64_t ticket, bool wait) {
    std::unique_lock lock(mutex_);
    if (wait) idle_.wait(lock, [&] { return written_ >= ticket || error_; });
    if (error_) std::rethrow_exception(error_);
    return written_ >= ticket;
  }

  bool threaded() const { return threaded_; }

  // Waits until everything submitted is written (before someone else writes to the
  // same output); throws the writer's error.
  void flush() {
    std::unique_lock lock(mutex_);
    idle_.wait(lock, [&] { return pending_ == 0 || error_; });
    if (error_) std::rethrow_exception(error_);
  }

  // Waits until everything submitted is written; throws the writer's error.
  void finish() {
    stop();
    rethrow();
  }

 private:
  static constexpr size_t kBuffers = 3;
  static constexpr size_t kExternal = 64;  // external items queued before submit_external() waits

  void write_loop() {
    while (auto item = full_.pop()) {
      try {
        if (item->ready) item->ready->wait(false, std::memory_order_acquire);
        out_.write(item->buffer ? item->buffer->data() : item->external, item->len);
      } catch (...) {
        std::lock_guard lock(mutex_);
        error_ = std::current_exception();
        free_.close();  // wakes the producer, which then sees the error
        idle_.notify_all();
        return;
      }
      if (item->buffer) free_.push(item->buffer);
      std::lock_guard lock(mutex_);
      if (!item->buffer) ++written_;  // external items are written in the order of their tickets
      --pending_;
      idle_.notify_all();
    }
  }

  void stop() {
    full_.close();
    if (writer_.joinable()) writer_.join();
  }

  void rethrow() {
    std::lock_guard lock(mutex_);
    if (error_) std::rethrow_exception(error_);
  }

  OutputStream& out_;
  std::deque<OutBuffer> buffers_;  // a deque: the queues hold pointers into it
  BoundedQueue<OutBuffer*> free_;
  struct Item {
    OutBuffer* buffer;        // one of buffers_, or
    const uint8_t* external;  // the caller's bytes (submit_external)
    size_t len;
    const std::atomic<bool>* ready;  // external bytes: written once this is true
  };
  BoundedQueue<Item> full_;
  OutBuffer* current_ = nullptr;
  bool threaded_;
  std::thread writer_;
  std::mutex mutex_;
  std::condition_variable idle_;
  size_t pending_ = 0;                    // submitted, not yet written
  uint64_t submitted_ = 0, written_ = 0;  // submit_external() calls made and written
  std::exception_ptr error_;
};

}  // namespace rigz
