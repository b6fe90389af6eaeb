#include "hrv/artifacts.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <numeric>
#include <optional>

#include "hrv/tasks.h"
#include "hrv/time_domain.h"

namespace steady::hrv {

namespace {

// Sorted multiset over a sliding window: O(w) updates by moving the values in between, cache
// friendly for the small windows used here (11 and 91 beats).
class SortedWindow {
  public:
    void insert(double v) { data_.insert(data_.begin() + static_cast<long>(upper(v)), v); }
    void erase(double v) {
        const std::size_t k = lower(v);
        if (k < data_.size() && data_[k] == v) data_.erase(data_.begin() + static_cast<long>(k));
    }
    // erase(old_v) then insert(new_v) with one move of the values between the two positions.
    void replace(double old_v, double new_v) {
        const std::size_t k = lower(old_v);
        if (k >= data_.size() || data_[k] != old_v) return insert(new_v);
        double* d = data_.data();
        if (new_v >= old_v) {
            const std::size_t to = upper(new_v) - 1;  // old_v is still at k <= to
            std::memmove(d + k, d + k + 1, (to - k) * sizeof(double));
            d[to] = new_v;
        } else {
            const std::size_t to = upper(new_v);  // <= k
            std::memmove(d + to + 1, d + to, (k - to) * sizeof(double));
            d[to] = new_v;
        }
    }
    // Linear interpolation between order statistics (numpy / pandas default).
    double quantile(double q) const {
        const double pos = q * static_cast<double>(data_.size() - 1);
        const auto lo = static_cast<std::size_t>(std::floor(pos));
        const std::size_t hi = std::min(lo + 1, data_.size() - 1);
        return data_[lo] + (pos - static_cast<double>(lo)) * (data_[hi] - data_[lo]);
    }

  private:
    // First position whose value is >= v (lower) or > v (upper): branch-free halving, as the
    // comparisons are unpredictable and a mispredicted branch costs more than the step.
    template <typename Less>
    std::size_t search(double v, Less less) const {
        const double* base = data_.data();
        std::size_t n = data_.size();
        if (n == 0) return 0;
        while (n > 1) {
            const std::size_t half = n / 2;
            base = less(base[half - 1], v) ? base + half : base;
            n -= half;
        }
        return static_cast<std::size_t>(base - data_.data()) + (less(*base, v) ? 1 : 0);
    }
    std::size_t lower(double v) const {
        return search(v, [](double a, double b) { return a < b; });
    }
    std::size_t upper(double v) const {
        return search(v, [](double a, double b) { return !(b < a); });
    }

    std::vector<double> data_;
};

// Centred rolling quantiles of `x` over `window` samples, partial windows at the edges.
template <typename F>
void rolling(std::span<const double> x, int window, F&& on_window) {
    const auto n = static_cast<long>(x.size());
    const long before = (window - 1) / 2, after = window / 2;
    SortedWindow w;
    long lo = 0, hi = -1;  // current window [lo, hi]
    for (long i = 0; i < n; ++i) {
        const long want_lo = std::max(0L, i - before), want_hi = std::min(n - 1, i + after);
        while (hi < want_hi && lo < want_lo)  // slide: one out, one in
            w.replace(x[static_cast<std::size_t>(lo++)], x[static_cast<std::size_t>(++hi)]);
        while (hi < want_hi) w.insert(x[static_cast<std::size_t>(++hi)]);
        while (lo < want_lo) w.erase(x[static_cast<std::size_t>(lo++)]);
        on_window(static_cast<std::size_t>(i), w);
    }
}

// alpha x quartile deviation of |x| over a centred window.
std::vector<double> time_varying_threshold(std::span<const double> x, double alpha, int window) {
    std::vector<double> absx(x.size());
    std::transform(x.begin(), x.end(), absx.begin(), [](double v) { return std::abs(v); });
    std::vector<double> th(x.size());
    rolling(absx, window, [&](std::size_t i, const SortedWindow& w) {
        th[i] = alpha * (w.quantile(0.75) - w.quantile(0.25)) / 2.0;
    });
    return th;
}

std::vector<double> rolling_median(std::span<const double> x, int window) {
    std::vector<double> med(x.size());
    rolling(x, window, [&](std::size_t i, const SortedWindow& w) { med[i] = w.quantile(0.5); });
    return med;
}

void add_flag(std::vector<FlaggedBeat>& flags, std::size_t index, ArtifactType type) {
    flags.push_back({index, type});
}

}  // namespace

double threshold_method_seconds(ArtifactMethod m) {
    switch (m) {
        case ArtifactMethod::threshold_low:
            return 0.35;
        case ArtifactMethod::threshold_medium:
            return 0.25;
        case ArtifactMethod::threshold_strong:
            return 0.15;
        default:
            return 0.0;
    }
}

namespace {

struct Detection {
    std::vector<FlaggedBeat> flags;
    std::vector<double> median_rr_ms;  // the 11-beat median the correction reuses
};

// `threads` > 1 computes the two time-varying thresholds at the same time.
Detection detect(std::span<const double> rr, const ArtifactSettings& s, unsigned threads) {
    Detection found;
    std::vector<FlaggedBeat>& flags = found.flags;
    const std::size_t n = rr.size();
    if (n < 4) return found;

    // dRR, normalised by the time-varying threshold th1, and mRR: the deviation from the 11-beat
    // median, negative deviations doubled, normalised by th2. The two thresholds (rolling
    // quartiles over 91 beats) are most of the detector's time and independent.
    std::vector<double> drrs(n), th1, mrrs(n), th2;
    for (std::size_t i = 1; i < n; ++i) drrs[i] = rr[i] - rr[i - 1];
    drrs[0] = std::accumulate(drrs.begin() + 1, drrs.end(), 0.0) / static_cast<double>(n - 1);
    const std::function<void()> thresholds[] = {
        [&] { th1 = time_varying_threshold(drrs, s.alpha, s.threshold_window_beats); },
        [&] {
            found.median_rr_ms = rolling_median(rr, s.median_window_beats);
            for (std::size_t i = 0; i < n; ++i) {
                const double dev = rr[i] - found.median_rr_ms[i];
                mrrs[i] = dev < 0 ? 2.0 * dev : dev;
            }
            th2 = time_varying_threshold(mrrs, s.alpha, s.threshold_window_beats);
        },
    };
    run_tasks(thresholds, threads);
    const std::vector<double>& medrr = found.median_rr_ms;
    for (std::size_t i = 0; i < n; ++i) drrs[i] = th1[i] != 0 ? drrs[i] / th1[i] : 0.0;
    for (std::size_t i = 0; i < n; ++i) mrrs[i] = th2[i] != 0 ? mrrs[i] / th2[i] : 0.0;

    // Neighbouring dRR with the series mirrored at both ends (numpy "reflect" padding).
    auto d = [&](long i) {
        const auto N = static_cast<long>(n);
        if (i < 0) i = -i;
        if (i >= N) i = 2 * (N - 1) - i;
        return drrs[static_cast<std::size_t>(std::clamp(i, 0L, N - 1))];
    };
    std::vector<double> s12(n, 0.0), s22(n, 0.0);
    for (std::size_t u = 0; u < n; ++u) {
        const auto i = static_cast<long>(u);
        if (drrs[u] > 0)
            s12[u] = std::max(d(i - 1), d(i + 1));
        else if (drrs[u] < 0)
            s12[u] = std::min(d(i - 1), d(i + 1));
        if (drrs[u] >= 0)
            s22[u] = std::min(d(i + 1), d(i + 2));
        else
            s22[u] = std::max(d(i + 1), d(i + 2));
    }

    // Decision flow of the paper's Figure 1.
    std::size_t i = 0;
    while (i + 2 < n) {
        if (std::abs(drrs[i]) <= 1) {
            ++i;
            continue;
        }
        const bool eq1 = drrs[i] > 1 && s12[i] < (-s.c1 * drrs[i] - s.c2);
        const bool eq2 = drrs[i] < -1 && s12[i] > (-s.c1 * drrs[i] + s.c2);
        if (eq1 || eq2) {
            add_flag(flags, i, ArtifactType::ectopic);
            ++i;
            continue;
        }
        std::size_t candidates[2] = {i, i};
        std::size_t count = 1;
        if (std::abs(drrs[i + 1]) < std::abs(drrs[i + 2])) candidates[count++] = i + 1;
        for (std::size_t c = 0; c < count; ++c) {
            const std::size_t j = candidates[c];
            const bool eq3 = drrs[j] > 1 && s22[j] < -1;  // long
            const bool eq4 = std::abs(mrrs[j]) > 3;       // long or short
            const bool eq5 = drrs[j] < -1 && s22[j] > 1;  // short
            ++i;
            if (!(eq3 || eq4 || eq5)) continue;
            const bool eq6 = std::abs(rr[j] / 2.0 - medrr[j]) < th2[j];  // missed
            const bool eq7 = j + 1 < n && std::abs(rr[j] + rr[j + 1] - medrr[j]) < th2[j];  // extra
            if (eq5 && eq7) {
                add_flag(flags, j, ArtifactType::extra);
                i = std::max(i, j + 2);  // interval j+1 is the other half of the extra beat
                break;
            } else if (eq3 && eq6) {
                add_flag(flags, j, ArtifactType::missed);
            } else {
                add_flag(flags, j,
                         rr[j] > medrr[j] ? ArtifactType::long_beat : ArtifactType::short_beat);
            }
        }
    }
    return found;
}

std::vector<double> correct_by_interpolation(std::span<const double> rr,
                                             const std::vector<bool>& bad) {
    std::vector<double> out(rr.begin(), rr.end());
    std::size_t i = 0;
    while (i < out.size()) {
        if (!bad[i]) {
            ++i;
            continue;
        }
        std::size_t e = i;
        while (e < out.size() && bad[e]) ++e;  // run [i, e)
        const bool has_left = i > 0, has_right = e < out.size();
        const double left = has_left ? out[i - 1] : (has_right ? out[e] : mean(rr));
        const double right = has_right ? out[e] : left;
        for (std::size_t k = i; k < e; ++k) {
            const double w = static_cast<double>(k - i + 1) / static_cast<double>(e - i + 1);
            out[k] = left + w * (right - left);
        }
        i = e;
    }
    return out;
}

// Structural edits first (missed: split in two; extra: merge with the next interval), then
// misplaced beats (ectopic, long, short) replaced by interpolation between the nearest good
// intervals. An ectopic beat disturbs two intervals (premature and compensatory); the partner is
// the neighbour that deviates from the local median the other way.
std::vector<double> correct_lipponen_tarvainen(std::span<const double> rr, const Detection& found) {
    const std::size_t n = rr.size();
    const std::vector<double>& med = found.median_rr_ms;
    std::vector<std::optional<ArtifactType>> kind(n);
    std::vector<bool> misplaced(n, false);
    for (const FlaggedBeat& f : found.flags) kind[f.index] = f.type;
    for (const FlaggedBeat& f : found.flags) {
        const std::size_t j = f.index;
        if (f.type == ArtifactType::missed || f.type == ArtifactType::extra) continue;
        misplaced[j] = true;
        if (f.type != ArtifactType::ectopic) continue;
        const double dev = rr[j] - med[j];
        for (std::size_t p : {j - 1, j + 1}) {
            if (p < n && !kind[p] && (rr[p] - med[p]) * dev < 0 &&
                std::abs(rr[p] - med[p]) > 0.5 * std::abs(dev)) {
                misplaced[p] = true;
            }
        }
    }
    std::vector<double> out;
    std::vector<bool> bad;
    out.reserve(n + 8);
    for (std::size_t i = 0; i < n; ++i) {
        if (kind[i] == ArtifactType::missed) {
            out.insert(out.end(), {rr[i] / 2, rr[i] / 2});
            bad.insert(bad.end(), {false, false});
        } else if (kind[i] == ArtifactType::extra && i + 1 < n) {
            out.push_back(rr[i] + rr[i + 1]);
            bad.push_back(false);
            ++i;
        } else {
            out.push_back(rr[i]);
            bad.push_back(misplaced[i]);
        }
    }
    return correct_by_interpolation(out, bad);
}

std::vector<FlaggedBeat> detect_threshold(std::span<const double> rr, double threshold_s,
                                          const ArtifactSettings& s) {
    std::vector<FlaggedBeat> flags;
    if (rr.empty()) return flags;
    const double threshold_ms = threshold_s * 1000.0 * (mean(rr) / 1000.0);  // for 60 beats/min
    const std::vector<double> med = rolling_median(rr, s.median_window_beats);
    for (std::size_t i = 0; i < rr.size(); ++i) {
        if (std::abs(rr[i] - med[i]) > threshold_ms) add_flag(flags, i, ArtifactType::threshold);
    }
    return flags;
}

}  // namespace

std::vector<FlaggedBeat> detect_lipponen_tarvainen(std::span<const double> rr_ms,
                                                   const ArtifactSettings& s) {
    return detect(rr_ms, s, 1).flags;
}

RangeScreened screen_range(std::span<const double> rr_ms, const ArtifactSettings& s) {
    RangeScreened out;
    out.input_size = rr_ms.size();
    out.rr_ms.reserve(rr_ms.size());
    out.kept.reserve(rr_ms.size());
    for (std::size_t i = 0; i < rr_ms.size(); ++i) {
        if (rr_ms[i] >= s.min_rr_ms && rr_ms[i] <= s.max_rr_ms) {
            out.rr_ms.push_back(rr_ms[i]);
            out.kept.push_back(i);
        } else {
            out.removed.push_back({i, ArtifactType::out_of_range});
        }
    }
    return out;
}

ArtifactResult finish_screen(const RangeScreened& range, const ArtifactSettings& s,
                             unsigned threads) {
    ArtifactResult result;
    result.report.method = s.method;
    result.report.flagged = range.removed;
    result.report.corrected = range.removed.size();
    const std::vector<double>& screened = range.rr_ms;

    std::vector<FlaggedBeat> found;
    const double threshold_s = threshold_method_seconds(s.method);
    if (threshold_s > 0) {
        found = detect_threshold(screened, threshold_s, s);
        std::vector<bool> bad(screened.size(), false);
        for (const FlaggedBeat& f : found) bad[f.index] = true;
        result.rr_ms = correct_by_interpolation(screened, bad);
        result.report.corrected += found.size();
    } else {
        Detection detection = detect(screened, s, threads);
        if (s.method == ArtifactMethod::automatic) {
            result.rr_ms = correct_lipponen_tarvainen(screened, detection);
            result.report.corrected += detection.flags.size();
        } else {
            result.rr_ms = screened;
        }
        found = std::move(detection.flags);
    }
    for (FlaggedBeat f : found) {
        f.index = range.kept[f.index];
        result.report.flagged.push_back(f);
    }
    std::sort(result.report.flagged.begin(), result.report.flagged.end(),
              [](const FlaggedBeat& a, const FlaggedBeat& b) { return a.index < b.index; });
    if (range.input_size > 0) {
        result.report.percent = 100.0 * static_cast<double>(result.report.flagged.size()) /
                                static_cast<double>(range.input_size);
    }
    return result;
}

ArtifactResult screen_artifacts(std::span<const double> rr_ms, const ArtifactSettings& s) {
    return finish_screen(screen_range(rr_ms, s), s, 1);
}

}  // namespace steady::hrv
