#include "engine/online_screen.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace steady {

bool OnlineScreen::accept(double rr_ms) {
    if (!(rr_ms >= kMinRrMs && rr_ms <= kMaxRrMs)) return false;  // also rejects NaN
    bool ok = true;
    if (history_.size() >= kWarmup) {
        std::array<double, kHistory> v{};
        std::copy(history_.begin(), history_.end(), v.begin());
        const auto n = static_cast<std::ptrdiff_t>(history_.size());
        std::nth_element(v.begin(), v.begin() + n / 2, v.begin() + n);
        const double median = v[static_cast<std::size_t>(n / 2)];
        const double off = std::abs(rr_ms - median);
        ok = off <= kRelativeLimit * median ||
             (previous_ > 0 && std::abs(rr_ms - previous_) <= kStepLimit * previous_ &&
              off <= kFollowLimit * median);
        if (previous_ > 0 && std::abs(rr_ms - previous_) > kJumpLimit * previous_) ok = false;
    }
    if (!ok && ++rejected_in_row_ < kResetAfter) return false;
    if (!ok) previous_ = 0;
    if (!ok) history_.clear();  // a new rhythm: follow it
    rejected_in_row_ = 0;
    previous_ = rr_ms;
    history_.push_back(rr_ms);
    if (history_.size() > kHistory) history_.pop_front();
    return ok;
}

}  // namespace steady
