#include "engine/clock.h"

#include <algorithm>
#include <thread>

namespace steady {

SessionClock::SessionClock(double speed)
    : speed_(speed > 0 ? speed : 1.0), start_(std::chrono::steady_clock::now()) {}

double SessionClock::now_s() const {
    const std::chrono::duration<double> real = std::chrono::steady_clock::now() - start_;
    return real.count() * speed_;
}

bool SessionClock::sleep_until(double t_s, const std::atomic<bool>& stop) const {
    for (;;) {
        if (stop.load(std::memory_order_relaxed)) return false;
        const double wait_real_s = (t_s - now_s()) / speed_;
        if (wait_real_s <= 0) return true;
        std::this_thread::sleep_for(std::chrono::duration<double>(std::min(wait_real_s, 0.05)));
    }
}

}  // namespace steady
