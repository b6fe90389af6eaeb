#include "session/event_json.h"

#include <cstring>

#include "session/json_values.h"

namespace steady {
namespace {

using Json = nlohmann::ordered_json;

template <typename T>
std::optional<T> get_opt(const nlohmann::json& j, const char* key) {
    const auto it = j.find(key);
    if (it == j.end() || it->is_null()) return std::nullopt;
    if constexpr (std::is_same_v<T, bool>) {
        if (!it->is_boolean()) return std::nullopt;
    } else if constexpr (std::is_arithmetic_v<T>) {
        if (!it->is_number()) return std::nullopt;
    } else {
        if (!it->is_string()) return std::nullopt;
    }
    return it->get<T>();
}

template <typename T>
T get_or(const nlohmann::json& j, const char* key, T fallback) {
    return get_opt<T>(j, key).value_or(fallback);
}

SensorState sensor_state_from(const std::string& s) {
    for (const SensorState st :
         {SensorState::scanning, SensorState::connecting, SensorState::connected,
          SensorState::contact_lost, SensorState::reconnecting, SensorState::disconnected})
        if (s == to_string(st)) return st;
    return SensorState::disconnected;
}

struct KindName {
    std::string operator()(const BaselineEvent&) const { return "baseline"; }
    std::string operator()(const TriggerEvent&) const { return "trigger"; }
    std::string operator()(const MarkEvent&) const { return "mark"; }
    std::string operator()(const JournalEvent&) const { return "journal"; }
    std::string operator()(const RecoveredEvent&) const { return "recovered"; }
    std::string operator()(const PacerEvent&) const { return "pacer"; }
    std::string operator()(const PausedEvent&) const { return "paused"; }
    std::string operator()(const ResumedEvent&) const { return "resumed"; }
    std::string operator()(const GroundingOfferedEvent&) const { return "grounding_offered"; }
    std::string operator()(const GroundingAcceptedEvent&) const { return "grounding_accepted"; }
    std::string operator()(const GroundingDismissedEvent&) const { return "grounding_dismissed"; }
    std::string operator()(const SensorEvent&) const { return "sensor"; }
    std::string operator()(const GapEvent&) const { return "gap"; }
    std::string operator()(const SyncEvent&) const { return "sync"; }
    std::string operator()(const ProtocolEvent&) const { return "protocol"; }
    std::string operator()(const StepStartEvent&) const { return "step_start"; }
    std::string operator()(const StepEndEvent&) const { return "step_end"; }
    std::string operator()(const RfResultEvent&) const { return "rf_result"; }
    std::string operator()(const OtherEvent& o) const { return o.kind; }
};

struct Fields {
    Json operator()(const BaselineEvent& e) const {
        return {
            {"hr_bpm", e.hr_bpm}, {"rmssd_ms", e.rmssd_ms}, {"resp_bpm", json_or_null(e.resp_bpm)}};
    }
    Json operator()(const TriggerEvent& e) const {
        return {{"hr_bpm", e.hr_bpm},
                {"rise_bpm", e.rise_bpm},
                {"level", e.level},
                {"onset_s", json_or_null(e.onset_s)}};
    }
    Json operator()(const MarkEvent& e) const {
        return {{"hr_bpm", json_or_null(e.hr_bpm)}, {"arousal", json_or_null(e.arousal)}};
    }
    Json operator()(const JournalEvent& e) const {
        return {{"mark_t_s", e.mark_t_s},
                {"what", e.what},
                {"body", e.body},
                {"thought", e.thought},
                {"intensity", json_or_null(e.intensity)},
                {"helped", e.helped},
                {"intensity_after", json_or_null(e.intensity_after)}};
    }
    Json operator()(const RecoveredEvent& e) const {
        return {{"hr_bpm", e.hr_bpm},
                {"onset_s", json_or_null(e.onset_s)},
                {"back_to_baseline_s", e.back_to_baseline_s},
                {"t50_s", json_or_null(e.t50_s)}};
    }
    Json operator()(const PacerEvent& e) const {
        Json j{{"reason", e.reason}, {"pattern", e.pattern}};
        if (e.reason == "adaptation") {
            j["adaptation"] = json_or_null(e.adaptation);
            return j;
        }
        j["from_count_s"] = json_or_null(e.from_count_s);
        j["count_s"] = json_or_null(e.count_s);
        j["cycle_s"] = json_or_null(e.cycle_s);
        j["effective_s"] = json_or_null(e.effective_s);
        j["arousal"] = json_or_null(e.arousal);
        j["breathing_bpm"] = json_or_null(e.breathing_bpm);
        if (e.adaptation) j["adaptation"] = *e.adaptation;
        return j;
    }
    Json operator()(const PausedEvent&) const { return Json::object(); }
    Json operator()(const ResumedEvent&) const { return Json::object(); }
    Json operator()(const GroundingOfferedEvent& e) const { return {{"arousal", e.arousal}}; }
    Json operator()(const GroundingAcceptedEvent&) const { return Json::object(); }
    Json operator()(const GroundingDismissedEvent&) const { return Json::object(); }
    Json operator()(const SensorEvent& e) const {
        Json j{{"state", to_string(e.state)}};
        j["detail"] = e.detail.empty() ? Json() : Json(e.detail);
        return j;
    }
    Json operator()(const GapEvent& e) const { return {{"missing_s", e.missing_s}}; }
    Json operator()(const SyncEvent& e) const {
        Json j{{"state", e.state}};
        j["detail"] = e.detail.empty() ? Json() : Json(e.detail);
        return j;
    }
    Json operator()(const ProtocolEvent& e) const { return {{"name", e.name}, {"steps", e.steps}}; }
    Json operator()(const StepStartEvent& e) const {
        return {{"index", e.index}, {"name", e.name}, {"kind", e.kind}, {"planned_s", e.planned_s}};
    }
    Json operator()(const StepEndEvent& e) const {
        return {{"index", e.index}, {"name", e.name}, {"kind", e.kind}, {"reason", e.reason}};
    }
    Json operator()(const RfResultEvent& e) const {
        Json rates = Json::array();
        for (const RfRate& r : e.rates)
            rates.push_back({{"bpm", r.bpm},
                             {"phase_deg", json_or_null(r.phase_deg)},
                             {"peak_trough_bpm", json_or_null(r.peak_trough_bpm)},
                             {"lf_ms2", json_or_null(r.lf_ms2)},
                             {"lf_peak_ms2_per_hz", json_or_null(r.lf_peak_ms2_per_hz)},
                             {"smoothness", json_or_null(r.smoothness)},
                             {"lf_peaks", json_or_null(r.lf_peaks)},
                             {"score", json_or_null(r.score)}});
        return {
            {"suggested_bpm", json_or_null(e.suggested_bpm)}, {"rates", rates}, {"rule", e.rule}};
    }
    Json operator()(const OtherEvent& e) const {
        const auto j = Json::parse(e.payload, nullptr, false);
        return j.is_object() ? j : Json{{"payload", e.payload}};
    }
};

}  // namespace

std::string kind_of(const Event& e) {
    return std::visit(KindName{}, e.data);
}

std::vector<std::string> event_kinds() {
    return {"baseline",
            "trigger",
            "recovered",
            "mark",
            "journal",
            "pacer",
            "paused",
            "resumed",
            "grounding_offered",
            "grounding_accepted",
            "grounding_dismissed",
            "sensor",
            "gap",
            "sync",
            "protocol",
            "step_start",
            "step_end",
            "rf_result"};
}

Json event_fields(const Event& e) {
    return std::visit(Fields{}, e.data);
}

Json event_object(const Event& e) {
    Json j{{"t_s", e.t_s}, {"kind", kind_of(e)}};
    const Json fields = event_fields(e);  // a named value: items() does not keep it alive
    for (const auto& [k, v] : fields.items()) j[k] = v;
    return j;
}

Event event_from_fields(double t_s, std::string_view kind, const nlohmann::json& j) {
    const auto num = [&](const char* key) { return get_or<double>(j, key, 0.0); };
    const auto onum = [&](const char* key) { return get_opt<double>(j, key); };
    const auto str = [&](const char* key) { return get_or<std::string>(j, key, ""); };
    Event e{t_s, OtherEvent{std::string(kind), j.dump()}};
    if (kind == "baseline") {
        e.data = BaselineEvent{num("hr_bpm"), num("rmssd_ms"), onum("resp_bpm")};
    } else if (kind == "trigger") {
        e.data = TriggerEvent{num("hr_bpm"), num("rise_bpm"), num("level"), onum("onset_s")};
    } else if (kind == "mark") {
        e.data = MarkEvent{onum("hr_bpm"), onum("arousal")};
    } else if (kind == "journal") {
        JournalEvent d{num("mark_t_s"),
                       str("what"),
                       str("body"),
                       str("thought"),
                       get_opt<int>(j, "intensity"),
                       str("helped"),
                       get_opt<int>(j, "intensity_after")};
        e.data = std::move(d);
    } else if (kind == "recovered") {
        // Steady 0.1 called the time back "recovery_s" (since the detection, back to calm).
        const auto back = onum("back_to_baseline_s");
        e.data = RecoveredEvent{num("hr_bpm"), back ? *back : num("recovery_s"), onum("t50_s"),
                                onum("onset_s")};
    } else if (kind == "pacer") {
        const std::string reason = str("reason");
        if (reason == "paused") {
            e.data = PausedEvent{};
        } else if (reason == "resumed") {
            e.data = ResumedEvent{};
        } else if (reason == "adaptation on" || reason == "adaptation off") {
            PacerEvent p;
            p.reason = "adaptation";
            p.adaptation = reason == "adaptation on";
            e.data = std::move(p);
        } else {
            PacerEvent p;
            p.reason = reason;
            p.pattern = str("pattern");
            p.from_count_s = onum("from_count_s");
            p.count_s = onum("count_s");
            p.cycle_s = onum("cycle_s");
            p.effective_s = onum("effective_s");
            p.arousal = onum("arousal");
            p.breathing_bpm = onum("breathing_bpm");
            p.adaptation = get_opt<bool>(j, "adaptation");
            e.data = std::move(p);
        }
    } else if (kind == "paused") {
        e.data = PausedEvent{};
    } else if (kind == "resumed") {
        e.data = ResumedEvent{};
    } else if (kind == "grounding_offered") {
        e.data = GroundingOfferedEvent{num("arousal")};
    } else if (kind == "grounding_accepted") {
        e.data = GroundingAcceptedEvent{};
    } else if (kind == "grounding_dismissed") {
        e.data = GroundingDismissedEvent{};
    } else if (kind == "sensor") {
        e.data = SensorEvent{sensor_state_from(str("state")), str("detail")};
    } else if (kind == "gap") {
        e.data = GapEvent{num("missing_s")};
    } else if (kind == "sync") {
        e.data = SyncEvent{str("state"), str("detail")};
    } else if (kind == "protocol") {
        e.data = ProtocolEvent{str("name"), get_or<int>(j, "steps", 0)};
    } else if (kind == "step_start") {
        e.data =
            StepStartEvent{get_or<int>(j, "index", 0), str("name"), str("kind"), num("planned_s")};
    } else if (kind == "step_end") {
        e.data = StepEndEvent{get_or<int>(j, "index", 0), str("name"), str("kind"), str("reason")};
    } else if (kind == "rf_result") {
        RfResultEvent r;
        r.suggested_bpm = onum("suggested_bpm");
        r.rule = str("rule");
        const auto it = j.find("rates");
        if (it != j.end() && it->is_array()) {
            for (const auto& x : *it) {
                if (!x.is_object()) continue;
                RfRate rate;
                rate.bpm = get_or<double>(x, "bpm", 0.0);
                rate.phase_deg = get_opt<double>(x, "phase_deg");
                rate.peak_trough_bpm = get_opt<double>(x, "peak_trough_bpm");
                rate.lf_ms2 = get_opt<double>(x, "lf_ms2");
                rate.lf_peak_ms2_per_hz = get_opt<double>(x, "lf_peak_ms2_per_hz");
                rate.smoothness = get_opt<double>(x, "smoothness");
                rate.lf_peaks = get_opt<int>(x, "lf_peaks");
                rate.score = get_opt<double>(x, "score");
                r.rates.push_back(rate);
            }
        }
        e.data = std::move(r);
    }
    return e;
}

Event event_from_payload(double t_s, std::string_view kind, std::string_view payload) {
    const auto j = nlohmann::json::parse(payload, nullptr, false);
    if (!j.is_object()) return {t_s, OtherEvent{std::string(kind), std::string(payload)}};
    return event_from_fields(t_s, kind, j);
}

}  // namespace steady
