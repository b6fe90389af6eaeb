// Online artifact screen: each RR is judged on arrival against the median of the last accepted
// beats, so a missed beat (about 2x), an extra beat (about 0.5x) or an ectopic pair (short, then
// long) never enters the rolling metrics. The batch corrector (hrv/artifacts.h) needs beats on
// both sides and serves whole-record analysis; this one sees only the past.
// Rule: outside [kMinRrMs, kMaxRrMs], or more than kRelativeLimit away from the median of the
// last kHistory accepted beats. After kResetAfter rejections in a row the history is cleared, so
// a genuine sudden change of rhythm is followed instead of being rejected for ever.
#pragma once

#include <cstddef>
#include <deque>

namespace steady {

class OnlineScreen {
  public:
    static constexpr double kMinRrMs = 250;   // 240 bpm
    static constexpr double kMaxRrMs = 2500;  // 24 bpm
    static constexpr double kRelativeLimit = 0.25;
    static constexpr std::size_t kHistory = 15;
    static constexpr std::size_t kWarmup = 5;  // accepted beats before the median is trusted
    static constexpr std::size_t kResetAfter = 8;

    // True when `rr_ms` is accepted.
    bool accept(double rr_ms);
    // Forget the history (after a gap the rhythm may have changed).
    void reset() { history_.clear(); }

  private:
    std::deque<double> history_;
    std::size_t rejected_in_row_ = 0;
};

}  // namespace steady
