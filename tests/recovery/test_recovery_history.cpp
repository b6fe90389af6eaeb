// Recovery across weeks, end to end through the command line: twelve weekly recordings whose
// true recovery shrinks are imported; every episode's onset and t50, and the trend, come out as
// made. Import refuses the same file twice; triggers and progress keep their JSON contract.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <numbers>
#include <sstream>

#include "drivers/sim/model.h"
#include "support/cli_run.h"

using namespace steady;
using json = nlohmann::json;

namespace {

// A 30-minute recording, one trigger at 600 s with recovery time constant tau, written as one RR
// value (ms) per line.
void write_week(const std::string& path, double tau, std::uint64_t seed) {
    sim::Scenario s;
    s.params.seed = seed;
    s.params.drift_bpm = 0;  // the method's accuracy, not the person's slow wander
    s.params.vlf_bpm = 0.5;
    s.triggers.push_back({600, 24, 15, tau, 0.7, 0.3});
    sim::Model m(s);
    std::ofstream out(path);
    for (sim::TrueBeat b = m.next(); b.t_s < 1800; b = m.next()) out << b.rr_ms << "\n";
}

}  // namespace

TEST_CASE("twelve weekly imports: onsets, t50 and the trend as made", "[recovery][cli]") {
    test::TempDir dir;
    const std::string db = " --db " + (dir / "s.db");
    constexpr int kWeeks = 12;
    std::vector<double> taus;
    for (int w = 0; w < kWeeks; ++w) {
        // The time constant shrinks geometrically from 240 s to 45 s over the 11 weeks.
        const double tau = 240 * std::pow(45.0 / 240.0, w / double(kWeeks - 1));
        taus.push_back(tau);
        const std::string file = dir / ("week" + std::to_string(w) + ".txt");
        write_week(file, tau, 100 + static_cast<std::uint64_t>(w));
        // Weeks 0-3 in January, 4-7 in February, 8-11 in March: Mondays at 8:00.
        char at[32];
        const char* month = w < 4 ? "01" : w < 8 ? "02" : "03";
        std::snprintf(at, sizeof at, "2026-%s-%02dT08:00", month, (w < 4 ? 5 : 2) + 7 * (w % 4));
        const test::Run r = test::run("import " + file + " --at " + at + " --format json" + db);
        INFO(r.err);
        REQUIRE(r.status == 0);
        const json j = json::parse(r.out);
        CHECK(j["session"] == w + 1);
        CHECK(j["episodes"] == 1);
    }
    const test::Run tr = test::run("triggers --format json" + db);
    REQUIRE(tr.status == 0);
    const json eps = json::parse(tr.out);
    REQUIRE(eps.size() == kWeeks);
    for (int w = 0; w < kWeeks; ++w) {
        const json& e = eps[static_cast<std::size_t>(w)];
        INFO("week " << w << ": " << e.dump());
        CHECK(e["session"] == w + 1);
        CHECK(e["source"] == "detected");
        CHECK(e["onset_s"].get<double>() == Approx(600).margin(15));
        for (const char* k : {"session_started_at", "baseline_hr_bpm", "peak_hr_bpm", "peak_s",
                              "rise_bpm", "hr_recovery", "hr_recovery_reason", "rmssd_recovery",
                              "back_to_baseline_s", "censored", "journal"})
            CHECK(e.contains(k));
        REQUIRE(e["hr_recovery"].is_object());
        CHECK(e["hr_recovery"]["t50_s"].get<double>() ==
              Approx(taus[static_cast<std::size_t>(w)] * std::numbers::ln2).epsilon(0.20));
        CHECK(e["hr_recovery"]["model"] == "exponential");
    }
    const test::Run pr = test::run("progress --format json" + db);
    REQUIRE(pr.status == 0);
    const json p = json::parse(pr.out);
    INFO(p.dump());
    CHECK(p["sessions"] == kWeeks);
    CHECK(p["episodes"] == kWeeks);
    CHECK(p["from"] == "2026-01-05");
    CHECK(p["to"] == "2026-03-23");
    // Every calendar week from the first to the last, empty ones with zeros.
    CHECK(p["weeks"].size() == 12);
    CHECK(p["weeks"][0]["week_start"] == "2026-01-05");
    REQUIRE(p["recovery_trend"].is_object());
    // Made: t50 falls by 1 - (45/240)^(30/77) per 30 days (the first session to the last is
    // 77 days).
    const double truth = 100 * (std::pow(45.0 / 240.0, 30.0 / 77.0) - 1);
    const double est = p["recovery_trend"]["t50_change_pct_per_30d"];
    CHECK(est == Approx(truth).margin(8));
    CHECK(p["recovery_trend"]["ci95_pct"][0].get<double>() <= truth);
    CHECK(p["recovery_trend"]["ci95_pct"][1].get<double>() >= truth);
    CHECK(p["recovery_trend"]["episodes_used"] == kWeeks);
    // The plain sentence.
    const test::Run text = test::run("progress" + db);
    CHECK_THAT(text.out, Catch::Contains("your half-recovery time fell"));
}

TEST_CASE("import refuses the same file twice and keeps a Steady export's events",
          "[recovery][cli]") {
    test::TempDir dir;
    const std::string db = " --db " + (dir / "s.db");
    write_week(dir / "a.txt", 120, 7);
    REQUIRE(test::run("import " + (dir / "a.txt") + " --at 2026-02-02T09:00" + db).status == 0);
    const test::Run again = test::run("import " + (dir / "a.txt") + db);
    CHECK(again.status == 1);
    CHECK_THAT(again.err, Catch::Contains("already stored as session 1"));
    const test::Run list = test::run("sessions --format json" + db);
    CHECK(json::parse(list.out).size() == 1);
    // A bad file is named with its line; nothing is added.
    std::ofstream(dir / "bad.txt") << "800\n810\nabc\n";
    const test::Run bad = test::run("import " + (dir / "bad.txt") + db);
    CHECK(bad.status == 2);
    CHECK_THAT(bad.err, Catch::Contains("bad.txt: line 3"));
    // A Steady JSON export into another database: beats, flags and events come along.
    REQUIRE(test::run("sessions export 1 --format json -o " + (dir / "s1.json") + db).status == 0);
    const std::string db2 = " --db " + (dir / "other.db");
    const test::Run imp = test::run("import " + (dir / "s1.json") + " --format json" + db2);
    INFO(imp.err);
    REQUIRE(imp.status == 0);
    const test::Run a = test::run("sessions show 1 --format json" + db);
    const test::Run b = test::run("sessions show 1 --format json" + db2);
    const json ja = json::parse(a.out), jb = json::parse(b.out);
    CHECK(ja["summary"] == jb["summary"]);
    CHECK(ja["events"] == jb["events"]);
    CHECK(ja["started_at"] == jb["started_at"]);
}

TEST_CASE("import: a truncated Steady JSON export says so, nothing added", "[recovery][cli]") {
    test::TempDir dir;
    const std::string db = " --db " + (dir / "s.db");
    REQUIRE(test::run("record --sensor sim:calm --duration 60 --speed 600 --quiet" + db).status ==
            0);
    REQUIRE(test::run("sessions export 1 --format json -o " + (dir / "x.json") + db).status == 0);
    std::ifstream in(dir / "x.json");
    std::string text((std::istreambuf_iterator<char>(in)), {});
    std::ofstream(dir / "cut.json") << text.substr(0, text.size() / 2);
    const std::string other = " --db " + (dir / "o.db");
    const test::Run r = test::run("import " + (dir / "cut.json") + other);
    CHECK(r.status == 2);
    CHECK_THAT(r.err, Catch::Contains("cut.json: not a complete Steady JSON export"));
    const test::Run list = test::run("sessions --format json" + other);
    CHECK(json::parse(list.out).empty());
}
