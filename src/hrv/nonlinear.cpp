#include "hrv/nonlinear.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <future>
#include <numbers>
#include <numeric>
#include <tuple>
#include <utility>
#include <vector>

#include "hrv/pair_count.h"
#include "hrv/time_domain.h"

namespace steady::hrv {

void poincare(std::span<const double> rr_ms, Nonlinear& out) {
    const std::size_t n = rr_ms.size();
    if (n < kMinBeatsPoincare) return;
    std::vector<double> d(n - 1), s(n - 1);
    for (std::size_t i = 0; i + 1 < n; ++i) {
        d[i] = (rr_ms[i + 1] - rr_ms[i]) / std::numbers::sqrt2;
        s[i] = (rr_ms[i + 1] + rr_ms[i]) / std::numbers::sqrt2;
    }
    out.sd1_ms = sample_sd(d);
    out.sd2_ms = sample_sd(s);
    if (*out.sd1_ms > 0) out.sd2_sd1 = *out.sd2_ms / *out.sd1_ms;
}

std::optional<double> dfa_alpha(std::span<const double> rr_ms, int min_box, int max_box) {
    const std::size_t n = rr_ms.size();
    if (min_box < 3 || max_box <= min_box) return std::nullopt;
    if (n < kDfaBoxesAtLargestScale * static_cast<std::size_t>(max_box)) return std::nullopt;
    // Integrated profile y_k = sum (RR - mean).
    const double m = mean(rr_ms);
    std::vector<double> y(n);
    double acc = 0;
    for (std::size_t k = 0; k < n; ++k) y[k] = acc += rr_ms[k] - m;

    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    int points = 0;
    for (int box = min_box; box <= max_box; ++box) {
        const auto L = static_cast<std::size_t>(box);
        const std::size_t boxes = n / L;
        const double jc = (static_cast<double>(L) - 1) / 2;  // centred local index: exact sums
        double sjj = 0;
        for (std::size_t j = 0; j < L; ++j)
            sjj += (static_cast<double>(j) - jc) * (static_cast<double>(j) - jc);
        double residual = 0;
        for (std::size_t b = 0; b < boxes; ++b) {
            const double* seg = y.data() + b * L;
            double ym = 0;
            for (std::size_t j = 0; j < L; ++j) ym += seg[j];
            ym /= static_cast<double>(L);
            double sjy = 0;
            for (std::size_t j = 0; j < L; ++j)
                sjy += (static_cast<double>(j) - jc) * (seg[j] - ym);
            const double slope = sjy / sjj;
            for (std::size_t j = 0; j < L; ++j) {
                const double e = seg[j] - ym - slope * (static_cast<double>(j) - jc);
                residual += e * e;
            }
        }
        const double F = std::sqrt(residual / static_cast<double>(boxes * L));
        if (!(F > 0)) return std::nullopt;
        const double lx = std::log10(static_cast<double>(L)), ly = std::log10(F);
        sx += lx, sy += ly, sxx += lx * lx, sxy += lx * ly;
        ++points;
    }
    const double p = points;
    return (p * sxy - sx * sy) / (p * sxx - sx * sx);
}

namespace {

// Pairs matching at length m and at m+1 by scanning templates sorted by their first value:
// O(N log N + pairs within r in the first value).
std::pair<std::uint64_t, std::uint64_t> scan_matches(std::span<const double> x, std::size_t mm,
                                                     double r) {
    const std::size_t templates = x.size() - mm;
    std::vector<std::size_t> order(templates);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
    std::uint64_t matches_m = 0, matches_m1 = 0;
    for (std::size_t p = 0; p < templates; ++p) {
        const std::size_t i = order[p];
        for (std::size_t q = p + 1; q < templates; ++q) {
            const std::size_t j = order[q];
            if (x[j] - x[i] > r) break;  // sorted by first value: no later candidate matches
            std::size_t k = 1;
            while (k < mm && std::abs(x[i + k] - x[j + k]) <= r) ++k;
            if (k < mm) continue;
            ++matches_m;
            matches_m1 += std::abs(x[i + mm] - x[j + mm]) <= r;
        }
    }
    return {matches_m, matches_m1};
}

}  // namespace

std::optional<double> sample_entropy(std::span<const double> x, int m, double r) {
    const std::size_t n = x.size();
    const auto mm = static_cast<std::size_t>(m);
    if (m < 1 || n <= mm + 1 || !(r >= 0)) return std::nullopt;
    const std::size_t templates = n - mm;  // same count for lengths m and m+1
    std::uint64_t matches_m = 0, matches_m1 = 0;
    // The sorted scan wins on short series (fewer allocations); pair counting from ~3000 on.
    constexpr std::size_t kCountFrom = 3000;
    // Long records count the two lengths on two threads (a 24-hour record: ~110 ms and ~30 ms).
    constexpr std::size_t kTwoThreadsFrom = 20000;
    if (m + 1 <= kMaxPairCountDim && templates >= kTwoThreadsFrom) {
        auto longer = std::async(std::launch::async,
                                 [&] { return count_close_pairs(x, templates, m + 1, r); });
        matches_m = count_close_pairs(x, templates, m, r);
        matches_m1 = longer.get();
    } else if (m + 1 <= kMaxPairCountDim && templates >= kCountFrom) {
        matches_m = count_close_pairs(x, templates, m, r);
        matches_m1 = count_close_pairs(x, templates, m + 1, r);
    } else {
        std::tie(matches_m, matches_m1) = scan_matches(x, mm, r);
    }
    if (matches_m == 0 || matches_m1 == 0) return std::nullopt;
    return -std::log(static_cast<double>(matches_m1) / static_cast<double>(matches_m));
}

Nonlinear nonlinear(std::span<const double> rr_ms, const NonlinearSettings& s) {
    Nonlinear out;
    poincare(rr_ms, out);
    out.dfa_alpha1 = dfa_alpha(rr_ms, s.dfa_short_min_beats, s.dfa_short_max_beats);
    out.dfa_alpha2 = dfa_alpha(rr_ms, s.dfa_long_min_beats, s.dfa_long_max_beats);
    if (rr_ms.size() >= kMinBeatsSampen) {
        out.sampen = sample_entropy(rr_ms, s.sampen_m, s.sampen_r_sd * sample_sd(rr_ms));
    }
    return out;
}

}  // namespace steady::hrv
