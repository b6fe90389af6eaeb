// One training session from "start" to "stored": the plan (sensor and its capabilities, client,
// pattern, baseline source), the sensor's lifecycle, the engine, the adaptive pacer, the
// grounding rule, the store and the summary. The window and `steady record` are two readers of
// it: commands go in from any thread (mark, note, pause, pattern, grounding, end), and after
// every update it publishes one immutable SessionView that any number of readers take with one
// pointer swap (Tracy's Worker/View split). `record` also takes every second and event in order
// through SessionCallbacks, to print them as JSON Lines.
//
// Per-second reports are deterministic: second k is reported just before the first beat that
// arrived after k is processed, so it reflects exactly the beats up to k whatever the thread
// timing. When no beats come (strap unplugged) a second is reported once the clock is kSlackS
// past it. Events are reported, stored and shown in time order among the seconds: an event at t
// comes after the line of second floor(t) and before the line of the next.
//
// Clinician mode runs here too: with a protocol (protocol/protocol.h) the session steps through
// it, each step setting the pacer and emitting step_start/step_end; commands move, repeat,
// extend or pause the steps; an assessment ends with rf_result (protocol/resonance.h).
//
// No GUI or driver code here: sensors come from the registry, described by SensorInfo.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/clock.h"
#include "engine/engine.h"
#include "pacer/adaptive.h"
#include "pacer/shared_schedule.h"
#include "practice/live_sync.h"
#include "recovery/episodes.h"
#include "sensor/registry.h"
#include "session/store.h"
#include "training/session_view.h"

namespace steady {

// The plan itself cannot run (a live sensor asked to go faster, a baseline that is not there):
// the command line exits 2.
class PlanError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct PacerSetup {
    pacer::Pattern pattern;
    pacer::AdaptConfig adapt;
};

struct SessionPlan {
    std::string sensor = "sim";
    double speed = 1;       // the simulator and replay only; a live sensor must be 1
    double duration_s = 0;  // 0: the sensor's own length (a scenario's), else until ended
    std::optional<std::string> client;  // empty: the database's default client
    std::optional<PacerSetup> pacer;    // the adaptive breathing pacer, when set
    std::string baseline = "new";       // new (first 2 minutes), last, or a session id
    int challenge = 1;                  // coherence challenge level 1-4
    double recent_s = 0;                // tachogram kept in the view (the window: 120 s)
    // A file, or a practice's server (a libpq connection string: the session is recorded into
    // Database::default_path() and sent to the server as it goes); empty: the default file.
    std::string db_path;
    double sync_every_s = practice::LiveSync::kEveryS;  // sends to the server
    // Beats that cannot be saved to the database this long (session time) end the session,
    // into its journal. A day; tests shorten it.
    double unsaved_limit_s = 24 * 3600.0;
    // Clinician mode: a scripted protocol; each step sets the pacer (`pacer` above is then
    // unused), the baseline comes from its baseline step, and it ends with its last step (or
    // at duration_s). A simulated person breathes with every paced step and reacts to stressors.
    std::optional<protocol::Protocol> protocol;
    std::vector<pacer::Pattern> patterns;  // custom patterns (the settings file's)
    pacer::AdaptConfig adapt;              // bounds for adaptive protocol steps
    // The client's stored settings (pattern, challenge, adaptation bounds) apply unless the
    // caller set these from its command line.
    bool pattern_given = false;
    bool challenge_given = false;
};

// What `record` prints, in order. Called on the session's thread.
struct SessionCallbacks {
    std::function<void(double second, const Snapshot&, const std::optional<PacerReport>&)>
        on_second;
    std::function<void(const Event&)> on_event;
    std::function<void(const PlacedBeat&)> on_beat;
    std::function<void(const std::string&)> on_warning;  // store failures, dropped beats
};

class TrainingSession {
  public:
    static constexpr double kSlackS = 2.0;
    static constexpr double kCommitEveryRealS = 0.5;      // store writes, real seconds
    static constexpr double kUnsavedWarnEveryRealS = 60;  // while beats cannot be saved
    static constexpr double kHistoryS = 120;              // HR and RMSSD history in the view
    static constexpr double kGroundingAfterS = 60;        // high and at the fastest count this long
    static constexpr double kGroundingQuietS = 300;       // no new offer this long after one
    static constexpr double kLastSyncWaitS = 15;          // the end's send to the server

    // Checks the plan, opens (or creates) the database and opens the sensor, in that order;
    // nothing is recorded yet. Throws PlanError (before anything is opened when it is the
    // speed), SensorError or StoreError, each saying what to do.
    TrainingSession(SessionPlan plan, const SensorRegistry& registry);
    ~TrainingSession();
    // The checks of the plan alone (the first step above), for a caller that wants them before
    // it opens anything of its own (the window, before its window). Returns the baseline's
    // session id when the plan names one.
    static std::optional<std::int64_t> check(const SessionPlan& plan,
                                             const SensorRegistry& registry);
    TrainingSession(const TrainingSession&) = delete;
    TrainingSession& operator=(const TrainingSession&) = delete;

    // Starts the sensor and the session clock, then the stored session. Throws SensorError if
    // the sensor cannot start, leaving nothing stored.
    void start();
    // Runs until the end (the plan's duration, the scenario's length, end(), or a replay
    // running dry), starting first if needed; stores the session with its summary and returns
    // the summary. Blocks the calling thread.
    const SessionSummary& run();

    // Commands, safe from any thread. Each is stamped on the session clock when posted and
    // becomes an event of the session.
    void end() { stop_ = true; }  // an atomic store: safe in a signal handler
    void mark_trigger();
    void add_journal(JournalEvent note);
    void set_pacer_paused(bool paused);
    void set_pattern(const pacer::Pattern& pattern);
    void set_adaptation(bool on);
    // A protocol run (no-ops without one): move to the next step now, run the current step
    // again from its start, give it `seconds` more, pause or resume the step clock and pacer.
    void next_step();
    void repeat_step();
    void extend_step(double seconds);
    void set_protocol_paused(bool paused);
    // Stores `bpm` as the client's resonance rate (the clinician confirmed an assessment's
    // suggestion). Safe from any thread; throws StoreError.
    void confirm_resonance(double bpm);
    void accept_grounding() { answer_grounding(true); }
    void dismiss_grounding() { answer_grounding(false); }

    // The latest view; safe from any thread.
    std::shared_ptr<const SessionView> view() const;

    SessionCallbacks callbacks;  // set before start()

    const SessionPlan& plan() const { return plan_; }
    const SensorInfo& sensor_info() const { return info_; }
    const Client& client() const { return client_; }
    const std::optional<Baseline>& stored_baseline() const { return baseline_; }
    Database& database() { return *db_; }
    // The practice's server the session is sent to as it goes, when one is named.
    const std::optional<std::string>& server() const { return server_; }
    std::int64_t id() const { return recording_ ? recording_->id() : 0; }
    // The session's end time from the plan and the sensor (infinity: until ended).
    double end_s() const { return end_s_; }
    // True once the session and its summary are stored.
    bool stored() const { return stored_; }

  private:
    void drain_outputs();
    void report_events_until(double t_s);
    void report_second(double t_s);
    void update_pacer(double t_s);
    void update_grounding(double t_s);
    void add_event(double t_s, EventData data);
    void post(std::function<void(double now_s)> request);
    void run_requests();
    void answer_grounding(bool accepted);
    void publish_pacer();
    void publish(SessionView::State state);
    void warn(const std::string& w);
    // Protocol steps (session thread).
    void advance_protocol(double t_s);
    void start_step(int index, double t_s);
    void finish_step(double t_s, const std::string& reason);
    void recompute_end();
    void publish_progress();
    void finish_assessment(double t_s);
    void add_pacer_start(double t_s);
    void pause_pacer(double t_s, bool paused);  // pauses or resumes, with its event

    SessionPlan plan_;
    std::unique_ptr<Database> db_;
    Client client_;
    std::optional<Baseline> baseline_;
    std::unique_ptr<Sensor> sensor_;
    SensorInfo info_;
    double end_s_ = 0;
    std::optional<Engine> engine_;  // made once the baseline is known
    SensorOutput out_;
    std::optional<SessionClock> clock_;
    std::unique_ptr<Recording> recording_;
    std::optional<std::string> server_;              // the practice's, when named
    std::string sync_state_;                         // its latest state (session thread)
    std::unique_ptr<practice::LiveSync> live_sync_;  // after recording_: stopped first
    std::optional<pacer::AdaptivePacer> pacer_;
    std::shared_ptr<pacer::SharedSchedule> shared_pacer_;  // the simulated person reads it
    std::shared_ptr<const pacer::Schedule> pacer_view_;
    std::atomic<bool> stop_{false};
    bool stored_ = false;
    // Protocol state (session thread), published as progress_.
    struct StressCue;
    std::shared_ptr<StressCue> stress_;
    ProtocolProgress run_;
    std::shared_ptr<const ProtocolProgress> progress_;
    double duration_cap_s_ = 0;  // --duration, or infinity
    struct RateRun {
        double bpm, start_s, end_s, cycle_s, inhale_s;
    };
    std::vector<RateRun> rate_runs_;  // an assessment's paced steps as they ran

    // Session-thread state.
    recovery::SecondSeries series_;  // per-second HR for episodes
    recovery::EpisodeDetector detector_{series_};
    std::size_t next_episode_second_ = 0;
    std::optional<LiveEpisode> live_episode_;
    std::optional<RecoveredEvent> last_recovery_;
    void update_live_episode(double t_s);
    std::vector<Event> unreported_;  // waiting for their second's line, in time order
    std::vector<PlacedBeat> beats_;
    std::shared_ptr<const std::vector<Event>> events_ = std::make_shared<std::vector<Event>>();
    std::vector<std::pair<double, double>> hr_history_, rmssd_history_;
    std::shared_ptr<const std::vector<std::pair<double, double>>> hr_view_, rmssd_view_;
    double next_second_ = 1;
    double reached_s_ = 0;
    double high_since_s_ = -1;
    double grounding_quiet_until_s_ = 0;
    bool grounding_pending_ = false;
    std::string last_warning_;
    SessionSummary summary_;

    std::mutex requests_mutex_;
    std::vector<std::pair<double, std::function<void(double)>>> requests_;
    mutable std::mutex view_mutex_;
    std::shared_ptr<const SessionView> view_;
};

}  // namespace steady
