// The simulated person: a physiological model of beat-to-beat heart rhythm good enough for demos
// and for testing every feature without a strap. Deterministic: same scenario and seed, same
// beats. Units: times in s, RR in ms, rates in breaths/min or beats/min.
//
// RR(t) = 60000 / HR(t) + RSA + Mayer + noise, evaluated at each beat:
// - HR(t) = resting HR + slow drift + VLF wander + the arousal response to triggers (a rise of
// rise_bpm over
//   onset_s, then exponential recovery with time constant tau_s);
// - RSA = -rsa_ms x gain(f) x depth x (1 - suppression) x (2 v(t + lead(f)) - 1): heart rate
//   rises with lung volume v in [0, 1]. The baroreflex is a damped resonance at resonance_bpm
//   (Vaschillo; Lehrer 2000): H(f) = 1 / (1 + jQ(f/f0 - f0/f)) with Q = f0 / 2 breaths/min, so
//   the amplitude is near 70 % of its peak 1 breath/min either side and 4-5x its size at
//   spontaneous breathing at f0; gain(f) = |H(f)| / |H(breathing_bpm)| (rsa_ms is the amplitude
//   at rest). The heart leads the breath by arg H(f) (0 at resonance, up to +90 deg slower than
//   it, down to -90 deg faster);
// - the person breathes spontaneously (rate wanders by ~5 %, depth by ~30 %; faster under
//   arousal) unless a pacer runs, when v follows the pacer's lung-volume curve with
//   `compliance` (0-1) and `lag_s`;
// - stress: during a protocol's stressor step HR rises by stress_response_bpm (time constant
//   8 s), RSA is suppressed and breathing quickens; afterwards it recovers with recovery_tau_s;
// - Mayer waves: mayer_ms at the same baroreflex resonance (resonance_bpm / 60 Hz); noise: white,
// noise_ms SD. Artifacts are laid on top of the true beats (SimArtifacts): ectopic beats (a
// premature beat at 65 % of the interval and a compensatory pause), missed beats (two intervals
// delivered as one), and dropouts (no beats for dropout_s, the next one flagged gap-before).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "sensor/sensor.h"

namespace steady::sim {

struct Params {
    double hr_bpm = 64;
    double drift_bpm = 2;       // amplitude of the slow drift (period ~10 min)
    double vlf_bpm = 2.5;       // SD of the very-low-frequency wander (time constant 25 s)
    double rsa_ms = 40;         // RSA amplitude at spontaneous breathing, rest
    double breathing_bpm = 12;  // spontaneous breathing rate
    double mayer_ms = 15;
    double noise_ms = 10;
    double compliance = 0.9;          // how closely breathing follows a pacer
    double lag_s = 0.0;               // and how late (0: in time with the pacer)
    double recovery_tau_s = 120;      // default trigger (and stressor) recovery time constant
    double resonance_bpm = 5.5;       // the baroreflex resonance, 4.0-7.0
    double stress_response_bpm = 15;  // HR rise in a protocol's stressor step (0: none)
    double ectopic_per_min = 0;
    double missed_per_min = 0;
    double dropouts_per_hour = 0;
    double dropout_s = 8;
    std::uint64_t seed = 1;
};

struct Trigger {
    double at_s = 0;
    double rise_bpm = 22;  // 15-30 bpm in people
    double onset_s = 15;
    double tau_s = 0;  // 0: Params::recovery_tau_s
    double rsa_suppression = 0.7;
    double breathing_rise = 0.3;  // spontaneous breathing speeds up by this fraction at peak
};

// A breathing pattern as counts in seconds: inhale, hold, exhale, hold after exhale.
struct BreathPattern {
    double inhale_s = 4, hold_s = 7, exhale_s = 8, rest_s = 0;
    double cycle_s() const { return inhale_s + hold_s + exhale_s + rest_s; }
    double rate_bpm() const { return 60.0 / cycle_s(); }
    // Lung volume in [0, 1] at `t_s` into the pattern (raised-cosine inhale and exhale).
    double volume(double t_s) const;
};

struct PacingSpan {
    double from_s = 0, to_s = 1e18;
    BreathPattern pattern;
};

struct Scenario {
    std::string name;
    std::string description;
    std::optional<double> duration_s;  // the story's length; none: runs until stopped
    Params params;
    std::vector<Trigger> triggers;
    std::vector<PacingSpan> pacing;
    // Breathes with the trainer's pacer when one runs (a person practising), instead of the
    // scenario's own pacing spans and spontaneous breathing.
    bool follows_pacer = false;
};

// Built-in scenarios: calm, paced, trigger-recovery, noisy.
std::vector<std::string> scenario_names();
// A built-in name or a TOML file path; throws SensorError saying which key is wrong and why.
Scenario load_scenario(const std::string& name_or_file);
Scenario parse_scenario_toml(const std::string& text, const std::string& source);

struct TrueBeat {
    double t_s;  // end of the interval
    double rr_ms;
    double breathing_bpm;  // the rate being breathed at this beat
    double arousal;        // 0-1, the trigger response's share of its peak
};

// The person: generates true beats one after another.
class Model {
  public:
    explicit Model(const Scenario& s);
    TrueBeat next();
    // The session outside the scenario: the trainer's pacer drives breathing when set (lung
    // volume in [0, 1] for a session time, negative when not pacing), and a protocol's stressor
    // steps raise HR.
    void set_cues(SessionCues cues) { cues_ = std::move(cues); }
    // |H(f)| and arg H(f) (radians, positive: HR leads the breath) of the resonance at f.
    static double resonance_gain(double f_bpm, double f0_bpm);
    static double resonance_phase(double f_bpm, double f0_bpm);

  private:
    double pacer_volume(double t_s) const;    // < 0: no pacer now
    double pacer_rate_bpm(double t_s) const;  // the pacer's rate at t (0: unknown)
    Scenario s_;
    std::mt19937_64 rng_;
    std::normal_distribution<double> normal_{0.0, 1.0};
    double t_s_ = 0;
    double phase_ = 0;  // spontaneous breathing phase, cycles
    double rate_wander_ = 0;
    double depth_wander_ = 0;
    double vlf_bpm_ = 0;
    double prev_rr_ms_ = 900;
    double mayer_phase_ = 0;
    double drift_phase_ = 0;
    SessionCues cues_;
    double stress_ = 0;  // 0-1, the stressor response
};

// Turns true beats into what a strap would deliver.
class Artifacts {
  public:
    explicit Artifacts(const Params& p);
    // Appends the delivered events for one true beat (zero, one or two).
    void deliver(const TrueBeat& b, std::vector<BeatEvent>& out);

  private:
    Params p_;
    std::mt19937_64 rng_;
    std::uniform_real_distribution<double> uniform_{0.0, 1.0};
    double carry_ms_ = 0;  // part of an interval still to be delivered (missed/ectopic)
    double dropout_until_s_ = -1;
    bool gap_next_ = false;
};

}  // namespace steady::sim
