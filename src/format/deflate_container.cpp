#include "format/deflate_container.h"

#include <zlib.h>

#include <algorithm>
#include <climits>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "format/crc32.h"
#include "format/zlib_format.h"
#include "io/error.h"
#include "io/input_window.h"

namespace rigz {
namespace {

constexpr size_t kDictSize = 32768;
constexpr size_t kDefaultBlock = 128 * 1024;

[[noreturn]] void corrupt(const char* why) { throw Error(Error::Kind::data, why); }

// ---- compression

// A zlib raw deflate state, one per worker.
struct Deflater {
  z_stream zs = {};
  Deflater(int level, int strategy) {
    if (deflateInit2(&zs, level, Z_DEFLATED, -15, 8, strategy) != Z_OK)
      throw Error(Error::Kind::resource, "cannot start zlib's deflate");
  }
  ~Deflater() { deflateEnd(&zs); }
  Deflater(const Deflater&) = delete;
  Deflater& operator=(const Deflater&) = delete;
};

// One block: its input after up to 32 KiB of dictionary (the end of the data before it),
// and what it compresses to.
struct Block {
  std::vector<uint8_t> buf;  // [dictionary | data]
  size_t dict = 0, len = 0;
  bool last = false;
  std::vector<uint8_t> out;
  uint32_t check = 0;
  bool done = false;
  std::exception_ptr error;
  const uint8_t* data() const { return buf.data() + dict; }
};

class ChainedDeflate {
 public:
  ChainedDeflate(const ContainerCompressOptions& o, bool adler)
      : level_(std::clamp(o.level, 0, 9)),
        strategy_(o.strategy),
        independent_(o.independent),
        adler_(adler),
        block_size_(o.block_size ? std::max(o.block_size, kDictSize) : kDefaultBlock),
        threads_(std::max(1u, o.threads)),
        depth_(threads_ == 1 ? 1 : 2 * threads_) {}

  ~ChainedDeflate() {
    {
      std::lock_guard<std::mutex> lock(m_);
      stop_ = true;
    }
    work_cv_.notify_all();
    for (auto& t : workers_) t.join();
  }

  // Compresses `in` to its end; the deflate stream goes to `out` in order.
  void run(InputStream& in, OutputStream& out, ContainerResult& r) {
    if (threads_ > 1)
      for (unsigned i = 0; i < threads_; ++i) workers_.emplace_back([this] { work(); });
    Block* cur = acquire(out, r);
    cur->dict = 0;
    cur->len = read_full(in, cur->buf.data(), block_size_);
    for (;;) {
      Block* next = acquire(out, r);
      const size_t have = cur->dict + cur->len;
      next->dict = std::min(kDictSize, have);
      std::memcpy(next->buf.data(), cur->buf.data() + have - next->dict, next->dict);
      next->len = read_full(in, next->buf.data() + next->dict, block_size_);
      cur->last = next->len == 0;
      submit(cur);
      if (cur->last) {
        free_.push_back(next);
        break;
      }
      cur = next;
    }
    while (!inflight_.empty()) collect(out, r);
  }

 private:
  static size_t read_full(InputStream& in, uint8_t* buf, size_t n) {
    size_t got = 0;
    while (got < n) {
      size_t k = in.read(buf + got, n - got);
      if (k == 0) break;
      got += k;
    }
    return got;
  }

  // A free block, after writing the oldest one in flight if the pipeline is full.
  Block* acquire(OutputStream& out, ContainerResult& r) {
    while (inflight_.size() >= depth_) collect(out, r);
    if (free_.empty()) {
      blocks_.push_back(std::make_unique<Block>());
      blocks_.back()->buf.resize(kDictSize + block_size_);
      free_.push_back(blocks_.back().get());
    }
    Block* b = free_.back();
    free_.pop_back();
    b->done = false;
    b->error = nullptr;
    b->last = false;
    return b;
  }

  void submit(Block* b) {
    inflight_.push_back(b);
    if (threads_ == 1) {
      if (!inline_) inline_ = std::make_unique<Deflater>(level_, strategy_);
      compress(*inline_, *b);
      b->done = true;
      return;
    }
    {
      std::lock_guard<std::mutex> lock(m_);
      queue_.push_back(b);
    }
    work_cv_.notify_one();
  }

  // Waits for the oldest block in flight and writes it.
  void collect(OutputStream& out, ContainerResult& r) {
    Block* b = inflight_.front();
    {
      std::unique_lock<std::mutex> lock(m_);
      done_cv_.wait(lock, [b] { return b->done; });
    }
    inflight_.pop_front();
    free_.push_back(b);
    if (b->error) std::rethrow_exception(b->error);
    out.write(b->out.data(), b->out.size());
    r.out_bytes += b->out.size();
    if (adler_)
      r.check = static_cast<uint32_t>(adler32_combine64(r.check, b->check, static_cast<z_off64_t>(b->len)));
    else
      r.check = crc32_combine(r.check, b->check, b->len);
    r.in_bytes += b->len;
  }

  void work() {
    std::unique_ptr<Deflater> d;
    for (;;) {
      Block* b;
      {
        std::unique_lock<std::mutex> lock(m_);
        work_cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
        if (stop_) return;
        b = queue_.front();
        queue_.pop_front();
      }
      try {
        if (!d) d = std::make_unique<Deflater>(level_, strategy_);
        compress(*d, *b);
      } catch (...) {
        b->error = std::current_exception();
      }
      {
        std::lock_guard<std::mutex> lock(m_);
        b->done = true;
      }
      done_cv_.notify_all();
    }
  }

  void compress(Deflater& d, Block& b) const {
    z_stream& zs = d.zs;
    deflateReset(&zs);
    if (b.dict && !independent_) deflateSetDictionary(&zs, b.buf.data(), static_cast<uInt>(b.dict));
    b.out.resize(deflateBound(&zs, static_cast<uLong>(b.len)) + 64);
    zs.next_in = const_cast<uint8_t*>(b.data());
    zs.avail_in = static_cast<uInt>(b.len);
    zs.next_out = b.out.data();
    zs.avail_out = static_cast<uInt>(b.out.size());
    const int flush = b.last ? Z_FINISH : Z_SYNC_FLUSH;
    for (;;) {
      int ret = deflate(&zs, flush);
      if (ret == Z_STREAM_ERROR) throw Error(Error::Kind::resource, "zlib's deflate failed");
      if (b.last ? ret == Z_STREAM_END : zs.avail_in == 0 && zs.avail_out != 0) break;
      const size_t used = b.out.size() - zs.avail_out;
      b.out.resize(b.out.size() * 2);
      zs.next_out = b.out.data() + used;
      zs.avail_out = static_cast<uInt>(b.out.size() - used);
    }
    b.out.resize(b.out.size() - zs.avail_out);
    b.check = adler_ ? static_cast<uint32_t>(adler32(1, b.data(), static_cast<uInt>(b.len)))
                     : crc32_update(0, b.data(), b.len);
  }

  const int level_, strategy_;
  const bool independent_, adler_;
  const size_t block_size_;
  const unsigned threads_;
  const size_t depth_;
  std::vector<std::unique_ptr<Block>> blocks_;
  std::vector<Block*> free_;
  std::deque<Block*> inflight_;
  std::unique_ptr<Deflater> inline_;  // with one thread, blocks are compressed by the caller
  std::mutex m_;
  std::condition_variable work_cv_, done_cv_;
  std::deque<Block*> queue_;
  bool stop_ = false;
  std::vector<std::thread> workers_;  // last: joined (in the destructor) before the rest goes
};

// ---- decompression

// Reads the rest of `r`; returns whether it was all zeros.
bool drain_zeros(InputWindow& r) {
  bool zeros = true;
  do {
    if (zeros && std::any_of(r.data(), r.data() + r.size(), [](uint8_t b) { return b != 0; })) zeros = false;
    r.consume(r.size());
  } while (r.refill());
  return zeros;
}

struct Inflated {
  uint64_t in = 0, out = 0;
  uint32_t check = 0;
};

// Inflates one raw deflate stream from `r` to `out`, updating the check value.
Inflated inflate_raw(InputWindow& r, OutputStream& out, bool adler) {
  struct Stream {
    z_stream zs = {};
    Stream() {
      if (inflateInit2(&zs, -15) != Z_OK) throw Error(Error::Kind::resource, "cannot start zlib's inflate");
    }
    ~Stream() { inflateEnd(&zs); }
  } s;
  Inflated res;
  res.check = adler ? 1 : 0;
  std::vector<uint8_t> buf(size_t(1) << 18);
  for (;;) {
    if (r.size() == 0 && !r.refill()) corrupt("unexpected end of file");
    s.zs.next_in = const_cast<uint8_t*>(r.data());
    s.zs.avail_in = static_cast<uInt>(std::min<size_t>(r.size(), UINT_MAX));
    s.zs.next_out = buf.data();
    s.zs.avail_out = static_cast<uInt>(buf.size());
    int ret = inflate(&s.zs, Z_NO_FLUSH);
    const size_t used = static_cast<size_t>(s.zs.next_in - r.data());
    r.consume(used);
    res.in += used;
    const size_t produced = buf.size() - s.zs.avail_out;
    if (produced) {
      res.check = adler ? static_cast<uint32_t>(adler32(res.check, buf.data(), static_cast<uInt>(produced)))
                        : crc32_update(res.check, buf.data(), produced);
      out.write(buf.data(), produced);
      res.out += produced;
    }
    if (ret == Z_STREAM_END) return res;
    if (ret == Z_MEM_ERROR) throw Error(Error::Kind::resource, "out of memory");
    if (ret != Z_OK && ret != Z_BUF_ERROR) corrupt("invalid compressed data--format violated");
  }
}

}  // namespace

ContainerResult compress_container(InputStream& in, OutputStream& out, const ContainerCompressOptions& o) {
  ContainerResult r;
  const int level = std::clamp(o.level, 0, 9);
  std::vector<uint8_t> head;
  if (o.container == Container::gzip) {
    GzipHeader h = o.header;
    h.xfl = gzip_xfl_for_level(level);
    head = write_gzip_header(h);
  } else if (o.container == Container::zlib) {
    head.resize(kZlibHeaderSize);
    write_zlib_header(head.data(), level);
  } else {
    head = zip_local_header(o.entry);
  }
  out.write(head.data(), head.size());
  ContainerResult data;
  data.check = o.container == Container::zlib ? 1 : 0;
  {
    ChainedDeflate deflater(o, o.container == Container::zlib);
    deflater.run(in, out, data);
  }
  r.in_bytes = data.in_bytes;
  r.check = data.check;
  std::vector<uint8_t> tail;
  if (o.container == Container::gzip) {
    tail.resize(kGzipTrailerSize);
    write_gzip_trailer(tail.data(), data.check, data.in_bytes);
  } else if (o.container == Container::zlib) {
    tail.resize(kZlibTrailerSize);
    put_be32(tail.data(), data.check);
  } else {
    tail = zip_data_descriptor(data.check, data.out_bytes, data.in_bytes);
    const uint64_t directory_at = head.size() + data.out_bytes + tail.size();
    auto dir = zip_central_directory(o.entry, data.check, data.out_bytes, data.in_bytes, directory_at);
    tail.insert(tail.end(), dir.begin(), dir.end());
  }
  out.write(tail.data(), tail.size());
  r.overhead = head.size() + tail.size();
  r.out_bytes = data.out_bytes + r.overhead;
  return r;
}

namespace {

// Whether the deflate data after a zlib header, as far as `len` bytes go (at most 4
// KiB), inflates without an error: two bytes alone often pass for a zlib header (text
// starting "x^" or "HK" does), the deflate data that must follow them seldom does.
bool inflates(const uint8_t* data, size_t len) {
  z_stream zs = {};
  if (inflateInit2(&zs, -15) != Z_OK) return true;  // cannot tell: let decompression say
  std::vector<uint8_t> out(size_t(1) << 16);
  zs.next_in = const_cast<uint8_t*>(data);
  zs.avail_in = static_cast<uInt>(std::min<size_t>(len, 4096));
  int ret;
  do {
    zs.next_out = out.data();
    zs.avail_out = static_cast<uInt>(out.size());
    ret = inflate(&zs, Z_NO_FLUSH);
  } while (ret == Z_OK && zs.avail_in > 0);
  inflateEnd(&zs);
  return ret == Z_OK || ret == Z_STREAM_END || ret == Z_BUF_ERROR;
}

}  // namespace

Detected detect_container(const uint8_t* data, size_t len) {
  if (len >= 2 && data[0] == 0x1f && data[1] == 0x8b) return Detected::gzip;
  if (len >= 2 && data[0] == 0x1f && data[1] == 0x9d) return Detected::lzw;
  if (len >= 2 && data[0] == 0x1f && data[1] == 0x1e) return Detected::pack;
  // A zlib stream that needs a preset dictionary cannot be decompressed: not zlib here.
  if (check_zlib_header(data, len) == ZlibHeaderStatus::ok && inflates(data + 2, len - 2)) return Detected::zlib;
  if (len >= 4 && get_le32(data) == kZipLocalSignature) return Detected::zip;
  return Detected::other;
}

ContainerDecompressResult decompress_zlib(InputStream& in, OutputStream& out) {
  ContainerDecompressResult res;
  InputWindow r(in, size_t(1) << 18);
  if (!r.ensure(kZlibHeaderSize)) corrupt("unexpected end of file");
  switch (check_zlib_header(r.data(), r.size())) {
    case ZlibHeaderStatus::ok:
      break;
    case ZlibHeaderStatus::needs_dictionary:
      corrupt("needs a preset dictionary -- not supported");
    case ZlibHeaderStatus::not_zlib:
      corrupt("not in gzip format");
  }
  r.consume(kZlibHeaderSize);
  Inflated d = inflate_raw(r, out, true);
  if (!r.ensure(kZlibTrailerSize)) corrupt("unexpected end of file");
  const uint32_t stored = get_be32(r.data());
  r.consume(kZlibTrailerSize);
  if (stored != d.check) corrupt("invalid compressed data--crc error");
  res.trailing_garbage = !drain_zeros(r);
  res.in_bytes = r.consumed();
  res.out_bytes = d.out;
  res.check = d.check;
  res.overhead = res.in_bytes - d.in;
  return res;
}

ContainerDecompressResult decompress_zip(InputStream& in, OutputStream& out) {
  ContainerDecompressResult res;
  InputWindow r(in, size_t(1) << 18);
  ZipLocalHeader& h = res.entry;
  for (;;) {
    ZipHeaderStatus st = parse_zip_local_header(r.data(), r.size(), h);
    if (st == ZipHeaderStatus::ok) break;
    if (st == ZipHeaderStatus::bad_signature) corrupt("not in gzip format");
    if (!r.refill()) corrupt("unexpected end of file");
  }
  if (h.encrypted()) corrupt("is encrypted -- not supported");
  if (h.method != 8 && !(h.method == 0 && !h.has_descriptor()))
    corrupt(("unknown method " + std::to_string(h.method) + " -- not supported").c_str());
  r.consume(h.length);
  Inflated d;
  if (h.method == 8) {
    d = inflate_raw(r, out, false);
  } else {  // stored, with its size in the header
    while (d.in < h.compressed) {
      if (r.size() == 0 && !r.refill()) corrupt("unexpected end of file");
      size_t take = static_cast<size_t>(std::min<uint64_t>(r.size(), h.compressed - d.in));
      d.check = crc32_update(d.check, r.data(), take);
      out.write(r.data(), take);
      r.consume(take);
      d.in += take;
    }
    d.out = d.in;
  }
  uint32_t crc = h.crc;
  bool sizes_match = h.compressed == d.in && h.uncompressed == d.out;
  if (h.has_descriptor()) {
    // The descriptor: an optional signature, the CRC-32, then the sizes in 8 bytes each
    // (Zip64) or 4: the form whose sizes match is the one written.
    r.ensure(4 + 4 + 16);
    size_t at = r.size() >= 4 && get_le32(r.data()) == kZipDescriptorSignature ? 4 : 0;
    if (r.size() < at + 12) corrupt("unexpected end of file");
    crc = get_le32(r.data() + at);
    const bool fits64 = r.size() >= at + 20;
    const bool match64 = fits64 && get_le64(r.data() + at + 4) == d.in && get_le64(r.data() + at + 12) == d.out;
    const bool match32 = get_le32(r.data() + at + 4) == static_cast<uint32_t>(d.in) &&
                         get_le32(r.data() + at + 8) == static_cast<uint32_t>(d.out);
    sizes_match = match64 || match32;
    const bool wide = match64 && (h.zip64 || !match32);
    r.consume(at + 4 + (wide ? 16 : 8));
  }
  if (crc != d.check) corrupt("invalid compressed data--crc error");
  if (!sizes_match) corrupt("invalid compressed data--length error");
  if (r.ensure(4) && get_le32(r.data()) == kZipLocalSignature)
    res.more_entries = true;  // left unread
  else
    drain_zeros(r);
  res.in_bytes = r.consumed();
  res.out_bytes = d.out;
  res.check = d.check;
  res.overhead = res.in_bytes - d.in;
  return res;
}

}  // namespace rigz
