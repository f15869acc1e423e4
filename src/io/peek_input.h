// An input whose first bytes can be looked at before it is read: they are read once,
// kept, and handed out again by read() before the rest of the stream.
#pragma once
#include <algorithm>
#include <cstring>
#include <vector>

#include "io/stream.h"

namespace rigz {

class PeekInput : public InputStream {
 public:
  // Reads up to `n` bytes of `in` now (fewer only at its end).
  PeekInput(InputStream& in, size_t n) : in_(in), head_(n) {
    size_t got = 0;
    while (got < n) {
      size_t k = in_.read(head_.data() + got, n - got);
      if (k == 0) break;
      got += k;
    }
    head_.resize(got);
  }
  const uint8_t* data() const { return head_.data(); }
  size_t size() const { return head_.size(); }

  size_t read(uint8_t* buf, size_t n) override {
    size_t got = 0;
    if (pos_ < head_.size()) {
      got = std::min(n, head_.size() - pos_);
      std::memcpy(buf, head_.data() + pos_, got);
      pos_ += got;
    }
    while (got < n) {  // fewer than n only at the end of input, as InputStream promises
      size_t k = in_.read(buf + got, n - got);
      if (k == 0) break;
      got += k;
    }
    return got;
  }
  // The head was read from the start of `in`, so offsets are the same in both.
  std::optional<size_t> read_at(uint64_t offset, uint8_t* buf, size_t n) override {
    return in_.read_at(offset, buf, n);
  }
  // The head was read from `in`, whose position is its end: the view starts that much
  // before (bytes before a view's position are in place too, InputStream::view_rest).
  std::optional<View> view_rest() override {
    auto v = in_.view_rest();
    if (!v) return v;
    const size_t back = head_.size() - std::min(pos_, head_.size());
    return View{v->data - back, v->size + back, v->whole, v->file};
  }
  std::optional<uint64_t> size_left() override {
    auto rest = in_.size_left();
    if (rest) *rest += head_.size() - std::min(pos_, head_.size());
    return rest;
  }
  uint64_t skip(uint64_t n) override {
    const uint64_t here = std::min<uint64_t>(n, head_.size() - std::min(pos_, head_.size()));
    pos_ += static_cast<size_t>(here);
    return here + (n > here ? in_.skip(n - here) : 0);
  }

 private:
  InputStream& in_;
  std::vector<uint8_t> head_;
  size_t pos_ = 0;
};

}  // namespace rigz
