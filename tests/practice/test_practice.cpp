// The practice's shared store (README "A practice's shared store") against a real PostgreSQL 15
// started for each test (support/pg_server.h): migrations, workstations recording at once, the
// server going away mid-session, clients added in two rooms, and a SQLite database copied to
// the server and back.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <sqlite3.h>

#include "app/config.h"
#include "practice/server.h"
#include "session/event_json.h"
#include "session/store.h"
#include "support/cli_run.h"
#include "support/pg_server.h"

using namespace steady;
using test::PgServer;
using test::TempDir;

namespace {

const std::string kV1 = std::string(STEADY_TEST_DATA) + "/steady_v1.db";

// One workstation: its own data folder (its local store) and no settings file.
std::string workstation(const TempDir& dir, const std::string& name) {
    return "XDG_DATA_HOME=" + (dir / name);
}

std::string local_db(const TempDir& dir, const std::string& name) {
    return dir / (name + "/steady/steady.db");
}

// A `steady` process running in the background, as a second workstation would.
class Background {
  public:
    Background(const std::string& env, const std::string& args, const std::string& out_file) {
        const std::string cmd = "exec env XDG_CONFIG_HOME=/nonexistent/steady-test " + env + " " +
                                std::string(STEADY_BIN) + " " + args + " >" + out_file + " 2>" +
                                out_file + ".err";
        pid_ = ::fork();
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
            ::_exit(127);
        }
    }
    ~Background() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
    }
    Background(const Background&) = delete;
    Background& operator=(const Background&) = delete;
    // The exit status (-1: killed by a signal).
    int wait() {
        int st = 0;
        REQUIRE(::waitpid(pid_, &st, 0) == pid_);
        pid_ = -1;
        return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    }

  private:
    pid_t pid_ = -1;
};

std::string slurp(const std::string& path) {
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

std::vector<nlohmann::json> json_lines(const std::string& text) {
    std::vector<nlohmann::json> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(nlohmann::json::parse(line));
    return out;
}

long long count(const PgServer& pg, const std::string& sql) {
    return std::stoll(pg.psql(sql));
}

// The beats of a session on the server, in index order.
struct ServerBeat {
    long long idx;
    double t_s, rr_ms;
    unsigned flags;
};
std::vector<ServerBeat> server_beats(const PgServer& pg, const std::string& uuid) {
    std::vector<ServerBeat> out;
    std::istringstream in(
        pg.psql("SELECT idx, t_s, rr_ms, flags FROM beats WHERE session_uuid = '" + uuid +
                "' ORDER BY idx"));
    for (std::string line; std::getline(in, line);) {
        ServerBeat b{};
        char* p = line.data();
        b.idx = std::strtoll(p, &p, 10);
        b.t_s = std::strtod(p + 1, &p);
        b.rr_ms = std::strtod(p + 1, &p);
        b.flags = static_cast<unsigned>(std::strtoul(p + 1, &p, 10));
        out.push_back(b);
    }
    return out;
}

// Every beat of the local session is on the server once, in order, with the same values.
void require_same_beats(const PgServer& pg, Database& db, std::int64_t id) {
    const SessionRecord rec = db.load(id);
    const std::vector<ServerBeat> there = server_beats(pg, rec.session.uuid);
    REQUIRE(there.size() == rec.beats.size());
    for (std::size_t i = 0; i < there.size(); ++i) {
        INFO("beat " << i);
        REQUIRE(there[i].idx == static_cast<long long>(i));
        // psql prints a double with 15 significant digits (extra_float_digits 0 would be
        // shortest-exact in PG 12+; psql's default is exact), so compare to 1e-9 ms.
        REQUIRE(there[i].t_s == Approx(rec.beats[i].t_s).margin(1e-9));
        REQUIRE(there[i].rr_ms == Approx(rec.beats[i].rr_ms).margin(1e-9));
        REQUIRE(there[i].flags == rec.beats[i].flags);
    }
}

}  // namespace

TEST_CASE("practice: workstations connecting at once migrate the server once", "[practice]") {
    PgServer pg;
    std::vector<std::string> practices(4), errors(4);
    std::vector<int> versions(4, 0);
    {
        std::vector<std::thread> ts;
        for (std::size_t i = 0; i < practices.size(); ++i)
            ts.emplace_back([&, i] {
                try {
                    practice::Server s(pg.uri());
                    practices[i] = s.practice();
                    versions[i] = s.schema_version();
                } catch (const std::exception& e) {
                    errors[i] = e.what();
                }
            });
        for (auto& t : ts) t.join();
    }
    for (std::size_t i = 0; i < practices.size(); ++i) {
        INFO("workstation " << i << ": " << errors[i]);
        REQUIRE(errors[i].empty());
        REQUIRE(versions[i] == practice::Server::kSchemaVersion);
        REQUIRE(practices[i].size() == 36);  // a UUID
        REQUIRE(practices[i] == practices[0]);
    }
    REQUIRE(pg.psql("SELECT count(*), max(version) FROM steady_schema") == "1|1");
    REQUIRE(count(pg, "SELECT count(*) FROM steady_practice") == 1);

    SECTION("a server migrated by a newer Steady is refused, nothing changed") {
        pg.psql("UPDATE steady_schema SET version = 99");
        try {
            practice::Server s(pg.uri());
            FAIL("a newer schema was accepted");
        } catch (const practice::ServerError& e) {
            CHECK_THAT(e.what(), Catch::Contains("version 99, newer than this Steady"));
            CHECK_THAT(e.what(), Catch::Contains("update Steady"));
        }
        REQUIRE(pg.psql("SELECT version FROM steady_schema") == "99");
    }
    SECTION("an unreachable server is named, without its password") {
        try {
            practice::Server s("host=" + pg.dir() + "/nowhere dbname=practice password=hunter2");
            FAIL("connected to nothing");
        } catch (const practice::ServerError& e) {
            CHECK_THAT(e.what(), Catch::Contains("nowhere"));
            CHECK_THAT(e.what(), !Catch::Contains("hunter2"));
        }
    }
}

TEST_CASE("store: a session is named by its id, its UUID or 8+ hex digits of it", "[store]") {
    TempDir dir;
    Database db(dir / "s.db", Database::Open::create);
    const Client c = db.default_client();
    for (int i = 0; i < 10; ++i) db.begin_recording(c, "sim", 1);
    const std::vector<StoredSession> all = db.list(std::nullopt, false);
    REQUIRE(all.size() == 10);
    const StoredSession& s = all[7];
    REQUIRE(s.uuid.size() == 36);
    CHECK(db.resolve(std::to_string(s.id)) == s.id);
    CHECK(db.resolve(s.uuid) == s.id);
    CHECK(db.resolve(s.uuid.substr(0, 8)) == s.id);
    std::string upper = s.uuid.substr(0, 13);
    for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    CHECK(db.resolve(upper) == s.id);

    const auto refused = [&](const std::string& spec, const std::string& why) {
        INFO("spec " << spec);
        try {
            db.resolve(spec);
            FAIL("resolved");
        } catch (const StoreError& e) {
            CHECK_THAT(e.what(), Catch::Contains(why));
        }
    };
    refused(s.uuid.substr(0, 7), "8");                 // too short
    refused("999", "999");                             // no such id
    refused("ffffffff-ffff", "no session with UUID");  // no such UUID
    refused("not-a-session", "not-a-session");         // neither
    // Two sessions whose UUIDs begin alike (as chance would have it, given enough of them).
    const std::string twin = s.uuid.substr(0, 9) + "0000-4000-8000-000000000000";
    REQUIRE(sqlite3_exec(db.connection(),
                         ("UPDATE sessions SET uuid = '" + twin +
                          "' WHERE id = " + std::to_string(all[8].id))
                             .c_str(),
                         nullptr, nullptr, nullptr) == SQLITE_OK);
    refused(s.uuid.substr(0, 8),
            "matches sessions " + std::to_string(s.id) + ", " + std::to_string(all[8].id));
    CHECK(db.resolve(s.uuid) == s.id);  // all of it is still unique
    CHECK(db.resolve(twin.substr(0, 14)) == all[8].id);
}

TEST_CASE("practice: two workstations record into one server at once", "[practice][cli]") {
    PgServer pg;
    TempDir dir;
    const std::string args =
        "record --sensor sim --speed 50 --duration 300 --quiet --db '" + pg.uri() + "'";
    REQUIRE(
        test::run("clients add Ana --db '" + pg.uri() + "'", "", workstation(dir, "a")).status ==
        0);
    REQUIRE(
        test::run("clients add Ben --db '" + pg.uri() + "'", "", workstation(dir, "b")).status ==
        0);
    {
        Background a(workstation(dir, "a"), args + " --client Ana", dir / "a.out");
        Background b(workstation(dir, "b"), args + " --client Ben", dir / "b.out");
        const int sa = a.wait(), sb = b.wait();
        INFO(slurp(dir / "a.out.err") << slurp(dir / "b.out.err"));
        REQUIRE(sa == 0);
        REQUIRE(sb == 0);
    }
    REQUIRE(count(pg, "SELECT count(*) FROM sessions") == 2);
    REQUIRE(count(pg, "SELECT count(*) FROM clients WHERE name IN ('Ana', 'Ben')") == 2);
    std::vector<std::string> uuids;
    for (const std::string ws : {"a", "b"}) {
        Database db(local_db(dir, ws), Database::Open::existing);
        const auto list = db.list();
        REQUIRE(list.size() == 1);
        REQUIRE(list[0].state == "complete");
        REQUIRE(list[0].beats > 250);  // 300 s of a simulated heart
        require_same_beats(pg, db, list[0].id);
        uuids.push_back(list[0].uuid);
        REQUIRE(pg.psql("SELECT state FROM sessions WHERE uuid = '" + list[0].uuid + "'") ==
                "complete");
        REQUIRE(count(pg, "SELECT count(*) FROM events WHERE session_uuid = '" + list[0].uuid +
                              "'") == static_cast<long long>(db.events(list[0].id).size()));
    }

    // A third workstation reads both from the server.
    const auto third = workstation(dir, "c");
    const test::Run ls = test::run("sessions --format json --db '" + pg.uri() + "'", "", third);
    INFO(ls.err);
    REQUIRE(ls.status == 0);
    const auto rows = nlohmann::json::parse(ls.out);
    REQUIRE(rows.size() == 2);
    std::set<std::string> seen;
    for (const auto& r : rows) {
        seen.insert(r["uuid"].get<std::string>());
        CHECK(r["synced"] == true);
    }
    REQUIRE(seen == std::set<std::string>(uuids.begin(), uuids.end()));
    const test::Run show =
        test::run("sessions show " + uuids[1].substr(0, 8) + " --db '" + pg.uri() + "'", "", third);
    INFO(show.err);
    REQUIRE(show.status == 0);
    CHECK_THAT(show.out, Catch::Contains("Ben"));
    const test::Run progress =
        test::run("progress --client Ana --db '" + pg.uri() + "'", "", third);
    CHECK(progress.status == 0);
}

TEST_CASE("practice: the server stopped mid-session gets every beat exactly once",
          "[practice][cli]") {
    PgServer pg;
    TempDir dir;
    // 420 s of session at speed 20: 21 s of wall time, the server away from 5 s to 11 s.
    Background rec(workstation(dir, "a"),
                   "record --sensor sim --speed 20 --duration 420 --db '" + pg.uri() + "'",
                   dir / "a.out");
    std::this_thread::sleep_for(std::chrono::seconds(5));
    pg.stop_immediately();
    std::this_thread::sleep_for(std::chrono::seconds(6));
    pg.start();
    const int status = rec.wait();
    const std::string err = slurp(dir / "a.out.err");
    INFO(err);
    REQUIRE(status == 0);

    std::vector<std::string> states;
    for (const auto& line : json_lines(slurp(dir / "a.out")))
        if (line.value("event", "") == "sync") states.push_back(line["state"]);
    INFO("sync events: " << nlohmann::json(states).dump());
    // Connected at the start, away when the server went, connected and caught up again.
    REQUIRE(states.size() >= 5);
    CHECK(states[0] == "connected");
    const auto away = std::find(states.begin(), states.end(), "away");
    REQUIRE(away != states.end());
    const auto back = std::find(away, states.end(), "connected");
    REQUIRE(back != states.end());
    CHECK(std::find(back, states.end(), "caught_up") != states.end());

    Database db(local_db(dir, "a"), Database::Open::existing);
    const auto list = db.list();
    REQUIRE(list.size() == 1);
    REQUIRE(list[0].beats > 350);
    require_same_beats(pg, db, list[0].id);  // none lost, none twice
    REQUIRE(count(pg, "SELECT count(*) - count(DISTINCT idx) FROM beats") == 0);
    REQUIRE(pg.psql("SELECT state FROM sessions") == "complete");
    // The sync events themselves are in the session, locally and on the server.
    const auto events = db.events(list[0].id);
    const auto syncs = std::count_if(events.begin(), events.end(),
                                     [](const Event& e) { return kind_of(e) == "sync"; });
    CHECK(syncs >= 3);
    REQUIRE(count(pg, "SELECT count(*) FROM events") == static_cast<long long>(events.size()));
}

TEST_CASE("practice: a session recorded while the server is away is sent by steady sync",
          "[practice][cli]") {
    PgServer pg;
    TempDir dir;
    const auto ws = workstation(dir, "a");
    const std::string db = " --db '" + pg.uri() + "'";
    pg.stop_immediately();
    const test::Run r = test::run("record --sensor sim --speed 100 --duration 120" + db, "", ws);
    INFO(r.err);
    REQUIRE(r.status == 0);  // the session goes on without its server
    const auto events = json_lines(r.out);
    CHECK(std::any_of(events.begin(), events.end(), [](const nlohmann::json& e) {
        return e.value("event", "") == "sync" && e["state"] == "away";
    }));

    test::Run ls = test::run("sessions --format json" + db, "", ws);
    REQUIRE(ls.status == 0);  // the local copy answers, with a notice
    CHECK_THAT(ls.err, Catch::Contains("using this workstation's copy"));
    auto rows = nlohmann::json::parse(ls.out);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0]["synced"] == false);

    const test::Run early = test::run("sync" + db, "", ws);
    CHECK(early.status == 1);

    pg.start();
    const test::Run sync = test::run("sync" + db, "", ws);
    INFO(sync.out << sync.err);
    REQUIRE(sync.status == 0);
    CHECK_THAT(sync.out, Catch::Contains("has every session"));
    ls = test::run("sessions --format json" + db, "", ws);
    rows = nlohmann::json::parse(ls.out);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0]["synced"] == true);
    Database local(local_db(dir, "a"), Database::Open::existing);
    require_same_beats(pg, local, local.list()[0].id);

    // Sending again changes nothing.
    const long long beats = count(pg, "SELECT count(*) FROM beats");
    REQUIRE(test::run("sync" + db, "", ws).status == 0);
    REQUIRE(count(pg, "SELECT count(*) FROM beats") == beats);
}

TEST_CASE("practice: a client added in two rooms while apart is one client after sync",
          "[practice][cli]") {
    PgServer pg;
    TempDir dir;
    const std::string db = " --db '" + pg.uri() + "'";
    const auto a = workstation(dir, "a"), b = workstation(dir, "b");
    REQUIRE(test::run("sync" + db, "", a).status == 0);  // both know the practice
    REQUIRE(test::run("sync" + db, "", b).status == 0);
    pg.stop_immediately();
    REQUIRE(test::run("clients add Ana --note 'room 1'" + db, "", a).status == 0);
    REQUIRE(test::run("clients add Ana --note 'room 2'" + db, "", b).status == 0);
    REQUIRE(
        test::run("record --client Ana --sensor sim --speed 100 --duration 60 --quiet" + db, "", b)
            .status == 0);
    pg.start();
    REQUIRE(test::run("sync" + db, "", a).status == 0);
    const test::Run second = test::run("sync" + db, "", b);
    INFO(second.out << second.err);
    REQUIRE(second.status == 0);
    CHECK_THAT(second.err, Catch::Contains("client \"Ana\" was added on this workstation and on "
                                           "another while they were apart"));
    REQUIRE(count(pg, "SELECT count(*) FROM clients WHERE name = 'Ana'") == 1);
    REQUIRE(pg.psql("SELECT note FROM clients WHERE name = 'Ana'") == "room 1");
    // Room 2's session belongs to the one Ana, there and on the server.
    REQUIRE(pg.psql("SELECT c.name FROM sessions s JOIN clients c ON c.uuid = s.client_uuid") ==
            "Ana");
    Database local(local_db(dir, "b"), Database::Open::existing);
    const auto ana = local.client("Ana");
    CHECK(ana.note == "room 1");
    CHECK(ana.uuid == pg.psql("SELECT uuid FROM clients WHERE name = 'Ana'"));
    CHECK(local.session_count(ana) == 1);
}

TEST_CASE("practice: a SQLite database copied to the server and back is unchanged",
          "[practice][cli]") {
    PgServer pg;
    TempDir dir;
    // An old database (schema 1, with journal notes) brought up to date, plus a client with a
    // note and settings, an imported recording and a recorded one.
    const std::string a = dir / "a.db", b = dir / "b.db";
    std::filesystem::copy_file(kV1, a);
    ::chmod(a.c_str(), 0600);
    REQUIRE(test::run("clients add Ana --note 'prefers evenings' --db " + a).status == 0);
    REQUIRE(
        test::run("record --client Ana --sensor sim --speed 100 --duration 120 --quiet --db " + a)
            .status == 0);
    REQUIRE(test::run("import --client Ana --db " + a + " " + STEADY_TEST_DATA +
                      "/series_1_rr_ms.txt --at 2026-11-02T09:30")
                .status == 0);

    const test::Run to = test::run("sessions copy --from " + a + " --to '" + pg.uri() + "'");
    INFO(to.out << to.err);
    REQUIRE(to.status == 0);
    const test::Run back = test::run("sessions copy --from '" + pg.uri() + "' --to " + b);
    INFO(back.out << back.err);
    REQUIRE(back.status == 0);
    struct stat st {};
    REQUIRE(::stat(b.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);

    Database da(a, Database::Open::existing), db(b, Database::Open::existing);
    const auto ca = da.clients(true), cb = db.clients(true);
    REQUIRE(ca.size() == cb.size());
    for (std::size_t i = 0; i < ca.size(); ++i) {
        CHECK(ca[i].name == cb[i].name);
        CHECK(ca[i].uuid == cb[i].uuid);
        CHECK(ca[i].note == cb[i].note);
        CHECK(ca[i].archived == cb[i].archived);
    }
    const auto la = da.list(), lb = db.list();
    REQUIRE(la.size() >= 4);
    REQUIRE(la.size() == lb.size());
    std::map<std::string, std::int64_t> b_by_uuid;
    for (const auto& s : lb) b_by_uuid[s.uuid] = s.id;
    for (const auto& s : la) {
        INFO("session " << s.id << " " << s.uuid);
        REQUIRE(b_by_uuid.count(s.uuid) == 1);
        const SessionRecord ra = da.load(s.id), rb = db.load(b_by_uuid[s.uuid]);
        CHECK(rb.session.client == ra.session.client);
        CHECK(rb.session.started_at == ra.session.started_at);
        CHECK(rb.session.sensor == ra.session.sensor);
        CHECK(rb.session.state == ra.session.state);
        CHECK(rb.session.duration_s == ra.session.duration_s);
        CHECK(rb.session.challenge == ra.session.challenge);
        REQUIRE(rb.beats.size() == ra.beats.size());
        for (std::size_t i = 0; i < ra.beats.size(); ++i) {
            // Bit for bit: the server keeps double precision and the copy reads it exactly.
            REQUIRE(std::memcmp(&rb.beats[i].t_s, &ra.beats[i].t_s, sizeof(double)) == 0);
            REQUIRE(std::memcmp(&rb.beats[i].rr_ms, &ra.beats[i].rr_ms, sizeof(double)) == 0);
            REQUIRE(rb.beats[i].flags == ra.beats[i].flags);
        }
        REQUIRE(rb.events.size() == ra.events.size());
        for (std::size_t i = 0; i < ra.events.size(); ++i) {
            CHECK(kind_of(rb.events[i]) == kind_of(ra.events[i]));
            CHECK(rb.events[i].t_s == ra.events[i].t_s);
            CHECK(event_fields(rb.events[i]) == event_fields(ra.events[i]));
        }
    }
    // The journal notes of the old database came through.
    CHECK(count(pg, "SELECT count(*) FROM events WHERE kind = 'journal'") > 0);

    // Copying again adds nothing, either way.
    const long long beats = count(pg, "SELECT count(*) FROM beats");
    const test::Run again = test::run("sessions copy --from " + a + " --to '" + pg.uri() + "'");
    REQUIRE(again.status == 0);
    CHECK_THAT(again.out, Catch::Contains(": 0 new sessions, 0 new beats, 0 new events"));
    CHECK(count(pg, "SELECT count(*) FROM beats") == beats);
    const test::Run again_back = test::run("sessions copy --from '" + pg.uri() + "' --to " + b);
    REQUIRE(again_back.status == 0);
    CHECK_THAT(again_back.out, Catch::Contains(": 0 new sessions, 0 new beats, 0 new events"));
}

TEST_CASE("practice: the settings file never holds the server's password", "[practice][cli]") {
    TempDir dir;
    std::filesystem::create_directories(dir / "cfg/steady");
    std::ofstream(dir / "cfg/steady/config.toml")
        << "db = \"host=/tmp dbname=practice user=ana password=secret\"\n";
    const test::Run r = test::run("sessions", "", "XDG_CONFIG_HOME=" + (dir / "cfg"));
    INFO(r.err);
    CHECK(r.status != 0);
    CHECK_THAT(r.err, Catch::Contains("config.toml"));
    CHECK_THAT(r.err, Catch::Contains("holds a password"));
    CHECK_THAT(r.err, Catch::Contains(".pgpass"));
    CHECK_THAT(r.err, !Catch::Contains("secret"));
}

TEST_CASE("practice: a clinician's role with the README's rights records and reads",
          "[practice][cli]") {
    PgServer pg;
    TempDir dir;
    // README "A practice's shared store", set-up steps 1-4 (the server's superuser here is the
    // test's; the owner and clinicians have no password under the test server's trust rule).
    pg.psql("CREATE ROLE steady_owner LOGIN", "postgres");
    pg.psql("CREATE ROLE steady_clinicians NOLOGIN", "postgres");
    pg.psql("ALTER DATABASE practice OWNER TO steady_owner", "postgres");
    const auto uri_as = [&](const std::string& role) {
        std::string u = pg.uri();
        return u.replace(u.find("user="), std::string::npos, "user=" + role);
    };
    const test::Run first =
        test::run("sync --db '" + uri_as("steady_owner") + "'", "", workstation(dir, "owner"));
    INFO(first.out << first.err);
    REQUIRE(first.status == 0);  // the owner's first contact made the tables
    for (const char* sql :
         {"REVOKE ALL ON DATABASE practice FROM PUBLIC",
          "GRANT CONNECT ON DATABASE practice TO steady_clinicians",
          "GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO steady_clinicians",
          "GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO steady_clinicians",
          "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE ON TABLES TO "
          "steady_clinicians",
          "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE ON SEQUENCES TO "
          "steady_clinicians"}) {
        INFO(sql);
        // As the owner, as the README says (psql -q: silent unless something is wrong).
        REQUIRE(pg.psql("SET ROLE steady_owner; " + std::string(sql), "practice").empty());
    }
    pg.psql("CREATE ROLE ana LOGIN IN ROLE steady_clinicians", "postgres");
    pg.psql("CREATE ROLE stranger LOGIN", "postgres");
    const std::string ana = " --db '" + uri_as("ana") + "'";
    const auto ws = workstation(dir, "ana");
    REQUIRE(test::run("clients add Cleo" + ana, "", ws).status == 0);
    const test::Run rec = test::run(
        "record --client Cleo --sensor sim --speed 100 --duration 60 --quiet" + ana, "", ws);
    INFO(rec.err);
    REQUIRE(rec.status == 0);
    CHECK_THAT(rec.err, !Catch::Contains("has not got all"));
    const test::Run ls = test::run("sessions --format json" + ana, "", ws);
    REQUIRE(ls.status == 0);
    CHECK(nlohmann::json::parse(ls.out)[0]["synced"] == true);
    REQUIRE(count(pg, "SELECT count(*) FROM sessions") == 1);

    // A role the practice did not admit is refused with the server's reason.
    const test::Run other =
        test::run("sync --db '" + uri_as("stranger") + "'", "", workstation(dir, "stranger"));
    CHECK(other.status != 0);
    CHECK_THAT(other.err, Catch::Contains("permission denied"));
    // A clinician's role cannot change the schema.
    const std::string denied = pg.psql("SET ROLE ana; CREATE TABLE mine (x int)", "practice");
    CHECK_THAT(denied, Catch::Contains("permission denied"));
}
