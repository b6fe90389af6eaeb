#include "recovery/series.h"

#include <algorithm>
#include <cmath>

#include "sensor/sensor.h"

namespace steady::recovery {

void SecondSeries::add(const PlacedBeat& b) {
    t_.push_back(b.t_s);
    rr_.push_back(b.rr_ms);
    ok_.push_back((b.flags & (kBeatSuspectedArtifact | kBeatContactLost)) == 0);
    gap_.push_back((b.flags & kBeatGapBefore) != 0);
}

double SecondSeries::mean_hr(double from_s, double to_s, std::size_t& lo) const {
    while (lo < t_.size() && t_[lo] <= from_s) ++lo;
    double sum = 0;
    std::size_t n = 0;
    for (std::size_t i = lo; i < t_.size() && t_[i] <= to_s; ++i)
        if (ok_[i]) sum += rr_[i], ++n;
    return n >= 3 ? 60000.0 * static_cast<double>(n) / sum : kNaN;
}

void SecondSeries::advance_to(double t_s) {
    while (static_cast<double>(hr10_.size()) <= t_s) {
        const double k = static_cast<double>(hr10_.size());
        hr10_.push_back(mean_hr(k - 10, k, lo10_));
        hr30_.push_back(mean_hr(k - 30, k, lo30_));
        // The latest beat at or before k (causal: live, the next beat is not there yet), if it
        // is recent and accepted.
        while (cover_ < t_.size() && t_[cover_] <= k) ++cover_;
        double inst = kNaN;
        if (cover_ > 0) {
            const std::size_t i = cover_ - 1;
            if (k - t_[i] < kInstMaxAgeS && ok_[i]) inst = 60000.0 / rr_[i];
        }
        inst_.push_back(inst);
        while (lo_rm_ < t_.size() && t_[lo_rm_] <= k - 30) ++lo_rm_;
        double ss = 0;
        std::size_t pairs = 0;
        for (std::size_t i = std::max<std::size_t>(lo_rm_, 1); i < t_.size() && t_[i] <= k; ++i) {
            if (!ok_[i] || !ok_[i - 1] || gap_[i]) continue;
            ss += (rr_[i] - rr_[i - 1]) * (rr_[i] - rr_[i - 1]);
            ++pairs;
        }
        rmssd30_.push_back(pairs >= 5 ? std::sqrt(ss / static_cast<double>(pairs)) : kNaN);
    }
}

std::pair<std::size_t, std::size_t> SecondSeries::beats_between(double from_s, double to_s) const {
    const auto a = std::upper_bound(t_.begin(), t_.end(), from_s) - t_.begin();
    const auto b = std::upper_bound(t_.begin(), t_.end(), to_s) - t_.begin();
    std::size_t bad = 0;
    for (auto i = a; i < b; ++i) bad += ok_[static_cast<std::size_t>(i)] ? 0 : 1;
    return {static_cast<std::size_t>(b - a), bad};
}

}  // namespace steady::recovery
