#include "session/summary.h"

#include <cmath>

#include "hrv/coherence.h"
#include "hrv/settings.h"
#include "recovery/episodes.h"
#include "sensor/sensor.h"
#include "session/json_values.h"

namespace steady {
namespace {

constexpr std::uint32_t kRejected = kBeatSuspectedArtifact | kBeatContactLost;
constexpr std::size_t kMinPairs = 10;

bool accepted(const PlacedBeat& b) {
    return (b.flags & kRejected) == 0;
}

std::optional<double> rmssd_between(std::span<const PlacedBeat> beats, double from_s, double to_s) {
    double sum = 0;
    std::size_t n = 0;
    for (std::size_t i = 1; i < beats.size(); ++i) {
        const PlacedBeat &a = beats[i - 1], &b = beats[i];
        if (b.t_s < from_s || b.t_s > to_s) continue;
        if (!accepted(a) || !accepted(b) || (b.flags & kBeatGapBefore)) continue;
        sum += (b.rr_ms - a.rr_ms) * (b.rr_ms - a.rr_ms);
        ++n;
    }
    if (n < kMinPairs) return std::nullopt;
    return std::sqrt(sum / static_cast<double>(n));
}

// Seconds at each coherence level: windows over each gap-free stretch of accepted beats.
std::array<double, 3> coherence_seconds(std::span<const PlacedBeat> beats, int challenge) {
    std::array<double, 3> out{};
    const hrv::CoherenceSettings settings;
    hrv::FftPlanCache plans;
    std::vector<double> t, rr;
    const auto flush = [&] {
        if (t.size() >= 2) {
            for (const hrv::TimedCoherence& w : hrv::coherence_windows(t, rr, settings, plans))
                out[static_cast<std::size_t>(hrv::coherence_level(w.window.ratio, challenge))] +=
                    settings.step_s;
        }
        t.clear();
        rr.clear();
    };
    for (const PlacedBeat& b : beats) {
        if (b.flags & kBeatGapBefore) flush();
        if (!accepted(b)) continue;
        t.push_back(b.t_s);
        rr.push_back(b.rr_ms);
    }
    flush();
    return out;
}

}  // namespace

SessionSummary summarize_session(std::span<const PlacedBeat> beats, std::span<const Event> events,
                                 double duration_s, int challenge) {
    SessionSummary s;
    s.duration_s = duration_s;
    s.challenge = challenge;
    s.beats = static_cast<std::int64_t>(beats.size());
    double sum_rr = 0;
    std::size_t n_ok = 0, flagged = 0;
    for (const PlacedBeat& b : beats) {
        if (accepted(b)) {
            sum_rr += b.rr_ms;
            ++n_ok;
        } else {
            ++flagged;
        }
    }
    if (!beats.empty())
        s.artifacts_pct = 100.0 * static_cast<double>(flagged) / static_cast<double>(beats.size());
    if (n_ok > 0 && sum_rr > 0) s.mean_hr_bpm = 60000.0 * static_cast<double>(n_ok) / sum_rr;
    if (!beats.empty()) {
        const double first = beats.front().t_s, last = beats.back().t_s;
        s.rmssd_first_ms = rmssd_between(beats, first, first + kSummaryEdgeS);
        s.rmssd_last_ms = rmssd_between(beats, last - kSummaryEdgeS, last);
    }
    s.coherence_s = coherence_seconds(beats, challenge);
    for (const recovery::Episode& ep : recovery::find_episodes(beats, events, duration_s)) {
        if (ep.back_to_baseline_s) s.recovery_s.push_back(*ep.back_to_baseline_s);
        if (ep.hr) s.recovery_t50_s.push_back(ep.hr->t50_s);
    }
    for (const Event& e : events) {
        if (e.as<MarkEvent>()) ++s.triggers_marked;
        if (e.as<TriggerEvent>()) ++s.surges_detected;
        if (const auto* p = e.as<PacerEvent>())
            if (p->reason == "arousal" || p->reason == "ease" || p->reason == "resonance")
                ++s.pacer_adaptations;
        if (e.as<GroundingOfferedEvent>()) ++s.grounding_offered;
    }
    s.steps = protocol::step_statistics(beats, events, duration_s, challenge);
    return s;
}

}  // namespace steady

namespace steady {
namespace {}  // namespace

nlohmann::ordered_json summary_json(const SessionSummary& s) {
    nlohmann::ordered_json j;
    j["version"] = s.version;
    j["duration_s"] = s.duration_s;
    j["beats"] = s.beats;
    j["artifacts_pct"] = s.artifacts_pct;
    j["mean_hr_bpm"] = json_or_null(s.mean_hr_bpm);
    j["rmssd_first_ms"] = json_or_null(s.rmssd_first_ms);
    j["rmssd_last_ms"] = json_or_null(s.rmssd_last_ms);
    j["challenge"] = s.challenge;
    j["coherence_s"] = {
        {"low", s.coherence_s[0]}, {"medium", s.coherence_s[1]}, {"high", s.coherence_s[2]}};
    j["triggers_marked"] = s.triggers_marked;
    j["surges_detected"] = s.surges_detected;
    j["recovery_s"] = s.recovery_s;
    j["recovery_t50_s"] = s.recovery_t50_s;
    j["pacer_adaptations"] = s.pacer_adaptations;
    j["grounding_offered"] = s.grounding_offered;
    nlohmann::ordered_json steps = nlohmann::ordered_json::array();
    for (const protocol::StepStats& st : s.steps) steps.push_back(protocol::step_json(st));
    j["steps"] = steps;
    return j;
}

SessionSummary summary_from_json(const nlohmann::json& j) {
    SessionSummary s;
    s.version = j.at("version").get<int>();
    s.duration_s = j.at("duration_s").get<double>();
    s.beats = j.at("beats").get<std::int64_t>();
    s.artifacts_pct = j.at("artifacts_pct").get<double>();
    s.mean_hr_bpm = optional_number(j, "mean_hr_bpm");
    s.rmssd_first_ms = optional_number(j, "rmssd_first_ms");
    s.rmssd_last_ms = optional_number(j, "rmssd_last_ms");
    s.challenge = j.at("challenge").get<int>();
    const auto& c = j.at("coherence_s");
    s.coherence_s = {c.at("low").get<double>(), c.at("medium").get<double>(),
                     c.at("high").get<double>()};
    s.triggers_marked = j.at("triggers_marked").get<int>();
    s.surges_detected = j.at("surges_detected").get<int>();
    s.recovery_s = j.at("recovery_s").get<std::vector<double>>();
    s.recovery_t50_s = j.at("recovery_t50_s").get<std::vector<double>>();
    s.pacer_adaptations = j.at("pacer_adaptations").get<int>();
    s.grounding_offered = j.at("grounding_offered").get<int>();
    if (const auto it = j.find("steps"); it != j.end())
        for (const auto& st : *it) s.steps.push_back(protocol::step_from_json(st));
    return s;
}

}  // namespace steady
