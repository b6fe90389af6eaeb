// Resonance-frequency assessment (Lehrer et al. 2000, 2013; Shaffer & Meehan 2020): paced
// breathing at several rates, each scored from the second half of its step on six criteria, and a
// suggested rate. ../shared/reference/recovery-and-clinic.md s.3.
//
// Per rate, over the breaths of the pacer that lie wholly in the second half of the step (the
// breaths are Steady's own pacer cycles, from the step's pacer start, never a cosine from the
// window's start), with HR = 60000 / RR of unflagged beats, linearly interpolated at 4 Hz:
//   phase_deg          per breath, the phase of HR against the pacer's lung volume on the breath's
//                      fundamental (one cosine and sine projection per breath each): 0 when HR
//                      peaks with full lungs, negative when HR lags; the circular mean of the
//                      breaths
//   peak_trough_bpm    per breath, highest minus lowest HR; the mean of the breaths
//   lf_ms2             RR resampled at 4 Hz (cubic), linear detrend, Hann window, zero-padded to
//                      1024 points: power in 0.04-0.15 Hz
//   lf_peak_ms2_per_hz the highest PSD value in 0.04-0.15 Hz
//   smoothness         power within +-0.02 Hz of that peak over the LF power (0-1; 1: one clean
//                      oscillation)
//   lf_peaks           local maxima of the PSD in 0.04-0.15 Hz of at least 20 % of the highest
// The rule (kRule): each criterion is min-max normalised across the rates (best 1, worst 0: the
// phase nearest 0, the largest swings and power, the smoothest, the fewest peaks) and weighted
// (kWeights) 0.50 phase, 0.20 peak-to-trough, 0.15 LF power, 0.05 LF peak, 0.05 smoothness,
// 0.05 peaks; the highest score is suggested. Phase leads because on one-minute halves it is the
// most precise criterion: on the simulator (tests/protocol/test_resonance.cpp) its spread across
// seeds is about 7 deg while neighbouring rates sit about 27 deg apart, where the amplitude
// criteria scatter by +-20 % around differences of 10 %; jlamprou/HRVBioFeedback's weights
// (0.25 phase, 0.25 peak-to-trough, 0.20 LF, 0.12 LF peak, 0.10 smoothness, 0.08 peaks) pick the
// simulated resonance exactly in only 15-18 of 20 seeds. No weighting, these included, has been
// validated on people: the clinician confirms the rate. Phase is measured against the pacer, so a
// client who breathes late behind it reads as a lagging heart (0.3 s late is -12 deg at 6.5/min).
#pragma once

#include <span>
#include <vector>

#include "session/beat.h"
#include "session/events.h"

namespace steady::protocol {

constexpr double kWeights[6] = {0.50, 0.20, 0.15, 0.05, 0.05, 0.05};
constexpr const char* kRule =
    "criteria min-max normalised across the rates, weighted 0.50 phase, 0.20 peak-to-trough, "
    "0.15 LF power, 0.05 LF peak, 0.05 smoothness, 0.05 LF peaks; Steady's convention, not "
    "validated (no published weighting is): the clinician confirms the rate";

struct RfStep {
    double bpm = 0;
    double start_s = 0, end_s = 0;  // the step
    double pacer_start_s = 0;       // the pacer's first inhale
    double cycle_s = 0;             // one breath
    double inhale_s = 0;            // of which inhaling (the rest exhaling, no holds)
};

// One rate's six criteria (score empty).
RfRate rate_criteria(std::span<const PlacedBeat> beats, const RfStep& step);

// Every rate's criteria, their scores and the suggested rate.
RfResultEvent assess_resonance(std::span<const PlacedBeat> beats, std::span<const RfStep> steps);

}  // namespace steady::protocol
