// `steady record`, `steady sessions` and `steady scan` as a user runs them: kill -9 in the middle
// of a recording, replay of a stored session, export and analysis, and bad input.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "drivers/sim/model.h"
#include "hrv/analysis.h"
#include "session/store.h"
#include "support/cli_run.h"

using namespace steady;

namespace {

std::vector<nlohmann::json> second_lines(const std::string& out) {
    std::vector<nlohmann::json> v;
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line)) {
        auto j = nlohmann::json::parse(line);
        if (!j.contains("event")) v.push_back(j);
    }
    return v;
}

// The metric part of a per-second line (the sensor's own state differs between sources).
nlohmann::json metrics(nlohmann::json j) {
    j.erase("sensor");
    j.erase("dropped");
    return j;
}

}  // namespace

TEST_CASE("kill -9 during a recording loses at most the last second", "[cli][session]") {
    test::TempDir dir;
    const std::string db = dir / "steady.db";
    constexpr double kSpeed = 10;
    const pid_t pid = fork();
    if (pid == 0) {
        execl(STEADY_BIN, STEADY_BIN, "record", "--sensor", "sim:calm", "--speed", "10", "--quiet",
              "--db", db.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    // Wait for the first committed beat (start-up time varies, e.g. under sanitizers): from then
    // on the session clock is at least that beat's time.
    const auto newest_beat_s = [&] {
        sqlite3* h = nullptr;
        double t = -1;
        if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
            sqlite3_stmt* st = nullptr;
            if (sqlite3_prepare_v2(h, "SELECT MAX(t_s) FROM beats", -1, &st, nullptr) ==
                    SQLITE_OK &&
                sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
                t = sqlite3_column_double(st, 0);
            sqlite3_finalize(st);
        }
        sqlite3_close(h);
        return t;
    };
    double first_seen_s = -1;
    for (int i = 0; i < 1000 && first_seen_s < 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        first_seen_s = newest_beat_s();
    }
    REQUIRE(first_seen_s > 0);
    constexpr double kRunRealS = 3.0;
    std::this_thread::sleep_for(std::chrono::duration<double>(kRunRealS));
    REQUIRE(kill(pid, SIGKILL) == 0);
    int status = 0;
    waitpid(pid, &status, 0);
    REQUIRE(WIFSIGNALED(status));

    Database store(db, Database::Open::existing);
    CHECK(store.interrupted_on_open() == 1);
    const auto list = store.list();
    REQUIRE(list.size() == 1);
    CHECK(list[0].state == "interrupted");
    const SessionRecord d = store.load(list[0].id);
    // Everything that arrived more than one real second before the kill must be there, exactly
    // as the simulator made it.
    sim::Model model(sim::load_scenario("calm"));
    const double must_have_s = first_seen_s + (kRunRealS - 1.0) * kSpeed;
    std::size_t expected = 0;
    for (sim::TrueBeat b = model.next(); b.t_s <= must_have_s; b = model.next()) ++expected;
    INFO("kept " << d.beats.size() << " beats; at least " << expected << " were due");
    CHECK(d.beats.size() >= expected);
    CHECK(expected > 5);
    sim::Model again(sim::load_scenario("calm"));
    for (const PlacedBeat& b : d.beats) CHECK(b.rr_ms == again.next().rr_ms);
    CHECK(list[0].duration_s == Approx(d.beats.back().t_s));
}

TEST_CASE("replaying a stored session reproduces its metrics exactly, and exports analyse back",
          "[cli][session]") {
    test::TempDir dir;
    const std::string db = dir / "steady.db";
    const test::Run rec = test::run("record --sensor sim:noisy --duration 900 --speed 900 --db " +
                                    db + " --csv " + (dir / "live.csv"));
    REQUIRE(rec.status == 0);
    const auto original = second_lines(rec.out);
    REQUIRE(original.size() == 900);
    CHECK(original.back()["artifacts"].get<int>() > 5);  // the noisy scenario's artifacts were seen
    CHECK(original.back()["gaps"].get<int>() >= 0);

    const test::Run ex =
        test::run("sessions export 1 --format csv -o " + (dir / "s1.csv") + " --db " + db);
    REQUIRE(ex.status == 0);
    for (const std::string& file : {dir / "s1.csv", dir / "live.csv"}) {
        const test::Run rep =
            test::run("record --sensor replay:" + file + " --speed 2000 --db " + db);
        INFO(rep.err);
        REQUIRE(rep.status == 0);
        const auto replayed = second_lines(rep.out);
        // The replay ends with the last beat; every second it reports matches the original.
        REQUIRE(replayed.size() >= 890);
        for (std::size_t k = 0; k < replayed.size(); ++k) {
            INFO(file << " second " << k + 1);
            REQUIRE(metrics(replayed[k]) == metrics(original[k]));
        }
    }

    // rr export -> analyze gives the numbers of an analysis of the stored intervals.
    REQUIRE(
        test::run("sessions export 1 --format rr -o " + (dir / "s1.rr") + " --db " + db).status ==
        0);
    const test::Run an = test::run("analyze --format json " + (dir / "s1.rr"));
    REQUIRE(an.status == 0);
    const auto j = nlohmann::json::parse(an.out);
    Database store(db, Database::Open::existing);
    std::vector<double> rr;
    for (const PlacedBeat& b : store.load(1).beats) rr.push_back(b.rr_ms);
    const hrv::AnalysisResult direct = hrv::Analyzer().analyze(rr);
    const auto& file = j.is_array() ? j[0] : j;
    INFO(file.dump());
    CHECK(file["time"]["rmssd_ms"].get<double>() == direct.time->rmssd_ms);
    CHECK(file["time"]["mean_rr_ms"].get<double>() == direct.time->mean_rr_ms);
    CHECK(file["frequency"]["hf_ms2"].get<double>() == direct.frequency->hf_ms2);
    CHECK(file["beats"].get<std::size_t>() == rr.size());

    const test::Run js = test::run("sessions export 1 --format json --db " + db);
    REQUIRE(js.status == 0);
    const auto session = nlohmann::json::parse(js.out);
    CHECK(session["beats"].size() == rr.size());
    CHECK(session["session"]["state"] == "complete");
    const test::Run listing = test::run("sessions --db " + db);
    CHECK(listing.out.find("complete") != std::string::npos);
    CHECK(listing.out.find("sim:noisy") != std::string::npos);
}

TEST_CASE("record: default database under XDG_DATA_HOME, private", "[cli][session]") {
    test::TempDir dir;
    const test::Run r = test::run("record --sensor sim --duration 5 --speed 50 --quiet", "",
                                  "XDG_DATA_HOME=" + dir.path);
    REQUIRE(r.status == 0);
    struct stat st {};
    REQUIRE(stat((dir / "steady").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0700);
    REQUIRE(stat((dir / "steady/steady.db").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(r.out.empty());  // --quiet
}

TEST_CASE("record and sessions: bad input says where and why", "[cli][session]") {
    test::TempDir dir;
    const std::string db = " --db " + (dir / "s.db");
    test::Run r = test::run("record --sensor replay:/nonexistent/night.csv" + db);
    CHECK(r.status == 1);
    CHECK_THAT(r.err, Catch::Contains("/nonexistent/night.csv"));
    // A wrong spec or scenario file is a usage mistake: exit 2, like a bad settings file.
    r = test::run("record --sensor bluetooth" + db);
    CHECK(r.status == 2);
    CHECK_THAT(r.err,
               Catch::Contains("unknown transport \"bluetooth\"") && Catch::Contains("sim["));
    r = test::run("record --sensor sim:stormy" + db);
    CHECK(r.status == 2);
    CHECK_THAT(r.err, Catch::Contains("stormy") && Catch::Contains("trigger-recovery"));
    std::ofstream(dir / "bad.toml") << "name = \"x\"\n[person]\nhr_bpm = 500\n";
    r = test::run("record --sensor sim:" + (dir / "bad.toml") + db);
    CHECK(r.status == 2);
    CHECK_THAT(r.err, Catch::Contains("person.hr_bpm (line 3)") && Catch::Contains("outside"));
    std::ofstream(dir / "bad.csv") << "t_s,rr_ms\n1,800\n2,abc\n";
    r = test::run("record --sensor replay:" + (dir / "bad.csv") + db);
    CHECK(r.status == 1);
    CHECK_THAT(r.err, Catch::Contains("line 3"));
    r = test::run("sessions export 7" + db);
    CHECK(r.status == 1);
    CHECK_THAT(r.err, Catch::Contains("no session 7"));
    r = test::run("sessions export 1 --format xml" + db);
    CHECK(r.status == 2);
    r = test::run("record --speed -3" + db);
    CHECK(r.status == 2);
    std::ofstream(dir / "junk.db") << "not a database at all, not even a little bit";
    r = test::run("sessions --db " + (dir / "junk.db"));
    CHECK(r.status == 1);
    CHECK_THAT(r.err, Catch::Contains("junk.db"));
}

TEST_CASE("scan lists the simulator's scenarios", "[cli]") {
    const test::Run r = test::run("scan");
    REQUIRE(r.status == 0);
    for (const char* s : {"sim:calm", "sim:paced", "sim:trigger-recovery", "sim:noisy"})
        CHECK_THAT(r.out, Catch::Contains(s));
}

TEST_CASE("record --baseline last uses the stored resting baseline from the first second",
          "[cli][session]") {
    test::TempDir dir;
    const std::string db = " --db " + (dir / "s.db");
    test::Run r = test::run("record --sensor sim --baseline last --duration 5 --speed 50" + db);
    CHECK(r.status == 2);
    CHECK_THAT(r.err, Catch::Contains("no stored baseline for default"));
    REQUIRE(test::run("record --sensor sim --duration 200 --speed 200 --quiet" + db).status == 0);
    r = test::run("record --sensor sim --baseline last --duration 30 --speed 50" + db);
    REQUIRE(r.status == 0);
    CHECK_THAT(r.err, Catch::Contains("resting baseline from the latest session"));
    const auto lines = second_lines(r.out);
    REQUIRE(lines.size() == 30);
    CHECK(lines[4]["arousal"]["band"] == "calm");  // no 2-minute wait
    CHECK(lines[4]["arousal"]["level"].is_number());
    CHECK(
        test::run("record --sensor sim --baseline 1 --duration 2 --speed 50 --quiet" + db).status ==
        0);
    r = test::run("record --sensor sim --baseline 42 --duration 2" + db);
    CHECK(r.status == 2);
    CHECK_THAT(r.err, Catch::Contains("--baseline 42: no session 42"));
    CHECK(test::run("record --sensor sim --baseline yesterday --duration 2" + db).status == 2);
}

TEST_CASE("record: sensor and database from the settings file, bad settings named", "[cli]") {
    test::TempDir dir;
    std::filesystem::create_directories(dir / "cfg/steady");
    std::ofstream(dir / "cfg/steady/config.toml")
        << "sensor = \"sim:paced\"\ndb = \"" << (dir / "from-config.db") << "\"\n";
    test::Run r =
        test::run("record --duration 3 --speed 50 --quiet", "", "XDG_CONFIG_HOME=" + (dir / "cfg"));
    REQUIRE(r.status == 0);
    CHECK_THAT(r.err, Catch::Contains("Simulator (paced)") && Catch::Contains("from-config.db"));
    r = test::run("record --sensor sim:calm --duration 3 --speed 50 --quiet", "",
                  "XDG_CONFIG_HOME=" + (dir / "cfg"));
    CHECK_THAT(r.err, Catch::Contains("Simulator (calm)"));  // the command line wins

    std::ofstream(dir / "bad.toml") << "sensor = \"sim\"\nsensr = \"ble\"\n";
    r = test::run("record --config " + (dir / "bad.toml"));
    CHECK(r.status == 2);
    CHECK_THAT(r.err, Catch::Contains("bad.toml: line 2: sensr: unknown setting"));
    std::ofstream(dir / "bad2.toml") << "sensor = 7\n";
    r = test::run("record --config " + (dir / "bad2.toml"));
    CHECK(r.status == 2);
    CHECK_THAT(r.err, Catch::Contains("line 1: sensor: must be a non-empty string"));
    r = test::run("record --config " + (dir / "missing.toml"));
    CHECK(r.status == 2);
    CHECK_THAT(r.err, Catch::Contains("no such settings file"));
}

TEST_CASE("record --sensor ant without the ANT+ key says where to put it", "[cli]") {
    test::TempDir dir;
    test::Run r = test::run("record --sensor ant --duration 1 --db " + (dir / "s.db"), "",
                            "STEADY_ANT_NETWORK_KEY=");
    // An empty variable counts as set but malformed; unset, the settings file is asked.
    CHECK(r.status == 1);
    CHECK_THAT(r.err, Catch::Contains("16 hex digits"));
    r = test::run("record --sensor ant --duration 1 --db " + (dir / "s.db"), "",
                  "env -u STEADY_ANT_NETWORK_KEY");
    CHECK(r.status == 1);
    CHECK_THAT(r.err, Catch::Contains("ANT+ network key is not set") &&
                          Catch::Contains("STEADY_ANT_NETWORK_KEY") &&
                          Catch::Contains("ant_network_key"));
    CHECK(Database(dir / "s.db", Database::Open::existing).list().empty());
}

TEST_CASE("record: SIGHUP ends the session like SIGTERM, stored complete", "[cli][session]") {
    test::TempDir dir;
    const std::string db = dir / "s.db";
    const pid_t pid = fork();
    if (pid == 0) {
        execl(STEADY_BIN, STEADY_BIN, "record", "--sensor", "sim:calm", "--speed", "20", "--quiet",
              "--db", db.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    REQUIRE(kill(pid, SIGHUP) == 0);
    int status = 0;
    waitpid(pid, &status, 0);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    Database store(db, Database::Open::existing);
    const auto list = store.list();
    REQUIRE(list.size() == 1);
    CHECK(list[0].state == "complete");
    CHECK(list[0].beats > 5);
}

TEST_CASE("record into a closed pipe: printing stops, the session is stored complete",
          "[cli][session]") {
    test::TempDir dir;
    const auto run_piped = [&](const std::string& args) {
        const std::string cmd = "bash -c 'XDG_CONFIG_HOME=/nonexistent " + std::string(STEADY_BIN) +
                                " record " + args + " 2>/dev/null | head -3 >/dev/null; exit " +
                                "${PIPESTATUS[0]}'";
        const int rc = std::system(cmd.c_str());
        return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    };
    // Without an end: ended as soon as the pipe closes.
    const auto t0 = std::chrono::steady_clock::now();
    CHECK(run_piped("--sensor sim:calm --speed 20 --db " + (dir / "a.db")) == 0);
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(20));
    Database a(dir / "a.db", Database::Open::existing);
    REQUIRE(a.list().size() == 1);
    CHECK(a.list()[0].state == "complete");
    CHECK(a.list()[0].beats > 0);
    // With an end: it goes on to it.
    CHECK(run_piped("--sensor sim:calm --duration 120 --speed 200 --db " + (dir / "b.db")) == 0);
    Database b(dir / "b.db", Database::Open::existing);
    REQUIRE(b.list().size() == 1);
    CHECK(b.list()[0].state == "complete");
    CHECK(b.list()[0].duration_s == 120);
}

namespace {

// The beats `record --csv` wrote, as exact as the store's (the CSV prints them round-trip).
std::vector<PlacedBeat> csv_beats(const std::string& path) {
    std::vector<PlacedBeat> out;
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
        PlacedBeat b;
        char* end = nullptr;
        b.t_s = std::strtod(line.c_str(), &end);
        b.rr_ms = std::strtod(end + 1, &end);
        b.flags = static_cast<std::uint32_t>(std::strtoul(end + 1, &end, 10));
        out.push_back(b);
    }
    return out;
}

std::size_t differing_beats(const std::vector<PlacedBeat>& a, const std::vector<PlacedBeat>& b) {
    std::size_t n = a.size() > b.size() ? a.size() - b.size() : b.size() - a.size();
    for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i)
        if (a[i].t_s != b[i].t_s || a[i].rr_ms != b[i].rr_ms || a[i].flags != b[i].flags) ++n;
    return n;
}

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Starts `steady record ARGS` with stderr to `err_file`; returns its pid.
pid_t start_record(const std::vector<std::string>& args, const std::string& err_file) {
    const pid_t pid = fork();
    if (pid == 0) {
        const int fd = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(fd, 2);
        setenv("XDG_CONFIG_HOME", "/nonexistent/steady-test", 1);
        std::vector<char*> argv{const_cast<char*>(STEADY_BIN), const_cast<char*>("record")};
        for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        execv(STEADY_BIN, argv.data());
        _exit(127);
    }
    return pid;
}

// Sends SIGINT and waits: the exit status and the real seconds it took.
std::pair<int, double> interrupt(pid_t pid) {
    const auto t0 = std::chrono::steady_clock::now();
    kill(pid, SIGINT);
    int status = 0;
    waitpid(pid, &status, 0);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1,
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()};
}

bool wait_for_text(const std::string& file, const std::string& text, double seconds) {
    for (int i = 0; i < seconds * 10; ++i) {
        if (read_text(file).find(text) != std::string::npos) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

}  // namespace

TEST_CASE("record: Ctrl-C on a full disk ends within 10 s naming the journal, merged next time",
          "[cli][session][journal]") {
    test::TempDir dir;
    const std::string mnt = dir / "disk";
    std::filesystem::create_directory(mnt);
    // A real full disk: a 700 KiB tmpfs (root may mount one; elsewhere this case is skipped,
    // and the store's injected failure covers the same path).
    const std::string mount = "mount -t tmpfs -o size=700k,mode=0700 tmpfs " + mnt + " 2>/dev/null";
    if (std::system(mount.c_str()) != 0) {
        WARN("cannot mount a tmpfs here: the real-full-disk case is skipped");
        return;
    }
    struct Unmount {
        std::string at;
        ~Unmount() { std::system(("umount " + at + " 2>/dev/null").c_str()); }
    } unmount{mnt};
    const std::string db = mnt + "/steady.db", csv = dir / "beats.csv", err = dir / "err";
    const pid_t pid = start_record(
        {"--sensor", "sim:calm", "--speed", "200", "--quiet", "--db", db, "--csv", csv}, err);
    REQUIRE(wait_for_text(err, "not yet saved", 60));  // the disk is full
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    const auto [status, took_s] = interrupt(pid);
    const std::string said = read_text(err);
    INFO(said);
    CHECK(status == 1);
    CHECK(took_s < 10);
    const std::string journal = db + ".session-1.journal";
    CHECK_THAT(said,
               Catch::Contains("database or disk is full: session 1 could not be saved whole") &&
                   Catch::Contains(journal + " keeps them"));
    REQUIRE(std::filesystem::exists(journal));
    const auto recorded = csv_beats(csv);
    REQUIRE(recorded.size() > 100);

    // Still full: the merge is tried, said, and the journal kept.
    const test::Run full = test::run("sessions --db " + db);
    CHECK(full.status == 0);
    CHECK_THAT(full.err, Catch::Contains("could not merge " + journal) &&
                             Catch::Contains("kept and merged next time"));
    CHECK(std::filesystem::exists(journal));
    // Space again: merged, every beat exactly once, and the journal gone.
    REQUIRE(std::system(("mount -o remount,size=8m " + mnt).c_str()) == 0);
    const test::Run merged = test::run("sessions --db " + db);
    CHECK(merged.status == 0);
    CHECK_THAT(merged.err, Catch::Contains("from " + journal + " into session 1 (complete)"));
    CHECK_FALSE(std::filesystem::exists(journal));
    Database store(db, Database::Open::existing);
    const SessionRecord r = store.load(1);
    CHECK(differing_beats(r.beats, recorded) == 0);
    CHECK(r.session.state == "complete");
}

TEST_CASE("record: a lock held past the end keeps the beats in the journal, merged next time",
          "[cli][session][journal]") {
    test::TempDir dir;
    const std::string db = dir / "steady.db", csv = dir / "beats.csv", err = dir / "err";
    const pid_t pid = start_record(
        {"--sensor", "sim:calm", "--speed", "20", "--quiet", "--db", db, "--csv", csv}, err);
    REQUIRE(wait_for_text(err, "Ctrl-C stops", 30));
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    sqlite3* holder = nullptr;  // another program takes the write lock and keeps it
    REQUIRE(sqlite3_open(db.c_str(), &holder) == SQLITE_OK);
    sqlite3_busy_timeout(holder, 5000);
    REQUIRE(sqlite3_exec(holder, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
    REQUIRE(wait_for_text(err, "database is locked", 10));
    const auto [status, took_s] = interrupt(pid);
    const std::string said = read_text(err);
    INFO(said);
    CHECK(status == 1);
    CHECK(took_s < 10);
    const std::string journal = db + ".session-1.journal";
    CHECK_THAT(said, Catch::Contains(journal + " keeps them"));
    sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(holder);
    const test::Run next = test::run("sessions --db " + db + " --format json");
    CHECK(next.status == 0);
    CHECK_THAT(next.err, Catch::Contains("from " + journal + " into session 1 (complete)"));
    Database store(db, Database::Open::existing);
    CHECK(differing_beats(store.load(1).beats, csv_beats(csv)) == 0);
}

TEST_CASE("steady --version names the commit, --help says where things are kept", "[cli]") {
    const test::Run v = test::run("--version");
    REQUIRE(v.status == 0);
    CHECK_THAT(v.out, Catch::Matches("steady [0-9]+\\.[0-9]+\\.[0-9]+ \\(commit ([0-9a-f]{7,}|"
                                     "unknown)\\)\n"));
    test::TempDir dir;
    const test::Run h = test::run("--help", "", "XDG_DATA_HOME=" + (dir / "data"));
    REQUIRE(h.status == 0);
    CHECK_THAT(h.out, Catch::StartsWith("Steady: "));
    CHECK_THAT(h.out, Catch::Contains("Usage: steady [OPTIONS]"));
    CHECK_THAT(h.out, Catch::Contains("sessions   " + (dir / "data/steady/steady.db")));
    CHECK_THAT(h.out, Catch::Contains("settings   /nonexistent/steady-test/steady/config.toml"));
    CHECK_FALSE(std::filesystem::exists(dir / "data"));  // help creates nothing
}
