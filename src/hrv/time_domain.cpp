#include "hrv/time_domain.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace steady::hrv {

double mean(std::span<const double> x) {
    if (x.empty()) return 0.0;
    double s = 0;
    for (double v : x) s += v;
    return s / static_cast<double>(x.size());
}

double sample_sd(std::span<const double> x) {
    if (x.size() < 2) return 0.0;
    const double m = mean(x);
    double ss = 0;
    for (double v : x) ss += (v - m) * (v - m);
    return std::sqrt(ss / static_cast<double>(x.size() - 1));
}

double rmssd_ms(std::span<const double> rr_ms) {
    if (rr_ms.size() < 2) return 0.0;
    double ss = 0;
    for (std::size_t i = 1; i < rr_ms.size(); ++i) {
        const double d = rr_ms[i] - rr_ms[i - 1];
        ss += d * d;
    }
    return std::sqrt(ss / static_cast<double>(rr_ms.size() - 1));
}

TimeDomain time_domain(std::span<const double> rr_ms, const TimeDomainSettings& s) {
    TimeDomain t;
    const std::size_t n = rr_ms.size();
    if (n < kMinBeatsTimeDomain) return t;
    t.mean_rr_ms = mean(rr_ms);
    t.sdnn_ms = sample_sd(rr_ms);
    t.rmssd_ms = rmssd_ms(rr_ms);

    std::vector<double> diffs(n - 1);
    for (std::size_t i = 1; i < n; ++i) {
        diffs[i - 1] = rr_ms[i] - rr_ms[i - 1];
        const double a = std::abs(diffs[i - 1]);
        t.nn50 += a > s.nn_threshold_a_ms;
        t.nn20 += a > s.nn_threshold_b_ms;
    }
    t.sdsd_ms = sample_sd(diffs);
    t.pnn50_pct = 100.0 * static_cast<double>(t.nn50) / static_cast<double>(n - 1);
    t.pnn20_pct = 100.0 * static_cast<double>(t.nn20) / static_cast<double>(n - 1);

    const auto [min_it, max_it] = std::minmax_element(rr_ms.begin(), rr_ms.end());
    t.mean_hr_bpm = 60000.0 / t.mean_rr_ms;
    t.min_hr_bpm = 60000.0 / *max_it;
    t.max_hr_bpm = 60000.0 / *min_it;
    std::vector<double> hr(n);
    for (std::size_t i = 0; i < n; ++i) hr[i] = 60000.0 / rr_ms[i];
    t.sd_hr_bpm = sample_sd(hr);

    // Triangular index: N / height of the histogram with bins anchored at 0 ms (Kubios).
    std::unordered_map<long long, std::size_t> histogram;
    std::size_t height = 0;
    for (double v : rr_ms) {
        const auto bin = static_cast<long long>(std::floor(v / s.histogram_bin_ms));
        height = std::max(height, ++histogram[bin]);
    }
    t.triangular_index = static_cast<double>(n) / static_cast<double>(height);
    return t;
}

}  // namespace steady::hrv
