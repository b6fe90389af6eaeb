// Resting baseline, arousal estimate and sudden-activation (trigger) detection.
//
// Arousal level in 0-1, from how far the present sits from the user's resting baseline:
//   hr_part   = clamp((HR_30s - HR_base) / 25 bpm, 0, 1)
//   vagal     = clamp(ln(RMSSD_base / RMSSD_30s) / ln 3, 0, 1)
//   resp_part = clamp((resp - resp_base) / 8 breaths/min, 0, 1)
//   level     = (0.5 hr_part + 0.35 vagal + 0.15 resp_part) / (sum of the weights present)
// Rationale: a sympathetic surge shows first as a heart-rate rise and vagal withdrawal (RMSSD
// falls roughly in proportion on a log scale, hence the log ratio); faster breathing follows
// but is the least specific, so it weighs least. 25 bpm above rest or RMSSD at a third of rest
// count as fully activated, the range a trigger produces in the stress literature (Kim et al.
// 2018, Psychiatry Investig 15:235; Castaldo et al. 2015, Biomed Signal Process Control 18:370).
// Under slow breathing (below kSlowBreathingBpm, e.g. 4-7-8 at 3.2/min) successive differences
// shrink although vagal tone does not (the RR swings are slow, not small), so RMSSD is left out
// there rather than read as vagal withdrawal.
// Bands: calm < 0.35 <= activated < 0.65 <= high (a rest-level HR wander of +-5 bpm stays calm),
// with 0.05 hysteresis so the band does not flicker.
//
// Triggers and recovery are found on heart rate alone, once a second (recovery/episodes.h).
#pragma once

#include <optional>
#include <string>

namespace steady {

enum class ArousalBand { calm, activated, high };
const char* to_string(ArousalBand b);

struct Baseline {
    double hr_bpm = 0;
    double rmssd_ms = 0;
    std::optional<double> resp_bpm;
};

struct Arousal {
    double level = 0;
    ArousalBand band = ArousalBand::calm;
};

class ArousalTracker {
  public:
    static constexpr double kHrSpanBpm = 25;
    static constexpr double kRmssdSpanRatio = 3;
    static constexpr double kRespSpanBpm = 8;
    static constexpr double kHrWeight = 0.5, kVagalWeight = 0.35, kRespWeight = 0.15;
    static constexpr double kSlowBreathingBpm = 8;
    static constexpr double kCalmBelow = 0.35, kHighFrom = 0.65, kHysteresis = 0.05;

    void set_baseline(const Baseline& b) { baseline_ = b; }
    const std::optional<Baseline>& baseline() const { return baseline_; }

    // Called per accepted beat with the rolling figures.
    void update(double hr_30s_bpm, std::optional<double> rmssd_30s_ms,
                std::optional<double> resp_bpm);
    const Arousal& arousal() const { return arousal_; }

  private:
    std::optional<Baseline> baseline_;
    Arousal arousal_;
};

}  // namespace steady
