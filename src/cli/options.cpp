#include "cli/options.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "io/error.h"

namespace rigz::cli {
namespace {

[[noreturn]] void usage_error(const std::string& what) { throw Error(Error::Kind::usage, what); }

struct LongOption {
  const char* name;
  char short_name;  // the equivalent short option (or a code for long-only options); its
                    // entry in kShortOptions says whether it takes a value
  // Options gzip does not have, added after pigz 2.6, must be spelled in full (as pigz
  // requires for all): they take no part in prefix matching, so that every prefix gzip
  // accepts (--h for --help, --no for --no-name, --pro for --processes) keeps its meaning.
  bool exact = false;
};

constexpr char kProgress = 1, kNoProgress = 2;  // long-only options

// Long options as gzip and pigz spell them; any unique prefix is accepted (getopt_long),
// except for the `exact` ones. gzip's come first and in gzip's order, which is the order
// of the possibilities that an ambiguous prefix lists.
constexpr LongOption kLongOptions[] = {
    {"stdout", 'c'},
    {"to-stdout", 'c'},
    {"decompress", 'd'},
    {"uncompress", 'd'},
    {"force", 'f'},
    {"help", 'h'},
    {"keep", 'k'},
    {"list", 'l'},
    {"license", 'L'},
    {"no-name", 'n'},
    {"name", 'N'},
    {"quiet", 'q'},
    {"silent", 'q'},
    {"synchronous", 'Y'},
    {"recursive", 'r'},
    {"suffix", 'S'},
    {"test", 't'},
    {"verbose", 'v'},
    {"version", 'V'},
    {"fast", '1'},
    {"best", '9'},
    {"lzw", 'Z'},
    {"ascii", 'a'},
    {"rsyncable", 'R'},
    {"processes", 'p'},
    {"blocksize", 'b'},
    {"independent", 'i'},
    // pigz 2.6's other options, and rigz's own.
    {"zlib", 'z', true},
    {"zip", 'K', true},
    {"huffman", 'H', true},
    {"rle", 'U', true},
    {"no-time", 'm', true},
    {"time", 'M', true},
    {"comment", 'C', true},
    {"alias", 'A', true},
    {"first", 'F', true},
    {"iterations", 'I', true},
    {"maxsplits", 'J', true},
    {"oneblock", 'O', true},
    {"progress", kProgress, true},
    {"no-progress", kNoProgress, true},
};

// Every short option that apply() takes, getopt's way: a letter followed by ':' takes a
// value (digits, the levels, are read apart).
constexpr char kShortOptions[] = "cdfhklLnNqrS:tvVp:b:iRYaZzKHUmTMC:A:FOI:J:";

bool is_short_option(char c) { return c != ':' && c != '\0' && std::strchr(kShortOptions, c); }
bool takes_value(char c) { return is_short_option(c) && std::strchr(kShortOptions, c)[1] == ':'; }

unsigned long parse_number(const std::string& opt, const std::string& value) {
  char* end = nullptr;
  errno = 0;
  unsigned long v = std::strtoul(value.c_str(), &end, 10);
  // Digits only, as pigz: strtoul alone would take " 2", "+64" and "-1" (as a huge number).
  if (value.empty() || *end || errno || value.find_first_not_of("0123456789") != std::string::npos)
    usage_error("invalid numeric parameter for " + opt + ": " + value);
  return v;
}

// gzip 1.12 takes from its GZIP variable only the options that change neither the mode
// nor which files are written or removed: levels, -n/-N, -q/-v and --rsyncable. rigz
// adds pigz's pure tuning options (-p, -b, -i), which pigz reads from GZIP too. The
// PIGZ and RIGZ variables take every option, as pigz's PIGZ does.
bool allowed_in_gzip_variable(char c) {
  return (c >= '0' && c <= '9') || c == 'n' || c == 'N' || c == 'q' || c == 'v' || c == 'R' || c == 'p' || c == 'b' ||
         c == 'i';
}

class Parser {
 public:
  explicit Parser(Options& o) : o_(o) {}

  // Applies one option (short letter form) with its value, if it takes one.
  void apply(char c, const std::string& value) {
    switch (c) {
      case 'c':
        o_.to_stdout = true;
        break;
      case 'd':
        raise_mode(Mode::decompress);
        break;
      case 'f':
        o_.force = true;
        break;
      case 'h':
        o_.show_help = true;
        done_ = true;
        break;
      case 'k':
        o_.keep = true;
        break;
      case 'l':
        raise_mode(Mode::list);
        break;
      case 'L':
        o_.show_license = true;
        done_ = true;
        break;
      case 'n':
        o_.store_name = o_.store_time = o_.restore_name = o_.restore_time = false;
        break;
      case 'N':
        o_.store_name = o_.store_time = o_.restore_name = o_.restore_time = true;
        break;
      case 'q':
        o_.verbosity = 0;
        break;
      case 'r':
        o_.recursive = true;
        break;
      case 'S':
        o_.suffix = value;  // checked once all options are read (check_suffix)
        break;
      case 't':
        raise_mode(Mode::test);
        break;
      case 'v':
        o_.verbosity = o_.verbosity < 1 ? 2 : o_.verbosity + 1;
        break;
      case 'V':
        o_.show_version = true;
        done_ = true;
        break;
      case 'p': {
        unsigned long n = parse_number("-p", value);
        if (n < 1) usage_error("invalid number of processes: " + value);
        o_.threads = static_cast<unsigned>(n > 4096 ? 4096 : n);
        break;
      }
      case 'b': {
        unsigned long kib = parse_number("-b", value);
        if (kib < 32 || kib > (1ul << 18)) usage_error("block size must be 32..262144 KiB: " + value);
        o_.block_size = kib * 1024;
        break;
      }
      case 'i':
        o_.independent = true;
        break;
      case 'R':
        o_.rsyncable = true;
        break;
      case 'Y':
        o_.synchronous = true;
        break;
      case 'a':  // --ascii: text mode conversion, a no-op on Unix as in gzip
        o_.ascii = true;
        break;
      case 'Z':  // gzip's --lzw, which it accepts and refuses
        usage_error("-Z not supported in this version");
      case 'z':
        o_.format = Format::zlib;
        o_.suffix = ".zz";
        break;
      case 'K':
        o_.format = Format::zip;
        o_.suffix = ".zip";
        break;
      case 'H':
        o_.strategy = Strategy::huffman;
        break;
      case 'U':
        o_.strategy = Strategy::rle;
        break;
      case 'm':
      case 'T':  // pigz's older spelling of -m, which pigz 2.6 still takes
        o_.store_time = false;
        o_.restore_time = false;
        break;
      case 'M':
        o_.store_time = true;
        o_.restore_time = true;
        break;
      case 'C':
        o_.comment = value;
        break;
      case 'A':
        o_.alias = value;
        break;
      // pigz's tuning of its zopfli -11 (rigz's -11 is libdeflate's): accepted, no effect.
      case 'F':
      case 'O':
        break;
      case 'I':
      case 'J':
        parse_number(std::string("-") + c, value);
        break;
      case kProgress:
        o_.progress = ProgressMode::always;
        break;
      case kNoProgress:
        o_.progress = ProgressMode::never;
        break;
      default:
        if (c >= '1' && c <= '9') {
          o_.level = c - '0';
          break;
        }
        usage_error(std::string("invalid option -- '") + c + "'");
    }
  }

  // Parses a list of arguments; files go to o_.files unless `allow_files` is false.
  // Stops at the first of -h, -V and -L, which gzip acts on at once: what follows is
  // neither read nor checked (`--help -x` helps, `--version --help` gives the version).
  void parse(const std::vector<std::string>& args, bool allow_files, const char* where) {
    gzip_variable_ = std::strcmp(where, "GZIP") == 0;
    bool only_files = false;
    // As gzip's getopt_long: with POSIXLY_CORRECT, options end at the first file.
    const bool posix = std::getenv("POSIXLY_CORRECT") != nullptr;
    for (size_t i = 0; i < args.size() && !done_; ++i) {
      const std::string& a = args[i];
      if (only_files || a == "-" || a.size() < 2 || a[0] != '-') {
        if (!allow_files) usage_error(a + ": non-option in " + where + " environment variable");
        o_.files.push_back(a);
        if (posix) only_files = true;
        continue;
      }
      if (a == "--") {
        if (gzip_variable_) usage_error("--: option not valid in GZIP environment variable");
        only_files = true;
        continue;
      }
      if (a[1] == '-') {
        long_option(a, args, i);
        continue;
      }
      // A cluster of short options: -dc, -9k, -p4, -S.sfx, -11 (digits form the level).
      for (size_t j = 1; j < a.size() && !done_; ++j) {
        char c = a[j];
        if (c >= '0' && c <= '9') {
          size_t k = j;
          while (k < a.size() && a[k] >= '0' && a[k] <= '9') ++k;
          int level = std::atoi(a.substr(j, k - j).c_str());
          if (level < 0 || level > 12) usage_error("invalid compression level: -" + a.substr(j, k - j));
          o_.level = level;
          j = k - 1;
          continue;
        }
        if (c == kProgress || c == kNoProgress) usage_error("invalid option -- '\\" + std::to_string(c) + "'");
        if (c == '?') usage_error("");  // gzip's getopt takes `-?` for its own error mark: the hint alone
        if (gzip_variable_ && !allowed_in_gzip_variable(c)) {
          if (!is_short_option(c)) usage_error(std::string("invalid option -- '") + c + "'");
          usage_error(std::string("-") + c + ": option not valid in GZIP environment variable");
        }
        if (takes_value(c)) {
          std::string value = a.substr(j + 1);
          if (value.empty()) {
            if (++i >= args.size()) usage_error(std::string("option requires an argument -- '") + c + "'");
            value = args[i];
          }
          apply(c, value);
          break;
        }
        apply(c, "");
      }
    }
  }

 private:
  void raise_mode(Mode m) {
    if (m > o_.mode) o_.mode = m;
  }

  void long_option(const std::string& a, const std::vector<std::string>& args, size_t& i) {
    std::string name = a.substr(2), value;
    bool has_value = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
      has_value = true;
    }
    const LongOption* match = nullptr;
    std::string possibilities;  // getopt_long's list: the first match, then those that differ from it
    bool ambiguous = false;
    for (const auto& lo : kLongOptions) {
      if (name == lo.name) {
        match = &lo;
        ambiguous = false;
        break;
      }
      if (!lo.exact && std::strncmp(lo.name, name.c_str(), name.size()) == 0) {
        // Prefixes of two spellings of one option (--std for --stdout) are not ambiguous.
        if (!match) {
          match = &lo;
          possibilities = " '--" + std::string(lo.name) + "'";
        } else if (match->short_name != lo.short_name) {
          ambiguous = true;
          possibilities += " '--" + std::string(lo.name) + "'";
        }
      }
    }
    if (!match || name.empty()) usage_error("unrecognized option '" + a + "'");
    if (ambiguous) usage_error("option '" + a + "' is ambiguous; possibilities:" + possibilities);
    if (gzip_variable_ && !allowed_in_gzip_variable(match->short_name))
      usage_error("--" + std::string(match->name) + ": option not valid in GZIP environment variable");
    if (takes_value(match->short_name) && !has_value) {
      if (++i >= args.size()) usage_error("option '--" + std::string(match->name) + "' requires an argument");
      value = args[i];
    } else if (!takes_value(match->short_name) && has_value) {
      usage_error("option '--" + std::string(match->name) + "' doesn't allow an argument");
    }
    apply(match->short_name, value);
  }

  Options& o_;
  bool gzip_variable_ = false;  // parsing $GZIP: gzip's restrictions apply
  bool done_ = false;           // -h, -V or -L seen: nothing more is read
};

std::vector<std::string> split_env(const char* text) {
  std::vector<std::string> out;
  std::istringstream in(text ? text : "");
  for (std::string word; in >> word;) out.push_back(word);
  return out;
}

std::string base_name(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

Options parse_options(int argc, char** argv) {
  Options o;
  std::string prog = base_name(argc > 0 ? argv[0] : "rigz");
  if (prog.rfind("un", 0) == 0 || prog.rfind("gun", 0) == 0) o.mode = Mode::decompress;
  if (prog.size() >= 3 && prog.compare(prog.size() - 3, 3, "cat") == 0) {
    o.mode = Mode::decompress;
    o.to_stdout = true;
  }
  Parser parser(o);
  const auto gzip_variable = split_env(std::getenv("GZIP"));
  parser.parse(gzip_variable, false, "GZIP");
  // As gzip 1.12: a GZIP variable with options in it draws a warning (on stderr, exit
  // status unchanged) unless those options make rigz quiet.
  if (!gzip_variable.empty() && o.verbosity > 0)
    std::fputs("rigz: warning: GZIP environment variable is deprecated; use an alias or script\n", stderr);
  // pigz reads PIGZ after GZIP, with every option: a drop-in for pigz honours it too.
  parser.parse(split_env(std::getenv("PIGZ")), false, "PIGZ");
  parser.parse(split_env(std::getenv("RIGZ")), false, "RIGZ");
  parser.parse(std::vector<std::string>(argv + std::min(argc, 1), argv + argc), true, "");
  const bool informs = o.show_help || o.show_version || o.show_license;
  if (o.ascii && o.verbosity > 0 && !informs) std::fputs("rigz: option --ascii ignored on this system\n", stderr);
  if (o.threads == 0) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    o.threads = n > 0 ? static_cast<unsigned>(n) : 1;
  }
  return o;
}

std::optional<std::string> check_suffix(const Options& o) {
  // gzip's limit: a suffix of 1 to 30 bytes (its message, without the --help hint).
  if (o.suffix.empty() || o.suffix.size() > 30) return "invalid suffix '" + o.suffix + "'";
  return std::nullopt;
}

std::string help_text(const std::string& prog) {
  return "Usage: " + prog + R"( [OPTION]... [FILE]...
Compress or uncompress FILEs in parallel (by default, compress FILES in-place).

  -0 to -9             Compression level (-0 stores, -1 or --fast fastest, -9 or --best best)
  -10, -11, -12        Beyond -9: libdeflate 10, 12 (pigz's -11), 12 in 8 MiB blocks
  -A, --alias NAME     Name the zip entry from standard input NAME (default: -)
  -b, --blocksize KiB  Compress in blocks of KiB kibibytes (at least 32; default 2048, see rigz(1))
  -c, --stdout         Write to standard output, keep original files unchanged
  -C, --comment TEXT   Store the comment TEXT in the gzip header or the zip directory
  -d, --decompress     Decompress (gzip, and zlib or the first entry of a zip file)
  -f, --force          Force overwrite of output file and compress links
  -F, --first          Accepted for pigz (tunes its zopfli -11); no effect
  -h, --help           Give this help
  -H, --huffman        Compress with Huffman coding only (zlib's Z_HUFFMAN_ONLY)
  -i, --independent    Compress blocks independently (no shared dictionary)
  -I, --iterations N   Accepted for pigz (tunes its zopfli -11); no effect
  -J, --maxsplits N    Accepted for pigz (tunes its zopfli -11); no effect
  -k, --keep           Keep (don't delete) input files
  -K, --zip            Compress to a single-entry PKZip file, suffix .zip
  -l, --list           List compressed file contents
  -L, --license        Display software license
  -m, -T, --no-time    Do not save or restore the timestamp (after -N: the name only)
  -M, --time           Save or restore the timestamp (after -n: the timestamp only)
  -n, --no-name        Do not save or restore the original name and timestamp
  -N, --name           Save or restore the original name and timestamp
  -O, --oneblock       Accepted for pigz (tunes its zopfli -11); no effect
  -p, --processes N    Use N compression threads (default: number of online cores)
  -q, --quiet          Suppress all warnings
  -r, --recursive      Operate recursively on directories
  -R, --rsyncable      Make the output friendlier to rsync (block ends follow the content)
  -S, --suffix SUF     Use suffix SUF on compressed files (default .gz)
  -t, --test           Test compressed file integrity
  -U, --rle            Compress with run-length encoding only (zlib's Z_RLE)
  -v, --verbose        Verbose mode
  -V, --version        Display version number
  -Y, --synchronous    Synchronous output (fsync before the output file is renamed)
  -z, --zlib           Compress to the zlib format, suffix .zz
      --progress       Show progress on standard error, even when it is not a terminal
      --no-progress    Never show progress (shown on a terminal for jobs over a second)
      --               All arguments after "--" are treated as files

With no FILE, or when FILE is -, read standard input.
Default options may be set in the GZIP, PIGZ and RIGZ environment variables.
Exit status: 0 success, 1 error, 2 warning.
)";
}

std::string version_text() { return "rigz 0.1.0\n"; }

std::string license_text() {
  return "rigz 0.1.0\nCopyright (c) 2026 the rigz authors.\n"
         "Distributed under the zlib license: provided 'as-is', without any warranty.\n";
}

}  // namespace rigz::cli
