// The pacer's timeline: where in the breath the pacer is at any session time. The phase is a pure
// function of session time and a short list of segments (never a sum of frame deltas), so every
// frame rate draws the same breath. A change of pattern or tempo is a new segment that starts at
// the next cycle boundary, where the lungs are empty in every pattern, so the visual never jumps.
// Pausing freezes the breath where it is; resuming carries on from that point.
#pragma once

#include <cstddef>
#include <vector>

#include "pacer/pattern.h"

namespace steady::pacer {

struct Segment {
    double start_s = 0;   // session time the segment takes over
    double offset_s = 0;  // position in the cycle at start_s (non-zero after a resume)
    double count_s = 1;   // seconds per count
    Pattern pattern;
    bool paused = false;  // frozen at offset_s
    double cycle_s() const { return pattern.cycle_s(count_s); }
};

// Where the pacer is at one moment.
struct Point {
    Phase phase = Phase::inhale;
    double phase_progress = 0;  // 0-1 through the phase
    double phase_s = 0;         // length of this phase
    double phase_left_s = 0;    // until the next phase
    int count = 1;              // 1-based count within the phase (what a voice would say)
    double volume = 0;          // lung volume 0-1, raised-cosine on inhale and exhale
    double cycle_pos_s = 0;     // seconds into the cycle
    double cycle_s = 0;
    double count_s = 0;
    long cycle = 0;  // cycles completed since the pacer started (pauses do not count)
    bool paused = false;
};

// Lung volume 0-1 at `pos_s` into a cycle of `pattern` with `count_s` seconds per count.
double volume_at(const Pattern& pattern, double count_s, double pos_s);

class Schedule {
  public:
    Schedule() = default;
    Schedule(const Pattern& pattern, double count_s, double start_s = 0);

    bool empty() const { return segments_.empty(); }
    Point at(double t_s) const;
    // The first cycle boundary strictly after `t_s`, in the segment in force at t_s. For a
    // paused pacer: never (a large number).
    double next_boundary(double t_s) const;
    // Makes (pattern, count_s) take effect at the next cycle boundary after `t_s`, replacing any
    // change already waiting for a later boundary. Returns the time it takes effect.
    double change_at_next_boundary(double t_s, const Pattern& pattern, double count_s);
    void pause(double t_s);
    void resume(double t_s);
    bool paused_at(double t_s) const;
    // The segment in force at `t_s` and the one waiting after it, if any.
    const Segment& segment_at(double t_s) const;
    const Segment* pending_after(double t_s) const;
    // Drops segments that ended before `t_s` (keeps the list short for long sessions).
    void forget_before(double t_s);
    const std::vector<Segment>& segments() const { return segments_; }

  private:
    std::size_t index_at(double t_s) const;
    std::vector<Segment> segments_;  // ordered by start_s
    std::vector<long> cycles_at_start_;  // completed cycles when each segment starts
};

}  // namespace steady::pacer
