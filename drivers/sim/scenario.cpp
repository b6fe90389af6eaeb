// Built-in scenarios and TOML scenario files for the simulator (toml++).
#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/quoted.h"
#include "drivers/sim/model.h"

namespace steady::sim {
namespace {

Scenario calm() {
    Scenario s;
    s.name = "calm";
    s.description = "resting, spontaneous breathing at 12/min";
    return s;
}

Scenario paced() {
    Scenario s;
    s.name = "paced";
    s.description =
        "2 min rest, then 4-7-8 breathing (3.2/min) followed closely; follows the trainer's pacer "
        "when one runs";
    s.pacing.push_back({120, 1e18, BreathPattern{}});
    s.follows_pacer = true;
    return s;
}

Scenario trigger_recovery() {
    Scenario s;
    s.name = "trigger-recovery";
    s.description =
        "10 min rest, a trigger (+25 bpm, RSA suppressed), exponential recovery; follows the "
        "trainer's pacer when one runs";
    s.duration_s = 1800;
    s.triggers.push_back({600, 25, 15, 120, 0.7, 0.3});
    s.params.ectopic_per_min = 0.2;  // a few artifacts, as any real strap gives
    s.params.missed_per_min = 0.1;
    s.follows_pacer = true;  // practising with the trainer through the trigger
    return s;
}

Scenario noisy() {
    Scenario s;
    s.name = "noisy";
    s.description = "rest with ectopic beats, missed beats and dropouts, as a loose strap gives";
    s.params.noise_ms = 10;
    s.params.ectopic_per_min = 1;
    s.params.missed_per_min = 0.5;
    s.params.dropouts_per_hour = 6;
    return s;
}

[[noreturn]] void fail(const std::string& source, const std::string& where,
                       const std::string& why) {
    throw SensorSpecError("scenario " + source + ": " + where + ": " + cut(why));
}

std::string text_of(const toml::table& t, const char* key, const std::string& fallback,
                    const std::string& source) {
    const toml::node* n = t.get(key);
    if (!n) return fallback;
    if (!n->is_string())
        fail(source, std::string(key) + " (line " + std::to_string(n->source().begin.line) + ")",
             "must be a string in quotes");
    return *n->value<std::string>();
}

// Reads number `key` from `t` into `out` if present, checking [lo, hi]; unknown keys are errors.
void number(const toml::table& t, const std::string& key, double& out, double lo, double hi,
            const std::string& source, const std::string& section) {
    const toml::node* n = t.get(key);
    if (!n) return;
    const std::string where =
        section + key + " (line " + std::to_string(n->source().begin.line) + ")";
    if (!n->is_number()) fail(source, where, "is not a number");
    const double v = *n->value<double>();
    if (!(v >= lo && v <= hi))
        fail(source, where,
             "is " + plain_number(v) + ", outside " + plain_number(lo) + ".." + plain_number(hi));
    out = v;
}

void only_keys(const toml::table& t, std::initializer_list<std::string_view> keys,
               const std::string& source, const std::string& section) {
    for (const auto& [k, node] : t) {
        if (std::find(keys.begin(), keys.end(), k.str()) == keys.end())
            fail(
                source,
                section + cut(k.str()) + " (line " + std::to_string(node.source().begin.line) + ")",
                "unknown key");
    }
}

}  // namespace

std::vector<std::string> scenario_names() {
    return {"calm", "paced", "trigger-recovery", "noisy"};
}

Scenario load_scenario(const std::string& name_or_file) {
    if (name_or_file.empty() || name_or_file == "calm") return calm();
    if (name_or_file == "paced") return paced();
    if (name_or_file == "trigger-recovery") return trigger_recovery();
    if (name_or_file == "noisy") return noisy();
    const std::filesystem::path path(name_or_file);
    std::error_code ec;
    if (path.extension() != ".toml" || !std::filesystem::is_regular_file(path, ec)) {
        throw SensorSpecError("sim: " + echo_quoted(name_or_file) +
                              " is neither a scenario (calm, paced, trigger-recovery, noisy) nor a "
                              "readable .toml scenario file");
    }
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return parse_scenario_toml(text.str(), name_or_file);
}

Scenario parse_scenario_toml(const std::string& text, const std::string& source) {
    toml::table root;
    try {
        root = toml::parse(text, source);
    } catch (const toml::parse_error& e) {
        fail(source, "line " + std::to_string(e.source().begin.line), std::string(e.description()));
    }
    only_keys(root,
              {"name", "description", "duration_s", "follows_pacer", "person", "trigger", "pacing"},
              source, "");
    Scenario s;
    s.name = text_of(root, "name", "custom", source);
    s.description = text_of(root, "description", "", source);
    if (root.contains("duration_s")) {  // optional: without it the person runs until stopped
        double d = 0;
        number(root, "duration_s", d, 1, 7 * 86400, source, "");
        s.duration_s = d;
    }
    if (const toml::node* f = root.get("follows_pacer")) {
        if (!f->is_boolean()) fail(source, "follows_pacer", "must be true or false");
        s.follows_pacer = f->value_or(false);
    }
    if (const toml::table* person = root["person"].as_table()) {
        Params& p = s.params;
        only_keys(
            *person,
            {"hr_bpm", "drift_bpm", "vlf_bpm", "rsa_ms", "breathing_bpm", "mayer_ms", "noise_ms",
             "compliance", "lag_s", "recovery_tau_s", "resonance_bpm", "stress_response_bpm",
             "ectopic_per_min", "missed_per_min", "dropouts_per_hour", "dropout_s", "seed"},
            source, "person.");
        const std::string sec = "person.";
        number(*person, "hr_bpm", p.hr_bpm, 30, 200, source, sec);
        number(*person, "drift_bpm", p.drift_bpm, 0, 30, source, sec);
        number(*person, "vlf_bpm", p.vlf_bpm, 0, 30, source, sec);
        number(*person, "rsa_ms", p.rsa_ms, 0, 300, source, sec);
        number(*person, "breathing_bpm", p.breathing_bpm, 3, 30, source, sec);
        number(*person, "mayer_ms", p.mayer_ms, 0, 100, source, sec);
        number(*person, "noise_ms", p.noise_ms, 0, 100, source, sec);
        number(*person, "compliance", p.compliance, 0, 1, source, sec);
        number(*person, "lag_s", p.lag_s, 0, 10, source, sec);
        number(*person, "recovery_tau_s", p.recovery_tau_s, 1, 7200, source, sec);
        number(*person, "resonance_bpm", p.resonance_bpm, 4.0, 7.0, source, sec);
        number(*person, "stress_response_bpm", p.stress_response_bpm, 0, 60, source, sec);
        number(*person, "ectopic_per_min", p.ectopic_per_min, 0, 30, source, sec);
        number(*person, "missed_per_min", p.missed_per_min, 0, 30, source, sec);
        number(*person, "dropouts_per_hour", p.dropouts_per_hour, 0, 600, source, sec);
        number(*person, "dropout_s", p.dropout_s, 0.5, 600, source, sec);
        if (const toml::node* n = person->get("seed")) {
            if (!n->is_integer() || *n->value<std::int64_t>() < 0)
                fail(source, sec + "seed (line " + std::to_string(n->source().begin.line) + ")",
                     "must be a whole number, 0 or more");
            p.seed = static_cast<std::uint64_t>(*n->value<std::int64_t>());
        }
    } else if (root.contains("person")) {
        fail(source, "person", "must be a table ([person])");
    }
    if (const toml::node* triggers = root.get("trigger")) {
        const toml::array* arr = triggers->as_array();
        if (!arr) fail(source, "trigger", "must be an array of tables ([[trigger]])");
        for (std::size_t i = 0; i < arr->size(); ++i) {
            const toml::table* t = (*arr)[i].as_table();
            const std::string sec = "trigger[" + std::to_string(i) + "].";
            if (!t) fail(source, sec, "must be a table");
            only_keys(*t,
                      {"at_s", "rise_bpm", "onset_s", "tau_s", "rsa_suppression", "breathing_rise"},
                      source, sec);
            if (!t->contains("at_s")) fail(source, sec + "at_s", "is required");
            Trigger tr;
            number(*t, "at_s", tr.at_s, 0, 7 * 86400, source, sec);
            number(*t, "rise_bpm", tr.rise_bpm, 0, 80, source, sec);
            number(*t, "onset_s", tr.onset_s, 1, 600, source, sec);
            number(*t, "tau_s", tr.tau_s, 1, 7200, source, sec);
            number(*t, "rsa_suppression", tr.rsa_suppression, 0, 1, source, sec);
            number(*t, "breathing_rise", tr.breathing_rise, 0, 2, source, sec);
            s.triggers.push_back(tr);
        }
    }
    if (const toml::node* pacing = root.get("pacing")) {
        const toml::array* arr = pacing->as_array();
        if (!arr) fail(source, "pacing", "must be an array of tables ([[pacing]])");
        for (std::size_t i = 0; i < arr->size(); ++i) {
            const toml::table* t = (*arr)[i].as_table();
            const std::string sec = "pacing[" + std::to_string(i) + "].";
            if (!t) fail(source, sec, "must be a table");
            only_keys(*t, {"from_s", "to_s", "inhale_s", "hold_s", "exhale_s", "rest_s"}, source,
                      sec);
            PacingSpan span;
            number(*t, "from_s", span.from_s, 0, 7 * 86400, source, sec);
            number(*t, "to_s", span.to_s, 0, 1e18, source, sec);
            number(*t, "inhale_s", span.pattern.inhale_s, 0.5, 60, source, sec);
            number(*t, "hold_s", span.pattern.hold_s, 0, 60, source, sec);
            number(*t, "exhale_s", span.pattern.exhale_s, 0.5, 60, source, sec);
            number(*t, "rest_s", span.pattern.rest_s, 0, 60, source, sec);
            if (span.to_s <= span.from_s) fail(source, sec + "to_s", "must be after from_s");
            s.pacing.push_back(span);
        }
    }
    return s;
}

}  // namespace steady::sim
