// A beat as the engine placed and judged it: what the session store keeps, exports write and the
// summary is computed from.
#pragma once

#include <cstdint>

namespace steady {

struct PlacedBeat {
    double t_s = 0;           // session time of the beat
    double rr_ms = 0;         // exactly as the sensor gave it
    std::uint32_t flags = 0;  // BeatFlag bits (sensor/sensor.h)
};

}  // namespace steady
