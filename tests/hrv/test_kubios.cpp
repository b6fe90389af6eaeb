// Agreement with Kubios HRV Premium 3.1 on two real 1-hour recordings, using the settings of the
// exports (detrending none, 4 Hz cubic, 300-s Welch with 50 % overlap, no artifact correction).
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "hrv/analysis.h"
#include "io/rr_file.h"
#include "support/kubios_export.h"

using namespace steady;

namespace {

// |a - b| within half a unit of the 4th significant digit of b.
bool four_significant(double a, double b) {
    const double unit = std::pow(10.0, std::floor(std::log10(std::abs(b))) - 3);
    return std::abs(a - b) <= 0.5 * unit;
}

struct Case {
    std::string series;
    hrv::AnalysisResult result;
    test::KubiosExport kubios;
};

Case analyse(const std::string& n) {
    const std::string dir = STEADY_TEST_DATA;
    auto rec = io::read_rr_file(dir + "/series_" + n + "_rr_ms.txt");
    hrv::AnalysisSettings s;
    s.spectrum.detrend = hrv::Detrend::none;  // as in the exports' settings block
    hrv::Analyzer a(s);
    return {n, a.analyze(rec.rr_ms),
            test::read_kubios_export(dir + "/series_" + n + "_kubios_hrv.txt")};
}

}  // namespace

TEST_CASE("time domain and Poincare agree with Kubios to 4 significant digits", "[kubios][time]") {
    for (const std::string n : {"1", "2"}) {
        const Case c = analyse(n);
        INFO("series_" << n);
        REQUIRE(c.result.time);
        const hrv::TimeDomain& t = *c.result.time;
        const auto& k = c.kubios;
        CHECK(four_significant(t.mean_rr_ms, k.at("Mean RR  (ms)")));
        CHECK(four_significant(t.sdnn_ms, k.at("STD RR (ms)")));
        CHECK(four_significant(t.mean_hr_bpm, k.at("Mean HR (beats/min)")));
        CHECK(four_significant(t.min_hr_bpm, k.at("Min HR (beats/min)")));
        CHECK(four_significant(t.max_hr_bpm, k.at("Max HR (beats/min)")));
        CHECK(four_significant(t.rmssd_ms, k.at("RMSSD (ms)")));
        CHECK(static_cast<double>(t.nn50) == k.at("NNxx (beats)"));
        CHECK(four_significant(t.pnn50_pct, k.at("pNNxx (%)")));
        CHECK(four_significant(t.triangular_index, k.at("RR tri index")));
        // Kubios 3.1's "STD HR" (2.09 / 1.87 beats/min) is not the SD of instantaneous HR
        // (8.30 / 7.24) and matches no documented formula; Steady reports the documented one.
        REQUIRE(c.result.nonlinear.sd1_ms);
        CHECK(four_significant(*c.result.nonlinear.sd1_ms, k.at("SD1 (ms)")));
        CHECK(four_significant(*c.result.nonlinear.sd2_ms, k.at("SD2 (ms)")));
        CHECK(four_significant(*c.result.nonlinear.sd2_sd1, k.at("SD2/SD1 ratio")));
    }
}

TEST_CASE("band powers within 0.5 % of Kubios, peaks exact on the 1/300-Hz grid", "[kubios][dsp]") {
    for (const std::string n : {"1", "2"}) {
        const Case c = analyse(n);
        INFO("series_" << n);
        REQUIRE(c.result.frequency);
        const hrv::FrequencyDomain& f = *c.result.frequency;
        const auto& k = c.kubios;
        CHECK(f.vlf_ms2 == Approx(k.at("VLF (ms^2)")).epsilon(0.005));
        CHECK(f.lf_ms2 == Approx(k.at("LF (ms^2)")).epsilon(0.005));
        CHECK(f.hf_ms2 == Approx(k.at("HF (ms^2)")).epsilon(0.005));
        CHECK(f.total_ms2 == Approx(k.at("Total power (ms^2)")).epsilon(0.005));
        CHECK(*f.lf_hf == Approx(k.at("LF/HF ratio")).epsilon(0.005));
        CHECK(f.lf_nu == Approx(k.at("LF (n.u.)")).epsilon(0.005));
        CHECK(f.hf_nu == Approx(k.at("HF (n.u.)")).epsilon(0.005));
        CHECK(f.vlf_pct == Approx(k.at("VLF (%)")).epsilon(0.005));
        // Kubios prints peaks with 6 decimals: exact means within that rounding.
        CHECK(std::abs(f.vlf_peak_hz - k.at("VLF (Hz)")) < 5e-6);
        CHECK(std::abs(f.lf_peak_hz - k.at("LF (Hz)")) < 5e-6);
        CHECK(std::abs(f.hf_peak_hz - k.at("HF (Hz)")) < 5e-6);
    }
}

TEST_CASE("Welch PSD matches Kubios's exported spectrum bin by bin", "[kubios][dsp]") {
    for (const std::string n : {"1", "2"}) {
        const Case c = analyse(n);
        INFO("series_" << n);
        const auto& psd = c.result.frequency->spectrum.psd_ms2_hz;
        const auto& kp = c.kubios.fft_psd;
        REQUIRE(kp.size() > 150);  // the export covers 0 to at least 0.5 Hz
        std::size_t compared = 0;
        for (std::size_t i = 0; i < kp.size() && i < psd.size(); ++i) {
            if (c.kubios.fft_freq_hz[i] > 0.5) break;
            INFO("bin " << i);
            // The export prints 4 decimals; KissFFT is float: 1e-5 relative covers both.
            CHECK(psd[i] == Approx(kp[i]).epsilon(1e-5).margin(1e-3));
            ++compared;
        }
        CHECK(compared >= 150);
    }
}

TEST_CASE("the Kubios export's own RR block reads back as the recording", "[kubios][io]") {
    const std::string dir = STEADY_TEST_DATA;
    auto plain = io::read_rr_file(dir + "/series_1_rr_ms.txt");
    auto exported = io::read_rr_file(dir + "/series_1_kubios_hrv.txt");
    CHECK(exported.format == "kubios");
    REQUIRE(exported.rr_ms.size() == plain.rr_ms.size());
    for (std::size_t i = 0; i < plain.rr_ms.size(); ++i) {
        REQUIRE(std::abs(exported.rr_ms[i] - plain.rr_ms[i]) <= 0.5 + 1e-9);  // 3 decimals in s
    }
    REQUIRE(exported.t_s.size() == plain.rr_ms.size());
}
