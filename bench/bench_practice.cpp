// Practice-server benchmark: 10 workstations recording at once (the simulator at 1x, `steady
// record` as a user runs it, each with its own local store) into one PostgreSQL 15 server
// started for the run (a temporary directory, Unix socket only, as the tests do).
// Measures the CPU the server used and each recorder used over the session, and the delay from
// a beat to its row on the server: the row's received_at (the server's clock_timestamp()) minus
// the beat's time (the recorder's start + the beat's session time). The recorder's start-up
// (opening its store, reaching the server) is inside that, so the delay is an upper bound.
//
// usage: steady_bench_practice STEADY_BIN [SESSION_SECONDS (default 120)]
#include <pwd.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "bench_table.h"

namespace {

const std::string kBin = "/usr/lib/postgresql/15/bin";

std::string as_user;  // "runuser -u postgres -- " when run as root (initdb refuses root)
std::string user;

int sh(const std::string& cmd) {
    const int st = std::system((as_user + "sh -c '" + cmd + "'").c_str());
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

std::string psql(const std::string& dir, const std::string& sql) {
    const std::string out = dir + "/psql.out";
    std::system((kBin + "/psql -X -A -t -q -h " + dir + " -U " + user + " -d practice -c \"" + sql +
                 "\" >" + out + " 2>&1")
                    .c_str());
    std::ifstream f(out);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

// CPU seconds of the server: the postmaster with its reaped children (backends that ended)
// plus the children still running.
double server_cpu_s(const std::string& dir) {
    std::ifstream pidfile(dir + "/data/postmaster.pid");
    long postmaster = 0;
    pidfile >> postmaster;
    const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
    double total = 0;
    for (const auto& e : std::filesystem::directory_iterator("/proc")) {
        const std::string name = e.path().filename();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::ifstream f(e.path() / "stat");
        std::string line;
        if (!std::getline(f, line)) continue;
        const auto close = line.rfind(')');
        if (close == std::string::npos) continue;
        std::istringstream rest(line.substr(close + 2));
        std::vector<std::string> fields;  // from field 3 (state) on
        for (std::string w; rest >> w;) fields.push_back(w);
        if (fields.size() < 15) continue;
        const long pid = std::stol(name), ppid = std::stol(fields[1]);
        if (pid != postmaster && ppid != postmaster) continue;
        // utime, stime (fields 14, 15); the postmaster's cutime, cstime (16, 17) too.
        total += std::stod(fields[11]) + std::stod(fields[12]);
        if (pid == postmaster) total += std::stod(fields[13]) + std::stod(fields[14]);
    }
    return total / tick;
}

// The one session a recorder's local store holds.
std::string session_uuid(const std::string& db_path) {
    sqlite3* db = nullptr;
    std::string uuid;
    if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* q = nullptr;
        if (sqlite3_prepare_v2(db, "SELECT uuid FROM sessions", -1, &q, nullptr) == SQLITE_OK &&
            sqlite3_step(q) == SQLITE_ROW)
            uuid = reinterpret_cast<const char*>(sqlite3_column_text(q, 0));
        sqlite3_finalize(q);
    }
    sqlite3_close(db);
    return uuid;
}

double now_epoch_s() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: steady_bench_practice STEADY_BIN [SESSION_SECONDS]\n");
        return 2;
    }
    const std::string steady_bin = argv[1];
    const int session_s = argc > 2 ? std::atoi(argv[2]) : 120;
    constexpr int kRecorders = 10;
    if (access((kBin + "/initdb").c_str(), X_OK) != 0) {
        std::fprintf(stderr, "bench_practice: %s/initdb is missing (tools/setup --server)\n",
                     kBin.c_str());
        return 1;
    }
    char tmpl[] = "/tmp/steady-bench-pg-XXXXXX";
    if (!mkdtemp(tmpl)) return 1;
    const std::string dir = tmpl;
    if (geteuid() == 0) {
        const passwd* pw = getpwnam("postgres");
        if (!pw || chown(dir.c_str(), pw->pw_uid, pw->pw_gid) != 0) return 1;
        as_user = "runuser -u postgres -- ";
        user = "postgres";
    } else {
        const passwd* pw = getpwuid(geteuid());
        user = pw ? pw->pw_name : "postgres";
    }
    // The server as Debian ships it, but for fsync: the bench measures Steady, not the disk.
    if (sh(kBin + "/initdb -D " + dir + "/data -A trust -U " + user +
           " --no-sync -E UTF8 --locale=C >/dev/null 2>&1") != 0 ||
        sh(kBin + "/pg_ctl -D " + dir + "/data -l " + dir + "/server.log -w -o \"-k " + dir +
           " -c listen_addresses=\" start >/dev/null 2>&1") != 0 ||
        sh(kBin + "/createdb -h " + dir + " -U " + user + " practice") != 0) {
        std::fprintf(stderr, "bench_practice: could not start PostgreSQL in %s\n", dir.c_str());
        return 1;
    }
    const std::string uri = "host=" + dir + " dbname=practice user=" + user;
    const std::string clients_dir = dir + "/ws";
    std::filesystem::create_directories(clients_dir);

    const double cpu0 = server_cpu_s(dir);
    std::vector<pid_t> pids;
    std::vector<double> started;
    for (int i = 0; i < kRecorders; ++i) {
        const std::string home = clients_dir + "/" + std::to_string(i);
        std::filesystem::create_directories(home);
        const std::string cmd = "exec env XDG_CONFIG_HOME=" + home + " XDG_DATA_HOME=" + home +
                                " " + steady_bin + " record --sensor sim --duration " +
                                std::to_string(session_s) + " --quiet --db '" + uri +
                                "' >/dev/null 2>" + home + "/err";
        started.push_back(now_epoch_s());
        const pid_t pid = fork();
        if (pid < 0) return 1;
        if (pid == 0) {
            execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
            _exit(127);
        }
        pids.push_back(pid);
    }
    std::vector<double> recorder_cpu;
    int failed = 0;
    for (const pid_t pid : pids) {
        int st = 0;
        rusage ru{};
        wait4(pid, &st, 0, &ru);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) ++failed;
        recorder_cpu.push_back(static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                               static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) /
                                   1e6);
    }
    const double server_cpu = server_cpu_s(dir) - cpu0;

    // Each recorder's session (its UUID from its own local store) and its beats on the server.
    std::vector<double> delays;
    long long beats = 0;
    for (int i = 0; i < kRecorders; ++i) {
        const std::string uuid =
            session_uuid(clients_dir + "/" + std::to_string(i) + "/steady/steady.db");
        if (uuid.empty()) continue;
        std::istringstream rows(psql(
            dir, "SELECT extract(epoch FROM received_at) - t_s FROM beats WHERE session_uuid = '" +
                     uuid + "'"));
        for (std::string line; std::getline(rows, line);) {
            if (line.empty()) continue;
            delays.push_back(std::stod(line) - started[static_cast<std::size_t>(i)]);
            ++beats;
        }
    }

    std::printf("%d recorders at 1x for %d s into one PostgreSQL 15 server (%lld beats on it%s)\n",
                kRecorders, session_s, beats, failed ? ", SOME RECORDERS FAILED" : "");
    steady::bench::header("value");
    steady::bench::row("server CPU, all its processes (% of one core)",
                       100 * server_cpu / session_s, "%", "< 5 %");
    steady::bench::row("each recorder's CPU (% of one core, median)",
                       100 * steady::bench::percentile(recorder_cpu, 0.5) / session_s, "%", "");
    steady::bench::row("each recorder's CPU (% of one core, max)",
                       100 * steady::bench::percentile(recorder_cpu, 1.0) / session_s, "%", "");
    if (!delays.empty()) {
        steady::bench::row("beat to its row on the server, median (upper bound)",
                           steady::bench::percentile(delays, 0.5), "s", "< 5 s");
        steady::bench::row("beat to its row on the server, 99th percentile",
                           steady::bench::percentile(delays, 0.99), "s", "< 5 s");
        steady::bench::row("beat to its row on the server, max",
                           steady::bench::percentile(delays, 1.0), "s", "");
    }
    sh(kBin + "/pg_ctl -D " + dir + "/data -m fast -w stop >/dev/null 2>&1");
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    return failed || delays.empty() ? 1 : 0;
}
