// The recovery journal: what the database will not take at the end of a session (a full disk,
// an injected write failure) stays in the journal beside it, and the next open merges it with
// the exact beats; a live session's journal is never touched; a damaged one keeps what it can.
#include <catch2/catch.hpp>

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "session/journal.h"
#include "session/store.h"
#include "support/cli_run.h"

using namespace steady;

namespace {

int mode_of(const std::string& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return static_cast<int>(st.st_mode & 0777);
}

// Beats whose times and intervals have no short decimal form: a round trip must be exact.
std::vector<PlacedBeat> odd_beats(std::size_t n, double start_s = 0) {
    std::vector<PlacedBeat> b;
    double t = start_s;
    for (std::size_t i = 0; i < n; ++i) {
        const double rr = 800 + 37.123456789 * std::sin(static_cast<double>(i)) + 1.0 / 3;
        b.push_back({t += rr / 1000, rr, i % 11 == 0 ? 4u : 0u});
    }
    return b;
}

void check_same_beats(const std::vector<PlacedBeat>& got, const std::vector<PlacedBeat>& want) {
    REQUIRE(got.size() == want.size());
    std::size_t differing = 0;
    for (std::size_t i = 0; i < got.size(); ++i)
        if (got[i].t_s != want[i].t_s || got[i].rr_ms != want[i].rr_ms ||
            got[i].flags != want[i].flags)
            ++differing;
    CHECK(differing == 0);
}

}  // namespace

TEST_CASE("journal: beats, events and the end read back exactly", "[session][journal]") {
    test::TempDir dir;
    const std::string path = dir / "j.journal";
    const auto beats = odd_beats(500);
    {
        SessionJournal j(path, 7, "2026-12-01T08:00:00Z");
        CHECK(j.reserve_problem().empty());
        j.add_beats(std::span(beats).first(200));
        JournalEvent note;
        note.mark_t_s = 12.5;
        note.what = "felt it in my chest";
        note.intensity = 7;
        const std::vector<Event> events = {{12.5, MarkEvent{81.25, std::nullopt}}, {40.25, note}};
        j.add_events(events);
        REQUIRE_FALSE(j.flush());
        j.add_beats(std::span(beats).subspan(200));
        j.add_end(431.5, "sim:calm");
        REQUIRE_FALSE(j.flush());
        CHECK(mode_of(path) == 0600);
    }
    const JournalContents c = read_journal(path);
    CHECK(c.session == 7);
    CHECK(c.started_at == "2026-12-01T08:00:00Z");
    check_same_beats(c.beats, beats);
    REQUIRE(c.events.size() == 2);
    CHECK(kind_of(c.events[0]) == "mark");
    CHECK(c.events[0].t_s == 12.5);
    REQUIRE(c.events[1].as<JournalEvent>());
    CHECK(c.events[1].as<JournalEvent>()->what == "felt it in my chest");
    CHECK(c.events[1].as<JournalEvent>()->intensity == 7);
    REQUIRE(c.end_duration_s);
    CHECK(*c.end_duration_s == 431.5);
    CHECK(c.sensor == "sim:calm");
    CHECK(c.problem.empty());
    // An existing file is never taken over.
    CHECK_THROWS_WITH(SessionJournal(path, 8, "x"), Catch::Contains(path));
}

TEST_CASE("journal: a line cut short ends it there, a foreign file is refused",
          "[session][journal]") {
    const std::string good =
        "{\"steady_journal\":1,\"session\":3,\"started_at\":\"t\"}\n"
        "{\"b\":[1.5,800.25,0]}\n"
        "{\"b\":[2.3,800.5,4]}\n";
    const JournalContents cut = parse_journal(good + "{\"b\":[3.1,79", "J");
    CHECK(cut.beats.size() == 2);
    CHECK_FALSE(cut.end_duration_s);
    CHECK_THAT(cut.problem, Catch::Contains("J: line 4 is cut short") &&
                                Catch::Contains("3 lines before it are kept"));
    const JournalContents bad = parse_journal(good + "{\"b\":[\"x\",1,2]}\n{\"b\":[9,9,0]}\n", "J");
    CHECK(bad.beats.size() == 2);
    CHECK_THAT(bad.problem, Catch::Contains("line 4 is not a beat"));
    CHECK_THROWS_WITH(parse_journal("hello\n", "J"),
                      Catch::Contains("J: line 1") && Catch::Contains("not a Steady journal"));
    CHECK_THROWS_WITH(parse_journal("", "J"), Catch::Contains("empty"));
    CHECK_THROWS_WITH(
        parse_journal("{\"steady_journal\":2,\"session\":3,\"started_at\":\"t\"}\n", "J"),
        Catch::Contains("journal version 2"));
}

TEST_CASE("journal: a failed final save keeps the beats, the next open merges them exactly",
          "[session][journal]") {
    test::TempDir dir;
    const std::string path = dir / "s.db";
    const mode_t old_umask = ::umask(0);  // the journal is private whatever the umask
    Database db(path, Database::Open::create);
    auto rec = db.begin_recording(db.default_client(), "sim:calm", 1);
    ::umask(old_umask);
    const std::string journal = rec->journal();
    CHECK(journal == journal_path(path, rec->id()));
    REQUIRE(std::filesystem::exists(journal));
    CHECK(mode_of(journal) == 0600);
    CHECK(rec->journal_problem().empty());

    const auto beats = odd_beats(3000);
    rec->add_beats(std::span(beats).first(1000));
    rec->add_events(std::vector<Event>{{100, MarkEvent{90.0, 0.5}}});
    REQUIRE_FALSE(rec->commit());  // these are in the database
    rec->set_max_pages(1);         // the injected failure: every write from now on fails
    rec->add_beats(std::span(beats).subspan(1000));
    JournalEvent note;
    note.mark_t_s = 100;
    note.what = "better now";
    rec->add_events(std::vector<Event>{{2000, note}});
    const auto err = rec->commit();
    REQUIRE(err);
    CHECK_THAT(
        *err, Catch::Contains("2000 beats and 1 events not yet saved") && Catch::Contains(journal));
    CHECK(rec->oldest_pending_s() == beats[1000].t_s);
    const auto end = rec->finish(beats.back().t_s, SessionSummary{}, "sim:calm (seed 4)");
    REQUIRE(end);
    CHECK_THAT(*end, Catch::Contains("could not be saved whole (2000 beats not in the database)") &&
                         Catch::Contains(journal + " keeps them") &&
                         Catch::Contains("merges them into session " + std::to_string(rec->id())));
    CHECK_FALSE(rec->finished());
    const std::int64_t id = rec->id();
    rec.reset();  // the process ends
    REQUIRE(std::filesystem::exists(journal));
    CHECK(db.load(id).beats.size() == 1000);

    // The next open that may write merges it: the rest of the beats, exactly, once.
    Database again(path, Database::Open::existing);
    REQUIRE(again.notices().size() == 1);
    CHECK(again.notices()[0] == "merged 2000 beats and 1 events from " + journal +
                                    " into session " + std::to_string(id) + " (complete)");
    CHECK_FALSE(std::filesystem::exists(journal));
    const SessionRecord r = again.load(id);
    check_same_beats(r.beats, beats);
    CHECK(r.events.size() == 2);
    CHECK(r.session.state == "complete");
    CHECK(r.session.duration_s == beats.back().t_s);
    CHECK(r.session.sensor == "sim:calm (seed 4)");
    CHECK(again.summary(id).beats == 3000);  // the summary is made again from every beat
    Database third(path, Database::Open::existing);
    CHECK(third.notices().empty());
    CHECK(third.load(id).beats.size() == 3000);
}

TEST_CASE("journal: a live session's journal is left alone, a stray one is named and not merged",
          "[session][journal]") {
    test::TempDir dir;
    const std::string path = dir / "s.db";
    Database db(path, Database::Open::create);
    auto rec = db.begin_recording(db.default_client(), "sim:calm", 1);
    rec->add_beats(odd_beats(50));
    REQUIRE_FALSE(rec->commit());
    {
        Database other(path, Database::Open::existing);  // this process records it: live
        CHECK(other.notices().empty());
        CHECK(std::filesystem::exists(rec->journal()));
    }
    // A journal for a session this database does not hold (a database replaced meanwhile).
    {
        SessionJournal stray(journal_path(path, 99), 99, "2020-01-01T00:00:00Z");
        stray.add_beats(odd_beats(5));
        REQUIRE_FALSE(stray.flush());
    }
    Database other(path, Database::Open::existing);
    REQUIRE(other.notices().size() == 1);
    CHECK_THAT(other.notices()[0], Catch::Contains(journal_path(path, 99)) &&
                                       Catch::Contains("is not in this database; left as it is"));
    CHECK(std::filesystem::exists(journal_path(path, 99)));
    // The session ends well: its journal goes.
    const std::string journal = rec->journal();
    REQUIRE_FALSE(rec->finish(60, SessionSummary{}));
    CHECK_FALSE(std::filesystem::exists(journal));
}

TEST_CASE(
    "journal: a session killed mid-way keeps its state and its journal's rows are merged once",
    "[session][journal]") {
    test::TempDir dir;
    const std::string path = dir / "s.db";
    const auto beats = odd_beats(400);
    std::int64_t id = 0;
    std::string journal;
    std::unique_ptr<Recording> rec;  // kept open: its process "was killed", nothing closes it
    {
        Database db(path, Database::Open::create);
        rec = db.begin_recording(db.default_client(), "sim:calm", 1);
        id = rec->id();
        journal = rec->journal();
        rec->add_beats(std::span(beats).first(300));
        REQUIRE_FALSE(rec->commit());
        rec->set_max_pages(1);
        rec->add_beats(std::span(beats).subspan(300));
        REQUIRE(rec->commit());  // in the journal only
        // As after kill -9: the session row says "recording" by a process that is gone.
        sqlite3* h = nullptr;
        REQUIRE(sqlite3_open(path.c_str(), &h) == SQLITE_OK);
        REQUIRE(sqlite3_exec(h, "UPDATE sessions SET pid = 999999999, proc_start = 1", nullptr,
                             nullptr, nullptr) == SQLITE_OK);
        sqlite3_close(h);
    }
    Database again(path, Database::Open::existing);
    CHECK(again.interrupted_on_open() == 1);
    REQUIRE(again.notices().size() == 1);
    CHECK(again.notices()[0] ==
          "merged 100 beats from " + journal + " into session " + std::to_string(id));
    const SessionRecord r = again.load(id);
    check_same_beats(r.beats, beats);
    CHECK(r.session.state == "interrupted");
    CHECK(r.session.duration_s == beats.back().t_s);
    rec.reset();
}

TEST_CASE("journal: an older journal with the same name is kept aside, never overwritten",
          "[session][journal]") {
    test::TempDir dir;
    const std::string path = dir / "s.db";
    Database db(path, Database::Open::create);
    {  // as if left by a database since replaced: its session 1 started at another time
        SessionJournal old(journal_path(path, 1), 1, "2020-01-01T00:00:00Z");
        old.add_beats(odd_beats(3));
        REQUIRE_FALSE(old.flush());
    }
    auto rec = db.begin_recording(db.default_client(), "sim:calm", 1);
    REQUIRE(rec->id() == 1);
    CHECK_THAT(rec->journal_problem(),
               Catch::Contains("was kept as " + journal_path(path, 1) + ".stray-"));
    std::size_t strays = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir.path))
        if (e.path().string().find(".stray-") != std::string::npos) {
            ++strays;
            CHECK(read_journal(e.path().string()).beats.size() == 3);
        }
    CHECK(strays == 1);
    CHECK(read_journal(rec->journal()).session == 1);
}
