// What the engine publishes after every update: an immutable value that the window and the
// command line read (never the engine's internals). Empty optionals mean "not enough data yet".
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/arousal.h"
#include "sensor/sensor.h"

namespace steady {

// One beat of the recent tachogram the window draws.
struct RecentBeat {
    double t_s;
    double rr_ms;
    bool artifact;  // rejected by the online screen (drawn, not used)
};

// The power spectrum of the last coherence window (64 s at 2 Hz), for display.
struct ShortSpectrum {
    double df_hz = 0;           // bin width (1/64 Hz)
    std::vector<double> power;  // ms^2 per bin, bin k at k * df_hz
    double end_s = 0;
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
    std::optional<double> coherence_ratio;    // HeartMath, 64 s, refreshed every 5 s
    std::optional<double> coherence_score;    // 0-16
    std::optional<double> coherence_peak_hz;  // of the same window: the breathing rhythm now
    std::optional<double> resp_rate_bpm;      // breaths/min from the RSA peak, last 300 s
    std::optional<double> lf_hf;              // last 300 s
    std::optional<double> hf_ms2;
    std::optional<double> lf_peak_hz;  // last 300 s
    // Only when EngineConfig::recent_s > 0 (the window): the last recent_s of beats, and the
    // spectrum of the last coherence window. Shared, immutable, rebuilt on change.
    std::shared_ptr<const std::vector<RecentBeat>> recent;
    std::shared_ptr<const ShortSpectrum> spectrum;
    std::optional<double> lf_ms2;
    std::optional<Baseline> baseline;
    bool baseline_ready = false;
    Arousal arousal;
    SensorStatus sensor;
};

}  // namespace steady
