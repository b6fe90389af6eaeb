// The HRV analysis entry points: a whole record, sliding windows over it (through the same code),
// and what each metric needs. Input RR in ms with optional beat times in s.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "hrv/coherence.h"
#include "hrv/fft.h"
#include "hrv/results.h"
#include "hrv/settings.h"

namespace steady::hrv {

// Minimum record needed per metric group; shorter records leave the group empty with a warning
// that says what it needs.
constexpr std::size_t kParallelFromBeats = 20000;  // whole-record metrics on several threads
constexpr double kMinSecondsFrequency = 60.0;      // one full cycle of 0.04 Hz needs 25 s; HF 60 s
constexpr double kAdviseSecondsLf = 120.0;         // Task Force: LF needs about 2 minutes
constexpr double kAdviseSecondsVlf = 300.0;        // VLF is unreliable under 5 minutes

struct WindowResult {
    double start_s = 0;
    double end_s = 0;
    AnalysisResult result;
};

// Reused across calls: FFT plans are made once per length.
class Analyzer {
  public:
    explicit Analyzer(AnalysisSettings settings = {}) : settings_(std::move(settings)) {}

    const AnalysisSettings& settings() const { return settings_; }

    // `t_s` (beat times) may be empty, then t_i = sum of RR. Artifacts are screened first.
    AnalysisResult analyze(std::span<const double> rr_ms, std::span<const double> t_s = {});

    // Windows [start, start + window_s) every step_s, each analysed by the same code as a whole
    // record, on the series screened for artifacts once as a whole (flag indices stay global).
    // `progress(done, total)` is called after each window when given.
    std::vector<WindowResult> analyze_windows(
        std::span<const double> rr_ms, std::span<const double> t_s, double window_s, double step_s,
        const std::function<void(std::size_t, std::size_t)>& progress = {});

  private:
    // Metrics for an already screened series with consistent beat times.
    // `coherence`: precomputed 64-s windows to summarise instead of computing them again.
    // `alongside`: one more step to run with the metrics' own (on another thread if they use
    // several); it must not touch `out`.
    void compute_metrics(std::span<const double> rr_ms, std::span<const double> t_s,
                         AnalysisResult& out,
                         std::optional<std::span<const TimedCoherence>> coherence = std::nullopt,
                         const std::function<void()>& alongside = {});

    AnalysisSettings settings_;
    FftPlanCache plans_;            // spectrum (and sliding-window coherence)
    FftPlanCache coherence_plans_;  // coherence, which may run at the same time as the spectrum
};

}  // namespace steady::hrv
