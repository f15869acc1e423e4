// The hand-offs of the compression pipeline, written once and tested on their own:
//  - BoundedQueue: a FIFO of limited capacity (jobs waiting for a worker, free buffers);
//  - ReorderBuffer: results that finish out of order, taken strictly in sequence;
//  - Noticeboard: values that one thread posts under a number and others wait for (the
//    codec decision that a group of blocks shares);
//  - LookaheadQueue: jobs whose cost is known only once a worker has looked at them
//    (sampled a block), handed out costliest first.
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

// Jobs in two stages: fresh ones, in order, that a worker first looks at (at levels 7-9,
// samples the block to choose its codec), and looked-at ones with a cost, which a worker
// then does (compresses), costliest first and, among equals, lowest number first. A
// worker takes a fresh job while fewer than `lookahead` looked-at ones wait, so that the
// dear ones among the next `lookahead` start before cheap ones in front of them; with
// `lookahead` 0 every job is done right after it is looked at, in order (a FIFO).
template <class T>
class LookaheadQueue {
 public:
  struct Task {
    T item;
    bool looked_at;  // false: look at it and call looked_at(); true: do it
  };

  explicit LookaheadQueue(size_t lookahead) : lookahead_(lookahead) {}

  // A fresh job. Returns false (and drops it) once the queue is closed.
  bool push(T item) {
    std::lock_guard lock(mutex_);
    if (closed_) return false;
    fresh_.push_back(std::move(item));
    changed_.notify_one();
    return true;
  }

  // Blocks until there is something to take. Returns nothing once closed, drained, and
  // no job taken fresh is still being looked at (it may come back to be done).
  std::optional<Task> pop() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return aborted_ || !fresh_.empty() || !ready_.empty() || (closed_ && looking_ == 0); });
    if (aborted_) return std::nullopt;
    if (!fresh_.empty() && (ready_.size() < lookahead_ || ready_.empty())) {
      ++looking_;
      T item = std::move(fresh_.front());
      fresh_.pop_front();
      return Task{std::move(item), false};
    }
    if (ready_.empty()) return std::nullopt;
    // Taking the last job can be what ends a closed queue: the other idle workers, whom no
    // hand-back will wake, are told here (a block cut into pieces at -p 8 hung without it).
    return Task{wake_if_done(take_costliest()), true};
  }

  // Hands back a job taken fresh, with its cost and number (unique among the jobs
  // waiting: the lower goes first among equal costs). Returns the job that the
  // caller should do now, if any: this one where it is `urgent` and no dearer one waits
  // (a block of the dearest codec: its worker starts it at once), else the costliest
  // waiting once `lookahead` wait or no fresh job is there to look at.
  std::optional<T> looked_at(T item, unsigned cost, uint64_t seq, bool urgent) {
    std::lock_guard lock(mutex_);
    --looking_;
    if (aborted_) return std::nullopt;
    if (urgent && (ready_.empty() || cost >= ready_.begin()->first.cost)) return wake_if_done(std::move(item));
    ready_.emplace(Key{cost, seq}, std::move(item));
    if (ready_.size() > lookahead_ || fresh_.empty()) return wake_if_done(take_costliest());
    changed_.notify_one();
    return std::nullopt;
  }

  // A job to do that did not come fresh (a worker split one it looked at), with its cost
  // and number (no other job's). Returns false (and drops it) after an abort.
  bool add(T item, unsigned cost, uint64_t seq) {
    std::lock_guard lock(mutex_);
    if (aborted_) return false;
    ready_.emplace(Key{cost, seq}, std::move(item));
    changed_.notify_one();
    return true;
  }

  // Hands back a job taken fresh that needs no doing.
  void dropped() {
    std::lock_guard lock(mutex_);
    --looking_;
    if (closed_ && looking_ == 0) changed_.notify_all();
  }

  // No more fresh jobs; pops drain what is queued, then return nothing.
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    changed_.notify_all();
  }

  // An error elsewhere: every pop returns nothing from now on, and what is queued or
  // handed back is dropped (a job being looked at when its worker failed never comes back).
  void abort() {
    std::lock_guard lock(mutex_);
    closed_ = aborted_ = true;
    changed_.notify_all();
  }

 private:
  struct Key {
    unsigned cost;
    uint64_t seq;
    bool operator<(const Key& o) const { return cost != o.cost ? cost > o.cost : seq < o.seq; }
  };

  T take_costliest() {
    auto node = ready_.extract(ready_.begin());
    return std::move(node.mapped());
  }

  // The last look at or take of a job of a closed queue lets the idle workers end.
  T wake_if_done(T item) {
    if (closed_ && looking_ == 0 && fresh_.empty() && ready_.empty()) changed_.notify_all();
    return item;
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<T> fresh_;
  std::map<Key, T> ready_;
  size_t lookahead_;
  size_t looking_ = 0;  // jobs taken fresh and not yet handed back
  bool closed_ = false, aborted_ = false;
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
