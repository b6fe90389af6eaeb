// The session store: one SQLite database (WAL) with clients, sessions, beats and events, and
// each session's summary. Private health data: the directory is created 0700 and the database
// 0600. The schema is versioned (PRAGMA user_version) and migrated on open, each step in one
// transaction; version 1 (Steady's first store) becomes 2 keeping every session, beat and event.
//
// Two parts: a Database (listing, loading, clients, baselines, summaries) and a Recording, the
// one session in progress, which buffers beats and events and commits them in one transaction
// at least once a second on a connection of its own. Every row also goes to the session's
// recovery journal beside the database (session/journal.h), flushed before each commit. A failed
// commit (disk full, a lock held) keeps the rows buffered and says why, losing nothing; what the
// database still will not take at the end stays in the journal. A session left in state
// "recording" by a process that no longer runs is marked "interrupted" on the next open that may
// write, and that open merges the journals beside the database (a notice says what it merged).
//
// Reading commands open with Open::existing: a missing file is refused (never created); a
// writable one is migrated first; a write-protected one is opened read-only and read as it is,
// a version-1 database included (summaries are then computed in memory, not stored).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/arousal.h"
#include "recovery/episodes.h"
#include "session/beat.h"
#include "session/events.h"
#include "session/journal.h"
#include "session/summary.h"

struct sqlite3;

namespace steady {

class StoreError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// A client's own settings; empty ones fall back to the settings file.
struct ClientSettings {
    std::optional<std::string> pattern;
    std::optional<int> challenge;
    std::optional<double> resonance_bpm;  // confirmed by a resonance-frequency assessment
    std::optional<double> fast_count_s, slow_count_s;  // the adaptive pacer's bounds
};

// A person whose sessions are kept apart from everyone else's: a pseudonym is enough.
struct Client {
    std::int64_t id = 0;
    std::string name;
    std::string note = {};
    bool archived = false;
    ClientSettings settings = {};
    std::string uuid = {};
};

// Who records a session: the host (/etc/machine-id), the boot (its boot id), the pid and the
// process's start time (field 22 of /proc/PID/stat, clock ticks since boot). A session left
// "recording" is abandoned when its host is this one and its process is gone: another boot, no
// such pid, or a pid that started at another time (the number was reused).
struct ProcessIdentity {
    std::string host;
    std::string boot_id;
    std::int64_t pid = 0;
    std::int64_t start = 0;
    static ProcessIdentity of(std::int64_t pid);
};

// One row of the session list.
struct StoredSession {
    std::int64_t id = 0;
    std::string client;      // the client's name
    std::string started_at;  // UTC, ISO 8601 with Z
    std::string sensor;      // the sensor spec
    std::string state;       // "recording", "complete", "interrupted"
    double duration_s = 0;
    std::int64_t beats = 0;
    std::int64_t artifacts = 0;  // beats flagged as suspected artifacts
    int challenge = 1;           // coherence challenge level the session ran at
    std::string uuid = {};       // the same on every copy and server (empty before version 6)
    bool remote = false;         // recorded elsewhere, received from a practice server
};

struct SessionRecord {
    StoredSession session;
    std::vector<PlacedBeat> beats;
    std::vector<Event> events;
};

class Recording;

// A recording from a file, to store as a complete session (`steady import`).
struct ImportedSession {
    std::string sensor;      // "import:FILE"
    std::string started_at;  // UTC, ISO 8601 with Z
    double duration_s = 0;
    int challenge = 1;
    std::string source_hash;  // of the file's bytes: the same file is refused a second time
    std::vector<PlacedBeat> beats;
    std::vector<Event> events;
};

class Database {
  public:
    static constexpr int kSchemaVersion = 6;
    static constexpr const char* kDefaultClient = "default";

    enum class Open {
        create,    // record and the window: create the file and its directory if needed
        existing,  // reading commands: refuse a missing file; read-only if write-protected
    };

    // $XDG_DATA_HOME/steady/steady.db, or ~/.local/share/steady/steady.db.
    static std::string default_path();

    // Throws StoreError naming the path and saying what to do.
    Database(const std::string& path, Open how);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    const std::string& path() const { return path_; }
    bool read_only() const { return read_only_; }
    int schema_version() const { return version_; }  // as opened (a read-only v1 stays 1)
    // Sessions this open found abandoned and marked "interrupted".
    int interrupted_on_open() const { return interrupted_on_open_; }
    // What this open changed for privacy (files or Steady's folder readable by others, now
    // 0600/0700), one line each, for the command to print.
    const std::vector<std::string>& notices() const { return notices_; }

    // Oldest first; only one client's when `client` is given. Without `counts` the beats and
    // artifacts are left at 0 (counting them reads every beat).
    std::vector<StoredSession> list(const std::optional<std::string>& client = std::nullopt,
                                    bool counts = true);
    // The session a user named: its id (a small integer), its UUID, or a prefix of the UUID of
    // at least 8 hex digits that only one session has. Throws StoreError saying why not.
    std::int64_t resolve(const std::string& spec);
    // One session's row; throws StoreError if there is none.
    StoredSession session(std::int64_t id, bool counts = true);
    // The row with its beats and events; throws StoreError if there is none.
    SessionRecord load(std::int64_t id);
    // The stored summary when it is current; otherwise computed from the beats and events, and
    // stored when the database is writable. `recompute` always computes (and stores).
    SessionSummary summary(std::int64_t id, bool recompute = false);

    // The session's episodes with their fitted recovery: stored when current, otherwise found
    // and fitted from its beats and events (and stored when the database is writable and the
    // session is over). `recompute` always fits again (after a change of method).
    std::vector<recovery::Episode> episodes(std::int64_t id, bool recompute = false);

    // A session's events alone (no beats), in the order stored.
    std::vector<Event> events(std::int64_t id);
    // Adds an event to a stored session (a journal note written or edited afterwards).
    void add_event(std::int64_t id, const Event& e);

    // The session that holds a file with this content hash, if any.
    std::optional<std::int64_t> session_with_source(const std::string& hash);
    // Stores a whole recording as a complete session with its summary and episodes; throws
    // StoreError naming the session that already holds the same file.
    std::int64_t import_session(const Client& client, const ImportedSession& s);

    // Oldest first; archived ones too when asked.
    std::vector<Client> clients(bool archived = false);
    // The client named `name`; throws StoreError if there is none or they are archived.
    Client client(const std::string& name);
    // The client new sessions belong to when none is named: the oldest one not archived.
    Client default_client();
    // Throws StoreError saying why (a name taken, empty, too long; a write-protected file).
    Client add_client(const std::string& name, const std::string& note);
    void rename_client(const std::string& from, const std::string& to);
    // Archived clients keep their sessions (readable) but leave the lists and pickers.
    void archive_client(const std::string& name);
    void set_client_note(const Client& c, const std::string& note);
    void set_client_settings(const Client& c, const ClientSettings& settings);
    std::int64_t session_count(const Client& c);

    // The resting baseline measured in session `session` (which must belong to the client), or
    // in the client's newest session that has one. Empty if there is none.
    // `from_session` receives the session it was measured in.
    std::optional<Baseline> stored_baseline(const Client& client,
                                            std::optional<std::int64_t> session = std::nullopt,
                                            std::int64_t* from_session = nullptr);

    // Starts a session (state "recording") on a connection of its own.
    std::unique_ptr<Recording> begin_recording(const Client& client, const std::string& sensor,
                                               int challenge);

    // The connection, for the practice sync (practice/sync.h) which keeps its own tables here.
    sqlite3* connection() { return db_; }

  private:
    friend class Recording;
    void migrate();
    void mark_interrupted();
    void merge_journals();
    void merge_journal(const std::string& file);
    SessionSummary compute_summary(std::int64_t id);
    void store_episodes(std::int64_t id, const std::vector<recovery::Episode>& eps);

    std::string path_;
    sqlite3* db_ = nullptr;
    bool read_only_ = false;
    int version_ = 0;
    int interrupted_on_open_ = 0;
    std::vector<std::string> notices_;
};

// The one session being recorded. Buffers rows; commit() writes them in one transaction.
class Recording {
  public:
    ~Recording();  // closes the session (duration from its last beat) if finish() was not called
    Recording(const Recording&) = delete;
    Recording& operator=(const Recording&) = delete;

    std::int64_t id() const { return id_; }
    const std::string& path() const { return path_; }

    void add_beats(std::span<const PlacedBeat> beats);
    void add_events(std::span<const Event> events);
    // Appends everything buffered to the journal and syncs it, then writes it to the database
    // in one transaction. On failure returns the reason and keeps the rows for the next try;
    // empty on success.
    std::optional<std::string> commit();
    std::size_t pending() const { return pending_beats_.size() + pending_events_.size(); }
    std::size_t pending_beats() const { return pending_beats_.size(); }
    // Session time of the oldest beat not yet in the database (none pending: empty).
    std::optional<double> oldest_pending_s() const;
    // The recovery journal's path; empty when it could not be made (journal_problem() says
    // why). Empty too once the session is wholly stored and the journal deleted.
    std::string journal() const;
    // Why the journal could not be made, or could not reserve its room (empty when all is well).
    const std::string& journal_problem() const { return journal_problem_; }
    // Writes the end to the journal, commits, then marks the session complete with its
    // duration, summary and the sensor as it turned out (a BLE strap is known by address only
    // once found), and deletes the journal. On failure returns what is where: the rows the
    // database would not take stay in the journal, and the next open merges them.
    std::optional<std::string> finish(double duration_s, const SessionSummary& summary,
                                      const std::string& sensor_spec = {});
    bool finished() const { return finished_; }

    // Caps the database at `pages` pages (PRAGMA max_page_count): a full disk, on demand, for
    // the tests of what happens then.
    void set_max_pages(std::int64_t pages);

    static constexpr int kCommitWaitMs = 100;   // for a lock, each commit
    static constexpr int kFinishWaitMs = 5000;  // for a lock, the final save

  private:
    friend class Database;
    Recording(const std::string& path, std::int64_t client_id, const std::string& sensor,
              int challenge);
    // The buffered rows in one transaction; on failure the reason, the rows kept.
    std::optional<std::string> write_pending();

    std::string path_;
    sqlite3* db_ = nullptr;
    std::int64_t id_ = 0;
    bool finished_ = false;
    bool ended_ = false;  // finish() was tried: what the database did not take is the journal's
    std::vector<PlacedBeat> pending_beats_;
    std::vector<Event> pending_events_;
    std::unique_ptr<SessionJournal> journal_;
    std::string journal_problem_;
};

}  // namespace steady
