// What every benchmark prints: percentiles of timings and rows of the Markdown table README.md
// quotes.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace steady::bench {

// Milliseconds a shell command took, as a user runs it; -1 if it failed.
inline double run_ms(const std::string& cmd) {
    const auto t0 = std::chrono::steady_clock::now();
    if (std::system(cmd.c_str()) != 0) return -1;
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

inline double percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

inline void header(const char* value_title) {
    std::printf("| %-58s | %14s | %-10s |\n", "measurement", value_title, "target");
    std::printf("|%s|%s|%s|\n", std::string(60, '-').c_str(), std::string(16, '-').c_str(),
                std::string(12, '-').c_str());
}

inline void row(const char* what, double value, const char* unit, const char* target) {
    std::printf("| %-58s | %10.3f %-3s | %-10s |\n", what, value, unit, target);
}

}  // namespace steady::bench
