// Session events, typed: one plain struct per kind. The engine, the pacer and the training
// session produce them; the store, the JSON Lines printer and exports turn them into JSON, each
// through event_json.h and nowhere else. The kinds and their fields are documented once, in the
// README's event table; a test round-trips every kind through the store and the printer.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "sensor/sensor.h"

namespace steady {

// The resting baseline was measured (the first minutes of accepted beats).
struct BaselineEvent {
    double hr_bpm = 0;
    double rmssd_ms = 0;
    std::optional<double> resp_bpm;
};
// A surge detected on heart rate (recovery/episodes.h).
struct TriggerEvent {
    double hr_bpm = 0;              // 10-s HR when found
    double rise_bpm = 0;            // above the lowest 30-s HR of the 90 s before
    double level = 0;               // arousal level 0-1 (0 before the baseline)
    std::optional<double> onset_s;  // where the rise began (empty in Steady 0.1's events)
};
// The user marked a trigger.
struct MarkEvent {
    std::optional<double> hr_bpm;
    std::optional<double> arousal;  // level 0-1, once the baseline exists
};
// A note on a mark (the trigger journal). Written again later to edit it: the newest note for a
// mark is the one that counts.
struct JournalEvent {
    double mark_t_s = 0;  // the mark it belongs to
    std::string what;     // what happened: one of the user's categories, or their own words
    std::string body;     // where in the body, comma-separated
    std::string thought;  // the story told in the moment
    std::optional<int> intensity;        // 0-10, at the time
    std::string helped;                  // what helped, comma-separated
    std::optional<int> intensity_after;  // 0-10, afterwards
};
// An episode ended: the 30-s HR within 3 bpm of the pre-trigger baseline for 30 s.
struct RecoveredEvent {
    double hr_bpm = 0;
    double back_to_baseline_s = 0;  // from the onset to the first moment back
    std::optional<double> t50_s;    // the fitted half-recovery time, once 3 minutes followed
    std::optional<double> onset_s;  // the episode's
};
// The pacer started or changed: reason "start", "arousal", "ease", "resonance", "pattern",
// "adaptation" (switched on or off).
struct PacerEvent {
    std::string reason;
    std::string pattern;
    std::optional<double> from_count_s, count_s, cycle_s, effective_s, arousal, breathing_bpm;
    std::optional<bool> adaptation;
};
struct PausedEvent {};   // the pacer paused
struct ResumedEvent {};  // and resumed
// Arousal stayed high for a minute with the pacer at its fastest count: 5-4-3-2-1 offered.
struct GroundingOfferedEvent {
    double arousal = 0;
};
struct GroundingAcceptedEvent {};
struct GroundingDismissedEvent {};
// The sensor's state changed.
struct SensorEvent {
    SensorState state = SensorState::disconnected;
    std::string detail;  // what the user should know or do; may be empty
};
// Beats are missing before this moment (dropout, reconnect): never filled.
struct GapEvent {
    double missing_s = 0;  // time without beats before the event
};
// The practice's server (practice/live_sync.h): "away" (unreachable; the session goes on into
// this workstation's store), "connected" (again), "caught_up" (it has every beat stored here).
struct SyncEvent {
    std::string state;
    std::string detail;  // why it is away; may be empty
};
// A protocol run started (clinician mode, protocol/protocol.h).
struct ProtocolEvent {
    std::string name;
    int steps = 0;
};
// A protocol step began or ended. A step ends when its time is up ("done"), when the clinician
// moves on ("next") or repeats it ("repeat"), or when the session ends ("ended").
struct StepStartEvent {
    int index = 0;  // 0-based position in the protocol
    std::string name;
    std::string kind;  // baseline, stressor, recovery, paced, free, rest
    double planned_s = 0;
};
struct StepEndEvent {
    int index = 0;
    std::string name;
    std::string kind;
    std::string reason = "done";
};
// One breathing rate of a resonance-frequency assessment, from the second half of its step.
struct RfRate {
    double bpm = 0;
    std::optional<double> phase_deg;  // HR vs the pacer's breath; 0 = in phase
    std::optional<double> peak_trough_bpm;
    std::optional<double> lf_ms2;
    std::optional<double> lf_peak_ms2_per_hz;
    std::optional<double> smoothness;  // 0-1
    std::optional<int> lf_peaks;
    std::optional<double> score;  // 0-1 by the rule in protocol/resonance.h
};
// The assessment's result at the end of an rf-assessment run.
struct RfResultEvent {
    std::optional<double> suggested_bpm;  // empty when no rate could be scored
    std::vector<RfRate> rates;
    std::string rule;  // the rule that made the suggestion
};
// A kind this build does not know (a newer Steady wrote it): kept as it was.
struct OtherEvent {
    std::string kind;
    std::string payload;  // JSON object text
};

using EventData =
    std::variant<BaselineEvent, TriggerEvent, MarkEvent, JournalEvent, RecoveredEvent, PacerEvent,
                 PausedEvent, ResumedEvent, GroundingOfferedEvent, GroundingAcceptedEvent,
                 GroundingDismissedEvent, SensorEvent, GapEvent, SyncEvent, ProtocolEvent,
                 StepStartEvent, StepEndEvent, RfResultEvent, OtherEvent>;

struct Event {
    double t_s = 0;  // session time
    EventData data;

    template <typename T>
    const T* as() const {
        return std::get_if<T>(&data);
    }
};

// The kind's name as stored and printed: "baseline", "trigger", "mark", "journal", "recovered",
// "pacer", "paused", "resumed", "grounding_offered", "grounding_accepted",
// "grounding_dismissed", "sensor", "gap", "sync", "protocol", "step_start", "step_end", "rf_result"
// (an OtherEvent keeps its own).
std::string kind_of(const Event& e);
// Every kind this build writes, in the README table's order (for tests and documentation).
std::vector<std::string> event_kinds();

}  // namespace steady
