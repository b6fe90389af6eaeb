// The session store: private files, migrations, exact round trip, interrupted sessions, and a
// full disk that loses nothing.
#include <catch2/catch.hpp>

#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "session/store.h"
#include "support/cli_run.h"

using namespace steady;

namespace {
int mode_of(const std::string& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return static_cast<int>(st.st_mode & 0777);
}

std::vector<PlacedBeat> some_beats(std::size_t n, double start_s = 0) {
    std::vector<PlacedBeat> b;
    double t = start_s;
    for (std::size_t i = 0; i < n; ++i) {
        const double rr = 800 + 37.123456789 * std::sin(static_cast<double>(i));
        b.push_back({t += rr / 1000, rr, i % 7 == 0 ? 4u : 0u});
    }
    return b;
}
}  // namespace

TEST_CASE("store: directory 0700, database 0600, WAL, schema version set", "[session]") {
    test::TempDir dir;
    const std::string path = dir / "deep/steady/steady.db";
    {
        SessionStore store(path);
        store.begin_session("sim:calm");
        store.add_beats(some_beats(10));
        CHECK_FALSE(store.commit());
    }
    CHECK(mode_of(dir / "deep/steady") == 0700);
    CHECK(mode_of(path) == 0600);
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, nullptr);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    CHECK(sqlite3_column_int(st, 0) == SessionStore::kSchemaVersion);
    sqlite3_finalize(st);
    sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, nullptr);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 0))) == "wal");
    sqlite3_finalize(st);
    sqlite3_close(db);
}

TEST_CASE("store: beats and events read back exactly", "[session]") {
    test::TempDir dir;
    const auto beats = some_beats(500);
    std::int64_t id;
    {
        SessionStore store(dir / "s.db");
        id = store.begin_session("replay:x.csv");
        store.add_beats(beats);
        const EngineEvent e{12.5, "trigger", R"({"hr_bpm":88.5})"};
        store.add_events(std::span(&e, 1));
        CHECK_FALSE(store.finish_session(400));
    }
    SessionStore store(dir / "s.db");
    const SessionData d = store.load(id);
    CHECK(d.summary.state == "complete");
    CHECK(d.summary.duration_s == 400);
    CHECK(d.summary.sensor == "replay:x.csv");
    CHECK(d.summary.beats == 500);
    CHECK(d.summary.artifacts == 72);  // every 7th beat flagged
    REQUIRE(d.beats.size() == beats.size());
    for (std::size_t i = 0; i < beats.size(); ++i) {
        CHECK(d.beats[i].t_s == beats[i].t_s);  // bit-exact doubles
        CHECK(d.beats[i].rr_ms == beats[i].rr_ms);
        CHECK(d.beats[i].flags == beats[i].flags);
    }
    REQUIRE(d.events.size() == 1);
    CHECK(d.events[0].payload == R"({"hr_bpm":88.5})");
    CHECK_THROWS_WITH(store.load(999), Catch::Contains("no session 999"));
}

TEST_CASE("store: a session whose process died is marked interrupted on the next open",
          "[session]") {
    test::TempDir dir;
    const pid_t child = fork();
    if (child == 0) {
        // The child records, commits, and dies without closing (as kill -9 would).
        SessionStore store(dir / "s.db");
        store.begin_session("sim:calm");
        store.add_beats(some_beats(30));
        store.commit();
        _exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    SessionStore store(dir / "s.db");
    CHECK(store.interrupted_on_open() == 1);
    const auto list = store.list();
    REQUIRE(list.size() == 1);
    CHECK(list[0].state == "interrupted");
    CHECK(list[0].beats == 30);
    CHECK(list[0].duration_s == Approx(some_beats(30).back().t_s));
}

TEST_CASE("store: a full disk keeps the beats in memory and saves them later", "[session]") {
    test::TempDir dir;
    SessionStore store(dir / "s.db");
    const std::int64_t id = store.begin_session("sim:calm");
    store.add_beats(some_beats(100));
    REQUIRE_FALSE(store.commit());
    store.set_max_pages(1);  // smaller than the database already is: every write fails
    store.add_beats(some_beats(5000, 100));
    const auto err = store.commit();
    REQUIRE(err);
    CHECK_THAT(
        *err, Catch::Contains("could not save the last 5000") && Catch::Contains("kept in memory"));
    CHECK(store.pending() == 5000);
    store.set_max_pages(1 << 30);  // space again
    CHECK_FALSE(store.commit());
    CHECK(store.load(id).beats.size() == 5100);
}

TEST_CASE("store: newer schema or a foreign file is refused with a reason", "[session]") {
    test::TempDir dir;
    {
        sqlite3* db = nullptr;
        sqlite3_open((dir / "new.db").c_str(), &db);
        sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr);
        sqlite3_close(db);
    }
    CHECK_THROWS_WITH(SessionStore(dir / "new.db"),
                      Catch::Contains("schema version 99") && Catch::Contains("update Steady"));
    std::ofstream(dir / "junk.db") << "this is not a database, just some text that is long enough";
    CHECK_THROWS_WITH(SessionStore(dir / "junk.db"), Catch::Contains("junk.db"));
}
