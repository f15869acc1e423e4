#include "decompress/speculative/isal_span.h"

#include <algorithm>

namespace rigz::spec {

const uint8_t* IsalSpan::begin(const uint8_t* in, size_t size, uint64_t bit, const uint8_t* dict, size_t dict_len) {
  if (bit > uint64_t(size) * 8 || (bit % 8 && bit / 8 >= size)) return nullptr;
  isal_inflate_init(state_.get());
  state_->crc_flag = ISAL_DEFLATE;
  if (dict_len) isal_inflate_set_dict(state_.get(), const_cast<uint8_t*>(dict), static_cast<uint32_t>(dict_len));
  const uint8_t* p = in + bit / 8;
  if (bit % 8) {
    // The rest of the partial byte goes into ISA-L's bit buffer.
    state_->read_in = *p >> (bit % 8);
    state_->read_in_length = static_cast<int32_t>(8 - bit % 8);
    ++p;
  }
  return p;
}

int IsalSpan::feed(const uint8_t* next, size_t avail, uint8_t* out, size_t out_len) {
  state_->next_in = const_cast<uint8_t*>(next);
  state_->avail_in = static_cast<uint32_t>(std::min<size_t>(avail, UINT32_MAX));
  state_->next_out = out;
  state_->avail_out = static_cast<uint32_t>(std::min<size_t>(out_len, UINT32_MAX));
  const int ret = isal_inflate(state_.get());
  consumed_ = static_cast<size_t>(state_->next_in - next);
  produced_ = static_cast<size_t>(state_->next_out - out);
  return ret;
}

}  // namespace rigz::spec
