#include "cli/run.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
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

// Whether rigz runs in the foreground (SIGINT was not ignored when it started, as gzip
// decides it): only then does it ask before overwriting a file.
bool g_foreground = true;

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
      if (stop_) break;
      if (f == "-")
        process_stdin();
      else
        process_path(f);
    }
    if (o_.mode == Mode::list) lister_.finish();
    return report_.exit_code();
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
  bool testing() const { return o_.mode == Mode::test; }
  bool listing() const { return o_.mode == Mode::list; }
  // gzip's to_stdout, which -t and -l imply: no output file, and the checks that
  // protect input files (links, set-id bits) do not apply.
  bool no_output_file() const { return o_.to_stdout || testing() || listing(); }
  // The messages that -r keeps quiet unless -v: "already has .gz suffix", "unknown suffix".
  bool name_warnings() const { return o_.verbosity > 1 || (!o_.recursive && o_.verbosity > 0); }

  // Reports an exception from the library for `name` (the input, or the output for
  // write errors). A reader that went away (EPIPE) ends the run quietly, as gzip's
  // SIGPIPE does.
  void fail(const std::string& name, const Error& e) {
    if (e.kind() == Error::Kind::broken_pipe) {
      report_.silent_error();
      stop_ = true;
      return;
    }
    // gzip's messages about the file itself ("is encrypted", "has flags") follow its
    // name after a space, the others after a colon.
    const std::string what = e.what();
    const bool about_file = what.rfind("is ", 0) == 0 || what.rfind("has ", 0) == 0;
    report_.error(name + (about_file ? " " : ": ") + what);
  }

  // Decompresses, turning trailing garbage into gzip's warning.
  DecompressResult decompress_one(const std::string& name, InputStream& in, OutputStream& out) {
    DecompressOptions d;
    d.pass_through = o_.force && o_.to_stdout && o_.mode == Mode::decompress;
    d.threads = o_.threads;
    auto r = decompress_gzip(in, out, d);
    if (r.trailing_garbage) report_.warning(name + ": decompression OK, trailing garbage ignored");
    return r;
  }

  static std::string compress_ratio(const CompressResult& r, const CompressOptions& c) {
    // gzip's: the input against the output without its header and trailer.
    long long overhead = static_cast<long long>(write_gzip_header(c.header).size() + kGzipTrailerSize);
    return format_ratio(static_cast<long long>(r.in_bytes) - (static_cast<long long>(r.out_bytes) - overhead),
                        static_cast<long long>(r.in_bytes));
  }

  static std::string decompress_ratio(const DecompressResult& r, size_t header_length) {
    long long overhead = static_cast<long long>(header_length + kGzipTrailerSize);
    return format_ratio(static_cast<long long>(r.out_bytes) - (static_cast<long long>(r.in_bytes) - overhead),
                        static_cast<long long>(r.out_bytes));
  }

  void process_stdin() {
    if (listing()) {
      lister_.list_stream(STDIN_FILENO, "stdout", report_);
      return;
    }
    if (compressing() && !o_.force && isatty(STDOUT_FILENO)) {
      report_.error("compressed data not written to a terminal. Use -f to force compression.\nFor help, type: rigz -h");
      return;
    }
    if (!compressing() && !o_.force && isatty(STDIN_FILENO)) {
      report_.error(
          "compressed data not read from a terminal. Use -f to force decompression.\nFor help, type: rigz -h");
      return;
    }
    FdInput in(STDIN_FILENO);
    FdOutput out(STDOUT_FILENO);
    try {
      if (compressing()) {
        CompressOptions c = compress_options();
        c.header.mtime = 0;  // standard input: no name, no time
        auto r = compress_gzip(in, out, c);
        report_.info(compress_ratio(r, c) + "\n");
      } else if (testing()) {
        NullOutput null;
        decompress_one("stdin", in, null);
        report_.info(" OK\n");
      } else {
        decompress_one("stdin", in, out);
      }
    } catch (const Error& e) {
      fail(e.kind() == Error::Kind::write ? "stdout" : "stdin", e);
    }
  }

  // gunzip NAME, when NAME does not exist, looks for NAME.gz, NAME.z, ... Returns the
  // name found, or nothing after reporting gzip's error.
  std::optional<std::string> find_compressed(const std::string& path) {
    if (!compressed_suffix(path, o_.suffix)) {
      for (const auto& s : lookup_suffixes(o_.suffix)) {
        struct stat st;
        if (lstat((path + s).c_str(), &st) == 0) return path + s;
        if (errno != ENOENT) {
          report_.error(path + s + ": " + std::strerror(errno));
          return std::nullopt;
        }
      }
      report_.error(path + o_.suffix + ": " + std::strerror(ENOENT));
      return std::nullopt;
    }
    report_.error(path + ": " + std::strerror(ENOENT));
    return std::nullopt;
  }

  // One file or directory of the command line or of a -r walk, in gzip's order: open
  // it, check what it is, then settle the output name.
  void process_path(const std::string& path) {
    std::string name = path;
    struct stat st;
    if (lstat(name.c_str(), &st) != 0) {
      if (errno != ENOENT || compressing()) {
        report_.error(path + ": " + std::strerror(errno));
        return;
      }
      auto found = find_compressed(path);
      if (!found) return;
      name = *found;
    }
    // Symbolic links are followed only with -f, -c, -t or -l (gzip opens with O_NOFOLLOW
    // otherwise, hence its message). O_NONBLOCK: opening a FIFO must not hang.
    Fd fd;
    int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (o_.force || no_output_file() ? 0 : O_NOFOLLOW);
    fd.fd = open(name.c_str(), flags);
    if (fd.fd < 0 || fstat(fd.fd, &st) != 0) {
      report_.error(name + ": " + std::strerror(errno));
      return;
    }
    if (S_ISDIR(st.st_mode)) {
      close(fd.fd);
      fd.fd = -1;
      if (o_.recursive)
        walk(name);
      else
        report_.warning(name + " is a directory -- ignored");
      return;
    }
    if (!no_output_file()) {
      if (!S_ISREG(st.st_mode)) return report_.warning(name + " is not a directory or a regular file - ignored");
      if (st.st_mode & S_ISUID) return report_.warning(name + " is set-user-ID on execution - ignored");
      if (st.st_mode & S_ISGID) return report_.warning(name + " is set-group-ID on execution - ignored");
      if (!o_.force) {
        if (st.st_mode & S_ISVTX) return report_.warning(name + " has the sticky bit set - file ignored");
        if (st.st_nlink > 1) {
          unsigned long others = static_cast<unsigned long>(st.st_nlink - 1);
          return report_.warning(name + " has " + std::to_string(others) + " other link" + (others > 1 ? "s" : "") +
                                 " -- file ignored");
        }
      }
    }
    int fl = fcntl(fd.fd, F_GETFL);
    if (fl >= 0) fcntl(fd.fd, F_SETFL, fl & ~O_NONBLOCK);
    switch (o_.mode) {
      case Mode::compress:
        compress_file(name, fd.fd, st);
        break;
      case Mode::decompress:
      case Mode::test:
        decompress_file(name, fd.fd, st);
        break;
      case Mode::list:
        list_file(name, fd.fd);
        break;
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
    for (const auto& e : entries) {
      if (stop_) break;
      process_path(prefix + e);
    }
  }

  // Before writing `out`: without -f an existing file is kept; gzip asks on a terminal
  // (in the foreground) and says so even with -q. `overwrite` tells commit() whether
  // it may replace a file of that name (-f, or the answer was yes).
  bool may_write(const std::string& out, bool& overwrite) {
    // A name too long for its directory fails before any work (gzip shortens it).
    std::string dir = dir_name(out);
    long name_max = pathconf(dir.empty() ? "." : dir.c_str(), _PC_NAME_MAX);
    if (name_max > 0 && base_name(out).size() > static_cast<size_t>(name_max)) {
      report_.error(out + ": " + std::strerror(ENAMETOOLONG));
      return false;
    }
    struct stat st;
    overwrite = o_.force;
    if (o_.force || lstat(out.c_str(), &st) != 0) return true;
    std::fprintf(stderr, "rigz: %s already exists;", out.c_str());
    if (g_foreground && isatty(STDIN_FILENO)) {
      std::fprintf(stderr, " do you wish to overwrite (y or n)? ");
      std::fflush(stderr);
      int first = std::getchar(), c = first;
      while (c != '\n' && c != EOF) c = std::getchar();  // the rest of the answer's line
      if (first == 'y' || first == 'Y') return overwrite = true;
    }
    std::fprintf(stderr, "\tnot overwritten\n");
    report_.silent_warning();
    return false;
  }

  void remove_input(const std::string& name) {
    if (o_.keep || no_output_file()) return;
    if (unlink(name.c_str()) != 0) report_.error(name + ": " + std::strerror(errno));
  }

  void compress_file(const std::string& name, int in_fd, const struct stat& st) {
    std::string out_name;
    if (!o_.to_stdout) {
      if (auto suffix = compressed_suffix(name, o_.suffix); suffix && !o_.force) {
        if (name_warnings())
          std::fprintf(stderr, "rigz: %s already has %s suffix -- unchanged\n", name.c_str(), suffix->c_str());
        return;
      }
      out_name = name + o_.suffix;
    } else if (!o_.force && isatty(STDOUT_FILENO)) {
      report_.error("compressed data not written to a terminal. Use -f to force compression.\nFor help, type: rigz -h");
      stop_ = true;
      return;
    }
    CompressOptions c = compress_options();
    if (o_.store_name) {
      c.header.has_name = true;
      c.header.name = base_name(name);
      c.header.mtime =
          st.st_mtim.tv_sec > 0 && st.st_mtim.tv_sec <= 0xffffffffLL ? static_cast<uint32_t>(st.st_mtim.tv_sec) : 0;
    }
    FdInput in(in_fd);
    CompressResult r;
    if (o_.to_stdout) {
      FdOutput out(STDOUT_FILENO);
      try {
        r = compress_gzip(in, out, c);
      } catch (const Error& e) {
        fail(e.kind() == Error::Kind::write ? "stdout" : name, e);
        return;
      }
      report_.info(name + ":\t" + compress_ratio(r, c) + " -- " + (o_.keep ? "created" : "replaced with") +
                   " stdout\n");
      return;
    }
    bool overwrite = false;
    if (!may_write(out_name, overwrite)) return;
    try {
      OutputFile out(out_name);
      r = compress_gzip(in, out.stream(), c);
      out.set_metadata(st);
      out.commit(overwrite, o_.synchronous);
    } catch (const Error& e) {
      fail(e.kind() == Error::Kind::read ? name : out_name, e);
      return;
    }
    remove_input(name);
    report_.info(name + ":\t" + compress_ratio(r, c) + " -- " + (o_.keep ? "created " : "replaced with ") + out_name +
                 "\n");
  }

  void decompress_file(const std::string& name, int in_fd, const struct stat& st) {
    // The output name first (gzip's make_ofname): -c needs none; -t takes any name, but
    // with -r only compressed ones.
    std::string out_name;
    if (!o_.to_stdout || testing()) {
      auto stem = decompressed_name(name, o_.suffix);
      if (!stem && (o_.recursive || !testing())) {
        if (name_warnings()) report_.warning(name + ": unknown suffix -- ignored");
        return;
      }
      if (stem) out_name = *stem;
    }
    // Then the header, before anything is created: a file that is not gzip is an
    // error even where the output exists.
    const bool pass_through = o_.force && o_.to_stdout && o_.mode == Mode::decompress;
    size_t header_length = 10;
    std::optional<GzipHeader> header;
    if (S_ISREG(st.st_mode) && !pass_through) {
      HeaderCheck hc = read_first_header(in_fd);
      if (hc.state != HeaderCheck::State::ok) {
        report_.error(name + hc.problem);
        return;
      }
      header = hc.header;
      header_length = hc.length;
    }
    FdInput in(in_fd);
    if (testing()) {
      NullOutput null;
      try {
        decompress_one(name, in, null);
      } catch (const Error& e) {
        fail(name, e);
        return;
      }
      report_.info(name + ":\t OK\n");
      return;
    }
    DecompressResult r;
    if (o_.to_stdout) {
      FdOutput out(STDOUT_FILENO);
      try {
        r = decompress_one(name, in, out);
      } catch (const Error& e) {
        fail(e.kind() == Error::Kind::write ? "stdout" : name, e);
        return;
      }
      report_.info(name + ":\t" + decompress_ratio(r, header_length) + " -- " +
                   (o_.keep ? "created" : "replaced with") + " stdout\n");
      return;
    }
    // -N: the stored name (its last component), beside the compressed file.
    if (o_.restore_name && header && header->has_name) {
      std::string stored = base_name(header->name);
      if (!stored.empty() && stored != "." && stored != "..") out_name = dir_name(name) + stored;
    }
    bool overwrite = false;
    if (!may_write(out_name, overwrite)) return;
    try {
      OutputFile out(out_name);
      r = decompress_one(name, in, out.stream());
      out.set_metadata(st);
      if (o_.restore_name && header && header->mtime) out.set_mtime(header->mtime);
      out.commit(overwrite, o_.synchronous);
    } catch (const Error& e) {
      fail(e.kind() == Error::Kind::write ? out_name : name, e);
      return;
    }
    remove_input(name);
    report_.info(name + ":\t" + decompress_ratio(r, header_length) + " -- " +
                 (o_.keep ? "created " : "replaced with ") + out_name + "\n");
  }

  void list_file(const std::string& name, int fd) {
    auto stem = decompressed_name(name, o_.suffix);
    if (!stem && o_.recursive) return;  // -lr lists compressed names only
    lister_.list_stream(fd, stem.value_or(name), report_, name);
  }

  const Options& o_;
  Reporter report_;
  Lister lister_;
  bool stop_ = false;  // the output went away: nothing more can be written
};

// Signals that end rigz: partial outputs are removed, then the signal takes its
// default course (the exit status says which signal it was).
constexpr int kFatalSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGXCPU, SIGXFSZ};

extern "C" void on_fatal_signal(int sig) {
  remove_temporary_files_from_signal();
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

}  // namespace

void install_signal_handlers() {
  for (int sig : kFatalSignals) {
    // A signal ignored by whoever started rigz (nohup, a background job) stays ignored.
    struct sigaction old = {};
    if (sigaction(sig, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) {
      if (sig == SIGINT) g_foreground = false;
      continue;
    }
    struct sigaction sa = {};
    sa.sa_handler = on_fatal_signal;
    sigemptyset(&sa.sa_mask);
    for (int s : kFatalSignals) sigaddset(&sa.sa_mask, s);
    sigaction(sig, &sa, nullptr);
  }
}

int run(const Options& options) { return Runner(options).run(); }

}  // namespace rigz::cli
