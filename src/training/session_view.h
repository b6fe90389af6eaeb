// What a training session shows at one moment: an immutable value the session publishes after
// every update and its readers (the window, tests) take with one pointer swap. Nothing in it
// changes after publication; the shared parts are replaced, never edited.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/clock.h"
#include "engine/snapshot.h"
#include "pacer/schedule.h"
#include "session/events.h"
#include "session/summary.h"

namespace steady {

// Where the pacer is at one second, for the per-second report.
struct PacerReport {
    std::string pattern;
    pacer::Point point;
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
    double end_s = 0;  // the planned end (infinity: until ended)

    std::shared_ptr<const Snapshot> snapshot;          // the engine's latest
    std::shared_ptr<const pacer::Schedule> pacer;      // null without a pacer
    bool pacer_at_fastest = false;                     // nothing left to ease
    std::shared_ptr<const std::vector<Event>> events;  // so far, in time order
    // One value per second over the last kHistoryS: (t, 30-s HR) and (t, 60-s RMSSD).
    std::shared_ptr<const std::vector<std::pair<double, double>>> hr_history, rmssd_history;
    bool grounding_offered = false;         // an offer waits for an answer
    double reached_s = 0;                   // session time reported so far
    std::string warning;                    // the latest store problem, if any
    std::optional<SessionSummary> summary;  // once ended and stored
};

}  // namespace steady
