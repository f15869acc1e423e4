// The command line of gzip and pigz: options, their long forms, program names, and the
// GZIP, PIGZ and RIGZ environment variables.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace rigz::cli {

// In rising rank: when several are given, the highest wins whatever the order (gzip's
// rule: -l lists even with -t or -d, -t tests even with -d; pigz lets a later -d undo -t).
enum class Mode { compress, decompress, test, list };
enum class Format { gzip, zlib, zip };                 // -z: zlib, -K: zip
enum class Strategy { normal, huffman, rle };          // -H, -U
enum class ProgressMode { never, automatic, always };  // --no-progress, default, --progress

struct Options {
  Mode mode = Mode::compress;
  bool to_stdout = false;  // -c
  bool force = false;      // -f
  bool keep = false;       // -k
  // -n clears both, -N sets both, -m clears the time, -M sets it (pigz: the order counts).
  bool store_name = true, store_time = true;        // when compressing
  bool restore_name = false, restore_time = false;  // when decompressing and listing
  bool recursive = false;                           // -r
  bool synchronous = false;                         // -Y / --synchronous
  bool ascii = false;                               // -a: accepted, no effect (Unix), as gzip
  int verbosity = 1;                                // -q: 0, default 1, -v: 2 and more
  int level = 6;
  unsigned threads = 0;      // 0: number of online cores
  size_t block_size = 0;     // -b; 0: the default of the compression plan
  bool independent = false;  // -i
  bool rsyncable = false;    // -R
  Format format = Format::gzip;
  Strategy strategy = Strategy::normal;
  std::optional<std::string> comment;  // -C: FCOMMENT, or the zip entry's comment
  std::optional<std::string> alias;    // -A: the name of a zip entry from standard input
  ProgressMode progress = ProgressMode::automatic;
  std::string suffix = ".gz";
  std::vector<std::string> files;  // empty or "-": standard input
  bool show_help = false, show_version = false, show_license = false;
};

// Parses argv (argv[0] decides the default mode: gunzip/unrigz decompress, zcat and
// rigzcat decompress to stdout), after the options in $GZIP, $PIGZ and $RIGZ. Throws
// rigz::Error(usage) with gzip's wording on a bad option.
Options parse_options(int argc, char** argv);

// gzip's check of -S once all options are read (after --help and --version, which win):
// the message for an unusable suffix, or nothing.
std::optional<std::string> check_suffix(const Options& o);

std::string help_text(const std::string& prog);
std::string version_text();
std::string license_text();

}  // namespace rigz::cli
