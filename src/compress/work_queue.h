// The hand-offs of the compression pipeline, written once and tested on their own:
//  - BoundedQueue: a FIFO of limited capacity (jobs waiting for a worker, free buffers);
//  - ReorderBuffer: results that finish out of order, taken strictly in sequence;
//  - Noticeboard: values that one thread posts under a number and others wait for (the
//    codec decision that a group of blocks shares).
// All can be closed, which wakes every waiter: that is how an error anywhere stops the
// whole pipeline without a hang.
#pragma once
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <new>
#include <optional>
#include <utility>

#include "io/error.h"

namespace rigz {

template <class T>
class BoundedQueue {
 public:
  explicit BoundedQueue(size_t capacity) : capacity_(capacity) {}

  // Blocks while full. Returns false (and drops the item) once the queue is closed.
  bool push(T item) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return closed_ || items_.size() < capacity_; });
    if (closed_) return false;
    items_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }

  // Puts an urgent item before the others, whatever the capacity (the caller bounds how
  // many it adds). Returns false (and drops the item) once the queue is closed.
  bool push_front(T item) {
    std::lock_guard lock(mutex_);
    if (closed_) return false;
    items_.push_front(std::move(item));
    not_empty_.notify_one();
    return true;
  }

  // Blocks while empty. Returns nothing once closed and drained.
  std::optional<T> pop() {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return closed_ || !items_.empty(); });
    if (items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return item;
  }

  // No more pushes; pops drain what is queued, then return nothing.
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    not_empty_.notify_all();
    not_full_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable not_empty_, not_full_;
  std::deque<T> items_;
  size_t capacity_;
  bool closed_ = false;
};

template <class T>
class ReorderBuffer {
 public:
  // Hands in the result with sequence number `seq` (each number once, from 0).
  void put(uint64_t seq, T item) {
    std::lock_guard lock(mutex_);
    done_.emplace(seq, std::move(item));
    if (seq == next_) ready_.notify_one();
  }

  // Blocks until result number `next` is in, and returns it; nothing once closed.
  std::optional<T> take_next() {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return closed_ || done_.count(next_); });
    if (closed_) return std::nullopt;
    auto node = done_.extract(next_++);
    return std::move(node.mapped());
  }

  // Whether take_next() would return at once.
  bool ready_next() {
    std::lock_guard lock(mutex_);
    return closed_ || done_.count(next_);
  }

  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    ready_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::map<uint64_t, T> done_;
  uint64_t next_ = 0;
  bool closed_ = false;
};

template <class T>
class Noticeboard {
 public:
  // Keeps the `keep` most recently posted numbers' values (the caller knows how far back
  // a reader can ask), so that memory does not grow with the input.
  explicit Noticeboard(size_t keep) : keep_(keep) {}

  // Posts the value of number `key` (each number once, in increasing order).
  void post(uint64_t key, T value) {
    std::lock_guard lock(mutex_);
    values_.emplace(key, std::move(value));
    while (values_.size() > keep_) values_.erase(values_.begin());
    posted_.notify_all();
  }

  // Blocks until number `key` is posted, and returns its value; nothing once closed.
  std::optional<T> wait(uint64_t key) {
    std::unique_lock lock(mutex_);
    posted_.wait(lock, [&] { return closed_ || values_.count(key); });
    if (closed_) return std::nullopt;
    return values_.at(key);
  }

  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    posted_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable posted_;
  std::map<uint64_t, T> values_;
  size_t keep_;
  bool closed_ = false;
};

// The first error of a group of threads. run() calls f, and on an exception keeps the
// first one (std::bad_alloc becomes Error::resource) and calls `stop`, which closes the
// group's queues so that every other thread wakes and ends; rethrow() then hands the
// error to the caller once the threads are joined.
class FirstError {
 public:
  template <class F, class Stop>
  void run(F&& f, Stop&& stop) {
    try {
      try {
        f();
      } catch (const std::bad_alloc&) {
        throw Error(Error::Kind::resource, "out of memory");
      }
    } catch (...) {
      {
        std::lock_guard lock(mutex_);
        if (!error_) error_ = std::current_exception();
      }
      stop();
    }
  }

  void rethrow() {
    std::lock_guard lock(mutex_);
    if (error_) std::rethrow_exception(error_);
  }

 private:
  std::mutex mutex_;
  std::exception_ptr error_;
};

}  // namespace rigz
