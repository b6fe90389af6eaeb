// The resonance-frequency assessment against a simulated person whose resonance is known: the
// simulator's baroreflex is a damped resonance at [person] resonance_bpm (drivers/sim/model.h).
// The person breathes with the rf-assessment protocol's pacer exactly as in a session (the same
// pacer schedule, lag and compliance), without threads, so every seed is reproducible.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>

#include "drivers/sim/model.h"
#include "pacer/schedule.h"
#include "protocol/protocol.h"
#include "protocol/resonance.h"

using namespace steady;

namespace {

struct Run {
    std::vector<PlacedBeat> beats;
    std::vector<protocol::RfStep> steps;
};

// The protocol's timeline: each paced step's pacer starts at the step's start.
Run simulate_assessment(double resonance_bpm, std::uint64_t seed) {
    const protocol::Protocol& p = []() -> const protocol::Protocol& {
        for (const auto& x : protocol::builtin_protocols())
            if (x.name == "rf-assessment") return x;
        throw std::runtime_error("no rf-assessment");
    }();
    struct Span {
        double from, to;
        pacer::Schedule schedule;
    };
    auto spans = std::make_shared<std::vector<Span>>();
    Run run;
    double t = 0;
    for (const protocol::Step& st : p.steps) {
        if (const auto pat = protocol::step_pattern(st, {}, std::nullopt)) {
            spans->push_back({t, t + st.duration_s, pacer::Schedule(*pat, pat->count_s, t)});
            const double cycle = pat->cycle_s();
            run.steps.push_back({*st.pacer->rate_bpm, t, t + st.duration_s, t, cycle,
                                 cycle * pat->counts[0] / pat->total_counts()});
        }
        t += st.duration_s;
    }
    sim::Scenario sc;
    sc.params.resonance_bpm = resonance_bpm;
    sc.params.seed = seed;
    sim::Model model(sc);
    SessionCues cues;
    cues.scripted = true;
    cues.lung_volume_at = [spans](double at) {
        for (const Span& s : *spans)
            if (at >= s.from && at < s.to) return s.schedule.at(at).volume;
        return -1.0;
    };
    cues.breath_cycle_s_at = [spans](double at) {
        for (const Span& s : *spans)
            if (at >= s.from && at < s.to) return s.schedule.at(at).cycle_s;
        return 0.0;
    };
    model.set_cues(cues);
    for (;;) {
        const sim::TrueBeat b = model.next();
        if (b.t_s > t) break;
        run.beats.push_back({b.t_s, b.rr_ms, 0});
    }
    return run;
}

}  // namespace

TEST_CASE(
    "the simulated baroreflex is a damped resonance: 70 % at 1 breath/min off, in phase at it",
    "[protocol][resonance][sim]") {
    for (const double f0 : {4.5, 5.5, 6.5}) {
        CHECK(sim::Model::resonance_gain(f0, f0) == Approx(1.0));
        CHECK(sim::Model::resonance_gain(f0 + 1, f0) == Approx(0.70).margin(0.05));
        CHECK(sim::Model::resonance_gain(f0 - 1, f0) == Approx(0.70).margin(0.05));
        CHECK(sim::Model::resonance_phase(f0, f0) == Approx(0.0).margin(1e-12));
        CHECK(sim::Model::resonance_phase(f0 - 0.5, f0) > 0);  // slower: the heart leads
        CHECK(sim::Model::resonance_phase(f0 + 0.5, f0) < 0);
    }
    // Resting breathing at 12/min sits far down the curve: resonance swings 4-5x larger
    // (hrv-methods.md s.5: 4-10x in people).
    const double ratio = 1 / sim::Model::resonance_gain(12, 5.5);
    CHECK(ratio > 4);
    CHECK(ratio < 10);
}

TEST_CASE("one rate's criteria follow the resonance: largest swing and LF power at it",
          "[protocol][resonance]") {
    const Run run = simulate_assessment(5.5, 3);
    std::map<double, RfRate> by_rate;
    for (const protocol::RfStep& s : run.steps)
        by_rate[s.bpm] = protocol::rate_criteria(run.beats, s);
    REQUIRE(by_rate.size() == 5);
    for (const auto& [bpm, r] : by_rate) {
        REQUIRE(r.phase_deg);
        REQUIRE(r.peak_trough_bpm);
        REQUIRE(r.lf_ms2);
        REQUIRE(r.smoothness);
        CHECK(*r.smoothness > 0);
        CHECK(*r.smoothness <= 1.0);
        REQUIRE(r.lf_peaks);
        CHECK(*r.lf_peaks >= 1);
    }
    CHECK(*by_rate[5.5].peak_trough_bpm > *by_rate[6.5].peak_trough_bpm);
    CHECK(*by_rate[5.5].peak_trough_bpm > *by_rate[4.5].peak_trough_bpm);
    CHECK(*by_rate[5.5].lf_ms2 > *by_rate[6.5].lf_ms2);
    CHECK(*by_rate[5.5].lf_ms2 > *by_rate[4.5].lf_ms2);
    // Phase falls with the rate: the heart leads below the resonance and lags above it.
    CHECK(*by_rate[4.5].phase_deg > *by_rate[5.5].phase_deg);
    CHECK(*by_rate[5.5].phase_deg > *by_rate[6.5].phase_deg);
}

TEST_CASE(
    "the assessment finds the simulated resonance: 18 of 20 seeds exactly, none more "
    "than 0.5 breaths/min away",
    "[protocol][resonance]") {
    for (const double f0 : {4.5, 5.0, 5.5, 6.0, 6.5}) {
        int exact = 0;
        double worst = 0;
        for (std::uint64_t seed = 1; seed <= 20; ++seed) {
            const Run run = simulate_assessment(f0, seed);
            const RfResultEvent r = protocol::assess_resonance(run.beats, run.steps);
            REQUIRE(r.suggested_bpm);
            REQUIRE(r.rates.size() == 5);
            if (std::abs(*r.suggested_bpm - f0) < 1e-9) ++exact;
            worst = std::max(worst, std::abs(*r.suggested_bpm - f0));
        }
        INFO("resonance " << f0 << ": exact for " << exact << " of 20 seeds, worst off by "
                          << worst);
        CHECK(exact >= 18);
        CHECK(worst <= 0.5 + 1e-9);
    }
}
