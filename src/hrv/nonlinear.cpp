#include "hrv/nonlinear.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
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
        // One pass per box: residual of the least-squares line = Syy - Sy^2/L - Sjy^2/sjj with
        // the values taken relative to the box's first one (small, so the sums stay exact
        // enough) and j centred.
        double residual = 0;
        for (std::size_t b = 0; b < boxes; ++b) {
            const double* seg = y.data() + b * L;
            const double base = seg[0];
            double s_y = 0, s_yy = 0, s_jy = 0;
            for (std::size_t j = 0; j < L; ++j) {
                const double v = seg[j] - base;
                s_y += v;
                s_yy += v * v;
                s_jy += (static_cast<double>(j) - jc) * v;
            }
            residual +=
                std::max(0.0, s_yy - s_y * s_y / static_cast<double>(L) - s_jy * s_jy / sjj);
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

// The sorted scan wins on short series (fewer allocations); pair counting from ~3000 on.
constexpr std::size_t kCountFrom = 3000;

namespace {

bool counts_pairs(std::size_t n, int m) {
    return m >= 1 && m + 1 <= kMaxPairCountDim && n >= kCountFrom + static_cast<std::size_t>(m);
}

std::optional<double> sampen_from_counts(std::uint64_t matches_m, std::uint64_t matches_m1) {
    if (matches_m == 0 || matches_m1 == 0) return std::nullopt;
    return -std::log(static_cast<double>(matches_m1) / static_cast<double>(matches_m));
}

}  // namespace

std::optional<double> sample_entropy(std::span<const double> x, int m, double r) {
    const std::size_t n = x.size();
    const auto mm = static_cast<std::size_t>(m);
    if (m < 1 || n <= mm + 1 || !(r >= 0)) return std::nullopt;
    const std::size_t templates = n - mm;  // same count for lengths m and m+1
    if (counts_pairs(n, m)) {
        return sampen_from_counts(count_close_pairs(x, templates, m, r),
                                  count_close_pairs(x, templates, m + 1, r));
    }
    const auto [matches_m, matches_m1] = scan_matches(x, mm, r);
    return sampen_from_counts(matches_m, matches_m1);
}

Nonlinear nonlinear(std::span<const double> rr_ms, const NonlinearSettings& s) {
    NonlinearJob job(rr_ms, s);
    for (std::size_t k = 0; k < job.parts(); ++k) job.run(k);
    return job.result();
}

NonlinearJob::NonlinearJob(std::span<const double> rr_ms, const NonlinearSettings& s)
    : rr_(rr_ms), s_(s) {
    if (rr_.size() >= kMinBeatsSampen && counts_pairs(rr_.size(), s_.sampen_m)) {
        r_ = s_.sampen_r_sd * sample_sd(rr_);
        split_ = r_ >= 0;
    }
}

void NonlinearJob::run(std::size_t part) {
    const auto templates = rr_.size() - static_cast<std::size_t>(s_.sampen_m);
    if (split_ && part == 0) {
        matches_m1_ = count_close_pairs(rr_, templates, s_.sampen_m + 1, r_);
    } else if (split_ && part == 1) {
        matches_m_ = count_close_pairs(rr_, templates, s_.sampen_m, r_);
    } else {
        poincare(rr_, out_);
        out_.dfa_alpha1 = dfa_alpha(rr_, s_.dfa_short_min_beats, s_.dfa_short_max_beats);
        out_.dfa_alpha2 = dfa_alpha(rr_, s_.dfa_long_min_beats, s_.dfa_long_max_beats);
        if (!split_ && rr_.size() >= kMinBeatsSampen) {
            out_.sampen = sample_entropy(rr_, s_.sampen_m, s_.sampen_r_sd * sample_sd(rr_));
        }
    }
}

Nonlinear NonlinearJob::result() const {
    Nonlinear out = out_;
    if (split_) out.sampen = sampen_from_counts(matches_m_, matches_m1_);
    return out;
}

}  // namespace steady::hrv
