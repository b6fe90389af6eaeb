#include "pacer/pattern.h"

#include <cmath>

namespace steady::pacer {

const char* to_string(Phase p) {
    switch (p) {
        case Phase::inhale: return "inhale";
        case Phase::hold: return "hold";
        case Phase::exhale: return "exhale";
        case Phase::hold_out: return "hold-out";
    }
    return "?";
}

const char* to_string(Adapt a) {
    switch (a) {
        case Adapt::arousal: return "arousal";
        case Adapt::resonance: return "resonance";
        case Adapt::none: return "none";
    }
    return "?";
}

std::string Pattern::counts_text() const {
    std::string out;
    const auto add = [&](double c) {
        if (!out.empty()) out += '-';
        const double r = std::round(c);
        out += std::abs(c - r) < 1e-9 ? std::to_string(static_cast<long>(r)) : std::to_string(c);
    };
    add(counts[0]);
    if (counts[1] > 0 || counts[3] > 0) add(counts[1]);
    add(counts[2]);
    if (counts[3] > 0) add(counts[3]);
    return out;
}

const std::vector<Pattern>& builtin_patterns() {
    static const std::vector<Pattern> patterns{
        {"4-7-8", {4, 7, 8, 0}, 0.8, Adapt::arousal},
        // 10 counts per cycle at 5.5 breaths/min: 60 / 5.5 / 10 s per count.
        {"resonance", {4, 0, 6, 0}, 60.0 / 5.5 / 10.0, Adapt::resonance},
        {"box", {4, 4, 4, 4}, 1.0, Adapt::arousal},
        {"equal", {5, 0, 5, 0}, 1.0, Adapt::arousal},
    };
    return patterns;
}

std::optional<Pattern> find_pattern(const std::string& name, const std::vector<Pattern>& custom) {
    for (const Pattern& p : custom)
        if (p.name == name) return p;
    for (const Pattern& p : builtin_patterns())
        if (p.name == name) return p;
    return std::nullopt;
}

std::string pattern_names(const std::vector<Pattern>& custom) {
    std::string out;
    for (const Pattern& p : builtin_patterns()) out += (out.empty() ? "" : ", ") + p.name;
    for (const Pattern& p : custom) out += ", " + p.name;
    return out;
}

std::optional<std::string> check_pattern(const Pattern& p) {
    for (double c : p.counts)
        if (!(c >= 0 && c <= 60)) return "every count must be between 0 and 60";
    if (!(p.counts[0] > 0) || !(p.counts[2] > 0)) return "inhale and exhale need at least 1 count";
    if (!(p.count_s >= 0.2 && p.count_s <= 5)) return "count_s must be between 0.2 and 5 seconds";
    const double cycle = p.cycle_s();
    if (!(cycle >= 2 && cycle <= 60))
        return "one breath cycle must last between 2 and 60 seconds (it is " +
               std::to_string(cycle) + " s)";
    return std::nullopt;
}

}  // namespace steady::pacer
