// A live session: one sensor feeding the engine, the store kept up to date, a report each second
// of session time. Runs on the calling thread until the duration is reached, stop() is called
// (Ctrl-C), or a finite source (replay) runs dry. Used by `steady record` and the window.
//
// Per-second reports are deterministic: second k is reported just before the first beat that
// arrived after k is processed, so it reflects exactly the beats up to k whatever the thread
// timing. When no beats come (strap unplugged) a second is reported once the clock is kSlackS
// past it. Events are reported in time order among the seconds: an event at t comes after the
// line of second floor(t) and before the line of the next.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engine/clock.h"
#include "engine/engine.h"
#include "pacer/adaptive.h"
#include "pacer/shared_schedule.h"
#include "sensor/sensor.h"

namespace steady {

class SessionStore;

struct PacerSetup {
    pacer::Pattern pattern;
    pacer::AdaptConfig adapt;
};

struct LiveSessionConfig {
    double duration_s = 0;  // 0: until stopped
    double speed = 1;
    EngineConfig engine;
    std::optional<PacerSetup> pacer;  // the adaptive breathing pacer, when set
};

// Where the pacer is at one second, for the per-second report.
struct PacerReport {
    std::string pattern;
    pacer::Point point;
};

class LiveSession {
  public:
    static constexpr double kSlackS = 2.0;
    static constexpr double kCommitEveryRealS = 0.5;  // store writes, real seconds

    LiveSession(std::unique_ptr<Sensor> sensor, LiveSessionConfig config, SessionStore* store);

    // Called with the snapshot as of each whole second of session time.
    std::function<void(double second, const Snapshot&)> on_second;
    std::function<void(const EngineEvent&)> on_event;
    std::function<void(const PlacedBeat&)> on_beat;
    std::function<void(const std::string&)> on_warning;  // store failures, dropped beats

    // Starts the sensor and the session clock; throws SensorError if the sensor cannot start
    // (no adapter, no file), before anything is recorded.
    void start();
    // Blocks until the session ends (starting it first if needed); returns the session time
    // reached.
    double run();
    void stop() { stop_ = true; }
    bool stopping() const { return stop_; }
    const Engine& engine() const { return engine_; }
    SensorInfo sensor_info() const { return sensor_->info(); }
    // The session clock, once started (the window draws the pacer on it).
    const SessionClock* clock() const { return clock_ ? &*clock_ : nullptr; }

    // The pacer's schedule for any thread (empty without a pacer), and, on the session thread,
    // where it is at second `t_s`.
    std::shared_ptr<const pacer::SharedSchedule> pacer_schedule() const { return shared_pacer_; }
    std::optional<PacerReport> pacer_at(double t_s) const;

    // Requests from the window, safe from any thread. Each is timestamped on the session clock
    // when posted and becomes an event in the session (stored, reported).
    void mark_trigger();                               // "mark"
    void add_journal(double mark_t_s, std::string json_fields);  // "journal"
    void set_pacer_paused(bool paused);                // "pacer" paused / resumed
    void set_pattern(const pacer::Pattern& pattern);   // "pacer" pattern
    void set_adaptation(bool on);                      // "pacer" adaptation on / off

  private:
    void drain_outputs();
    void report_events_until(double t_s);
    void update_pacer(double t_s);
    void add_event(EngineEvent e);
    void post(std::function<void(double now_s)> request);
    void run_requests();

    std::unique_ptr<Sensor> sensor_;
    LiveSessionConfig config_;
    SessionStore* store_;
    Engine engine_;
    SensorOutput out_;
    std::optional<SessionClock> clock_;
    std::vector<EngineEvent> unreported_;  // events waiting for their second's line
    std::atomic<bool> stop_{false};
    std::optional<pacer::AdaptivePacer> pacer_;
    std::shared_ptr<pacer::SharedSchedule> shared_pacer_;
    std::mutex requests_mutex_;
    std::vector<std::pair<double, std::function<void(double)>>> requests_;
};

}  // namespace steady
