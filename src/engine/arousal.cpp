#include "engine/arousal.h"

#include <algorithm>
#include <cmath>

namespace steady {

const char* to_string(ArousalBand b) {
    switch (b) {
        case ArousalBand::calm:
            return "calm";
        case ArousalBand::activated:
            return "activated";
        case ArousalBand::high:
            return "high";
    }
    return "unknown";
}

namespace {
double clamp01(double v) {
    return std::clamp(v, 0.0, 1.0);
}
}  // namespace

void ArousalTracker::update(double hr_30s_bpm, std::optional<double> rmssd_30s_ms,
                            std::optional<double> resp_bpm) {
    if (!baseline_) return;

    // Weighted mean of the parts that are measurable now; a missing part's weight is shared out.
    const Baseline& b = *baseline_;
    double sum = kHrWeight * clamp01((hr_30s_bpm - b.hr_bpm) / kHrSpanBpm), weight = kHrWeight;
    const bool slow_breathing = resp_bpm && *resp_bpm < kSlowBreathingBpm;
    if (rmssd_30s_ms && *rmssd_30s_ms > 0 && b.rmssd_ms > 0 && !slow_breathing) {
        sum += kVagalWeight *
               clamp01(std::log(b.rmssd_ms / *rmssd_30s_ms) / std::log(kRmssdSpanRatio));
        weight += kVagalWeight;
    }
    if (resp_bpm && b.resp_bpm) {
        sum += kRespWeight * clamp01((*resp_bpm - *b.resp_bpm) / kRespSpanBpm);
        weight += kRespWeight;
    }
    const double level = sum / weight;
    arousal_.level = level;
    // Bands with hysteresis: move up at the boundary, down only kHysteresis below it.
    const ArousalBand old = arousal_.band;
    ArousalBand band = old;
    if (level >= kHighFrom)
        band = ArousalBand::high;
    else if (level >= kCalmBelow && old == ArousalBand::calm)
        band = ArousalBand::activated;
    else if (old == ArousalBand::high && level < kHighFrom - kHysteresis)
        band = level < kCalmBelow - kHysteresis ? ArousalBand::calm : ArousalBand::activated;
    else if (old == ArousalBand::activated && level < kCalmBelow - kHysteresis)
        band = ArousalBand::calm;
    arousal_.band = band;
}

}  // namespace steady
