// Beat times from RR sums, anchored to arrival. A BLE strap delivers 0-3 RR values about once a
// second, up to seconds after the beats, so arrival time alone puts beats in clumps; the RR sum
// alone drifts (sensor clock vs ours) and cannot see lost beats. Each beat is placed at the
// previous beat + RR, then:
// - if that lands after its own arrival (the sum runs fast), it is pulled back to the arrival;
// - if the arrival is more than kGapAfterS later than the sum and the usual lag allow, or the
//   driver flags a gap,
//   beats were lost: the beat is re-anchored at its arrival and marked gap-before (never filled);
// - a steady lag (smallest latency over the last kLatencyWindowS above kMaxLatencyS) is taken
//   out slowly, kDriftGain of the excess per beat, so drift never accumulates.
#pragma once

#include <cstdint>
#include <deque>

#include "sensor/sensor.h"

namespace steady {

class BeatTimeline {
  public:
    static constexpr double kGapAfterS = 3.0;
    static constexpr double kMaxLatencyS = 1.0;
    static constexpr double kLatencyWindowS = 30.0;
    static constexpr double kDriftGain = 0.05;

    struct Placed {
        double t_s;
        bool gap_before;
    };
    Placed place(const BeatEvent& e);

  private:
    bool started_ = false;
    double last_t_s_ = 0;
    std::deque<std::pair<double, double>> latency_;  // (arrival, arrival - placed), recent first
};

}  // namespace steady
