#include "hrv/coherence.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "hrv/detrend.h"
#include "hrv/resample.h"
#include "hrv/spectrum.h"

namespace steady::hrv {

namespace {

// Knots a window ending at end_s interpolates from: the beats inside it plus one on each side.
// Empty (a == b) when the window is not covered by beats or has fewer than 4 knots.
std::pair<std::size_t, std::size_t> window_knots(std::span<const double> t_s, double start_s,
                                                 double end_s) {
    // 1e-9 s of slack both ends: end_s - window_s can round to just before the first beat, and
    // the first window (ending at first beat + window_s) must count.
    if (t_s.size() < 4 || t_s.front() > start_s + 1e-9 || t_s.back() < end_s - 1e-9) return {0, 0};
    auto lo = std::lower_bound(t_s.begin(), t_s.end(), start_s);
    auto hi = std::upper_bound(t_s.begin(), t_s.end(), end_s);
    if (lo != t_s.begin()) --lo;
    if (hi != t_s.end()) ++hi;
    const auto a = static_cast<std::size_t>(lo - t_s.begin());
    const auto b = static_cast<std::size_t>(hi - t_s.begin());
    if (b - a < 4) return {0, 0};
    return {a, b};
}

// The spectral part of a window, from its 2-Hz samples (overwritten: detrended and windowed).
CoherenceWindow window_from_samples(std::span<double> x, const CoherenceSettings& s,
                                    FftPlanCache& plans, std::vector<double>* power_out) {
    detrend(x, Detrend::linear, 0);
    // One Hann window and one power buffer per thread, reused: a 24-hour record has 17,000
    // windows and this is most of their allocations.
    thread_local std::vector<double> w;
    thread_local std::vector<double> power;
    if (w.size() != x.size()) w = make_window(Window::hann_symmetric, x.size());
    for (std::size_t i = 0; i < x.size(); ++i) x[i] *= w[i];
    const std::size_t nfft = x.size() + x.size() % 2;
    power.assign(nfft / 2 + 1, 0.0);
    plans.power_spectrum(x, nfft, power);

    const double df = s.resample_hz / static_cast<double>(nfft);
    const auto k_lo = static_cast<std::size_t>(std::ceil(s.search.lo_hz / df - 1e-9));
    const auto k_hi = std::min(power.size() - 1,
                               static_cast<std::size_t>(std::floor(s.search.hi_hz / df + 1e-9)));
    std::size_t peak = k_lo;
    for (std::size_t k = k_lo; k <= k_hi; ++k) {
        if (power[k] > power[peak]) peak = k;
    }
    const auto half_bins = static_cast<std::size_t>(std::lround(s.peak_halfwidth_hz / df));
    double peak_power = 0, total = 0;
    for (std::size_t k = 0; k < power.size(); ++k) {
        total += power[k];
        if (k + half_bins >= peak && k <= peak + half_bins) peak_power += power[k];
    }
    CoherenceWindow cw;
    cw.peak_hz = static_cast<double>(peak) * df;
    cw.ratio = total > peak_power ? peak_power / (total - peak_power) : 0.0;
    cw.score = coherence_score(cw.ratio);
    if (power_out) *power_out = power;
    return cw;
}

std::size_t window_samples(const CoherenceSettings& s) {
    return static_cast<std::size_t>(std::lround(s.window_s * s.resample_hz));
}

}  // namespace

std::optional<CoherenceWindow> coherence_window(std::span<const double> t_s,
                                                std::span<const double> rr_ms, double end_s,
                                                const CoherenceSettings& s, FftPlanCache& plans,
                                                std::vector<double>* power_out) {
    const double start_s = end_s - s.window_s;
    const auto [a, b] = window_knots(t_s, start_s, end_s);
    if (a == b) return std::nullopt;
    std::vector<double> x = resample_grid(t_s.subspan(a, b - a), rr_ms.subspan(a, b - a), start_s,
                                          s.resample_hz, window_samples(s), Interpolation::cubic);
    return window_from_samples(x, s, plans, power_out);
}

double coherence_score(double ratio) {
    constexpr std::array<std::array<double, 2>, 4> anchors{{{0, 0}, {0.5, 4}, {1.8, 8}, {10, 16}}};
    if (!(ratio > 0)) return 0.0;
    for (std::size_t i = 1; i < anchors.size(); ++i) {
        if (ratio <= anchors[i][0]) {
            const double f = (ratio - anchors[i - 1][0]) / (anchors[i][0] - anchors[i - 1][0]);
            return anchors[i - 1][1] + f * (anchors[i][1] - anchors[i - 1][1]);
        }
    }
    return 16.0;
}

const char* to_string(CoherenceLevel l) {
    switch (l) {
        case CoherenceLevel::low:
            return "low";
        case CoherenceLevel::medium:
            return "medium";
        case CoherenceLevel::high:
            return "high";
    }
    return "?";
}

CoherenceThresholds coherence_thresholds(int challenge) {
    constexpr std::array<CoherenceThresholds, 4> levels{
        {{0.5, 1.8}, {1.0, 2.5}, {1.8, 4.0}, {3.0, 6.0}}};
    return levels[static_cast<std::size_t>(std::clamp(challenge, 1, 4) - 1)];
}

CoherenceLevel coherence_level(double ratio, int challenge) {
    const CoherenceThresholds t = coherence_thresholds(challenge);
    return ratio >= t.high_from     ? CoherenceLevel::high
           : ratio >= t.medium_from ? CoherenceLevel::medium
                                    : CoherenceLevel::low;
}

std::vector<TimedCoherence> coherence_windows(std::span<const double> t_s,
                                              std::span<const double> rr_ms,
                                              const CoherenceSettings& s, FftPlanCache& plans) {
    std::vector<TimedCoherence> out;
    if (t_s.empty()) return out;
    const double step_samples = s.step_s * s.resample_hz;
    const bool on_grid = std::abs(step_samples - std::round(step_samples)) < 1e-9 &&
                         step_samples >= 1 && t_s.size() >= 4;
    if (!on_grid) {  // windows that do not start on one 2-Hz grid: one spline each
        for (double end = t_s.front() + s.window_s; end <= t_s.back() + 1e-9; end += s.step_s) {
            if (auto w = coherence_window(t_s, rr_ms, end, s, plans)) out.push_back({end, *w});
        }
        return out;
    }
    // Every window starts on the grid t_0 + k / fs, so one spline through all the beats serves
    // them all (see coherence.h for how this differs from a window's own spline).
    const std::vector<double> grid =
        resample_uniform(t_s, rr_ms, s.resample_hz, Interpolation::cubic);
    const std::size_t len = window_samples(s);
    const auto stride = static_cast<std::size_t>(std::lround(step_samples));
    std::vector<double> x(len);
    std::size_t k = 0;
    for (double end = t_s.front() + s.window_s; end <= t_s.back() + 1e-9; end += s.step_s, ++k) {
        const std::size_t first = k * stride;
        const auto [a, b] = window_knots(t_s, end - s.window_s, end);
        if (a == b) continue;
        if (first + len > grid.size()) {  // the last sample sits at the last beat: extrapolate
            if (auto w = coherence_window(t_s, rr_ms, end, s, plans)) out.push_back({end, *w});
            continue;
        }
        std::copy_n(grid.begin() + static_cast<std::ptrdiff_t>(first), len, x.begin());
        out.push_back({end, window_from_samples(x, s, plans, nullptr)});
    }
    return out;
}

std::optional<Coherence> summarise_coherence(std::span<const TimedCoherence> windows,
                                             double window_s, double from_s, double to_s) {
    Coherence c;
    std::vector<double> peaks;
    for (const TimedCoherence& w : windows) {
        if (w.end_s - window_s < from_s - 1e-9 || w.end_s > to_s + 1e-9) continue;
        c.ratio_mean += w.window.ratio;
        c.score_mean += w.window.score;
        peaks.push_back(w.window.peak_hz);
    }
    if (peaks.empty()) return std::nullopt;
    c.windows = peaks.size();
    c.ratio_mean /= static_cast<double>(c.windows);
    c.score_mean /= static_cast<double>(c.windows);
    auto mid = peaks.begin() + static_cast<std::ptrdiff_t>(peaks.size() / 2);
    std::nth_element(peaks.begin(), mid, peaks.end());
    c.peak_hz = *mid;
    return c;
}

std::optional<Coherence> coherence_over_record(std::span<const double> t_s,
                                               std::span<const double> rr_ms,
                                               const CoherenceSettings& s, FftPlanCache& plans) {
    const auto windows = coherence_windows(t_s, rr_ms, s, plans);
    if (windows.empty()) return std::nullopt;
    return summarise_coherence(windows, s.window_s, windows.front().end_s - s.window_s,
                               windows.back().end_s);
}

std::optional<double> respiration_rate_bpm(const Spectrum& sp) {
    const auto& p = sp.psd_ms2_hz;
    if (p.size() < 3 || !(sp.df_hz > 0)) return std::nullopt;
    const auto k_lo = std::max<std::size_t>(
        1, static_cast<std::size_t>(std::ceil(kRespirationMinHz / sp.df_hz - 1e-9)));
    const auto k_hi = std::min(
        p.size() - 2, static_cast<std::size_t>(std::floor(kRespirationMaxHz / sp.df_hz + 1e-9)));
    if (k_lo > k_hi) return std::nullopt;
    std::size_t peak = k_lo;
    for (std::size_t k = k_lo; k <= k_hi; ++k) {
        if (p[k] > p[peak]) peak = k;
    }
    if (!(p[peak] > 0)) return std::nullopt;
    double offset = 0;
    if (p[peak - 1] > 0 && p[peak + 1] > 0) {
        const double l = std::log(p[peak - 1]), c = std::log(p[peak]), r = std::log(p[peak + 1]);
        const double denom = l - 2 * c + r;
        if (denom < 0) offset = std::clamp(0.5 * (l - r) / denom, -0.5, 0.5);
    }
    return 60.0 * (static_cast<double>(peak) + offset) * sp.df_hz;
}

}  // namespace steady::hrv
