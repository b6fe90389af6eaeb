// Breathing patterns as data: four phases (inhale, hold, exhale, hold-out) measured in counts,
// and how long one count lasts. The built-ins are 4-7-8 (the default), resonance, box and equal;
// the settings file can add custom ones (app/config.h). A pattern says how the adaptive pacer may
// change its tempo (adaptive.h).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace steady::pacer {

enum class Phase { inhale, hold, exhale, hold_out };
const char* to_string(Phase p);

// How a pattern's tempo may adapt. arousal: the count length follows arousal (4-7-8, box, equal);
// resonance: the rate drifts toward the user's own LF peak (resonance); none: fixed.
enum class Adapt { arousal, resonance, none };
const char* to_string(Adapt a);

struct Pattern {
    std::string name;
    std::array<double, 4> counts{};  // counts per phase, indexed by Phase
    double count_s = 1.0;            // seconds per count at the start
    Adapt adapt = Adapt::arousal;

    double total_counts() const { return counts[0] + counts[1] + counts[2] + counts[3]; }
    double cycle_s(double count_len_s) const { return total_counts() * count_len_s; }
    double cycle_s() const { return cycle_s(count_s); }
    double rate_bpm(double count_len_s) const { return 60.0 / cycle_s(count_len_s); }
    // "4-7-8" style description of the counts ("4-7-8", "4-4-4-4", "4-6").
    std::string counts_text() const;
};

// Built-in patterns, 4-7-8 first (the default).
//   4-7-8      inhale 4, hold 7, exhale 8 (Weil); 0.8 s per count to start (15.2 s cycle)
//   resonance  inhale 4 : exhale 6 at 5.5 breaths/min (Lehrer; Shaffer & Meehan 2020)
//   box        4-4-4-4, 1 s per count
//   equal      5-5, 1 s per count (6 breaths/min)
const std::vector<Pattern>& builtin_patterns();

// A built-in or one of `custom`, by name (custom names win); empty when there is none.
std::optional<Pattern> find_pattern(const std::string& name, const std::vector<Pattern>& custom);
// "4-7-8, resonance, box, equal" plus custom names, for messages and --help.
std::string pattern_names(const std::vector<Pattern>& custom);

// Checks a pattern built from outside data; returns the reason it is unusable, or empty.
std::optional<std::string> check_pattern(const Pattern& p);

}  // namespace steady::pacer
