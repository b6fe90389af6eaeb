// What the engine publishes after every update: an immutable value that the window and the
// command line read (never the engine's internals). Empty optionals mean "not enough data yet".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/arousal.h"
#include "sensor/sensor.h"

namespace steady {

struct EngineEvent {
    double t_s = 0;
    std::string kind;     // "trigger", "recovered", "baseline", "sensor", "gap"
    std::string payload;  // JSON object text with the event's details
};

struct Snapshot {
    double t_s = 0;               // session time of the newest data
    std::uint64_t beats = 0;      // beats received
    std::uint64_t artifacts = 0;  // rejected by the online screen
    std::uint64_t gaps = 0;
    std::uint64_t dropped = 0;     // lost in the sensor ring (engine too slow)
    std::optional<double> rr_ms;   // last beat
    std::optional<double> hr_bpm;  // over 30 s
    std::optional<double> rmssd_30s_ms;
    std::optional<double> rmssd_60s_ms;
    std::optional<double> coherence_ratio;  // HeartMath, 64 s, refreshed every 5 s
    std::optional<double> coherence_score;  // 0-16
    std::optional<double> resp_rate_bpm;    // breaths/min from the RSA peak, last 300 s
    std::optional<double> lf_hf;            // last 300 s
    std::optional<double> hf_ms2;
    std::optional<double> lf_ms2;
    std::optional<Baseline> baseline;
    bool baseline_ready = false;
    Arousal arousal;
    SensorStatus sensor;
};

}  // namespace steady
