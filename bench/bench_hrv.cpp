// HRV benchmarks on a generated 24-hour recording (~100,000 beats). Run through tools/bench,
// which builds Release. Targets (2-core machine): whole record < 100 ms, sliding 300-s windows
// every 30 s < 1 s, live update (append a beat, refresh rolling metrics) < 20 us median.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "bench_table.h"

#include "hrv/analysis.h"
#include "hrv/resample.h"
#include "hrv/rolling.h"
#include "support/synthetic.h"

using namespace steady;
using bench::percentile;
using bench::row;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

template <typename F>
double median_ms(int runs, F&& f) {
    std::vector<double> times;
    for (int i = 0; i < runs; ++i) {
        const auto t0 = Clock::now();
        f();
        times.push_back(ms_since(t0));
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

}  // namespace

int main() {
    const std::vector<double> rr = test::physiological_rr(24 * 3600.0, 99, 860);
    const std::vector<double> t = hrv::beat_times_s(rr);
    std::printf("24-hour recording: %zu beats, %.0f s\n\n", rr.size(), t.back());
    bench::header("median");

    hrv::Analyzer analyzer;
    analyzer.analyze(rr);  // warm-up: FFT plans, page faults
    row("whole record, all metrics (5 runs)", median_ms(5, [&] { analyzer.analyze(rr); }), "ms",
        "< 100 ms");

    hrv::AnalysisSettings auto_settings;
    auto_settings.artifacts.method = hrv::ArtifactMethod::automatic;
    hrv::Analyzer auto_analyzer(auto_settings);
    row("whole record, --artifacts auto (5 runs)", median_ms(5, [&] { auto_analyzer.analyze(rr); }),
        "ms", "");

    std::size_t windows = 0;
    const double sliding =
        median_ms(3, [&] { windows = analyzer.analyze_windows(rr, {}, 300, 30).size(); });
    char label[96];
    std::snprintf(label, sizeof label, "sliding 300-s windows every 30 s (%zu windows, 3 runs)",
                  windows);
    row(label, sliding, "ms", "< 1000 ms");

    hrv::RollingHrv rolling;
    std::vector<double> per_beat_us;
    per_beat_us.reserve(rr.size());
    double sink = 0;
    for (std::size_t i = 0; i < rr.size(); ++i) {
        const auto t0 = Clock::now();
        rolling.append(t[i], rr[i]);
        sink += rolling.metrics().rmssd_long_ms.value_or(0) + rolling.metrics().hr_bpm;
        per_beat_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    }
    row("live update: append a beat + rolling metrics (median)", percentile(per_beat_us, 0.5), "us",
        "< 20 us");
    row("live update: 99th percentile", percentile(per_beat_us, 0.99), "us", "");
    row("live refresh: coherence over last 64 s (every 5 s)",
        1000 * median_ms(101, [&] { sink += rolling.refresh_coherence()->ratio; }), "us", "");
    row("live refresh: spectrum over last 300 s (LF/HF, HF)",
        1000 * median_ms(101, [&] { sink += rolling.refresh_spectrum()->hf_ms2; }), "us", "");
    std::printf("\n(checksum %.3f)\n", sink);
    return 0;
}
