#include "protocol/step_stats.h"

#include <cmath>

#include "hrv/analysis.h"
#include "hrv/coherence.h"
#include "recovery/series.h"
#include "sensor/sensor.h"
#include "session/episode_json.h"
#include "session/json_values.h"

namespace steady::protocol {
namespace {

using Json = nlohmann::ordered_json;
constexpr std::uint32_t kRejected = kBeatSuspectedArtifact | kBeatContactLost;

}  // namespace

std::vector<StepStats> step_statistics(std::span<const PlacedBeat> beats,
                                       std::span<const Event> events, double duration_s,
                                       int challenge) {
    std::vector<StepStats> steps;
    std::optional<double> session_baseline_hr;
    for (const Event& e : events) {
        if (const auto* b = e.as<BaselineEvent>(); b && !session_baseline_hr)
            session_baseline_hr = b->hr_bpm;
        if (const auto* s = e.as<StepStartEvent>()) {
            StepStats st;
            st.index = s->index;
            st.name = s->name;
            st.kind = s->kind;
            st.start_s = e.t_s;
            st.end_s = duration_s;
            steps.push_back(std::move(st));
        } else if (const auto* end = e.as<StepEndEvent>()) {
            if (!steps.empty() && steps.back().index == end->index) steps.back().end_s = e.t_s;
        }
    }
    if (steps.empty()) return steps;

    recovery::SecondSeries series;  // for recovery fits
    for (const PlacedBeat& b : beats) series.add(b);
    series.advance_to(duration_s);

    hrv::AnalysisSettings settings;
    settings.artifacts.method = hrv::ArtifactMethod::none;
    hrv::Analyzer analyzer(settings);
    hrv::FftPlanCache plans;
    std::optional<double> baseline_hr;  // the latest baseline step's
    const StepStats* last_stressor = nullptr;
    for (StepStats& st : steps) {
        st.duration_s = st.end_s - st.start_s;
        std::vector<double> rr, t;
        std::int64_t flagged = 0;
        for (const PlacedBeat& b : beats) {
            if (b.t_s < st.start_s || b.t_s >= st.end_s) continue;
            ++st.beats;
            if (b.flags & kRejected) {
                ++flagged;
                continue;
            }
            rr.push_back(b.rr_ms);
            t.push_back(b.t_s);
        }
        if (st.beats > 0)
            st.artifacts_pct = 100.0 * static_cast<double>(flagged) / static_cast<double>(st.beats);
        if (rr.size() >= 3) {
            const hrv::AnalysisResult r = analyzer.analyze(rr, t);
            if (r.time) {
                st.mean_hr_bpm = r.time->mean_hr_bpm;
                st.sdnn_ms = r.time->sdnn_ms;
                st.rmssd_ms = r.time->rmssd_ms;
            }
            if (r.frequency) {
                st.hf_ms2 = r.frequency->hf_ms2;
                if (st.duration_s >= kMinLfS) {  // the step, not its beats (one RR short)
                    st.lf_ms2 = r.frequency->lf_ms2;
                    st.lf_hf = r.frequency->lf_hf;
                }
            }
            if (r.coherence) st.coherence_ratio_mean = r.coherence->ratio_mean;
            st.resp_rate_bpm = r.respiration_rate_bpm;
            for (const hrv::TimedCoherence& w :
                 hrv::coherence_windows(t, rr, settings.coherence, plans))
                if (hrv::coherence_level(w.window.ratio, challenge) == hrv::CoherenceLevel::high)
                    st.coherence_high_s += settings.coherence.step_s;
        }
        if (!st.hf_ms2) st.too_short.push_back("hf_ms2");
        if (!st.lf_ms2) {
            st.too_short.push_back("lf_ms2");
            st.too_short.push_back("lf_hf");
        }
        if (!st.coherence_ratio_mean) st.too_short.push_back("coherence_ratio_mean");
        if (!st.resp_rate_bpm) st.too_short.push_back("resp_rate_bpm");
        if (!st.mean_hr_bpm) {
            st.too_short.push_back("mean_hr_bpm");
            st.too_short.push_back("sdnn_ms");
            st.too_short.push_back("rmssd_ms");
        }

        if (st.kind == "baseline" && st.mean_hr_bpm) baseline_hr = st.mean_hr_bpm;
        const std::optional<double> base = baseline_hr ? baseline_hr : session_baseline_hr;
        if (st.kind == "stressor") {
            if (st.mean_hr_bpm && base) st.reactivity_bpm = *st.mean_hr_bpm - *base;
            last_stressor = &st;
        }
        if (st.kind == "recovery") {
            // From the highest 10-s HR of the stressor before (up to the first minute of this
            // step, where HR may still be climbing) to the end of this step.
            const double from = last_stressor ? last_stressor->start_s : st.start_s;
            const auto [peak_s, peak] =
                recovery::peak_between(series, from, std::min(st.start_s + 60, st.end_s));
            if (std::isfinite(peak)) {
                st.hr_recovery = recovery::fit_signal(
                    series, recovery::Signal::hr, peak_s, st.end_s, base, st.hr_recovery_reason,
                    {recovery::kMinStepFitS, st.end_s - peak_s, true});
            } else {
                st.hr_recovery_reason = "no heart beats in the step";
            }
        }
    }
    return steps;
}

Json step_json(const StepStats& s) {
    Json stats;
    stats["duration_s"] = s.duration_s;
    stats["beats"] = s.beats;
    stats["artifacts_pct"] = s.artifacts_pct;
    stats["mean_hr_bpm"] = json_or_null(s.mean_hr_bpm);
    stats["sdnn_ms"] = json_or_null(s.sdnn_ms);
    stats["rmssd_ms"] = json_or_null(s.rmssd_ms);
    stats["lf_ms2"] = json_or_null(s.lf_ms2);
    stats["hf_ms2"] = json_or_null(s.hf_ms2);
    stats["lf_hf"] = json_or_null(s.lf_hf);
    stats["coherence_ratio_mean"] = json_or_null(s.coherence_ratio_mean);
    stats["coherence_high_s"] = s.coherence_high_s;
    stats["resp_rate_bpm"] = json_or_null(s.resp_rate_bpm);
    if (s.kind == "stressor") stats["reactivity_bpm"] = json_or_null(s.reactivity_bpm);
    if (s.kind == "recovery") {
        stats["hr_recovery"] = recovery_json(s.hr_recovery, true);
        stats["hr_recovery_reason"] = s.hr_recovery ? Json() : Json(s.hr_recovery_reason);
    }
    stats["too_short"] = s.too_short;
    return {{"index", s.index},     {"name", s.name},   {"kind", s.kind},
            {"start_s", s.start_s}, {"end_s", s.end_s}, {"stats", stats}};
}

StepStats step_from_json(const nlohmann::json& j) {
    StepStats s;
    s.index = j.at("index").get<int>();
    s.name = j.at("name").get<std::string>();
    s.kind = j.at("kind").get<std::string>();
    s.start_s = j.at("start_s").get<double>();
    s.end_s = j.at("end_s").get<double>();
    const auto& st = j.at("stats");
    s.duration_s = st.at("duration_s").get<double>();
    s.beats = st.at("beats").get<std::int64_t>();
    s.artifacts_pct = st.at("artifacts_pct").get<double>();
    s.mean_hr_bpm = optional_number(st, "mean_hr_bpm");
    s.sdnn_ms = optional_number(st, "sdnn_ms");
    s.rmssd_ms = optional_number(st, "rmssd_ms");
    s.lf_ms2 = optional_number(st, "lf_ms2");
    s.hf_ms2 = optional_number(st, "hf_ms2");
    s.lf_hf = optional_number(st, "lf_hf");
    s.coherence_ratio_mean = optional_number(st, "coherence_ratio_mean");
    s.coherence_high_s = st.at("coherence_high_s").get<double>();
    s.resp_rate_bpm = optional_number(st, "resp_rate_bpm");
    s.reactivity_bpm = optional_number(st, "reactivity_bpm");
    if (const auto it = st.find("hr_recovery"); it != st.end())
        s.hr_recovery = recovery_from_json(*it, true);
    if (const auto it = st.find("hr_recovery_reason"); it != st.end() && it->is_string())
        s.hr_recovery_reason = it->get<std::string>();
    s.too_short = st.at("too_short").get<std::vector<std::string>>();
    return s;
}

}  // namespace steady::protocol
