// What a live session makes of a recording, without the live part: the beats placed and screened
// by the engine, the resting baseline and gaps it reports, and surges and recoveries found once a
// second by the same EpisodeDetector the training session runs. `steady import` stores this.
#pragma once

#include <span>
#include <vector>

#include "session/beat.h"
#include "session/events.h"

namespace steady {

struct AnalysedRecording {
    std::vector<PlacedBeat> beats;
    std::vector<Event> events;  // in time order
    double duration_s = 0;
};

// `t_s` are the beat times from the file (empty: the running sum of the intervals); the session
// starts where the first interval began.
AnalysedRecording analyse_recording(std::span<const double> rr_ms, std::span<const double> t_s);

}  // namespace steady
