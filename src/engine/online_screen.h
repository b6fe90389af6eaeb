// Online artifact screen: each RR is judged on arrival against the median of the last accepted
// beats, so a missed beat (about 2x), an extra beat (about 0.5x) or an ectopic pair (short, then
// long) never enters the rolling metrics. The batch corrector (hrv/artifacts.h) needs beats on
// both sides and serves whole-record analysis; this one sees only the past.
// Rule: outside [kMinRrMs, kMaxRrMs], or more than kRelativeLimit away from the median of the
// last kHistory accepted beats, unless it is within kStepLimit of the previous accepted beat and
// within kFollowLimit of the median: the smooth swing of strong slow-breathing RSA (at resonance
// RR can swing +-25 % over a breath, but by under 15 % from one beat to the next), where an
// ectopic beat jumps about 35 % from its neighbour and a missed or extra beat 50-100 %. A jump of
// more than kJumpLimit from the previous accepted beat is set aside even inside the median's
// band (an ectopic at the long end of a wide swing lands there). After
// kResetAfter rejections in a row the history is cleared, so a genuine sudden change of rhythm
// is followed instead of being rejected for ever.
#pragma once

#include <cstddef>
#include <deque>

namespace steady {

class OnlineScreen {
  public:
    static constexpr double kMinRrMs = 250;   // 240 bpm
    static constexpr double kMaxRrMs = 2500;  // 24 bpm
    static constexpr double kRelativeLimit = 0.25;
    static constexpr double kStepLimit = 0.18;
    static constexpr double kFollowLimit = 0.45;
    static constexpr double kJumpLimit = 0.30;
    static constexpr std::size_t kHistory = 15;
    static constexpr std::size_t kWarmup = 5;  // accepted beats before the median is trusted
    static constexpr std::size_t kResetAfter = 8;

    // True when `rr_ms` is accepted.
    bool accept(double rr_ms);
    // Forget the history (after a gap the rhythm may have changed).
    void reset() {
        history_.clear();
        previous_ = 0;
    }

  private:
    std::deque<double> history_;
    double previous_ = 0;  // the last accepted beat (0: none since a reset)
    std::size_t rejected_in_row_ = 0;
};

}  // namespace steady
