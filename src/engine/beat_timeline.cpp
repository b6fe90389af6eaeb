#include "engine/beat_timeline.h"

#include <algorithm>

namespace steady {

BeatTimeline::Placed BeatTimeline::place(const BeatEvent& e) {
    const double rr_s = e.rr_ms / 1000.0;
    // The usual lag between a beat and its arrival, from the recent past (0 after an anchor).
    double usual_latency = latency_.empty() ? 0.0 : latency_.front().second;
    for (const auto& l : latency_) usual_latency = std::min(usual_latency, l.second);
    if (!started_ || (e.flags & kBeatGapBefore) ||
        e.arrival_s - (last_t_s_ + rr_s) - usual_latency > kGapAfterS) {
        const bool gap = started_;
        started_ = true;
        last_t_s_ = e.arrival_s;
        latency_.clear();
        return {last_t_s_, gap};
    }
    double t = last_t_s_ + rr_s;
    if (t > e.arrival_s) t = e.arrival_s;  // a beat cannot end after it arrived
    // Smallest latency over the recent window: how far behind the arrivals we sit at best.
    latency_.emplace_front(e.arrival_s, e.arrival_s - t);
    while (!latency_.empty() && e.arrival_s - latency_.back().first > kLatencyWindowS)
        latency_.pop_back();
    double min_latency = latency_.front().second;
    for (const auto& l : latency_) min_latency = std::min(min_latency, l.second);
    if (min_latency > kMaxLatencyS) {
        const double nudge = kDriftGain * (min_latency - kMaxLatencyS);
        t += nudge;
        for (auto& l : latency_) l.second -= nudge;  // the lag already taken out
    }
    last_t_s_ = t;
    return {t, false};
}

}  // namespace steady
