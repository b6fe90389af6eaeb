#include "recovery/episodes.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace steady::recovery {
namespace {

double median(std::vector<double> v) {
    const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
    std::nth_element(v.begin(), mid, v.end());
    if (v.size() % 2) return *mid;
    const double hi = *mid;
    return (hi + *std::max_element(v.begin(), mid)) / 2;
}

std::size_t second_at(double t_s) {
    return static_cast<std::size_t>(std::max(0.0, std::ceil(t_s - 1e-9)));
}

// Median of `value(k)` over seconds in [from, to), skipping [skip_from, skip_to).
template <typename F>
std::optional<double> median_over(const SecondSeries& s, double from, double to, double skip_from,
                                  double skip_to, F value) {
    std::vector<double> v;
    for (std::size_t k = second_at(std::max(0.0, from));
         k < s.seconds() && static_cast<double>(k) < to; ++k) {
        const double t = static_cast<double>(k);
        if (t >= skip_from && t < skip_to) continue;
        const double x = value(k);
        if (std::isfinite(x)) v.push_back(x);
    }
    if (static_cast<double>(v.size()) < kMinPreS) return std::nullopt;
    return median(std::move(v));
}

// The first time from `from` at which the 30-s HR stays within kBackBpm of `baseline` for
// kBackHoldS, before `to`.
std::optional<double> back_at(const SecondSeries& s, double baseline, double from, double to) {
    double since = -1;
    for (std::size_t k = second_at(from); k < s.seconds() && static_cast<double>(k) <= to; ++k) {
        const double v = s.hr30(k);
        if (std::isfinite(v) && v <= baseline + kBackBpm) {
            if (since < 0) since = static_cast<double>(k);
            if (static_cast<double>(k) - since >= kBackHoldS) return since;
        } else {
            since = -1;
        }
    }
    return std::nullopt;
}

std::string r2_reason(double r2) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "the curve explains too little of the signal (R^2 %.2f < 0.5)",
                  r2);
    return buf;
}

}  // namespace

// The highest 10-s HR in [from, to]: (time, value); value NaN when there is none.
std::pair<double, double> peak_between(const SecondSeries& s, double from, double to) {
    double best = kNaN, at = from;
    for (std::size_t k = second_at(from); k < s.seconds() && static_cast<double>(k) <= to; ++k) {
        const double v = s.hr10(k);
        if (std::isfinite(v) && !(v <= best)) best = v, at = static_cast<double>(k);
    }
    return {at, best};
}

std::optional<double> pre_trigger_hr(const SecondSeries& s, double onset_s, double skip_from,
                                     double skip_to) {
    return median_over(s, onset_s - kPreS, onset_s, skip_from, skip_to,
                       [&](std::size_t k) { return s.hr30(k); });
}

std::optional<Recovery> fit_signal(const SecondSeries& s, Signal which, double peak_s, double end_s,
                                   std::optional<double> baseline, std::string& reason,
                                   const FitWindow& window) {
    const double min_s = window.min_s, max_tau_s = window.max_tau_s;
    end_s = std::min(end_s, peak_s + kFitMaxS);
    if (end_s - peak_s < min_s) {
        reason = "fewer than " + std::to_string(static_cast<int>(min_s)) + " s follow the peak";
        return std::nullopt;
    }
    const auto [beats, bad] = s.beats_between(peak_s, end_s);
    if (beats == 0 || static_cast<double>(bad) > kMaxArtifactShare * static_cast<double>(beats)) {
        reason = "more than 20 % of the beats are artifacts";
        return std::nullopt;
    }
    std::vector<double> t, y;
    for (std::size_t k = second_at(peak_s); k < s.seconds() && static_cast<double>(k) <= end_s;
         ++k) {
        const double v = which == Signal::hr ? s.inst_hr(k) : s.rmssd30(k);
        if (!std::isfinite(v)) continue;
        t.push_back(static_cast<double>(k) - peak_s);
        y.push_back(v);
    }
    const auto f =
        fit_recovery(t, y, max_tau_s, window.level_at_baseline ? baseline : std::nullopt);
    if (!f) {
        reason = "too few beats to fit a curve";
        return std::nullopt;
    }
    if (max_tau_s < kMaxTauS && f->tau_s >= 0.98 * max_tau_s) {
        reason =
            "it had not levelled off by the end (the curve's time constant would be longer "
            "than the window)";
        return std::nullopt;
    }
    if (which == Signal::hr ? f->amount <= 0 : f->amount >= 0) {
        reason = which == Signal::hr ? "heart rate did not fall after the peak"
                                     : "RMSSD did not rise after the peak";
        return std::nullopt;
    }
    if (f->r2 < kMinR2) {
        reason = r2_reason(f->r2);
        return std::nullopt;
    }
    Recovery r;
    r.t50_s = f->t50_s;
    r.t90_s = f->t90_s;
    r.tau_s = f->tau_s;
    r.level = f->level;
    r.r2 = f->r2;
    if (baseline)
        r.level_vs_baseline = which == Signal::hr ? f->level - *baseline : *baseline - f->level;
    reason.clear();
    return r;
}

std::vector<Episode> find_episodes(std::span<const PlacedBeat> beats, std::span<const Event> events,
                                   double duration_s) {
    SecondSeries s;
    for (const PlacedBeat& b : beats) s.add(b);
    s.advance_to(duration_s);
    std::optional<Baseline> session;
    struct Onset {
        double t;
        bool marked, detected;
        bool protocol = false;
    };
    std::vector<Onset> onsets;
    for (const Event& e : events) {
        if (const auto* b = e.as<BaselineEvent>(); b && !session)
            session = Baseline{b->hr_bpm, b->rmssd_ms, b->resp_bpm};
        if (e.as<MarkEvent>()) onsets.push_back({e.t_s, true, false});
        if (const auto* tr = e.as<TriggerEvent>())
            onsets.push_back({tr->onset_s.value_or(e.t_s), false, true});
        if (const auto* st = e.as<StepStartEvent>(); st && st->kind == "stressor")
            onsets.push_back({e.t_s, false, false, true});
    }
    std::sort(onsets.begin(), onsets.end(),
              [](const Onset& a, const Onset& b) { return a.t < b.t; });
    // A mark and a detection within kMergeS are one episode; the earlier time is its onset.
    std::vector<Onset> merged;
    for (const Onset& o : onsets) {
        if (!merged.empty() && o.t - merged.back().t <= kMergeS) {
            merged.back().marked |= o.marked;
            merged.back().detected |= o.detected;
            merged.back().protocol |= o.protocol;
        } else {
            merged.push_back(o);
        }
    }
    std::vector<Episode> out;
    double prev_from = -1, prev_to = -1;  // the previous episode's recovery, left out of baselines
    for (std::size_t i = 0; i < merged.size(); ++i) {
        const Onset& o = merged[i];
        const double next = i + 1 < merged.size() ? merged[i + 1].t : duration_s;
        const double end = std::min(next, duration_s);
        Episode ep;
        ep.onset_s = o.t;
        ep.source = o.protocol               ? "protocol"
                    : o.marked && o.detected ? "both"
                    : o.marked               ? "marked"
                                             : "detected";
        if (const auto b = pre_trigger_hr(s, o.t, prev_from, prev_to)) {
            ep.baseline_hr_bpm = *b;
            ep.baseline_from = "pre-trigger";
            ep.baseline_rmssd_ms = median_over(s, o.t - kPreS, o.t, prev_from, prev_to,
                                               [&](std::size_t k) { return s.rmssd30(k); });
        } else if (session) {
            ep.baseline_hr_bpm = session->hr_bpm;
            ep.baseline_rmssd_ms = session->rmssd_ms;
            ep.baseline_from = "session";
        } else {
            ep.baseline_hr_bpm = kNaN;
            ep.baseline_from = "none";
        }
        if (!ep.baseline_rmssd_ms && session) ep.baseline_rmssd_ms = session->rmssd_ms;
        const auto [peak_s, peak] = peak_between(s, o.t, std::min(o.t + kPeakWithinS, end));
        ep.peak_s = peak_s;
        ep.peak_hr_bpm = peak;
        ep.rise_bpm = peak - ep.baseline_hr_bpm;
        ep.end_s = std::min(end, peak_s + kFitMaxS);
        if (std::isfinite(peak)) {
            const std::optional<double> base_hr = std::isfinite(ep.baseline_hr_bpm)
                                                      ? std::optional(ep.baseline_hr_bpm)
                                                      : std::nullopt;
            ep.hr = fit_signal(s, Signal::hr, peak_s, end, base_hr, ep.hr_reason);
            ep.rmssd =
                fit_signal(s, Signal::rmssd, peak_s, end, ep.baseline_rmssd_ms, ep.rmssd_reason);
            if (base_hr)
                if (const auto back = back_at(s, *base_hr, peak_s, ep.end_s))
                    ep.back_to_baseline_s = *back - o.t;
        } else {
            ep.hr_reason = ep.rmssd_reason = "no heart beats after the onset";
        }
        ep.censored = !ep.back_to_baseline_s;
        for (const Event& e : events)
            if (const auto* j = e.as<JournalEvent>())
                if (j->mark_t_s >= o.t - 1 && j->mark_t_s < o.t + kMergeS + 1 && o.marked)
                    ep.journal = *j;
        prev_from = o.t;
        prev_to = ep.back_to_baseline_s ? o.t + *ep.back_to_baseline_s : ep.end_s;
        out.push_back(std::move(ep));
    }
    return out;
}

// Live ----------------------------------------------------------------------------------------

void EpisodeDetector::start(double onset_s, double now_s) {
    const double skip_from = onset_s_.value_or(-1);
    onset_s_ = onset_s;
    const auto b = pre_trigger_hr(series_, onset_s, skip_from, skip_from < 0 ? -1 : now_s);
    baseline_ = b ? *b
                  : session_hr_.value_or(series_.seconds() > 0 ? series_.hr30(series_.seconds() - 1)
                                                               : kNaN);
    // The peak so far (a surge is found some seconds after its onset).
    const auto [at, peak] = peak_between(series_, onset_s, std::min(now_s, onset_s + kPeakWithinS));
    peak_ = peak;
    peak_s_ = std::isfinite(peak) ? at : onset_s;
    back_since_ = -1;
}

void EpisodeDetector::mark(double t_s) {
    last_mark_s_ = t_s;
    if (onset_s_ && t_s - *onset_s_ <= kMergeS) return;  // the same episode
    start(t_s, t_s);
}

std::optional<EpisodeDetector::Open> EpisodeDetector::open() const {
    if (!onset_s_) return std::nullopt;
    return Open{*onset_s_, baseline_, peak_, peak_s_};
}

std::vector<Event> EpisodeDetector::second(std::size_t k) {
    std::vector<Event> out;
    const double t = static_cast<double>(k);
    const SecondSeries& s = series_;
    if (armed_ && std::isfinite(s.hr30(k)) && t >= kLookbackS + kRecentS) {
        // The reference: the median 30-s HR of the kLookbackS before the last kRecentS.
        const auto ref = median_over(s, t - kRecentS - kLookbackS, t - kRecentS, -1, -1,
                                     [&](std::size_t j) { return s.hr30(j); });
        rising_for_ = ref && s.hr30(k) - *ref >= kRiseBpm ? rising_for_ + 1 : 0;
        if (rising_for_ >= kSustainS) {
            // The onset: back from here to the last second the 10-s HR stood within a quarter
            // of the rise of the reference, less half the 10-s window (its lag).
            const double rise = std::max(s.hr10(k), s.hr30(k)) - *ref;
            double onset = std::max(0.0, t - kOnsetLookS);
            for (std::size_t j = k; j > 0 && static_cast<double>(j) > t - kOnsetLookS; --j) {
                if (std::isfinite(s.hr10(j)) && s.hr10(j) <= *ref + 0.25 * rise) {
                    onset = std::max(0.0, static_cast<double>(j) - 5);
                    break;
                }
            }
            armed_ = false;
            rising_for_ = 0;
            TriggerEvent e;
            e.hr_bpm = std::isfinite(s.hr10(k)) ? s.hr10(k) : s.hr30(k);
            e.rise_bpm = s.hr30(k) - *ref;
            e.onset_s = onset;
            out.push_back({t, e});
            if (!onset_s_ || onset - *onset_s_ > kMergeS) start(onset, t);
        }
    }
    if (!onset_s_) return out;
    // The open episode: its peak, then the way back.
    if (t <= *onset_s_ + kPeakWithinS && std::isfinite(s.hr10(k)) && !(s.hr10(k) <= peak_)) {
        peak_ = s.hr10(k);
        peak_s_ = t;
        back_since_ = -1;
    }
    const bool back = std::isfinite(s.hr30(k)) && s.hr30(k) <= baseline_ + kBackBpm;
    if (back && t >= peak_s_) {
        if (back_since_ < 0) back_since_ = t;
        if (t - back_since_ >= kBackHoldS) {
            RecoveredEvent r;
            r.hr_bpm = s.hr30(k);
            r.onset_s = *onset_s_;
            r.back_to_baseline_s = back_since_ - *onset_s_;
            std::string why;
            if (const auto f = fit_signal(s, Signal::hr, peak_s_, t, baseline_, why))
                r.t50_s = f->t50_s;
            out.push_back({t, r});
            onset_s_.reset();
            armed_ = true;
        }
    } else {
        back_since_ = -1;
    }
    if (onset_s_ && t > peak_s_ + kFitMaxS) {  // never came back within the window
        onset_s_.reset();
        armed_ = true;
    }
    return out;
}

}  // namespace steady::recovery
