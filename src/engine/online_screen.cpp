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
        ok = std::abs(rr_ms - median) <= kRelativeLimit * median;
    }
    if (!ok && ++rejected_in_row_ < kResetAfter) return false;
    if (!ok) history_.clear();  // a new rhythm: follow it
    rejected_in_row_ = 0;
    history_.push_back(rr_ms);
    if (history_.size() > kHistory) history_.pop_front();
    return ok;
}

}  // namespace steady
