// Coherence (HeartMath method) and respiration rate from the RSA peak.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

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

TEST_CASE("whole-record coherence windows from one spline agree with each window's own",
          "[coherence]") {
    // A record's windows all start on one 2-Hz grid, so they share one spline through every
    // beat; live, each window has only its own beats (plus one either side). The two splines
    // differ only near a window's edges, where the Hann window is near zero. Measured on these
    // series: ratio within 1.7 % per window, means within 0.01 %, peaks identical.
    const std::vector<std::vector<double>> records{
        test::physiological_rr(4 * 3600.0, 99, 860),
        test::tone_tachogram(900, {{0.1, 40}}, 3600, 20, 3),  // paced: a strong peak
        test::tone_tachogram(900, {}, 3600, 30, 5),           // irregular
    };
    for (const auto& rr : records) {
        const auto t = hrv::beat_times_s(rr);
        const hrv::CoherenceSettings s;
        hrv::FftPlanCache plans;
        const auto windows = hrv::coherence_windows(t, rr, s, plans);
        // Windows end at first beat + 64 s + k * 5 s, the first one included.
        REQUIRE(windows.size() == static_cast<std::size_t>((t.back() - t.front() - 64) / 5) + 1);
        CHECK(windows.front().end_s == Approx(t.front() + 64));
        double shared = 0, own = 0, worst = 0;
        for (const auto& w : windows) {
            const auto alone = hrv::coherence_window(t, rr, w.end_s, s, plans);
            REQUIRE(alone);
            CHECK(w.window.peak_hz == alone->peak_hz);
            worst = std::max(worst, std::abs(w.window.ratio / alone->ratio - 1));
            shared += w.window.ratio;
            own += alone->ratio;
        }
        INFO("worst window " << 100 * worst << " %");
        CHECK(worst < 0.03);
        CHECK(shared == Approx(own).epsilon(1e-3));
    }
}
