#include "session/store.h"

#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>

namespace steady {
namespace {

// A prepared statement that finalizes itself.
class Statement {
  public:
    Statement(sqlite3* db, const char* sql) : db_(db) {
        if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK)
            throw StoreError(std::string("database: ") + sqlite3_errmsg(db) + " in: " + sql);
    }
    ~Statement() { sqlite3_finalize(stmt_); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    sqlite3_stmt* get() { return stmt_; }
    // Runs to completion; throws with SQLite's message on failure.
    void run() {
        const int rc = sqlite3_step(stmt_);
        sqlite3_reset(stmt_);
        if (rc != SQLITE_DONE) throw StoreError(sqlite3_errmsg(db_));
    }
    bool row() {
        const int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW) return true;
        if (rc != SQLITE_DONE) throw StoreError(sqlite3_errmsg(db_));
        return false;
    }
    std::string text(int col) {
        const auto* p = sqlite3_column_text(stmt_, col);
        return p ? reinterpret_cast<const char*>(p) : "";
    }

  private:
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
};

std::string utc_now_iso() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

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
};
static_assert(std::size(kMigrations) == SessionStore::kSchemaVersion);

}  // namespace

std::string SessionStore::default_path() {
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

SessionStore::SessionStore(const std::string& path) : path_(path) {
    const std::filesystem::path p(path);
    const std::filesystem::path dir = p.has_parent_path() ? p.parent_path() : ".";
    std::error_code ec;
    if (!std::filesystem::exists(dir, ec)) {
        std::filesystem::create_directories(dir, ec);
        if (ec)
            throw StoreError(dir.string() + ": cannot create the data directory: " + ec.message());
        ::chmod(dir.c_str(), 0700);  // health data: only this user may list it
    }
    // Create the file ourselves so it is 0600 from the first byte (SQLite would use 0644 & umask;
    // its -wal and -shm files copy the database's permissions).
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        throw StoreError(path + ": cannot open the session database: " + std::strerror(errno));
    ::close(fd);
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX,
                        nullptr) != SQLITE_OK) {
        const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close(db_);
        throw StoreError(path + ": " + why);
    }
    try {
        sqlite3_busy_timeout(db_, 2000);
        exec("PRAGMA journal_mode = WAL");
        exec("PRAGMA synchronous = NORMAL");  // WAL + NORMAL: a commit survives a process kill
        exec("PRAGMA foreign_keys = ON");
        migrate();
        mark_interrupted();
    } catch (const StoreError& e) {
        sqlite3_close(db_);
        throw StoreError(path + ": " + e.what() + " (is this a Steady database?)");
    }
}

SessionStore::~SessionStore() {
    if (session_ != 0) finish_session(-1);
    sqlite3_close(db_);
}

void SessionStore::exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
        const std::string why = err ? err : sqlite3_errmsg(db_);
        sqlite3_free(err);
        throw StoreError(why);
    }
}

void SessionStore::migrate() {
    Statement v(db_, "PRAGMA user_version");
    v.row();
    const int version = sqlite3_column_int(v.get(), 0);
    if (version > kSchemaVersion)
        throw StoreError("schema version " + std::to_string(version) +
                         " is newer than this Steady understands (" +
                         std::to_string(kSchemaVersion) + "); update Steady");
    for (int i = version; i < kSchemaVersion; ++i) {
        exec("BEGIN IMMEDIATE");
        try {
            exec(kMigrations[i]);
            exec(("PRAGMA user_version = " + std::to_string(i + 1)).c_str());
            exec("COMMIT");
        } catch (...) {
            sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
            throw;
        }
    }
}

void SessionStore::mark_interrupted() {
    std::vector<std::int64_t> abandoned;
    {
        Statement q(db_, "SELECT id, pid FROM sessions WHERE state = 'recording'");
        while (q.row()) {
            const auto pid = static_cast<pid_t>(sqlite3_column_int64(q.get(), 1));
            // Still recording in another process? kill(pid, 0) fails with ESRCH once it is gone.
            if (pid > 0 && pid != ::getpid() && (::kill(pid, 0) == 0 || errno == EPERM)) continue;
            abandoned.push_back(sqlite3_column_int64(q.get(), 0));
        }
    }
    Statement mark(db_,
                   "UPDATE sessions SET state = 'interrupted', duration_s = "
                   "COALESCE((SELECT MAX(t_s) FROM beats WHERE session_id = ?1), 0) WHERE id = ?1");
    for (const std::int64_t id : abandoned) {
        sqlite3_bind_int64(mark.get(), 1, id);
        mark.run();
        ++interrupted_on_open_;
    }
}

std::int64_t SessionStore::begin_session(const std::string& sensor_spec) {
    if (session_ != 0) finish_session(-1);
    Statement ins(
        db_, "INSERT INTO sessions (started_at, sensor, state, pid) VALUES (?, ?, 'recording', ?)");
    const std::string now = utc_now_iso();
    sqlite3_bind_text(ins.get(), 1, now.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(ins.get(), 2, sensor_spec.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(ins.get(), 3, ::getpid());
    ins.run();
    session_ = sqlite3_last_insert_rowid(db_);
    return session_;
}

void SessionStore::set_sensor(const std::string& sensor_spec) {
    if (session_ == 0) return;
    Statement up(db_, "UPDATE sessions SET sensor = ? WHERE id = ?");
    sqlite3_bind_text(up.get(), 1, sensor_spec.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(up.get(), 2, session_);
    up.run();
}

std::optional<std::string> SessionStore::commit() {
    if (session_ == 0 || pending() == 0) return std::nullopt;
    try {
        exec("BEGIN IMMEDIATE");
        Statement beat(db_,
                       "INSERT INTO beats (session_id, t_s, rr_ms, flags) VALUES (?, ?, ?, ?)");
        for (const PlacedBeat& b : pending_beats_) {
            sqlite3_bind_int64(beat.get(), 1, session_);
            sqlite3_bind_double(beat.get(), 2, b.t_s);
            sqlite3_bind_double(beat.get(), 3, b.rr_ms);
            sqlite3_bind_int64(beat.get(), 4, b.flags);
            beat.run();
        }
        Statement event(db_,
                        "INSERT INTO events (session_id, t_s, kind, payload) VALUES (?, ?, ?, ?)");
        for (const EngineEvent& e : pending_events_) {
            sqlite3_bind_int64(event.get(), 1, session_);
            sqlite3_bind_double(event.get(), 2, e.t_s);
            sqlite3_bind_text(event.get(), 3, e.kind.c_str(), -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(event.get(), 4, e.payload.c_str(), -1, SQLITE_TRANSIENT);
            event.run();
        }
        exec("COMMIT");
    } catch (const StoreError& e) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        return path_ + ": could not save the last " + std::to_string(pending()) +
               " beats/events (" + e.what() + "); they are kept in memory and retried";
    }
    pending_beats_.clear();
    pending_events_.clear();
    return std::nullopt;
}

std::optional<std::string> SessionStore::finish_session(double duration_s) {
    if (session_ == 0) return std::nullopt;
    if (auto err = commit()) return err;
    try {
        Statement up(
            db_,
            "UPDATE sessions SET state = 'complete', duration_s = CASE WHEN ?2 >= 0 THEN ?2 "
            "ELSE COALESCE((SELECT MAX(t_s) FROM beats WHERE session_id = ?1), 0) END "
            "WHERE id = ?1");
        sqlite3_bind_int64(up.get(), 1, session_);
        sqlite3_bind_double(up.get(), 2, duration_s);
        up.run();
    } catch (const StoreError& e) {
        return path_ + ": could not close the session: " + e.what();
    }
    session_ = 0;
    return std::nullopt;
}

std::optional<Baseline> SessionStore::stored_baseline(std::optional<std::int64_t> id) {
    Statement q(db_, id ? "SELECT payload FROM events WHERE kind = 'baseline' AND session_id = ? "
                          "ORDER BY rowid DESC LIMIT 1"
                        : "SELECT payload FROM events WHERE kind = 'baseline' "
                          "ORDER BY session_id DESC, rowid DESC LIMIT 1");
    if (id) sqlite3_bind_int64(q.get(), 1, *id);
    if (!q.row()) return std::nullopt;
    try {
        const auto j = nlohmann::json::parse(q.text(0));
        Baseline b;
        b.hr_bpm = j.at("hr_bpm").get<double>();
        b.rmssd_ms = j.at("rmssd_ms").get<double>();
        if (j.contains("resp_bpm") && j["resp_bpm"].is_number())
            b.resp_bpm = j["resp_bpm"].get<double>();
        if (!(b.hr_bpm > 0) || !(b.rmssd_ms > 0)) return std::nullopt;
        return b;
    } catch (const nlohmann::json::exception& e) {
        throw StoreError(path_ + ": the stored baseline is unreadable: " + e.what());
    }
}

void SessionStore::set_max_pages(std::int64_t pages) {
    exec(("PRAGMA max_page_count = " + std::to_string(pages)).c_str());
}

std::vector<SessionSummary> SessionStore::list() {
    Statement q(db_,
                "SELECT s.id, s.started_at, s.sensor, s.state, s.duration_s, "
                "(SELECT COUNT(*) FROM beats b WHERE b.session_id = s.id), "
                "(SELECT COUNT(*) FROM beats b WHERE b.session_id = s.id AND (b.flags & 4) != 0) "
                "FROM sessions s ORDER BY s.id");
    std::vector<SessionSummary> out;
    while (q.row()) {
        out.push_back({sqlite3_column_int64(q.get(), 0), q.text(1), q.text(2), q.text(3),
                       sqlite3_column_double(q.get(), 4), sqlite3_column_int64(q.get(), 5),
                       sqlite3_column_int64(q.get(), 6)});
    }
    return out;
}

SessionData SessionStore::load(std::int64_t id) {
    SessionData d;
    for (const SessionSummary& s : list()) {
        if (s.id == id) d.summary = s;
    }
    if (d.summary.id == 0) throw StoreError("no session " + std::to_string(id) + " in " + path_);
    Statement b(db_, "SELECT t_s, rr_ms, flags FROM beats WHERE session_id = ? ORDER BY rowid");
    sqlite3_bind_int64(b.get(), 1, id);
    while (b.row()) {
        d.beats.push_back({sqlite3_column_double(b.get(), 0), sqlite3_column_double(b.get(), 1),
                           static_cast<std::uint32_t>(sqlite3_column_int64(b.get(), 2))});
    }
    Statement e(db_, "SELECT t_s, kind, payload FROM events WHERE session_id = ? ORDER BY rowid");
    sqlite3_bind_int64(e.get(), 1, id);
    while (e.row()) d.events.push_back({sqlite3_column_double(e.get(), 0), e.text(1), e.text(2)});
    return d;
}

}  // namespace steady
