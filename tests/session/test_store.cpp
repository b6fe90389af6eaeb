// The session store: private files, migrations (a real version-1 database), exact round trip,
// clients and their baselines, interrupted sessions, read-only opening, and a full disk that
// loses nothing.
#include <catch2/catch.hpp>

#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>

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

int pragma_int(const std::string& path, const char* pragma) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, pragma, -1, &st, nullptr);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    const int v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

// Rows of a query on a database file, each row's columns joined by '|', read with SQLite alone.
std::vector<std::string> rows(const std::string& path, const char* sql) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK);
    std::vector<std::string> out;
    while (sqlite3_step(st) == SQLITE_ROW) {
        std::string r;
        for (int c = 0; c < sqlite3_column_count(st); ++c) {
            const auto* t = sqlite3_column_text(st, c);
            if (c) r += '|';
            r += t ? reinterpret_cast<const char*>(t) : "NULL";
        }
        out.push_back(r);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}

const std::string kV1 = std::string(STEADY_TEST_DATA) + "/steady_v1.db";
}  // namespace

TEST_CASE("store: directory 0700, database 0600, WAL, schema version set", "[session]") {
    test::TempDir dir;
    const std::string path = dir / "deep/steady/steady.db";
    {
        Database db(path, Database::Open::create);
        auto rec = db.begin_recording(db.default_client(), "sim:calm", 1);
        const auto beats = some_beats(10);
        rec->add_beats(beats);
        CHECK_FALSE(rec->commit());
    }
    CHECK(mode_of(dir / "deep/steady") == 0700);
    CHECK(mode_of(path) == 0600);
    CHECK(pragma_int(path, "PRAGMA user_version") == Database::kSchemaVersion);
    CHECK(rows(path, "PRAGMA journal_mode") == std::vector<std::string>{"wal"});
}

TEST_CASE("store: beats, events and the summary read back exactly", "[session]") {
    test::TempDir dir;
    const auto beats = some_beats(500);
    std::int64_t id;
    SessionSummary summary;
    {
        Database db(dir / "s.db", Database::Open::create);
        auto rec = db.begin_recording(db.default_client(), "replay:x.csv", 2);
        id = rec->id();
        rec->add_beats(beats);
        const Event e{12.5, TriggerEvent{88.5, 21.25, 0.5, 2.0}};
        rec->add_events(std::span(&e, 1));
        summary = summarize_session(beats, std::span(&e, 1), 400, 2);
        CHECK_FALSE(rec->finish(400, summary));
    }
    Database db(dir / "s.db", Database::Open::existing);
    const SessionRecord d = db.load(id);
    CHECK(d.session.state == "complete");
    CHECK(d.session.duration_s == 400);
    CHECK(d.session.sensor == "replay:x.csv");
    CHECK(d.session.client == "default");
    CHECK(d.session.challenge == 2);
    CHECK(d.session.beats == 500);
    CHECK(d.session.artifacts == 72);  // every 7th beat flagged
    REQUIRE(d.beats.size() == beats.size());
    for (std::size_t i = 0; i < beats.size(); ++i) {
        CHECK(d.beats[i].t_s == beats[i].t_s);  // bit-exact doubles
        CHECK(d.beats[i].rr_ms == beats[i].rr_ms);
        CHECK(d.beats[i].flags == beats[i].flags);
    }
    REQUIRE(d.events.size() == 1);
    const auto* t = d.events[0].as<TriggerEvent>();
    REQUIRE(t);
    CHECK(t->hr_bpm == 88.5);
    CHECK(t->rise_bpm == 21.25);
    // The stored summary is the one given, and recomputing from the stored rows agrees.
    const SessionSummary stored = db.summary(id);
    CHECK(summary_json(stored) == summary_json(summary));
    CHECK(summary_json(db.summary(id, true)) == summary_json(summary));
    CHECK(stored.surges_detected == 1);
    CHECK(stored.artifacts_pct == Approx(100.0 * 72 / 500));
    CHECK_THROWS_WITH(db.load(999), Catch::Contains("no session 999"));
}

TEST_CASE("store: a version-1 database migrates keeping every session, beat and event",
          "[session][migration]") {
    test::TempDir dir;
    const std::string path = dir / "v1.db";
    std::filesystem::copy_file(kV1, path);
    const auto v1_beats =
        rows(path, "SELECT session_id, t_s, rr_ms, flags FROM beats ORDER BY rowid");
    const auto v1_events = rows(path, "SELECT session_id, t_s, kind FROM events ORDER BY rowid");
    REQUIRE(pragma_int(path, "PRAGMA user_version") == 1);
    REQUIRE(v1_beats.size() == 1863);
    REQUIRE(v1_events.size() == 29);

    Database db(path, Database::Open::create);
    CHECK(db.schema_version() == Database::kSchemaVersion);
    CHECK(pragma_int(path, "PRAGMA user_version") == Database::kSchemaVersion);
    // Bit for bit: the beats table is untouched.
    CHECK(rows(path, "SELECT session_id, t_s, rr_ms, flags FROM beats ORDER BY rowid") == v1_beats);
    CHECK(rows(path, "SELECT session_id, t_s, kind FROM events ORDER BY rowid") == v1_events);
    const auto list = db.list();
    REQUIRE(list.size() == 3);
    CHECK(list[0].beats == 422);
    CHECK(list[1].beats == 1128);
    CHECK(list[2].beats == 313);
    for (const StoredSession& s : list) {
        CHECK(s.client == "default");
        CHECK(s.state == "complete");
    }
    REQUIRE(db.clients().size() == 1);
    // The events of session 2 read back typed, the window's old pause/resume/adaptation kinds
    // as the kinds they are now.
    const SessionRecord d = db.load(2);
    int marks = 0, journals = 0, paused = 0, resumed = 0, adaptation_off = 0, triggers = 0;
    for (const Event& e : d.events) {
        marks += e.as<MarkEvent>() != nullptr;
        triggers += e.as<TriggerEvent>() != nullptr;
        paused += e.as<PausedEvent>() != nullptr;
        resumed += e.as<ResumedEvent>() != nullptr;
        if (const auto* p = e.as<PacerEvent>())
            adaptation_off += p->reason == "adaptation" && p->adaptation == false;
        if (const auto* j = e.as<JournalEvent>()) {
            ++journals;
            CHECK(j->mark_t_s == 605.25);
            CHECK(j->what == "no reply for hours");
            CHECK(j->intensity == 7);
        }
        CHECK(e.as<OtherEvent>() == nullptr);
    }
    CHECK(marks == 1);
    CHECK(journals == 1);
    CHECK(paused == 1);
    CHECK(resumed == 1);
    CHECK(adaptation_off == 1);
    CHECK(triggers == 1);
    // A v1 session gets its summary on first use, and keeps it.
    CHECK(rows(path, "SELECT summary_version FROM sessions WHERE id = 2") ==
          std::vector<std::string>{"0"});
    const SessionSummary s = db.summary(2);
    CHECK(s.triggers_marked == 1);
    CHECK(s.surges_detected == 1);
    CHECK(s.recovery_s.size() == 1);
    CHECK(s.beats == 1128);
    CHECK(rows(path, "SELECT summary_version FROM sessions WHERE id = 2") ==
          std::vector<std::string>{std::to_string(SessionSummary::kVersion)});
}

TEST_CASE("store: baselines belong to a client", "[session]") {
    test::TempDir dir;
    Database db(dir / "s.db", Database::Open::create);
    const Client first = db.default_client();
    {
        auto rec = db.begin_recording(first, "sim", 1);
        const Event e{120, BaselineEvent{61.5, 42.0, 6.0}};
        rec->add_events(std::span(&e, 1));
        CHECK_FALSE(rec->commit());
    }
    const auto b = db.stored_baseline(first);
    REQUIRE(b);
    CHECK(b->hr_bpm == 61.5);
    CHECK(b->rmssd_ms == 42.0);
    REQUIRE(b->resp_bpm);
    CHECK(*b->resp_bpm == 6.0);
    // Another client has none, and may not borrow session 1's.
    const Client other{first.id + 1, "other"};
    CHECK_FALSE(db.stored_baseline(other));
    CHECK_THROWS_WITH(db.stored_baseline(other, 1),
                      Catch::Contains("belongs to default, not other"));
    CHECK_THROWS_WITH(db.client("nobody"), Catch::Contains("no client \"nobody\""));
}

TEST_CASE("store: a session whose process died is marked interrupted on the next open",
          "[session]") {
    test::TempDir dir;
    const pid_t child = fork();
    if (child == 0) {
        // The child records, commits, and dies without closing (as kill -9 would).
        Database db(dir / "s.db", Database::Open::create);
        auto rec = db.begin_recording(db.default_client(), "sim:calm", 1);
        const auto beats = some_beats(30);
        rec->add_beats(beats);
        rec->commit();
        _exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    Database db(dir / "s.db", Database::Open::create);
    CHECK(db.interrupted_on_open() == 1);
    const auto list = db.list();
    REQUIRE(list.size() == 1);
    CHECK(list[0].state == "interrupted");
    CHECK(list[0].beats == 30);
    CHECK(list[0].duration_s == Approx(some_beats(30).back().t_s));
}

TEST_CASE(
    "store: a reused pid or a reboot never hides an abandoned session, another host's "
    "is never judged",
    "[session]") {
    test::TempDir dir;
    const std::string path = dir / "s.db";
    { Database db(path, Database::Open::create); }
    // A live process that is not the recorder: its pid is alive, its start time known.
    const pid_t child = fork();
    if (child == 0) {
        ::sleep(30);
        _exit(0);
    }
    const ProcessIdentity here = ProcessIdentity::of(::getpid());
    const ProcessIdentity live = ProcessIdentity::of(child);
    REQUIRE(live.start > 0);
    REQUIRE_FALSE(here.host.empty());
    REQUIRE_FALSE(here.boot_id.empty());
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    const auto insert = [&](std::int64_t id, std::int64_t pid, const std::string& host,
                            const std::string& boot, std::int64_t start) {
        const std::string sql =
            "INSERT INTO sessions (id, started_at, sensor, state, pid, client_id, host, "
            "boot_id, proc_start) VALUES (" +
            std::to_string(id) + ", '2026-12-01T08:00:00Z', 'sim', 'recording', " +
            std::to_string(pid) + ", 1, '" + host + "', '" + boot + "', " + std::to_string(start) +
            ")";
        REQUIRE(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    };
    insert(1, child, here.host, here.boot_id, live.start);        // still recording
    insert(2, child, here.host, here.boot_id, live.start + 1);    // the pid was reused
    insert(3, child, here.host, "another-boot", live.start);      // recorded before a reboot
    insert(4, 999999999, "another-host", "another-boot", 12345);  // a room's live session
    insert(5, 999999999, "", "", 0);                              // schema 4: pid alone
    sqlite3_close(db);
    {
        Database again(path, Database::Open::create);
        CHECK(again.interrupted_on_open() == 3);
        std::map<std::int64_t, std::string> state;
        for (const StoredSession& s : again.list(std::nullopt, false)) state[s.id] = s.state;
        CHECK(state[1] == "recording");
        CHECK(state[2] == "interrupted");
        CHECK(state[3] == "interrupted");
        CHECK(state[4] == "recording");
        CHECK(state[5] == "interrupted");
    }
    ::kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    // Its recorder gone, session 1 is abandoned too.
    Database last(path, Database::Open::create);
    CHECK(last.interrupted_on_open() == 1);
}

TEST_CASE("store: thirty first opens at once all succeed", "[session]") {
    test::TempDir dir;
    const std::string path = dir / "new/s.db";
    std::vector<pid_t> children;
    for (int i = 0; i < 30; ++i) {
        const pid_t c = fork();
        if (c == 0) {
            try {
                Database db(path, Database::Open::create);
                auto rec = db.begin_recording(db.default_client(), "sim", 1);
                rec->add_beats(some_beats(20));
                if (const auto err = rec->finish(20, SessionSummary{})) {
                    std::fprintf(stderr, "open %d: %s\n", i, err->c_str());
                    _exit(1);
                }
                _exit(0);
            } catch (const std::exception& e) {
                std::fprintf(stderr, "open %d: %s\n", i, e.what());
                _exit(2);
            }
        }
        children.push_back(c);
    }
    int failed = 0;
    for (const pid_t c : children) {
        int status = 0;
        waitpid(c, &status, 0);
        failed += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    CHECK(failed == 0);
    Database db(path, Database::Open::existing);
    CHECK(db.list().size() == 30);
    CHECK(db.clients().size() == 1);  // one default client, not thirty
    CHECK(mode_of(dir / "new") == 0700);
    CHECK(mode_of(path) == 0600);
}

TEST_CASE("store: a full disk keeps the beats in memory and saves them later", "[session]") {
    test::TempDir dir;
    Database db(dir / "s.db", Database::Open::create);
    auto rec = db.begin_recording(db.default_client(), "sim:calm", 1);
    const auto first = some_beats(100);
    rec->add_beats(first);
    REQUIRE_FALSE(rec->commit());
    rec->set_max_pages(1);  // smaller than the database already is: every write fails
    const auto more = some_beats(5000, 100);
    rec->add_beats(more);
    const auto err = rec->commit();
    REQUIRE(err);
    CHECK_THAT(*err, Catch::Contains("5000 beats and 0 events not yet saved") &&
                         Catch::Contains("kept in memory and in " + rec->journal()) &&
                         Catch::Contains("s.db"));
    CHECK(rec->pending() == 5000);
    rec->set_max_pages(1 << 30);  // space again
    CHECK_FALSE(rec->commit());
    CHECK(db.load(rec->id()).beats.size() == 5100);
}

TEST_CASE("store: reading never creates a database", "[session]") {
    test::TempDir dir;
    CHECK_THROWS_WITH(Database(dir / "typo/steady.db", Database::Open::existing),
                      Catch::Contains("typo/steady.db") && Catch::Contains("no session database"));
    CHECK_FALSE(std::filesystem::exists(dir / "typo"));
    CHECK_THROWS(Database(dir / "nope.db", Database::Open::existing));
    CHECK_FALSE(std::filesystem::exists(dir / "nope.db"));
}

TEST_CASE("store: newer, negative or foreign schemas are refused, the file untouched",
          "[session]") {
    test::TempDir dir;
    const auto make = [&](const std::string& name, int version) {
        sqlite3* db = nullptr;
        sqlite3_open((dir / name).c_str(), &db);
        sqlite3_exec(db, ("PRAGMA user_version = " + std::to_string(version)).c_str(), nullptr,
                     nullptr, nullptr);
        sqlite3_close(db);
    };
    make("new.db", 99);
    CHECK_THROWS_WITH(Database(dir / "new.db", Database::Open::create),
                      Catch::Contains("schema version 99") && Catch::Contains("update Steady") &&
                          !Catch::Contains("is this a Steady database"));
    make("negative.db", -3);
    const auto before = std::filesystem::file_size(dir / "negative.db");
    CHECK_THROWS_WITH(Database(dir / "negative.db", Database::Open::create),
                      Catch::Contains("negative.db") && Catch::Contains("not a Steady database"));
    CHECK(pragma_int(dir / "negative.db", "PRAGMA user_version") == -3);
    CHECK(std::filesystem::file_size(dir / "negative.db") == before);
    CHECK(rows(dir / "negative.db", "SELECT name FROM sqlite_master").empty());
    std::ofstream(dir / "junk.db") << "this is not a database, just some text that is long enough";
    CHECK_THROWS_WITH(Database(dir / "junk.db", Database::Open::create),
                      Catch::Contains("junk.db") && Catch::Contains("is this a Steady database"));
}

TEST_CASE("privacy: under umask 000 every folder is 0700 and every file 0600, symlinks refused",
          "[session][privacy]") {
    test::TempDir dir;
    const mode_t old = ::umask(0);
    const std::string data = dir / "data";
    const std::string env = "XDG_DATA_HOME=" + data + " XDG_CONFIG_HOME=" + (dir / "config");
    const test::Run r =
        test::run("record --duration 20 --speed 100 --quiet --csv " + (dir / "beats.csv"), "", env);
    ::umask(old);
    REQUIRE(r.status == 0);
    for (const std::string& d : {data, data + "/steady"}) CHECK(mode_of(d) == 0700);
    CHECK(mode_of(data + "/steady/steady.db") == 0600);
    for (const char* side : {"-wal", "-shm"})
        if (std::filesystem::exists(data + "/steady/steady.db" + side))
            CHECK(mode_of(data + "/steady/steady.db" + side) == 0600);
    CHECK(mode_of(dir / "beats.csv") == 0600);
    // An export likewise; an existing file is refused unless --force.
    ::umask(0);
    const std::string db = " --db " + data + "/steady/steady.db";
    const test::Run e = test::run("sessions export 1 -o " + (dir / "s.csv") + db, "", env);
    const test::Run again = test::run("sessions export 1 -o " + (dir / "s.csv") + db, "", env);
    const test::Run forced =
        test::run("sessions export 1 --force -o " + (dir / "s.csv") + db, "", env);
    const test::Run csv_again =
        test::run("record --duration 5 --speed 100 --quiet --csv " + (dir / "beats.csv"), "", env);
    ::umask(old);
    CHECK(e.status == 0);
    CHECK(mode_of(dir / "s.csv") == 0600);
    CHECK(again.status == 1);
    CHECK_THAT(again.err, Catch::Contains("exists; --force replaces it"));
    CHECK(forced.status == 0);
    CHECK(csv_again.status == 2);
    CHECK_THAT(csv_again.err, Catch::Contains("exists; --force replaces it"));

    // Loose permissions on Steady's own folder and database are tightened, with a notice.
    ::chmod((data + "/steady").c_str(), 0755);
    ::chmod((data + "/steady/steady.db").c_str(), 0644);
    const test::Run t = test::run("record --duration 5 --speed 100 --quiet", "", env);
    CHECK(t.status == 0);
    CHECK_THAT(t.err, Catch::Contains("was readable by others (0644); now 0600"));
    CHECK_THAT(t.err, Catch::Contains("was open to others (0755); now 0700"));
    CHECK(mode_of(data + "/steady") == 0700);
    CHECK(mode_of(data + "/steady/steady.db") == 0600);

    // Symlinks: a dangling one never creates its target; an export never writes through one.
    std::filesystem::create_symlink(dir / "nowhere.db", dir / "dangling.db");
    const test::Run d = test::run("record --duration 5 --quiet --db " + (dir / "dangling.db"));
    CHECK(d.status == 1);
    CHECK_THAT(d.err, Catch::Contains("symbolic link to nothing"));
    CHECK_FALSE(std::filesystem::exists(dir / "nowhere.db"));
    std::ofstream(dir / "target.csv") << "x\n";
    std::filesystem::create_symlink(dir / "target.csv", dir / "link.csv");
    const test::Run l = test::run(
        "record --duration 5 --speed 100 --quiet --force --csv " + (dir / "link.csv"), "", env);
    CHECK(l.status == 2);
    CHECK_THAT(l.err, Catch::Contains("symbolic link"));
    std::ifstream target(dir / "target.csv");
    std::string first;
    std::getline(target, first);
    CHECK(first == "x");  // untouched
    // A symlink to the user's own database is allowed.
    std::filesystem::create_symlink(data + "/steady/steady.db", dir / "mine.db");
    CHECK(test::run("sessions --db " + (dir / "mine.db")).status == 0);
}
