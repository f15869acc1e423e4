// rigz: a parallel gzip. The program is a thin shell over the library in src/.
#include <cstdio>
#include <cstring>
#include <string>

#include "cli/names.h"
#include "cli/options.h"
#include "cli/reporter.h"
#include "cli/run.h"
#include "io/error.h"

int main(int argc, char** argv) {
  using namespace rigz::cli;
  Options options;
  try {
    options = parse_options(argc, argv);
  } catch (const rigz::Error& e) {
    if (*e.what()) std::fprintf(stderr, "rigz: %s\n", e.what());
    std::fprintf(stderr, "Try `rigz --help' for more information.\n");
    return kExitError;
  }
  if (options.show_help || options.show_version || options.show_license) {
    const std::string text = options.show_help      ? help_text(base_name(argc > 0 ? argv[0] : "rigz"))
                             : options.show_license ? license_text()
                                                    : version_text();
    std::fputs(text.c_str(), stdout);
    if (int err = stdout_error()) {  // gzip's message for a stdout that failed: no name
      std::fprintf(stderr, "\nrigz: %s\n", std::strerror(err));
      return kExitError;
    }
    return kExitOk;
  }
  if (auto problem = check_suffix(options)) {
    std::fprintf(stderr, "rigz: %s\n", problem->c_str());
    return kExitError;
  }
  install_signal_handlers();
  return run(options);
}
