// Durations as people read them, the same in the window and on the command line: "2:08",
// "15:00", "1:02:05".
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace steady {

inline std::string clock_text(double s) {
    const long v = std::lround(std::max(0.0, s));
    char buf[32];
    if (v >= 3600)
        std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", v / 3600, v / 60 % 60, v % 60);
    else
        std::snprintf(buf, sizeof buf, "%ld:%02ld", v / 60, v % 60);
    return buf;
}

}  // namespace steady
