// A throwaway PostgreSQL server for the practice-store tests: Debian's postgresql-15 (initdb and
// pg_ctl in /usr/lib/postgresql/15/bin, not on the PATH), in a temporary directory, listening
// on a Unix socket there only (listen_addresses = ''), trust authentication for the socket, and
// stopped and removed when the object goes. initdb refuses to run as root, so as root the
// server runs as the unprivileged `postgres` user (runuser), which owns the directory.
#pragma once

#include <catch2/catch.hpp>

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace steady::test {

class PgServer {
  public:
    static constexpr const char* kBin = "/usr/lib/postgresql/15/bin";

    PgServer() {
        if (::access((std::string(kBin) + "/initdb").c_str(), X_OK) != 0)
            FAIL("PostgreSQL 15 is not installed ("
                 << kBin << "/initdb): tools/setup --server installs it");
        std::string tmpl = "/tmp/steady-pg-XXXXXX";
        REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
        dir_ = tmpl;
        if (::geteuid() == 0) {
            const passwd* pw = ::getpwnam("postgres");
            REQUIRE(pw != nullptr);
            REQUIRE(::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) == 0);
            as_ = "runuser -u postgres -- ";
            user_ = "postgres";
        } else {
            const passwd* pw = ::getpwuid(::geteuid());
            user_ = pw ? pw->pw_name : "postgres";
        }
        REQUIRE(sh(std::string(kBin) + "/initdb -D " + dir_ + "/data -A trust -U " + user_ +
                   " --no-sync -E UTF8 --locale=C >" + dir_ + "/initdb.log 2>&1") == 0);
        start();
        REQUIRE(sh(std::string(kBin) + "/createdb -h " + dir_ + " -U " + user_ + " practice") == 0);
    }
    ~PgServer() {
        sh(std::string(kBin) + "/pg_ctl -D " + dir_ + "/data -m immediate -w stop >/dev/null 2>&1");
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    PgServer(const PgServer&) = delete;
    PgServer& operator=(const PgServer&) = delete;

    // libpq's connection string for the practice database (or another one).
    std::string uri(const std::string& db = "practice") const {
        return "host=" + dir_ + " dbname=" + db + " user=" + user_;
    }
    const std::string& dir() const { return dir_; }
    const std::string& user() const { return user_; }

    void start() {
        REQUIRE(sh(std::string(kBin) + "/pg_ctl -D " + dir_ + "/data -l " + dir_ +
                   "/server.log -w -t 60 -o \"-k " + dir_ +
                   " -c listen_addresses= -c fsync=off\" start >/dev/null 2>&1") == 0);
    }
    // As a crash would: no shutdown checkpoint, connections cut.
    void stop_immediately() {
        REQUIRE(sh(std::string(kBin) + "/pg_ctl -D " + dir_ +
                   "/data -m immediate -w stop "
                   ">/dev/null 2>&1") == 0);
    }
    // One SQL statement through psql; its output, unaligned and without headers.
    std::string psql(const std::string& sql, const std::string& db = "practice") const {
        const std::string out = dir_ + "/psql.out";
        const std::string cmd = std::string(kBin) + "/psql -X -A -t -q -h " + dir_ + " -U " +
                                user_ + " -d " + db + " -c \"" + sql + "\" >" + out + " 2>&1";
        std::system(cmd.c_str());
        std::string text;
        if (FILE* f = std::fopen(out.c_str(), "r")) {
            char buf[4096];
            std::size_t n;
            while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
            std::fclose(f);
        }
        while (!text.empty() && text.back() == '\n') text.pop_back();
        return text;
    }

  private:
    int sh(const std::string& cmd) const {
        const int st = std::system((as_ + "sh -c '" + cmd + "'").c_str());
        return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    }

    std::string dir_, as_, user_;
};

}  // namespace steady::test
