// The incremental (live) path and the sliding windows agree with whole-record analysis.
#include <catch2/catch.hpp>

#include <cmath>

#include "hrv/analysis.h"
#include "hrv/resample.h"
#include "hrv/rolling.h"
#include "hrv/spectrum.h"
#include "hrv/time_domain.h"
#include "support/synthetic.h"

using namespace steady;

TEST_CASE("rolling RMSSD equals RMSSD of the beats in the window at every beat", "[rolling]") {
    const auto rr = test::physiological_rr(1800, 31);
    const auto t = hrv::beat_times_s(rr);
    hrv::RollingHrv rolling;
    std::size_t checked = 0;
    for (std::size_t i = 0; i < rr.size(); ++i) {
        rolling.append(t[i], rr[i]);
        const auto& m = rolling.metrics();
        // Reference: beats with t > now - 60 s.
        std::size_t lo = i;
        while (lo > 0 && t[lo - 1] > t[i] - 60.0) --lo;
        if (i - lo < 1) continue;
        const std::vector<double> window(rr.begin() + long(lo), rr.begin() + long(i) + 1);
        REQUIRE(m.rmssd_long_ms);
        REQUIRE(*m.rmssd_long_ms == Approx(hrv::rmssd_ms(window)).epsilon(1e-9));
        REQUIRE(*m.mean_rr_long_ms == Approx(hrv::mean(window)).epsilon(1e-9));
        ++checked;
    }
    CHECK(checked > 1500);
    CHECK(rolling.buffered() < rr.size());  // history is bounded
}

TEST_CASE("a marked gap keeps successive differences from spanning it", "[rolling]") {
    hrv::RollingHrv rolling;
    double t = 0;
    for (int i = 0; i < 20; ++i) rolling.append(t += 1.0, 1000);
    rolling.mark_gap();
    rolling.append(t += 5.0, 600);  // would add a 400-ms difference without the gap mark
    rolling.append(t += 0.6, 600);
    REQUIRE(rolling.metrics().rmssd_short_ms);
    CHECK(*rolling.metrics().rmssd_short_ms == Approx(0).margin(1e-12));
}

TEST_CASE("live spectral refresh equals the whole-record code on the same beats",
          "[rolling][dsp]") {
    const auto rr = test::physiological_rr(900, 8);
    const auto t = hrv::beat_times_s(rr);
    hrv::RollingHrv rolling;
    for (std::size_t i = 0; i < rr.size(); ++i) rolling.append(t[i], rr[i]);
    const auto live = rolling.refresh_spectrum();
    REQUIRE(live);
    std::vector<double> tt, rrr;
    for (std::size_t i = 0; i < rr.size(); ++i) {
        if (t[i] >= t.back() - 300.0) tt.push_back(t[i]), rrr.push_back(rr[i]);
    }
    hrv::FftPlanCache plans;
    const auto ref = hrv::frequency_domain(tt, rrr, hrv::SpectrumSettings{}, plans);
    CHECK(live->hf_ms2 == Approx(ref.hf_ms2).epsilon(1e-12));
    CHECK(*live->lf_hf == Approx(*ref.lf_hf).epsilon(1e-12));
    const auto coh = rolling.refresh_coherence();
    REQUIRE(coh);
    const auto coh_ref = hrv::coherence_window(t, rr, t.back(), hrv::CoherenceSettings{}, plans);
    CHECK(coh->ratio == Approx(coh_ref->ratio).epsilon(1e-9));
}

TEST_CASE("sliding windows go through the same code as a whole record", "[windows]") {
    const auto rr = test::physiological_rr(1200, 17);
    hrv::Analyzer a;
    std::size_t calls = 0;
    const auto windows =
        a.analyze_windows(rr, {}, 300, 60, [&](std::size_t, std::size_t) { ++calls; });
    const auto t = hrv::beat_times_s(rr);
    REQUIRE(windows.size() == static_cast<std::size_t>(std::floor((t.back() - 300) / 60)) + 1);
    CHECK(calls == windows.size());
    const auto& w = windows[3];
    CHECK(w.start_s == Approx(180));
    std::vector<double> slice;
    for (std::size_t i = 0; i < rr.size(); ++i) {
        if (t[i] > w.start_s && t[i] <= w.end_s) slice.push_back(rr[i]);
    }
    hrv::Analyzer b;
    const auto whole = b.analyze(slice);
    REQUIRE(w.result.time);
    CHECK(w.result.beats == slice.size());
    CHECK(w.result.time->rmssd_ms == Approx(whole.time->rmssd_ms).epsilon(1e-12));
    CHECK(*w.result.nonlinear.sd1_ms == Approx(*whole.nonlinear.sd1_ms).epsilon(1e-12));
    // Spectra: same beats, same settings; beat times differ only by an offset.
    CHECK(w.result.frequency->hf_ms2 == Approx(whole.frequency->hf_ms2).epsilon(1e-6));
}
