// The session clock: seconds since the session started, monotonic. Real time at speed 1; the
// simulator and replay may run it faster (speed N: N session seconds per real second) so a
// 30-minute session is tested in seconds. Nothing else in Steady reads the wall clock for timing.
#pragma once

#include <atomic>
#include <chrono>

namespace steady {

class SessionClock {
  public:
    explicit SessionClock(double speed = 1.0);
    double speed() const { return speed_; }
    double now_s() const;
    // Sleeps until the clock reads `t_s` or `stop` becomes true, waking at least every 50 ms of
    // real time to look at `stop`. Returns false if stopped.
    bool sleep_until(double t_s, const std::atomic<bool>& stop) const;

  private:
    double speed_;
    std::chrono::steady_clock::time_point start_;
};

}  // namespace steady
