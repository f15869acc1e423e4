// rigz: a parallel gzip. The program is a thin shell over the library in src/.
#include <cstdio>
#include <string>

#include "cli/names.h"
#include "cli/options.h"
#include "cli/run.h"
#include "io/error.h"

int main(int argc, char** argv) {
  using namespace rigz::cli;
  Options options;
  try {
    options = parse_options(argc, argv);
  } catch (const rigz::Error& e) {
    std::fprintf(stderr, "rigz: %s\nTry `rigz --help' for more information.\n", e.what());
    return kExitError;
  }
  if (options.show_help) {
    std::fputs(help_text(base_name(argc > 0 ? argv[0] : "rigz")).c_str(), stdout);
    return kExitOk;
  }
  if (options.show_version || options.show_license) {
    std::fputs((options.show_license ? license_text() : version_text()).c_str(), stdout);
    return kExitOk;
  }
  if (auto problem = check_suffix(options)) {
    std::fprintf(stderr, "rigz: %s\n", problem->c_str());
    return kExitError;
  }
  install_signal_handlers();
  return run(options);
}
