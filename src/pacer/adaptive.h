// The adaptive pacer: a breathing schedule (schedule.h) whose tempo follows the person.
//
// The rule, as a clinician can check it (also in the README):
//   At the start of every breath cycle Steady chooses the count length for the following cycle.
//   It is the slow count (1.0 s by default) when arousal is calm (level below 0.35), the fast
//   count (0.55 s) when arousal is high (0.65 and above), and in proportion between; the pattern's
//   ratio (4-7-8) never changes. The count moves at most 10 % per cycle, stays within the bounds
//   the user set, and changes are smaller than 2 % are skipped. If the measured breathing rate
//   (the RSA peak of the last 64 s) stays more than 25 % (and at least 1.5 breaths/min) away from
//   the pacer for two cycles in a row, the count instead moves 10 % toward the measured rate
//   ("eases"), and arousal may not lengthen it again until the breathing has followed the pacer
//   for two cycles; then the limit lifts by 10 % per cycle. For the resonance pattern the rate drifts toward the user's LF peak, at most 0.1
//   breaths/min per cycle and within 0.5 breaths/min of its start (5.5).
// Nothing adapts before the resting baseline exists (arousal means nothing without it), and the
// follow check waits 64 s after the start or a pattern change so the estimate covers the new
// pace. Every change is returned as a PacerChange for the session's event list.
#pragma once

#include <optional>
#include <string>

#include "pacer/pattern.h"
#include "pacer/schedule.h"

namespace steady::pacer {

struct AdaptConfig {
    bool enabled = true;
    double fast_count_s = 0.55;  // at high arousal: 4-7-8 in 10.5 s
    double slow_count_s = 1.0;   // when calm: 4-7-8 in 19 s
    double max_step = 0.10;      // largest change per cycle, fraction of the count
    double deadband = 0.02;      // smaller changes are skipped
    double calm_below = 0.35;    // arousal levels (engine/arousal.h bands)
    double high_from = 0.65;
    double follow_tolerance = 0.25;  // fraction of the paced rate
    double follow_min_bpm = 1.5;
    int ease_after_cycles = 2;
    double follow_settle_s = 64;          // the estimate's window
    double resonance_span_bpm = 0.5;      // around the pattern's starting rate
    double resonance_step_bpm = 0.1;      // per cycle
};

// Checks user-set bounds; returns the reason they are unusable, or empty.
std::optional<std::string> check_adapt(const AdaptConfig& c);

struct PacerInputs {
    bool baseline_ready = false;
    double arousal_level = 0;             // 0-1
    std::optional<double> breathing_bpm;  // measured, last 64 s
    std::optional<double> lf_peak_hz;     // last 300 s
};

struct PacerChange {
    double t_s = 0;          // when decided
    double effective_s = 0;  // the cycle boundary where it takes effect
    std::string reason;      // "arousal", "ease", "resonance", "pattern"
    std::string pattern;
    double from_count_s = 0, to_count_s = 0;
    double cycle_s = 0;  // of the new tempo
    double arousal = 0;  // the level that caused it
    std::optional<double> breathing_bpm;
};

class AdaptivePacer {
  public:
    // The schedule keeps this much past (the window shades the last 2 minutes' phases).
    static constexpr double kKeepHistoryS = 300;

    AdaptivePacer(const Pattern& pattern, const AdaptConfig& config, double start_s = 0);

    // Call as session time moves forward (once a second is plenty). Decides the next cycle's
    // tempo once per cycle; returns the change when there is one.
    std::optional<PacerChange> update(double t_s, const PacerInputs& in);
    // A new pattern from the next cycle boundary, at its own starting count.
    PacerChange set_pattern(double t_s, const Pattern& pattern, double arousal_level);
    void pause(double t_s) { schedule_.pause(t_s); }
    void resume(double t_s) { schedule_.resume(t_s); }
    void set_enabled(bool on) { config_.enabled = on; }

    const Schedule& schedule() const { return schedule_; }
    const Pattern& pattern() const { return pattern_; }
    const AdaptConfig& config() const { return config_; }
    // The count length the pacer will use next (the waiting change if any, else the current).
    double planned_count_s(double t_s) const;
    // True when the count is at the fast bound (nothing left to ease).
    bool at_fastest(double t_s) const;

  private:
    double clamp_count(double c) const;
    double step_toward(double from, double target) const;

    Pattern pattern_;
    AdaptConfig config_;
    Schedule schedule_;
    long decided_cycle_ = -1;  // the cycle whose start last triggered a decision
    int off_pace_cycles_ = 0;
    int on_pace_cycles_ = 0;
    double eased_limit_s_ = 1e9;  // longest count arousal may choose after easing
    double settle_until_s_ = 0;
    double resonance_center_bpm_ = 0;
};

}  // namespace steady::pacer
