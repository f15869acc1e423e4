// Like gzip -l, the sizes come from the file size and the last member's ISIZE trailer
// (so they are those of the last member for multi-member files, and wrap at 4 GiB, as
// gzip's do); nothing is decompressed. Files whose members carry their own size in the
// header (rigz's "RZ" subfield, BGZF's "BC") are walked member by member instead, for
// the true totals and the CRC of the whole.
#include "cli/list.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <optional>
#include <vector>

#include "cli/names.h"
#include "format/crc32.h"

namespace rigz::cli {
namespace {

constexpr uint8_t kFHcrc = 2, kFEncrypted = 0x20;

// The size of the whole member as its header records it (rigz's RZ subfield, or
// BGZF's BC), if it does.
std::optional<uint64_t> recorded_member_size(const GzipHeader& h) {
  if (!h.has_extra) return std::nullopt;
  const auto& x = h.extra;
  for (size_t pos = 0; pos + 4 <= x.size();) {
    size_t len = x[pos + 2] | size_t(x[pos + 3]) << 8;
    if (pos + 4 + len > x.size()) break;
    const uint8_t* v = x.data() + pos + 4;
    if (x[pos] == 'R' && x[pos + 1] == 'Z' && len == 4)
      return uint64_t(v[0]) | uint64_t(v[1]) << 8 | uint64_t(v[2]) << 16 | uint64_t(v[3]) << 24;
    if (x[pos] == 'B' && x[pos + 1] == 'C' && len == 2) return (uint64_t(v[0]) | uint64_t(v[1]) << 8) + 1;
    pos += 4 + len;
  }
  return std::nullopt;
}

struct Totals {
  uint64_t uncompressed = 0, overhead = 0;
  uint32_t crc = 0;
};

// Walks the members of a file of `size` bytes by their recorded sizes. Nothing when a
// member does not record its size or the sizes do not add up to the file (zeros after
// the last member are allowed, as gzip allows them).
std::optional<Totals> walk_members(int fd, uint64_t size) {
  Totals t;
  std::vector<uint8_t> buf(1 << 16);
  for (uint64_t off = 0; off < size;) {
    ssize_t n = pread(fd, buf.data(), buf.size(), static_cast<off_t>(off));
    if (n <= 0) return std::nullopt;
    GzipHeader h;
    size_t used = 0;
    if (parse_gzip_header(buf.data(), static_cast<size_t>(n), h, used) != HeaderStatus::ok) {
      if (off == 0) return std::nullopt;
      // Only zeros may follow the last member.
      for (uint64_t pos = off; pos < size;) {
        if (std::any_of(buf.begin(), buf.begin() + n, [](uint8_t b) { return b != 0; })) return std::nullopt;
        pos += static_cast<uint64_t>(n);
        if (pos >= size) break;
        n = pread(fd, buf.data(), buf.size(), static_cast<off_t>(pos));
        if (n <= 0) return std::nullopt;
      }
      break;
    }
    auto member = recorded_member_size(h);
    if (!member || *member < used + kGzipTrailerSize || *member > size - off) return std::nullopt;
    uint8_t trailer[kGzipTrailerSize];
    if (pread(fd, trailer, sizeof trailer, static_cast<off_t>(off + *member - kGzipTrailerSize)) !=
        static_cast<ssize_t>(sizeof trailer))
      return std::nullopt;
    uint32_t crc, isize;
    read_gzip_trailer(trailer, crc, isize);
    t.crc = crc32_combine(t.crc, crc, isize);
    t.uncompressed += isize;
    t.overhead += used + kGzipTrailerSize;
    off += *member;
  }
  return t;
}

}  // namespace

HeaderCheck check_first_header(const uint8_t* data, size_t len, bool at_end) {
  HeaderCheck c{HeaderCheck::State::bad, {}, 0, {}};
  HeaderStatus s = parse_gzip_header(data, len, c.header, c.length);
  char buf[128];
  switch (s) {
    case HeaderStatus::ok:
      c.state = HeaderCheck::State::ok;
      break;
    case HeaderStatus::need_more:
      if (at_end)
        c.problem = ": unexpected end of file";
      else
        c.state = HeaderCheck::State::need_more;
      break;
    case HeaderStatus::bad_magic:
      c.problem = ": not in gzip format";
      break;
    case HeaderStatus::bad_method:
      c.problem = ": unknown method " + std::to_string(data[2]) + " -- not supported";
      break;
    case HeaderStatus::bad_flags:
      if (data[3] & kFEncrypted) {
        c.problem = " is encrypted -- not supported";
      } else {
        std::snprintf(buf, sizeof buf, " has flags 0x%x -- not supported", data[3]);
        c.problem = buf;
      }
      break;
    case HeaderStatus::bad_hcrc: {
      // The same header without FHCRC parses: its length is where the CRC-16 sits.
      std::vector<uint8_t> copy(data, data + len);
      copy[3] &= static_cast<uint8_t>(~kFHcrc);
      GzipHeader h;
      size_t at = 0;
      if (parse_gzip_header(copy.data(), copy.size(), h, at) == HeaderStatus::ok && at + 2 <= len) {
        std::snprintf(buf, sizeof buf, ": header checksum 0x%04x != computed checksum 0x%04x",
                      data[at] | data[at + 1] << 8, crc32_update(0, data, at) & 0xffff);
        c.problem = buf;
      } else {
        c.problem = ": invalid compressed data--header crc error";
      }
      break;
    }
  }
  return c;
}

HeaderCheck read_first_header(int fd) {
  std::vector<uint8_t> buf(1 << 16);
  for (;;) {
    ssize_t n;
    do n = pread(fd, buf.data(), buf.size(), 0);
    while (n < 0 && errno == EINTR);
    if (n < 0) return {HeaderCheck::State::bad, {}, 0, std::string(": ") + std::strerror(errno)};
    HeaderCheck c = check_first_header(buf.data(), static_cast<size_t>(n), static_cast<size_t>(n) < buf.size());
    if (c.state != HeaderCheck::State::need_more) return c;
    if (buf.size() >= (size_t(1) << 26)) return {HeaderCheck::State::bad, {}, 0, ": header too long"};
    buf.resize(buf.size() * 4);
  }
}

void Lister::print_line(bool totals, uint32_t crc, time_t date, uint64_t compressed, uint64_t uncompressed,
                        uint64_t overhead, const std::string& name) {
  if (!header_printed_ && !quiet_) {
    if (verbose_) std::printf("method  crc     date  time  ");
    std::printf("%*s %*s  ratio uncompressed_name\n", 19, "compressed", 19, "uncompressed");
  }
  header_printed_ = true;
  if (verbose_) {
    if (!totals) {
      static const char kMonths[][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
      std::printf("%5s %08x ", "defla", crc);
      struct tm tm;
      if (localtime_r(&date, &tm))
        std::printf("%s%3d %02d:%02d ", kMonths[tm.tm_mon], tm.tm_mday, tm.tm_hour, tm.tm_min);
      else
        std::printf("??? ?? ??:?? ");
    } else {
      std::printf("%*s", 28, "");
    }
  }
  long long part = static_cast<long long>(uncompressed) - static_cast<long long>(compressed - overhead);
  std::printf("%*llu %*llu %s %s\n", 19, static_cast<unsigned long long>(compressed), 19,
              static_cast<unsigned long long>(uncompressed),
              format_ratio(part, static_cast<long long>(uncompressed)).c_str(), name.c_str());
}

void Lister::list_stream(int fd, const std::string& shown, Reporter& report, const std::string& path) {
  std::vector<uint8_t> head(1 << 16);
  uint8_t tail[8] = {0};
  uint64_t size = 0;
  size_t head_len = 0;
  struct stat st;
  bool have_stat = fstat(fd, &st) == 0;
  bool regular = have_stat && S_ISREG(st.st_mode);
  if (regular) {
    size = static_cast<uint64_t>(st.st_size);
    ssize_t n = pread(fd, head.data(), head.size(), 0);
    head_len = n > 0 ? static_cast<size_t>(n) : 0;
    if (size >= 8 && pread(fd, tail, 8, static_cast<off_t>(size - 8)) != 8) size = 0;
  } else {  // a pipe: read it through, keeping the start and the last 8 bytes
    std::vector<uint8_t> buf(1 << 16);
    for (ssize_t n; (n = read(fd, buf.data(), buf.size())) != 0;) {
      if (n < 0) {
        if (errno == EINTR) continue;
        report.error(path + ": " + std::strerror(errno));
        return;
      }
      if (head_len < head.size()) {
        size_t take = std::min(head.size() - head_len, static_cast<size_t>(n));
        std::copy(buf.begin(), buf.begin() + static_cast<long>(take), head.begin() + static_cast<long>(head_len));
        head_len += take;
      }
      if (n >= 8) {
        std::copy(buf.begin() + (n - 8), buf.begin() + n, tail);
      } else {
        std::copy(tail + n, tail + 8, tail);
        std::copy(buf.begin(), buf.begin() + n, tail + (8 - n));
      }
      size += static_cast<uint64_t>(n);
    }
  }
  HeaderCheck hc = check_first_header(head.data(), head_len, true);
  if (hc.state != HeaderCheck::State::ok || size < hc.length + 8) {
    report.error(path + (hc.state == HeaderCheck::State::ok ? ": unexpected end of file" : hc.problem));
    return;
  }
  const GzipHeader& h = hc.header;
  uint32_t crc, isize;
  read_gzip_trailer(tail, crc, isize);
  uint64_t uncompressed = isize, overhead = hc.length + 8;
  if (regular) {
    if (auto t = walk_members(fd, size)) {
      uncompressed = t->uncompressed;
      overhead = t->overhead;
      crc = t->crc;
    }
  }
  // gzip shows the file's time, or with -N the one in the header; with -N also the
  // stored name, in the directory of the file.
  time_t date = have_stat ? st.st_mtime : 0;
  if (use_stored_name_ && h.mtime) date = h.mtime;
  std::string name = shown;
  if (use_stored_name_ && h.has_name && !base_name(h.name).empty()) name = dir_name(shown) + base_name(h.name);
  print_line(false, crc, date, size, uncompressed, overhead, name);
  ++files_;
  total_in_ += size;
  total_out_ += uncompressed;
  total_overhead_ = overhead;  // gzip's totals line counts the last file's header only
}

void Lister::finish() {
  if (files_ > 1 && !quiet_) print_line(true, 0, 0, total_in_, total_out_, total_overhead_, "(totals)");
}

}  // namespace rigz::cli
