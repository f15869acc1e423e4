// Like gzip -l (1.12), which decompresses what it lists: the sizes are the input's and
// what its last member inflated to (so those of the last member for multi-member files;
// past 4 GiB the true size, where the ISIZE trailer wraps), and a corrupt input gets its
// error instead of a line. Files whose members carry their own size in the header (rigz's
// "RZ" subfield, BGZF's "BC") are walked member by member instead, for the true totals and
// the CRC of the whole.
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
#include "decompress/decompress.h"
#include "decompress/indexed_members.h"
#include "decompress/lzw.h"
#include "decompress/pack.h"
#include "format/crc32.h"
#include "io/error.h"
#include "io/peek_input.h"

namespace rigz::cli {
HeaderCheck check_first_header(const uint8_t* data, size_t len, bool at_end) {
  HeaderCheck c{HeaderCheck::State::bad, Detected::gzip, {}, {}, 0, {}};
  switch (detect_container(data, len)) {
    case Detected::zlib:
      c.state = HeaderCheck::State::ok;
      c.kind = Detected::zlib;
      c.length = 2;
      return c;
    case Detected::pack:  // the magic; the rest is checked when decompressing
      c.kind = Detected::pack;
      c.state = HeaderCheck::State::ok;
      c.length = 2;
      return c;
    case Detected::lzw:  // the magic and one byte of flags, checked when decompressing
      c.kind = Detected::lzw;
      if (len >= 3) {
        c.state = HeaderCheck::State::ok;
        c.length = 3;
      } else if (at_end) {
        c.problem = ": unexpected end of file";
      } else {
        c.state = HeaderCheck::State::need_more;
      }
      return c;
    case Detected::zip:
      c.kind = Detected::zip;
      if (parse_zip_local_header(data, len, c.entry) != ZipHeaderStatus::ok) {
        if (at_end)
          c.problem = ": unexpected end of file";
        else
          c.state = HeaderCheck::State::need_more;
      } else if (c.entry.encrypted()) {
        c.problem = ": encrypted file -- use unzip";
      } else if (c.entry.method != 8 && !(c.entry.method == 0 && !c.entry.has_descriptor())) {
        c.problem = ": unknown method " + std::to_string(c.entry.method) + " -- not supported";
      } else {
        c.state = HeaderCheck::State::ok;
        c.length = c.entry.length;
      }
      return c;
    default:
      break;
  }
  HeaderStatus s = parse_gzip_header(data, len, c.header, c.length);
  if (len < 2) s = HeaderStatus::need_more;  // gzip reads both magic bytes before it checks them
  if (s == HeaderStatus::ok) {
    c.state = HeaderCheck::State::ok;
  } else if (s == HeaderStatus::need_more && !at_end) {
    c.state = HeaderCheck::State::need_more;
  } else {
    c.problem = file_message("", describe_header_problem(s, data, len));
  }
  return c;
}

HeaderCheck read_first_header(int fd) {
  std::vector<uint8_t> buf(1 << 16);
  for (;;) {
    ssize_t n;
    do n = pread(fd, buf.data(), buf.size(), 0);
    while (n < 0 && errno == EINTR);
    if (n < 0) return {HeaderCheck::State::bad, Detected::gzip, {}, {}, 0, std::string(": ") + std::strerror(errno)};
    HeaderCheck c = check_first_header(buf.data(), static_cast<size_t>(n), static_cast<size_t>(n) < buf.size());
    if (c.state != HeaderCheck::State::need_more) return c;
    if (buf.size() >= (size_t(1) << 26))
      return {HeaderCheck::State::bad, Detected::gzip, {}, {}, 0, ": header too long"};
    buf.resize(buf.size() * 4);
  }
}

void Lister::print_line(bool totals, uint32_t crc, time_t date, uint64_t compressed, uint64_t uncompressed,
                        uint64_t overhead, const std::string& name, const char* method) {
  if (!header_printed_ && !quiet_) {
    if (verbose_) std::printf("method  crc     date  time  ");
    std::printf("%*s %*s  ratio uncompressed_name\n", 19, "compressed", 19, "uncompressed");
  }
  header_printed_ = true;
  if (!totals) last_name_ = name;
  if (verbose_) {
    if (!totals) {
      static const char kMonths[][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
      std::printf("%5s %08x ", method, crc);
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

std::optional<DecompressResult> Lister::inflate(InputStream& in, Reporter& report, const std::string& path) {
  try {
    NullOutput null;
    DecompressResult r = decompress_gzip(in, null, DecompressOptions{});
    if (!r.trailing_garbage) return r;
    report.warning(path + ": decompression OK, trailing garbage ignored");  // and no line, as gzip
  } catch (const Error& e) {
    report.error(file_message(path, e.what()));
    total_overhead_ = 0;  // gzip: a file read in vain leaves no header to count
  }
  return std::nullopt;
}

void Lister::list_stream(int fd, const std::string& shown, Reporter& report, const std::string& path) {
  std::vector<uint8_t> head(1 << 16);
  uint64_t size = 0;
  size_t head_len = 0;
  std::optional<DecompressResult> inflated;  // the gzip data, decompressed through
  struct stat st;
  bool have_stat = fstat(fd, &st) == 0;
  bool regular = have_stat && S_ISREG(st.st_mode);
  // gzip shows a pipe's (or device's) time as 0, 1970-01-01, where its header's is not used.
  const time_t file_time = regular ? st.st_mtime : 0;
  if (regular) {
    size = static_cast<uint64_t>(st.st_size);
    ssize_t n = pread(fd, head.data(), head.size(), 0);
    head_len = n > 0 ? static_cast<size_t>(n) : 0;
    HeaderCheck hc = check_first_header(head.data(), head_len, true);
    if (hc.state == HeaderCheck::State::ok && hc.kind != Detected::gzip) {
      FdInput in(fd);  // a file just opened (or standard input) is read from its position
      list_other(hc, in, size, file_time, shown, report, path);
      return;
    }
  } else {  // a pipe: decompressed through, as gzip 1.12 does, where its header is good
    FdInput raw(fd);
    try {
      PeekInput peek(raw, head.size());
      HeaderCheck hc = check_first_header(peek.data(), peek.size(), true);
      if (hc.state == HeaderCheck::State::ok && hc.kind != Detected::gzip) {
        list_other(hc, peek, 0, file_time, shown, report, path);
        return;
      }
      head_len = peek.size();
      std::copy(peek.data(), peek.data() + head_len, head.begin());
      if (hc.state == HeaderCheck::State::ok) {
        inflated = inflate(peek, report, path);
        if (!inflated) return;
        size = inflated->in_bytes;
      }
    } catch (const Error& e) {
      report.error(path + ": " + e.what());
      total_overhead_ = 0;  // gzip: a file read in vain leaves no header to count
      return;
    }
  }
  HeaderCheck hc = check_first_header(head.data(), head_len, true);
  if (hc.state != HeaderCheck::State::ok || size < hc.length + 8) {
    report.error(path + (hc.state == HeaderCheck::State::ok ? ": unexpected end of file" : hc.problem));
    total_overhead_ = 0;  // gzip: a file read in vain leaves no header to count
    return;
  }
  const GzipHeader& h = hc.header;
  // gzip 1.12 decompresses what it lists (a corrupt input gets its error and no line) and
  // shows the size that decompressing gave the last member (past 4 GiB too, where its ISIZE
  // wraps), and over several members takes the ratio over the whole input. rigz's own
  // files and BGZF are summed from their members' sizes instead.
  uint64_t uncompressed, overhead = hc.length + 8;
  uint32_t crc;
  if (auto t = regular ? summarize_indexed_file(fd, size) : std::nullopt) {
    uncompressed = t->uncompressed;
    overhead = t->overhead;
    crc = t->crc;
  } else {
    if (regular) {
      FdInput in(fd);
      inflated = inflate(in, report, path);
      if (!inflated) return;
    }
    uncompressed = inflated->last_member_size;
    crc = inflated->last_member_crc;
    if (inflated->members > 1) overhead = 0;
  }
  // gzip shows the file's time, or with -N the one in the header; with -N also the
  // stored name, in the directory of the file.
  time_t date = file_time;
  if (use_stored_time_ && h.mtime) date = h.mtime;
  std::string name = shown;
  if (use_stored_name_ && h.has_name && !base_name(h.name).empty()) name = dir_name(shown) + base_name(h.name);
  print_line(false, crc, date, size, uncompressed, overhead, name);
  ++files_;
  total_in_ += size;
  total_out_ += uncompressed;
  total_overhead_ = overhead;  // gzip's totals line counts the last file's header only
}

void Lister::list_other(const HeaderCheck& hc, InputStream& in, uint64_t file_size, time_t file_time,
                        const std::string& shown, Reporter& report, const std::string& path) {
  NullOutput null;
  ContainerDecompressResult r;
  const char* method = "defla";
  try {
    if (hc.kind == Detected::lzw) {
      // gzip 1.12 lists a .Z file by decompressing it: method "compr", no CRC (shown as
      // ffffffff, as gzip's manual has it), and all of the file counted as data.
      auto z = decompress_lzw(in, null);
      r.in_bytes = z.in_bytes;
      r.out_bytes = z.out_bytes;
      r.check = 0xffffffff;
      method = "compr";
    } else if (hc.kind == Detected::pack) {  // the same for pack (.z) files, with what follows
      auto z = decompress_pack_and_rest(in, null);
      if (z.trailing_garbage) {  // as for gzip members: a warning and no line
        report.warning(path + ": decompression OK, trailing garbage ignored");
        return;
      }
      r.in_bytes = z.in_bytes;
      r.out_bytes = z.last_member_size;
      r.check = 0xffffffff;
      method = "pack ";
    } else {
      r = hc.kind == Detected::zlib ? decompress_zlib(in, null) : decompress_zip(in, null);
    }
  } catch (const Error& e) {
    report.error(file_message(path, e.what()));
    total_overhead_ = 0;  // gzip: a file read in vain leaves no header to count
    return;
  }
  // A file's size, as gzip lists it (the rest of a zip file with several entries is not read).
  const uint64_t size = file_size ? file_size : r.in_bytes;
  // gzip 1.12 counts all of a zip, .Z or pack file as data (a zip file's headers and
  // directory too, whatever follows a pack stream): the ratio is the columns' own; a
  // zlib stream's 6 bytes are left out.
  const uint64_t deflate_bytes = hc.kind != Detected::zlib ? size : r.in_bytes - r.overhead;
  time_t date = file_time;
  std::string name = shown;
  if (hc.kind == Detected::zip) {
    if (use_stored_time_) date = r.entry.time();
    std::string stored = base_name(r.entry.name);
    if (use_stored_name_ && !stored.empty() && stored != "-" && stored != "." && stored != "..")
      name = dir_name(shown) + stored;
  }
  print_line(false, r.check, date, size, r.out_bytes, size - deflate_bytes, name, method);
  ++files_;
  total_in_ += size;
  total_out_ += r.out_bytes;
  total_overhead_ = size - deflate_bytes;
}

void Lister::finish() {
  if (operands_ > 1 && files_ > 0 && !quiet_)
    print_line(true, 0, 0, total_in_, total_out_, total_overhead_, "(totals)");
}

}  // namespace rigz::cli
