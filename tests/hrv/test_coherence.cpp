// Coherence (HeartMath method) and respiration rate from the RSA peak.
#include <catch2/catch.hpp>

#include "hrv/analysis.h"
#include "hrv/coherence.h"
#include "hrv/resample.h"
#include "support/synthetic.h"

using namespace steady;

namespace {
std::optional<hrv::CoherenceWindow> last_window(const std::vector<double>& rr) {
    const auto t = hrv::beat_times_s(rr);
    hrv::FftPlanCache plans;
    return hrv::coherence_window(t, rr, t.back(), hrv::CoherenceSettings{}, plans);
}
}  // namespace

TEST_CASE("a pure 0.1 Hz rhythm is highly coherent with its peak there", "[coherence]") {
    const auto rr = test::tone_tachogram(900, {{0.1, 40}}, 200);
    const auto w = last_window(rr);
    REQUIRE(w);
    CHECK(w->ratio > 5.0);
    CHECK(w->peak_hz == Approx(0.1).margin(1.0 / 64));
    CHECK(w->score > 8.0);
}

TEST_CASE("an irregular rhythm has low coherence", "[coherence]") {
    const auto rr = test::tone_tachogram(900, {}, 400, 30, 5);  // white beat-to-beat noise
    hrv::Analyzer a;
    const auto r = a.analyze(rr);
    REQUIRE(r.coherence);
    CHECK(r.coherence->ratio_mean < 0.5);
    CHECK(r.coherence->windows == static_cast<std::size_t>((r.duration_s - 64) / 5) + 1);
}

TEST_CASE("coherence score: documented anchors, monotone, 0 to 16", "[coherence]") {
    CHECK(hrv::coherence_score(0) == 0);
    CHECK(hrv::coherence_score(0.5) == Approx(4));
    CHECK(hrv::coherence_score(1.8) == Approx(8));
    CHECK(hrv::coherence_score(10) == Approx(16));
    CHECK(hrv::coherence_score(100) == 16);
    double prev = -1;
    for (double r = 0; r < 12; r += 0.05) {
        CHECK(hrv::coherence_score(r) >= prev);
        prev = hrv::coherence_score(r);
    }
}

TEST_CASE("breathing rate from the RSA peak across 3-30 breaths/min", "[coherence][respiration]") {
    // 4-7-8 at one second per count: a 19-s cycle, 3.16 breaths/min.
    for (double bpm : {60.0 / 19.0, 6.0, 12.0, 24.0}) {
        INFO(bpm << " breaths/min");
        const auto rr = test::tone_tachogram(850, {{bpm / 60.0, 40}}, 600, 8, 3);
        hrv::Analyzer a;
        const auto r = a.analyze(rr);
        REQUIRE(r.respiration_rate_bpm);
        CHECK(*r.respiration_rate_bpm == Approx(bpm).margin(0.5));
    }
}
