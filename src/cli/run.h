// Runs the command line: every file or standard input through compression,
// decompression, test or list, with gzip's file rules, messages and exit codes.
#pragma once
#include "cli/options.h"

namespace rigz::cli {

constexpr int kExitOk = 0, kExitError = 1, kExitWarning = 2;

// Returns the exit status (0, 1 or 2).
int run(const Options& options);

// Installs the SIGINT/SIGTERM/SIGHUP handlers that remove partial outputs.
void install_signal_handlers();

}  // namespace rigz::cli
