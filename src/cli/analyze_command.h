// `steady analyze FILE...`: HRV analysis of recorded RR files (README "steady analyze").
#pragma once

#include <CLI/CLI.hpp>

namespace steady::cli {

// Registers the subcommand; its callback stores the exit status in `*status`.
void add_analyze_command(CLI::App& app, int* status);

}  // namespace steady::cli
