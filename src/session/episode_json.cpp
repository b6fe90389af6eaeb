#include "session/episode_json.h"

#include <cmath>

#include "session/event_json.h"
#include "session/json_values.h"

namespace steady {
namespace {

using Json = nlohmann::ordered_json;

Json num(double v) {
    return std::isfinite(v) ? Json(v) : Json();
}
double get_num(const nlohmann::json& j, const char* k) {
    return optional_number(j, k).value_or(std::nan(""));
}

}  // namespace

Json recovery_json(const std::optional<recovery::Recovery>& r, bool hr) {
    if (!r) return nullptr;
    Json j{{"model", r->model}, {"t50_s", r->t50_s}, {"t90_s", r->t90_s}, {"tau_s", r->tau_s}};
    j[hr ? "level_bpm" : "level_ms"] = r->level;
    j[hr ? "level_above_baseline_bpm" : "level_below_baseline_ms"] =
        json_or_null(r->level_vs_baseline);
    j["r2"] = r->r2;
    return j;
}

std::optional<recovery::Recovery> recovery_from_json(const nlohmann::json& j, bool hr) {
    if (j.is_null()) return std::nullopt;
    recovery::Recovery r;
    r.model = j.at("model").get<std::string>();
    r.t50_s = j.at("t50_s").get<double>();
    r.t90_s = j.at("t90_s").get<double>();
    r.tau_s = j.at("tau_s").get<double>();
    r.level = j.at(hr ? "level_bpm" : "level_ms").get<double>();
    r.level_vs_baseline =
        optional_number(j, hr ? "level_above_baseline_bpm" : "level_below_baseline_ms");
    r.r2 = j.at("r2").get<double>();
    return r;
}

Json episode_json(const recovery::Episode& e) {
    Json j;
    j["onset_s"] = e.onset_s;
    j["source"] = e.source;
    j["baseline_hr_bpm"] = num(e.baseline_hr_bpm);
    j["baseline_rmssd_ms"] = json_or_null(e.baseline_rmssd_ms);
    j["baseline_from"] = e.baseline_from;
    j["peak_hr_bpm"] = num(e.peak_hr_bpm);
    j["peak_s"] = e.peak_s;
    j["rise_bpm"] = num(e.rise_bpm);
    j["hr_recovery"] = recovery_json(e.hr, true);
    j["hr_recovery_reason"] = e.hr ? Json() : Json(e.hr_reason);
    j["rmssd_recovery"] = recovery_json(e.rmssd, false);
    j["rmssd_recovery_reason"] = e.rmssd ? Json() : Json(e.rmssd_reason);
    j["back_to_baseline_s"] = json_or_null(e.back_to_baseline_s);
    j["censored"] = e.censored;
    j["end_s"] = e.end_s;
    if (e.journal) {
        Json note = event_fields(Event{e.journal->mark_t_s, *e.journal});
        j["journal"] = note;
    } else {
        j["journal"] = nullptr;
    }
    return j;
}

recovery::Episode episode_from_json(const nlohmann::json& j) {
    recovery::Episode e;
    e.onset_s = j.at("onset_s").get<double>();
    e.source = j.at("source").get<std::string>();
    e.baseline_hr_bpm = get_num(j, "baseline_hr_bpm");
    e.baseline_rmssd_ms = optional_number(j, "baseline_rmssd_ms");
    e.baseline_from = j.at("baseline_from").get<std::string>();
    e.peak_hr_bpm = get_num(j, "peak_hr_bpm");
    e.peak_s = j.at("peak_s").get<double>();
    e.rise_bpm = get_num(j, "rise_bpm");
    e.hr = recovery_from_json(j.at("hr_recovery"), true);
    if (!e.hr) e.hr_reason = j.at("hr_recovery_reason").get<std::string>();
    e.rmssd = recovery_from_json(j.at("rmssd_recovery"), false);
    if (!e.rmssd) e.rmssd_reason = j.at("rmssd_recovery_reason").get<std::string>();
    e.back_to_baseline_s = optional_number(j, "back_to_baseline_s");
    e.censored = j.at("censored").get<bool>();
    e.end_s = j.at("end_s").get<double>();
    if (!j.at("journal").is_null()) {
        const Event note = event_from_fields(0, "journal", j.at("journal"));
        if (const auto* n = note.as<JournalEvent>()) e.journal = *n;
    }
    return e;
}

}  // namespace steady
