// Results of an HRV analysis, as plain structs. A metric that could not be computed is an empty
// optional, and the reason is in AnalysisResult::warnings. Units are in every name.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "hrv/settings.h"

namespace steady::hrv {

enum class ArtifactType { ectopic, long_beat, short_beat, missed, extra, out_of_range, threshold };
std::string_view to_string(ArtifactType t);

// A beat the artifact screen flagged. `index` is the position in the series as it was given.
struct FlaggedBeat {
    std::size_t index;
    ArtifactType type;
};

struct ArtifactReport {
    ArtifactMethod method = ArtifactMethod::none;
    std::vector<FlaggedBeat> flagged;
    std::size_t corrected = 0;  // intervals changed, split, merged or removed
    double percent = 0.0;       // 100 x flagged / input beats
};

struct TimeDomain {
    double mean_rr_ms = 0;
    double sdnn_ms = 0;
    double rmssd_ms = 0;
    double sdsd_ms = 0;
    std::size_t nn50 = 0;
    double pnn50_pct = 0;
    std::size_t nn20 = 0;
    double pnn20_pct = 0;
    double mean_hr_bpm = 0;  // 60000 / mean RR
    double min_hr_bpm = 0;   // 60000 / max RR
    double max_hr_bpm = 0;   // 60000 / min RR
    double sd_hr_bpm = 0;    // SD of instantaneous HR (60000 / RR), N-1
    double triangular_index = 0;
};

struct Spectrum {
    double df_hz = 0;                // bin spacing
    std::vector<double> psd_ms2_hz;  // one-sided, bins 0 .. nfft/2
    std::size_t segments = 0;
    double freq_hz(std::size_t bin) const { return static_cast<double>(bin) * df_hz; }
};

struct FrequencyDomain {
    double vlf_ms2 = 0, lf_ms2 = 0, hf_ms2 = 0, total_ms2 = 0;
    double vlf_pct = 0, lf_pct = 0, hf_pct = 0;
    double lf_nu = 0, hf_nu = 0;
    std::optional<double> lf_hf;  // empty when HF power is zero
    double vlf_peak_hz = 0, lf_peak_hz = 0, hf_peak_hz = 0;
    Spectrum spectrum;
};

struct Nonlinear {
    std::optional<double> sd1_ms, sd2_ms, sd2_sd1;
    std::optional<double> dfa_alpha1, dfa_alpha2;
    std::optional<double> sampen;
};

struct Coherence {
    double ratio_mean = 0;  // mean over 64-s windows every 5 s
    double score_mean = 0;  // 0-16 display score, see coherence.h
    double peak_hz = 0;     // median peak frequency over the windows
    std::size_t windows = 0;
};

struct AnalysisResult {
    std::size_t beats = 0;  // intervals analysed (after correction)
    std::size_t input_beats = 0;
    double duration_s = 0;  // sum of the analysed intervals
    ArtifactReport artifacts;
    std::optional<TimeDomain> time;
    std::optional<FrequencyDomain> frequency;
    Nonlinear nonlinear;
    std::optional<Coherence> coherence;
    std::optional<double> respiration_rate_bpm;  // breaths per minute
    std::vector<std::string> warnings;
};

}  // namespace steady::hrv
