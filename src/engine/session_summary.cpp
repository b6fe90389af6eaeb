#include "engine/session_summary.h"

#include <nlohmann/json.hpp>

#include "hrv/coherence.h"

namespace steady {

void SummaryBuilder::add_second(double t_s, const Snapshot& snap) {
    s_.duration_s = std::max(s_.duration_s, t_s);
    if (snap.hr_bpm && snap.beats > 0) {
        hr_sum_ += *snap.hr_bpm;
        ++hr_n_;
    }
    if (snap.rmssd_60s_ms) rmssd_.push_back({t_s, *snap.rmssd_60s_ms});
    if (snap.coherence_ratio) {
        const auto level = hrv::coherence_level(*snap.coherence_ratio, s_.challenge);
        s_.coherence_s[static_cast<std::size_t>(level)] += 1.0;
    }
}

void SummaryBuilder::add_event(const EngineEvent& e) {
    if (e.kind == "mark") ++s_.triggers_marked;
    if (e.kind == "trigger") ++s_.triggers_detected;
    if (e.kind == "recovered") {
        const auto j = nlohmann::json::parse(e.payload, nullptr, false);
        if (j.is_object() && j.contains("recovery_s")) s_.recovery_s.push_back(j["recovery_s"]);
    }
    if (e.kind == "pacer") {
        const auto j = nlohmann::json::parse(e.payload, nullptr, false);
        if (j.is_object() && j.contains("reason")) {
            const std::string r = j["reason"];
            if (r == "arousal" || r == "ease" || r == "resonance") ++s_.pacer_adaptations;
        }
    }
}

TrainingSummary SummaryBuilder::summary() const {
    TrainingSummary out = s_;
    if (hr_n_ > 0) out.mean_hr_bpm = hr_sum_ / static_cast<double>(hr_n_);
    if (!rmssd_.empty()) {
        const double first_t = rmssd_.front().first, last_t = rmssd_.back().first;
        double a = 0, b = 0;
        long na = 0, nb = 0;
        for (const auto& [t, v] : rmssd_) {
            if (t < first_t + kEdgeS) a += v, ++na;
            if (t > last_t - kEdgeS) b += v, ++nb;
        }
        out.rmssd_first_ms = a / static_cast<double>(na);
        out.rmssd_last_ms = b / static_cast<double>(nb);
    }
    return out;
}

}  // namespace steady
