// Statistics per protocol step, from a session's stored beats and its step_start/step_end events.
// A step's beats are those whose time falls in [start_s, end_s); beats flagged as artifacts (or
// contact lost) are left out of every metric and counted in artifacts_pct. The metrics are the
// HRV core's own (hrv::Analyzer with no artifact correction, the Kubios conventions), so they
// equal `steady analyze --artifacts none` on the step's unflagged beats:
//   mean_hr_bpm, sdnn_ms, rmssd_ms        time domain
//   lf_ms2, hf_ms2, lf_hf                 Welch spectrum; HF needs 60 s of beats (so a 1-minute
//                                          step, whose beats sum to just under it, has none), LF
//                                          (and LF/HF) a step of kMinLfS (Task Force: about 2
//                                          minutes). A metric the step is too short for is null
//                                          and named in too_short
//   coherence_ratio_mean                  HeartMath windows (64 s every 5 s) inside the step
//   coherence_high_s                      5 s for each of those windows at the high level
//   resp_rate_bpm                         the RSA peak of the step's spectrum
//   reactivity_bpm (stressor steps)       the step's mean HR minus the baseline: the latest
//                                          baseline step before it, else the session's baseline
//   hr_recovery (recovery steps)          the fitted recovery (recovery/fit.h) of per-second HR
//                                          from the highest 10-s HR of the stressor before it (or
//                                          the step's first minute) to the step's end, at least
//                                          recovery::kMinStepFitS of it
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "recovery/episodes.h"
#include "session/beat.h"
#include "session/events.h"

namespace steady::protocol {

constexpr double kMinHfS = 60;
constexpr double kMinLfS = 120;

struct StepStats {
    int index = 0;
    std::string name;
    std::string kind;
    double start_s = 0, end_s = 0;
    double duration_s = 0;
    std::int64_t beats = 0;  // every beat in the step, flagged ones included
    double artifacts_pct = 0;
    std::optional<double> mean_hr_bpm, sdnn_ms, rmssd_ms;
    std::optional<double> lf_ms2, hf_ms2, lf_hf;
    std::optional<double> coherence_ratio_mean;
    double coherence_high_s = 0;
    std::optional<double> resp_rate_bpm;
    std::optional<double> reactivity_bpm;           // stressor steps
    std::optional<recovery::Recovery> hr_recovery;  // recovery steps
    std::string hr_recovery_reason;                 // why hr_recovery is null (recovery steps)
    std::vector<std::string> too_short;             // metrics the step is too short for
};

// The steps of a session in order (a step without its end event ends at `duration_s`).
std::vector<StepStats> step_statistics(std::span<const PlacedBeat> beats,
                                       std::span<const Event> events, double duration_s,
                                       int challenge);

// {"index", "name", "kind", "start_s", "end_s", "stats": {...}} as `sessions show` prints it.
nlohmann::ordered_json step_json(const StepStats& s);
StepStats step_from_json(const nlohmann::json& j);

}  // namespace steady::protocol
