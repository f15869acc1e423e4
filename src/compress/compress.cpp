// The compression pipeline:
//
//   caller's thread          worker threads (N)             writer thread
//   read block i      ->     compress block i with the   -> emit blocks strictly in order,
//   (+ 32 KiB dict)  queue   dict, CRC-32 of block i    reorder  join CRCs, recycle buffers
//
// A fixed pool of Job buffers circulates reader -> workers -> writer -> reader, so memory
// is bounded by the pool (2N+2 blocks) whatever the input size, and output streams while
// compression goes on. An error in any thread closes every queue, which wakes and stops
// the others; the first error is rethrown to the caller.
#include "compress/compress.h"

#include <algorithm>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "compress/block_compressor.h"
#include "compress/work_queue.h"
#include "format/crc32.h"

namespace rigz {
namespace {

constexpr size_t kDictSize = 32768;

struct Job {
  uint64_t seq = 0;
  std::vector<uint8_t> in;  // dictionary (dict_len bytes), then the block
  size_t dict_len = 0;
  size_t len = 0;  // block bytes
  bool last = false;
  std::vector<uint8_t> out;
  uint32_t crc = 0;
};

class Pipeline {
 public:
  Pipeline(const CompressOptions& opts, OutputStream& out)
      : opts_(opts), out_(out), free_(2 * opts.threads + 2), todo_(2 * opts.threads + 2) {
    for (size_t i = 0; i < 2 * opts.threads + 2; ++i) {
      jobs_.push_back(std::make_unique<Job>());
      jobs_.back()->in.resize(kDictSize + opts.block_size);
      free_.push(jobs_.back().get());
    }
  }

  CompressResult run(InputStream& in) {
    std::vector<std::thread> threads;
    for (unsigned i = 0; i < opts_.threads; ++i) threads.emplace_back([this] { guarded([this] { work(); }); });
    threads.emplace_back([this] { guarded([this] { write(); }); });
    guarded([&] { read(in); });
    todo_.close();
    for (auto& t : threads) t.join();
    if (error_) std::rethrow_exception(error_);
    return result_;
  }

 private:
  template <class F>
  void guarded(F&& f) {
    try {
      f();
    } catch (...) {
      std::lock_guard lock(error_mutex_);
      if (!error_) error_ = std::current_exception();
      free_.close();
      todo_.close();
      done_.close();
    }
  }

  // Fills block after block; holds one block back until the next read tells whether it
  // was the last, and copies its tail as the next block's dictionary meanwhile.
  void read(InputStream& in) {
    Job* pending = nullptr;
    for (uint64_t seq = 0;; ++seq) {
      auto slot = free_.pop();
      if (!slot) return;  // the pipeline failed elsewhere
      Job* job = *slot;
      job->seq = seq;
      job->dict_len = 0;
      if (pending && !opts_.independent) {
        job->dict_len = std::min(kDictSize, pending->len);
        std::memcpy(job->in.data() + kDictSize - job->dict_len,
                    pending->in.data() + kDictSize + pending->len - job->dict_len, job->dict_len);
      }
      job->len = in.read(job->in.data() + kDictSize, opts_.block_size);
      if (pending) {
        pending->last = job->len == 0;
        todo_.push(pending);
        if (pending->last) {
          free_.push(job);
          return;
        }
      }
      pending = job;
      if (seq == 0 && job->len == 0) {  // empty input: one empty final block
        job->last = true;
        todo_.push(job);
        return;
      }
    }
  }

  void work() {
    auto compressor = make_zlib_block_compressor(opts_.level);
    while (auto slot = todo_.pop()) {
      Job* job = *slot;
      const uint8_t* data = job->in.data() + kDictSize;
      job->out.clear();
      compressor->compress({data - job->dict_len, job->dict_len, data, job->len, job->last}, job->out);
      job->crc = crc32_update(0, data, job->len);
      done_.put(job->seq, job);
    }
  }

  void write() {
    GzipHeader header = opts_.header;
    header.xfl = gzip_xfl_for_level(opts_.level);
    auto head = write_gzip_header(header);
    out_.write(head.data(), head.size());
    result_.out_bytes = head.size();
    for (;;) {
      auto slot = done_.take_next();
      if (!slot) return;
      Job* job = *slot;
      out_.write(job->out.data(), job->out.size());
      result_.out_bytes += job->out.size();
      result_.crc = crc32_combine(result_.crc, job->crc, job->len);
      result_.in_bytes += job->len;
      if (job->last) break;
      free_.push(job);
    }
    uint8_t trailer[kGzipTrailerSize];
    write_gzip_trailer(trailer, result_.crc, result_.in_bytes);
    out_.write(trailer, sizeof trailer);
    result_.out_bytes += sizeof trailer;
  }

  const CompressOptions& opts_;
  OutputStream& out_;
  std::vector<std::unique_ptr<Job>> jobs_;
  BoundedQueue<Job*> free_, todo_;
  ReorderBuffer<Job*> done_;
  CompressResult result_;
  std::mutex error_mutex_;
  std::exception_ptr error_;
};

}  // namespace

CompressResult compress_gzip(InputStream& in, OutputStream& out, const CompressOptions& opts) {
  CompressOptions o = opts;
  o.threads = std::max(1u, o.threads);
  o.block_size = std::max(o.block_size, kDictSize);
  Pipeline pipeline(o, out);
  return pipeline.run(in);
}

}  // namespace rigz
