#include "session/store.h"

#include "app/private_file.h"

#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "session/episode_json.h"
#include "session/event_json.h"
#include "session/iso_time.h"
#include "session/json_values.h"
#include "session/sqlite_util.h"

namespace steady {
namespace {

// A random (version 4) UUID in SQLite's SQL, evaluated once per row.
#define STEADY_SQL_UUID                                                                   \
    "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || "                   \
    "substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) " \
    "|| substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))"

// Schema migrations, index i takes user_version i to i + 1.
constexpr const char* kMigrations[] = {
    R"sql(
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        sensor TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('recording', 'complete', 'interrupted')),
        duration_s REAL NOT NULL DEFAULT 0,
        pid INTEGER NOT NULL
    );
    CREATE TABLE beats (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        t_s REAL NOT NULL,
        rr_ms REAL NOT NULL,
        flags INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX beats_by_session ON beats(session_id, t_s);
    CREATE TABLE events (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        t_s REAL NOT NULL,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX events_by_session ON events(session_id, t_s);
    )sql",
    // 2: clients (every existing session belongs to the default one), the coherence challenge
    // level a session ran at, and its stored summary with the version of the method.
    R"sql(
    CREATE TABLE clients (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        note TEXT NOT NULL DEFAULT '',
        archived INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
    );
    INSERT INTO clients (id, name) VALUES (1, 'default');
    ALTER TABLE sessions ADD COLUMN client_id INTEGER REFERENCES clients(id);
    UPDATE sessions SET client_id = 1;
    ALTER TABLE sessions ADD COLUMN challenge INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE sessions ADD COLUMN summary TEXT;
    ALTER TABLE sessions ADD COLUMN summary_version INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX sessions_by_client ON sessions(client_id, id);
    CREATE INDEX events_by_kind ON events(kind, session_id);
    )sql",
    // 3: each session's episodes with their fitted recovery (derived, recomputed when the method
    // changes), and the content hash of an imported file.
    R"sql(
    CREATE TABLE episodes (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        onset_s REAL NOT NULL,
        result TEXT NOT NULL,
        PRIMARY KEY (session_id, idx)
    );
    ALTER TABLE sessions ADD COLUMN episodes_version INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE sessions ADD COLUMN source_hash TEXT;
    CREATE UNIQUE INDEX sessions_by_source ON sessions(source_hash)
        WHERE source_hash IS NOT NULL;
    )sql",
    // 4: each client's own settings (pattern, challenge level, resonance rate, adaptation
    // bounds) as a JSON object.
    R"sql(
    ALTER TABLE clients ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
    )sql",
    // 5: the recording process's identity beyond its pid: the host (machine id), the boot and
    // the process's start time, so neither a reboot nor a reused pid hides an abandoned session,
    // and another host's live session is never judged.
    R"sql(
    ALTER TABLE sessions ADD COLUMN host TEXT NOT NULL DEFAULT '';
    ALTER TABLE sessions ADD COLUMN boot_id TEXT NOT NULL DEFAULT '';
    ALTER TABLE sessions ADD COLUMN proc_start INTEGER NOT NULL DEFAULT 0;
    )sql",
    // 6: a practice's shared server (practice/sync.h). Sessions, clients and events get UUIDs
    // (random, version 4), so rows from several workstations never collide; a row inserted
    // without one gets one. `remote` marks a session recorded elsewhere and received from the
    // server: its row is the server's. What each server already has is kept per practice.
    R"sql(
    ALTER TABLE sessions ADD COLUMN uuid TEXT;
    ALTER TABLE sessions ADD COLUMN remote INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE clients ADD COLUMN uuid TEXT;
    ALTER TABLE events ADD COLUMN uuid TEXT;
    UPDATE sessions SET uuid = )sql" STEADY_SQL_UUID R"sql(;
    UPDATE clients SET uuid = )sql" STEADY_SQL_UUID R"sql(;
    UPDATE events SET uuid = )sql" STEADY_SQL_UUID R"sql(;
    CREATE UNIQUE INDEX sessions_by_uuid ON sessions(uuid);
    CREATE UNIQUE INDEX clients_by_uuid ON clients(uuid);
    CREATE UNIQUE INDEX events_by_uuid ON events(uuid);
    CREATE TRIGGER sessions_get_uuid AFTER INSERT ON sessions WHEN NEW.uuid IS NULL BEGIN
        UPDATE sessions SET uuid = )sql" STEADY_SQL_UUID R"sql( WHERE id = NEW.id; END;
    CREATE TRIGGER clients_get_uuid AFTER INSERT ON clients WHEN NEW.uuid IS NULL BEGIN
        UPDATE clients SET uuid = )sql" STEADY_SQL_UUID R"sql( WHERE id = NEW.id; END;
    CREATE TRIGGER events_get_uuid AFTER INSERT ON events WHEN NEW.uuid IS NULL BEGIN
        UPDATE events SET uuid = )sql" STEADY_SQL_UUID R"sql( WHERE rowid = NEW.rowid; END;
    CREATE TABLE sync_servers (
        practice TEXT PRIMARY KEY,
        server TEXT NOT NULL,
        last_contact TEXT
    );
    CREATE TABLE sync_sessions (
        practice TEXT NOT NULL,
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        beats INTEGER NOT NULL DEFAULT 0,
        events_rowid INTEGER NOT NULL DEFAULT 0,
        events_seq INTEGER NOT NULL DEFAULT 0,
        meta TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (practice, session_id)
    );
    CREATE TABLE sync_clients (
        practice TEXT NOT NULL,
        client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
        meta TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (practice, client_id)
    );
    )sql",
};
static_assert(std::size(kMigrations) == Database::kSchemaVersion);

std::string first_line(const char* path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return line;
}

}  // namespace

ProcessIdentity ProcessIdentity::of(std::int64_t pid) {
    ProcessIdentity id;
    id.host = first_line("/etc/machine-id");
    if (id.host.empty()) id.host = first_line("/var/lib/dbus/machine-id");
    if (id.host.empty()) {
        char name[256] = {};
        if (::gethostname(name, sizeof name - 1) == 0) id.host = std::string("host:") + name;
    }
    id.boot_id = first_line("/proc/sys/kernel/random/boot_id");
    id.pid = pid;
    // Field 22 of /proc/PID/stat, counted after the command name (which may hold spaces and
    // parentheses: it ends at the last ')').
    const std::string stat = first_line(("/proc/" + std::to_string(pid) + "/stat").c_str());
    const auto close = stat.rfind(')');
    if (close != std::string::npos) {
        std::istringstream rest(stat.substr(close + 1));
        std::string field;
        for (int k = 3; k <= 22 && rest >> field; ++k)
            if (k == 22) id.start = std::strtoll(field.c_str(), nullptr, 10);
    }
    return id;
}

namespace {

int user_version(sqlite3* db) {
    Statement v(db, "PRAGMA user_version");
    v.row();
    return static_cast<int>(v.integer(0));
}

void check_version(int version) {
    if (version < 0)
        throw StoreError("is not a Steady database (its schema version is " +
                         std::to_string(version) + "); nothing was changed");
    if (version > Database::kSchemaVersion)
        throw StoreError("schema version " + std::to_string(version) +
                         " is newer than this Steady understands (" +
                         std::to_string(Database::kSchemaVersion) + "); update Steady");
}

// Inserts a session's beats and events (inside the caller's transaction).
void insert_rows(sqlite3* db, std::int64_t session, std::span<const PlacedBeat> beats,
                 std::span<const Event> events) {
    Statement beat(db, "INSERT INTO beats (session_id, t_s, rr_ms, flags) VALUES (?, ?, ?, ?)");
    for (const PlacedBeat& b : beats)
        beat.bind(1, session).bind(2, b.t_s).bind(3, b.rr_ms).bind(4, std::int64_t{b.flags}).run();
    Statement event(db, "INSERT INTO events (session_id, t_s, kind, payload) VALUES (?, ?, ?, ?)");
    for (const Event& e : events)
        event.bind(1, session)
            .bind(2, e.t_s)
            .bind(3, kind_of(e))
            .bind(4, event_fields(e).dump())
            .run();
}

// The session list's columns, for any schema version. Counting beats reads every beat's row
// (the flags are not indexed), so the listing that does not show them leaves them at 0.
std::string session_select(int version, bool counts = true) {
    const std::string beats =
        counts ? "(SELECT COUNT(*) FROM beats b WHERE b.session_id = s.id), "
                 "(SELECT COUNT(*) FROM beats b WHERE b.session_id = s.id AND (b.flags & 4) != 0), "
               : "0, 0, ";
    const std::string uuid = version >= 6 ? ", s.uuid, s.remote " : ", '', 0 ";
    if (version >= 2)
        return "SELECT s.id, COALESCE(c.name, 'default'), s.started_at, s.sensor, s.state, "
               "s.duration_s, " +
               beats + "s.challenge" + uuid +
               "FROM sessions s LEFT JOIN clients c ON c.id = s.client_id ";
    return "SELECT s.id, 'default', s.started_at, s.sensor, s.state, s.duration_s, " + beats + "1" +
           uuid + "FROM sessions s ";
}

StoredSession session_row(Statement& q) {
    return {q.integer(0), q.text(1),         q.text(2),
            q.text(3),    q.text(4),         q.real(5),
            q.integer(6), q.integer(7),      static_cast<int>(q.integer(8)),
            q.text(9),    q.integer(10) != 0};
}

}  // namespace

std::string Database::default_path() {
    const char* xdg = std::getenv("XDG_DATA_HOME");
    std::filesystem::path base;
    if (xdg && *xdg == '/') {
        base = xdg;
    } else {
        const char* home = std::getenv("HOME");
        if (!home || !*home)
            throw StoreError("neither XDG_DATA_HOME nor HOME is set; use --db PATH");
        base = std::filesystem::path(home) / ".local" / "share";
    }
    return (base / "steady" / "steady.db").string();
}

Database::Database(const std::string& path, Open how) : path_(path) {
    const std::filesystem::path p(path);
    const std::filesystem::path dir = p.has_parent_path() ? p.parent_path() : ".";
    try {
        check_symlink(path);  // only to the user's own file; never a dangling one
    } catch (const PrivateFileError& e) {
        throw StoreError(e.what());
    }
    if (how == Open::create) {
        try {
            make_private_dirs(dir.string());  // each folder made 0700, whatever the umask
        } catch (const PrivateFileError& e) {
            throw StoreError(e.what());
        }
        // Create the file ourselves so it is 0600 from the first byte (SQLite would use
        // 0644 & umask; its -wal and -shm files copy the database's permissions).
        struct stat st {};
        const bool existed = ::stat(path.c_str(), &st) == 0;
        const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0)
            throw StoreError(path + ": cannot open the session database: " + std::strerror(errno));
        if (!existed) ::fchmod(fd, 0600);
        ::close(fd);
        // Steady's own data folder and its database files, when others could read them, are
        // tightened (a folder the user chose with --db is theirs to set).
        const bool own_folder = [&] {
            try {
                return std::filesystem::path(default_path()).parent_path() == dir;
            } catch (const StoreError&) {
                return false;
            }
        }();
        notices_ = tighten(own_folder ? dir.string() : std::string(),
                           {path, path + "-wal", path + "-shm"});
    } else {
        struct stat st {};
        if (::stat(path.c_str(), &st) != 0)
            throw StoreError(path + ": no session database here (" + std::strerror(errno) +
                             "); check --db, or record a session first");
        read_only_ = ::access(path.c_str(), W_OK) != 0 || ::access(dir.c_str(), W_OK) != 0;
    }
    try {
        if (!read_only_) {
            db_ = open_connection(path, path, SQLITE_OPEN_READWRITE);
            check_version(user_version(db_));  // before anything writes to a foreign file
            exec_waiting(db_, "PRAGMA journal_mode = WAL");
            exec(db_, "PRAGMA synchronous = NORMAL");  // WAL + NORMAL: survives a process kill
            exec(db_, "PRAGMA foreign_keys = ON");
            migrate();
            mark_interrupted();
            merge_journals();
        } else {
            // Read-only; a WAL database in a directory we cannot write needs `immutable`
            // (SQLite cannot create the shared-memory file beside it).
            db_ = open_connection(path, file_uri(path, "mode=ro"),
                                  SQLITE_OPEN_READONLY | SQLITE_OPEN_URI);
            try {
                version_ = user_version(db_);
                Statement(db_, "SELECT COUNT(*) FROM sqlite_master").row();
            } catch (const StoreError&) {
                sqlite3_close(db_);
                db_ = nullptr;
                db_ = open_connection(path, file_uri(path, "immutable=1"),
                                      SQLITE_OPEN_READONLY | SQLITE_OPEN_URI);
                version_ = user_version(db_);
            }
            check_version(version_);
            if (version_ == 0) throw StoreError("is empty, not a Steady database");
        }
    } catch (const StoreError& e) {
        const bool foreign = db_ && sqlite3_errcode(db_) == SQLITE_NOTADB;
        sqlite3_close(db_);
        db_ = nullptr;
        const std::string what = e.what();
        std::error_code ec;
        const std::string absolute = std::filesystem::absolute(path, ec).string();
        const bool named = what.rfind(path, 0) == 0 || what.rfind(absolute, 0) == 0;
        throw StoreError((named ? what : path + ": " + what) +
                         (foreign ? " (is this a Steady database?)" : ""));
    }
}

Database::~Database() {
    sqlite3_close(db_);
}

void Database::migrate() {
    // The version is read inside the write transaction, so two first opens at once take turns.
    exec_waiting(db_, "BEGIN IMMEDIATE");
    try {
        version_ = user_version(db_);
        check_version(version_);
        for (int i = version_; i < kSchemaVersion; ++i) {
            exec(db_, kMigrations[i]);
            exec(db_, ("PRAGMA user_version = " + std::to_string(i + 1)).c_str());
        }
        exec(db_, "COMMIT");
        version_ = kSchemaVersion;
    } catch (...) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

namespace {

// The sessions this process is recording now: its own pid does not make a session live (one
// whose final save failed is over, its rows waiting in its journal).
std::mutex live_mutex;
std::set<std::pair<std::string, std::int64_t>> live_sessions;

std::string canonical_db(const std::string& path) {
    std::error_code ec;
    const auto c = std::filesystem::weakly_canonical(path, ec);
    return ec ? path : c.string();
}

void set_live(const std::string& path, std::int64_t id, bool live) {
    const std::lock_guard lock(live_mutex);
    if (live)
        live_sessions.emplace(canonical_db(path), id);
    else
        live_sessions.erase({canonical_db(path), id});
}

bool is_live_here(const std::string& path, std::int64_t id) {
    const std::lock_guard lock(live_mutex);
    return live_sessions.count({canonical_db(path), id}) > 0;
}

}  // namespace

void Database::mark_interrupted() {
    std::vector<std::int64_t> abandoned;
    {
        const ProcessIdentity here = ProcessIdentity::of(::getpid());
        Statement q(db_,
                    "SELECT id, pid, host, boot_id, proc_start FROM sessions "
                    "WHERE state = 'recording' AND remote = 0");  // another's: the server's
        while (q.row()) {
            const auto pid = static_cast<pid_t>(q.integer(1));
            const std::string host = q.text(2), boot = q.text(3);
            const std::int64_t start = q.integer(4);
            // Another host's session (a shared database) is never judged from here.
            if (!host.empty() && host != here.host) continue;
            if (pid == ::getpid() && (boot.empty() || boot == here.boot_id)) {
                if (!is_live_here(path_, q.integer(0))) abandoned.push_back(q.integer(0));
                continue;
            }
            bool alive = pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM);
            // After a reboot no process of the old boot lives; a live pid that started at
            // another time is a reuse of the number.
            if (!boot.empty() && boot != here.boot_id) alive = false;
            if (alive && start > 0 && ProcessIdentity::of(pid).start != start) alive = false;
            if (!alive) abandoned.push_back(q.integer(0));
        }
    }
    Statement mark(db_,
                   "UPDATE sessions SET state = 'interrupted', duration_s = "
                   "COALESCE((SELECT MAX(t_s) FROM beats WHERE session_id = ?1), 0) WHERE id = ?1");
    for (const std::int64_t id : abandoned) {
        mark.bind(1, id).run();
        ++interrupted_on_open_;
    }
}

void Database::merge_journals() {
    for (const std::string& file : find_journals(path_)) merge_journal(file);
}

void Database::merge_journal(const std::string& file) {
    JournalContents j;
    try {
        j = read_journal(file);
    } catch (const JournalError& e) {
        notices_.push_back(std::string(e.what()) + "; left as it is");
        return;
    }
    if (journal_path(path_, j.session) != file) {
        notices_.push_back(file + ": holds session " + std::to_string(j.session) +
                           ", not the one its name says; left as it is");
        return;
    }
    const std::string id = std::to_string(j.session);
    std::size_t beats_added = 0, events_added = 0;
    bool completed = false;
    try {
        exec_waiting(db_, "BEGIN IMMEDIATE");  // counted inside: two opens at once merge once
        try {
            Statement row(db_, "SELECT state, started_at FROM sessions WHERE id = ?");
            row.bind(1, j.session);
            if (!row.row() || row.text(1) != j.started_at) {
                exec(db_, "ROLLBACK");
                notices_.push_back(file + ": its session " + id + " (started " + j.started_at +
                                   ") is not in this database; left as it is");
                return;
            }
            if (row.text(0) == "recording") {  // still being recorded by a live process
                exec(db_, "ROLLBACK");
                return;
            }
            const auto count = [&](const char* sql) {
                Statement q(db_, sql);
                q.bind(1, j.session);
                q.row();
                return static_cast<std::size_t>(q.integer(0));
            };
            const std::size_t have_beats = count("SELECT COUNT(*) FROM beats WHERE session_id = ?");
            const std::size_t have_events =
                count("SELECT COUNT(*) FROM events WHERE session_id = ?");
            // The database holds a prefix of what the journal holds (the journal is written
            // first, in the same order); the rest is added.
            const auto beats =
                std::span<const PlacedBeat>(j.beats).subspan(std::min(have_beats, j.beats.size()));
            const auto events =
                std::span<const Event>(j.events).subspan(std::min(have_events, j.events.size()));
            insert_rows(db_, j.session, beats, events);
            beats_added = beats.size();
            events_added = events.size();
            if (j.end_duration_s) {
                // It ended cleanly: complete, as its recorder would have stored it.
                Statement up(db_,
                             "UPDATE sessions SET state = 'complete', duration_s = ?, "
                             "sensor = COALESCE(NULLIF(?, ''), sensor), summary_version = 0, "
                             "episodes_version = 0 WHERE id = ?");
                up.bind(1, *j.end_duration_s).bind(2, j.sensor).bind(3, j.session).run();
                completed = true;
            } else if (beats_added + events_added > 0) {
                Statement up(db_,
                             "UPDATE sessions SET duration_s = MAX(duration_s, COALESCE((SELECT "
                             "MAX(t_s) FROM beats WHERE session_id = ?1), 0)), "
                             "summary_version = 0, episodes_version = 0 WHERE id = ?1");
                up.bind(1, j.session).run();
            }
            exec(db_, "COMMIT");
        } catch (...) {
            sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
            throw;
        }
    } catch (const StoreError& e) {
        notices_.push_back(std::string(e.what()) + ": could not merge " + file + " into session " +
                           id + "; it is kept and merged next time");
        return;
    }
    ::unlink(file.c_str());  // only now that the rows are committed
    std::string n = "merged " + std::to_string(beats_added) + " beats";
    if (events_added > 0) n += " and " + std::to_string(events_added) + " events";
    n += " from " + file + " into session " + id;
    if (completed) n += " (complete)";
    notices_.push_back(n);
    if (!j.problem.empty()) notices_.push_back(j.problem);
}

std::vector<StoredSession> Database::list(const std::optional<std::string>& client, bool counts) {
    std::vector<StoredSession> out;
    if (client && version_ < 2 && *client != kDefaultClient) return out;
    const bool by_client = client && version_ >= 2;
    Statement q(db_, session_select(version_, counts) + (by_client ? "WHERE c.name = ?1 " : "") +
                         "ORDER BY s.id");
    if (by_client) q.bind(1, *client);
    while (q.row()) out.push_back(session_row(q));
    return out;
}

std::int64_t Database::resolve(const std::string& spec) {
    const bool digits = !spec.empty() && spec.size() < 19 &&
                        spec.find_first_not_of("0123456789") == std::string::npos;
    if (digits && spec.size() < 8) return session(std::stoll(spec), false).id;
    std::string prefix;
    std::size_t hex = 0;
    for (const char c : spec) {
        const char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (std::isxdigit(static_cast<unsigned char>(l)))
            ++hex;
        else if (l != '-')
            throw StoreError("\"" + spec +
                             "\" is not a session: give its id (`steady sessions` lists them), "
                             "its UUID, or the UUID's first 8 or more hex digits");
        prefix += l;
    }
    if (hex < 8)
        throw StoreError("\"" + spec + "\" is too short for a UUID prefix: give 8 or more hex " +
                         "digits, or the session's id");
    std::vector<std::int64_t> found;
    if (version_ >= 6) {
        Statement q(db_, "SELECT id FROM sessions WHERE substr(uuid, 1, ?1) = ?2 ORDER BY id");
        q.bind(1, static_cast<std::int64_t>(prefix.size())).bind(2, prefix);
        while (q.row()) found.push_back(q.integer(0));
    }
    if (found.size() == 1) return found.front();
    if (found.empty() && digits) return session(std::stoll(spec), false).id;
    if (found.empty()) throw StoreError("no session with UUID " + spec + "... in " + path_);
    std::string ids;
    for (const auto id : found) ids += (ids.empty() ? "" : ", ") + std::to_string(id);
    throw StoreError("UUID prefix " + spec + " matches sessions " + ids +
                     "; give more of its digits");
}

StoredSession Database::session(std::int64_t id, bool counts) {
    Statement q(db_, session_select(version_, counts) + "WHERE s.id = ?1");
    q.bind(1, id);
    if (!q.row()) throw StoreError("no session " + std::to_string(id) + " in " + path_);
    return session_row(q);
}

SessionRecord Database::load(std::int64_t id) {
    SessionRecord d;
    d.session = session(id);
    Statement b(db_, "SELECT t_s, rr_ms, flags FROM beats WHERE session_id = ? ORDER BY rowid");
    b.bind(1, id);
    while (b.row())
        d.beats.push_back({b.real(0), b.real(1), static_cast<std::uint32_t>(b.integer(2))});
    Statement e(db_, "SELECT t_s, kind, payload FROM events WHERE session_id = ? ORDER BY rowid");
    e.bind(1, id);
    while (e.row()) d.events.push_back(event_from_payload(e.real(0), e.text(1), e.text(2)));
    return d;
}

SessionSummary Database::compute_summary(std::int64_t id) {
    const SessionRecord d = load(id);
    return summarize_session(d.beats, d.events, d.session.duration_s, d.session.challenge);
}

SessionSummary Database::summary(std::int64_t id, bool recompute) {
    if (version_ < 2) {
        session(id);  // throws for a missing one
        return compute_summary(id);
    }
    std::string state;
    {
        Statement q(db_, "SELECT summary, summary_version, state FROM sessions WHERE id = ?");
        q.bind(1, id);
        if (!q.row()) throw StoreError("no session " + std::to_string(id) + " in " + path_);
        state = q.text(2);
        if (!recompute && !q.null(0) && q.integer(1) == SessionSummary::kVersion) {
            try {
                return summary_from_json(nlohmann::json::parse(q.text(0)));
            } catch (const nlohmann::json::exception&) {
                // unreadable: computed again below
            }
        }
    }
    const SessionSummary s = compute_summary(id);
    if (!read_only_ && state != "recording") {
        Statement up(db_, "UPDATE sessions SET summary = ?, summary_version = ? WHERE id = ?");
        up.bind(1, summary_json(s).dump()).bind(2, std::int64_t{s.version}).bind(3, id).run();
    }
    return s;
}

std::vector<recovery::Episode> Database::episodes(std::int64_t id, bool recompute) {
    const StoredSession row = session(id, false);
    if (version_ >= 3 && !recompute) {
        Statement v(db_, "SELECT episodes_version FROM sessions WHERE id = ?");
        v.bind(1, id);
        if (v.row() && v.integer(0) == recovery::kMethodVersion) {
            std::vector<recovery::Episode> out;
            Statement q(db_, "SELECT result FROM episodes WHERE session_id = ? ORDER BY idx");
            q.bind(1, id);
            try {
                while (q.row()) out.push_back(episode_from_json(nlohmann::json::parse(q.text(0))));
                return out;
            } catch (const nlohmann::json::exception&) {
                // unreadable: computed again below
            }
        }
    }
    const SessionRecord d = load(id);
    std::vector<recovery::Episode> eps =
        recovery::find_episodes(d.beats, d.events, d.session.duration_s);
    if (!read_only_ && version_ >= 3 && row.state != "recording") store_episodes(id, eps);
    return eps;
}

void Database::store_episodes(std::int64_t id, const std::vector<recovery::Episode>& eps) {
    exec(db_, "BEGIN IMMEDIATE");
    try {
        Statement del(db_, "DELETE FROM episodes WHERE session_id = ?");
        del.bind(1, id).run();
        Statement ins(
            db_, "INSERT INTO episodes (session_id, idx, onset_s, result) VALUES (?, ?, ?, ?)");
        for (std::size_t i = 0; i < eps.size(); ++i)
            ins.bind(1, id)
                .bind(2, static_cast<std::int64_t>(i))
                .bind(3, eps[i].onset_s)
                .bind(4, episode_json(eps[i]).dump())
                .run();
        Statement up(db_, "UPDATE sessions SET episodes_version = ? WHERE id = ?");
        up.bind(1, std::int64_t{recovery::kMethodVersion}).bind(2, id).run();
        exec(db_, "COMMIT");
    } catch (...) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

std::vector<Event> Database::events(std::int64_t id) {
    std::vector<Event> out;
    Statement e(db_, "SELECT t_s, kind, payload FROM events WHERE session_id = ? ORDER BY rowid");
    e.bind(1, id);
    while (e.row()) out.push_back(event_from_payload(e.real(0), e.text(1), e.text(2)));
    return out;
}

void Database::add_event(std::int64_t id, const Event& e) {
    if (read_only_) throw StoreError(path_ + ": the database is write-protected");
    session(id, false);  // throws for a missing one
    insert_rows(db_, id, {}, std::span<const Event>(&e, 1));
    if (version_ >= 3) {  // its episodes and summary are derived from the events
        Statement up(db_,
                     "UPDATE sessions SET episodes_version = 0, summary_version = 0 WHERE id = ?");
        up.bind(1, id).run();
    }
}

std::optional<std::int64_t> Database::session_with_source(const std::string& hash) {
    if (version_ < 3) return std::nullopt;
    Statement q(db_, "SELECT id FROM sessions WHERE source_hash = ?");
    q.bind(1, hash);
    if (!q.row()) return std::nullopt;
    return q.integer(0);
}

std::int64_t Database::import_session(const Client& client, const ImportedSession& s) {
    if (read_only_) throw StoreError(path_ + ": the database is write-protected");
    if (const auto existing = session_with_source(s.source_hash))
        throw StoreError(path_ + ": this file is already stored as session " +
                         std::to_string(*existing) + "; nothing was added");
    const SessionSummary summary = summarize_session(s.beats, s.events, s.duration_s, s.challenge);
    std::int64_t id = 0;
    exec(db_, "BEGIN IMMEDIATE");
    try {
        Statement ins(
            db_,
            "INSERT INTO sessions (started_at, sensor, state, duration_s, pid, client_id, "
            "challenge, summary, summary_version, source_hash) "
            "VALUES (?, ?, 'complete', ?, 0, ?, ?, ?, ?, ?)");
        ins.bind(1, s.started_at)
            .bind(2, s.sensor)
            .bind(3, s.duration_s)
            .bind(4, client.id)
            .bind(5, std::int64_t{s.challenge})
            .bind(6, summary_json(summary).dump())
            .bind(7, std::int64_t{summary.version})
            .bind(8, s.source_hash)
            .run();
        id = sqlite3_last_insert_rowid(db_);
        insert_rows(db_, id, s.beats, s.events);
        exec(db_, "COMMIT");
    } catch (const StoreError& e) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        throw StoreError(std::string(e.what()) + ": could not store the import");
    }
    store_episodes(id, recovery::find_episodes(s.beats, s.events, s.duration_s));
    return id;
}

namespace {

nlohmann::json settings_json(const ClientSettings& c) {
    nlohmann::json j = nlohmann::json::object();
    if (c.pattern) j["pattern"] = *c.pattern;
    if (c.challenge) j["challenge"] = *c.challenge;
    if (c.resonance_bpm) j["resonance_bpm"] = *c.resonance_bpm;
    if (c.fast_count_s) j["fast_count_s"] = *c.fast_count_s;
    if (c.slow_count_s) j["slow_count_s"] = *c.slow_count_s;
    return j;
}

ClientSettings settings_from(const std::string& text) {
    ClientSettings c;
    const auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object()) return c;
    if (const auto it = j.find("pattern"); it != j.end() && it->is_string())
        c.pattern = it->get<std::string>();
    if (const auto it = j.find("challenge"); it != j.end() && it->is_number_integer())
        c.challenge = it->get<int>();
    c.resonance_bpm = optional_number(j, "resonance_bpm");
    c.fast_count_s = optional_number(j, "fast_count_s");
    c.slow_count_s = optional_number(j, "slow_count_s");
    return c;
}

void check_client_name(const std::string& name) {
    if (name.empty() || name.size() > 64)
        throw StoreError("a client's name must be 1 to 64 characters (a pseudonym is enough)");
    for (const unsigned char ch : name)
        if (ch < 0x20 || ch == 0x7f)
            throw StoreError("a client's name cannot hold control characters");
    if (name.front() == ' ' || name.back() == ' ')
        throw StoreError("a client's name cannot start or end with a space");
}

}  // namespace

std::vector<Client> Database::clients(bool archived) {
    if (version_ < 2) return {{1, kDefaultClient}};
    std::vector<Client> out;
    const std::string settings = version_ >= 4 ? "settings" : "'{}'";
    const std::string uuid = version_ >= 6 ? "uuid" : "''";
    Statement q(db_, "SELECT id, name, note, archived, " + settings + ", " + uuid +
                         " FROM clients" + (archived ? "" : " WHERE archived = 0") +
                         " ORDER BY id");
    while (q.row()) {
        Client c{q.integer(0), q.text(1)};
        c.note = q.text(2);
        c.archived = q.integer(3) != 0;
        c.settings = settings_from(q.text(4));
        c.uuid = q.text(5);
        out.push_back(std::move(c));
    }
    return out;
}

Client Database::client(const std::string& name) {
    for (const Client& c : clients(true))
        if (c.name == name) {
            if (c.archived)
                throw StoreError("client \"" + name +
                                 "\" is archived; their sessions stay readable, but no new "
                                 "session is recorded for them");
            return c;
        }
    std::string known;
    for (const Client& c : clients()) known += (known.empty() ? "" : ", ") + c.name;
    throw StoreError("no client \"" + name + "\" in " + path_ + " (clients: " + known +
                     "; add one with `steady clients add NAME`)");
}

Client Database::default_client() {
    if (version_ < 2) return {1, kDefaultClient};
    {
        Statement q(db_, "SELECT name FROM clients WHERE archived = 0 ORDER BY id LIMIT 1");
        if (q.row()) return client(q.text(0));
    }
    if (read_only_) return {1, kDefaultClient};
    {
        Statement any(db_, "SELECT COUNT(*) FROM clients");
        any.row();
        if (any.integer(0) > 0)
            throw StoreError(path_ +
                             ": every client is archived; name one with --client, or add one "
                             "with `steady clients add NAME`");
    }
    Statement ins(db_, "INSERT INTO clients (name) VALUES (?)");
    ins.bind(1, std::string(kDefaultClient)).run();
    return client(kDefaultClient);
}

Client Database::add_client(const std::string& name, const std::string& note) {
    check_client_name(name);
    if (read_only_) throw StoreError(path_ + ": the database is write-protected");
    for (const Client& c : clients(true))
        if (c.name == name)
            throw StoreError("there is already a client \"" + name + "\"" +
                             (c.archived ? " (archived)" : ""));
    Statement ins(db_, "INSERT INTO clients (name, note) VALUES (?, ?)");
    ins.bind(1, name).bind(2, note).run();
    return client(name);
}

void Database::rename_client(const std::string& from, const std::string& to) {
    check_client_name(to);
    if (read_only_) throw StoreError(path_ + ": the database is write-protected");
    const Client c = client(from);
    for (const Client& other : clients(true))
        if (other.name == to) throw StoreError("there is already a client \"" + to + "\"");
    Statement(db_, "UPDATE clients SET name = ? WHERE id = ?").bind(1, to).bind(2, c.id).run();
}

void Database::archive_client(const std::string& name) {
    if (read_only_) throw StoreError(path_ + ": the database is write-protected");
    const Client c = client(name);
    Statement(db_, "UPDATE clients SET archived = 1 WHERE id = ?").bind(1, c.id).run();
}

void Database::set_client_note(const Client& c, const std::string& note) {
    if (read_only_) throw StoreError(path_ + ": the database is write-protected");
    Statement(db_, "UPDATE clients SET note = ? WHERE id = ?").bind(1, note).bind(2, c.id).run();
}

void Database::set_client_settings(const Client& c, const ClientSettings& settings) {
    if (read_only_) throw StoreError(path_ + ": the database is write-protected");
    if (version_ < 4) throw StoreError(path_ + ": this database predates client settings");
    Statement(db_, "UPDATE clients SET settings = ? WHERE id = ?")
        .bind(1, settings_json(settings).dump())
        .bind(2, c.id)
        .run();
}

std::int64_t Database::session_count(const Client& c) {
    if (version_ < 2) {
        Statement q(db_, "SELECT COUNT(*) FROM sessions");
        q.row();
        return q.integer(0);
    }
    Statement q(db_, "SELECT COUNT(*) FROM sessions WHERE client_id = ?");
    q.bind(1, c.id);
    q.row();
    return q.integer(0);
}

std::optional<Baseline> Database::stored_baseline(const Client& client,
                                                  std::optional<std::int64_t> session_id,
                                                  std::int64_t* from_session) {
    if (session_id) {
        const StoredSession s = session(*session_id, false);
        if (s.client != client.name)
            throw StoreError("session " + std::to_string(*session_id) + " belongs to " + s.client +
                             ", not " + client.name +
                             "; one client's baseline is never used for another");
    }
    const std::string client_filter = version_ >= 2 ? "s.client_id = ?1" : "?1 = ?1";
    Statement q(
        db_,
        "SELECT e.t_s, e.payload, s.id FROM events e JOIN sessions s ON s.id = e.session_id "
        "WHERE e.kind = 'baseline' AND " +
            client_filter + (session_id ? " AND s.id = ?2" : "") +
            " ORDER BY e.session_id DESC, e.rowid DESC LIMIT 1");
    q.bind(1, client.id);
    if (session_id) q.bind(2, *session_id);
    if (!q.row()) return std::nullopt;
    const Event e = event_from_payload(q.real(0), "baseline", q.text(1));
    const auto* b = e.as<BaselineEvent>();
    if (!b || !(b->hr_bpm > 0) || !(b->rmssd_ms > 0)) return std::nullopt;
    if (from_session) *from_session = q.integer(2);
    return Baseline{b->hr_bpm, b->rmssd_ms, b->resp_bpm};
}

std::unique_ptr<Recording> Database::begin_recording(const Client& client,
                                                     const std::string& sensor, int challenge) {
    if (read_only_) throw StoreError(path_ + ": the database is write-protected");
    return std::unique_ptr<Recording>(new Recording(path_, client.id, sensor, challenge));
}

// Recording ---------------------------------------------------------------------------------

Recording::Recording(const std::string& path, std::int64_t client_id, const std::string& sensor,
                     int challenge)
    : path_(path) {
    db_ = open_connection(path, path, SQLITE_OPEN_READWRITE);
    const std::string started_at = utc_iso(std::time(nullptr));
    try {
        exec(db_, "PRAGMA synchronous = NORMAL");
        exec(db_, "PRAGMA foreign_keys = ON");
        Statement ins(db_,
                      "INSERT INTO sessions (started_at, sensor, state, pid, client_id, challenge, "
                      "host, boot_id, proc_start) VALUES (?, ?, 'recording', ?, ?, ?, ?, ?, ?)");
        const ProcessIdentity me = ProcessIdentity::of(::getpid());
        ins.bind(1, started_at)
            .bind(2, sensor)
            .bind(3, std::int64_t{::getpid()})
            .bind(4, client_id)
            .bind(5, std::int64_t{challenge})
            .bind(6, me.host)
            .bind(7, me.boot_id)
            .bind(8, me.start)
            .run();
        id_ = sqlite3_last_insert_rowid(db_);
    } catch (const StoreError& e) {
        sqlite3_close(db_);
        throw StoreError(std::string(e.what()) + ": cannot start a session");
    }
    set_live(path_, id_, true);
    // A commit that meets a lock gives up quickly and is tried again a moment later (the rows
    // wait in memory and the journal), so a lock held elsewhere never stalls the session.
    sqlite3_busy_timeout(db_, kCommitWaitMs);
    // The journal exists before the disk can fill: made (and its room reserved) now. Without
    // one the session still records into the database, and says so.
    const std::string file = journal_path(path_, id_);
    std::string moved;
    struct stat st {};
    if (::lstat(file.c_str(), &st) == 0) {
        // A journal of an older database's session with this id (the database was replaced):
        // kept aside, never overwritten.
        moved = file + ".stray-" + std::to_string(std::time(nullptr));
        if (::rename(file.c_str(), moved.c_str()) != 0) moved.clear();
    }
    try {
        journal_ = std::make_unique<SessionJournal>(file, id_, started_at);
        journal_problem_ = journal_->reserve_problem();
        if (!moved.empty())
            journal_problem_ += std::string(journal_problem_.empty() ? "" : "; ") +
                                "an older journal with this session's name (of a database since "
                                "replaced) was kept as " +
                                moved;
    } catch (const JournalError& e) {
        journal_problem_ = std::string(e.what()) + "; the session records into the database only";
    }
}

Recording::~Recording() {
    set_live(path_, id_, false);
    if (!finished_ && !ended_) {
        const bool committed = !commit();
        try {
            Statement up(db_,
                         "UPDATE sessions SET state = 'complete', duration_s = "
                         "COALESCE((SELECT MAX(t_s) FROM beats WHERE session_id = ?1), 0) "
                         "WHERE id = ?1");
            up.bind(1, id_).run();
            if (committed && journal_) journal_->remove();
        } catch (const StoreError&) {
            // left "recording": the next open marks it interrupted and merges the journal
        }
    }
    sqlite3_close(db_);
}

void Recording::add_beats(std::span<const PlacedBeat> beats) {
    pending_beats_.insert(pending_beats_.end(), beats.begin(), beats.end());
    if (journal_) journal_->add_beats(beats);
}

void Recording::add_events(std::span<const Event> events) {
    pending_events_.insert(pending_events_.end(), events.begin(), events.end());
    if (journal_) journal_->add_events(events);
}

std::optional<double> Recording::oldest_pending_s() const {
    if (pending_beats_.empty()) return std::nullopt;
    return pending_beats_.front().t_s;
}

std::string Recording::journal() const {
    return journal_ ? journal_->path() : std::string();
}

std::optional<std::string> Recording::commit() {
    // The journal first: once this returns, the rows are on the disk in one place or the other.
    std::optional<std::string> journal_err = journal_ ? journal_->flush() : std::nullopt;
    if (pending() == 0) return journal_err;
    if (const auto err = write_pending()) {
        // The rows are only in memory and the journal now: on to the disk with them.
        if (journal_ && !journal_err) journal_err = journal_->sync();
        const std::string kept =
            journal_ && !journal_err
                ? "kept in memory and in " + journal_->path()
                : "kept in memory only (" + (journal_err ? *journal_err : journal_problem_) + ")";
        return *err + ": " + std::to_string(pending_beats_.size()) + " beats and " +
               std::to_string(pending_events_.size()) + " events not yet saved, " + kept +
               "; retried every second";
    }
    return journal_err;  // the database has the rows; the journal's trouble is still said
}

std::optional<std::string> Recording::write_pending() {
    try {
        exec(db_, "BEGIN IMMEDIATE");
        insert_rows(db_, id_, pending_beats_, pending_events_);
        exec(db_, "COMMIT");
    } catch (const StoreError& e) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        return e.what();
    }
    pending_beats_.clear();
    pending_events_.clear();
    return std::nullopt;
}

std::optional<std::string> Recording::finish(double duration_s, const SessionSummary& summary,
                                             const std::string& sensor_spec) {
    if (finished_) return std::nullopt;
    if (ended_)
        return path_ + ": session " + std::to_string(id_) +
               " has ended; what the database did not take is in its journal";
    if (journal_) journal_->add_end(duration_s, sensor_spec);
    const std::optional<std::string> journal_err = journal_ ? journal_->flush(true) : std::nullopt;
    const auto kept = [&] {
        if (journal_ && !journal_err)
            return journal_->path() + " keeps them; the next steady command that opens " + path_ +
                   " merges them into session " + std::to_string(id_);
        return std::string("they could not be kept anywhere (") +
               (journal_err ? *journal_err : journal_problem_) + ")";
    };
    const std::size_t unsaved = pending_beats_.size();
    sqlite3_busy_timeout(db_, kFinishWaitMs);  // the last try waits out a passing lock
    const std::optional<std::string> err = [&]() -> std::optional<std::string> {
        if (pending() > 0)
            if (auto e = write_pending()) return e;
        try {
            Statement up(db_,
                         "UPDATE sessions SET state = 'complete', duration_s = ?, summary = ?, "
                         "summary_version = ?, sensor = COALESCE(NULLIF(?, ''), sensor) "
                         "WHERE id = ?");
            up.bind(1, duration_s)
                .bind(2, summary_json(summary).dump())
                .bind(3, std::int64_t{summary.version})
                .bind(4, sensor_spec)
                .bind(5, id_)
                .run();
        } catch (const StoreError& e) {
            return e.what();
        }
        return std::nullopt;
    }();
    ended_ = true;
    set_live(path_, id_, false);  // from now on only the journal holds the rest
    if (err) {
        return *err + ": session " + std::to_string(id_) + " could not be saved whole (" +
               std::to_string(unsaved) + " beats not in the database); " + kept();
    }
    finished_ = true;
    if (journal_) journal_->remove();
    return std::nullopt;
}

void Recording::set_max_pages(std::int64_t pages) {
    exec(db_, ("PRAGMA max_page_count = " + std::to_string(pages)).c_str());
}

}  // namespace steady
