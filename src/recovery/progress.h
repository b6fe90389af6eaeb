// Progress over weeks: per calendar week (Monday first, local time) the sessions, practice
// minutes, episodes and their median half-recovery time, the resting baseline and coherence;
// the recovery trend; and the resting ln RMSSD against its 60-day band.
//
// The trend is a Theil-Sen line through ln(t50) against the episode's date (a halving is the
// natural unit of recovery), over the fitted episodes between the first and the last session of
// the range, with Sen's rank-based 95 % interval; it is given as the % change of t50 per 30 days.
// With fewer than kMinTrendEpisodes it is not given, and the reason says so. Resting: the mean
// ln RMSSD of the resting baselines in the 7 days up to the last session (at least 3 readings),
// inside the 60-day band mean +- 0.75 SD (HRV4Training's convention).
#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/arousal.h"
#include "recovery/episodes.h"

namespace steady::recovery {

constexpr int kMinTrendEpisodes = 6;

struct SessionDay {
    std::int64_t id = 0;
    std::time_t start = 0;  // UTC seconds
    double duration_s = 0;
    double coherence_high_s = 0;
    std::optional<Baseline> baseline;  // the resting baseline measured in it
    std::vector<Episode> episodes;
};

struct Week {
    std::string week_start;  // YYYY-MM-DD, a Monday, local time
    int sessions = 0;
    double practice_min = 0;
    int episodes = 0;
    std::optional<double> median_t50_s;
    std::optional<double> resting_rmssd_ms;
    std::optional<double> resting_hr_bpm;
    double coherence_high_min = 0;
};

struct Trend {
    double slope_per_day = 0;    // of ln t50
    double ln_t50_at_first = 0;  // the line's value at the first session
    double change_pct_per_30d = 0;
    double ci_low_pct = 0, ci_high_pct = 0;
    int episodes_used = 0;
};

struct Resting {
    double ln_rmssd_7d_mean = 0;
    double band_low = 0, band_high = 0;
};

struct Progress {
    std::string from, to;  // local dates of the first and the last session
    int sessions = 0;
    int episodes = 0;
    std::vector<Week> weeks;
    std::optional<Trend> trend;
    std::string trend_reason;
    std::optional<Resting> resting;
    std::string resting_reason;
};

// `days` in time order.
Progress progress(std::span<const SessionDay> days);

// Theil-Sen slope of y on x with Sen's 95 % interval (slopes over pairs with distinct x).
struct SenLine {
    double slope = 0, low = 0, high = 0;
};
std::optional<SenLine> theil_sen(std::span<const double> x, std::span<const double> y);

// Local calendar helpers: "YYYY-MM-DD" of a UTC time; the Monday starting its week.
std::string local_date(std::time_t t);
std::string week_start(std::time_t t);
// Midnight local time of "YYYY-MM-DD"; empty if it is not such a date.
std::optional<std::time_t> parse_local_date(const std::string& date);

}  // namespace steady::recovery
