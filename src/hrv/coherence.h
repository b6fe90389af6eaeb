// Heart-rhythm coherence by the HeartMath Institute's published method, and the breathing rate
// read from the respiratory sinus arrhythmia (RSA) peak. ../shared/reference/hrv-methods.md s.4-5.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "hrv/fft.h"
#include "hrv/results.h"
#include "hrv/settings.h"

namespace steady::hrv {

struct CoherenceWindow {
    double ratio = 0;    // peak / (total - peak)
    double score = 0;    // 0-16, coherence_score(ratio)
    double peak_hz = 0;  // highest spectral peak in 0.04-0.26 Hz
};

// One 64-s window ending at `end_s`: beats resampled at 2 Hz (128 points, cubic spline), linear
// detrend, Hann window, power spectrum (bin width 1/64 Hz). Peak power is the power within
// +-0.015 Hz of the peak, which on this grid is the peak bin and one bin either side; total power
// is the whole spectrum (0-1 Hz). Empty if the window is not covered by beats.
// When `power_out` is given it receives the window's power spectrum (ms^2 per bin, bin k at
// k / window_s Hz), for display.
std::optional<CoherenceWindow> coherence_window(std::span<const double> t_s,
                                                std::span<const double> rr_ms, double end_s,
                                                const CoherenceSettings& s, FftPlanCache& plans,
                                                std::vector<double>* power_out = nullptr);

// Display score 0-16 from the coherence ratio. HeartMath's own mapping is not public; Steady's is
// piecewise linear through its published level-1 boundaries: ratio 0 -> 0, 0.5 (low/medium) -> 4,
// 1.8 (medium/high) -> 8, 10 -> 16, and 16 above. Shown in the README and the UI.
double coherence_score(double ratio);

// HeartMath-style coherence levels at a challenge level 1-4 (harder levels raise both
// thresholds on the ratio). Level 1 is the published Inner Balance one (low/medium 0.5,
// medium/high 1.8); levels 2-4 are Steady's own: 1.0/2.5, 1.8/4.0, 3.0/6.0.
enum class CoherenceLevel { low, medium, high };
const char* to_string(CoherenceLevel l);
struct CoherenceThresholds {
    double medium_from, high_from;
};
CoherenceThresholds coherence_thresholds(int challenge);
CoherenceLevel coherence_level(double ratio, int challenge);

// One 64-s window per step_s across the record, ending at first beat + window_s + k * step_s.
// The windows all start on one 2-Hz grid, so one cubic spline through every beat of the record
// serves them all, where coherence_window() (the live path) fits each window's own beats plus
// one either side. The two differ only near a window's edges, where the Hann window is near zero:
// ratios within 2 % per window, record means within 0.01 %, peaks the same (test_coherence.cpp).
struct TimedCoherence {
    double end_s;
    CoherenceWindow window;
};
std::vector<TimedCoherence> coherence_windows(std::span<const double> t_s,
                                              std::span<const double> rr_ms,
                                              const CoherenceSettings& s, FftPlanCache& plans);

// Mean ratio and score, median peak, over the windows that lie inside [from_s, to_s].
std::optional<Coherence> summarise_coherence(std::span<const TimedCoherence> windows,
                                             double window_s, double from_s, double to_s);

// Windows every step_s across the record; empty if it is shorter than one window.
std::optional<Coherence> coherence_over_record(std::span<const double> t_s,
                                               std::span<const double> rr_ms,
                                               const CoherenceSettings& s, FftPlanCache& plans);

// Breathing rate (breaths/min) = 60 x the frequency of the dominant peak of `sp` in 0.05-0.5 Hz
// (3-30 breaths/min), refined between bins by a parabola through the log power of the peak bin
// and its neighbours. Empty when the spectrum has no power there.
std::optional<double> respiration_rate_bpm(const Spectrum& sp);

constexpr double kRespirationMinHz = 0.05;  // 3 breaths/min (4-7-8 at 1 s per count is 3.16)
constexpr double kRespirationMaxHz = 0.5;   // 30 breaths/min

}  // namespace steady::hrv
