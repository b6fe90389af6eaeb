// `steady sessions` as a user runs it: list, show and summarize in text and JSON (the keys scripts
// rely on), a version-1 database, a write-protected one, and a mistyped path that must not
// become a new database.
#include <catch2/catch.hpp>

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/cli_run.h"

using namespace steady;
using json = nlohmann::json;

namespace {

const std::string kV1 = std::string(STEADY_TEST_DATA) + "/steady_v1.db";

std::string file_bytes(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

// Runs `steady ARGS` as a user who cannot write `dir` (as root: as nobody, since root ignores
// permission bits).
test::Run run_without_write(const std::string& args) {
    return test::run(args, "",
                     geteuid() == 0 ? "setpriv --reuid=65534 --regid=65534 --clear-groups" : "");
}

void sql(const std::string& db, const std::string& statement) {
    sqlite3* h = nullptr;
    REQUIRE(sqlite3_open(db.c_str(), &h) == SQLITE_OK);
    REQUIRE(sqlite3_exec(h, statement.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(h);
}

}  // namespace

TEST_CASE("sessions show: the JSON keys scripts rely on", "[cli][session]") {
    test::TempDir dir;
    const std::string db = " --db " + (dir / "s.db");
    REQUIRE(
        test::run("record --sensor sim:trigger-recovery --duration 1000 --speed 1000 --quiet" + db)
            .status == 0);
    const test::Run r = test::run("sessions show 1 --format json" + db);
    INFO(r.err);
    REQUIRE(r.status == 0);
    const json j = json::parse(r.out);
    for (const char* k : {"id", "client", "started_at", "state", "sensor", "summary", "events"})
        CHECK(j.contains(k));
    CHECK(j["client"] == "default");
    CHECK(j["state"] == "complete");
    CHECK(j["sensor"] == "sim:trigger-recovery");
    const std::string started = j["started_at"];
    CHECK(started.size() == 20);
    CHECK(started.back() == 'Z');
    const json& s = j["summary"];
    for (const char* k : {"duration_s", "beats", "artifacts_pct", "mean_hr_bpm", "rmssd_first_ms",
                          "rmssd_last_ms", "coherence_s", "triggers_marked", "surges_detected",
                          "recovery_s", "recovery_t50_s", "pacer_adaptations", "grounding_offered"})
        CHECK(s.contains(k));
    for (const char* k : {"low", "medium", "high"}) CHECK(s["coherence_s"][k].is_number());
    CHECK(s["duration_s"] == 1000);
    CHECK(s["recovery_t50_s"].size() == 1);
    CHECK(s["surges_detected"] == 1);
    CHECK(s["recovery_s"].size() == 1);
    // Coherence seconds add up to the time covered by 64-s windows every 5 s (at most the
    // session less the first window).
    const double coherent = s["coherence_s"]["low"].get<double>() +
                            s["coherence_s"]["medium"].get<double>() +
                            s["coherence_s"]["high"].get<double>();
    CHECK(coherent > 600);
    CHECK(coherent <= 1000 - 64 + 5);
    REQUIRE(j["events"].is_array());
    for (const json& e : j["events"]) {
        CHECK(e["t_s"].is_number());
        CHECK(e["kind"].is_string());
    }
    // Text by default; summarize prints the same after computing it again.
    const test::Run text = test::run("sessions show 1" + db);
    REQUIRE(text.status == 0);
    CHECK_THAT(text.out, Catch::Contains("Session 1") && Catch::Contains("mean heart rate") &&
                             Catch::Contains("1 detected"));
    const test::Run again = test::run("sessions summarize 1" + db);
    REQUIRE(again.status == 0);
    CHECK(again.out == text.out);
    // The list as JSON.
    const test::Run list = test::run("sessions --format json" + db);
    REQUIRE(list.status == 0);
    const json l = json::parse(list.out);
    REQUIRE(l.size() == 1);
    for (const char* k : {"id", "client", "started_at", "state", "sensor", "duration_s", "beats"})
        CHECK(l[0].contains(k));
    CHECK(l[0]["beats"] == s["beats"]);
}

TEST_CASE("sessions: a summary from an older method is recomputed and stored on first use",
          "[cli][session]") {
    test::TempDir dir;
    const std::string path = dir / "s.db";
    REQUIRE(test::run("record --sensor sim:calm --duration 300 --speed 600 --quiet --db " + path)
                .status == 0);
    const test::Run before = test::run("sessions show 1 --format json --db " + path);
    const auto version = [&] {
        sqlite3* h = nullptr;
        REQUIRE(sqlite3_open(path.c_str(), &h) == SQLITE_OK);
        sqlite3_stmt* st = nullptr;
        sqlite3_prepare_v2(h, "SELECT summary_version FROM sessions", -1, &st, nullptr);
        REQUIRE(sqlite3_step(st) == SQLITE_ROW);
        const int v = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
        sqlite3_close(h);
        return v;
    };
    const int current = version();
    CHECK(current >= 2);
    sql(path, "UPDATE sessions SET summary = '{\"version\":0}', summary_version = 0");
    const test::Run after = test::run("sessions show 1 --format json --db " + path);
    REQUIRE(after.status == 0);
    CHECK(json::parse(after.out)["summary"] == json::parse(before.out)["summary"]);
    CHECK(version() == current);
}

TEST_CASE("sessions on a version-1 database: listed, shown with its journal, exported",
          "[cli][session][migration]") {
    test::TempDir dir;
    const std::string path = dir / "v1.db";
    std::filesystem::copy_file(kV1, path);
    const test::Run list = test::run("sessions --format json --db " + path);
    INFO(list.err);
    REQUIRE(list.status == 0);
    const json l = json::parse(list.out);
    REQUIRE(l.size() == 3);
    CHECK(l[1]["beats"] == 1128);
    const test::Run show = test::run("sessions show 2 --db " + path);
    REQUIRE(show.status == 0);
    CHECK_THAT(show.out, Catch::Contains("Journal") &&
                             Catch::Contains("no reply for hours; body: chest") &&
                             Catch::Contains("intensity 7/10") && Catch::Contains("1 marked"));
}

TEST_CASE("sessions on a write-protected database read it as it is", "[cli][session]") {
    test::TempDir dir;
    ::chmod(dir.path.c_str(), 0755);
    for (const char* kind : {"v1", "v2"}) {
        INFO(kind);
        const std::string ro = dir / kind;
        std::filesystem::create_directories(ro);
        const std::string path = ro + "/steady.db";
        if (std::string(kind) == "v1") {
            std::filesystem::copy_file(kV1, path);
        } else {  // a WAL database: opening it read-only needs SQLite's immutable mode
            REQUIRE(test::run("record --sensor sim:calm --duration 200 --speed 400 --quiet --db " +
                              path)
                        .status == 0);
        }
        ::chmod(path.c_str(), 0444);
        ::chmod(ro.c_str(), 0555);
        const std::string bytes = file_bytes(path);
        const test::Run list = run_without_write("sessions --format json --db " + path);
        INFO(list.err);
        REQUIRE(list.status == 0);
        CHECK_FALSE(json::parse(list.out).empty());
        const test::Run show = run_without_write("sessions show 1 --format json --db " + path);
        INFO(show.err);
        REQUIRE(show.status == 0);
        CHECK(json::parse(show.out)["summary"]["beats"].get<int>() > 100);
        const test::Run ex = run_without_write("sessions export 1 --format csv --db " + path);
        REQUIRE(ex.status == 0);
        CHECK_THAT(ex.out, Catch::StartsWith("t_s,rr_ms,flags\n"));
        CHECK(file_bytes(path) == bytes);  // untouched, not even migrated
        CHECK_FALSE(std::filesystem::exists(path + "-wal"));
        ::chmod(ro.c_str(), 0755);
    }
}

TEST_CASE("sessions never creates a database at a mistyped path", "[cli][session]") {
    test::TempDir dir;
    for (const std::string args : {"sessions", "sessions show 1", "sessions summarize 1",
                                   "sessions export 1 --format csv"}) {
        const test::Run r = test::run(args + " --db " + (dir / "typo/steady.db"));
        INFO(args << ": " << r.err);
        CHECK(r.status == 1);
        CHECK_THAT(r.err, Catch::Contains("typo/steady.db") &&
                              Catch::Contains("no session database here"));
        CHECK(r.out.empty());
    }
    CHECK_FALSE(std::filesystem::exists(dir / "typo"));
    // The default path too: reading leaves no directory behind.
    const test::Run r = test::run("sessions", "", "XDG_DATA_HOME=" + (dir / "data"));
    CHECK(r.status == 1);
    CHECK_FALSE(std::filesystem::exists(dir / "data"));
}

TEST_CASE("sessions export --events: beats and events as rows of one CSV, in time order",
          "[cli][session]") {
    test::TempDir dir;
    const std::string db = dir / "s.db";
    REQUIRE(test::run("record --sensor sim:trigger-recovery --duration 600 --speed 500 --quiet "
                      "--db " +
                      db)
                .status == 0);
    const test::Run plain = test::run("sessions export 1 --db " + db);
    const test::Run whole = test::run("sessions export 1 --format json --db " + db);
    const test::Run both = test::run("sessions export 1 --format csv --events --db " + db);
    REQUIRE(plain.status == 0);
    REQUIRE(both.status == 0);
    const json j = json::parse(whole.out);
    std::istringstream in(both.out);
    std::string line;
    std::getline(in, line);
    CHECK(line == "kind,t_s,rr_ms,flags,detail");
    std::string beat_rows = "t_s,rr_ms,flags\n";
    std::vector<json> events;
    double last_t = -1;
    bool ordered = true;
    while (std::getline(in, line)) {
        const auto comma = line.find(',');
        const std::string kind = line.substr(0, comma);
        const double t = std::stod(line.substr(comma + 1));
        ordered = ordered && t >= last_t;
        last_t = t;
        if (kind == "beat") {
            // beat,T,RR,FLAGS, : the plain export's row with the kind before it
            REQUIRE(line.back() == ',');
            beat_rows += line.substr(comma + 1, line.size() - comma - 2) + "\n";
        } else {
            // kind,T,,,"{...}" with "" for each quote inside
            const auto open = line.find(",,,\"");
            REQUIRE(open != std::string::npos);
            std::string detail = line.substr(open + 4, line.size() - open - 5);
            std::string unquoted;
            for (std::size_t i = 0; i < detail.size(); ++i) {
                unquoted += detail[i];
                if (detail[i] == '"' && i + 1 < detail.size() && detail[i + 1] == '"') ++i;
            }
            json e = json::parse(unquoted);
            e["t_s"] = t;
            e["kind"] = kind;
            events.push_back(e);
        }
    }
    CHECK(ordered);
    CHECK(beat_rows == plain.out);  // the same beats, exact
    REQUIRE(events.size() == j["events"].size());
    REQUIRE(events.size() > 3);
    std::size_t matched = 0;
    for (const json& want : j["events"])
        for (const json& got : events)
            if (got["kind"] == want["kind"] &&
                got["t_s"].get<double>() == want["t_s"].get<double>()) {
                json w = want;
                CHECK(got == w);
                ++matched;
                break;
            }
    CHECK(matched == events.size());
    const test::Run bad = test::run("sessions export 1 --format rr --events --db " + db);
    CHECK(bad.status == 2);
    CHECK_THAT(bad.err, Catch::Contains("--events adds the events to the csv format"));
}
