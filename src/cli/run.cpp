#include "cli/run.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "cli/list.h"
#include "cli/names.h"
#include "cli/reporter.h"
#include "compress/compress.h"
#include "decompress/decompress.h"
#include "io/error.h"
#include "io/output_file.h"

namespace rigz::cli {
namespace {

// A file descriptor closed on scope exit.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

class Runner {
 public:
  explicit Runner(const Options& o) : o_(o), report_(o.verbosity), lister_(o) {}

  int run() {
    std::vector<std::string> files = o_.files;
    if (files.empty()) files.push_back("-");
    for (const auto& f : files) {
      if (f == "-")
        process_stdin();
      else
        process_path(f, true);
    }
    if (o_.mode == Mode::list) lister_.finish();
    return std::max(report_.exit_code(), lister_.exit_code());
  }

 private:
  CompressOptions compress_options() const {
    CompressOptions c;
    c.level = o_.level;
    c.threads = o_.threads;
    c.block_size = o_.block_size;
    c.independent = o_.independent;
    c.rsyncable = o_.rsyncable;
    return c;
  }

  bool compressing() const { return o_.mode == Mode::compress; }

  void process_stdin() {
    if (o_.mode == Mode::list) {
      lister_.list_stream(STDIN_FILENO, "stdout", report_);
      return;
    }
    if (compressing() && isatty(STDOUT_FILENO) && !o_.force) {
      report_.error("compressed data not written to a terminal. Use -f to force compression.\nFor help, type: rigz -h");
      return;
    }
    if (!compressing() && isatty(STDIN_FILENO) && !o_.force) {
      report_.error("compressed data not read from a terminal. Use -f to force decompression.\nFor help, type: rigz -h");
      return;
    }
    FdInput in(STDIN_FILENO);
    FdOutput out(STDOUT_FILENO);
    try {
      if (compressing()) {
        CompressOptions c = compress_options();
        c.header.mtime = 0;  // standard input: no name, no time
        auto r = compress_gzip(in, out, c);
        report_.info("stdin:\t" + format_ratio(static_cast<long long>(r.in_bytes) - static_cast<long long>(r.out_bytes - 18),
                                               static_cast<long long>(r.in_bytes)) + "\n");
      } else {
        NullOutput null;
        OutputStream& sink = o_.mode == Mode::test ? static_cast<OutputStream&>(null) : out;
        decompress_one("stdin", in, sink);
        if (o_.mode == Mode::test) report_.info("stdin:\t OK\n");
      }
    } catch (const Error& e) {
      fail("stdin", e);
    }
  }

  // Reports an exception from the library for `name` (the input, or the output for write errors).
  void fail(const std::string& name, const Error& e) { report_.error(name + ": " + e.what()); }

  // Decompresses, turning trailing garbage into gzip's warning. Returns the result.
  std::optional<DecompressResult> decompress_one(const std::string& name, InputStream& in, OutputStream& out) {
    DecompressOptions d;
    d.pass_through = o_.force && o_.to_stdout && o_.mode == Mode::decompress;
    d.threads = o_.threads;
    auto r = decompress_gzip(in, out, d);
    if (r.trailing_garbage) report_.warning(name + ": decompression OK, trailing garbage ignored");
    return r;
  }

  void process_path(const std::string& path, bool top_level) {
    struct stat st;
    std::string name = path;
    if (lstat(name.c_str(), &st) != 0) {
      int err = errno;
      // gunzip foo finds foo.gz (or another compressed suffix).
      bool found = false;
      if (!compressing() && err == ENOENT) {
        for (const char* s : {o_.suffix.c_str(), ".gz", ".z", "-gz", "-z", "_z", ".tgz", ".taz"}) {
          if (lstat((path + s).c_str(), &st) == 0) {
            name = path + s;
            found = true;
            break;
          }
        }
      }
      if (!found) {
        report_.error(path + ": " + std::strerror(err));
        return;
      }
    }
    if (S_ISDIR(st.st_mode)) {
      if (o_.recursive)
        walk(name);
      else
        report_.warning(name + " is a directory -- ignored");
      return;
    }
    if (S_ISLNK(st.st_mode) && !o_.force && !o_.to_stdout && o_.mode != Mode::list && o_.mode != Mode::test) {
      report_.error(name + ": Too many levels of symbolic links");
      return;
    }
    if (S_ISLNK(st.st_mode) && stat(name.c_str(), &st) != 0) {
      report_.error(name + ": " + std::strerror(errno));
      return;
    }
    if (!S_ISREG(st.st_mode) && !o_.to_stdout && o_.mode != Mode::list && o_.mode != Mode::test) {
      report_.warning(name + " is not a directory or a regular file - ignored");
      return;
    }
    switch (o_.mode) {
      case Mode::compress: compress_file(name, top_level); break;
      case Mode::decompress:
      case Mode::test: decompress_file(name, top_level); break;
      case Mode::list: list_file(name, top_level); break;
    }
  }

  void walk(const std::string& dir) {
    DIR* d = opendir(dir.c_str());
    if (!d) {
      report_.error(dir + ": " + std::strerror(errno));
      return;
    }
    std::vector<std::string> entries;
    while (dirent* e = readdir(d)) {
      if (std::strcmp(e->d_name, ".") && std::strcmp(e->d_name, "..")) entries.push_back(e->d_name);
    }
    closedir(d);
    std::sort(entries.begin(), entries.end());
    std::string prefix = dir.back() == '/' ? dir : dir + "/";
    for (const auto& e : entries) process_path(prefix + e, false);
  }

  // Opens the input; refuses files with several hard links unless forced.
  bool open_input(const std::string& name, Fd& fd, struct stat& st) {
    fd.fd = open(name.c_str(), O_RDONLY | O_CLOEXEC | (o_.force || o_.to_stdout ? 0 : O_NOFOLLOW));
    if (fd.fd < 0 || fstat(fd.fd, &st) != 0) {
      report_.error(name + ": " + std::strerror(errno));
      return false;
    }
    if (!o_.to_stdout && !o_.force && st.st_nlink > 1 && o_.mode != Mode::test) {
      unsigned long others = static_cast<unsigned long>(st.st_nlink - 1);
      report_.warning(name + " has " + std::to_string(others) + " other link" + (others > 1 ? "s" : "") +
                      " -- file ignored");
      return false;
    }
    return true;
  }

  // Before writing `out`: without -f, an existing file is kept (gzip asks on a terminal).
  bool may_write(const std::string& out) {
    struct stat st;
    if (o_.force || lstat(out.c_str(), &st) != 0) return true;
    if (o_.verbosity > 0 && isatty(STDIN_FILENO) && isatty(STDERR_FILENO)) {
      std::fprintf(stderr, "rigz: %s already exists; do you wish to overwrite (y or n)? ", out.c_str());
      std::fflush(stderr);
      char answer[64] = {0};
      if (std::fgets(answer, sizeof answer, stdin) && (answer[0] == 'y' || answer[0] == 'Y')) return true;
      report_.warning("\tnot overwritten");
      return false;
    }
    report_.warning(out + " already exists; not overwritten");
    return false;
  }

  bool to_terminal_refused() {
    if (compressing() && o_.to_stdout && !o_.force && isatty(STDOUT_FILENO)) {
      report_.error("compressed data not written to a terminal. Use -f to force compression.\nFor help, type: rigz -h");
      return true;
    }
    return false;
  }

  void remove_input(const std::string& name) {
    if (o_.keep || o_.to_stdout) return;
    if (unlink(name.c_str()) != 0) report_.error(name + ": " + std::strerror(errno));
  }

  void compress_file(const std::string& name, bool top_level) {
    if (!o_.to_stdout) {
      if (auto suffix = compressed_suffix(name, o_.suffix)) {
        if (top_level && o_.verbosity > 0)
          std::fprintf(stderr, "rigz: %s already has %s suffix -- unchanged\n", name.c_str(), suffix->c_str());
        return;
      }
    }
    if (to_terminal_refused()) return;
    Fd in_fd;
    struct stat st;
    if (!open_input(name, in_fd, st)) return;
    CompressOptions c = compress_options();
    if (o_.store_name) {
      c.header.has_name = true;
      c.header.name = base_name(name);
      c.header.mtime = st.st_mtim.tv_sec > 0 && st.st_mtim.tv_sec <= 0xffffffffLL
                           ? static_cast<uint32_t>(st.st_mtim.tv_sec) : 0;
    }
    FdInput in(in_fd.fd);
    std::string out_name = name + o_.suffix;
    try {
      CompressResult r;
      if (o_.to_stdout) {
        FdOutput out(STDOUT_FILENO);
        r = compress_gzip(in, out, c);
      } else {
        if (!may_write(out_name)) return;
        std::optional<OutputFile> out;
        try {
          out.emplace(out_name);
        } catch (const Error& e) {
          fail(out_name, e);
          return;
        }
        try {
          r = compress_gzip(in, out->stream(), c);
          out->set_metadata(st);
          out->commit(o_.force, o_.synchronous);
        } catch (const Error& e) {
          fail(e.kind() == Error::Kind::read ? name : out_name, e);
          return;
        }
      }
      long long header = static_cast<long long>(write_gzip_header(c.header).size()) + 8;
      std::string ratio = format_ratio(static_cast<long long>(r.in_bytes) - (static_cast<long long>(r.out_bytes) - header),
                                       static_cast<long long>(r.in_bytes));
      remove_input(name);
      if (o_.to_stdout)
        report_.info(name + ":\t" + ratio + "\n");
      else
        report_.info(name + ":\t" + ratio + " -- " + (o_.keep ? "created " : "replaced with ") + out_name + "\n");
    } catch (const Error& e) {
      fail(name, e);
    }
  }

  void decompress_file(const std::string& name, bool top_level) {
    const bool testing = o_.mode == Mode::test;
    std::string out_name;
    if (!o_.to_stdout && !testing) {
      auto stem = decompressed_name(name, o_.suffix);
      if (!stem) {
        if (top_level) report_.warning(name + ": unknown suffix -- ignored");
        return;
      }
      out_name = *stem;
    }
    Fd in_fd;
    struct stat st;
    if (!open_input(name, in_fd, st)) return;
    FdInput in(in_fd.fd);
    try {
      if (testing) {
        NullOutput null;
        decompress_one(name, in, null);
        report_.info(name + ":\t OK\n");
        return;
      }
      if (o_.to_stdout) {
        FdOutput out(STDOUT_FILENO);
        decompress_one(name, in, out);
        return;
      }
      // With -N the stored name is used, but it is only known once the header is read:
      // the output goes to a temporary file whose final name is settled at commit.
      std::optional<GzipHeader> header = o_.restore_name ? peek_header(in_fd.fd) : std::nullopt;
      if (header && header->has_name) {
        std::string stored = base_name(header->name);
        if (!stored.empty() && stored != "." && stored != "..") out_name = dir_name(name) + stored;
      }
      if (!may_write(out_name)) return;
      std::optional<OutputFile> out;
      try {
        out.emplace(out_name);
      } catch (const Error& e) {
        fail(out_name, e);
        return;
      }
      std::optional<DecompressResult> r;
      try {
        r = decompress_one(name, in, out->stream());
        out->set_metadata(st);
        if (header && header->mtime) out->set_mtime(header->mtime);
        out->commit(o_.force, o_.synchronous);
      } catch (const Error& e) {
        fail(e.kind() == Error::Kind::write ? out_name : name, e);
        return;
      }
      remove_input(name);
      report_.info(name + ":\t" +
                   format_ratio(static_cast<long long>(r->out_bytes) - static_cast<long long>(r->in_bytes),
                                static_cast<long long>(r->out_bytes)) +
                   " -- " + (o_.keep ? "created " : "replaced with ") + out_name + "\n");
    } catch (const Error& e) {
      fail(name, e);
    }
  }

  // The first member's header, read with pread so the stream position is unchanged.
  static std::optional<GzipHeader> peek_header(int fd) {
    std::vector<uint8_t> buf(1 << 16);
    for (;;) {
      ssize_t n = pread(fd, buf.data(), buf.size(), 0);
      if (n <= 0) return std::nullopt;
      GzipHeader h;
      size_t used = 0;
      HeaderStatus s = parse_gzip_header(buf.data(), static_cast<size_t>(n), h, used);
      if (s == HeaderStatus::ok) return h;
      if (s != HeaderStatus::need_more || static_cast<size_t>(n) < buf.size() || buf.size() >= (1u << 24))
        return std::nullopt;
      buf.resize(buf.size() * 4);
    }
  }

  void list_file(const std::string& name, bool top_level) {
    if (!decompressed_name(name, o_.suffix) && !top_level) return;
    Fd fd;
    struct stat st;
    fd.fd = open(name.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd.fd < 0 || fstat(fd.fd, &st) != 0) {
      report_.error(name + ": " + std::strerror(errno));
      return;
    }
    std::string shown = decompressed_name(name, o_.suffix).value_or(name);
    lister_.list_stream(fd.fd, shown, report_, name);
  }

  const Options& o_;
  Reporter report_;
  Lister lister_;
};

extern "C" void on_fatal_signal(int sig) {
  remove_temporary_files_from_signal();
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

}  // namespace

void install_signal_handlers() {
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction sa = {};
    sa.sa_handler = on_fatal_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, nullptr);
  }
}

int run(const Options& options) { return Runner(options).run(); }

}  // namespace rigz::cli
