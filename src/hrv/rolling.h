// Incremental HRV for live use: append one beat, read rolling metrics, without re-analysing the
// history. Time-domain windows keep running sums (O(1) per beat, re-summed exactly every
// kResumInterval beats so rounding cannot drift); spectral metrics (coherence, LF/HF) are
// recomputed on demand from the buffered beats through the same code as a whole-record analysis.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "hrv/coherence.h"
#include "hrv/fft.h"
#include "hrv/results.h"
#include "hrv/settings.h"

namespace steady::hrv {

struct RollingMetrics {
    double t_s = 0;                        // time of the last beat
    std::size_t beats = 0;                 // beats appended so far
    double hr_bpm = 0;                     // 60000 / mean RR over the short window
    std::optional<double> rmssd_short_ms;  // over the short window (30 s by default)
    std::optional<double> rmssd_long_ms;   // over the long window (60 s)
    std::optional<double> mean_rr_long_ms;
};

struct RollingConfig {
    double short_window_s = 30.0;
    double long_window_s = 60.0;
    double history_s = 300.0;  // beats kept for spectral refreshes (LF/HF, HF power)
    AnalysisSettings analysis;
};

class RollingHrv {
  public:
    using Config = RollingConfig;
    RollingHrv() : RollingHrv(RollingConfig{}) {}
    explicit RollingHrv(Config config);

    // Beats must come in time order; `t_s` is the time the interval ended. A gap (lost beats)
    // should be marked by calling mark_gap() first: successive differences never span a gap.
    void append(double t_s, double rr_ms);
    void mark_gap();

    const RollingMetrics& metrics() const { return metrics_; }

    // HeartMath coherence over the last 64 s; empty until 64 s of beats exist.
    // `power_out` as in coherence_window().
    std::optional<CoherenceWindow> refresh_coherence(std::vector<double>* power_out = nullptr);
    // Welch spectrum over the buffered history (up to history_s); empty under kMinSeconds.
    std::optional<FrequencyDomain> refresh_spectrum();

    // Beats currently buffered (for tests and the engine).
    std::size_t buffered() const { return size_; }

  private:
    struct Beat {
        double t_s;
        double rr_ms;
        bool after_gap;
    };
    struct Window {
        double length_s;
        std::size_t start = 0;  // absolute beat number of the first beat inside
        double sum_rr = 0;
        double sum_sq_diff = 0;
        std::size_t diffs = 0;
    };

    const Beat& at(std::size_t absolute) const { return ring_[absolute & mask_]; }
    void grow();
    void advance(Window& w, double now_s);
    void resum(Window& w) const;
    void update_metrics();
    void copy_span(double from_s, std::vector<double>& t, std::vector<double>& rr) const;

    Config config_;
    std::vector<Beat> ring_;
    std::size_t mask_ = 0;
    std::size_t first_ = 0;  // absolute number of the oldest buffered beat
    std::size_t size_ = 0;
    std::size_t count_ = 0;  // beats ever appended
    bool gap_pending_ = false;
    Window short_, long_;
    RollingMetrics metrics_;
    FftPlanCache plans_;
    std::vector<double> scratch_t_, scratch_rr_;
};

}  // namespace steady::hrv
