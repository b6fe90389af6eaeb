#include "hrv/rolling.h"

#include <algorithm>
#include <cmath>

#include "hrv/analysis.h"
#include "hrv/spectrum.h"

namespace steady::hrv {

namespace {
constexpr std::size_t kInitialCapacity = 1024;  // ~10 min at 100 beats/min; grows by doubling
constexpr std::size_t kResumInterval = 4096;    // beats between exact re-summations
}  // namespace

RollingHrv::RollingHrv(Config config) : config_(std::move(config)) {
    ring_.resize(kInitialCapacity);
    mask_ = kInitialCapacity - 1;
    short_.length_s = config_.short_window_s;
    long_.length_s = config_.long_window_s;
}

void RollingHrv::grow() {
    std::vector<Beat> bigger(ring_.size() * 2);
    for (std::size_t k = first_; k < first_ + size_; ++k) bigger[k & (bigger.size() - 1)] = at(k);
    ring_ = std::move(bigger);
    mask_ = ring_.size() - 1;
}

void RollingHrv::mark_gap() {
    gap_pending_ = true;
}

void RollingHrv::append(double t_s, double rr_ms) {
    if (size_ == ring_.size()) grow();
    const std::size_t k = first_ + size_;
    ring_[k & mask_] = {t_s, rr_ms, gap_pending_ || size_ == 0};
    gap_pending_ = false;
    ++size_;
    ++count_;
    for (Window* w : {&short_, &long_}) {
        w->sum_rr += rr_ms;
        if (!at(k).after_gap && k > w->start) {
            const double d = rr_ms - at(k - 1).rr_ms;
            w->sum_sq_diff += d * d;
            ++w->diffs;
        }
        advance(*w, t_s);
        if (count_ % kResumInterval == 0) resum(*w);
    }
    // Drop beats older than the history and both windows need.
    const double keep_from = t_s - std::max({config_.history_s, short_.length_s, long_.length_s});
    while (size_ > 1 && at(first_).t_s <= keep_from &&
           first_ < std::min(short_.start, long_.start)) {
        ++first_;
        --size_;
    }
    update_metrics();
}

// Move the window start past beats that ended at or before now - length.
void RollingHrv::advance(Window& w, double now_s) {
    const std::size_t end = first_ + size_;
    while (w.start + 1 < end && at(w.start).t_s <= now_s - w.length_s) {
        w.sum_rr -= at(w.start).rr_ms;
        const Beat& next = at(w.start + 1);
        if (!next.after_gap) {
            const double d = next.rr_ms - at(w.start).rr_ms;
            w.sum_sq_diff -= d * d;
            --w.diffs;
        }
        ++w.start;
    }
}

void RollingHrv::resum(Window& w) const {
    w.sum_rr = 0;
    w.sum_sq_diff = 0;
    w.diffs = 0;
    for (std::size_t k = w.start; k < first_ + size_; ++k) {
        w.sum_rr += at(k).rr_ms;
        if (k > w.start && !at(k).after_gap) {
            const double d = at(k).rr_ms - at(k - 1).rr_ms;
            w.sum_sq_diff += d * d;
            ++w.diffs;
        }
    }
}

void RollingHrv::update_metrics() {
    const std::size_t end = first_ + size_;
    metrics_.t_s = at(end - 1).t_s;
    metrics_.beats = count_;
    const auto n_short = static_cast<double>(end - short_.start);
    metrics_.hr_bpm = 60000.0 / (short_.sum_rr / n_short);
    metrics_.rmssd_short_ms.reset();
    metrics_.rmssd_long_ms.reset();
    if (short_.diffs > 0) {
        metrics_.rmssd_short_ms =
            std::sqrt(std::max(0.0, short_.sum_sq_diff) / double(short_.diffs));
    }
    if (long_.diffs > 0) {
        metrics_.rmssd_long_ms = std::sqrt(std::max(0.0, long_.sum_sq_diff) / double(long_.diffs));
    }
    metrics_.mean_rr_long_ms = long_.sum_rr / static_cast<double>(end - long_.start);
}

void RollingHrv::copy_span(double from_s, std::vector<double>& t, std::vector<double>& rr) const {
    t.clear();
    rr.clear();
    for (std::size_t k = first_; k < first_ + size_; ++k) {
        if (at(k).t_s < from_s) continue;
        t.push_back(at(k).t_s);
        rr.push_back(at(k).rr_ms);
    }
}

std::optional<CoherenceWindow> RollingHrv::refresh_coherence(std::vector<double>* power_out) {
    if (size_ == 0) return std::nullopt;
    const double end = metrics_.t_s;
    const CoherenceSettings& cs = config_.analysis.coherence;
    copy_span(end - cs.window_s - 5.0, scratch_t_, scratch_rr_);  // one beat of margin
    return coherence_window(scratch_t_, scratch_rr_, end, cs, plans_, power_out);
}

std::optional<FrequencyDomain> RollingHrv::refresh_spectrum() {
    if (size_ == 0) return std::nullopt;
    copy_span(metrics_.t_s - config_.history_s, scratch_t_, scratch_rr_);
    if (scratch_t_.size() < 4 || scratch_t_.back() - scratch_t_.front() < kMinSecondsFrequency) {
        return std::nullopt;
    }
    return frequency_domain(scratch_t_, scratch_rr_, config_.analysis.spectrum, plans_);
}

}  // namespace steady::hrv
