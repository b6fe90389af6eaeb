// The simulator: deterministic, physiologically shaped, and its scenario files checked.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>

#include "drivers/sim/model.h"
#include "support/cli_run.h"

using namespace steady;

namespace {
std::vector<sim::TrueBeat> beats(const sim::Scenario& s, double duration_s) {
    sim::Model m(s);
    std::vector<sim::TrueBeat> out;
    while (out.empty() || out.back().t_s < duration_s) out.push_back(m.next());
    return out;
}
}  // namespace

TEST_CASE("sim: same seed same beats, another seed other beats", "[driver][sim]") {
    sim::Scenario s = sim::load_scenario("calm");
    const auto a = beats(s, 300), b = beats(s, 300);
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) CHECK(a[i].rr_ms == b[i].rr_ms);
    s.params.seed = 2;
    const auto c = beats(s, 300);
    CHECK(c[10].rr_ms != a[10].rr_ms);
}

TEST_CASE("sim: mean heart rate and a trigger's rise as configured", "[driver][sim]") {
    sim::Scenario s = sim::load_scenario("trigger-recovery");
    // Without the slow wander (VLF and drift), which a 15-s window does not average out.
    s.params.vlf_bpm = 0;
    s.params.drift_bpm = 0;
    const auto v = beats(s, 1800);
    const auto mean_hr = [&](double from, double to) {
        double sum = 0;
        int n = 0;
        for (const auto& b : v)
            if (b.t_s > from && b.t_s <= to) sum += b.rr_ms, ++n;
        return 60000.0 * n / sum;
    };
    CHECK(mean_hr(0, 600) == Approx(s.params.hr_bpm).margin(2));
    // Peak of the response (onset 15 s): +25 bpm falling with tau 120 s, so 25 x the mean of
    // exp(-t/120) over the next 15 s = 23.5 bpm; back within 1 bpm-ish after 5 tau.
    CHECK(mean_hr(615, 630) - mean_hr(0, 600) == Approx(23.5).margin(2));
    CHECK(mean_hr(1300, 1800) == Approx(s.params.hr_bpm).margin(2));
}

TEST_CASE("sim: artifacts arrive at the configured rates", "[driver][sim]") {
    sim::Scenario s = sim::load_scenario("noisy");
    s.params.dropouts_per_hour = 0;
    sim::Model m(s);
    sim::Artifacts a(s.params);
    std::vector<BeatEvent> out;
    std::size_t truth = 0;
    double t = 0;
    while (t < 3600) {
        const auto b = m.next();
        t = b.t_s;
        ++truth;
        a.deliver(b, out);
    }
    // A missed beat merges two intervals (30/h); an ectopic beat keeps the count but delivers a
    // short interval, then a long one (60/h).
    const double extra = static_cast<double>(out.size()) - static_cast<double>(truth);
    CHECK(extra == Approx(-30).margin(15));
    std::size_t short_ones = 0;
    for (const auto& e : out) short_ones += e.rr_ms < 0.72 * 60000 / s.params.hr_bpm;
    CHECK(static_cast<double>(short_ones) == Approx(60).margin(20));
    // Delivered intervals still add up to the true time (nothing invented, nothing lost).
    double sum_s = 0;
    for (const auto& e : out) sum_s += e.rr_ms / 1000;
    CHECK(sum_s == Approx(out.back().arrival_s).margin(2.0));
}

TEST_CASE("sim: 4-7-8 lung volume curve", "[driver][sim]") {
    const sim::BreathPattern p;  // 4-7-8
    CHECK(p.cycle_s() == 19);
    CHECK(p.rate_bpm() == Approx(60.0 / 19));
    CHECK(p.volume(0) == Approx(0));
    CHECK(p.volume(2) == Approx(0.5));
    CHECK(p.volume(4) == Approx(1));
    CHECK(p.volume(10) == Approx(1));  // hold
    CHECK(p.volume(15) == Approx(0.5));
    CHECK(p.volume(19) == Approx(0).margin(1e-12));
}

TEST_CASE("sim: scenario files parse, and every mistake names its key and line", "[driver][sim]") {
    const auto s = sim::parse_scenario_toml(R"(
name = "commute"
duration_s = 900
[person]
hr_bpm = 72
seed = 9
[[trigger]]
at_s = 300
rise_bpm = 18
tau_s = 60
[[pacing]]
from_s = 500
inhale_s = 5
hold_s = 0
exhale_s = 5
)",
                                            "t.toml");
    CHECK(s.name == "commute");
    CHECK(s.duration_s == 900.0);
    CHECK(s.params.hr_bpm == 72);
    CHECK(s.params.seed == 9);
    REQUIRE(s.triggers.size() == 1);
    CHECK(s.triggers[0].tau_s == 60);
    REQUIRE(s.pacing.size() == 1);
    CHECK(s.pacing[0].pattern.rate_bpm() == Approx(6));

    const auto fails = [](const std::string& text) {
        try {
            sim::parse_scenario_toml(text, "bad.toml");
        } catch (const SensorError& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    CHECK_THAT(fails("[person]\nheart = 60\n"),
               Catch::Contains("person.heart (line 2)") && Catch::Contains("unknown key"));
    CHECK_THAT(fails("[person]\nhr_bpm = \"fast\"\n"), Catch::Contains("not a number"));
    CHECK_THAT(fails("[[trigger]]\nrise_bpm = 10\n"),
               Catch::Contains("trigger[0].at_s") && Catch::Contains("required"));
    CHECK_THAT(fails("[[pacing]]\nfrom_s = 10\nto_s = 5\n"),
               Catch::Contains("must be after from_s"));
    CHECK_THAT(fails("name = \n"), Catch::Contains("bad.toml: line 1"));
    CHECK_THAT(fails("[person]\ncompliance = 1.5\n"), Catch::Contains("outside"));
    // Types are strict, and numbers print plainly (not -60.000000).
    CHECK(fails("[person]\nhr_bpm = -60\n") ==
          "scenario bad.toml: person.hr_bpm (line 2): is -60, outside 30..200");
    CHECK_THAT(fails("name = 5\n"),
               Catch::Contains("name (line 1)") && Catch::Contains("must be a string"));
    CHECK_THAT(fails("[person]\nseed = 1.5\n"),
               Catch::Contains("person.seed (line 2)") && Catch::Contains("whole number"));
    CHECK_THAT(fails("[person]\nresonance_bpm = 8\n"), Catch::Contains("is 8, outside 4..7"));
    // A 1 MB key is cut in the message.
    const std::string huge(1 << 20, 'k');
    const std::string msg = fails("[person]\n" + huge + " = 1\n");
    CHECK(msg.size() < 400);
    CHECK_THAT(msg, Catch::Contains("(1048576 characters)"));
}

TEST_CASE("sim: a bad scenario file stops record with exit status 2", "[driver][sim][cli]") {
    test::TempDir dir;
    std::ofstream(dir / "bad.toml") << "[person]\nseed = 1.5\n";
    const test::Run r = test::run("record --sensor sim:" + (dir / "bad.toml") +
                                  " --duration 5 --db " + (dir / "s.db"));
    CHECK(r.status == 2);
    CHECK(r.err.find("person.seed (line 2)") != std::string::npos);
    const test::Run unknown =
        test::run("record --sensor warp:9 --duration 5 --db " + (dir / "s.db"));
    CHECK(unknown.status == 2);
}
