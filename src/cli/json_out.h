// JSON for people and scripts at the command line's edge: numbers rounded to what they mean,
// and the shapes `record` and `sessions` print (README "Recording a session", "sessions show").
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "app/clock_text.h"
#include "engine/snapshot.h"
#include "session/events.h"
#include "session/store.h"
#include "training/session_view.h"

namespace steady::cli {

// Rounds every number in `j` by its key, recursively (an array or object takes its key's rule):
// rr_ms exact as the sensor gave it; times (t_s, *_s) to 0.001 s; rates (*_bpm) and ms metrics
// (*_ms, *_ms2) to 0.1; percentages (*_pct) to 0.01; ratios, levels and scores
// (coherence_ratio, coherence_score, lf_hf, level, arousal, phase_progress, smoothness) to 3
// significant figures (also score, coherence_ratio_mean); *_deg to 0.1; *_per_hz to 1.
// Integers are left alone.
void round_numbers(nlohmann::ordered_json& j);

// One per-second line of `record`, rounded.
nlohmann::ordered_json second_line(double t_s, const Snapshot& s,
                                   const std::optional<PacerReport>& pacer);
// One event line of `record`: {"event":KIND,"t_s":..,<fields>}, rounded.
nlohmann::ordered_json event_line(const Event& e);

// `sessions show --format json`: id, client, started_at, state, sensor, summary, protocol (its
// name or null), steps (protocol/step_stats.h), events.
nlohmann::ordered_json session_json(const StoredSession& s, const SessionSummary& summary,
                                    const std::vector<Event>& events);
// The same for people: a short block, then the journal notes.
std::string session_text(const StoredSession& s, const SessionSummary& summary,
                         const std::vector<Event>& events);
// A protocol run's per-step table, with reactivity and recovery under it.
std::string step_table(const std::vector<protocol::StepStats>& steps);
// An assessment's six criteria per rate and its suggestion.
std::string rf_text(const RfResultEvent& rf);

}  // namespace steady::cli
