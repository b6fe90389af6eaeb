// The session store: one SQLite database (WAL) with sessions, beats and events. Private health
// data: the directory is created 0700 and the database 0600. The schema is versioned
// (PRAGMA user_version) and migrated on open. A session left in state "recording" by a process
// that no longer runs (killed, crashed, power loss) is marked "interrupted" on the next open.
// Writers buffer and commit() in one transaction, which the engine loop does at least once a
// second; a failed commit (disk full) keeps the rows buffered and says why, losing nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/engine.h"

struct sqlite3;

namespace steady {

class StoreError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct SessionSummary {
    std::int64_t id = 0;
    std::string started_at;  // UTC, ISO 8601
    std::string sensor;      // the sensor spec
    std::string state;       // "recording", "complete", "interrupted"
    double duration_s = 0;
    std::int64_t beats = 0;
    std::int64_t artifacts = 0;
};

struct SessionData {
    SessionSummary summary;
    std::vector<PlacedBeat> beats;
    std::vector<EngineEvent> events;
};

class SessionStore {
  public:
    static constexpr int kSchemaVersion = 1;

    // $XDG_DATA_HOME/steady/steady.db, or ~/.local/share/steady/steady.db.
    static std::string default_path();

    // Opens or creates the database (and its directory); throws StoreError saying what to do.
    explicit SessionStore(const std::string& path);
    ~SessionStore();
    SessionStore(const SessionStore&) = delete;
    SessionStore& operator=(const SessionStore&) = delete;

    const std::string& path() const { return path_; }
    // Sessions this open found abandoned and marked "interrupted".
    int interrupted_on_open() const { return interrupted_on_open_; }

    std::int64_t begin_session(const std::string& sensor_spec);
    void add_beats(std::span<const PlacedBeat> beats) { append(pending_beats_, beats); }
    void add_events(std::span<const EngineEvent> events) { append(pending_events_, events); }
    // Writes everything buffered in one transaction. On failure returns the reason and keeps the
    // rows for the next try; empty on success.
    std::optional<std::string> commit();
    std::size_t pending() const { return pending_beats_.size() + pending_events_.size(); }
    // The sensor as it turned out (a BLE strap is known by address only once found).
    void set_sensor(const std::string& sensor_spec);
    // Commits, then marks the session complete with its duration.
    std::optional<std::string> finish_session(double duration_s);

    std::vector<SessionSummary> list();
    // Throws StoreError if there is no such session.
    SessionData load(std::int64_t id);

    // The resting baseline measured in session `id`, or in the newest session that has one when
    // `id` is empty. Empty if there is none.
    std::optional<Baseline> stored_baseline(std::optional<std::int64_t> id = std::nullopt);

    // Caps the database at `pages` pages (PRAGMA max_page_count): a full disk, on demand, for
    // the tests of what happens then.
    void set_max_pages(std::int64_t pages);

  private:
    template <typename T>
    static void append(std::vector<T>& to, std::span<const T> from) {
        to.insert(to.end(), from.begin(), from.end());
    }
    void exec(const char* sql);
    void migrate();
    void mark_interrupted();

    std::string path_;
    sqlite3* db_ = nullptr;
    std::int64_t session_ = 0;
    int interrupted_on_open_ = 0;
    std::vector<PlacedBeat> pending_beats_;
    std::vector<EngineEvent> pending_events_;
};

}  // namespace steady
