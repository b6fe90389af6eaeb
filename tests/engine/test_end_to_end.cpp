// The whole loop as a user runs it: `steady record` on the simulator at high speed, its JSON
// Lines checked against the scenario's own ground truth (the model's true beats, regenerated
// here from the same scenario and seed).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <sstream>
#include <vector>

#include "drivers/sim/model.h"
#include "engine/engine.h"
#include "support/cli_run.h"

using namespace steady;

namespace {

struct Lines {
    std::vector<nlohmann::json> seconds;  // index k-1 holds second k
    std::vector<nlohmann::json> events;
};

Lines parse_lines(const std::string& out) {
    Lines l;
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line)) {
        auto j = nlohmann::json::parse(line);
        if (j.contains("event"))
            l.events.push_back(j);
        else
            l.seconds.push_back(j);
    }
    return l;
}

// Ground truth over the same windows the engine reports: HR over (k-30, k], RMSSD over
// (k-60, k], breathing rate averaged over (k-300, k].
struct Truth {
    std::vector<sim::TrueBeat> beats;
    double hr(double k) const {
        double sum = 0;
        int n = 0;
        for (const auto& b : beats)
            if (b.t_s > k - 30 && b.t_s <= k) sum += b.rr_ms, ++n;
        return 60000.0 * n / sum;
    }
    double rmssd(double k) const {
        double sq = 0, prev = -1;
        int n = 0;
        for (const auto& b : beats) {
            if (b.t_s <= k - 60 || b.t_s > k) continue;
            if (prev > 0) sq += (b.rr_ms - prev) * (b.rr_ms - prev), ++n;
            prev = b.rr_ms;
        }
        return std::sqrt(sq / n);
    }
    double breathing(double k) const {
        double sum = 0;
        int n = 0;
        for (const auto& b : beats)
            if (b.t_s > k - 300 && b.t_s <= k) sum += b.breathing_bpm, ++n;
        return sum / n;
    }
};

Truth truth_for(const std::string& scenario, double duration_s) {
    sim::Model model(sim::load_scenario(scenario));
    Truth t;
    while (t.beats.empty() || t.beats.back().t_s < duration_s) t.beats.push_back(model.next());
    return t;
}

}  // namespace

TEST_CASE("30-minute trigger-recovery session matches the scenario's ground truth",
          "[engine][e2e]") {
    test::TempDir dir;
    const test::Run r = test::run(
        "record --sensor sim:trigger-recovery --duration 1800 --speed 600 --no-pacer"
        " --db " +
        (dir / "steady.db"));
    INFO(r.err);
    REQUIRE(r.status == 0);
    const Lines l = parse_lines(r.out);
    REQUIRE(l.seconds.size() == 1800);
    for (std::size_t k = 0; k < l.seconds.size(); ++k)
        REQUIRE(l.seconds[k]["t_s"].get<double>() == static_cast<double>(k + 1));
    const Truth truth = truth_for("trigger-recovery", 1800);

    // Phases: rest (baseline done), the response to the trigger at 600 s, recovered.
    struct Phase {
        const char* name;
        int from, to;
        bool breathing_checked;
    };
    for (const Phase& p : {Phase{"rest", 180, 600, true}, Phase{"response", 630, 780, false},
                           Phase{"recovered", 1400, 1800, true}}) {
        double hr = 0, hr_true = 0, rmssd = 0, rmssd_true = 0, resp = 0, resp_true = 0;
        for (int k = p.from; k <= p.to; ++k) {
            const auto& s = l.seconds[static_cast<std::size_t>(k - 1)];
            hr += s["hr_bpm"].get<double>(), hr_true += truth.hr(k);
            rmssd += s["rmssd_ms"].get<double>(), rmssd_true += truth.rmssd(k);
            resp += s["resp_rate_bpm"].get<double>(), resp_true += truth.breathing(k);
        }
        const double n = p.to - p.from + 1;
        INFO(p.name << ": HR " << hr / n << " vs " << hr_true / n << ", RMSSD " << rmssd / n
                    << " vs " << rmssd_true / n << ", breathing " << resp / n << " vs "
                    << resp_true / n);
        CHECK(hr / n == Approx(hr_true / n).epsilon(0.05));
        CHECK(rmssd / n == Approx(rmssd_true / n).epsilon(0.05));
        if (p.breathing_checked) CHECK(std::abs(resp - resp_true) / n <= 0.5);
    }
    // The response really happened in the output (not a flat line passing by luck).
    CHECK(l.seconds[699]["hr_bpm"].get<double>() > l.seconds[599]["hr_bpm"].get<double>() + 10);

    int triggers = 0;
    for (const auto& e : l.events) {
        if (e["event"] != "trigger") continue;
        ++triggers;
        CHECK(e["t_s"].get<double>() >= 600);
        CHECK(e["t_s"].get<double>() <= 630);
    }
    CHECK(triggers == 1);
    CHECK(l.seconds[700]["arousal"]["band"] != "calm");
    for (int k = 1500; k <= 1800; ++k)
        CHECK(l.seconds[static_cast<std::size_t>(k - 1)]["arousal"]["band"] == "calm");
    // Lines come in time order: an event at t sits between the lines of floor(t) and the next.
    {
        std::istringstream in(r.out);
        std::string line;
        double last_second = 0;
        while (std::getline(in, line)) {
            const auto j = nlohmann::json::parse(line);
            const double t = j["t_s"].get<double>();
            if (j.contains("event")) {
                INFO(line);
                CHECK(t > last_second - 1e-9);
                CHECK(t <= last_second + 1);
            } else {
                last_second = t;
            }
        }
    }
    // The artifacts the scenario inserts were seen and kept out of the metrics.
    CHECK(l.seconds.back()["artifacts"].get<int>() > 0);
}

TEST_CASE("paced 4-7-8 breathing is read as 3.2 breaths/min", "[engine][e2e]") {
    test::TempDir dir;
    const test::Run r = test::run("record --sensor sim:paced --no-pacer --duration 600 --speed 600 --db " +
                                  (dir / "steady.db"));
    REQUIRE(r.status == 0);
    const Lines l = parse_lines(r.out);
    REQUIRE(l.seconds.size() == 600);
    const double expected = sim::BreathPattern{}.rate_bpm();  // 60 / 19
    for (int k = 450; k <= 600; k += 10) {
        INFO("second " << k);
        CHECK(l.seconds[static_cast<std::size_t>(k - 1)]["resp_rate_bpm"].get<double>() ==
              Approx(expected).margin(0.5));
        CHECK(l.seconds[static_cast<std::size_t>(k - 1)]["arousal"]["band"] == "calm");
    }
}

TEST_CASE("coherence rises when the simulated person follows a pacer at a resonance-like rate",
          "[engine][sim]") {
    // In-process: model -> engine, no threads. Breathing at 6/min (5 s in, 5 s out) against
    // spontaneous breathing at 12/min, same person and seed.
    const auto mean_coherence = [](bool paced) {
        sim::Scenario s = sim::load_scenario("calm");
        if (paced) s.pacing.push_back({0, 1e9, sim::BreathPattern{5, 0, 5, 0}});
        sim::Model model(s);
        Engine engine;
        double sum = 0;
        int n = 0, next = 120;
        for (sim::TrueBeat b = model.next(); b.t_s < 900; b = model.next()) {
            engine.on_beat({b.rr_ms, b.t_s, 0});
            if (b.t_s >= next) {
                sum += engine.current().coherence_ratio.value_or(0);
                ++n;
                next += 5;
            }
        }
        return sum / n;
    };
    const double spontaneous = mean_coherence(false), resonance = mean_coherence(true);
    INFO("coherence ratio: spontaneous " << spontaneous << ", paced at 6/min " << resonance);
    CHECK(resonance > 3 * spontaneous);
    CHECK(resonance > 3.0);  // HeartMath's "high" starts at 1.8 (hrv-methods.md)
}
