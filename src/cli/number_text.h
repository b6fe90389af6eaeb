// Shortest text that reads back to exactly the same double (std::to_chars): what Steady writes
// for beat times and intervals, so an export analysed again gives the same numbers.
#pragma once

#include <charconv>
#include <string>

namespace steady::cli {

inline std::string exact(double v) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

}  // namespace steady::cli
