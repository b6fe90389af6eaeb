// EDF+ export of a stored session (EDFlib, Debian's libedf-dev): an EDF+C file with three
// signals at 4 Hz and the session's events as annotations, for EDFbrowser, MNE and the other
// tools clinicians and researchers open physiological recordings with.
//
// Signals (one data record a second, 4 samples each):
//   "RR interval"  ms    the clean beats' intervals, linear between beats; artifacts left out
//   "Heart rate"   bpm   60000 / the RR signal
//   "Pacer phase"  0-1   where the pacer is in its breath cycle; 0 without a pacer (or paused:
//                        then it holds where it stopped)
// Across a gap (a sensor dropout) both beat signals hold their last value, and a `gap`
// annotation covers it. Annotations: `step: NAME` (with the step's duration), `trigger mark`,
// `trigger detected`, `pacer: PATTERN COUNT_S` (when a pacer starts or changes tempo), `gap`.
// Exact beats stay in the CSV and RR exports: EDF stores 16-bit samples.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "session/store.h"

namespace steady::exporting {

class ExportError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

constexpr int kEdfRateHz = 4;

struct EdfSignals {
    std::vector<double> rr_ms, hr_bpm, pacer_phase;  // kEdfRateHz samples a second
};
struct EdfAnnotation {
    double onset_s = 0;
    double duration_s = -1;  // -1: none
    std::string text;
};

// The physical ranges the samples are stored in (16-bit): the digital resolution of each.
struct EdfRange {
    double min, max;
    double resolution() const { return (max - min) / 65535.0; }
};
constexpr EdfRange kRrRange{200, 3000};  // ms: 0.043 ms a step
constexpr EdfRange kHrRange{20, 300};    // bpm: 0.0043 bpm a step
constexpr EdfRange kPhaseRange{0, 1};    // 0.000015 a step

EdfSignals edf_signals(const SessionRecord& session);
std::vector<EdfAnnotation> edf_annotations(const SessionRecord& session);

// Writes `path` (created 0600, never through a symlink; an existing file only with `replace`).
// Throws ExportError saying why.
void write_edf(const SessionRecord& session, const std::string& path, bool replace);

}  // namespace steady::exporting
