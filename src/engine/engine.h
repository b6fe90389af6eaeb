// The real-time engine: takes beats and sensor status in arrival order, places beats on the
// session clock, screens them, keeps the rolling metrics, baseline and arousal up to date, and
// publishes a Snapshot after every update. Single-threaded by design (the thread that drains the
// sensor rings calls it); only snapshot() may be called from other threads.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "engine/arousal.h"
#include "engine/beat_timeline.h"
#include "engine/online_screen.h"
#include "engine/snapshot.h"
#include "hrv/rolling.h"
#include "session/beat.h"
#include "session/events.h"

namespace steady {

struct EngineConfig {
    hrv::RollingConfig rolling;
    double baseline_s = 120;           // resting baseline from the first minutes...
    std::optional<Baseline> baseline;  // ...unless the user's stored one is given...
    bool auto_baseline = true;  // ...or a protocol's baseline step measures it (begin/end below)
    double coherence_every_s = 5;
    double spectrum_every_s = 5;
    double recent_s = 0;  // keep this much tachogram in the snapshot (0: none, headless)
};

class Engine {
  public:
    explicit Engine(EngineConfig config = {});

    void on_beat(const BeatEvent& e);
    void on_status(const SensorStatus& s);
    void set_dropped(std::uint64_t dropped) { state_.dropped = dropped; }
    // A protocol's baseline step: the baseline is measured over the accepted beats between the
    // two calls (replacing any other), and emitted at the end.
    void begin_baseline();
    void end_baseline(double t_s);

    // Latest snapshot; safe from any thread.
    std::shared_ptr<const Snapshot> snapshot() const;
    // The state as of now, for the thread that drives the engine (no copy, no lock).
    const Snapshot& current() const { return state_; }

    // Beats and events since the last call, for the session store and the command line.
    std::vector<PlacedBeat> take_beats();
    std::vector<Event> take_events();

  private:
    void publish();
    void finish_baseline(double t_s);
    void emit(double t_s, EventData data);

    EngineConfig config_;
    BeatTimeline timeline_;
    OnlineScreen screen_;
    hrv::RollingHrv rolling_;
    ArousalTracker arousal_;
    Snapshot state_;
    double next_coherence_s_ = 0, next_spectrum_s_ = 0;
    // Baseline accumulation over the first baseline_s of accepted beats.
    bool collecting_ = false;
    double base_start_s_ = -1, base_sum_rr_ = 0, base_sum_sq_diff_ = 0;
    std::size_t base_beats_ = 0, base_diffs_ = 0;
    std::optional<double> base_prev_rr_;
    std::vector<RecentBeat> recent_;  // when config_.recent_s > 0
    std::vector<double> power_;
    std::vector<PlacedBeat> beats_out_;
    std::vector<Event> events_out_;
    double last_beat_s_ = -1;
    mutable std::mutex publish_mutex_;
    std::shared_ptr<const Snapshot> published_;
};

}  // namespace steady
