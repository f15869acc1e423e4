// A raw deflate decoder (RFC 1951) that can start at any bit offset and stop at block
// boundaries, for the speculative parallel path (see docs/design.md). It is resumable: a
// call returns when the output buffer is full, when the input runs short (unless it is
// the last input), at the first block boundary at or past `stop_bit`, after the final
// block, or on an error; the next call continues from the returned bit offset with the
// state kept here (the current block's tables, a stored block's remaining length).
//
// Sym is uint8_t (plain bytes) or uint16_t. In the 16-bit form the caller fills the 32 KiB
// in front of the output with markers (kMarker | i: "byte i of the unknown window before
// the chunk"), and back-references copy markers like bytes; they are replaced once the
// window is known. Input is treated as hostile: every invalid code, length or distance
// is an error, never a read or write out of bounds.
#pragma once
#include <cstddef>
#include <cstdint>

#include "decompress/speculative/huffman.h"

namespace rigz::spec {

constexpr size_t kWindowSize = 32768;
constexpr uint16_t kMarker = 0x8000;
// Longest output of one symbol, and the free slots a call needs to decode one (a match
// copy writes in words of up to sixteen bytes, up to fifteen bytes past its end): it stops
// with `output_full` once fewer are left before out_cap. Size buffers with kOutputSlack spare.
constexpr size_t kMaxMatch = 258;
constexpr size_t kOutputSlack = kMaxMatch + 16;

enum class Stop {
  boundary,     // at a block header at or past stop_bit
  final_block,  // the final block ended; bit is just after it
  output_full,  // too few slots left for one more symbol (or a stored block filled the output)
  need_input,   // the input (not the last) runs short; call again with more from `bit`
  truncated,    // the last input ended inside the stream
  error,        // invalid data; `why` says what
};

struct Step {
  Stop stop;
  uint64_t bit;    // where decoding stands, counted from `in`
  size_t out_pos;  // output written up to here
  const char* why = nullptr;
};

template <class Sym>
class Inflater {
 public:
  Inflater() = default;
  Inflater(const Inflater&) = delete;  // lit_ and dist_ may point into the object
  Inflater& operator=(const Inflater&) = delete;

  // The next call starts at a block header.
  void start_at_header() {
    state_ = State::header;
    final_ = false;
  }
  // The next call starts at the LEN field of a non-final stored block (its three header
  // bits and padding precede the given byte-aligned offset).
  void start_at_stored_length() {
    state_ = State::stored_length;
    block_type_ = 0;
    final_ = false;
  }

  // Decodes from bit offset `bit` of in[0, in_size) into out[out_pos, out_cap). A
  // back-reference may reach down to out[out_floor]. `last` says no input follows in_size.
  Step run(const uint8_t* in, size_t in_size, bool last, uint64_t bit, Sym* out, size_t out_pos, size_t out_cap,
           size_t out_floor, uint64_t stop_bit);

  bool in_final_block() const { return final_; }
  // BTYPE of the block decoded last (0 stored, 1 fixed, 2 dynamic).
  unsigned block_type() const { return block_type_; }

 private:
  enum class State { header, stored_length, stored, huffman };
  State state_ = State::header;
  bool final_ = false;
  unsigned block_type_ = 0;
  uint32_t stored_left_ = 0;
  HuffmanTable own_lit_, own_dist_;
  const HuffmanTable* lit_ = nullptr;  // own_ or the fixed tables
  const HuffmanTable* dist_ = nullptr;
};

extern template class Inflater<uint8_t>;
extern template class Inflater<uint16_t>;

// The fixed Huffman tables of block type 1, built once.
const HuffmanTable& fixed_litlen_table();
const HuffmanTable& fixed_distance_table();

}  // namespace rigz::spec
