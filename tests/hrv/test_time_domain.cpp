// Time-domain metrics on series whose values can be worked out by hand.
#include <catch2/catch.hpp>

#include <cmath>

#include "hrv/analysis.h"
#include "hrv/time_domain.h"

using namespace steady;

TEST_CASE("hand-computed RMSSD, SDNN, pNN50 and HR", "[time][analytic]") {
    const std::vector<double> rr{800, 810, 790, 800, 860};
    const auto t = hrv::time_domain(rr);
    // diffs 10, -20, 10, 60 -> RMSSD sqrt((100+400+100+3600)/4) = sqrt(1050)
    CHECK(t.rmssd_ms == Approx(std::sqrt(1050.0)));
    CHECK(t.mean_rr_ms == Approx(812));
    // deviations -12 -2 -22 -12 48 -> SS 144+4+484+144+2304 = 3080, / 4
    CHECK(t.sdnn_ms == Approx(std::sqrt(770.0)));
    CHECK(t.nn50 == 1);
    CHECK(t.pnn50_pct == Approx(25));
    CHECK(t.nn20 == 1);  // |60| only: 20 is not > 20
    CHECK(t.mean_hr_bpm == Approx(60000.0 / 812));
    CHECK(t.min_hr_bpm == Approx(60000.0 / 860));
    CHECK(t.max_hr_bpm == Approx(60000.0 / 790));
    // SDSD: SD of diffs 10,-20,10,60 (mean 15) -> SS 25+1225+25+2025 = 3300, / 3
    CHECK(t.sdsd_ms == Approx(std::sqrt(1100.0)));
}

TEST_CASE("constant and alternating RR", "[time][analytic]") {
    const std::vector<double> flat(100, 1000);
    const auto c = hrv::time_domain(flat);
    CHECK(c.sdnn_ms == 0);
    CHECK(c.rmssd_ms == 0);
    CHECK(c.mean_hr_bpm == Approx(60));
    CHECK(c.triangular_index == Approx(1));  // every beat in one bin

    std::vector<double> alt;
    for (int i = 0; i < 100; ++i) alt.push_back(i % 2 ? 900 : 800);
    const auto a = hrv::time_domain(alt);
    CHECK(a.rmssd_ms == Approx(100));
    CHECK(a.pnn50_pct == Approx(100));
    CHECK(a.sdnn_ms == Approx(50 * std::sqrt(100.0 / 99.0)));
    CHECK(a.triangular_index == Approx(2));
}

TEST_CASE("too short a record says what each metric needs", "[time]") {
    hrv::Analyzer a;
    const std::vector<double> two{800, 810};
    const auto r = a.analyze(two);
    CHECK_FALSE(r.time);
    CHECK_FALSE(r.frequency);
    bool said = false;
    for (const auto& w : r.warnings)
        said |= w.find("time domain needs at least 3 beats") != std::string::npos;
    CHECK(said);
}
