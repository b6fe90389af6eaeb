// Keeping a workstation's SQLite store and the practice's server in step (README "A practice's
// shared store"). Local first: sessions are always recorded into the workstation's store, and
// push() sends the server what it lacks; pull() brings what other workstations sent. Nothing is
// lost or doubled whichever side goes away when:
//   - beats are sent in order, each keyed by (session UUID, index); events by their UUID; both
//     written with ON CONFLICT DO NOTHING, so a batch sent again is stored once;
//   - what the server has is noted here (tables sync_*) only after the server's commit;
//   - a session's row belongs to the workstation that recorded it (its state, duration and
//     summary are sent from there only); events (journal notes) may be added anywhere;
//   - a client's row is shared: a change made here is sent, a change made elsewhere taken; a
//     client added under the same name in two places while apart becomes one (the server's
//     UUID, note and settings), with a notice.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "practice/server.h"
#include "session/store.h"

namespace steady::practice {

struct SyncCounts {
    std::int64_t clients = 0, sessions = 0, beats = 0, events = 0;
};

struct SyncReport {
    SyncCounts sent, received;  // rows new on the other side
    std::vector<std::string> notices;
    std::int64_t pending = 0;  // after a push: sessions with something not on the server
};

struct PushOptions {
    // Note what the server has (tables sync_*), so the next push sends only what is new.
    // Off for `sessions copy`: everything is offered, and the server keeps what it lacks.
    bool track = true;
    std::int64_t batch_beats = 4000;  // rows per statement
};

// Sends the server what `local` has and it lacks. Throws ServerError if the server goes away
// midway (what it committed before stays noted).
SyncReport push(Database& local, Server& server, const PushOptions& options = {});

struct PullOptions {
    // Sessions received are marked remote (their rows are the server's) and what arrived is
    // noted. Off for `sessions copy` into a file: a plain database with the same rows.
    bool track = true;
};

// Brings into `local` what the server has and it lacks. Throws ServerError.
SyncReport pull(Database& local, Server& server, const PullOptions& options = {});

// The practice this store last synced with through `server_name` (a redacted connection
// string), if any.
std::optional<std::string> known_practice(Database& local, const std::string& server_name);

// Sessions of `local` not wholly on the practice's server (all of them when the practice is
// not known yet).
std::set<std::int64_t> unsynced(Database& local, const std::optional<std::string>& practice);

}  // namespace steady::practice
