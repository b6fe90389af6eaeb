// `steady record`, `steady sessions` and `steady scan`: the headless side of the real-time engine
// (README "Recording a session").
#pragma once

#include <CLI/CLI.hpp>

namespace steady::cli {

// Each registers its subcommand; the callback stores the exit status in `*status`.
void add_record_command(CLI::App& app, int* status);
void add_sessions_command(CLI::App& app, int* status);
void add_scan_command(CLI::App& app, int* status);
// `steady triggers`, `steady progress`, `steady import` (recovery_commands.cpp).
void add_recovery_commands(CLI::App& app, int* status);
// `steady clients` and `steady protocols` (clients_command.cpp).
void add_clients_command(CLI::App& app, int* status);
// `steady report` (report_command.cpp).
void add_report_command(CLI::App& app, int* status);
// `steady sync` (sync_command.cpp).
void add_sync_command(CLI::App& app, int* status);

}  // namespace steady::cli
