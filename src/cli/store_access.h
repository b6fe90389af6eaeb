// The store a command reads or writes: --db, else the settings file's `db`, else the default
// file; a server connection string there means the practice's server (practice/access.h).
#pragma once

#include <iostream>
#include <memory>
#include <string>

#include "app/config.h"
#include "cli/command_errors.h"
#include "practice/access.h"
#include "practice/server.h"

namespace steady::cli {

inline constexpr const char* kDbHelp =
    "Session database: a file (default $XDG_DATA_HOME/steady/steady.db) or a practice's "
    "PostgreSQL server (a libpq connection string, postgresql://... or \"host=... dbname=...\"); "
    "default: the settings file's db";

// The --db value, or the settings file's. A password is refused in the settings file and
// warned about on the command line (other users' `ps` shows it): libpq's ~/.pgpass or
// PGPASSFILE keeps it.
inline std::string db_spec(const std::string& option, const char* command) {
    if (!option.empty()) {
        if (practice::is_server(option) && practice::has_password(option))
            std::cerr << "steady " << command
                      << ": warning: a password on the command line can be seen by other users "
                         "of this computer; keep it in ~/.pgpass or PGPASSFILE instead\n";
        return option;
    }
    Config cfg;
    try {
        cfg = load_config(default_config_path());
    } catch (const ConfigError& e) {
        throw UsageError(e.what());
    }
    return cfg.db.value_or(std::string());  // load_config refuses a password in it
}

inline void say_store_notices(practice::PracticeStore& s, const char* command) {
    say_notices(s.db(), command);
    for (const std::string& n : s.take_notices())
        std::cerr << "steady " << command << ": " << n << "\n";
}

inline std::unique_ptr<practice::PracticeStore> open_store(const std::string& option,
                                                           Database::Open how,
                                                           const char* command) {
    auto s = std::make_unique<practice::PracticeStore>(db_spec(option, command), how);
    say_store_notices(*s, command);
    return s;
}

// After a command changed the store: sent to the server, when there is one.
inline void send_changes(practice::PracticeStore& s, const char* command) {
    s.send();
    for (const std::string& n : s.take_notices())
        std::cerr << "steady " << command << ": " << n << "\n";
}

}  // namespace steady::cli
