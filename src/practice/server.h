// A practice's shared PostgreSQL server (README "A practice's shared store"), through libpq.
// The server keeps the same clients, sessions, beats and events as a workstation's SQLite store,
// keyed by UUID so rows from several workstations never collide: a beat by its session's UUID
// and its index, an event by its own UUID. Writes are idempotent (ON CONFLICT DO NOTHING), so a
// batch sent twice (the answer lost with the connection) is stored once.
//
// The schema is versioned (table steady_schema) and migrated on connect, each step in one
// transaction under an advisory lock, so several workstations connecting at once take turns.
// A server whose schema is newer than this Steady understands is refused, nothing changed.
//
// Connection strings are libpq's (a postgresql:// URI or key=value words); TLS and every other
// option pass through. A password is never taken from Steady's settings file: libpq reads it
// from ~/.pgpass or PGPASSFILE. Messages never show a password.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "session/store.h"

struct pg_conn;
struct pg_result;

namespace steady::practice {

// The server is unreachable, refused us, or went away midway. The message names the server
// (without its password) and says why.
class ServerError : public StoreError {
  public:
    using StoreError::StoreError;
};

// True for a libpq connection string: a postgresql:// or postgres:// URI, or key=value words.
bool is_server(const std::string& spec);
// The connection string with any password replaced by "***", for messages and the local
// record of which server is which.
std::string redacted(const std::string& conninfo);
// Whether the connection string carries a password (refused in the settings file).
bool has_password(const std::string& conninfo);

// One result; rows and columns as text (NULL as nullopt).
class Result {
  public:
    explicit Result(pg_result* r) : r_(r) {}
    ~Result();
    Result(Result&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
    Result(const Result&) = delete;
    Result& operator=(const Result&) = delete;
    Result& operator=(Result&&) = delete;
    int rows() const;
    bool null(int row, int col) const;
    std::string text(int row, int col) const;
    std::int64_t integer(int row, int col) const;
    double real(int row, int col) const;
    std::int64_t affected() const;  // rows an INSERT or UPDATE changed
    pg_result* get() const { return r_; }

  private:
    pg_result* r_;
};

using Param = std::optional<std::string>;

class Server {
  public:
    static constexpr int kSchemaVersion = 1;
    static constexpr int kConnectTimeoutS = 5;

    // Connects and migrates. Throws ServerError.
    explicit Server(const std::string& conninfo);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    const std::string& name() const { return name_; }          // redacted connection string
    const std::string& practice() const { return practice_; }  // the practice's UUID
    int schema_version() const { return version_; }

    // Runs one statement with text parameters ($1, $2...). Throws ServerError with the server's
    // message; `sqlstate` receives its SQLSTATE code when given (23505: unique violation).
    Result exec(const std::string& sql, const std::vector<Param>& params = {},
                std::string* sqlstate = nullptr);
    void begin() { exec("BEGIN"); }
    void commit() { exec("COMMIT"); }
    void rollback() noexcept;

  private:
    void migrate();

    pg_conn* conn_ = nullptr;
    std::string name_;
    std::string practice_;
    int version_ = 0;
};

// Text for PostgreSQL's array input: {"a","b"} with quotes and backslashes escaped.
std::string array_literal(const std::vector<std::string>& items);
// A double as text that reads back to the same bits.
std::string exact_text(double v);

}  // namespace steady::practice
