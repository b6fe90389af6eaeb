// Artifact detection and correction for RR series.
// - Range screen: values outside [min_rr_ms, max_rr_ms] are flagged out_of_range and removed,
//   whatever the method (never silently analysed).
// - automatic: Lipponen & Tarvainen (2019), J Med Eng Technol 43(3):173-181, the method behind
//   Kubios's automatic correction, following the paper's decision flow as NeuroKit2's
//   signal_fixpeaks(method="Kubios") implements it. Ectopic / long / short beats are corrected by
//   interpolating the beat time between its neighbours, missed beats by splitting the interval,
//   extra beats by merging two intervals.
// - threshold_*: Kubios's threshold method: |RR - local median| above 0.35/0.25/0.15 s (scaled to
//   the mean heart rate: the thresholds are for 60 beats/min), replaced by linear interpolation.
#pragma once

#include <span>
#include <vector>

#include "hrv/results.h"
#include "hrv/settings.h"

namespace steady::hrv {

struct ArtifactResult {
    std::vector<double> rr_ms;  // corrected series (equal to the screened input for `none`)
    ArtifactReport report;      // flagged indices refer to the input series
};

// For ArtifactMethod::none the automatic detector still runs and reports what it would flag
// (report.corrected stays 0 apart from out-of-range removals), so a user sees suspect beats.
ArtifactResult screen_artifacts(std::span<const double> rr_ms, const ArtifactSettings& s);

// screen_artifacts() in two steps, so that with method none (nothing is corrected, so the
// metrics need only the range screen) detection can run alongside the metrics.
struct RangeScreened {
    std::vector<double> rr_ms;         // the values inside [min_rr_ms, max_rr_ms]
    std::vector<std::size_t> kept;     // input index of each of them
    std::vector<FlaggedBeat> removed;  // the others, flagged out_of_range
    std::size_t input_size = 0;
};
RangeScreened screen_range(std::span<const double> rr_ms, const ArtifactSettings& s);
// Detection (and correction, by method) on the range-screened series; the report covers both
// steps with input indices. screen_artifacts(x, s) == finish_screen(screen_range(x, s), s).
// `threads` > 1 lets the Lipponen & Tarvainen detector use two threads (same result).
ArtifactResult finish_screen(const RangeScreened& range, const ArtifactSettings& s,
                             unsigned threads = 1);

// The Lipponen & Tarvainen classification alone; indices refer to `rr_ms`.
std::vector<FlaggedBeat> detect_lipponen_tarvainen(std::span<const double> rr_ms,
                                                   const ArtifactSettings& s);

// Kubios threshold in seconds at 60 beats/min for a threshold method, 0 otherwise.
double threshold_method_seconds(ArtifactMethod m);

}  // namespace steady::hrv
