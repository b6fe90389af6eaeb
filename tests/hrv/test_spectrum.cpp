// Analytic checks of the spectral pipeline: sinusoidal tachograms of known power (amplitude A
// gives A^2/2 ms^2), exact spline reproduction of cubics, detrending, FFT plan reuse.
#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>
#include <random>

#include "hrv/analysis.h"
#include "hrv/detrend.h"
#include "hrv/resample.h"
#include "hrv/spectrum.h"
#include "support/synthetic.h"

using namespace steady;
using steady::test::Tone;

namespace {
hrv::FrequencyDomain spectrum_of(const std::vector<double>& rr,
                                 hrv::Detrend d = hrv::Detrend::none) {
    hrv::SpectrumSettings s;
    s.detrend = d;
    hrv::FftPlanCache plans;
    const auto t = hrv::beat_times_s(rr);
    return hrv::frequency_domain(t, rr, s, plans);
}
}  // namespace

TEST_CASE("a sinusoidal tachogram puts A^2/2 in its band at its frequency", "[dsp][analytic]") {
    struct Row {
        double f_hz, a_ms;
    };
    for (Row row : {Row{0.1, 40.0}, Row{0.25, 25.0}, Row{0.02, 30.0}}) {
        INFO("f = " << row.f_hz << " Hz, A = " << row.a_ms << " ms");
        // 600-ms beats: even the HF tone has 6-7 beats per cycle, so the spline follows it. (At
        // 4 beats per cycle cubic interpolation itself loses ~3 %, in Kubios as here.)
        const auto rr = test::tone_tachogram(600, {{row.f_hz, row.a_ms}}, 900);
        const auto f = spectrum_of(rr);
        const double expected = row.a_ms * row.a_ms / 2;
        const double band = row.f_hz < 0.04 ? f.vlf_ms2 : row.f_hz < 0.15 ? f.lf_ms2 : f.hf_ms2;
        const double peak = row.f_hz < 0.04   ? f.vlf_peak_hz
                            : row.f_hz < 0.15 ? f.lf_peak_hz
                                              : f.hf_peak_hz;
        CHECK(band == Approx(expected).epsilon(0.02));         // 2 %: spline + window leakage
        CHECK(f.total_ms2 == Approx(expected).epsilon(0.03));  // nothing elsewhere
        CHECK(peak == Approx(row.f_hz).margin(1.0 / 300 + 1e-9));
    }
}

TEST_CASE("two tones: LF/HF equals the ratio of their powers", "[dsp][analytic]") {
    const auto rr = test::tone_tachogram(600, {{0.1, 30}, {0.3, 15}}, 900);
    const auto f = spectrum_of(rr);
    CHECK(f.lf_ms2 == Approx(450).epsilon(0.03));
    CHECK(f.hf_ms2 == Approx(112.5).epsilon(0.03));
    REQUIRE(f.lf_hf);
    CHECK(*f.lf_hf == Approx(4.0).epsilon(0.05));
    CHECK(f.lf_nu == Approx(80).margin(1.0));
}

TEST_CASE("constant RR has no spectral power and no LF/HF", "[dsp][analytic]") {
    const std::vector<double> rr(600, 1000.0);
    const auto f = spectrum_of(rr);
    CHECK(f.total_ms2 == Approx(0).margin(1e-9));
    CHECK_FALSE(f.lf_hf);
}

TEST_CASE("not-a-knot spline reproduces a cubic polynomial exactly", "[dsp]") {
    std::vector<double> t, y;
    double x = 0.3;
    for (int i = 0; i < 40; ++i) {
        x += 0.6 + 0.3 * std::sin(i);  // uneven knots, like beats
        t.push_back(x);
        y.push_back(2 + 0.5 * x - 0.1 * x * x + 0.01 * x * x * x);
    }
    const auto out = hrv::resample_uniform(t, y, 4.0, hrv::Interpolation::cubic);
    REQUIRE(out.size() == static_cast<std::size_t>(std::ceil((t.back() - t.front()) * 4 - 1e-9)));
    for (std::size_t k = 0; k < out.size(); ++k) {
        const double xx = t.front() + static_cast<double>(k) / 4;
        REQUIRE(out[k] == Approx(2 + 0.5 * xx - 0.1 * xx * xx + 0.01 * xx * xx * xx).margin(1e-9));
    }
    const auto lin = hrv::resample_uniform(t, y, 4.0, hrv::Interpolation::linear);
    CHECK(lin.size() == out.size());
}

TEST_CASE("smoothness priors removes a slow trend and keeps respiratory variation", "[dsp]") {
    const double fs = 4;
    std::vector<double> x(2400);
    for (std::size_t k = 0; k < x.size(); ++k) {
        const double t = static_cast<double>(k) / fs;
        x[k] = 900 + 0.2 * t + 20 * std::sin(2 * std::numbers::pi * 0.25 * t);
    }
    hrv::detrend(x, hrv::Detrend::smoothness_priors, 500);
    double ss = 0;
    for (std::size_t k = 200; k < x.size() - 200; ++k) {
        const double t = static_cast<double>(k) / fs;
        const double e = x[k] - 20 * std::sin(2 * std::numbers::pi * 0.25 * t);
        ss += e * e;
    }
    const double rms_error = std::sqrt(ss / static_cast<double>(x.size() - 400));
    CHECK(rms_error < 0.5);  // of a 20-ms oscillation riding on a 480-ms ramp
}

TEST_CASE("smoothness priors with lambda 500 cuts VLF far more than LF", "[dsp]") {
    const auto rr = test::tone_tachogram(1000, {{0.01, 40}, {0.1, 20}}, 1200);
    const auto none = spectrum_of(rr, hrv::Detrend::none);
    const auto sp = spectrum_of(rr, hrv::Detrend::smoothness_priors);
    CHECK(sp.vlf_ms2 < 0.1 * none.vlf_ms2);
    CHECK(sp.lf_ms2 == Approx(none.lf_ms2).epsilon(0.15));
}

TEST_CASE("FFT plans are made once per length and reused", "[dsp]") {
    hrv::Analyzer a;
    const auto rr = test::physiological_rr(700);
    a.analyze(rr);
    hrv::FftPlanCache plans;
    std::vector<double> x(1200, 1.0), p(601);
    plans.power_spectrum(x, 1200, p);
    plans.power_spectrum(x, 1200, p);
    CHECK(plans.plans() == 1);
    CHECK(p[0] == Approx(1200.0 * 1200.0).epsilon(1e-6));  // DC of a constant
}

TEST_CASE("a record shorter than one segment is one zero-padded segment", "[dsp]") {
    const auto rr = test::tone_tachogram(1000, {{0.2, 30}}, 150);
    const auto f = spectrum_of(rr);
    CHECK(f.spectrum.segments == 1);
    CHECK(f.spectrum.df_hz == Approx(1.0 / 300));
    CHECK(f.hf_ms2 == Approx(450).epsilon(0.05));
}

TEST_CASE("the smoothness-priors trend solves (I + lambda^2 D2'D2) trend = z", "[dsp]") {
    // Checked through the residual of the system itself, for short series and for a long one
    // whose Cholesky rows converge and are reused through the interior.
    for (const std::size_t n : {3u, 4u, 7u, 400u, 200000u}) {
        INFO(n << " samples");
        std::mt19937 rng(static_cast<unsigned>(n));
        std::normal_distribution<double> d(0, 50);
        std::vector<double> z(n);
        double level = 900;
        for (double& v : z) v = (level += d(rng) * 0.1) + d(rng);
        for (const double lambda : {10.0, 500.0}) {
            const auto t = hrv::smoothness_priors_trend(z, lambda);
            // (D2 t)_k = t_k - 2 t_{k+1} + t_{k+2}, k < n - 2; residual = t + l2 D2'(D2 t) - z.
            std::vector<double> d2(n - 2);
            for (std::size_t k = 0; k + 2 < n; ++k) d2[k] = t[k] - 2 * t[k + 1] + t[k + 2];
            double worst = 0, scale = 0;
            for (std::size_t i = 0; i < n; ++i) {
                double dt = 0;  // (D2' d2)_i
                for (std::size_t k = i >= 2 ? i - 2 : 0; k <= i && k + 2 < n; ++k)
                    dt += d2[k] * (k == i ? 1.0 : k + 1 == i ? -2.0 : 1.0);
                worst = std::max(worst, std::abs(t[i] + lambda * lambda * dt - z[i]));
                scale = std::max(scale, std::abs(z[i]));
            }
            CHECK(worst < 1e-12 * scale * lambda * lambda);
        }
    }
}
