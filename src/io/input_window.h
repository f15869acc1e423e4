// A refillable window over an input stream: the bytes not yet consumed stay in place
// while more are read behind them (the buffer grows only when they fill it, as a long
// header field or a large member can).
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>

#include "io/big_buffer.h"
#include "io/stream.h"

namespace rigz {

class InputWindow {
 public:
  explicit InputWindow(InputStream& in, size_t size = size_t(1) << 20)
      : in_(in), buf_(make_big_array<uint8_t>(size)), capacity_(size) {}
  const uint8_t* data() const { return buf_.get() + pos_; }
  size_t size() const { return end_ - pos_; }
  void consume(size_t n) {
    pos_ += n;
    consumed_ += n;
  }
  uint64_t consumed() const { return consumed_; }  // the stream offset of data()
  InputStream& source() const { return in_; }

  // Consumes n bytes, also past what is read: those the source skips (a regular file
  // seeks) without their being read here. Returns false when the input ends first.
  bool skip(uint64_t n) {
    const size_t here = static_cast<size_t>(std::min<uint64_t>(n, size()));
    consume(here);
    if (n == here) return true;
    pos_ = end_ = 0;
    const uint64_t skipped = in_.skip(n - here);
    consumed_ += skipped;
    if (skipped < n - here) eof_ = true;
    return !eof_;
  }

  // Reads more input behind the unconsumed bytes. Returns false at end of input.
  bool refill() {
    if (eof_) return false;
    if (pos_ > 0) {
      std::memmove(buf_.get(), buf_.get() + pos_, end_ - pos_);
      end_ -= pos_;
      pos_ = 0;
    }
    if (end_ == capacity_) regrow(capacity_ * 2, 0);
    const size_t room = capacity_ - end_;
    const size_t got = in_.read(buf_.get() + end_, room);
    if (got < room) eof_ = true;  // a short read is the end (InputStream::read)
    end_ += got;
    return got > 0;
  }

  // Whether the input has ended: all that is left of it is in the window.
  bool ended() const { return eof_; }

  // Puts n bytes back in front of the unconsumed ones (bytes that were consumed but are
  // to be read again: the trailer ISA-L had buffered, members handed back by the
  // parallel path).
  void unread(const uint8_t* bytes, size_t n) {
    if (n > pos_) regrow(n + (end_ - pos_) + capacity_, n);
    pos_ -= n;
    std::memcpy(buf_.get() + pos_, bytes, n);
    consumed_ -= n;
  }

  // Makes at least n bytes available (fewer only at end of input).
  bool ensure(size_t n) {
    while (size() < n)
      if (!refill()) return false;
    return true;
  }

 private:
  // A buffer of `capacity` with the unconsumed bytes moved to offset `at`.
  void regrow(size_t capacity, size_t at) {
    BigArray<uint8_t> grown = make_big_array<uint8_t>(capacity);
    std::memcpy(grown.get() + at, buf_.get() + pos_, end_ - pos_);
    end_ = at + (end_ - pos_);
    pos_ = at;
    buf_.swap(grown);
    capacity_ = capacity;
  }

  InputStream& in_;
  BigArray<uint8_t> buf_;  // not zeroed: only the pages that reads fill are touched
  size_t capacity_;
  size_t pos_ = 0, end_ = 0;
  uint64_t consumed_ = 0;
  bool eof_ = false;
};

}  // namespace rigz
