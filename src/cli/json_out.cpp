#include "cli/json_out.h"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "hrv/coherence.h"
#include "session/event_json.h"
#include "session/json_values.h"

namespace steady::cli {
namespace {

using Json = nlohmann::ordered_json;

bool ends_with(const std::string& s, const char* tail) {
    const std::size_t n = std::char_traits<char>::length(tail);
    return s.size() >= n && s.compare(s.size() - n, n, tail) == 0;
}

// Rounded to `decimals` places: the nearest double to the decimal, so it prints as written.
double to_decimals(double v, int decimals) {
    const double scale = std::pow(10.0, decimals);
    return std::round(v * scale) / scale;
}
double to_significant(double v, int digits) {
    if (v == 0 || !std::isfinite(v)) return v;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    return std::strtod(buf, nullptr);
}

// The rounding rule for a key; nullopt: leave as is.
std::optional<double> round_by_key(const std::string& key, double v) {
    if (key == "rr_ms") return std::nullopt;
    if (key == "coherence_ratio" || key == "coherence_score" || key == "lf_hf" || key == "level" ||
        key == "arousal" || key == "phase_progress" || key == "smoothness" || key == "r2" ||
        key == "score" || key == "coherence_ratio_mean")
        return to_significant(v, 3);
    if (ends_with(key, "_per_hz")) return to_decimals(v, 0);
    if (ends_with(key, "_deg")) return to_decimals(v, 1);
    if (key == "t_s" || ends_with(key, "_s")) return to_decimals(v, 3);
    if (ends_with(key, "_bpm") || ends_with(key, "_ms") || ends_with(key, "_ms2"))
        return to_decimals(v, 1);
    if (ends_with(key, "_pct")) return to_decimals(v, 2);
    return std::nullopt;
}

// A key without a rule of its own (coherence_s's "low") takes its parent's.
void round_under(Json& j, const std::string& key) {
    if (j.is_object()) {
        for (auto& [k, v] : j.items())
            round_under(v, k == "rr_ms" || round_by_key(k, 1.0) ? k : key);
    } else if (j.is_array()) {
        for (auto& v : j) round_under(v, key);
    } else if (j.is_number_float()) {
        if (const auto r = round_by_key(key, j.get<double>())) j = *r;
    }
}

std::string one_decimal(const std::optional<double>& v, const char* unit) {
    if (!v) return "--";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%s", *v, unit);
    return buf;
}

std::string num_or_dash(const std::optional<double>& v, const char* format) {
    if (!v) return "--";
    char buf[32];
    std::snprintf(buf, sizeof buf, format, *v);
    return buf;
}

}  // namespace

std::string step_table(const std::vector<protocol::StepStats>& steps) {
    std::ostringstream o;
    char line[256];
    std::snprintf(line, sizeof line,
                  "  %-2s %-22s %-9s %-11s %6s %6s %6s %7s %7s %6s %6s %5s %5s %5s\n", "#", "step",
                  "kind", "time", "HR", "SDNN", "RMSSD", "LF", "HF", "LF/HF", "coh", "high", "resp",
                  "art%");
    o << line;
    std::snprintf(line, sizeof line,
                  "  %-2s %-22s %-9s %-11s %6s %6s %6s %7s %7s %6s %6s %5s %5s %5s\n", "", "", "",
                  "min:s", "bpm", "ms", "ms", "ms2", "ms2", "", "ratio", "s", "/min", "");
    o << line;
    std::vector<std::string> notes;
    for (const protocol::StepStats& st : steps) {
        std::string name = st.name.size() > 22 ? st.name.substr(0, 21) + "~" : st.name;
        const std::string time = clock_text(st.start_s) + "-" + clock_text(st.end_s);
        std::snprintf(
            line, sizeof line,
            "  %-2d %-22s %-9s %-11s %6s %6s %6s %7s %7s %6s %6s %5.0f %5s %5.1f\n", st.index + 1,
            name.c_str(), st.kind.c_str(), time.c_str(),
            num_or_dash(st.mean_hr_bpm, "%.1f").c_str(), num_or_dash(st.sdnn_ms, "%.1f").c_str(),
            num_or_dash(st.rmssd_ms, "%.1f").c_str(), num_or_dash(st.lf_ms2, "%.0f").c_str(),
            num_or_dash(st.hf_ms2, "%.0f").c_str(), num_or_dash(st.lf_hf, "%.2f").c_str(),
            num_or_dash(st.coherence_ratio_mean, "%.2f").c_str(), st.coherence_high_s,
            num_or_dash(st.resp_rate_bpm, "%.1f").c_str(), st.artifacts_pct);
        o << line;
        if (st.kind == "stressor" && st.reactivity_bpm)
            notes.push_back(std::to_string(st.index + 1) + " " + st.name + ": reactivity " +
                            num_or_dash(st.reactivity_bpm, "%+.1f") + " bpm over the baseline");
        if (st.kind == "recovery") {
            if (st.hr_recovery)
                notes.push_back(std::to_string(st.index + 1) + " " + st.name +
                                ": heart rate half-way back in " +
                                clock_text(st.hr_recovery->t50_s) + " (t90 " +
                                clock_text(st.hr_recovery->t90_s) + ", tau " +
                                num_or_dash(st.hr_recovery->tau_s, "%.0f") + " s, R2 " +
                                num_or_dash(st.hr_recovery->r2, "%.2f") + ")");
            else
                notes.push_back(std::to_string(st.index + 1) + " " + st.name +
                                ": no recovery curve (" + st.hr_recovery_reason + ")");
        }
    }
    for (const std::string& n : notes) o << "  " << n << "\n";
    o << "  -- : the step is too short for the metric (HF needs 60 s, LF and LF/HF 120 s, "
         "coherence 64 s)\n";
    return o.str();
}

std::string rf_text(const RfResultEvent& rf) {
    std::ostringstream o;
    o << "Resonance-frequency assessment: "
      << (rf.suggested_bpm ? "suggested " + num_or_dash(rf.suggested_bpm, "%.1f") + " breaths/min"
                           : std::string("no rate could be scored"))
      << "\n";
    char line[200];
    std::snprintf(line, sizeof line, "  %-6s %8s %10s %9s %12s %7s %5s %6s\n", "rate", "phase",
                  "peak-trough", "LF", "LF peak", "smooth", "peaks", "score");
    o << line;
    std::snprintf(line, sizeof line, "  %-6s %8s %10s %9s %12s %7s %5s %6s\n", "/min", "deg", "bpm",
                  "ms2", "ms2/Hz", "", "", "");
    o << line;
    for (const RfRate& r : rf.rates) {
        std::snprintf(line, sizeof line, "  %-6.1f %8s %10s %9s %12s %7s %5s %6s%s\n", r.bpm,
                      num_or_dash(r.phase_deg, "%+.0f").c_str(),
                      num_or_dash(r.peak_trough_bpm, "%.1f").c_str(),
                      num_or_dash(r.lf_ms2, "%.0f").c_str(),
                      num_or_dash(r.lf_peak_ms2_per_hz, "%.0f").c_str(),
                      num_or_dash(r.smoothness, "%.2f").c_str(),
                      r.lf_peaks ? std::to_string(*r.lf_peaks).c_str() : "--",
                      num_or_dash(r.score, "%.2f").c_str(),
                      rf.suggested_bpm && *rf.suggested_bpm == r.bpm ? "  <- suggested" : "");
        o << line;
    }
    o << "  Rule: " << rf.rule << "\n";
    return o.str();
}

void round_numbers(Json& j) {
    round_under(j, "");
}

Json second_line(double t_s, const Snapshot& s, const std::optional<PacerReport>& p) {
    Json j;
    j["t_s"] = t_s;
    j["hr_bpm"] = json_or_null(s.hr_bpm);
    j["rr_ms"] = json_or_null(s.rr_ms);
    j["rmssd_ms"] = json_or_null(s.rmssd_60s_ms);
    j["rmssd_30s_ms"] = json_or_null(s.rmssd_30s_ms);
    j["coherence_ratio"] = json_or_null(s.coherence_ratio);
    j["coherence_score"] = json_or_null(s.coherence_score);
    j["resp_rate_bpm"] = json_or_null(s.resp_rate_bpm);
    j["lf_hf"] = json_or_null(s.lf_hf);
    j["hf_ms2"] = json_or_null(s.hf_ms2);
    j["arousal"] = {{"level", s.baseline_ready ? Json(s.arousal.level) : Json()},
                    {"band", s.baseline_ready ? to_string(s.arousal.band) : "baseline"}};
    j["sensor"] = {
        {"state", to_string(s.sensor.state)},
        {"battery_pct", s.sensor.battery_pct >= 0 ? Json(s.sensor.battery_pct) : Json()}};
    if (s.sensor.detail) j["sensor"]["detail"] = s.sensor.detail;
    j["beats"] = s.beats;
    j["artifacts"] = s.artifacts;
    j["gaps"] = s.gaps;
    j["dropped"] = s.dropped;
    if (p) {
        j["pacer"] = {{"pattern", p->pattern},
                      {"count_s", p->point.count_s},
                      {"cycle_s", p->point.cycle_s},
                      {"phase", p->point.paused ? "paused" : pacer::to_string(p->point.phase)},
                      {"phase_progress", p->point.phase_progress}};
    } else {
        j["pacer"] = nullptr;
    }
    round_numbers(j);
    return j;
}

Json event_line(const Event& e) {
    Json j{{"event", kind_of(e)}, {"t_s", e.t_s}};
    const Json fields = event_fields(e);  // a named value: items() does not keep it alive
    for (const auto& [k, v] : fields.items()) j[k] = v;
    round_numbers(j);
    return j;
}

Json session_json(const StoredSession& s, const SessionSummary& summary,
                  const std::vector<Event>& events) {
    Json j;
    j["id"] = s.id;
    j["client"] = s.client;
    j["started_at"] = s.started_at;
    j["state"] = s.state;
    j["sensor"] = s.sensor;
    j["summary"] = summary_json(summary);
    j["summary"].erase("version");
    // A protocol run: its name, and its steps at the top level.
    j["protocol"] = nullptr;
    for (const Event& e : events)
        if (const auto* p = e.as<ProtocolEvent>()) j["protocol"] = p->name;
    j["steps"] = j["summary"]["steps"];
    j["summary"].erase("steps");
    j["events"] = Json::array();
    for (const Event& e : events) j["events"].push_back(event_object(e));
    round_numbers(j);
    return j;
}

std::string session_text(const StoredSession& s, const SessionSummary& m,
                         const std::vector<Event>& events) {
    std::ostringstream o;
    std::string when = s.started_at;
    if (when.size() >= 16 && when[10] == 'T')
        when = when.substr(0, 10) + " " + when.substr(11, 5) + " UTC";
    o << "Session " << s.id << "  " << s.client << "  " << when << "  " << s.sensor << "  ("
      << s.state << ")\n";
    char line[160];
    std::snprintf(line, sizeof line, "  %-20s %s\n", "duration", clock_text(m.duration_s).c_str());
    o << line;
    std::snprintf(line, sizeof line, "  %-20s %lld (%.1f %% flagged as artifacts)\n", "beats",
                  static_cast<long long>(m.beats), m.artifacts_pct);
    o << line;
    std::snprintf(line, sizeof line, "  %-20s %s\n", "mean heart rate",
                  one_decimal(m.mean_hr_bpm, " bpm").c_str());
    o << line;
    std::snprintf(line, sizeof line, "  %-20s first 3 min %s, last 3 min %s\n", "RMSSD",
                  one_decimal(m.rmssd_first_ms, " ms").c_str(),
                  one_decimal(m.rmssd_last_ms, " ms").c_str());
    o << line;
    const std::string coherence = "coherence (level " + std::to_string(m.challenge) + ")";
    std::snprintf(line, sizeof line, "  %-20s low %s, medium %s, high %s\n", coherence.c_str(),
                  clock_text(m.coherence_s[0]).c_str(), clock_text(m.coherence_s[1]).c_str(),
                  clock_text(m.coherence_s[2]).c_str());
    o << line;
    std::snprintf(line, sizeof line, "  %-20s %d marked, %d detected\n", "triggers",
                  m.triggers_marked, m.surges_detected);
    o << line;
    if (!m.recovery_s.empty()) {
        std::string r;
        for (const double v : m.recovery_s) r += (r.empty() ? "" : ", ") + clock_text(v);
        std::snprintf(line, sizeof line, "  %-20s %s\n", "recovered in", r.c_str());
        o << line;
    }
    std::snprintf(line, sizeof line, "  %-20s %d\n", "pacer adaptations", m.pacer_adaptations);
    o << line;
    std::snprintf(line, sizeof line, "  %-20s %d\n", "grounding offered", m.grounding_offered);
    o << line;
    for (const Event& e : events)
        if (const auto* p = e.as<ProtocolEvent>()) o << "Protocol " << p->name << "\n";
    if (!m.steps.empty()) o << step_table(m.steps);
    for (const Event& e : events)
        if (const auto* rf = e.as<RfResultEvent>()) o << rf_text(*rf);
    bool journal = false;
    for (const Event& e : events) {
        const auto* n = e.as<JournalEvent>();
        if (!n) continue;
        if (!journal) o << "Journal\n";
        journal = true;
        o << "  " << clock_text(n->mark_t_s) << "  ";
        std::string parts;
        const auto add = [&](const std::string& label, const std::string& v) {
            if (!v.empty()) parts += (parts.empty() ? "" : "; ") + label + v;
        };
        add("", n->what);
        add("body: ", n->body);
        add("thought: ", n->thought);
        if (n->intensity) add("intensity ", std::to_string(*n->intensity) + "/10");
        o << (parts.empty() ? "(no note)" : parts) << "\n";
    }
    return o.str();
}

}  // namespace steady::cli
