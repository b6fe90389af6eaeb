// What a session amounted to, for the summary the window shows when it ends: built from the
// per-second snapshots and the session's events, so it matches what was shown and stored.
#pragma once

#include <array>
#include <optional>
#include <vector>

#include "engine/snapshot.h"

namespace steady {

struct TrainingSummary {
    double duration_s = 0;
    std::optional<double> mean_hr_bpm;
    // RMSSD (60-s rolling) averaged over the first and the last kEdgeS of the session that
    // have it (the first minute has none yet).
    std::optional<double> rmssd_first_ms, rmssd_last_ms;
    std::array<double, 3> coherence_s{};  // seconds at low, medium, high (challenge level)
    int challenge = 1;
    int triggers_marked = 0;    // "Mark trigger" presses
    int triggers_detected = 0;  // sudden activations the engine found
    std::vector<double> recovery_s;  // each "recovered" event's recovery time
    int pacer_adaptations = 0;       // tempo changes by arousal, easing or resonance drift
    bool simulated = false;
};

class SummaryBuilder {
  public:
    static constexpr double kEdgeS = 180;  // "first vs last minutes": three minutes each

    explicit SummaryBuilder(int challenge = 1) { s_.challenge = challenge; }
    void set_challenge(int c) { s_.challenge = c; }
    void set_simulated(bool s) { s_.simulated = s; }
    void add_second(double t_s, const Snapshot& snap);
    void add_event(const EngineEvent& e);
    TrainingSummary summary() const;

  private:
    TrainingSummary s_;
    double hr_sum_ = 0;
    long hr_n_ = 0;
    std::vector<std::pair<double, double>> rmssd_;  // (t, rmssd) per second
};

}  // namespace steady
