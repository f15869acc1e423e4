#include "cli/run.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/list.h"
#include "cli/names.h"
#include "cli/reporter.h"
#include "compress/compress.h"
#include "decompress/decompress.h"
#include "decompress/lzw.h"
#include "decompress/pack.h"
#include "format/deflate_container.h"
#include "format/zip_format.h"
#include "io/error.h"
#include "io/output_file.h"
#include "io/peek_input.h"
#include "io/progress.h"

namespace rigz::cli {
namespace {

// Whether rigz runs in the foreground (SIGINT was not ignored when it started, as gzip
// decides it): only then does it ask before overwriting a file.
bool g_foreground = true;

// How many bytes of an input are looked at to tell gzip, zlib and zip apart.
constexpr size_t kPeekSize = 4096;

// The message for SIGBUS: inputs are mapped (io/file_map.h), and a mapped file that
// shrinks while it is read faults where read() would have returned its new end (as does
// a page that the disk fails to read, where read() would have said EIO). A fixed buffer,
// written before each input is opened, that the handler only reads.
constinit char g_fault_message[4200] = {};
constinit std::atomic<size_t> g_fault_message_len{0};

void set_fault_message(const std::string& name) {
  g_fault_message_len.store(0);
  const std::string msg = "rigz: " + name + ": read error: the file shrank, or its storage failed, while it was read\n";
  const size_t n = std::min(msg.size(), sizeof g_fault_message);
  std::memcpy(g_fault_message, msg.data(), n);
  g_fault_message_len.store(n);
}

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
    if (compressing() && o_.format == Format::zlib && o_.comment)
      report_.warning("can't store comment in zlib format -- ignoring");
    std::vector<std::string> files = o_.files;
    if (files.empty()) files.push_back("-");
    // pigz's warning: zip files one after another on stdout make no zip file that pigz (or
    // rigz) reads past the first. The output is written all the same.
    if (compressing() && o_.format == Format::zip && o_.to_stdout && files.size() > 1)
      report_.warning("warning: output will be concatenated zip files -- rigz will not be able to extract");
    for (const auto& f : files) {
      if (stop_) break;
      if (f == "-")
        process_stdin();
      else
        process_path(f);
    }
    if (o_.mode == Mode::list) {
      lister_.finish();
      if (int err = stdout_error()) {
        const std::string& name = lister_.last_name();
        report_.error((name.empty() ? "" : name + ": ") + std::strerror(err), true);
      }
    }
    return report_.exit_code();
  }

 private:
  // What a job did, for -v: bytes read and written, and how many of the compressed
  // ones are headers and trailers (gzip's ratio leaves them out).
  struct Outcome {
    uint64_t in = 0, out = 0, overhead = 0;
    bool trailing_garbage = false;  // decompressed, with a warning
    bool trailing_zeros = false;    // decompressed, zero bytes after the data (a warning with -v)
    bool more_entries = false;      // a zip file's first entry only, with a warning
  };

  // The input as a compressed header records it.
  struct Source {
    bool is_stdin = false;
    std::string name;  // base name
    time_t mtime = 0;
    bool has_time = false;  // a regular file (gzip stores no time for a FIFO or a device)
  };

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
  // gzip -cdf (and -tf, which writes to no file either, and -df of standard input, which
  // goes to standard output): data that is not compressed is copied as it is.
  bool pass_through(bool writes_stdout) const {
    return o_.force && (writes_stdout || testing()) && (o_.mode == Mode::decompress || testing());
  }

  // Reports an exception from the library for `name` (the input, or the output for
  // write errors). A reader that went away (EPIPE) ends the run quietly, as gzip's
  // SIGPIPE does.
  void fail(const std::string& name, const Error& e) {
    if (e.kind() == Error::Kind::broken_pipe) {
      report_.silent_error();
      stop_ = true;
      return;
    }
    // Messages about writing start on a new line ("\nrigz: f.gz: No space left on device").
    report_.error(file_message(name, e.what()), e.kind() == Error::Kind::write);
  }

  // fail() for a job from `input` to standard output. Standard output that failed fails the
  // next file too: the run stops there, as gzip's (which stops at any write error; rigz goes
  // on with the next output file, since a failed one is removed and frees its space).
  void fail_to_stdout(const std::string& input, const Error& e) {
    const bool writing = e.kind() == Error::Kind::write;
    fail(writing ? "stdout" : input, e);
    if (writing) stop_ = true;
  }

  // The progress line for a job reading `fd`, when it is to be shown: with --progress,
  // or on a terminal (stderr) for a job that lasts more than a second, unless -q, or
  // the output goes to standard output and that is the same kind of terminal.
  std::unique_ptr<Progress> start_progress(const std::string& label, int fd, bool writes_stdout) const {
    if (o_.progress == ProgressMode::never || listing()) return nullptr;
    const bool forced = o_.progress == ProgressMode::always;
    if (!forced && (o_.verbosity < 1 || !isatty(STDERR_FILENO) || (writes_stdout && isatty(STDOUT_FILENO))))
      return nullptr;
    uint64_t total = 0;
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
      off_t at = lseek(fd, 0, SEEK_CUR);
      if (at >= 0 && at < st.st_size) total = static_cast<uint64_t>(st.st_size - at);
    }
    using std::chrono::milliseconds;
    return std::make_unique<Progress>(STDERR_FILENO, "rigz: " + label, total, milliseconds(forced ? 0 : 1000));
  }

  // -Y: the directory entry of a committed file reaches the disk too.
  void sync_directory(const std::string& file) {
    std::string dir = dir_name(file);
    Fd d;
    d.fd = open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (d.fd >= 0 && fsync(d.fd) != 0 && errno != EINVAL && errno != EROFS)
      report_.error(file + ": " + std::strerror(errno));
  }
  // -Y with -c: standard output, when it is a file that can be synced.
  void sync_stdout() {
    if (o_.synchronous && fsync(STDOUT_FILENO) != 0 && errno != EINVAL && errno != EROFS && errno != EBADF)
      report_.error(std::string("stdout: ") + std::strerror(errno));
  }

  // Compresses `in` in the format and with the strategy of the options: rigz's parallel
  // gzip members, or (-z, -K, -H, -U) one deflate stream made by zlib.
  Outcome compress_stream(InputStream& in, OutputStream& out, const Source& src) const {
    GzipHeader h;
    if (!src.is_stdin) {  // standard input: no name, no time (gzip's rule)
      if (o_.store_name) {
        h.has_name = true;
        h.name = src.name;
      }
      if (o_.store_time && src.mtime > 0 && src.mtime <= 0xffffffffLL) h.mtime = static_cast<uint32_t>(src.mtime);
    }
    if (o_.comment) {
      h.has_comment = true;
      h.comment = *o_.comment;
    }
    if (o_.format == Format::gzip && o_.strategy == Strategy::normal) {
      CompressOptions c = compress_options();
      c.header = h;
      auto r = compress_gzip(in, out, c);
      return {r.in_bytes, r.out_bytes, write_gzip_header(c.header).size() + kGzipTrailerSize};
    }
    ContainerCompressOptions c;
    c.container = o_.format == Format::zlib  ? Container::zlib
                  : o_.format == Format::zip ? Container::zip
                                             : Container::gzip;
    c.level = o_.level;
    c.strategy = o_.strategy == Strategy::huffman ? Z_HUFFMAN_ONLY : o_.strategy == Strategy::rle ? Z_RLE : 0;
    c.threads = o_.threads;
    c.block_size = o_.block_size;
    c.independent = o_.independent;
    c.header = h;
    if (c.container == Container::zip) {
      // As pigz: the entry from standard input is named "-" (or -A's name), and without
      // -n the time is that of the input (of standard input: its file's, or now).
      c.entry.name = src.is_stdin ? o_.alias.value_or("-") : o_.store_name ? src.name : "-";
      const time_t t = src.mtime > 0 && src.mtime <= 0xffffffffLL ? src.mtime : 0;
      c.entry.mtime = o_.store_time ? static_cast<uint32_t>(t) : 0;
      c.entry.dos_time = dos_datetime(c.entry.mtime ? static_cast<time_t>(c.entry.mtime) : std::time(nullptr));
      c.entry.comment = o_.comment.value_or("");
      if (c.entry.name.size() > 0xffff) throw Error(Error::Kind::usage, "name too long for a zip entry");
      if (c.entry.comment.size() > 0xffff) throw Error(Error::Kind::usage, "comment too long for a zip entry");
    }
    auto r = compress_container(in, out, c);
    return {r.in_bytes, r.out_bytes, r.overhead};
  }

  // Decompresses `in` (a PeekInput: its first bytes tell the format): gzip (or, with
  // -cdf or -df of standard input, anything else, copied), zlib, or the first entry of a
  // zip file.
  // `gzip_header_length` is that of the first gzip header when known (for -v).
  Outcome expand(PeekInput& in, OutputStream& out, size_t gzip_header_length, bool writes_stdout) const {
    switch (detect_container(in.data(), in.size())) {
      case Detected::zlib: {
        auto r = decompress_zlib(in, out);
        return {r.in_bytes, r.out_bytes, r.overhead, r.trailing_garbage, false, false};
      }
      case Detected::zip: {
        auto r = decompress_zip(in, out);
        return {r.in_bytes, r.out_bytes, r.overhead, false, false, r.more_entries};
      }
      case Detected::lzw: {  // gzip's ratio for .Z counts the whole file as data
        auto r = decompress_lzw(in, out);
        return {r.in_bytes, r.out_bytes, 0, false, false, false};
      }
      case Detected::pack: {  // gzip goes on after the stream: another one, gzip members
        DecompressOptions d;
        d.pass_through = pass_through(writes_stdout);
        d.threads = o_.threads;
        auto r = decompress_pack_and_rest(in, out, d);
        return {r.in_bytes, r.out_bytes, 0, r.trailing_garbage, r.trailing_zeros, false};
      }
      default: {
        DecompressOptions d;
        d.pass_through = pass_through(writes_stdout);
        d.threads = o_.threads;
        auto r = decompress_gzip(in, out, d);
        // gzip's ratio leaves out one header and trailer, and none when anything follows
        // the first member (another member, zeros or garbage).
        const bool one_member = r.members <= 1 && !r.trailing_garbage && !r.trailing_zeros;
        return {r.in_bytes,         r.out_bytes,      one_member ? gzip_header_length + kGzipTrailerSize : 0,
                r.trailing_garbage, r.trailing_zeros, false};
      }
    }
  }

  // -v: gzip writes "NAME:\t" when a file's job starts (its header read, its output
  // created) and the rest of the line when it ends, so that messages about the data
  // ("\nrigz: f.gz: ...") come between the two. With a progress line on the terminal
  // the name waits until that line is gone.
  void announce(const std::string& name, bool now) {
    if (now && !name.empty()) report_.info(name + ":\t");
  }

  // Runs `job` on the input `fd`, counted for a progress line when one is shown, with the
  // -v name announced before the job or, with a progress line, after it is gone.
  template <typename Job>
  Outcome with_progress(const std::string& name, int fd, bool writes_stdout, const std::string& verbose_name, Job job) {
    Outcome r;
    bool progress_shown = false;
    {
      auto progress = start_progress(name, fd, writes_stdout);
      progress_shown = progress != nullptr;
      announce(verbose_name, !progress_shown);
      set_fault_message(name);
      FdInput raw(fd, /*map=*/true);
      CountingInput counted(raw, progress.get());
      r = job(counted);
    }
    announce(verbose_name, progress_shown);
    return r;
  }

  // Runs expand() on `fd` with a progress line; the warnings it gives come after the
  // line is gone. `verbose_name` is announced (-v) for a file, empty for stdin.
  Outcome expand_fd(const std::string& name, int fd, OutputStream& out, size_t gzip_header_length, bool writes_stdout,
                    const std::string& verbose_name = "") {
    Outcome r = with_progress(name, fd, writes_stdout, verbose_name, [&](InputStream& counted) {
      PeekInput in(counted, kPeekSize);
      return expand(in, out, gzip_header_length, writes_stdout);
    });
    if (r.trailing_garbage) report_.warning(name + ": decompression OK, trailing garbage ignored");
    // gzip ignores zero bytes after the last member silently, but with -v it warns of
    // them (exit status 2).
    if (r.trailing_zeros && o_.verbosity > 1) report_.warning(name + ": decompression OK, trailing zero bytes ignored");
    if (r.more_entries) report_.warning(name + " has more than one entry--rest ignored");
    return r;
  }

  Outcome compress_fd(const std::string& name, int fd, OutputStream& out, const Source& src, bool writes_stdout,
                      const std::string& verbose_name = "") {
    return with_progress(name, fd, writes_stdout, verbose_name, [&](InputStream& in) {
      // gzip's warning (after -v's "NAME:\t", exit status 2) for a time that a gzip header
      // cannot hold: up to 1970-01-01 00:00:00 (0 means no time) or after 2106-02-07
      // 06:28:15. 0 is stored.
      if (src.has_time && o_.format == Format::gzip && o_.store_time && (src.mtime <= 0 || src.mtime > 0xffffffffLL))
        report_.warning(name + ": warning: file timestamp out of range for gzip format");
      return compress_stream(in, out, src);
    });
  }

  static std::string compress_ratio(const Outcome& r) {
    // gzip's: the input against the output without its header and trailer.
    return format_ratio(
        static_cast<long long>(r.in) - (static_cast<long long>(r.out) - static_cast<long long>(r.overhead)),
        static_cast<long long>(r.in));
  }

  static std::string decompress_ratio(const Outcome& r) {
    return format_ratio(
        static_cast<long long>(r.out) - (static_cast<long long>(r.in) - static_cast<long long>(r.overhead)),
        static_cast<long long>(r.out));
  }

  // gzip's refusal to write compressed data to a terminal or read it from one: exit 1,
  // and the message unless -q.
  void refuse_terminal(const char* direction, const char* de) {
    if (o_.verbosity < 1) return report_.silent_error();
    report_.error(std::string("compressed data not ") + direction + " a terminal. Use -f to force " + de +
                  "compression.\nFor help, type: rigz -h");
  }

  void process_stdin() {
    if (listing()) {
      lister_.list_stream(STDIN_FILENO, "stdout", report_);
      return;
    }
    if (compressing() && !o_.force && isatty(STDOUT_FILENO)) {
      refuse_terminal("written to", "");
      return;
    }
    if (!compressing() && !o_.force && isatty(STDIN_FILENO)) {
      refuse_terminal("read from", "de");
      return;
    }
    FdOutput out(STDOUT_FILENO);
    try {
      if (compressing()) {
        Source src;
        src.is_stdin = true;
        struct stat st;
        src.mtime = fstat(STDIN_FILENO, &st) == 0 && S_ISREG(st.st_mode) ? st.st_mtime : std::time(nullptr);
        auto r = compress_fd("stdin", STDIN_FILENO, out, src, true);
        sync_stdout();
        report_.info(compress_ratio(r) + "\n");
      } else if (testing()) {
        NullOutput null;
        expand_fd("stdin", STDIN_FILENO, null, 10, false);
        report_.info(" OK\n");
      } else {
        expand_fd("stdin", STDIN_FILENO, out, 10, true);
        sync_stdout();
      }
    } catch (const Error& e) {
      fail_to_stdout("stdin", e);
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
        // An empty name is left out of the message, as gzip's perror("") leaves it.
        report_.error((path.empty() ? "" : path + ": ") + std::strerror(errno));
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
    // The whole listing first, as gzip and pigz read it (the outputs land in the same
    // directory), then in readdir's order, theirs too: `rigz -rc dir` concatenates the
    // files in the order gzip's and pigz's output does on the same file system.
    std::vector<std::string> entries;
    while (dirent* e = readdir(d)) {
      if (std::strcmp(e->d_name, ".") && std::strcmp(e->d_name, "..")) entries.push_back(e->d_name);
    }
    closedir(d);
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

  // A file that grew or shrank while it was compressed: its output holds what was read,
  // and gzip says so, even with -q, without changing the exit status.
  void note_size_change(const std::string& name, const struct stat& st, const Outcome& r) {
    if (S_ISREG(st.st_mode) && r.in != static_cast<uint64_t>(st.st_size))
      report_.note(name + ": file size changed while zipping");
  }

  // The suffix that keeps `name` from being compressed: gzip's list (and -S) for gzip
  // output; for zlib and zip output only their own suffix, as pigz has it (`rigz -z f.gz`
  // writes f.gz.zz, a zlib stream of a gzip file).
  std::optional<std::string> already_suffixed(const std::string& name) const {
    return o_.format == Format::gzip ? compressed_suffix(name, o_.suffix) : own_suffix(name, o_.suffix);
  }

  void compress_file(const std::string& name, int in_fd, const struct stat& st) {
    std::string out_name;
    if (!o_.to_stdout) {
      if (auto suffix = already_suffixed(name); suffix && !o_.force) {
        if (name_warnings())
          std::fprintf(stderr, "rigz: %s already has %s suffix -- unchanged\n", name.c_str(), suffix->c_str());
        return;
      }
      out_name = name + o_.suffix;
    } else if (!o_.force && isatty(STDOUT_FILENO)) {
      refuse_terminal("written to", "");
      stop_ = true;
      return;
    }
    Source src;
    src.name = base_name(name);
    src.has_time = S_ISREG(st.st_mode);
    src.mtime = src.has_time ? st.st_mtim.tv_sec : 0;
    Outcome r;
    if (o_.to_stdout) {
      FdOutput out(STDOUT_FILENO);
      try {
        r = compress_fd(name, in_fd, out, src, true, name);
        note_size_change(name, st, r);
        sync_stdout();
      } catch (const Error& e) {
        fail_to_stdout(name, e);
        return;
      }
      report_.info(compress_ratio(r) + " -- " + (o_.keep ? "created" : "replaced with") + " stdout\n");
      return;
    }
    bool overwrite = false;
    if (!may_write(out_name, overwrite)) return;
    try {
      OutputFile out(out_name);
      r = compress_fd(name, in_fd, out.stream(), src, false, name);
      note_size_change(name, st, r);
      out.set_metadata(st);
      out.commit(overwrite, o_.synchronous);
    } catch (const Error& e) {
      fail(e.kind() == Error::Kind::read || e.kind() == Error::Kind::usage ? name : out_name, e);
      return;
    }
    if (o_.synchronous) sync_directory(out_name);
    remove_input(name);
    report_.info(compress_ratio(r) + " -- " + (o_.keep ? "created " : "replaced with ") + out_name + "\n");
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
    // Then the header, before anything is created: a file that is not gzip (or zlib,
    // or zip) is an error even where the output exists.
    size_t header_length = 10;
    std::optional<HeaderCheck> header;
    if (S_ISREG(st.st_mode) && !pass_through(o_.to_stdout)) {
      HeaderCheck hc = read_first_header(in_fd);
      if (hc.state != HeaderCheck::State::ok) {
        report_.error(name + hc.problem);
        return;
      }
      header = hc;
      header_length = hc.length;
    }
    if (testing()) {
      NullOutput null;
      try {
        expand_fd(name, in_fd, null, header_length, false, name);
      } catch (const Error& e) {
        fail(name, e);
        return;
      }
      report_.info(" OK\n");
      return;
    }
    Outcome r;
    if (o_.to_stdout) {
      FdOutput out(STDOUT_FILENO);
      try {
        r = expand_fd(name, in_fd, out, header_length, true, name);
        sync_stdout();
      } catch (const Error& e) {
        fail_to_stdout(name, e);
        return;
      }
      report_.info(decompress_ratio(r) + " -- " + (o_.keep ? "created" : "replaced with") + " stdout\n");
      return;
    }
    // -N: the stored name (its last component), beside the compressed file; -M: the
    // stored time.
    std::string stored;
    time_t stored_time = 0;
    if (header && header->kind == Detected::gzip) {
      if (header->header.has_name) stored = base_name(header->header.name);
      stored_time = header->header.mtime;
    } else if (header && header->kind == Detected::zip) {
      stored = base_name(header->entry.name);
      if (stored == "-") stored.clear();  // standard input's entry
      stored_time = header->entry.time();
    }
    if (o_.restore_name && !stored.empty() && stored != "." && stored != "..") out_name = dir_name(name) + stored;
    bool overwrite = false;
    if (!may_write(out_name, overwrite)) return;
    try {
      OutputFile out(out_name);
      r = expand_fd(name, in_fd, out.stream(), header_length, false, name);
      out.set_metadata(st);
      if (o_.restore_time && stored_time > 0) out.set_mtime(stored_time);
      out.commit(overwrite, o_.synchronous);
    } catch (const Error& e) {
      // A corrupt .Z file loses its output (written to a temporary file); as gzip, say
      // how to get what precedes the damage.
      if (e.kind() == Error::Kind::data && std::string(e.what()) == "corrupt input.")
        fail(name, Error(Error::Kind::data, "corrupt input. Use rigzcat to recover some data."));
      else
        fail(e.kind() == Error::Kind::write || e.kind() == Error::Kind::create ? out_name : name, e);
      return;
    }
    if (o_.synchronous) sync_directory(out_name);
    remove_input(name);
    report_.info(decompress_ratio(r) + " -- " + (o_.keep ? "created " : "replaced with ") + out_name + "\n");
  }

  void list_file(const std::string& name, int fd) {
    auto stem = decompressed_name(name, o_.suffix);
    if (!stem && o_.recursive) return;  // -lr lists compressed names only
    lister_.list_stream(fd, stem.value_or(name), report_, name);
  }

  const Options& o_;
  Reporter report_;
  Lister lister_;
  bool stop_ = false;  // the output went away or failed: nothing more is written
};

// Signals that end rigz: partial outputs are removed, then the signal takes its
// default course (the exit status says which signal it was).
constexpr int kFatalSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGXCPU, SIGXFSZ};

extern "C" void on_fatal_signal(int sig) {
  remove_temporary_files_from_signal();
  end_progress_line_from_signal();
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

// A mapped input that could not be read (g_fault_message): an error like a failed read, exit 1,
// partial outputs removed, the input left as it is.
extern "C" void on_bus_error(int) {
  // Several threads may fault at once: the first one reports and exits, the others wait
  // for that (returning would only fault again).
  static std::atomic<bool> reported{false};
  if (reported.exchange(true))
    for (;;) pause();
  remove_temporary_files_from_signal();
  end_progress_line_from_signal();
  const size_t n = g_fault_message_len.load();
  if (n > 0 && ::write(STDERR_FILENO, g_fault_message, n) < 0) {
  }
  _exit(1);
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
  struct sigaction bus = {};
  bus.sa_handler = on_bus_error;
  sigfillset(&bus.sa_mask);
  sigaction(SIGBUS, &bus, nullptr);
}

int run(const Options& options) { return Runner(options).run(); }

}  // namespace rigz::cli
