// The pacer's schedule shared across threads: the session thread (which adapts it) publishes a
// copy whenever it changes; the window (every frame) and the simulated person (every beat) read
// where the breath is at their own session time. A short lock around a copy of two or three
// segments; readers never wait on anything else.
#pragma once

#include <mutex>

#include "pacer/schedule.h"

namespace steady::pacer {

class SharedSchedule {
  public:
    void publish(const Schedule& s) {
        const std::lock_guard lock(mutex_);
        schedule_ = s;
    }
    Schedule get() const {
        const std::lock_guard lock(mutex_);
        return schedule_;
    }
    Point at(double t_s) const {
        const std::lock_guard lock(mutex_);
        return schedule_.at(t_s);
    }
    // Lung volume for a breathing person following the pacer; negative while paused or unset.
    double volume(double t_s) const {
        const std::lock_guard lock(mutex_);
        if (schedule_.empty()) return -1;
        const Point p = schedule_.at(t_s);
        return p.paused ? -1 : p.volume;
    }

    // The breath cycle's length at t_s; 0 while paused or unset.
    double cycle_s(double t_s) const {
        const std::lock_guard lock(mutex_);
        if (schedule_.empty()) return 0;
        const Point p = schedule_.at(t_s);
        return p.paused ? 0 : p.cycle_s;
    }

  private:
    mutable std::mutex mutex_;
    Schedule schedule_;
};

}  // namespace steady::pacer
