// What a session amounted to: computed from its stored beats and events alone, so the figure the
// window shows at the end, the one `record` prints and the one `sessions show` reads back are the
// same, and any stored summary can be recomputed (`steady sessions summarize ID`). A summary
// carries the version of this method; a stored one older than kSummaryVersion is recomputed on
// first use.
//
// Definitions (README "sessions show"), over accepted beats (no artifact or contact-lost flag):
//   mean_hr_bpm      60000 x beats / sum of RR
//   rmssd_first_ms   RMSSD of successive accepted intervals (none spanning a gap or a rejected
//   rmssd_last_ms    beat) in the first and the last kEdgeS of the session; null below 10 pairs
//   coherence_s      HeartMath windows (64 s, every 5 s) over each gap-free stretch; each window
//                    counts its 5 s at its level at the session's challenge level
//   artifacts_pct    flagged beats (suspected artifact or contact lost) / all beats x 100
//   recovery_s       each episode's time back to baseline, recovery_t50_s its fitted half-recovery
//                    time (recovery/episodes.h), for the episodes that have them
//   triggers_marked, surges_detected, pacer_adaptations (arousal, ease and resonance tempo
//   changes), grounding_offered: counted from the events.
//   steps            per protocol step (protocol/step_stats.h)
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "protocol/step_stats.h"
#include "session/beat.h"
#include "session/events.h"

namespace steady {

struct SessionSummary {
    static constexpr int kVersion = 3;  // 2: recovery from fitted episodes; 3: protocol steps
    int version = kVersion;
    double duration_s = 0;
    std::int64_t beats = 0;
    double artifacts_pct = 0;
    std::optional<double> mean_hr_bpm;
    std::optional<double> rmssd_first_ms, rmssd_last_ms;
    int challenge = 1;
    std::array<double, 3> coherence_s{};  // low, medium, high
    int triggers_marked = 0;
    int surges_detected = 0;
    std::vector<double> recovery_s;      // each episode's back_to_baseline_s (when back)
    std::vector<double> recovery_t50_s;  // each episode's fitted half-recovery time
    int pacer_adaptations = 0;
    int grounding_offered = 0;
    std::vector<protocol::StepStats> steps;  // a protocol run's steps (protocol/step_stats.h)
};

constexpr double kSummaryEdgeS = 180;  // "first vs last": three minutes each

SessionSummary summarize_session(std::span<const PlacedBeat> beats, std::span<const Event> events,
                                 double duration_s, int challenge);

}  // namespace steady

#include <nlohmann/json.hpp>

namespace steady {

// The summary as JSON (the keys of `sessions show`'s "summary"), and back: the store keeps it in
// this form. summary_from_json throws nlohmann::json::exception on a malformed object.
nlohmann::ordered_json summary_json(const SessionSummary& s);
SessionSummary summary_from_json(const nlohmann::json& j);

}  // namespace steady
