// A refillable window over an input stream: the bytes not yet consumed stay in place
// while more are read behind them (the buffer grows only when they fill it, as a long
// header field or a large member can). Where the stream's bytes can be read in place
// (InputStream::view_rest: a mapped file), the window is a view of them instead of a
// buffer: refill() extends it over the next `size` bytes and moves the stream past them,
// and nothing is copied. Once the view is used up, a file that grew since goes on in the
// buffer.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <optional>

#include "io/big_buffer.h"
#include "io/file_map.h"
#include "io/stream.h"

namespace rigz {

class InputWindow {
 public:
  explicit InputWindow(InputStream& in, size_t size = size_t(1) << 20) : in_(in), capacity_(size) {
    if (auto v = in.view_rest()) {
      base_ = v->data;
      view_end_ = static_cast<size_t>(std::min<uint64_t>(v->size, SIZE_MAX));
      view_whole_ = v->whole;
      view_file_ = v->file;
      eof_ = view_whole_ && view_end_ == 0;
    } else {
      buf_ = make_big_array<uint8_t>(size);
      base_ = buf_.get();
    }
  }
  const uint8_t* data() const { return base_ + pos_; }
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
    const uint64_t skipped = in_.skip(n - here);
    consumed_ += skipped;
    if (skipped < n - here) eof_ = true;
    if (!viewing()) {
      pos_ = end_ = 0;
    } else if (skipped <= view_end_ - end_) {
      pos_ = end_ += static_cast<size_t>(skipped);
    } else {  // past the view, into what the file grew by since
      pos_ = end_ = view_end_;
      leave_view();
    }
    return !eof_;
  }

  // Reads more input behind the unconsumed bytes. Returns false at end of input.
  bool refill() {
    if (eof_) return false;
    if (viewing()) {
      if (end_ < view_end_) return extend_view();
      leave_view();  // the end of the view: the file may have grown since
    }
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

  // Whether consumed bytes stay where data() showed them, for as long as the stream lives
  // (a view: nothing is moved or freed), so that they can be used without a copy.
  bool in_place() const { return viewing(); }

  // Whether the input has ended: all that is left of it is in the window.
  bool ended() const { return eof_; }

  // How many bytes are left to consume, where the stream knows its length (a regular file,
  // memory): those in the window and those the stream has yet to give.
  std::optional<uint64_t> bytes_left() const {
    const std::optional<uint64_t> rest = in_.size_left();
    if (!rest) return std::nullopt;
    return size() + *rest;
  }

  // Puts n bytes back in front of the unconsumed ones (bytes that were consumed but are
  // to be read again: the trailer ISA-L had buffered, members handed back by the
  // parallel path).
  void unread(const uint8_t* bytes, size_t n) {
    if (viewing() && n <= pos_ &&
        (bytes == base_ + pos_ - n || n == 0 || std::memcmp(base_ + pos_ - n, bytes, n) == 0)) {
      pos_ -= n;  // the bytes just before: always so, as far as rigz unreads
      consumed_ -= n;
      return;
    }
    if (viewing()) leave_view();
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
  bool viewing() const { return buf_ == nullptr; }

  // Takes up to `capacity_` more bytes of the view into the window.
  bool extend_view() {
    const size_t step = std::min(capacity_, view_end_ - end_);
    const uint64_t got = in_.skip(step);
    end_ += static_cast<size_t>(got);
    if (got < step) view_end_ = end_, eof_ = true;  // the file shrank: its end is here
    if (end_ == view_end_ && view_whole_) eof_ = true;
    // The pages well behind the window leave the resident set (FileMap::release). Not
    // those just behind: bytes are unread, and the indexed-member path's jobs inflate
    // members it consumed a pool's worth ago (2 MiB each) straight from the view.
    if (view_file_ && pos_ > released_ + kReleaseLag + kReleaseStep) {
      FileMap::release(base_ + released_, base_ + pos_ - kReleaseLag);
      released_ = pos_ - kReleaseLag;
    }
    return got > 0;
  }

  // Goes on in a buffer: the unconsumed bytes of the view are copied into one.
  void leave_view() {
    const size_t left = end_ - pos_;
    BigArray<uint8_t> buf = make_big_array<uint8_t>(std::max(capacity_, 2 * left));
    if (left > 0) std::memcpy(buf.get(), base_ + pos_, left);
    capacity_ = std::max(capacity_, 2 * left);
    buf_.swap(buf);
    base_ = buf_.get();
    pos_ = 0;
    end_ = left;
  }

  // A buffer of `capacity` with the unconsumed bytes moved to offset `at`.
  void regrow(size_t capacity, size_t at) {
    BigArray<uint8_t> grown = make_big_array<uint8_t>(capacity);
    if (end_ > pos_) std::memcpy(grown.get() + at, base_ + pos_, end_ - pos_);
    end_ = at + (end_ - pos_);
    pos_ = at;
    buf_.swap(grown);
    base_ = buf_.get();
    capacity_ = capacity;
  }

  InputStream& in_;
  BigArray<uint8_t> buf_;    // not zeroed: only the pages that reads fill are touched; none while viewing
  const uint8_t* base_;      // buf_, or the view (offset 0 = where the stream stood at the start)
  size_t view_end_ = 0;      // the view's size
  bool view_whole_ = false;  // nothing follows the view (InputStream::View::whole)
  bool view_file_ = false;   // the view is a file's mapping (InputStream::View::file)
  size_t released_ = 0;      // the view's pages before this offset were released
  static constexpr size_t kReleaseLag = size_t(16) << 20, kReleaseStep = size_t(4) << 20;
  size_t capacity_;
  size_t pos_ = 0, end_ = 0;
  uint64_t consumed_ = 0;
  bool eof_ = false;
};

// The rest of a window as a stream, for a reader that takes one after another has read
// from the window (the gzip loop after a pack stream, the .Z decoder after a member).
class WindowRest : public InputStream {
 public:
  explicit WindowRest(InputWindow& r) : r_(r) {}
  size_t read(uint8_t* buf, size_t n) override {
    size_t got = 0;
    while (got < n && (r_.size() > 0 || r_.refill())) {
      const size_t k = std::min(n - got, r_.size());
      std::memcpy(buf + got, r_.data(), k);
      r_.consume(k);
      got += k;
    }
    return got;
  }

 private:
  InputWindow& r_;
};

}  // namespace rigz
