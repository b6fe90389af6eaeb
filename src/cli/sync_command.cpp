// `steady sync`: sends the practice's server whatever this workstation has that it lacks, and
// brings what other workstations sent (README "A practice's shared store").
#include <iostream>
#include <set>

#include "cli/command_errors.h"
#include "cli/live_commands.h"
#include "cli/store_access.h"
#include "practice/server.h"
#include "practice/sync.h"

namespace steady::cli {
namespace {

int sync_now(const std::string& db_option) {
    const std::string spec = db_spec(db_option, "sync");
    if (!practice::is_server(spec))
        throw UsageError(
            "no practice's server named: give --db postgresql://... (or db = \"...\" "
            "in the settings file); `steady sync` sends this workstation's sessions "
            "there");
    const auto store = open_store(spec, Database::Open::create, "sync");
    const std::string name = practice::redacted(spec);
    if (!store->reached()) return 1;  // said why above
    const std::set<std::int64_t> waiting = practice::unsynced(store->db(), store->practice());
    if (waiting.empty()) {
        std::cout << "the server " << name << " has every session of " << store->db().path()
                  << "\n";
        return 0;
    }
    std::cout << waiting.size() << " sessions of " << store->db().path()
              << " are not yet wholly on " << name << "; try again\n";
    return 1;
}

}  // namespace

void add_sync_command(CLI::App& app, int* status) {
    auto db = std::make_shared<std::string>();
    CLI::App* cmd = app.add_subcommand(
        "sync",
        "Send the practice's server what this workstation has that it lacks, and receive what "
        "other workstations sent");
    cmd->add_option("--db", *db,
                    "The practice's server, a libpq connection string (default: the settings "
                    "file's db)");
    cmd->callback([db, status] { *status = guarded("sync", [&] { return sync_now(*db); }); });
}

}  // namespace steady::cli
