// The adaptive pacer inside a session: `steady record` runs it and reports it, and its tempo
// answers a simulated trigger. Also the settings file's [pacer] section.
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "app/config.h"
#include "support/cli_run.h"

using namespace steady;
using nlohmann::json;

TEST_CASE(
    "a trigger-recovery session: the count shortens while arousal is high and lengthens "
    "again as it recovers",
    "[pacer][e2e]") {
    test::TempDir dir;
    const test::Run r = test::run(
        "record --sensor sim:trigger-recovery --duration 1500 --speed 600 --db " + (dir / "s.db"));
    INFO(r.err);
    REQUIRE(r.status == 0);
    std::vector<json> seconds, changes;
    std::optional<double> trigger_s, recovered_s;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) {
        const json j = json::parse(line);
        if (!j.contains("event")) {
            seconds.push_back(j);
        } else if (j["event"] == "pacer" && j["reason"] != "start") {
            changes.push_back(j);
        } else if (j["event"] == "trigger" && !trigger_s) {
            trigger_s = j["t_s"].get<double>();
        } else if (j["event"] == "recovered") {
            recovered_s = j["t_s"].get<double>();
        }
    }
    REQUIRE(seconds.size() == 1500);
    REQUIRE(trigger_s);
    REQUIRE(recovered_s);
    // Every second carries the pacer as the issue names it.
    for (const json& s : seconds) {
        const json& p = s.at("pacer");
        REQUIRE(p.at("pattern") == "4-7-8");
        const double count = p.at("count_s"), cycle = p.at("cycle_s");
        // Both are printed to 0.001 s, so the product may differ by 19 half-milliseconds.
        CHECK(cycle == Approx(19 * count).margin(19 * 0.0005 + 0.0005));
        CHECK(count >= 0.55 - 1e-9);
        CHECK(count <= 1.0 + 1e-9);
        CHECK(p.at("phase_progress").get<double>() >= 0);
        CHECK(p.at("phase_progress").get<double>() <= 1);
        const std::string phase = p.at("phase");
        CHECK((phase == "inhale" || phase == "hold" || phase == "exhale"));
    }
    const auto count_at = [&](double t) {
        return seconds.at(std::size_t(t) - 1)["pacer"]["count_s"].get<double>();
    };
    const double before = count_at(*trigger_s);
    double shortest = before;
    double shortest_at = *trigger_s;
    for (double t = *trigger_s; t < *trigger_s + 200; t += 1)
        if (count_at(t) < shortest) shortest = count_at(t), shortest_at = t;
    INFO("count before " << before << ", shortest " << shortest << " at " << shortest_at);
    CHECK(shortest < before * 0.8);          // it shortened while arousal was high...
    CHECK(count_at(1500) > shortest * 1.2);  // ...and lengthened again on recovery
    // Each change was caused by arousal, at most 10 % of the count, and recorded with it.
    for (const json& ch : changes) {
        CHECK(ch["reason"] == "arousal");
        const double from = ch["from_count_s"], to = ch["count_s"];
        CHECK(std::abs(to - from) <= 0.1 * from + 0.001);  // printed to 0.001 s
        CHECK(ch["effective_s"].get<double>() >= ch["t_s"].get<double>());
        CHECK(ch.contains("arousal"));
    }
    // The changes are in the store as events.
    const test::Run ev = test::run("sessions export 1 --format json --db " + (dir / "s.db"));
    REQUIRE(ev.status == 0);
    const json exported = json::parse(ev.out);
    std::size_t stored = 0;
    for (const json& e : exported.at("events"))
        if (e.at("kind") == "pacer") ++stored;
    CHECK(stored == changes.size() + 1);  // plus the start
}

TEST_CASE("record --pattern chooses the pattern, an unknown one is refused with the list",
          "[pacer][cli]") {
    test::TempDir dir;
    test::Run r = test::run(
        "record --sensor sim:calm --duration 30 --speed 100 --pattern box "
        "--no-adapt --db " +
        (dir / "s.db"));
    REQUIRE(r.status == 0);
    const std::string last_line = r.out.substr(r.out.rfind('\n', r.out.size() - 2) + 1);
    const json last = json::parse(last_line);
    CHECK(last["pacer"]["pattern"] == "box");
    CHECK(last["pacer"]["cycle_s"].get<double>() == Approx(16));
    r = test::run("record --sensor sim:calm --duration 3 --pattern 4-8-7 --db " + (dir / "s.db"));
    CHECK(r.status == 2);
    CHECK(r.err.find("pattern \"4-8-7\" is not known (known: 4-7-8, resonance, box, equal)") !=
          std::string::npos);
    r = test::run("record --sensor sim:calm --duration 3 --speed 10 --no-pacer --db " +
                  (dir / "s.db"));
    CHECK(json::parse(r.out.substr(0, r.out.find('\n')))["pacer"].is_null());
}

TEST_CASE("settings file: custom patterns and bounds, wrong values named with their line",
          "[pacer][config]") {
    const Config c = parse_config(R"(
[pacer]
pattern = "long-exhale"
fast_count_s = 0.6
slow_count_s = 1.2
adapt = false
[pacer.patterns.long-exhale]
counts = [4, 8]
count_s = 0.9
[window]
volume = 0.25
challenge = 3
)",
                                  "c.toml");
    const pacer::Pattern p = resolve_pattern(*c.pacer.pattern, c.pacer);
    CHECK(p.counts[0] == 4);
    CHECK(p.counts[1] == 0);
    CHECK(p.counts[2] == 8);
    CHECK(p.cycle_s() == Approx(12 * 0.9));
    CHECK(c.pacer.adapt.fast_count_s == 0.6);
    CHECK_FALSE(c.pacer.adapt.enabled);
    CHECK(c.window.challenge == 3);
    // What the window saves reads back the same.
    const Config again = parse_config(config_text(c), "saved.toml");
    CHECK(again.pacer.custom.size() == 1);
    CHECK(again.pacer.custom[0].cycle_s() == Approx(p.cycle_s()));
    CHECK(again.window.volume == 0.25);
    CHECK(again.pacer.adapt.slow_count_s == 1.2);

    const auto error_of = [](const std::string& text) {
        try {
            parse_config(text, "c.toml");
        } catch (const ConfigError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    CHECK(error_of("[pacer]\nfast_count_s = \"fast\"\n") ==
          "c.toml: line 2: pacer.fast_count_s: must be a number");
    CHECK(error_of("[pacer]\nfast_count_s = 0.9\nslow_count_s = 0.6\n") ==
          "c.toml: [pacer]: fast_count_s must not be longer than slow_count_s");
    CHECK(error_of("[pacer]\npattern = \"nope\"\n").find("known: 4-7-8") != std::string::npos);
    CHECK(error_of("[pacer.patterns.x]\ncounts = [0, 4]\n") ==
          "c.toml: [pacer.patterns.x]: inhale and exhale need at least 1 count");
    CHECK(error_of("[window]\nchallenge = 7\n").find("line 2: window.challenge") !=
          std::string::npos);
    CHECK(error_of("[window]\ncolour = 1\n").find("unknown setting") != std::string::npos);
}
