// What a training session shows at one moment: an immutable value the session publishes after
// every update and its readers (the window, tests) take with one pointer swap. Nothing in it
// changes after publication; the shared parts are replaced, never edited.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/clock.h"
#include "engine/snapshot.h"
#include "pacer/schedule.h"
#include "protocol/protocol.h"
#include "recovery/episodes.h"
#include "session/events.h"
#include "session/summary.h"

namespace steady {

// Where the pacer is at one second, for the per-second report.
struct PacerReport {
    std::string pattern;
    pacer::Point point;
};

// An episode while it lasts: the way back, for the window's recovery panel.
struct LiveEpisode {
    double onset_s = 0;
    double baseline_hr_bpm = 0;
    double peak_hr_bpm = 0;
    double peak_s = 0;
    // (t, 30-s HR) once a second since the onset.
    std::shared_ptr<const std::vector<std::pair<double, double>>> hr;
    std::optional<recovery::Recovery> fit;  // refitted every 10 s once 3 minutes followed the peak
};

// A protocol run as it stands (clinician mode).
struct ProtocolProgress {
    std::shared_ptr<const protocol::Protocol> protocol;
    int index = 0;            // the step running; steps.size() once the last has ended
    double step_start_s = 0;  // the running step's start...
    double step_end_s = 0;    // ...and planned end (moves with extend and pause)
    bool paused = false;
    double paused_at_s = 0;                      // while paused: when the step clock stopped
    std::optional<double> client_resonance_bpm;  // what "client" rate steps pace at
    std::optional<RfResultEvent> rf;             // an assessment's result, once it ended
    bool done() const { return index >= static_cast<int>(protocol->steps.size()); }
    // Time left in the running step at session time `now_s` (frozen while paused).
    double left_s(double now_s) const {
        if (done()) return 0;
        const double at = paused ? paused_at_s : now_s;
        return std::max(0.0, step_end_s - std::max(at, step_start_s));
    }
    const protocol::Step* step() const {
        return done() ? nullptr : &protocol->steps[static_cast<std::size_t>(index)];
    }
};

struct SessionView {
    enum class State { ready, running, ended };
    State state = State::ready;
    std::int64_t id = 0;  // the stored session (0 before it starts)
    std::string client;
    SensorInfo sensor;
    // The session clock: readers draw the pacer at clock->now_s(). Valid while the session
    // object lives; null before it starts.
    const SessionClock* clock = nullptr;

    std::shared_ptr<const Snapshot> snapshot;          // the engine's latest
    std::shared_ptr<const pacer::Schedule> pacer;      // null without a pacer
    std::shared_ptr<const std::vector<Event>> events;  // so far, in time order
    // One value per second over the last kHistoryS: (t, 30-s HR) and (t, 60-s RMSSD).
    std::shared_ptr<const std::vector<std::pair<double, double>>> hr_history, rmssd_history;
    bool grounding_offered = false;               // an offer waits for an answer
    std::optional<LiveEpisode> episode;           // open now
    std::optional<RecoveredEvent> last_recovery;  // the latest episode that ended
    double reached_s = 0;                         // session time reported so far
    std::string warning;                          // the latest store problem, if any
    std::string sync;  // the practice's server: "away", "connected", "caught_up"; empty: none
    std::optional<SessionSummary> summary;             // once ended and stored
    std::shared_ptr<const ProtocolProgress> protocol;  // null without a protocol
};

}  // namespace steady
