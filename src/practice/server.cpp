#include "practice/server.h"

#include <libpq-fe.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <memory>

namespace steady::practice {
namespace {

// Server schema migrations, index i takes version i to i + 1. The same tables as a
// workstation's store (session/store.cpp), keyed by UUID; beats by (session, index).
constexpr const char* kMigrations[] = {
    R"sql(
    CREATE TABLE steady_practice (
        id uuid PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now()
    );
    INSERT INTO steady_practice (id) VALUES (gen_random_uuid());
    CREATE TABLE clients (
        uuid uuid PRIMARY KEY,
        name text NOT NULL UNIQUE,
        note text NOT NULL DEFAULT '',
        archived boolean NOT NULL DEFAULT false,
        settings text NOT NULL DEFAULT '{}',
        updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE sessions (
        uuid uuid PRIMARY KEY,
        client_uuid uuid NOT NULL REFERENCES clients(uuid),
        started_at text NOT NULL,
        sensor text NOT NULL,
        state text NOT NULL CHECK (state IN ('recording', 'complete', 'interrupted')),
        duration_s double precision NOT NULL DEFAULT 0,
        challenge integer NOT NULL DEFAULT 1,
        summary text,
        summary_version integer NOT NULL DEFAULT 0,
        source_hash text,
        host text NOT NULL DEFAULT '',
        updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX sessions_by_client ON sessions(client_uuid);
    CREATE TABLE beats (
        session_uuid uuid NOT NULL REFERENCES sessions(uuid) ON DELETE CASCADE,
        idx bigint NOT NULL,
        t_s double precision NOT NULL,
        rr_ms double precision NOT NULL,
        flags integer NOT NULL DEFAULT 0,
        received_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (session_uuid, idx)
    );
    CREATE TABLE events (
        uuid uuid PRIMARY KEY,
        session_uuid uuid NOT NULL REFERENCES sessions(uuid) ON DELETE CASCADE,
        seq bigserial NOT NULL,
        t_s double precision NOT NULL,
        kind text NOT NULL,
        payload text NOT NULL DEFAULT '{}'
    );
    CREATE INDEX events_by_session ON events(session_uuid, seq);
    )sql",
};
static_assert(std::size(kMigrations) == Server::kSchemaVersion);

// Any number: all migrations of every Steady take this one lock.
constexpr const char* kMigrationLock = "SELECT pg_advisory_xact_lock(7734261)";

// One line: libpq's newlines and tabs become single spaces.
std::string one_line(std::string m) {
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
    std::string out;
    for (const char ch : m) {
        const char k = ch == '\n' || ch == '\t' ? ' ' : ch;
        if (k == ' ' && !out.empty() && out.back() == ' ') continue;
        out += k;
    }
    return out;
}

std::string message_of(pg_conn* c) {
    return one_line(c ? PQerrorMessage(c) : "out of memory");
}

struct ConninfoOptions {
    PQconninfoOption* opts = nullptr;
    ~ConninfoOptions() {
        if (opts) PQconninfoFree(opts);
    }
};

}  // namespace

bool is_server(const std::string& spec) {
    if (spec.rfind("postgresql://", 0) == 0 || spec.rfind("postgres://", 0) == 0) return true;
    // key=value words, e.g. "host=/run/pg dbname=practice"
    return spec.find('=') != std::string::npos && spec.find('/') != 0 &&
           (spec.find("dbname=") != std::string::npos || spec.find("host=") != std::string::npos ||
            spec.find("service=") != std::string::npos);
}

bool has_password(const std::string& conninfo) {
    char* err = nullptr;
    ConninfoOptions o{PQconninfoParse(conninfo.c_str(), &err)};
    if (err) PQfreemem(err);
    if (!o.opts) return false;
    for (PQconninfoOption* p = o.opts; p->keyword; ++p)
        if (std::strcmp(p->keyword, "password") == 0 && p->val && *p->val) return true;
    return false;
}

std::string redacted(const std::string& conninfo) {
    if (!has_password(conninfo)) return conninfo;
    if (conninfo.rfind("postgres", 0) == 0) {
        // postgresql://user:secret@host/db -> postgresql://user:***@host/db; ?password=... too
        std::string out = conninfo;
        const auto scheme = out.find("://");
        const auto at = out.find('@', scheme + 3);
        const auto colon = out.find(':', scheme + 3);
        if (at != std::string::npos && colon != std::string::npos && colon < at)
            out.replace(colon + 1, at - colon - 1, "***");
        const auto pw = out.find("password=");
        if (pw != std::string::npos) {
            const auto end = out.find('&', pw);
            out.replace(pw + 9, (end == std::string::npos ? out.size() : end) - pw - 9, "***");
        }
        return out;
    }
    std::string out = conninfo;
    const auto pw = out.find("password=");
    if (pw != std::string::npos) {
        auto end = pw + 9;
        if (end < out.size() && out[end] == '\'') {
            end = out.find('\'', end + 1);
            end = end == std::string::npos ? out.size() : end + 1;
        } else {
            end = out.find(' ', end);
            if (end == std::string::npos) end = out.size();
        }
        out.replace(pw + 9, end - pw - 9, "***");
    }
    return out;
}

Result::~Result() {
    if (r_) PQclear(r_);
}
int Result::rows() const {
    return PQntuples(r_);
}
bool Result::null(int row, int col) const {
    return PQgetisnull(r_, row, col) != 0;
}
std::string Result::text(int row, int col) const {
    return PQgetvalue(r_, row, col);
}
std::int64_t Result::integer(int row, int col) const {
    return std::strtoll(PQgetvalue(r_, row, col), nullptr, 10);
}
std::int64_t Result::affected() const {
    return std::strtoll(PQcmdTuples(r_), nullptr, 10);
}
double Result::real(int row, int col) const {
    return std::strtod(PQgetvalue(r_, row, col), nullptr);
}

Server::Server(const std::string& conninfo) : name_(redacted(conninfo)) {
    // The user's own words come last and win; a default timeout so an unreachable host is
    // known within seconds.
    const std::string timeout = std::to_string(kConnectTimeoutS);
    const char* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
    const char* values[] = {timeout.c_str(), "steady", conninfo.c_str(), nullptr};
    conn_ = PQconnectdbParams(keys, values, 1);
    if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
        const std::string why = message_of(conn_);
        PQfinish(conn_);
        conn_ = nullptr;
        throw ServerError("server " + name_ + ": " + why);
    }
    try {
        exec("SET client_min_messages = warning");
        exec("SET extra_float_digits = 3");  // every double back to the same bits
        migrate();
        Result p = exec("SELECT id FROM steady_practice LIMIT 1");
        if (p.rows() != 1) throw ServerError("server " + name_ + ": the practice's row is missing");
        practice_ = p.text(0, 0);
    } catch (...) {
        PQfinish(conn_);
        conn_ = nullptr;
        throw;
    }
}

Server::~Server() {
    PQfinish(conn_);
}

Result Server::exec(const std::string& sql, const std::vector<Param>& params,
                    std::string* sqlstate) {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const Param& p : params) values.push_back(p ? p->c_str() : nullptr);
    // Without parameters the simple protocol, which also takes several statements (migrations).
    Result r(params.empty() ? PQexec(conn_, sql.c_str())
                            : PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()),
                                           nullptr, values.data(), nullptr, nullptr, 0));
    PGresult* raw = r.get();
    const ExecStatusType st = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        if (sqlstate) {
            const char* code = raw ? PQresultErrorField(raw, PG_DIAG_SQLSTATE) : nullptr;
            *sqlstate = code ? code : "";
        }
        std::string why = one_line(raw ? PQresultErrorMessage(raw) : "");
        if (why.empty()) why = message_of(conn_);
        if (PQstatus(conn_) != CONNECTION_OK) why += " (the connection is lost)";
        throw ServerError("server " + name_ + ": " + why);
    }
    return r;
}

void Server::rollback() noexcept {
    if (!conn_) return;
    PGresult* r = PQexec(conn_, "ROLLBACK");
    if (r) PQclear(r);
}

void Server::migrate() {
    for (;;) {
        begin();
        try {
            exec(kMigrationLock);
            // A clinician's role may not create tables: look before creating.
            if (exec("SELECT to_regclass('steady_schema') IS NULL").text(0, 0) == "t")
                exec("CREATE TABLE steady_schema (version integer NOT NULL)");
            Result v = exec("SELECT version FROM steady_schema");
            if (v.rows() == 0) exec("INSERT INTO steady_schema (version) VALUES (0)");
            version_ = v.rows() == 0 ? 0 : static_cast<int>(v.integer(0, 0));
            if (version_ > kSchemaVersion)
                throw ServerError("server " + name_ + ": its Steady schema is version " +
                                  std::to_string(version_) + ", newer than this Steady (" +
                                  std::to_string(kSchemaVersion) +
                                  ") understands; update Steady on this workstation");
            if (version_ == kSchemaVersion) {
                commit();
                return;
            }
            exec(kMigrations[version_]);
            exec("UPDATE steady_schema SET version = $1", {std::to_string(version_ + 1)});
            commit();
        } catch (const ServerError& e) {
            rollback();
            const std::string what = e.what();
            if (what.find("permission denied") != std::string::npos)
                throw ServerError(what +
                                  "; the practice's owner role sets up the schema (README: A "
                                  "practice's shared store), then clinicians' roles can connect");
            throw;
        }
    }
}

std::string array_literal(const std::vector<std::string>& items) {
    std::string out = "{";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out += ',';
        out += '"';
        for (const char c : items[i]) {
            if (c == '"' || c == '\\') out += '\\';
            out += c;
        }
        out += '"';
    }
    return out + "}";
}

std::string exact_text(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

}  // namespace steady::practice
