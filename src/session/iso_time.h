// Times as the store keeps them: UTC, ISO 8601 with Z ("2026-12-01T03:06:44Z").
#pragma once

#include <ctime>
#include <string>

namespace steady {

inline std::string utc_iso(std::time_t t) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

// UTC seconds of a stored time; 0 if unreadable.
inline std::time_t parse_utc_iso(const std::string& iso) {
    std::tm tm{};
    if (!strptime(iso.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return 0;
    return timegm(&tm);
}

}  // namespace steady
