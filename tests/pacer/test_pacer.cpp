// The breathing pacer: schedule (phase as a pure function of time), changes at cycle
// boundaries, pause/resume, and the adaptation rule's bounds, direction and rate limit.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "pacer/adaptive.h"
#include "pacer/schedule.h"

using namespace steady;
using namespace steady::pacer;

namespace {
Pattern p478() { return *find_pattern("4-7-8", {}); }

// Largest change of lung volume per second anywhere in a pattern: the raised cosine's slope
// peaks at pi / (2 x phase length).
double max_slope(const Pattern& p, double count_s) {
    return M_PI / 2 / (std::min(p.counts[0], p.counts[2]) * count_s);
}
}  // namespace

TEST_CASE("4-7-8 at one second per count: phases, counts and volume by hand", "[pacer]") {
    const Schedule s(p478(), 1.0);
    Point p = s.at(2.0);
    CHECK(p.phase == Phase::inhale);
    CHECK(p.phase_progress == Approx(0.5));
    CHECK(p.volume == Approx(0.5));
    CHECK(p.count == 3);
    p = s.at(4 + 3.5);
    CHECK(p.phase == Phase::hold);
    CHECK(p.count == 4);
    CHECK(p.volume == Approx(1.0));
    CHECK(p.phase_left_s == Approx(3.5));
    p = s.at(11 + 4);
    CHECK(p.phase == Phase::exhale);
    CHECK(p.volume == Approx(0.5));
    CHECK(p.count == 5);
    p = s.at(19 + 0.25);
    CHECK(p.cycle == 1);
    CHECK(p.phase == Phase::inhale);
    CHECK(p.cycle_s == Approx(19));
    // Box has a hold-out phase with empty lungs.
    const Schedule box(*find_pattern("box", {}), 1.0);
    CHECK(box.at(13).phase == Phase::hold_out);
    CHECK(box.at(13).volume == 0);
    CHECK(find_pattern("resonance", {})->rate_bpm(find_pattern("resonance", {})->count_s) ==
          Approx(5.5));
}

TEST_CASE("changes take effect at the next cycle boundary and the breath never jumps, at any "
          "frame rate",
          "[pacer]") {
    const std::vector<Pattern> patterns{p478(), *find_pattern("box", {}),
                                        *find_pattern("equal", {}),
                                        *find_pattern("resonance", {})};
    // The same requests (pattern and tempo changes at fixed session times) seen through
    // different frame rates, one irregular.
    struct Request {
        double t_s;
        std::size_t pattern;
        double count_s;
    };
    std::mt19937 rng(7);
    std::vector<Request> requests;
    double t = 3;
    for (int i = 0; i < 40; ++i) {
        t += std::uniform_real_distribution<double>(1, 25)(rng);
        requests.push_back({t, static_cast<std::size_t>(rng() % patterns.size()),
                            std::uniform_real_distribution<double>(0.55, 1.0)(rng)});
    }
    const double end_s = t + 60;
    std::vector<std::vector<std::pair<double, double>>> boundaries_seen;
    for (const double fps : {24.0, 60.0, 144.0, 0.0}) {
        Schedule s(patterns[0], 0.8);
        std::size_t next = 0;
        double prev_v = 0, prev_t = 0;
        double frame_t = 0;
        std::minstd_rand jitter(3);
        std::vector<std::pair<double, double>> effective;
        while (frame_t < end_s) {
            // A request is handled on the first frame at or after its time.
            while (next < requests.size() && requests[next].t_s <= frame_t) {
                const double at = s.change_at_next_boundary(
                    frame_t, patterns[requests[next].pattern], requests[next].count_s);
                CHECK(at >= frame_t);
                // Lungs are empty at the boundary under both the old and the new tempo.
                CHECK(s.at(at).volume == Approx(0).margin(1e-9));
                CHECK(s.at(at).phase == Phase::inhale);
                CHECK(s.at(at).cycle_pos_s == Approx(0).margin(1e-9));
                effective.push_back({requests[next].t_s, at});
                ++next;
            }
            const Point p = s.at(frame_t);
            const double dt = frame_t - prev_t;
            if (dt > 0) {
                // No jump: volume moves no faster than the steepest phase allows.
                CHECK(std::abs(p.volume - prev_v) <= max_slope(patterns[0], 0.55) * dt + 1e-9);
            }
            prev_v = p.volume;
            prev_t = frame_t;
            frame_t += fps > 0 ? 1.0 / fps
                               : std::uniform_real_distribution<double>(0.001, 0.1)(jitter);
        }
        boundaries_seen.push_back(effective);
    }
    // Each request took effect at the same boundary whatever the frame rate (unless the frame
    // that saw it fell into the next cycle, which the slowest frame, 0.1 s, cannot cause here).
    for (std::size_t k = 1; k < boundaries_seen.size(); ++k) {
        REQUIRE(boundaries_seen[k].size() == boundaries_seen[0].size());
        for (std::size_t i = 0; i < boundaries_seen[0].size(); ++i)
            CHECK(boundaries_seen[k][i].second ==
                  Approx(boundaries_seen[0][i].second).margin(1e-6));
    }
}

TEST_CASE("pausing freezes the breath and resuming continues from the same point", "[pacer]") {
    Schedule s(p478(), 1.0);
    const Point before = s.at(6.3);
    s.pause(6.3);
    CHECK(s.at(10).volume == Approx(before.volume));
    CHECK(s.at(10).paused);
    CHECK(s.at(10).phase == before.phase);
    s.resume(20);
    CHECK(s.at(20).volume == Approx(before.volume));
    CHECK(s.at(20).cycle_pos_s == Approx(6.3));
    // The cycle ends 19 - 6.3 s after resuming, and counts one cycle.
    CHECK(s.next_boundary(20.5) == Approx(20 + 19 - 6.3));
    CHECK(s.at(20 + 19 - 6.3 + 0.1).cycle == 1);
    // A change while paused applies when the pacer resumes.
    s.pause(25);
    s.change_at_next_boundary(26, *find_pattern("box", {}), 1.0);
    s.resume(30);
    CHECK(s.at(30).cycle_s == Approx(16));
}

namespace {
// Drives an adaptive pacer once a second for `seconds` with fixed inputs; returns the changes.
std::vector<PacerChange> drive(AdaptivePacer& a, double from_s, double seconds,
                               const PacerInputs& in) {
    std::vector<PacerChange> out;
    for (double t = from_s; t < from_s + seconds; t += 1)
        if (auto ch = a.update(t, in)) out.push_back(*ch);
    return out;
}
}  // namespace

TEST_CASE("arousal shortens the count toward the fast bound and calm lengthens it, 10 % per "
          "cycle at most",
          "[pacer]") {
    AdaptConfig cfg;  // 0.55-1.0
    AdaptivePacer a(p478(), cfg);
    PacerInputs in;
    in.baseline_ready = true;
    in.arousal_level = 1.0;
    auto changes = drive(a, 0, 600, in);
    REQUIRE(changes.size() >= 3);
    for (const PacerChange& ch : changes) {
        CHECK(ch.reason == "arousal");
        CHECK(ch.to_count_s < ch.from_count_s);  // direction
        CHECK(ch.to_count_s >= ch.from_count_s * 0.9 - 1e-12);  // rate
        CHECK(ch.to_count_s >= 0.55 - 1e-12);                    // bound
        CHECK(ch.effective_s > ch.t_s);
        CHECK(ch.arousal == 1.0);
    }
    CHECK(a.planned_count_s(600) == Approx(0.55));
    CHECK(a.at_fastest(600));
    // One change per cycle at most: their effective times are whole cycles apart.
    for (std::size_t i = 1; i < changes.size(); ++i)
        CHECK(changes[i].effective_s - changes[i - 1].effective_s >=
              p478().cycle_s(changes[i - 1].to_count_s) - 1e-6);

    in.arousal_level = 0.0;
    changes = drive(a, 600, 900, in);
    REQUIRE(!changes.empty());
    for (const PacerChange& ch : changes) {
        CHECK(ch.to_count_s > ch.from_count_s);
        CHECK(ch.to_count_s <= ch.from_count_s * 1.1 + 1e-12);
        CHECK(ch.to_count_s <= 1.0 + 1e-12);
    }
    CHECK(a.planned_count_s(1500) == Approx(1.0));

    // Half way between the band edges: half way between the counts.
    in.arousal_level = 0.5;
    drive(a, 1500, 900, in);
    CHECK(a.planned_count_s(2400) == Approx(0.775).epsilon(0.02));
}

TEST_CASE("user bounds hold, nothing adapts without a baseline or when switched off", "[pacer]") {
    AdaptConfig cfg;
    cfg.fast_count_s = 0.7;
    cfg.slow_count_s = 0.9;
    AdaptivePacer a(p478(), cfg);
    PacerInputs in;
    in.arousal_level = 1;
    CHECK(drive(a, 0, 300, in).empty());  // no baseline yet
    in.baseline_ready = true;
    drive(a, 300, 600, in);
    CHECK(a.planned_count_s(900) == Approx(0.7));
    in.arousal_level = 0;
    drive(a, 900, 600, in);
    CHECK(a.planned_count_s(1500) == Approx(0.9));

    AdaptConfig off;
    off.enabled = false;
    AdaptivePacer b(p478(), off);
    in.arousal_level = 1;
    CHECK(drive(b, 0, 600, in).empty());
    CHECK(b.planned_count_s(600) == Approx(0.8));

    cfg.fast_count_s = 1.2;
    CHECK(check_adapt(cfg).has_value());
}

TEST_CASE("the pacer eases after two cycles the breathing cannot follow, not after one",
          "[pacer]") {
    AdaptConfig cfg;
    AdaptivePacer a(p478(), cfg);
    PacerInputs in;
    in.baseline_ready = true;
    in.arousal_level = 0.0;  // calm would lengthen the count...
    in.breathing_bpm = 3.9;  // ...and the breathing follows (0.8 s count: 3.95/min)
    drive(a, 0, 100, in);
    const double followed = a.planned_count_s(100);
    CHECK(followed > 0.8);
    // One cycle off pace: nothing eases.
    const double t1 = a.schedule().next_boundary(100.5);
    in.breathing_bpm = 10;
    auto changes = drive(a, 101, t1 - 101 + 1, in);
    for (const PacerChange& ch : changes) CHECK(ch.reason != "ease");
    // Still off pace for another cycle: it eases, toward the faster breathing.
    changes = drive(a, std::ceil(t1) + 1, 60, in);
    REQUIRE(!changes.empty());
    CHECK(changes.front().reason == "ease");
    CHECK(changes.front().to_count_s < changes.front().from_count_s);
    CHECK(changes.front().to_count_s >= changes.front().from_count_s * 0.9 - 1e-12);
    // While the breathing stays off pace, calm arousal does not lengthen it back.
    changes = drive(a, std::ceil(t1) + 61, 600, in);
    for (const PacerChange& ch : changes) CHECK(ch.to_count_s <= ch.from_count_s + 1e-12);
    CHECK(a.at_fastest(std::ceil(t1) + 661));
}

TEST_CASE("resonance drifts toward the LF peak within 0.5 breaths/min", "[pacer]") {
    AdaptivePacer a(*find_pattern("resonance", {}), AdaptConfig{});
    PacerInputs in;
    in.baseline_ready = true;
    in.lf_peak_hz = 0.08;  // 4.8/min: beyond the span
    const auto changes = drive(a, 0, 1200, in);
    REQUIRE(!changes.empty());
    for (const PacerChange& ch : changes) {
        CHECK(ch.reason == "resonance");
        const double from_bpm = 60 / (10 * ch.from_count_s), to_bpm = 60 / (10 * ch.to_count_s);
        CHECK(to_bpm < from_bpm);
        CHECK(from_bpm - to_bpm <= 0.1 + 1e-9);
    }
    const double rate = 60 / (10 * a.planned_count_s(1200));
    CHECK(rate == Approx(5.0).margin(0.01));
}
