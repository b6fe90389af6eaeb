#include "recovery/progress.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace steady::recovery {
namespace {

constexpr double kDayS = 86400;

double median_of(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::tm local_tm(std::time_t t) {
    std::tm tm{};
    localtime_r(&t, &tm);
    return tm;
}

std::string date_text(const std::tm& tm) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    return buf;
}

// The Monday of t's week at local noon (noon keeps day steps clear of DST changes).
std::time_t monday_noon(std::time_t t) {
    std::tm tm = local_tm(t);
    tm.tm_mday -= (tm.tm_wday + 6) % 7;
    tm.tm_hour = 12;
    tm.tm_min = tm.tm_sec = 0;
    tm.tm_isdst = -1;
    return std::mktime(&tm);
}

}  // namespace

std::string local_date(std::time_t t) {
    return date_text(local_tm(t));
}

std::string week_start(std::time_t t) {
    return local_date(monday_noon(t));
}

std::optional<std::time_t> parse_local_date(const std::string& date) {
    int y = 0, m = 0, d = 0;
    char tail = 0;
    if (std::sscanf(date.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || date.size() != 10)
        return std::nullopt;
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    tm.tm_isdst = -1;
    const std::time_t t = std::mktime(&tm);
    const std::tm back = local_tm(t);
    if (back.tm_year != y - 1900 || back.tm_mon != m - 1 || back.tm_mday != d) return std::nullopt;
    return t;
}

std::optional<SenLine> theil_sen(std::span<const double> x, std::span<const double> y) {
    const std::size_t n = x.size();
    std::vector<double> slopes;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = i + 1; j < n; ++j)
            if (x[j] != x[i]) slopes.push_back((y[j] - y[i]) / (x[j] - x[i]));
    if (slopes.size() < 2) return std::nullopt;
    std::sort(slopes.begin(), slopes.end());
    SenLine s;
    s.slope = median_of(slopes);
    // Sen (1968): C = z * sqrt(var S), var S = n (n - 1) (2n + 5) / 18 (no tie correction);
    // the interval runs from the (N - C)/2-th to the (N + C)/2 + 1-th ordered slope.
    const double nn = static_cast<double>(n);
    const double c = 1.959964 * std::sqrt(nn * (nn - 1) * (2 * nn + 5) / 18);
    const double big_n = static_cast<double>(slopes.size());
    const auto at = [&](double rank) {
        const auto i = static_cast<std::ptrdiff_t>(std::clamp(std::round(rank), 1.0, big_n)) - 1;
        return slopes[static_cast<std::size_t>(i)];
    };
    s.low = at((big_n - c) / 2);
    s.high = at((big_n + c) / 2 + 1);
    return s;
}

Progress progress(std::span<const SessionDay> days) {
    Progress p;
    if (days.empty()) {
        p.trend_reason = "no sessions in the range";
        p.resting_reason = "no sessions in the range";
        return p;
    }
    p.from = local_date(days.front().start);
    p.to = local_date(days.back().start);
    p.sessions = static_cast<int>(days.size());
    // Every week from the first session's to the last's, empty ones included.
    std::map<std::string, Week> weeks;
    for (std::time_t w = monday_noon(days.front().start); w <= monday_noon(days.back().start);) {
        weeks[local_date(w)].week_start = local_date(w);
        std::tm tm = local_tm(w);
        tm.tm_mday += 7;
        tm.tm_isdst = -1;
        w = std::mktime(&tm);
    }
    std::map<std::string, std::vector<double>> t50s, rmssd, hr;
    std::vector<double> x, y;  // days since the first session, ln t50
    for (const SessionDay& d : days) {
        const std::string wk = week_start(d.start);
        Week& w = weeks[wk];
        ++w.sessions;
        w.practice_min += d.duration_s / 60;
        w.coherence_high_min += d.coherence_high_s / 60;
        if (d.baseline) {
            rmssd[wk].push_back(d.baseline->rmssd_ms);
            hr[wk].push_back(d.baseline->hr_bpm);
        }
        for (const Episode& e : d.episodes) {
            ++w.episodes;
            ++p.episodes;
            if (!e.hr || !(e.hr->t50_s > 0)) continue;
            t50s[wk].push_back(e.hr->t50_s);
            x.push_back((static_cast<double>(d.start - days.front().start) + e.onset_s) / kDayS);
            y.push_back(std::log(e.hr->t50_s));
        }
    }
    for (auto& [wk, w] : weeks) {
        if (t50s.count(wk)) w.median_t50_s = median_of(t50s[wk]);
        if (rmssd.count(wk)) {
            double a = 0, b = 0;
            for (const double v : rmssd[wk]) a += v;
            for (const double v : hr[wk]) b += v;
            w.resting_rmssd_ms = a / static_cast<double>(rmssd[wk].size());
            w.resting_hr_bpm = b / static_cast<double>(hr[wk].size());
        }
        p.weeks.push_back(w);
    }
    if (static_cast<int>(x.size()) < kMinTrendEpisodes) {
        char buf[128];
        std::snprintf(buf, sizeof buf,
                      "a trend needs at least %d episodes with a fitted recovery (%zu here)",
                      kMinTrendEpisodes, x.size());
        p.trend_reason = buf;
    } else if (const auto line = theil_sen(x, y)) {
        const auto pct = [](double slope) { return 100 * (std::exp(30 * slope) - 1); };
        std::vector<double> at0;
        for (std::size_t i = 0; i < x.size(); ++i) at0.push_back(y[i] - line->slope * x[i]);
        p.trend = Trend{line->slope,    median_of(at0),  pct(line->slope),
                        pct(line->low), pct(line->high), static_cast<int>(x.size())};
    } else {
        p.trend_reason = "the episodes all fall on one day";
    }
    // Resting ln RMSSD: the last 7 days against the last 60.
    const std::time_t last = days.back().start;
    std::vector<double> week7, days60;
    for (const SessionDay& d : days) {
        if (!d.baseline || !(d.baseline->rmssd_ms > 0)) continue;
        const double age = static_cast<double>(last - d.start) / kDayS;
        const double v = std::log(d.baseline->rmssd_ms);
        if (age < 7) week7.push_back(v);
        if (age < 60) days60.push_back(v);
    }
    if (week7.size() < 3) {
        p.resting_reason = "fewer than 3 resting readings in the last 7 days";
    } else {
        double m7 = 0, m60 = 0, ss = 0;
        for (const double v : week7) m7 += v;
        for (const double v : days60) m60 += v;
        m7 /= static_cast<double>(week7.size());
        m60 /= static_cast<double>(days60.size());
        for (const double v : days60) ss += (v - m60) * (v - m60);
        const double sd =
            days60.size() > 1 ? std::sqrt(ss / static_cast<double>(days60.size() - 1)) : 0;
        p.resting = Resting{m7, m60 - 0.75 * sd, m60 + 0.75 * sd};
    }
    return p;
}

}  // namespace steady::recovery
