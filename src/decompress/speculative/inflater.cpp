#include "decompress/speculative/inflater.h"

#include <algorithm>
#include <cstring>

#include "decompress/speculative/bit_reader.h"
#include "decompress/speculative/dynamic_header.h"

namespace rigz::spec {
namespace {

// Margins that let the decoder run without bounds checks: every symbol is decoded with a
// full 8-byte refill, and a block header needs well under 1 KiB (14 + 19 * 3 + 316 * 14
// bits at most).
constexpr size_t kSymbolMargin = 8;
constexpr size_t kHeaderMargin = 1024;

}  // namespace

const HuffmanTable& fixed_litlen_table() {
  static const HuffmanTable table = [] {
    uint8_t len[288];
    std::fill(len, len + 144, 8);
    std::fill(len + 144, len + 256, 9);
    std::fill(len + 256, len + 280, 7);
    std::fill(len + 280, len + 288, 8);
    HuffmanTable t;
    t.build(Alphabet::litlen, len, 288);
    return t;
  }();
  return table;
}

const HuffmanTable& fixed_distance_table() {
  static const HuffmanTable table = [] {
    uint8_t len[32];
    std::fill(len, len + 32, 5);
    HuffmanTable t;
    t.build(Alphabet::distance, len, 32);
    return t;
  }();
  return table;
}

template <class Sym>
Step Inflater<Sym>::run(const uint8_t* in, size_t in_size, bool last, uint64_t bit, Sym* out, size_t out_pos,
                        size_t out_cap, size_t out_floor, uint64_t stop_bit) {
  BitReader br(in, in_size, bit);
  size_t o = out_pos;
  const uint64_t in_bits = static_cast<uint64_t>(in_size) * 8;
  auto done = [&](Stop s, const char* why = nullptr) {
    // Bits consumed past the end of the last input mean a truncated stream, whatever
    // the decoder made of the zero padding.
    if (br.position() > in_bits && s != Stop::need_input) return Step{Stop::truncated, br.position(), o, nullptr};
    return Step{s, br.position(), o, why};
  };
  // A safe point to return need_input: nothing of the next item has been consumed.
  auto short_input = [&](size_t margin) { return !last && br.left() < margin; };

  for (;;) {
    switch (state_) {
      case State::header: {
        if (final_) return done(Stop::final_block);
        if (br.position() >= stop_bit) return done(Stop::boundary);
        if (short_input(kHeaderMargin)) return done(Stop::need_input);
        if (br.position() > in_bits) return done(Stop::truncated);
        const uint64_t b = br.peek();
        final_ = b & 1;
        const unsigned type = (b >> 1) & 3;
        block_type_ = type;
        br.skip(3);
        if (type == 0) {
          br.align_and_rewind();
          state_ = State::stored_length;
        } else if (type == 1) {
          lit_ = &fixed_litlen_table();
          dist_ = &fixed_distance_table();
          state_ = State::huffman;
        } else if (type == 2) {
          if (const char* why = read_dynamic_tables(br, &own_lit_, &own_dist_, false)) return done(Stop::error, why);
          lit_ = &own_lit_;
          dist_ = &own_dist_;
          state_ = State::huffman;
        } else {
          return done(Stop::error, "invalid block type");
        }
        break;
      }
      case State::stored_length: {
        if (short_input(4)) return done(Stop::need_input);
        br.align_and_rewind();  // a no-op after a header; needed after a resumption
        const uint64_t b = br.peek();
        const uint32_t len = b & 0xffff, nlen = (b >> 16) & 0xffff;
        br.skip(32);
        if (br.position() > in_bits) return done(Stop::truncated);
        if (len != (~nlen & 0xffff)) return done(Stop::error, "invalid stored block lengths");
        br.align_and_rewind();
        stored_left_ = len;
        state_ = State::stored;
        break;
      }
      case State::stored: {
        br.align_and_rewind();
        const size_t n = std::min<size_t>({stored_left_, br.left(), out_cap - o});
        for (size_t i = 0; i < n; ++i) out[o + i] = br.p[i];  // a widening copy for Sym = uint16_t
        br.p += n;
        o += n;
        stored_left_ -= static_cast<uint32_t>(n);
        if (stored_left_ == 0) {
          state_ = State::header;
        } else if (o == out_cap) {
          return done(Stop::output_full);
        } else {
          return done(last ? Stop::truncated : Stop::need_input);
        }
        break;
      }
      case State::huffman: {
        const HuffmanTable& lit = *lit_;
        const HuffmanTable& dist = *dist_;
        // The loop works on a copy of the bit reader that lives in registers: `br` itself
        // is passed by reference to read_dynamic_tables(), so the compiler keeps it in
        // memory, and reloads it after every byte stored to `out` (a uint8_t store may
        // alias it). `stop` leaves the loop with br updated.
        BitReader b = br;
        auto stop = [&](Stop s, const char* why = nullptr) {
          br = b;
          return done(s, why);
        };
        for (;;) {
          if (b.left() < kSymbolMargin) {
            if (!last) return stop(Stop::need_input);
            if (b.position() > in_bits) return stop(Stop::truncated);
          }
          if (o + kOutputSlack > out_cap) return stop(Stop::output_full);
          b.refill();
          uint32_t e = lit.lookup(b.buf);
          b.skip(entry_bits(e));
          const Kind kind = entry_kind(e);
          if (kind == Kind::literal) {
            out[o++] = static_cast<Sym>(entry_value(e));
            continue;
          }
          if (kind == Kind::end_of_block) break;
          if (kind == Kind::invalid) return stop(Stop::error, "invalid literal/length code");
          unsigned extra = entry_extra(e);
          const size_t length = entry_value(e) + (b.buf & ((uint64_t(1) << extra) - 1));
          b.skip(extra);
          e = dist.lookup(b.buf);
          b.skip(entry_bits(e));
          if (entry_kind(e) != Kind::copy) return stop(Stop::error, "invalid distance code");
          extra = entry_extra(e);
          const size_t distance = entry_value(e) + (b.buf & ((uint64_t(1) << extra) - 1));
          b.skip(extra);
          if (distance > o - out_floor) return stop(Stop::error, "invalid distance too far back");
          Sym* dst = out + o;
          const Sym* src = dst - distance;
          uint8_t* d = reinterpret_cast<uint8_t*>(dst);
          const uint8_t* s8 = reinterpret_cast<const uint8_t*>(src);
          const size_t bytes = distance * sizeof(Sym);
          if (bytes >= 16) {
            // Sixteen bytes at a time, or eight where the match is nearer; each word reads
            // from at least its own size back, so an overlapping copy still repeats the
            // pattern. It may write up to fifteen bytes past the match (kOutputSlack keeps
            // that inside the buffer).
            for (size_t i = 0; i < length * sizeof(Sym); i += 16) std::memcpy(d + i, s8 + i, 16);
          } else if (bytes >= 8) {
            for (size_t i = 0; i < length * sizeof(Sym); i += 8) std::memcpy(d + i, s8 + i, 8);
          } else {
            for (size_t i = 0; i < length; ++i) dst[i] = src[i];  // a short repeating pattern
          }
          o += length;
        }
        br = b;
        state_ = State::header;
        break;
      }
    }
  }
}

template class Inflater<uint8_t>;
template class Inflater<uint16_t>;

}  // namespace rigz::spec
