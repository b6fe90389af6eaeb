#include "pacer/schedule.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace steady::pacer {
namespace {
constexpr double kNever = 1e300;
constexpr double kEps = 1e-9;

double raised_cosine(double x) {  // 0 -> 0, 1 -> 1, zero slope at both ends
    return 0.5 - 0.5 * std::cos(std::numbers::pi * std::clamp(x, 0.0, 1.0));
}
}  // namespace

double volume_at(const Pattern& pattern, double count_s, double pos_s) {
    const double in = pattern.counts[0] * count_s, hold = pattern.counts[1] * count_s,
                 out = pattern.counts[2] * count_s;
    if (pos_s < in) return raised_cosine(pos_s / in);
    if (pos_s < in + hold) return 1.0;
    if (pos_s < in + hold + out) return 1.0 - raised_cosine((pos_s - in - hold) / out);
    return 0.0;
}

Schedule::Schedule(const Pattern& pattern, double count_s, double start_s) {
    segments_.push_back({start_s, 0, count_s, pattern, false});
    cycles_at_start_.push_back(0);
}

std::size_t Schedule::index_at(double t_s) const {
    // Last segment with start_s <= t_s; the first one also covers earlier times.
    std::size_t i = segments_.size() - 1;
    while (i > 0 && segments_[i].start_s > t_s) --i;
    return i;
}

const Segment& Schedule::segment_at(double t_s) const {
    return segments_[index_at(t_s)];
}

const Segment* Schedule::pending_after(double t_s) const {
    const std::size_t i = index_at(t_s);
    return i + 1 < segments_.size() ? &segments_[i + 1] : nullptr;
}

bool Schedule::paused_at(double t_s) const {
    return !empty() && segment_at(t_s).paused;
}

Point Schedule::at(double t_s) const {
    Point p;
    if (segments_.empty()) return p;
    const std::size_t i = index_at(t_s);
    const Segment& s = segments_[i];
    const double cycle = s.cycle_s();
    const double run_s = s.paused ? 0.0 : std::max(0.0, t_s - s.start_s);
    const double total = s.offset_s + run_s;
    const double whole = std::floor(total / cycle + kEps);
    double pos = total - whole * cycle;
    if (pos < 0) pos = 0;
    if (pos >= cycle) pos = 0;
    p.cycle = cycles_at_start_[i] + static_cast<long>(whole);
    p.cycle_pos_s = pos;
    p.cycle_s = cycle;
    p.count_s = s.count_s;
    p.paused = s.paused;
    p.volume = volume_at(s.pattern, s.count_s, pos);
    double phase_start = 0;
    for (int k = 0; k < 4; ++k) {
        const double len = s.pattern.counts[static_cast<std::size_t>(k)] * s.count_s;
        if (len <= 0) continue;
        if (pos < phase_start + len || k == 3 || (k == 2 && s.pattern.counts[3] <= 0)) {
            p.phase = static_cast<Phase>(k);
            p.phase_s = len;
            const double in_phase = std::clamp(pos - phase_start, 0.0, len);
            p.phase_progress = in_phase / len;
            p.phase_left_s = len - in_phase;
            p.count = std::min(static_cast<int>(std::floor(in_phase / s.count_s + kEps)) + 1,
                               static_cast<int>(std::ceil(s.pattern.counts[static_cast<std::size_t>(k)])));
            break;
        }
        phase_start += len;
    }
    return p;
}

double Schedule::next_boundary(double t_s) const {
    if (segments_.empty()) return t_s;
    const Segment& s = segment_at(t_s);
    if (s.paused) return kNever;
    const double cycle = s.cycle_s();
    const double total = s.offset_s + std::max(0.0, t_s - s.start_s);
    const double k = std::floor(total / cycle + kEps) + 1;
    return s.start_s + k * cycle - s.offset_s;
}

double Schedule::change_at_next_boundary(double t_s, const Pattern& pattern, double count_s) {
    const double at = next_boundary(t_s);
    if (at >= kNever) {  // paused: the change applies when the pacer resumes
        Segment& s = segments_[index_at(t_s)];
        s.pattern = pattern;
        s.count_s = count_s;
        s.offset_s = 0;
        return t_s;
    }
    const std::size_t i = index_at(t_s);
    segments_.resize(i + 1);  // a change waiting for a later boundary is replaced
    cycles_at_start_.resize(i + 1);
    const Segment& cur = segments_[i];
    const long done = cycles_at_start_[i] +
                      std::lround((cur.offset_s + (at - cur.start_s)) / cur.cycle_s());
    if (at - cur.start_s < kEps && cur.offset_s == 0) {
        // The current segment has not started yet, or starts right now: replace it in place.
        segments_[i].pattern = pattern;
        segments_[i].count_s = count_s;
        return at;
    }
    segments_.push_back({at, 0, count_s, pattern, false});
    cycles_at_start_.push_back(done);
    return at;
}

void Schedule::pause(double t_s) {
    if (segments_.empty() || paused_at(t_s)) return;
    const Point p = at(t_s);
    const std::size_t i = index_at(t_s);
    segments_.resize(i + 1);
    cycles_at_start_.resize(i + 1);
    Segment frozen = segments_[i];
    frozen.start_s = t_s;
    frozen.offset_s = p.cycle_pos_s;
    frozen.paused = true;
    segments_.push_back(frozen);
    cycles_at_start_.push_back(p.cycle);
}

void Schedule::resume(double t_s) {
    if (segments_.empty() || !paused_at(t_s)) return;
    const std::size_t i = index_at(t_s);
    Segment running = segments_[i];
    const long cycles = cycles_at_start_[i];
    segments_.resize(i + 1);
    cycles_at_start_.resize(i + 1);
    running.start_s = t_s;
    running.paused = false;
    segments_.push_back(running);
    cycles_at_start_.push_back(cycles);
}

void Schedule::forget_before(double t_s) {
    if (segments_.empty()) return;
    const std::size_t i = index_at(t_s);
    segments_.erase(segments_.begin(), segments_.begin() + static_cast<std::ptrdiff_t>(i));
    cycles_at_start_.erase(cycles_at_start_.begin(),
                           cycles_at_start_.begin() + static_cast<std::ptrdiff_t>(i));
}

}  // namespace steady::pacer
