// Like gzip -l, the sizes come from the file size and the last member's ISIZE trailer
// (so they are those of the last member for multi-member files, and wrap at 4 GiB, as
// gzip's do); nothing is decompressed.
#include "cli/list.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <vector>

#include "cli/names.h"
#include "decompress/indexed_members.h"
#include "format/gzip_header.h"

namespace rigz::cli {

void Lister::print_line(const char* method, uint32_t crc, uint32_t mtime, uint64_t compressed,
                        uint64_t uncompressed, uint64_t overhead, const std::string& name) {
  if (!header_printed_ && !quiet_) {
    if (verbose_) std::printf("method  crc     date  time  ");
    std::printf("%*s %*s  ratio uncompressed_name\n", 19, "compressed", 19, "uncompressed");
  }
  header_printed_ = true;
  if (verbose_) {
    if (method) {
      time_t t = mtime;
      char date[32] = "";
      std::strftime(date, sizeof date, "%b %e %H:%M", std::localtime(&t));
      std::printf("%5s %08x %s ", method, crc, date);
    } else {
      std::printf("%*s", 28, "");
    }
  }
  long long saved = static_cast<long long>(uncompressed) - static_cast<long long>(compressed - overhead);
  std::printf("%*llu %*llu %s %s\n", 19, static_cast<unsigned long long>(compressed), 19,
              static_cast<unsigned long long>(uncompressed),
              format_ratio(saved, static_cast<long long>(uncompressed)).c_str(), name.c_str());
}

void Lister::list_stream(int fd, const std::string& shown, Reporter& report, const std::string& path) {
  std::vector<uint8_t> head(1 << 16);
  uint8_t tail[8] = {0};
  uint64_t size = 0;
  size_t head_len = 0;
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    size = static_cast<uint64_t>(st.st_size);
    ssize_t n = pread(fd, head.data(), head.size(), 0);
    head_len = n > 0 ? static_cast<size_t>(n) : 0;
    if (size >= 8 && pread(fd, tail, 8, static_cast<off_t>(size - 8)) != 8) size = 0;
  } else {  // a pipe: read it through, keeping the start and the last 8 bytes
    std::vector<uint8_t> buf(1 << 16);
    for (ssize_t n; (n = read(fd, buf.data(), buf.size())) > 0;) {
      if (head_len < head.size()) {
        size_t take = std::min(head.size() - head_len, static_cast<size_t>(n));
        std::copy(buf.begin(), buf.begin() + static_cast<long>(take), head.begin() + static_cast<long>(head_len));
        head_len += take;
      }
      for (ssize_t i = 0; i < n; ++i) {  // shift the last 8 bytes along
        std::copy(tail + 1, tail + 8, tail);
        tail[7] = buf[static_cast<size_t>(i)];
      }
      size += static_cast<uint64_t>(n);
    }
  }
  GzipHeader h;
  size_t header_len = 0;
  HeaderStatus s = parse_gzip_header(head.data(), head_len, h, header_len);
  if (s != HeaderStatus::ok || size < header_len + 8) {
    report.error(path + (s == HeaderStatus::bad_magic ? ": not in gzip format" : ": unexpected end of file"));
    return;
  }
  uint32_t crc, isize;
  read_gzip_trailer(tail, crc, isize);
  uint64_t uncompressed = isize, overhead = header_len + 8;
  // rigz's own multi-member output: the member index gives the true totals.
  if (S_ISREG(st.st_mode) && indexed_member_size(h)) {
    if (auto idx = summarize_indexed_file(fd, size)) {
      uncompressed = idx->uncompressed;
      crc = idx->crc;
      overhead = idx->overhead;
    }
  }
  std::string name = use_stored_name_ && h.has_name ? base_name(h.name) : shown;
  print_line("defla", crc, h.mtime, size, uncompressed, overhead, name);
  ++files_;
  total_in_ += size;
  total_out_ += uncompressed;
  total_overhead_ += overhead;
}

void Lister::finish() {
  if (files_ > 1) print_line(nullptr, 0, 0, total_in_, total_out_, total_overhead_, "(totals)");
}

}  // namespace rigz::cli
