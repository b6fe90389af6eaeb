// Engine parts against known inputs: beat placement under BLE-like delivery, the online
// artifact screen on inserted artifacts, trigger detection on a heart-rate step.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "engine/arousal.h"
#include "engine/beat_timeline.h"
#include "engine/online_screen.h"
#include "support/synthetic.h"

using namespace steady;

TEST_CASE("timeline: batched, late delivery keeps RR spacing and a bounded lag", "[engine]") {
    // A strap sends the RR values of the last second once a second, 0.2-1.2 s late. Its clock
    // runs 0.3 % slow: RR values are 0.3 % short of the true intervals, so a plain RR sum
    // would fall behind by 11 s an hour.
    const std::vector<double> rr = test::physiological_rr(3600, 4, 900);
    std::mt19937 rng(2);
    std::uniform_real_distribution<double> latency(0.2, 1.2);
    BeatTimeline tl;
    double t_true = 0, next_send = 1, max_lag = 0;
    std::vector<double> batch_true, batch_rr;
    std::vector<double> placed;
    int gaps = 0;
    const auto send = [&](double at) {
        for (std::size_t i = 0; i < batch_rr.size(); ++i) {
            const auto p = tl.place({batch_rr[i], at, 0});
            gaps += p.gap_before;
            max_lag = std::max(max_lag, std::abs(batch_true[i] - p.t_s));
            placed.push_back(p.t_s);
        }
        batch_true.clear();
        batch_rr.clear();
    };
    for (const double r : rr) {
        t_true += r / 1000;
        while (t_true > next_send) {
            send(next_send + latency(rng));
            next_send += 1;
        }
        batch_true.push_back(t_true);
        batch_rr.push_back(r * 0.997);
    }
    CHECK(gaps == 0);
    CHECK(max_lag < BeatTimeline::kMaxLatencyS + 1.5);  // never drifts away
    // No clumping: consecutive placed beats are one RR apart within the drift nudge.
    std::size_t clumped = 0;
    for (std::size_t i = 1; i < placed.size(); ++i) clumped += placed[i] - placed[i - 1] < 0.2;
    CHECK(clumped == 0);
}

TEST_CASE("timeline: a dropout is a gap at the first beat after it, never filled", "[engine]") {
    BeatTimeline tl;
    double t = 0;
    for (int i = 0; i < 30; ++i) CHECK_FALSE(tl.place({1000, t += 1.0, 0}).gap_before);
    t += 10;  // ten seconds of nothing
    const auto after = tl.place({1000, t, 0});
    CHECK(after.gap_before);
    CHECK(after.t_s == t);
    t += 1.0;
    CHECK(tl.place({1000, t, 0}).t_s == Approx(t));
    t += 1.0;
    CHECK(tl.place({1000, t, kBeatGapBefore}).gap_before);  // driver-flagged gap
}

TEST_CASE("online screen: inserted artifacts flagged, clean beats kept", "[engine]") {
    const std::vector<double> clean = test::physiological_rr(3600, 11, 850);
    OnlineScreen clean_screen;
    std::size_t false_flags = 0;
    for (const double r : clean) false_flags += !clean_screen.accept(r);
    INFO("false flags " << false_flags << " of " << clean.size());
    CHECK(false_flags <= clean.size() / 200);  // specificity >= 99.5 %

    // Every 50th beat: missed (merged with the next), extra (split in two), ectopic (short,
    // then compensatory long), in turn. Count how many of the artifact intervals are flagged.
    std::vector<double> rr;
    std::vector<bool> is_artifact;
    for (std::size_t i = 0; i + 1 < clean.size(); ++i) {
        if (i % 50 == 49) {
            switch ((i / 50) % 3) {
                case 0:
                    rr.push_back(clean[i] + clean[i + 1]), is_artifact.push_back(true), ++i;
                    break;
                case 1:
                    rr.push_back(clean[i] * 0.45), rr.push_back(clean[i] * 0.55);
                    is_artifact.push_back(true), is_artifact.push_back(true);
                    break;
                default:
                    rr.push_back(clean[i] * 0.65), rr.push_back(clean[i + 1] + clean[i] * 0.35);
                    is_artifact.push_back(true), is_artifact.push_back(true), ++i;
            }
        } else {
            rr.push_back(clean[i]), is_artifact.push_back(false);
        }
    }
    OnlineScreen screen;
    std::size_t artifacts = 0, caught = 0, wrong = 0;
    for (std::size_t i = 0; i < rr.size(); ++i) {
        const bool flagged = !screen.accept(rr[i]);
        artifacts += is_artifact[i];
        caught += is_artifact[i] && flagged;
        wrong += !is_artifact[i] && flagged;
    }
    INFO("caught " << caught << " of " << artifacts << ", wrong " << wrong);
    CHECK(caught >= artifacts * 95 / 100);
    CHECK(wrong <= (rr.size() - artifacts) / 200);
}

TEST_CASE(
    "online screen: the large smooth swing of resonance breathing is kept, an ectopic in it "
    "is not",
    "[engine]") {
    // 5.5 breaths/min at 64 bpm: RR swings +-25 % sinusoidally (HR 51-85 bpm), about 12 beats
    // per breath; the median rule alone (25 %) set aside the extremes of every breath.
    std::vector<double> rr;
    double t = 0;
    for (int i = 0; i < 600; ++i) {
        const double v = 940 * (1 + 0.25 * std::sin(2 * 3.141592653589793 * 5.5 / 60 * t));
        rr.push_back(v);
        t += v / 1000;
    }
    OnlineScreen screen;
    std::size_t flagged = 0;
    for (const double r : rr) flagged += !screen.accept(r);
    CHECK(flagged == 0);
    // An ectopic beat every 40 beats, wherever the swing is (65 % of the interval, then the
    // compensatory pause). The premature beat is always set aside. At the short end of the swing
    // the pause may look like an ordinary interval, and on the swing's steep part the beats
    // after it may be set aside until the rhythm is followed again: at most three per ectopic.
    OnlineScreen again;
    std::size_t premature = 0, caught = 0, wrong = 0;
    for (std::size_t i = 0; i + 1 < rr.size(); ++i) {
        if (i % 40 == 39) {
            ++premature;
            caught += !again.accept(rr[i] * 0.65);
            again.accept(rr[i + 1] + rr[i] * 0.35);
            ++i;
        } else {
            wrong += !again.accept(rr[i]);
        }
    }
    CHECK(caught == premature);
    CHECK(wrong <= 3 * premature);
}

TEST_CASE("arousal: a heart-rate step raises the band, and it settles again", "[engine]") {
    ArousalTracker tr;
    tr.set_baseline({60, 50, 12});
    tr.update(61, 48, 12.0);
    CHECK(tr.arousal().band == ArousalBand::calm);
    tr.update(85, 20, 12.0);  // +25 bpm, RMSSD down to 40 %
    CHECK(tr.arousal().band == ArousalBand::high);
    CHECK(tr.arousal().level >= ArousalTracker::kHighFrom);
    tr.update(72, 35, 12.0);  // half way: activated, not yet calm (hysteresis)
    CHECK(tr.arousal().band == ArousalBand::activated);
    tr.update(62, 47, 12.0);
    CHECK(tr.arousal().band == ArousalBand::calm);
}
