#include "pacer/adaptive.h"

#include <algorithm>
#include <cmath>

namespace steady::pacer {

std::optional<std::string> check_adapt(const AdaptConfig& c) {
    if (!(c.fast_count_s >= 0.2 && c.fast_count_s <= 5))
        return "fast_count_s must be between 0.2 and 5 seconds";
    if (!(c.slow_count_s >= 0.2 && c.slow_count_s <= 5))
        return "slow_count_s must be between 0.2 and 5 seconds";
    if (!(c.fast_count_s <= c.slow_count_s))
        return "fast_count_s must not be longer than slow_count_s";
    return std::nullopt;
}

AdaptivePacer::AdaptivePacer(const Pattern& pattern, const AdaptConfig& config, double start_s)
    : pattern_(pattern),
      config_(config),
      schedule_(pattern, pattern.adapt == Adapt::arousal ? clamp_count(pattern.count_s)
                                                         : pattern.count_s,
                start_s),
      settle_until_s_(start_s + config.follow_settle_s),
      resonance_center_bpm_(pattern.rate_bpm(pattern.count_s)) {}

double AdaptivePacer::clamp_count(double c) const {
    return std::clamp(c, config_.fast_count_s, config_.slow_count_s);
}

double AdaptivePacer::step_toward(double from, double target) const {
    const double max_change = config_.max_step * from;
    return from + std::clamp(target - from, -max_change, max_change);
}

double AdaptivePacer::planned_count_s(double t_s) const {
    if (const Segment* next = schedule_.pending_after(t_s)) return next->count_s;
    return schedule_.segment_at(t_s).count_s;
}

bool AdaptivePacer::at_fastest(double t_s) const {
    return planned_count_s(t_s) <= config_.fast_count_s * (1 + 1e-6);
}

std::optional<PacerChange> AdaptivePacer::update(double t_s, const PacerInputs& in) {
    if (schedule_.paused_at(t_s)) return std::nullopt;
    const Point now = schedule_.at(t_s);
    if (now.cycle == decided_cycle_) return std::nullopt;
    decided_cycle_ = now.cycle;  // a new cycle began: decide the next one
    if (schedule_.pending_after(t_s)) return std::nullopt;  // a change is already waiting
    schedule_.forget_before(t_s - kKeepHistoryS);

    const double count = now.count_s;
    const double paced_bpm = 60.0 / now.cycle_s;
    // Follow check on the cycle that just ended.
    bool ease = false;
    if (config_.enabled && in.breathing_bpm && t_s >= settle_until_s_) {
        const double off = std::abs(*in.breathing_bpm - paced_bpm);
        const bool off_pace =
            off > std::max(config_.follow_min_bpm, config_.follow_tolerance * paced_bpm);
        off_pace_cycles_ = off_pace ? off_pace_cycles_ + 1 : 0;
        on_pace_cycles_ = off_pace ? 0 : on_pace_cycles_ + 1;
        ease = off_pace_cycles_ >= config_.ease_after_cycles;
        if (on_pace_cycles_ >= config_.ease_after_cycles && eased_limit_s_ < 1e9)
            eased_limit_s_ *= 1 + config_.max_step;  // following again: lift the limit
    } else {
        off_pace_cycles_ = 0;
    }
    if (!config_.enabled) return std::nullopt;

    PacerChange ch;
    ch.t_s = t_s;
    ch.pattern = pattern_.name;
    ch.from_count_s = count;
    ch.arousal = in.arousal_level;
    ch.breathing_bpm = in.breathing_bpm;
    double target = count;
    if (ease && pattern_.adapt != Adapt::none) {
        ch.reason = "ease";
        target = pattern_.total_counts() > 0 ? 60.0 / *in.breathing_bpm / pattern_.total_counts()
                                             : count;
        if (pattern_.adapt == Adapt::arousal) target = clamp_count(target);
        off_pace_cycles_ = 0;
        eased_limit_s_ = std::max(step_toward(count, target), config_.fast_count_s);
    } else if (pattern_.adapt == Adapt::arousal && in.baseline_ready) {
        ch.reason = "arousal";
        const double x = std::clamp((in.arousal_level - config_.calm_below) /
                                        (config_.high_from - config_.calm_below),
                                    0.0, 1.0);
        target = config_.slow_count_s - x * (config_.slow_count_s - config_.fast_count_s);
        target = std::min(target, eased_limit_s_);
    } else if (pattern_.adapt == Adapt::resonance && in.lf_peak_hz) {
        ch.reason = "resonance";
        const double want_bpm =
            std::clamp(60.0 * *in.lf_peak_hz, resonance_center_bpm_ - config_.resonance_span_bpm,
                       resonance_center_bpm_ + config_.resonance_span_bpm);
        const double step_bpm =
            std::clamp(want_bpm - paced_bpm, -config_.resonance_step_bpm,
                       config_.resonance_step_bpm);
        if (std::abs(want_bpm - paced_bpm) < 0.05) return std::nullopt;
        target = 60.0 / (paced_bpm + step_bpm) / pattern_.total_counts();
    } else {
        return std::nullopt;
    }
    double next = step_toward(count, target);
    if (pattern_.adapt == Adapt::arousal) next = clamp_count(next);
    if (pattern_.adapt == Adapt::arousal && std::abs(next - count) < config_.deadband * count)
        return std::nullopt;
    ch.to_count_s = next;
    ch.cycle_s = pattern_.cycle_s(next);
    ch.effective_s = schedule_.change_at_next_boundary(t_s, pattern_, next);
    return ch;
}

PacerChange AdaptivePacer::set_pattern(double t_s, const Pattern& pattern, double arousal_level) {
    PacerChange ch;
    ch.t_s = t_s;
    ch.reason = "pattern";
    ch.pattern = pattern.name;
    ch.from_count_s = schedule_.segment_at(t_s).count_s;
    ch.arousal = arousal_level;
    pattern_ = pattern;
    resonance_center_bpm_ = pattern.rate_bpm(pattern.count_s);
    const double count =
        pattern.adapt == Adapt::arousal ? clamp_count(pattern.count_s) : pattern.count_s;
    ch.to_count_s = count;
    ch.cycle_s = pattern.cycle_s(count);
    ch.effective_s = schedule_.change_at_next_boundary(t_s, pattern, count);
    settle_until_s_ = ch.effective_s + config_.follow_settle_s;
    off_pace_cycles_ = on_pace_cycles_ = 0;
    eased_limit_s_ = 1e9;
    return ch;
}

}  // namespace steady::pacer
