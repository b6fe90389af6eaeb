// Small helpers over SQLite's C API, for the store and the practice sync: a prepared statement
// that finalizes itself, exec() with SQLite's message naming the file, and the opening of a
// connection. Every failure is a StoreError.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>

#include "session/store.h"

namespace steady {
inline namespace sqlite_util {

// SQLite's message for `db`, naming its file ("/home/me/.../steady.db: database is locked").
inline std::string sql_error(sqlite3* db, const char* message) {
    const char* file = db ? sqlite3_db_filename(db, "main") : nullptr;
    return (file && *file ? std::string(file) + ": " : std::string()) + message;
}

// A prepared statement that finalizes itself.
class Statement {
  public:
    Statement(sqlite3* db, const std::string& sql) : db_(db) {
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK)
            throw StoreError(sql_error(db, sqlite3_errmsg(db)));
    }
    ~Statement() { sqlite3_finalize(stmt_); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    sqlite3_stmt* get() { return stmt_; }
    Statement& bind(int i, std::int64_t v) {
        sqlite3_bind_int64(stmt_, i, v);
        return *this;
    }
    Statement& bind(int i, double v) {
        sqlite3_bind_double(stmt_, i, v);
        return *this;
    }
    Statement& bind(int i, const std::string& v) {
        sqlite3_bind_text(stmt_, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
        return *this;
    }
    // Runs to completion; throws with SQLite's message on failure.
    void run() {
        const int rc = sqlite3_step(stmt_);
        sqlite3_reset(stmt_);
        if (rc != SQLITE_DONE) throw StoreError(sql_error(db_, sqlite3_errmsg(db_)));
    }
    bool row() {
        const int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW) return true;
        if (rc != SQLITE_DONE) throw StoreError(sql_error(db_, sqlite3_errmsg(db_)));
        return false;
    }
    std::string text(int col) {
        const auto* p = sqlite3_column_text(stmt_, col);
        return p ? reinterpret_cast<const char*>(p) : "";
    }
    std::int64_t integer(int col) { return sqlite3_column_int64(stmt_, col); }
    double real(int col) { return sqlite3_column_double(stmt_, col); }
    bool null(int col) { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

  private:
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
};

// exec() that waits out a lock SQLite reports without calling its busy handler (changing the
// journal mode, or starting a write while another first open migrates): up to kLockWaitS.
constexpr double kLockWaitS = 10;
inline void exec(sqlite3* db, const char* sql);
inline void exec_waiting(sqlite3* db, const char* sql) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(kLockWaitS);
    for (;;) {
        const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
        if (rc == SQLITE_OK) return;
        const bool busy = (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
        if (!busy || std::chrono::steady_clock::now() > until) {
            exec(db, sql);  // once more: throws with SQLite's message naming the file
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

inline void exec(sqlite3* db, const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
        const std::string why = sql_error(db, err ? err : sqlite3_errmsg(db));
        sqlite3_free(err);
        throw StoreError(why);
    }
}

// file: URI for sqlite3_open_v2 with SQLITE_OPEN_URI: the path percent-encoded where needed.
inline std::string file_uri(const std::string& path, const char* query) {
    std::string uri = "file:";
    for (const unsigned char c : std::filesystem::absolute(path).string()) {
        if (c == '?' || c == '#' || c == '%' || c < 0x20 || c >= 0x7f) {
            char buf[4];
            std::snprintf(buf, sizeof buf, "%%%02X", c);
            uri += buf;
        } else {
            uri += static_cast<char>(c);
        }
    }
    return uri + "?" + query;
}

inline sqlite3* open_connection(const std::string& path, const std::string& name, int flags) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(name.c_str(), &db, flags | SQLITE_OPEN_FULLMUTEX, nullptr) != SQLITE_OK) {
        const std::string why = db ? sqlite3_errmsg(db) : "out of memory";
        sqlite3_close(db);
        throw StoreError(path + ": " + why);
    }
    sqlite3_busy_timeout(db, 5000);
    return db;
}

}  // namespace sqlite_util
}  // namespace steady
